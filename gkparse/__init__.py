"""gkparse: Chinese government information-disclosure annual reports as typed, checked data.

>>> import gkparse
>>> report = gkparse.parse("fixtures/pingyang_amr_2020.txt")  # doctest: +SKIP
>>> report.requests.new.natural_person.value  # doctest: +SKIP
4
"""

from .checks import check_years
from .errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    ErrorLevel,
    GkparseError,
    GkparseWarning,
    NotAReportError,
    ReportIssueError,
)
from .model import Cell, CellState, Issue, Report, RowReadings
from .parse import parse, parse_text
from .templates import TEMPLATES, detect

__version__ = "0.1.0"

__all__ = [
    "parse",
    "parse_text",
    "check_years",
    "detect",
    "Report",
    "Cell",
    "CellState",
    "Issue",
    "RowReadings",
    "TEMPLATES",
    "ErrorLevel",
    "GkparseError",
    "GkparseWarning",
    "DecodeError",
    "EmptyInputError",
    "BinaryInputError",
    "NotAReportError",
    "ReportIssueError",
    "__version__",
]
