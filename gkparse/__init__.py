"""gkparse: Chinese government information-disclosure annual reports as typed, checked data.

>>> import gkparse
>>> from importlib.resources import files
>>> report = gkparse.parse(files("gkparse") / "examples" / "pingyang_amr_2020.txt")
>>> report.agency, report.year, report.template
('平阳县市场监督管理局', 2020, '2019')
>>> report.requests.new.natural_person.value
4
>>> [issue.rule for issue in report.issues]
['R2', 'R2']
"""

from .checks.relations import check_years
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
from .model.report import Cell, CellState, Issue, Report, RowReadings
from .api import parse, parse_text
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
