"""The error types of gkparse and the error-level setting.

Every error gkparse raises is a :class:`GkparseError`, itself a ``ValueError``, and its
message names the offending input (a path, a URL or the first bytes of the data).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model imports nothing of this module, but keep the import graph one-way
    from .model import Issue

__all__ = [
    "GkparseError",
    "InputNotFoundError",
    "CrawlError",
    "FetchError",
    "DecodeError",
    "EmptyInputError",
    "BinaryInputError",
    "NotAReportError",
    "NoTextLayerError",
    "UnreadableDocumentError",
    "InputTooLargeError",
    "ReportIssueError",
    "ErrorLevel",
]


class GkparseError(ValueError):
    """Root of every error gkparse raises.

    ``source`` names the input (path, URL or a short preview of the data) when known.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        self.reason = message
        super().__init__(f"{source}: {message}" if source else message)


class InputNotFoundError(GkparseError):
    """A path given as input names no file (or a document was passed where a path belongs)."""


class CrawlError(GkparseError):
    """A crawl cannot start: bad arguments or an unreadable ``previous`` WARC."""


class FetchError(CrawlError):
    """One URL could not be fetched; recorded as a failure, never raised by ``crawl``."""

    def __init__(self, message: str, *, source: str | None = None, status: int | None = None) -> None:
        super().__init__(message, source=source)
        self.status = status


class DecodeError(GkparseError):
    """The bytes could not be decoded as text in any supported encoding."""


class EmptyInputError(GkparseError):
    """The input holds no text at all (zero bytes or only whitespace)."""


class BinaryInputError(GkparseError):
    """The input is binary data of a form gkparse does not read (an image, an archive, …)."""


class UnreadableDocumentError(GkparseError):
    """A document that cannot be read: a PDF or Word file damaged, truncated, encrypted, or
    in a format gkparse does not read (``.wps``, ``.doc`` without a converter installed); a
    page nested past the HTML parser's depth."""


class InputTooLargeError(GkparseError):
    """A document past a size limit (``gkparse.api.MAX_DOCUMENT_CHARS``): refused before it
    is read, so that one input cannot hold a run's memory."""


class NoTextLayerError(UnreadableDocumentError):
    """A PDF whose pages hold no text, only images (a scan): add a text layer first (OCR,
    e.g. ``ocrmypdf --language chi_sim in.pdf out.pdf``) and parse the result."""


class NotAReportError(GkparseError):
    """The document decodes, but contains no annual-report content gkparse can read."""


class ReportIssueError(GkparseError):
    """Raised with ``errors="raise"`` when a parsed report has an issue (see ``Report.issues``)."""

    def __init__(self, message: str, *, source: str | None = None, issue: Issue | None = None) -> None:
        super().__init__(message, source=source)
        self.issue = issue


class ErrorLevel(str, enum.Enum):
    """What :func:`gkparse.parse` does with the issues it finds.

    - ``ignore``: keep the parsed values, drop the issue list.
    - ``collect`` (default): list every issue on ``Report.issues``; never raise.
    - ``warn``: collect, and also emit each issue as a :class:`GkparseWarning`.
    - ``raise``: collect, then raise :class:`ReportIssueError` for the first issue of
      severity ``error`` (the exception carries it; ``Report.issues`` would list them all).

    Input errors (undecodable bytes, no report at all) raise at every level.
    """

    IGNORE = "ignore"
    COLLECT = "collect"
    WARN = "warn"
    RAISE = "raise"


class GkparseWarning(UserWarning):
    """Category of the warnings emitted with ``errors="warn"``."""
