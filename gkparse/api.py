"""The public entry points and the pipeline they run.

bytes → :mod:`read` (the form told from the bytes; a PDF or Word reader, or decode then the
HTML or text reader: a page with table rows) →
template detection → :mod:`cells` (align rows to keys, read and repair cells) →
:mod:`checks` (completeness, relations) → the :class:`~gkparse.model.Report`.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Union, cast

from . import vocabulary as vocab
from .cells.align import align
from .cells.repair import repair
from .checks.completeness import check_completeness
from .checks.relations import check_relations
from .errors import (
    EmptyInputError,
    ErrorLevel,
    GkparseError,
    GkparseWarning,
    InputNotFoundError,
    InputTooLargeError,
    NotAReportError,
    ReportIssueError,
    UnreadableDocumentError,
)
from .model import DocumentForm, Issue, Report, Source, TableRegion
from .model.tables import build_tables
from .read import html as html_reader
from .read import markdown as markdown_reader
from .read import text as text_reader
from .read.decode import decode_bytes
from .read.gzipped import gunzip, inner_name, is_gzip
from .read.meta import agency_from_title, find_signature, find_title, read_meta, report_year, split_prose
from .read.mhtml import html_part, is_mhtml
from .read.page import Page
from .read.sniff import READ_FORMS, sniff_form
from .templates import TABLE_KINDS, Template, detect

__all__ = ["parse", "parse_text"]

Input = Union[bytes, str, os.PathLike]

#: A path this long is certainly a document passed by mistake (Linux's PATH_MAX is 4096).
_MAX_PATH_CHARS = 4096
#: How much of a document passed as a path an error message shows.
_PREVIEW_CHARS = 60


def _read(source: Input) -> tuple[bytes, str]:
    """The bytes of ``source`` and the name errors give it. ``bytes`` are the document;
    a ``str`` or path-like is always a path (never guessed to be document text)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        if not isinstance(name, str):
            name = os.fsdecode(name)
        # A str holding a document by mistake is told apart; a Path is a path, newline or not.
        looks_like_text = len(name) > _MAX_PATH_CHARS or "\n" in name or name.lstrip().startswith("<")
        if isinstance(source, str) and looks_like_text:
            preview = name if len(name) <= _PREVIEW_CHARS else name[: _PREVIEW_CHARS - 3] + "..."
            raise InputNotFoundError(
                "parse() takes a path or bytes; this str looks like a document: pass it to parse_text()",
                source=repr(preview),
            )
        if "\x00" in name:
            raise InputNotFoundError("a path cannot hold a NUL character", source=repr(name[:_PREVIEW_CHARS]))
        try:
            return Path(name).read_bytes(), name
        except FileNotFoundError:
            raise InputNotFoundError("no such file", source=name) from None
        except OSError as exc:
            raise GkparseError(f"cannot read the file: {exc.strerror}", source=name) from None
    raise TypeError(f"parse() takes a path or bytes, not {type(source).__name__}; use parse_text() for a str document")


#: Characters of a decoded page or text dump read at most (a page's inline ``data:`` images
#: not counted: they are dropped unread). A report is 5,000–60,000 characters, a CMS page
#: around it up to a few hundred thousand; a page of nothing but tables costs the HTML
#: reader about 60 bytes a character, so this bounds one input to some 250 MB.
MAX_DOCUMENT_CHARS = 4_000_000
#: The input forms a caller may force with ``form=`` (default: told from the bytes).
FORMS = ("html", "text", *READ_FORMS)
#: What to tell a user holding an office file gkparse does not read.
_OFFICE_ADVICE = {
    "wps": "a WPS Writer document (.wps)", "word": "an RTF or OpenDocument text",
    "excel": "a spreadsheet", "powerpoint": "a presentation", "ofd": "an OFD document", "office": "an OLE office file",
}


#: How a web archive starts (a WARC record's version line, an ARC file's first record).
_ARCHIVE_STARTS = (b"WARC/", b"filedesc://")


def _check_form(form: str | None, forms: tuple[str, ...] = FORMS) -> None:
    if form is not None and form not in forms:
        raise ValueError(f"form={form!r}: gkparse reads {', '.join(forms)} (default: told from the document)")


def _read_document(form: str, data: bytes, source: str | None) -> Page:
    """A PDF or Word file's page, by its reader (imported when first needed: the readers
    pull in pdfminer and python-docx)."""
    if form == "pdf":
        from .read.pdf import read_pdf

        return read_pdf(data, source=source)
    from .read.docx import read_doc, read_docx

    return read_docx(data, source=source) if form == "docx" else read_doc(data, source=source)


def _level(errors: ErrorLevel | str) -> ErrorLevel:
    try:
        return ErrorLevel(errors)
    except ValueError:
        choices = ", ".join(level.value for level in ErrorLevel)
        raise ValueError(f"errors={errors!r}: use one of {choices}") from None


def parse(
    source: Input,
    *,
    errors: ErrorLevel | str = ErrorLevel.COLLECT,
    origin: str | None = None,
    form: str | None = None,
    encoding: str | None = None,
    captured: str | None = None,
    sha256: str | None = None,
) -> Report:
    """Parse one report (an HTML page, a text dump, a PDF or a Word file) into a
    :class:`~gkparse.model.Report`.

    ``source`` is a path (``str`` or path-like) or the document's raw ``bytes`` (decoded
    here); document *text* goes to :func:`parse_text`. ``origin`` names the input in the
    report and in errors (default: the path). ``form`` forces ``"html"``, ``"text"``,
    ``"pdf"``, ``"docx"`` or ``"doc"`` (default: told from the bytes: magic numbers, zip
    parts, OLE streams; see :mod:`gkparse.read.sniff`). A page a browser saved as one file
    (MHTML, ``.mhtml``/``.mht``) is read as its HTML part (:mod:`gkparse.read.mhtml`), a
    gzip file (``report.html.gz``) as the document it holds (:mod:`gkparse.read.gzipped`).
    ``encoding`` is a charset from outside the document (an HTTP header). ``captured`` is the capture date of an archived copy (WARC-Date);
    ``sha256`` the input's digest when the caller already has it. ``errors`` sets what
    happens to issues (see :class:`~gkparse.errors.ErrorLevel`).

    Raises :class:`~gkparse.errors.InputNotFoundError` for a path that does not exist,
    :class:`~gkparse.errors.NoTextLayerError` for a scanned PDF,
    :class:`~gkparse.errors.UnreadableDocumentError` for a damaged, encrypted or unsupported
    office file (``.wps``, ``.et``; ``.doc`` without LibreOffice or antiword installed), and
    another :class:`~gkparse.errors.GkparseError` for input that holds no report.
    """
    level = _level(errors)
    _check_form(form)
    data, name = _read(source)
    where = origin or (None if name == "<bytes>" else name)
    digest = sha256 or hashlib.sha256(data).hexdigest()
    if is_gzip(data):  # a document compressed whole: the form is the inner document's
        data = gunzip(data, where)
        name = inner_name(name)
    if data.startswith(_ARCHIVE_STARTS):
        raise UnreadableDocumentError(
            "the input is a web archive (WARC/ARC) of many records: read it with `gkparse convert`"
            " or gkparse.batch.convert(), which parse each record", source=where,
        )
    if form in (None, "html") and is_mhtml(data):
        # A page saved as one file: its HTML part is the page, its charset declared outside
        # the page's own bytes as an HTTP header would.
        part = html_part(data, where)
        data, encoding, form = part.data, encoding or part.charset, "html"
    # A caller's origin (a batch passes the file's path or the record's URL) names the form too.
    found = sniff_form(data, None, inner_name(where or name))
    chosen = form if form in READ_FORMS else (found if form is None else None)
    if chosen in READ_FORMS:
        document = cast(DocumentForm, chosen)
        page = _read_document(document, data, where)
        provenance = Source(path=where, sha256=digest, form=document, date=captured)
        lines = "\n".join(page.meta_lines)  # the whole document's text, tables included
        return _apply_level(_parse_page(page, lines, provenance, dump=lines), level)
    if found in _OFFICE_ADVICE and form is None:
        raise UnreadableDocumentError(
            f"the input is {_OFFICE_ADVICE[found]}, which gkparse does not read: save it as .docx or PDF", source=where
        )
    decoded = decode_bytes(data, source=where, declared=encoding)
    if not decoded.text.strip():
        raise EmptyInputError("the input is empty", source=where)
    provenance = Source(
        path=where, sha256=digest, encoding=decoded.encoding, encoding_method=decoded.method, date=captured
    )
    report = _parse_decoded(decoded.text, form=form, source=provenance)
    if decoded.replaced:
        report.issues.insert(0, Issue(
            rule="decode-replaced", severity="warning",
            message=f"{decoded.replaced} byte(s) could not be read as {decoded.encoding} "
            f"(the first at byte {decoded.first_replaced}); each was read as U+FFFD",
        ))
    return _apply_level(report, level)


def _apply_level(report: Report, level: ErrorLevel) -> Report:
    if level is ErrorLevel.IGNORE:
        report.issues = []
    elif level is ErrorLevel.WARN:
        for issue in report.issues:
            warnings.warn(str(issue), GkparseWarning, stacklevel=3)
    elif level is ErrorLevel.RAISE:
        for issue in report.issues:
            if issue.severity == "error":
                raise ReportIssueError(str(issue), source=report.source.path, issue=issue)
    return report


def parse_text(
    text: str, *, errors: ErrorLevel | str = ErrorLevel.COLLECT, origin: str | None = None, form: str | None = None
) -> Report:
    """Parse a document already decoded to ``str`` (HTML or a text dump); see :func:`parse`.

    Raises :class:`~gkparse.errors.EmptyInputError` for blank text and
    :class:`~gkparse.errors.NotAReportError` for text that is about no report at all.
    """
    level = _level(errors)
    _check_form(form, ("html", "text"))
    if not isinstance(text, str):
        raise TypeError(f"parse_text() takes a str document, not {type(text).__name__}; use parse() for paths and bytes")
    if not text.strip():
        raise EmptyInputError("the input is empty", source=origin)
    provenance = Source(
        path=origin, sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), encoding_method="str"
    )
    report = _parse_decoded(text, form=form, source=provenance)
    return _apply_level(report, level)


def _parse_decoded(text: str, *, form: str | None, source: Source) -> Report:
    """The pipeline on decoded text: read → :func:`_parse_page`. ``source`` is the
    input's provenance; the form read is set on it here."""
    is_html = html_reader.looks_like_html(text) if form is None else form == "html"
    if is_html and len(text) > MAX_DOCUMENT_CHARS:
        text = html_reader.drop_data_uris(text)
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InputTooLargeError(
            f"the document has {len(text):,} characters; gkparse reads at most {MAX_DOCUMENT_CHARS:,} (MAX_DOCUMENT_CHARS)",
            source=source.path,
        )
    source.form = "html" if is_html else "text"
    if is_html:
        page = html_reader.read_html(text, source=source.path)
        return _parse_page(page, "\n".join(page.meta_lines), source)  # the whole page's text, tables included
    # Pipe tables (markdown, html2text) hold every cell, as HTML does; other text dumps
    # (and text whose pipe tables hold no part of a report) are read by their labels.
    piped = markdown_reader.has_pipe_tables(text)
    page = markdown_reader.read_markdown(text) if piped else text_reader.read_text(text)
    return _parse_page(page, text, source, dump=text, piped=piped)


def _parse_page(page: Page, labels: str, source: Source, *, dump: str | None = None, piped: bool = False) -> Report:
    """The pipeline on a read page: detect → (text: tables) → cells → checks → report.

    ``labels`` is the text the template is detected from; ``dump`` the document as text,
    read by the text reader when the page has no tables of its own (a text dump, a PDF
    whose tables have no structure to read)."""
    origin = source.path
    source.regions = [TableRegion(table=r.kind, page=r.page, box=r.box) for r in page.regions]
    title = find_title(page.title_candidates)
    fields = read_meta(page.meta_lines)
    if title is None and fields.title:
        title = find_title([fields.title]) or fields.title
    year = report_year(title, page.body)
    detection = detect(labels, year=year)
    if dump is not None and detection.template is not None:
        if piped:
            markdown_reader.read_tables(page, dump, detection.template)
        if not page.tables:
            # A text dump has no table structure: its rows are found by the template's labels.
            lines = page if page.form == "text" and not piped else text_reader.read_text(dump)
            text_reader.read_tables(lines, detection.template)
            page.tables = lines.tables
    if detection.kind == "not-a-report" and not page.tables and not _about_reports(page.title_candidates):
        # Nothing here is about an annual report at all: an input error, not a report.
        skipped = "".join(f"; {issue.message}" for issue in page.issues)  # e.g. a table too large to read
        raise NotAReportError(f"no annual report found ({detection.reason}){skipped}", source=origin)

    signature = find_signature(page.body)
    prose = split_prose(page.body, signature, detection.template)
    agency = (agency_from_title(title) if title else None) or signature.agency
    report = Report(
        title=title,
        agency=agency,
        year=year,
        template=detection.template.name if detection.template else None,
        meta=fields.meta(),
        signature=signature,
        source=source,
        prose=prose,
    )
    if detection.template is None:
        rule = "pre-2019" if detection.kind == "pre-2019" else "not-a-report"
        report.issues.append(Issue(rule=rule, severity="error", message=detection.reason))
        report.issues[:0] = page.issues
        return report
    _fill_tables(report, page, detection.template)
    if detection.kind == "unknown-template":
        report.issues.insert(0, Issue(rule="unknown-template", severity="warning", message=detection.reason))
    report.issues[:0] = page.issues
    return report


#: Title candidates looked at for report words: the page's first headings and lines.
_TITLE_LINES = 8


def _about_reports(candidates: list[str]) -> bool:
    """A look-alike (a notice about compiling reports, a 解读 page) names reports in its
    title: it is recognised and reported as not a report, rather than rejected as input."""
    return any(word in candidate for candidate in candidates[:_TITLE_LINES] for word in vocab.REPORT_WORDS)


def _fill_tables(report: Report, page: Page, template: Template) -> None:
    aligned, issues = align(page, template)
    cells, open_readings, repair_issues = repair(aligned, template, page.body)
    present = {t.kind for t in page.tables}
    tables, placed = build_tables(template, [kind for kind in TABLE_KINDS if kind in present], cells.items())
    for kind in TABLE_KINDS:
        if kind in present:
            setattr(report, kind, tables[kind])
        else:
            issues.append(Issue(
                rule="missing-table", severity="error", where=kind,
                message=f"no {kind} table (part {vocab.PART_NUMERALS[kind]}) found",
            ))
    report.readings = open_readings
    issues.extend(repair_issues)
    issues.extend(check_completeness(template, placed, present))
    issues.extend(check_relations(template, placed.get))
    report.issues = issues
