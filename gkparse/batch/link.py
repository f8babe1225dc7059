"""The same report from two sources: a report page and its PDF or Word attachment.

Agencies publish the report as a page and as an attachment, and a crawl archives both. A
batch recognises the second one it reads as the same report as the first (same year and
template, and agencies whose names are the same or one the short form of the other, e.g.
洪泽区人民政府 and 淮安市洪泽区人民政府, by :mod:`gkparse.agency`; with no agency name, the
cells must agree) and
records the link on the later report (``Report.same_as``), with every cell the two read
with certainty and differently listed, and a ``sources-disagree`` issue when there is any.
The earlier record is already written when the later one arrives (the batch streams): the
link is one-way, from the later record to the earlier.

The link is added to the later report's JSON line as the worker wrote it (:func:`splice`):
``same_as`` and the issue, each serialised by the model, are put in their places, so the
parent never parses and re-serialises a whole report (a millisecond or two of its serial
work per linked report). :meth:`Linker.amend` is the same on a :class:`Report`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Union

from pydantic import TypeAdapter

from ..agency import agency_key, is_parent_prefix
from ..model import KNOWN_STATES, Issue, Report, RowReadings, SameReport
from ..templates import TEMPLATES, Template

__all__ = [
    "Fingerprint", "Link", "Linker", "fingerprint", "issues_end", "splice", "MAX_INDEXED", "MIN_AGREEMENT", "MIN_SHARED_CELLS",
]

#: Reports remembered for linking (about 2 KB each): a page and its attachment sit close
#: together in a crawl, and a bound keeps a batch of any size in constant memory.
MAX_INDEXED = 20_000
#: Without agency names, cells both read with certainty, at least this many, and not all
#: zero (tens of thousands of small offices print all-zero tables) must agree …
MIN_SHARED_CELLS = 50
MIN_NONZERO_AGREEING = 10
#: … on at least this share before two reports are taken for one.
MIN_AGREEMENT = 0.9
#: Disagreeing cells named in the issue's message (all are in ``same_as.disagreements``).
SHOWN_DISAGREEMENTS = 5

#: A cell not read with certainty: it neither agrees nor disagrees.
_UNKNOWN = "?"
Value = Union[int, float, None, str]


@dataclass(frozen=True)
class Fingerprint:
    """What a batch keeps of a report to recognise it again: who, when, which template,
    and each cell's value in the template's key order (``"?"`` where not certain)."""

    report_id: str
    source: Optional[str]
    agency: Optional[str]
    year: int
    template: str
    values: tuple[Value, ...]

    @functools.cached_property
    def certain(self) -> tuple[int, int]:
        """How many cells were read with certainty, and how many of them hold a number
        other than 0: bounds of what the report can share with another."""
        known = [v for v in self.values if v != _UNKNOWN]
        return len(known), sum(1 for v in known if v is not None and v != 0)


def fingerprint(report: Report, report_id: str) -> Optional[Fingerprint]:
    """The report's fingerprint, or None for a report without a year or template."""
    if report.year is None or report.template is None:
        return None
    cells = dict(report.cells(include_absent=True))  # a table the report lacks has no cells here
    values: list[Value] = []
    for key, declared in TEMPLATES[report.template].key_space():
        if not declared:
            continue
        cell = cells.get(str(key))
        values.append(cell.value if cell is not None and cell.state in KNOWN_STATES else _UNKNOWN)
    agency = agency_key(report.agency) if report.agency else None
    return Fingerprint(report_id, report.source.path, agency, report.year, report.template, tuple(values))


def _same_agency(a: Optional[str], b: Optional[str]) -> Optional[bool]:
    """True when the agency keys (:func:`gkparse.agency.agency_key`) are one agency's (equal,
    or one the other after a parent territory: the short form without the city), False when
    both are named otherwise, None when one is unnamed."""
    if not a or not b:
        return None
    short, long_ = sorted((a, b), key=len)
    return a == b or (long_.endswith(short) and is_parent_prefix(long_[: -len(short)]))


#: How a report's JSON line ends before it is linked: ``same_as`` is the model's last field,
#: after ``issues`` and ``readings`` (checked on every line; another order is re-serialised).
_UNLINKED_END = ',"same_as":null}'
_READINGS_KEY = ',"readings":'
_READINGS = TypeAdapter(list[RowReadings])


def issues_end(line: str, report: Report) -> Optional[int]:
    """Where the ``issues`` array of ``report``'s JSON ``line`` closes (the offset of its
    ``]``), for :func:`splice`; None when the line is not laid out as expected (the model's
    fields reordered) or the report is linked already. Costs a serialisation of the
    readings (usually ``[]``), in the worker."""
    if report.same_as is not None:
        return None
    tail = _READINGS_KEY + _READINGS.dump_json(report.readings).decode() + _UNLINKED_END
    end = len(line) - len(tail) - 1
    if end < 0 or not line.endswith(tail) or line[end] != "]":
        return None
    return end


@dataclass(frozen=True)
class Link:
    """What a later report gets when it is an earlier one's: its ``same_as`` and, when
    cells differ, a ``sources-disagree`` issue."""

    same_as: SameReport
    issue: Optional[Issue]

    def apply(self, report: Report) -> Report:
        """``report`` with the link set (in place)."""
        report.same_as = self.same_as
        if self.issue is not None:
            report.issues.append(self.issue)
        return report


def splice(line: str, end: Optional[int], link: Link) -> Optional[str]:
    """The JSON ``line`` of a report with ``link`` set, made from the line itself: the
    issue's JSON added at ``end`` (:func:`issues_end`), ``same_as`` in place of its null.
    Byte for byte what the model writes for the linked report; None when ``end`` does not
    fit the line (then parse and re-serialise it: :meth:`Linker.amend`)."""
    if end is None or not 0 < end < len(line) or line[end] != "]" or not line.endswith(_UNLINKED_END):
        return None
    parts = [line[:end]]
    if link.issue is not None:
        if line[end - 1] != "[":  # an issue before it
            parts.append(",")
        parts.append(link.issue.model_dump_json())
    parts += [line[end: -len(_UNLINKED_END)], ',"same_as":', link.same_as.model_dump_json(), "}"]
    return "".join(parts)


_KEYS: dict[str, tuple[Template, list[str]]] = {}


def _declared_keys(name: str) -> list[str]:
    """The declared keys of template ``name``, in key-space order (the fingerprint's)."""
    template = TEMPLATES[name]
    known = _KEYS.get(name)
    if known is None or known[0] is not template:  # a template registered again at run time
        known = _KEYS[name] = (template, [str(k) for k, declared in template.key_space() if declared])
    return known[1]


def _differing(these: tuple[Value, ...], those: tuple[Value, ...]) -> list[int]:
    """The positions where two fingerprints' values, both read with certainty, differ
    (whether they agree enough to be one report is :func:`_may_agree`'s).

    >>> _differing((1, 0, "?", 4, None), (1, 0, 3, 5, None))
    [3]
    """
    if these == those:  # a page and its attachment usually agree: one comparison in C
        return []
    return [i for i, (a, b) in enumerate(zip(these, those)) if a != b and a != _UNKNOWN and b != _UNKNOWN]


def _may_agree(this: Fingerprint, that: Fingerprint) -> bool:
    """Whether two fingerprints of reports without agency names agree as one report's do
    (:data:`MIN_SHARED_CELLS`, :data:`MIN_NONZERO_AGREEING`, :data:`MIN_AGREEMENT`): the
    test :meth:`Linker.match` makes, given up as soon as even every cell left, shared and
    agreeing, could not lift the agreement to :data:`MIN_AGREEMENT` (two different reports
    differ early; a batch compares a report with every earlier one of its year).

    >>> def print_(values): return Fingerprint("id", None, None, 2023, "2021", values)
    >>> _may_agree(print_((1,) * 60), print_((1,) * 60)), _may_agree(print_((1,) * 60), print_((2,) * 60))
    (True, False)
    """
    (certain, nonzero_here), (certain_there, nonzero_there) = this.certain, that.certain
    if min(certain, certain_there) < MIN_SHARED_CELLS or min(nonzero_here, nonzero_there) < MIN_NONZERO_AGREEING:
        return False  # too few cells read with certainty by one of them to share enough
    shared = differ = nonzero = 0
    left = len(this.values)
    for a, b in zip(this.values, that.values):
        left -= 1
        if a == _UNKNOWN or b == _UNKNOWN:
            continue
        shared += 1
        if a != b:
            differ += 1
            if shared - differ + left < MIN_AGREEMENT * (shared + left):
                return False
        elif a is not None and a != 0:
            nonzero += 1
    return shared >= MIN_SHARED_CELLS and nonzero >= MIN_NONZERO_AGREEING and shared - differ >= MIN_AGREEMENT * shared


class Linker:
    """Remembers fingerprints, most recent :data:`MAX_INDEXED`, by (year, template)."""

    def __init__(self, limit: int = MAX_INDEXED) -> None:
        self.limit = limit
        # Every remembered report id in the order remembered, with its (year, template) ...
        self._order: OrderedDict[str, tuple[int, str]] = OrderedDict()
        # ... and the fingerprints of each (year, template) in that order: a report is only
        # ever compared with those of its own year and template.
        self._by_kind: dict[tuple[int, str], OrderedDict[str, Fingerprint]] = {}

    def match(self, print_: Fingerprint) -> Optional[tuple[Fingerprint, list[int]]]:
        """The earlier report ``print_`` is the same as (most recent first) and the
        positions where their certain cells differ; then ``print_`` is remembered."""
        found: Optional[tuple[Fingerprint, list[int]]] = None
        kind = (print_.year, print_.template)
        for earlier in reversed(self._by_kind.get(kind, {}).values()):
            if earlier.report_id == print_.report_id:
                continue
            same = _same_agency(print_.agency, earlier.agency)
            if same is False or (same is None and not _may_agree(print_, earlier)):
                continue
            found = (earlier, _differing(print_.values, earlier.values))
            break
        self._remember(kind, print_)
        return found

    def _remember(self, kind: tuple[int, str], print_: Fingerprint) -> None:
        before = self._order.pop(print_.report_id, None)
        if before is not None:
            del self._by_kind[before][print_.report_id]
        self._order[print_.report_id] = kind
        self._by_kind.setdefault(kind, OrderedDict())[print_.report_id] = print_
        while len(self._order) > self.limit:
            oldest, its_kind = self._order.popitem(last=False)
            del self._by_kind[its_kind][oldest]

    def link(self, print_: Fingerprint) -> Optional[Link]:
        """The link of the report of ``print_`` to the earlier report it is the same as
        (:meth:`match`), or None when there is none."""
        found = self.match(print_)
        if found is None:
            return None
        earlier, differ = found
        keys = _declared_keys(print_.template)
        disagreements = [keys[i] for i in differ]
        same_as = SameReport(report_id=earlier.report_id, source=earlier.source, disagreements=disagreements)
        if not disagreements:
            return Link(same_as, None)
        shown = ", ".join(
            f"{keys[i]} ({print_.values[i]} here, {earlier.values[i]} there)" for i in differ[:SHOWN_DISAGREEMENTS]
        )
        more = f" and {len(differ) - SHOWN_DISAGREEMENTS} more" if len(differ) > SHOWN_DISAGREEMENTS else ""
        return Link(same_as, Issue(
            rule="sources-disagree", severity="warning", cells=disagreements,
            message=f"the same report as {earlier.source or earlier.report_id[:12]}: {len(differ)} cells differ: {shown}{more}",
        ))

    def amend(self, line: str, print_: Fingerprint) -> Optional[Report]:
        """The report of ``line`` (its JSON) with ``same_as`` and a ``sources-disagree``
        issue set when an earlier report is the same; None when none is."""
        link = self.link(print_)
        return None if link is None else link.apply(Report.model_validate_json(line))
