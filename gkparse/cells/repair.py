"""Aligned rows → cells, splitting glued digit runs with the report's own arithmetic.

A text dump may glue adjacent cells (``000003`` is six cells; ``713000074`` is 71, 3, 0, 0,
0, 0, 74). For each row we enumerate its *readings* — ways to cut its tokens into exactly
its cells, numbers without leading zeros — keeping those that satisfy the sums inside the
row (R3, R4). Rows with several readings are then chosen together so that the column sums
across rows (R1, R2) hold; prose evidence narrows part 二, which has no sums. Whatever is
still open stays *ambiguous*: one value, the others listed, never presented as certain.
Search is depth-first in a fixed order with a node budget, so it is bounded and
deterministic.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Optional, Union

from .align import AlignedRow
from ..read.page import blank_range, is_blank
from ..model.report import Cell, CellState, Issue, RowReadings
from ..normalize import fold
from ..templates import Relation, Template

__all__ = ["parse_number", "readings", "repair", "MAX_DIGITS", "NODE_BUDGET"]

Number = Union[int, float]
MAX_DIGITS = 9  #: a count cell longer than this is not a plausible reading
NODE_BUDGET = 50_000  #: search nodes per search before giving up on finding more readings
MAX_READINGS = 64  #: readings kept per row
MAX_VANISHED = 2  #: empty cells a one-run row may have lost beside an exact reading
MAX_COMBINATIONS = 200_000  #: joint assignments tried across rows

_DASH = re.compile(r"^(?:[/／\\]+|[-—–－─]+|无|—+)$")
_AMOUNT = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(万元|元)?$")
_SIGNED = re.compile(r"^[-+−]\d+$")


@dataclass(frozen=True)
class Read:
    """One cell in one reading: its value and how it appears (num, empty, dash)."""

    value: Optional[Number]
    how: str  # "num" | "empty" | "dash" | "text" | "absent"
    raw: str = ""  # the token the cell was read from
    split: bool = False  # cut out of a token that held several cells
    assumed: bool = False  # an empty cell the text shows no trace of (vanished)


EMPTY = Read(None, "empty")
DASH = Read(None, "dash")
CUT = Read(None, "absent")  # past the end of a truncated document
VANISHED = Read(None, "empty", assumed=True)


def _to_number(text: str) -> Number:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def parse_number(token: str, *, kind: str = "count", unit: str | None = None) -> Read:
    """Read one cell's text.

    >>> [(r.value, r.how) for r in (parse_number("52023"), parse_number("/"), parse_number(""))]
    [(52023, 'num'), (None, 'dash'), (None, 'empty')]
    >>> parse_number("160.5964万元", kind="amount", unit="元").value
    1605964
    >>> parse_number("-417", kind="signed").value
    -417
    >>> parse_number("9116.36", kind="amount", unit="万元").value
    9116.36
    """
    text = fold(token).strip().replace(",", "").replace("−", "-")
    if not text:
        return EMPTY
    if _DASH.match(text):
        return DASH
    match = _AMOUNT.match(text)
    if match is None:
        return Read(None, "text")
    number, suffix = match.groups()
    if number.startswith(("-", "+")) and kind != "signed" and number != "0":
        return Read(None, "text")
    try:
        value = Decimal(number)
    except InvalidOperation:
        return Read(None, "text")
    if suffix and unit and suffix != unit:
        value = value * 10000 if (suffix, unit) == ("万元", "元") else value / 10000
    if value == value.to_integral_value():
        return Read(int(value), "num")
    return Read(float(value), "num")


def _splittable(token: str) -> bool:
    return token.isdigit() and len(token) > 1


def _ranked(found: list[tuple[Read, ...]]) -> list[tuple[Read, ...]]:
    """Readings that assume the fewest vanished cells, then cut the fewest digit runs, then
    cut them most evenly (``5845546`` as 58/45/546 before 5/8/45546), first: the first is
    the value shown for an ambiguous cell. Order only; it never settles a cell."""

    def unevenness(reading: tuple[Read, ...]) -> int:
        return sum(len(str(c.value)) ** 2 for c in reading if c.split)

    return sorted(found, key=lambda r: (sum(c.assumed for c in r), sum(c.split for c in r), unevenness(r)))


def readings(row: AlignedRow, *, budget: int = NODE_BUDGET, limit: int = MAX_READINGS) -> tuple[list[tuple[Read, ...]], bool]:
    """Every reading of ``row`` that fills its cells exactly and keeps its row sums.

    Returns the readings (at most ``limit``) and whether the search was complete.
    Digit runs are split only in rows whose text may glue cells (``row.splittable``).

    >>> from gkparse.cells.align import AlignedRow
    >>> r = AlignedRow("requests", ["a", "b", "c"], ["213"], True, sums=[("R3", [0, 1], 2)])
    >>> [[c.value for c in reading] for reading in readings(r)[0]]
    [[2, 1, 3]]
    """
    n = len(row.keys)
    kinds = row.kinds or ["count"] * n
    units = row.units or [None] * n
    totals = {total for _, _, total in row.sums}
    groups_of: dict[int, list[tuple[list[int], int]]] = {}
    for _, addends, total in row.sums:
        for a in addends:
            groups_of.setdefault(a, []).append((addends, total))
    sums_at: dict[int, list[tuple[list[int], int]]] = {}
    for _, addends, total in row.sums:
        sums_at.setdefault(max(addends + [total]), []).append((addends, total))

    def search(
        tokens: list[str], allow_gaps: bool, check_sums: bool, assessed: bool = False, max_gaps: int = n
    ) -> tuple[list[tuple[Read, ...]], bool]:
        """DFS over the cuts of ``tokens``; ``assessed`` keeps only readings on which
        every row sum can be assessed (and holds)."""
        found: list[tuple[Read, ...]] = []
        nodes = 0
        complete = True
        cells: list[Read] = []
        digits_after = [sum(len(t) for t in tokens[i + 1:] if not is_blank(t)) for i in range(len(tokens))]
        blanks_after = [sum((blank_range(t) or (0, 0))[1] for t in tokens[i + 1:]) for i in range(len(tokens))]

        def outgrows(slot: int, digits_left: int, free_cells: int) -> bool:
            """A group's addends already sum to more digits than can be left for its total
            once every other cell still to fill takes a digit (only when the total must be
            a number, i.e. the sum must be assessed)."""
            if not assessed:
                return False
            others = max(0, n - slot - 2 - free_cells)  # cells still needing a digit, but the total
            for addends, total in groups_of.get(slot, ()):
                if total > slot:
                    partial = sum(cells[a].value or 0 for a in addends if a <= slot)
                    if len(str(partial)) > digits_left - others:
                        return True
            return False

        def ok_sums(index: int) -> bool:
            if not check_sums:
                return True
            for addends, total in sums_at.get(index, ()):
                t = cells[total].value
                parts = [cells[a].value for a in addends]
                if t is None or all(p is None for p in parts):
                    if assessed:
                        return False
                    continue
                if sum(p for p in parts if p is not None) != t:
                    return False
            return True

        def forced_total(slot: int) -> int | None:
            """The value a total cell must take, when ``slot`` is one and its addends are read."""
            for addends, total in sums_at.get(slot, ()):
                if total == slot and all(a < slot for a in addends):
                    parts = [cells[a].value for a in addends]
                    if any(v is not None for v in parts):
                        return int(sum(v for v in parts if v is not None))
            return None

        def dfs(ti: int, offset: int, gaps_left: int) -> None:
            nonlocal nodes, complete
            nodes += 1
            if nodes > budget or len(found) >= limit:
                complete = False
                return
            slot = len(cells)
            if slot == n:
                if ti == len(tokens):
                    found.append(tuple(cells))
                return
            remaining_slots = n - slot
            if ti == len(tokens) and row.truncated and slot > 0:
                found.append(tuple(cells) + (CUT,) * remaining_slots)
                return
            if ti == len(tokens):
                if allow_gaps and gaps_left >= remaining_slots:
                    cells.append(VANISHED)
                    if ok_sums(slot):
                        dfs(ti, 0, gaps_left - 1)
                    cells.pop()
                return
            token = tokens[ti]
            rest = token[offset:]
            span = blank_range(token) if offset == 0 else None
            if span is not None and span != (1, 1):
                # A run of blank lines standing for low..high empty cells.
                for count in range(span[0], min(span[1], remaining_slots) + 1):
                    added = 0
                    while added < count:
                        cells.append(EMPTY)
                        added += 1
                        if not ok_sums(slot + added - 1):
                            break
                    else:
                        dfs(ti + 1, 0, gaps_left)
                    del cells[len(cells) - added:]
                return
            if allow_gaps and gaps_left > 0 and not (assessed and slot in totals):
                cells.append(VANISHED)
                if ok_sums(slot):
                    dfs(ti, offset, gaps_left - 1)
                cells.pop()
            if offset == 0 and not (row.splittable and _splittable(token)):
                read = replace(parse_number(token, kind=kinds[slot], unit=units[slot]), raw=token)
                cells.append(read)
                if ok_sums(slot):
                    dfs(ti + 1, 0, gaps_left)
                cells.pop()
                return
            # Cut a number off the front of a digit run.
            if rest[0] == "0":
                lengths = [1]
            else:
                lengths = list(range(1, min(len(rest), MAX_DIGITS) + 1))
                needed = forced_total(slot) if check_sums else None
                if needed is not None:
                    # The sum of the addends fixes the total: only its own length can match.
                    lengths = [len(str(needed))] if len(str(needed)) in lengths else []
            for length in lengths:
                if length == len(rest):
                    next_ti, next_offset = ti + 1, 0
                else:
                    next_ti, next_offset = ti, offset + length
                    if n - slot - 1 < 1:
                        continue
                cells.append(Read(int(rest[:length]), "num", token, split=length < len(token)))
                if ok_sums(slot) and not outgrows(
                    slot, len(rest) - length + digits_after[ti], gaps_left + blanks_after[ti]
                ):
                    dfs(next_ti, next_offset, gaps_left)
                cells.pop()
                if not complete:
                    return

        dfs(0, 0, max_gaps if allow_gaps else 0)
        return found, complete

    # Blank lines around a row's values are often layout, not cells: read without them
    # first, then with them; only then with vanished empty cells; row sums are dropped
    # last, for rows that break them in print.
    trimmed = list(row.tokens)
    while trimmed and is_blank(trimmed[-1]):
        trimmed.pop()
    while trimmed and is_blank(trimmed[0]):
        trimmed.pop(0)
    splits = row.splittable and any(_splittable(t) for t in row.tokens)
    runs = any(is_blank(t) and t != "" for t in row.tokens)
    if not splits and not runs and len(row.tokens) == n:
        # One token per cell and nothing glued: the row is read as printed, sums or not.
        return search(row.tokens, False, False)

    def _sums_hold(reading: tuple[Read, ...]) -> bool:
        return all(
            reading[total].value is None
            or all(reading[a].value is None for a in addends)
            or sum(reading[a].value or 0 for a in addends) == reading[total].value
            for _, addends, total in row.sums
        )

    complete = True

    def gather(
        token_lists: list[list[str]], gaps: bool, check_sums: bool, assessed: bool = False, max_gaps: int = n
    ) -> list[tuple[Read, ...]]:
        nonlocal complete
        out: list[tuple[Read, ...]] = []
        for tokens in token_lists:
            # Vanished cells are assumed a few at a time, so that when the readings
            # overflow the cap, those assuming fewer vanished cells are the ones kept.
            for allowed in range(1, max_gaps + 1) if gaps else (0,):
                found, done = search(tokens, gaps, check_sums, assessed, allowed)
                out.extend(r for r in found if r not in out)
                if len(out) >= limit or not done:
                    complete = False
                    break
        return out

    # Blank lines around a row's values may be layout or empty cells: both are read. A
    # reading on which every row sum is assessed and holds is strong evidence; readings
    # that leave a sum unassessed (an empty total) are weak, and never settle a row alone
    # while other readings stand. Vanished empty cells are a last resort.
    token_lists = [trimmed] if trimmed == row.tokens else [trimmed, row.tokens]
    values_only = [t for t in row.tokens if not is_blank(t)]
    if not row.sums:
        exact = gather(token_lists, False, False)
        if exact or row.truncated:
            return _ranked(exact)[:limit], complete
        return _ranked(gather([values_only], True, False))[:limit], complete
    best = gather(token_lists, False, True, assessed=True)
    if best and row.splittable and len(row.tokens) == 1:
        # A whole row glued into one run ("098600986") keeps no trace of empty cells:
        # readings with up to MAX_VANISHED vanished empties stand beside the exact ones.
        extra = gather([values_only], True, True, assessed=True, max_gaps=MAX_VANISHED)
        best = _ranked(best) + _ranked([r for r in extra if r not in best])
        return best[:limit], complete
    if best:
        return _ranked(best)[:limit], complete
    if not row.truncated:
        best = gather([values_only], True, True, assessed=True)
        if best:
            return _ranked(best)[:limit], complete
    # Nothing satisfies the sums on assessable terms: keep what the text itself supports,
    # including readings that break a sum (the checks report the broken relation).
    weak = gather(token_lists, False, False)
    if weak and row.splittable and any(_splittable(t) for t in row.tokens) and not any(_sums_hold(r) for r in weak):
        # A split row that breaks its own sum may be a wrong split or moved blank lines:
        # the readings with the blanks re-placed stand beside it.
        weak += [r for r in gather([values_only], True, True) if r not in weak]
    if weak or row.truncated:
        return _ranked(weak)[:limit], complete
    return _ranked(gather([values_only], True, False))[:limit], complete


# --- choosing readings across rows -------------------------------------------------------


def _column_relations(template: Template) -> list[Relation]:
    return [r for r in template.relations if r.along == "column"]


def _relation_holds(values: dict[str, Optional[Number]], relation: Relation, column: str) -> Optional[bool]:
    table = relation.table
    left = [values.get(f"{table}/{k}/{column}") for k in relation.left]
    right = [values.get(f"{table}/{k}/{column}") for k in relation.right]
    if all(v is None for v in left) or all(v is None for v in right):
        return None
    return sum(v for v in left if v is not None) == sum(v for v in right if v is not None)


@dataclass
class _RowState:
    row: AlignedRow
    options: list[tuple[Read, ...]]
    complete: bool
    basis: str | None = None
    initial: int = 0  # readings before prose or relations narrowed them

    def __post_init__(self) -> None:
        self.initial = len(self.options)


def _prose_evidence(body: str, template: Template) -> dict[str, set[Number]]:
    """Numbers that part 一 states next to a part 二 row and column term."""
    evidence: dict[str, set[Number]] = {}
    pairs = [
        (row, column) for block in template.disclosure for row in block.rows for column in block.columns
        if row.prose and column.prose
    ]
    for clause in re.split(r"[，,。；;！!？?\n]", fold(body)):
        numbers = re.findall(r"(\d+(?:\.\d+)?)\s*(?:件|个|项|条|万元)", clause)
        if not numbers:
            continue
        for row, column in pairs:
            if any(w in clause for w in row.prose) and any(w in clause for w in column.prose):
                evidence.setdefault(f"disclosure/{row.key}/{column.key}", set()).update(_to_number(n) for n in numbers)
    return evidence


def repair(
    rows: list[AlignedRow], template: Template, body: str = ""
) -> tuple[dict[str, Cell], list[RowReadings], list[Issue]]:
    """Turn aligned rows into cells; return the cells by key, open readings and issues."""
    issues: list[Issue] = []
    states: list[_RowState] = []
    for row in rows:
        if not row.glued:
            options = [tuple(parse_number(t, kind=k, unit=u) for t, k, u in zip(row.tokens, row.kinds, row.units))]
            states.append(_RowState(row, options, True))
            continue
        options, complete = readings(row)
        if not options:
            issues.append(Issue(rule="unreadable-row", severity="warning", message=f"{row.label or row.table!r}: no reading of {row.raw!r} fills its {len(row.keys)} cells", cells=[k for k in row.keys if k]))
        if not complete:
            issues.append(Issue(rule="search-limit", severity="warning", message=f"{row.label or row.table!r}: the readings of {row.raw!r} were not all enumerated (search budget)", cells=[k for k in row.keys if k]))
        states.append(_RowState(row, options, complete))

    evidence: dict[str, set[Number]] | None = None  # read from the prose only when needed
    for state in states:
        if state.row.table != "disclosure" or len(state.options) < 2:
            continue
        if evidence is None:
            evidence = _prose_evidence(body, template) if body else {}
        keyed = [k for k in state.row.keys if k in evidence]
        if not keyed:
            continue
        agreeing = [
            o for o in state.options
            if all(o[i].value in evidence[k] for i, k in enumerate(state.row.keys) if k in evidence)
        ]
        if agreeing and len(agreeing) < len(state.options):
            state.options = agreeing
            state.basis = "prose: " + "; ".join(f"{k.split('/', 1)[1]} = {sorted(evidence[k])}" for k in keyed)

    chosen = _choose_across_rows(states, template)
    cells: dict[str, Cell] = {}
    open_readings: list[RowReadings] = []
    for state, (options, basis) in zip(states, chosen):
        row = state.row
        if not options:
            # No reading fits: the values are unknown, so no cell may look certain.
            for key in row.keys:
                if key:
                    cells[key] = Cell(raw=row.raw, state=CellState.AMBIGUOUS if row.tokens else CellState.ABSENT)
            continue
        first = options[0]
        glued_raw = row.raw
        narrowed = basis or state.basis
        for i, key in enumerate(row.keys):
            if key is None:
                continue
            values = list(dict.fromkeys(o[i].value for o in options))
            read = first[i]
            unit = row.units[i] if row.units and read.value is not None else None
            if not row.glued:
                state_ = {"num": CellState.PRINTED, "empty": CellState.EMPTY, "dash": CellState.DASH, "text": CellState.EMPTY}[read.how]
                cells[key] = Cell(value=read.value, raw=row.tokens[i] if i < len(row.tokens) else None, state=state_, unit=unit)
                if read.how == "text":
                    issues.append(Issue(rule="unreadable-cell", severity="warning", message=f"{key}: {row.tokens[i]!r} is not a number", cells=[key]))
                continue
            if len(values) > 1 or not state.complete:
                cells[key] = Cell(value=read.value, raw=glued_raw, state=CellState.AMBIGUOUS, unit=unit, alternatives=values[1:])
                continue
            if read.how == "absent":
                cells[key] = Cell(state=CellState.ABSENT)
                continue
            if read.how in ("empty", "dash"):
                cells[key] = Cell(raw=glued_raw, state=CellState.EMPTY if read.how == "empty" else CellState.DASH)
                continue
            if read.how == "text":
                cells[key] = Cell(raw=glued_raw, state=CellState.EMPTY)
                continue
            if not read.split and state.initial == 1:
                cells[key] = Cell(value=read.value, raw=read.raw, state=CellState.PRINTED, unit=unit)
            elif state.initial > 1:
                cells[key] = Cell(value=read.value, raw=read.raw, state=CellState.RESOLVED, unit=unit, basis=narrowed)
            else:
                cells[key] = Cell(value=read.value, raw=read.raw, state=CellState.SPLIT, unit=unit, basis=state.basis)
        if len(options) > 1 or not state.complete:
            keys = [k for k in row.keys]
            open_readings.append(
                RowReadings(
                    table=row.table,
                    cells=[k or "" for k in keys],
                    raw=glued_raw,
                    readings=[[c.value for c in o] for o in options],
                    basis=narrowed,
                )
            )
            issues.append(
                Issue(
                    rule="ambiguous", severity="warning",
                    message=f"{row.label or row.table!r}: {len(options)} readings of {glued_raw!r} remain" + ("" if state.complete else " (search incomplete)"),
                    cells=[k for k in row.keys if k],
                )
            )
    return cells, open_readings, issues


def _choose_across_rows(states: list[_RowState], template: Template) -> list[tuple[list[tuple[Read, ...]], str | None]]:
    """For requests rows with several readings, keep the joint choices under which R1/R2
    hold; when none does, keep each row's own readings (the text's own support)."""
    result: list[tuple[list[tuple[Read, ...]], str | None]] = [(s.options, None) for s in states]
    open_ = [i for i, s in enumerate(states) if s.row.table == "requests" and len(s.options) > 1]
    if not open_:
        return result
    fixed: dict[str, Optional[Number]] = {}
    for s in states:
        if s.row.table == "requests" and len(s.options) == 1:
            for key, read in zip(s.row.keys, s.options[0]):
                if key:
                    fixed[key] = read.value
    relations = _column_relations(template)
    columns = [c.key for c in template.requests_columns]
    consistent: list[tuple[int, ...]] = []
    space = 1
    for i in open_:
        space *= len(states[i].options)
    if space > MAX_COMBINATIONS:
        return result  # too many joint choices to rule any out: rows keep their own readings
    for combo in itertools.product(*(range(len(states[i].options)) for i in open_)):
        values = dict(fixed)
        for i, choice in zip(open_, combo):
            for key, read in zip(states[i].row.keys, states[i].options[choice]):
                if key:
                    values[key] = read.value
        if all(_relation_holds(values, r, c) is not False for r in relations for c in columns):
            consistent.append(combo)
    if not consistent:
        return result
    used = {r.id for r in relations}
    for position, i in enumerate(open_):
        picked = list(dict.fromkeys(combo[position] for combo in consistent))
        result[i] = ([states[i].options[p] for p in picked], "+".join(sorted(used)))
    return result
