"""The pipeline: bytes → text → page → table rows → aligned → repaired → checked report."""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Union

from pydantic import BaseModel

from .read import html as html_reader
from .read import text as text_reader
from .cells.align import align
from .checks.relations import check_relations
from .read.decode import decode_bytes
from .errors import EmptyInputError, ErrorLevel, GkparseError, GkparseWarning, InputNotFoundError, NotAReportError, ReportIssueError
from .read.meta import agency_from_title, find_signature, find_title, read_meta, report_year, split_prose
from .read.page import Page
from .model.report import Cell, CellState, Issue, Meta, Report, Source, new_table
from .cells.repair import repair
from .templates import Template, detect

__all__ = ["parse", "parse_text"]

Input = Union[bytes, str, os.PathLike]

#: A path this long is certainly a document passed by mistake (Linux's PATH_MAX is 4096).
_MAX_PATH_CHARS = 4096


def _read(source: Input) -> tuple[bytes, str]:
    """The bytes of ``source`` and the name errors give it. ``bytes`` are the document;
    a ``str`` or path-like is always a path (never guessed to be document text)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        if not isinstance(name, str):
            name = os.fsdecode(name)
        shown = name if len(name) <= 80 else name[:77] + "..."
        if len(name) > _MAX_PATH_CHARS or "\n" in name or name.lstrip().startswith("<"):
            raise InputNotFoundError(
                "parse() takes a path or bytes; this str looks like a document: pass it to parse_text()",
                source=shown,
            )
        try:
            return Path(name).read_bytes(), name
        except FileNotFoundError:
            raise InputNotFoundError("no such file", source=shown) from None
        except OSError as exc:
            raise GkparseError(f"cannot read the file: {exc.strerror}", source=shown) from None
    raise TypeError(f"parse() takes a path or bytes, not {type(source).__name__}; use parse_text() for a str document")


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
    """Parse one report (an HTML page or a text dump) into a :class:`~gkparse.model.Report`.

    ``source`` is a path (``str`` or path-like) or the document's raw ``bytes`` (decoded
    here); document *text* goes to :func:`parse_text`. ``origin`` names the input in the
    report and in errors (default: the path). ``form`` forces ``"html"`` or ``"text"``
    (default: detected). ``encoding`` is a charset from outside the document (an HTTP
    header). ``captured`` is the capture date of an archived copy (WARC-Date);
    ``sha256`` the input's digest when the caller already has it. ``errors`` sets what
    happens to issues (see :class:`~gkparse.errors.ErrorLevel`).

    Raises :class:`~gkparse.errors.InputNotFoundError` for a path that does not exist and
    another :class:`~gkparse.errors.GkparseError` for input that holds no report.
    """
    level = ErrorLevel(errors)
    data, name = _read(source)
    where = origin or (None if name == "<bytes>" else name)
    digest = sha256 or hashlib.sha256(data).hexdigest()
    decoded = decode_bytes(data, source=where, declared=encoding)
    if not decoded.text.strip():
        raise EmptyInputError("the input is empty", source=where)
    report = _parse_decoded(decoded.text, form=form, origin=where)
    report.source = Source(
        path=where, sha256=digest, form=report.source.form, encoding=decoded.encoding,
        encoding_method=decoded.method, date=captured,
    )
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
    if not isinstance(text, str):
        raise TypeError(f"parse_text() takes a str document, not {type(text).__name__}; use parse() for paths and bytes")
    if not text.strip():
        raise EmptyInputError("the input is empty", source=origin)
    report = _parse_decoded(text, form=form, origin=origin)
    report.source = Source(
        path=origin, sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        form=report.source.form, encoding=None, encoding_method="str",
    )
    return _apply_level(report, ErrorLevel(errors))


def _parse_decoded(text: str, *, form: str | None, origin: str | None) -> Report:
    source = origin
    is_html = html_reader.looks_like_html(text) if form is None else form == "html"
    if is_html:
        page = html_reader.read_html(text, source=source)
        labels = "\n".join(page.meta_lines)  # the whole page's text, tables included
    else:
        page = text_reader.read_text(text)
        labels = text
    title = find_title(page.title_candidates)
    meta_fields = read_meta(page.meta_lines)
    if title is None and meta_fields.get("title"):
        title = find_title([meta_fields["title"]]) or meta_fields["title"]
    year = report_year(title, page.body)
    detection = detect(labels, year=year)
    if not is_html and detection.template is not None:
        text_reader.read_tables(page, detection.template)
    if detection.kind == "not-a-report" and not page.tables and not _about_reports(page.title_candidates):
        # Nothing here is about an annual report at all: an input error, not a report.
        raise NotAReportError(f"no annual report found ({detection.reason})", source=source)

    signature = find_signature(page.body)
    prose = split_prose(page.body, signature)
    agency = (agency_from_title(title) if title else None) or signature.agency
    extra = {}
    if "__extra__" in meta_fields:
        extra = dict(item.split("\x1e", 1) for item in meta_fields.pop("__extra__").split("\x1f"))
    meta_fields.pop("title", None)
    report = Report(
        title=title,
        agency=agency,
        year=year,
        template=detection.template.name if detection.template else None,
        meta=Meta(**meta_fields, extra=extra),
        signature=signature,
        source=Source(form="html" if is_html else "text"),
        prose=prose,
    )
    if detection.template is None:
        rule = "pre-2019" if detection.kind == "pre-2019" else "not-a-report"
        report.issues.append(Issue(rule=rule, severity="error", message=detection.reason))
        return report
    _fill_tables(report, page, detection.template)
    if detection.kind == "unknown-template":
        report.issues.insert(0, Issue(rule="unknown-template", severity="warning", message=detection.reason))
    return report


_REPORT_WORDS = ("年度报告", "年报", "信息公开工作报告")


def _about_reports(candidates: list[str]) -> bool:
    """A look-alike (a notice about compiling reports, a 解读 page) names reports in its
    title: it is recognised and reported as not a report, rather than rejected as input."""
    return any(word in candidate for candidate in candidates[:8] for word in _REPORT_WORDS)


def _fill_tables(report: Report, page: Page, template: Template) -> None:
    aligned, issues = align(page, template)
    cells, open_readings, repair_issues = repair(aligned, template, page.body)
    present = {t.kind for t in page.tables}
    for number, table in zip("二三四", ("disclosure", "requests", "appeals")):
        if table in present:
            setattr(report, table, new_table(table, template))
        else:
            issues.append(Issue(rule="missing-table", severity="error", message=f"no {table} table (part {number}) found"))
    placed: dict[str, Cell] = {}
    for key, cell in cells.items():
        try:
            target_row = _row_model(report, key)
        except (KeyError, AttributeError):
            continue
        setattr(target_row, key.rsplit("/", 1)[1], cell)
        placed[key] = cell
    report.readings = open_readings
    issues.extend(repair_issues)
    issues.extend(_missing(report, template, placed))
    issues.extend(check_relations(template, placed.get))
    report.issues = issues


def _row_model(report: Report, key: str) -> BaseModel:
    table_name, row_key, _ = key.split("/")
    node = getattr(report, table_name)
    if node is None:
        raise KeyError(key)
    for part in row_key.split("."):
        node = getattr(node, part)
    return node


def _missing(report: Report, template: Template, placed: dict[str, Cell]) -> list[Issue]:
    """Rows and cells the template has and the document does not."""

    def absent(key: str) -> bool:
        cell = placed.get(key)
        return cell is None or cell.state is CellState.ABSENT

    issues = []
    for table, rows, columns in (
        ("requests", template.requests_rows, template.requests_columns),
        ("appeals", template.appeals_rows, template.appeals_columns),
    ):
        if getattr(report, table) is None:
            continue
        missing_rows = []
        missing_cells = []
        for row in rows:
            keys = [f"{table}/{row.key}/{c.key}" for c in columns]
            gone = [k for k in keys if absent(k)]
            if len(gone) == len(keys):
                missing_rows.append(f"{table}/{row.key}")
            else:
                missing_cells.extend(gone)
        if missing_rows:
            issues.append(Issue(rule="missing-row", severity="error", message=f"{len(missing_rows)} {table} rows not found: {', '.join(missing_rows)}", cells=missing_rows))
        if missing_cells:
            issues.append(Issue(rule="missing-cells", severity="warning", message=f"{len(missing_cells)} {table} cells not found", cells=missing_cells))
    if report.disclosure is not None:
        missing = []
        for block in template.disclosure:
            for row in block.rows:
                # A row printed with other columns than the template's (the seed's 3-column
                # 第(九)项) is not missing; a row not printed at all is.
                if any(not absent(f"disclosure/{row.key}/{c.key}") for c in template.disclosure_columns):
                    continue
                missing.extend(f"disclosure/{row.key}/{c.key}" for c in block.columns)
        if missing:
            issues.append(Issue(rule="missing-cells", severity="warning", message=f"{len(missing)} disclosure cells not found", cells=missing))
    return issues
