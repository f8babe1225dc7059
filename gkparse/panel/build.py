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
from ..batch.run import Executor, ProcessExecutor, SerialExecutor, process_job
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
    others by reason (``failed``, ``no-year``, ``no-template``, ``skipped:<kind>``)."""

    reports: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def line(self, observations: int, agencies: int) -> str:
        parts = [f"{self.reports} reports", f"{observations} observations", f"{agencies} agencies"]
        if self.left_out:
            parts.append("left out: " + ", ".join(f"{n} {why}" for why, n in sorted(self.left_out.items())))
        return "; ".join(parts)


@dataclass(frozen=True)
class _Entry:
    identity: Identity
    year: int
    report_id: str
    data: bytes  # zlib-compressed report JSON


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

    # --- building ------------------------------------------------------------------

    def add(self, report: Report) -> bool:
        """Add one report; False (and counted in ``stats.left_out``) when it has no year or
        no template and so cannot be placed."""
        if report.year is None:
            self.stats.left_out["no-year"] += 1
            return False
        if report.template is None:
            self.stats.left_out["no-template"] += 1
            return False
        source = report.source
        identity = self.index.identity(
            report.agency or report.signature.agency,
            host=host_of(source.path) or host_of(report.meta.source_url),
            publisher=report.meta.publisher,
        )
        self.index.add(identity)
        report_id = source.sha256 or f"#{len(self._entries)}"
        self._entries.append(_Entry(identity, report.year, report_id, zlib.compress(report.model_dump_json().encode())))
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
        cls, inputs: Iterable[str | os.PathLike[str]], *, aliases: Optional[Aliases] = None,
        workers: Optional[int] = 1, executor: Optional[Executor] = None,
    ) -> "Panel":
        """A panel of files, folders and archives (as ``gkparse convert`` reads them), and of
        ``.jsonl`` files of parsed reports. A bad input is counted, never raised; an input
        that names nothing raises :class:`~gkparse.errors.InputNotFoundError`."""
        panel = cls(aliases=aliases)
        paths = expand_inputs([str(p) for p in inputs])
        documents = [p for p in paths if not p.endswith(REPORTS_SUFFIX)]
        for path in paths:
            if path.endswith(REPORTS_SUFFIX):
                panel._read_reports(path)
        if documents:
            run = executor or (SerialExecutor() if (workers or 1) <= 1 else ProcessExecutor(workers or 1))
            jobs = iter_jobs(documents, on_skip=lambda source, kind: panel.add_failure(source, kind, f"skipped:{kind}"))
            for result in run.map(process_job, jobs):
                if result.ok:
                    panel.add(Report.model_validate_json(result.line))
                else:
                    reason = result.error.error.reason if result.error else "failed"
                    panel.add_failure(result.source, reason)
        return panel

    def _read_reports(self, path: str) -> None:
        try:
            stream = open(path, encoding="utf-8")
        except OSError as exc:
            raise GkparseError(f"cannot read: {exc.strerror or exc}", source=path) from None
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    data: Any = json.loads(line)
                except json.JSONDecodeError as exc:
                    self.add_failure(f"{path}:{number}", f"not JSON: {exc.msg}")
                    continue
                if isinstance(data, dict) and "error" in data:
                    self.add_failure(str(data.get("source") or f"{path}:{number}"), str(data["error"]))
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
        resolved = self.index.resolve()
        groups: dict[str, list[_Entry]] = defaultdict(list)
        for entry in self._entries:
            key = entry.identity.key
            groups[resolved[key] if key else f"?{entry.report_id[:16]}"].append(entry)
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
            return entries[0].identity.name or "(agency not named)"
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

    def write(self, out: str | os.PathLike[str], *, wide: bool = False, uncertain: bool = False, format: Optional[str] = None) -> int:
        """Write the panel to ``out`` (``.parquet``, ``.csv`` or ``.jsonl``, or ``format``); the rows written."""
        from .table import write_table

        return write_table(self.to_arrow(wide=wide, uncertain=uncertain), Path(out), format=format)

    def write_summary(self, out: str | os.PathLike[str]) -> None:
        """Write the self-contained HTML summary page (see :mod:`gkparse.panel.summary`)."""
        from .summary import write_summary

        write_summary(list(self.series()), Path(out), matches=self.matches, stats=self.summary_line())
