"""The panel: every agency × every year, from reports, files, folders, archives or the
JSON Lines a ``gkparse convert`` wrote.

:class:`Panel` keeps what it is given compactly (each report as compressed JSON, about
4 KB, with its identity) until asked for output. Then it recognises agencies across the
whole collection (:class:`gkparse.agency.AgencyIndex`), merges the sources of each agency's
year into one :class:`~.observe.Observation`, and applies cross-year evidence and checks
(:func:`~.years.link_years`), one agency at a time, so memory holds one agency's reports.
"""

from __future__ import annotations

import json
import os
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..agency import AgencyIndex, AgencyMatch, Aliases, Identity, host_of
from ..batch.link import Linker
from ..batch.run import INPUT_TIMEOUT, Executor, ProcessExecutor, process_job
from ..batch.sources import expand_inputs, iter_jobs
from ..errors import GkparseError
from ..model import Report
from .observe import Observation, merge_sources
from .years import link_years

__all__ = ["Panel", "PanelStats", "Series", "REPORTS_SUFFIX"]

#: A file with this suffix is read as the reports (and error records) ``gkparse convert``
#: wrote, one JSON object a line, not as a document.
REPORTS_SUFFIX = ".jsonl"


@dataclass
class Series:
    """One agency across years: its display name, key, and observations by year."""

    agency: str
    agency_key: str
    observations: list[Observation]

    @property
    def years(self) -> list[int]:
        return [o.year for o in self.observations]


@dataclass
class PanelStats:
    """What became of every input: ``reports`` placed in the panel; ``left_out`` counts the
    others by reason (``failed``, ``no-year``, ``no-template``, ``duplicate``, ``not-reports``,
    ``skipped:<kind>``), and ``errors`` names each one with its reason."""

    reports: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def line(self, observations: int, agencies: int) -> str:
        parts = [_count(self.reports, "report"), _count(observations, "observation"), _count(agencies, "agency", "agencies")]
        if self.left_out:
            parts.append("left out: " + ", ".join(f"{n} {why}" for why, n in sorted(self.left_out.items())))
        return "; ".join(parts)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class _Entry:
    identity: Identity
    year: int
    report_id: str
    source: str
    data: bytes  # zlib-compressed report JSON


#: Fields every report record of ``gkparse convert``'s JSON Lines has (a line without them
#: is some other JSON: a panel row, a log line).
_REPORT_FIELDS = frozenset({"template", "year", "source", "issues"})
#: Fields of a long panel row: a panel file given back as input.
_PANEL_FIELDS = frozenset({"agency_key", "key", "state", "sources"})


class Panel:
    """Reports of many agencies and years, as one collection of observations.

    Build with :meth:`from_reports` or :meth:`from_paths` (or :meth:`add` one report at a
    time), then read :meth:`series` / :meth:`observations`, or a table: :meth:`to_arrow`,
    :meth:`to_pandas`, :meth:`write` (see :mod:`gkparse.panel.table` for the columns), and
    :meth:`write_summary` for a page to look at before reading the numbers.
    """

    def __init__(self, *, aliases: Optional[Aliases] = None) -> None:
        self.index = AgencyIndex(aliases=aliases or Aliases())
        self.stats = PanelStats()
        self._entries: list[_Entry] = []
        self._ids: dict[str, _Entry] = {}

    # --- building ------------------------------------------------------------------

    def add(self, report: Report, *, same_as: Optional[str] = None) -> bool:
        """Add one report; False (counted in ``stats``, named in ``stats.errors``) when it
        cannot be placed: no year, no template, or a report already added (same id).

        A report with no agency name joins the agency of the report it is the same as
        (``same_as``, a report id, or ``report.same_as`` as ``gkparse convert`` links them).
        """
        source = report.source
        where = source.path or "(no source)"
        report_id = source.sha256 or f"#{len(self._entries)}"
        why = "no-year" if report.year is None else "no-template" if report.template is None else None
        if why is None and report_id in self._ids:
            why = "duplicate"
        if why is not None:
            self.add_failure(where, {
                "no-year": "no report year found", "no-template": "no template of gkparse fits the report",
                "duplicate": "the same input as one already added",
            }[why], why)
            return False
        identity = self.index.identity(
            report.agency or report.signature.agency,
            host=host_of(source.path) or host_of(report.meta.source_url),
            publisher=report.meta.publisher,
        )
        earlier = self._ids.get(same_as or (report.same_as.report_id if report.same_as else ""))
        if identity.key is None and earlier is not None:
            identity = earlier.identity  # the same report read from another source
        self.index.add(identity)
        entry = _Entry(identity, report.year or 0, report_id, where, zlib.compress(report.model_dump_json().encode()))
        self._entries.append(entry)
        self._ids[report_id] = entry
        self.stats.reports += 1
        return True

    def add_failure(self, source: str, reason: str, kind: str = "failed") -> None:
        """Count an input that gave no report."""
        self.stats.left_out[kind] += 1
        self.stats.errors.append((source, reason))

    @classmethod
    def from_reports(cls, reports: Iterable[Report], *, aliases: Optional[Aliases] = None) -> "Panel":
        """A panel of already parsed reports."""
        panel = cls(aliases=aliases)
        for report in reports:
            panel.add(report)
        return panel

    @classmethod
    def from_paths(
        cls, inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, aliases: Optional[Aliases] = None,
        workers: Optional[int] = 1, executor: Optional[Executor] = None, exclude: Iterable[str | os.PathLike[str]] = (),
        timeout: Optional[float] = INPUT_TIMEOUT,
    ) -> "Panel":
        """A panel of files, folders and archives (as ``gkparse convert`` reads them), and of
        ``.jsonl`` files of parsed reports (named, or found in a folder). ``exclude`` names
        files to pass over (the panel's own outputs). Documents are parsed as ``convert``
        parses them: in ``workers`` processes, each input within ``timeout`` seconds
        (``executor`` overrides). A bad input is counted, never raised; an input that names
        nothing raises :class:`~gkparse.errors.InputNotFoundError`."""
        names = [str(inputs)] if isinstance(inputs, (str, os.PathLike)) else [str(p) for p in inputs]
        panel = cls(aliases=aliases)
        skip = {os.path.realpath(p) for p in exclude}
        reports = [str(p) for folder in names if os.path.isdir(folder) for p in sorted(Path(folder).rglob("*" + REPORTS_SUFFIX))]
        paths = [p for p in dict.fromkeys(expand_inputs(names) + reports) if os.path.realpath(p) not in skip]
        documents = [p for p in paths if not p.endswith(REPORTS_SUFFIX)]
        for path in paths:
            if path.endswith(REPORTS_SUFFIX):
                panel._read_reports(path)
        if documents:
            linker = Linker()
            run = executor or ProcessExecutor(workers or 1, timeout=timeout)
            jobs = iter_jobs(documents, on_skip=lambda source, kind: panel.add_failure(source, kind, f"skipped:{kind}"))
            for result in run.map(process_job, jobs):
                if result.ok:
                    found = linker.match(result.fingerprint) if result.fingerprint is not None else None
                    panel.add(Report.model_validate_json(result.line), same_as=found[0].report_id if found else None)
                else:
                    error = result.error.error if result.error else None
                    panel.add_failure(result.source, f"{error.type}: {error.reason}" if error else "failed")
        return panel

    def _read_reports(self, path: str) -> None:
        try:
            stream = open(path, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GkparseError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", source=path) from None
        with stream:
            try:
                lines = list(enumerate(stream, start=1))
            except UnicodeDecodeError as exc:
                self.add_failure(path, f"not UTF-8 JSON Lines: {exc.reason}", "not-reports")
                return
        for number, line in lines:
            if not line.strip():
                continue
            try:
                data: Any = json.loads(line)
            except json.JSONDecodeError as exc:
                self.add_failure(f"{path}:{number}", f"not JSON: {exc.msg}")
                continue
            if not isinstance(data, dict):
                self.add_failure(f"{path}:{number}", "not a report record (not a JSON object)")
                continue
            if _PANEL_FIELDS <= data.keys():
                self.add_failure(path, "a panel file (gkparse panel's output), not reports", "not-reports")
                return
            if "error" in data:
                error = data["error"] if isinstance(data["error"], dict) else {}
                self.add_failure(str(data.get("source") or f"{path}:{number}"), f"{error.get('type', 'error')}: {error.get('reason', '')}")
                continue
            if not _REPORT_FIELDS <= data.keys():
                self.add_failure(f"{path}:{number}", "not a report record (no template, year, source or issues)")
                continue
            try:
                self.add(Report.model_validate(data))
            except ValueError as exc:
                self.add_failure(f"{path}:{number}", f"not a report record: {str(exc).splitlines()[0]}")

    # --- reading ----------------------------------------------------------------------

    @property
    def matches(self) -> list[AgencyMatch]:
        """The agency recognitions worth reviewing (short forms merged, ambiguous ones kept apart)."""
        self.index.resolve()
        return self.index.matches

    def _groups(self) -> dict[str, list[_Entry]]:
        groups: dict[str, list[_Entry]] = defaultdict(list)
        for entry in self._entries:
            agency = self.index.agency_of(entry.identity)
            groups[agency if agency is not None else f"?{entry.report_id[:16]}"].append(entry)
        return groups

    def series(self) -> Iterator[Series]:
        """Each agency (by display name) with its observations by year, merged and linked."""
        groups = self._groups()
        named = sorted(groups, key=lambda k: (k.startswith("?"), self._name(k, groups[k]), k))
        for key in named:
            entries = groups[key]
            name = self._name(key, entries)
            by_year: dict[int, list[Report]] = defaultdict(list)
            for entry in entries:
                by_year[entry.year].append(Report.model_validate_json(zlib.decompress(entry.data)))
            observations = [
                merge_sources(reports, agency=name, agency_key=key, copy=False) for _, reports in sorted(by_year.items())
            ]
            link_years(observations)
            yield Series(name, key, observations)

    def _name(self, key: str, entries: list[_Entry]) -> str:
        if key.startswith("?"):
            return f"(agency not named: {os.path.basename(entries[0].source)})"
        return self.index.name(key)

    def observations(self) -> Iterator[Observation]:
        for series in self.series():
            yield from series.observations

    def summary_line(self) -> str:
        groups = self._groups()
        observations = sum(len({e.year for e in entries}) for entries in groups.values())
        return self.stats.line(observations, len(groups))

    # --- output -----------------------------------------------------------------------

    def to_arrow(self, *, wide: bool = False, uncertain: bool = False) -> Any:
        """The panel as a ``pyarrow.Table`` (long by default; see :mod:`gkparse.panel.table`)."""
        from .table import to_arrow

        return to_arrow(self.series(), wide=wide, uncertain=uncertain)

    def to_pandas(self, *, wide: bool = False, uncertain: bool = False) -> Any:
        """The panel as a ``pandas.DataFrame`` (needs pandas)."""
        return self.to_arrow(wide=wide, uncertain=uncertain).to_pandas()

    def write(
        self, out: str | os.PathLike[str], *, wide: bool = False, uncertain: bool = False, format: Optional[str] = None,
        html: str | os.PathLike[str] | None = None,
    ) -> int:
        """Write the panel to ``out`` (``.parquet``, ``.csv`` or ``.jsonl``, or ``format``),
        and with ``html`` the summary page too, from one build of the observations; the rows
        written."""
        from .table import to_arrow, write_table

        if html is None:
            return write_table(self.to_arrow(wide=wide, uncertain=uncertain), Path(out), format=format)
        series = list(self.series())  # the page needs them all; the table reads the same ones
        rows = write_table(to_arrow(series, wide=wide, uncertain=uncertain), Path(out), format=format)
        self._summary(series, Path(html))
        return rows

    def write_summary(self, out: str | os.PathLike[str]) -> None:
        """Write the self-contained HTML summary page (see :mod:`gkparse.panel.summary`)."""
        self._summary(list(self.series()), Path(out))

    def _summary(self, series: list[Series], out: Path) -> None:
        from .summary import write_summary

        write_summary(series, out, matches=self.matches, stats=self.summary_line())
