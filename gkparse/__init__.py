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

The pipeline, one folder a stage: ``read/`` (bytes → a page with table rows) →
``cells/`` (rows → typed, repaired cells) → ``checks/`` → ``model/``; then ``export/``,
``batch/``, ``crawler/``, ``panel/`` (agencies across years) and ``cli/``. ``templates/`` and :mod:`gkparse.vocabulary` hold
what the stages know about reports, as data.
"""

from .api import parse, parse_text
from .batch import convert
from .checks import check_years
from .crawler import crawl
from .errors import (
    BinaryInputError,
    CrawlError,
    DecodeError,
    EmptyInputError,
    ErrorLevel,
    FetchError,
    GkparseError,
    GkparseWarning,
    InputNotFoundError,
    InputTooLargeError,
    NotAReportError,
    NoTextLayerError,
    ReportIssueError,
    UnreadableDocumentError,
)
from .export import cell_rows, issue_rows
from .model import Cell, CellState, Issue, Report, RowReadings
from .panel import Panel
from .templates import TEMPLATES, Detection, Key, Template, detect, register

__version__ = "0.1.0"

__all__ = [
    "parse",
    "parse_text",
    "convert",
    "crawl",
    "cell_rows",
    "issue_rows",
    "check_years",
    "Panel",
    "detect",
    "register",
    "Report",
    "Cell",
    "CellState",
    "Issue",
    "RowReadings",
    "Key",
    "Template",
    "Detection",
    "TEMPLATES",
    "ErrorLevel",
    "GkparseError",
    "GkparseWarning",
    "InputNotFoundError",
    "DecodeError",
    "EmptyInputError",
    "BinaryInputError",
    "NotAReportError",
    "NoTextLayerError",
    "UnreadableDocumentError",
    "InputTooLargeError",
    "ReportIssueError",
    "CrawlError",
    "FetchError",
    "__version__",
]
