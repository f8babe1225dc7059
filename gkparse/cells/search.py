"""The readings of one glued row: every way to cut its tokens into exactly its cells.

A text dump may glue adjacent cells (``000003`` is six cells; ``713000074`` is 71, 3, 0,
0, 0, 0, 74). A *reading* fills each cell of the row from the tokens, numbers without
leading zeros, keeping the sums that hold inside the row (R3, R4). :class:`RowSearch`
enumerates them depth-first in a fixed order with a node budget, so the search is bounded
and deterministic; :data:`STRATEGIES` says which searches are tried, in which order, and
when each one's readings are the answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .. import vocabulary as vocab
from ..grammar import Number, amount_starts, clean, glued_amount, read_cell
from ..read.page import blank_range, is_blank
from ..templates.schema import SUM_TOLERANCE as _SUM_TOLERANCE
from ..templates.schema import sums_agree
from .align import AlignedRow, ColumnSpec

__all__ = [
    "CUT",
    "EMPTY",
    "VANISHED",
    "MAX_DIGITS",
    "MAX_MERGES",
    "MAX_READINGS",
    "MAX_READINGS_ALONE",
    "MAX_VANISHED",
    "NODE_BUDGET",
    "ROW_NODE_BUDGET",
    "DOCUMENT_NODE_BUDGET",
    "NodeBudget",
    "STRATEGIES",
    "Read",
    "Reading",
    "RowSearch",
    "Strategy",
    "read_token",
    "readings",
]

#: A count cell cut out of a run is at most this long: a count of a billion or more is no
#: plausible table cell, and longer cuts only multiply the readings of a long run.
MAX_DIGITS = 9
#: Characters one cell's text may take out of a run: the digits, a sign, a decimal point
#: and two decimals. A token longer than the row's cells could hold is no glued row: it is
#: not searched at all (a 100,000-digit run once cost seconds).
MAX_CELL_CHARS = MAX_DIGITS + 4
#: Search nodes per search: a synthetic 60-digit run then stops in about 0.5 s with no
#: certain cell (unreadable-row, search-limit) instead of hanging (commit ae72da2).
NODE_BUDGET = 50_000
#: Search nodes for all the passes over one row (the strategies may run a dozen searches):
#: the costliest row of the fixtures in every glue style takes 150,000.
ROW_NODE_BUDGET = 200_000
#: Search nodes for a whole document (about 6 µs a node, so about 2 s at most): the
#: costliest document of the fixtures in every glue style takes 203,000.
DOCUMENT_NODE_BUDGET = 400_000


class NodeBudget:
    """Search nodes left, shared by every search it is given to (a document's rows)."""

    __slots__ = ("left",)

    def __init__(self, nodes: int = DOCUMENT_NODE_BUDGET) -> None:
        self.left = nodes
#: Readings kept per row; a row with more is marked incomplete (ambiguous, search-limit).
#: The cross-row choice tries the product of the open rows' readings: a small cap keeps
#: that product within MAX_COMBINATIONS for a few open rows.
MAX_READINGS = 64
#: Readings kept for a row that takes part in no cross-row choice (part 四: its sums are
#: all inside the row), and gathered before the most-assessed are kept: only its cells'
#: alternatives are built from them, so the cap bounds time and memory, not a product.
MAX_READINGS_ALONE = 1024
#: Empty cells a whole-row run may have lost beside its exact readings: more let the
#: vanished readings crowd the exact one out of the kept readings, and made one-line
#: dumps about 5x slower.
MAX_VANISHED = 2

#: Signs that may start a signed run (``-2356``); unicode minus signs read as ``-``.
_SIGNS = frozenset("-+" + "".join(vocab.MINUS_SIGNS))

How = Literal["num", "empty", "dash", "text", "absent"]


@dataclass(frozen=True)
class Read:
    """One cell in one reading: its value and how it appears in the text.

    ``how`` is the cell grammar's reading (num, empty, dash, text) or ``absent`` (past the
    end of a truncated document). ``raw`` is the token the cell was read from; ``split``
    says the token held several cells; ``assumed`` marks an empty cell the text shows no
    trace of (a vanished empty); ``merged`` marks a number printed over two adjacent
    tokens (``4 | 1`` for 41), ``raw`` then holds both.
    """

    value: Number | None
    how: How
    raw: str = ""
    split: bool = False
    assumed: bool = False
    merged: bool = False


Reading = tuple[Read, ...]

EMPTY = Read(None, "empty")
CUT = Read(None, "absent")
VANISHED = Read(None, "empty", assumed=True)


def read_token(token: str, column: ColumnSpec) -> Read:
    """One token read whole as one cell, by the cell grammar.

    >>> read_token("1,268件", ColumnSpec(None)), read_token("规章", ColumnSpec(None)).how
    (Read(value=1268, how='num', raw='1,268件', split=False, assumed=False, merged=False), 'text')
    """
    text = read_cell(token, kind=column.kind, unit=column.unit)
    return Read(text.value, text.how, token)


def _splittable(token: str) -> bool:
    return token.isdigit() and len(token) > 1


def _amount_run(token: str) -> bool:
    """A decimal amount whose integer digits may start with other cells (``8245310.50元``).

    >>> _amount_run("8245310.50元"), _amount_run("00.01"), _amount_run("0.50"), _amount_run("8.5"), _amount_run("82")
    (True, True, False, False, False)
    """
    return glued_amount(token) and any(start > 0 for start in amount_starts(clean(token)))


def _signed_run(token: str) -> bool:
    """A sign glued to digits (``-2356``): in a glued row the sign starts a cell, a signed
    number (where the column is signed) or a dash, and the digits may run on into the next
    cells.

    >>> _signed_run("-2356"), _signed_run("-"), _signed_run("2356"), _signed_run("-2.5")
    (True, False, False, False)
    """
    return len(token) > 1 and token[0] in _SIGNS and token[1:].isdigit()


def _sign_as_text(reading: Reading) -> bool:
    """A reading that takes a whole signed run for one cell that cannot hold a sign (a count):
    text, where another reading cuts the sign off as a signed cell or a dash."""
    return any(c.how == "text" and not c.split and _signed_run(c.raw) for c in reading)


def _preferred(found: list[Reading]) -> list[Reading]:
    """``found`` without the readings that read a signed run as text, when others read the
    row's text as numbers and dashes: ``27-2356`` under 上一年项目数量 | 本年增/减 | 处理决定数量
    is 27 | -2 | 356 (or another cut), not 2 | 7 | an unreadable ``-2356``.

    Order only among equals; no reading that reads every cell is ever dropped.
    """
    numeric = [r for r in found if not _sign_as_text(r)]
    return numeric if numeric else found


def _ranked(found: list[Reading]) -> list[Reading]:
    """Readings that assume the fewest vanished cells, then cut the fewest digit runs, then
    cut them most evenly (``5845546`` as 58/45/546 before 5/8/45546), first: the first is
    the value shown for an ambiguous cell. Order only; it never settles a cell."""

    def unevenness(reading: Reading) -> int:
        return sum(len(str(c.value)) ** 2 for c in reading if c.split)

    return sorted(found, key=lambda r: (sum(c.assumed for c in r), sum(c.split for c in r), unevenness(r)))


def _trimmed(tokens: list[str]) -> list[str]:
    """``tokens`` without the blank tokens at either end.

    >>> _trimmed(["", "4", "", "3", ""])
    ['4', '', '3']
    """
    start, end = 0, len(tokens)
    while end > start and is_blank(tokens[end - 1]):
        end -= 1
    while start < end and is_blank(tokens[start]):
        start += 1
    return tokens[start:end]


class RowSearch:
    """The reading search of one row: its sum indexes, the DFS and its memoised passes.

    ``complete`` turns False once any pass hit the node budget or the readings cap.
    """

    def __init__(
        self, row: AlignedRow, *, budget: int = NODE_BUDGET, limit: int = MAX_READINGS, shared: NodeBudget | None = None
    ) -> None:
        self.row = row
        self.budget = budget
        # The row's nodes over all its passes, and the document's (shared by its rows).
        self.row_left = NodeBudget(ROW_NODE_BUDGET)
        self.shared = shared if shared is not None else NodeBudget()
        self.limit = limit
        self.n = len(row.columns)
        self.complete = True
        self.totals = {s.total for s in row.sums}
        # Per addend position, the sums it takes part in (for the outgrown pruning); per
        # position, the sums whose last cell it is (they can be tested once it is filled).
        self.groups_of: dict[int, list[tuple[list[int], int]]] = {}
        self.sums_at: dict[int, list[tuple[list[int], int]]] = {}
        for _, addends, total in row.sums:
            for a in addends:
                self.groups_of.setdefault(a, []).append((addends, total))
            self.sums_at.setdefault(max(addends + [total]), []).append((addends, total))
        trimmed = _trimmed(row.tokens)
        # Blank lines around a row's values may be layout or empty cells: both are read,
        # without them first.
        self.token_lists = [trimmed] if trimmed == row.tokens else [trimmed, row.tokens]
        self.values_only = [t for t in row.tokens if not is_blank(t)]
        # Where a count column comes before an amount column, a decimal amount's digits
        # may start with the counts glued in front of it (the glue grammar, grammar.py).
        self.amount_after = [
            any(c.kind == "amount" for c in row.columns[i + 1:]) and row.columns[i].kind != "amount"
            for i in range(self.n)
        ]
        self.amounts = row.splittable and any(self.amount_after) and any(_amount_run(t) for t in row.tokens)
        self.splits = row.splittable and any(_splittable(t) for t in row.tokens) or self.amounts
        self.signed = row.splittable and any(_signed_run(t) for t in row.tokens)
        self.runs = any(is_blank(t) and t != "" for t in row.tokens)
        self._strong: list[Reading] | None = None
        # Readings the text supports that no strategy ranks among the row's options (a
        # total left blank beside readings that assess the sum): they complete the
        # alternatives of cells already ambiguous, and settle or unsettle nothing.
        self.unranked: list[Reading] = []
        self._weak: list[Reading] | None = None
        # State of the pass in progress (set by run()).
        self._cells: list[Read] = []
        self._found: list[Reading] = []
        self._nodes = 0
        self._done = True
        self._tokens: list[str] = []
        self._check_sums = False
        self._assessed = False
        self._must: frozenset[int] = frozenset()
        self._allow_gaps = False
        self._cap = limit
        self._digits_after: list[int] = []
        self._blanks_after: list[int] = []
        self._budget = budget

    # --- one pass ---------------------------------------------------------------------

    def run(
        self, tokens: list[str], *, gaps: bool, check_sums: bool, assessed: bool = False, max_gaps: int | None = None,
        limit: int | None = None, must: frozenset[int] = frozenset(),
    ) -> tuple[list[Reading], bool]:
        """One DFS over the cuts of ``tokens``: the readings found and whether it finished.

        ``gaps`` allows up to ``max_gaps`` vanished empty cells; ``check_sums`` keeps the
        row sums; ``assessed`` keeps only readings on which every row sum can be assessed,
        ``must`` only those on which the sums with these total cells can.
        """
        self._tokens = tokens
        self._cap = self.limit if limit is None else limit
        self._check_sums = check_sums
        self._assessed = assessed
        self._must = must
        self._allow_gaps = gaps
        self._cells = []
        self._found = []
        self._nodes = 0
        self._done = True
        # Digits and blank cells after each token: suffix sums, one reverse pass.
        digits_after = [0] * len(tokens)
        blanks_after = [0] * len(tokens)
        digits = blanks = 0
        for i in range(len(tokens) - 1, -1, -1):
            digits_after[i], blanks_after[i] = digits, blanks
            token = tokens[i]
            if not is_blank(token):
                digits += len(token)
            blanks += (blank_range(token) or (0, 0))[1]
        self._digits_after = digits_after
        self._blanks_after = blanks_after
        self._budget = min(self.budget, self.row_left.left, self.shared.left)
        self._dfs(0, 0, (self.n if max_gaps is None else max_gaps) if gaps else 0)
        self.row_left.left -= self._nodes
        self.shared.left -= self._nodes
        return self._found, self._done

    def _sums_ok(self, index: int) -> bool:
        """The row sums completed at ``index`` hold (or cannot be assessed, unless the pass
        wants every sum assessed). The rule is :func:`sums_agree`'s, inlined: this runs at
        every node of the search."""
        if not self._check_sums:
            return True
        cells = self._cells
        for addends, total in self.sums_at.get(index, ()):
            t = cells[total].value
            parts = [cells[a].value for a in addends]
            if t is None or all(p is None for p in parts):
                if self._assessed or total in self._must:
                    return False
                continue
            if abs(sum(p for p in parts if p is not None) - t) >= _SUM_TOLERANCE:
                return False
        return True

    def _prune_outgrown(self, slot: int, digits_left: int, free_cells: int) -> bool:
        """A group's addends already sum to more digits than can be left for its total
        once every other cell still to fill takes a digit (only when the total must be a
        number, i.e. the sum must be assessed)."""
        if not self._assessed:
            return False
        others = max(0, self.n - slot - 2 - free_cells)  # cells still needing a digit, but the total
        for addends, total in self.groups_of.get(slot, ()):
            if total > slot:
                partial = sum(self._cells[a].value or 0 for a in addends if a <= slot)
                if len(str(partial)) > digits_left - others:
                    return True
        return False

    def _forced_total(self, slot: int) -> int | None:
        """The value a total cell must take, when ``slot`` is one and its addends are read."""
        for addends, total in self.sums_at.get(slot, ()):
            if total == slot and all(a < slot for a in addends):
                parts = [self._cells[a].value for a in addends]
                if any(v is not None for v in parts):
                    return int(sum(v for v in parts if v is not None))
        return None

    def _dfs(self, ti: int, offset: int, gaps_left: int) -> None:
        self._nodes += 1
        if self._nodes > self._budget or len(self._found) >= self._cap:
            self._done = False
            return
        cells, tokens, n = self._cells, self._tokens, self.n
        slot = len(cells)
        if slot == n:
            if ti == len(tokens):
                self._found.append(tuple(cells))
            return
        remaining_slots = n - slot
        if ti == len(tokens):
            if self.row.truncated and slot > 0:
                self._found.append(tuple(cells) + (CUT,) * remaining_slots)
            elif self._allow_gaps and gaps_left >= remaining_slots:
                cells.append(VANISHED)
                if self._sums_ok(slot):
                    self._dfs(ti, 0, gaps_left - 1)
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
                    if not self._sums_ok(slot + added - 1):
                        break
                else:
                    self._dfs(ti + 1, 0, gaps_left)
                del cells[len(cells) - added:]
            return
        if self._allow_gaps and gaps_left > 0 and not ((self._assessed and slot in self.totals) or slot in self._must):
            cells.append(VANISHED)
            if self._sums_ok(slot):
                self._dfs(ti, offset, gaps_left - 1)
            cells.pop()
        if offset == 0 and self.signed and _signed_run(token):
            self._cut_signed(token, ti, gaps_left)
            return
        if self.amounts and _amount_run(token):
            self._cut_amount(token, ti, offset, gaps_left)
            return
        if offset == 0 and not (self.row.splittable and _splittable(token)):
            cells.append(read_token(token, self.row.columns[slot]))
            if self._sums_ok(slot):
                self._dfs(ti + 1, 0, gaps_left)
            cells.pop()
            return
        # Numbers have no leading zeros, so a 0 at the front of a run is a cell of its own.
        if rest[0] == "0":
            lengths = [1]
        else:
            lengths = list(range(1, min(len(rest), MAX_DIGITS) + 1))
            needed = self._forced_total(slot) if self._check_sums else None
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
            if self._sums_ok(slot) and not self._prune_outgrown(
                slot, len(rest) - length + self._digits_after[ti], gaps_left + self._blanks_after[ti]
            ):
                self._dfs(next_ti, next_offset, gaps_left)
            cells.pop()
            if not self._done:
                return

    def _cut_signed(self, token: str, ti: int, gaps_left: int) -> None:
        """The cuts of a signed run at the start of a cell: the whole token read as one cell
        (a number where the column is signed, else text), the sign alone as a dash with the
        digits running on, and, where the column is signed, the sign with the first digits."""
        cells, slot = self._cells, len(self._cells)
        column = self.row.columns[slot]
        more = self.n - slot - 1 >= 1  # a cut leaves digits that need a cell of their own
        options: list[tuple[Read, int]] = [(read_token(token, column), 0)]
        sign = read_token(token[0], column)
        if sign.how == "dash" and more:
            options.append((Read(None, "dash", token, split=True), 1))
        digits = token[1:]
        if column.kind == "signed" and more:
            longest = 1 if digits[0] == "0" else min(len(digits) - 1, MAX_DIGITS)
            for length in range(1, longest + 1):
                value = read_token(token[: 1 + length], column).value
                options.append((Read(value, "num", token, split=True), 1 + length))
        for read, offset in options:
            cells.append(read)
            if self._sums_ok(slot):
                if offset == 0:
                    self._dfs(ti + 1, 0, gaps_left)
                else:
                    self._dfs(ti, offset, gaps_left)
            cells.pop()
            if not self._done:
                return

    def _cut_amount(self, token: str, ti: int, offset: int, gaps_left: int) -> None:
        """The cuts of a glued decimal amount from ``offset``: in a count column followed by
        an amount column, a count from the front of the integer digits (the amount must
        still start at a number, :func:`~gkparse.grammar.amount_starts`); in any other
        column, the rest read whole by the cell grammar (an amount, or text in a count
        column)."""
        cells, slot = self._cells, len(self._cells)
        column = self.row.columns[slot]
        text = clean(token)
        starts = [i for i in amount_starts(text) if i > offset]
        options: list[tuple[Read, int]] = []
        if self.amount_after[slot]:
            # A count: no leading zero, and the amount must still start at a number.
            for start in starts:
                if text[offset] == "0" and start > offset + 1:
                    break
                options.append((Read(int(text[offset:start]), "num", token, split=True), start))
        if offset in amount_starts(text) or (offset == 0 and not options):
            whole = read_token(text[offset:], column)
            options.append((Read(whole.value, whole.how, token, split=offset > 0), len(text)))
        for read, end in options:
            cells.append(read)
            if self._sums_ok(slot):
                if end == len(text):
                    self._dfs(ti + 1, 0, gaps_left)
                else:
                    self._dfs(ti, end, gaps_left)
            cells.pop()
            if not self._done:
                return

    # --- passes over token lists ----------------------------------------------------------

    def gather(
        self, token_lists: Sequence[list[str]], *, gaps: bool, check_sums: bool, assessed: bool = False,
        max_gaps: int | None = None, limit: int | None = None, must: frozenset[int] = frozenset(),
    ) -> list[Reading]:
        """The distinct readings of each token list in turn, stopping at the cap (``limit``,
        else the search's)."""
        cap = self.limit if limit is None else limit
        out: list[Reading] = []
        for tokens in token_lists:
            # Vanished cells are assumed a few at a time, so that when the readings
            # overflow the cap, those assuming fewer vanished cells are the ones kept.
            for allowed in range(1, (self.n if max_gaps is None else max_gaps) + 1) if gaps else (0,):
                found, done = self.run(
                    tokens, gaps=gaps, check_sums=check_sums, assessed=assessed, max_gaps=allowed, limit=cap, must=must
                )
                out.extend(r for r in found if r not in out)
                if len(out) >= cap or not done:
                    self.complete = False
                    break
        return out

    @property
    def strong(self) -> list[Reading]:
        """Readings of the tokens (blanks trimmed, then as printed) on which every row sum
        is assessed and holds: strong evidence."""
        if self._strong is None:
            self._strong = self.gather(self.token_lists, gaps=False, check_sums=True, assessed=True)
        return self._strong

    @property
    def weak(self) -> list[Reading]:
        """Readings of the tokens, row sums unchecked: what the text itself supports."""
        if self._weak is None:
            self._weak = self.gather(self.token_lists, gaps=False, check_sums=False)
        return self._weak

    def breaks_own_sums(self) -> bool:
        """A split row whose every weak reading breaks a row sum."""
        return bool(self.weak) and self.splits and not any(self._holds(r) for r in self.weak)

    def _holds(self, reading: Reading) -> bool:
        return all(
            sums_agree((reading[total].value,), [reading[a].value for a in addends]) is not False
            for _, addends, total in self.row.sums
        )

    def readings(self) -> list[Reading]:
        """The readings of the first strategy of :data:`STRATEGIES` that applies (none for
        a token longer than the row's cells could hold)."""
        if any(len(t) > self.n * MAX_CELL_CHARS for t in self.row.tokens):
            return []
        for strategy in STRATEGIES:
            found = strategy(self)
            if found is not None:
                found = _preferred(found)
                if len(found) > self.limit:
                    self.complete = False  # readings dropped at the cap: the row is not settled
                return found[: self.limit]
        raise AssertionError("the last strategy always applies")  # pragma: no cover


Strategy = Callable[[RowSearch], list[Reading] | None]


def as_printed(s: RowSearch) -> list[Reading] | None:
    """One token per cell, nothing glued and no blank runs: the row as printed, sums or not."""
    if s.splits or s.runs or len(s.row.tokens) != s.n:
        return None
    found, done = s.run(s.row.tokens, gaps=False, check_sums=False)
    s.complete = s.complete and done
    return found


def unsummed(s: RowSearch) -> list[Reading] | None:
    """A row with no sums inside it (part 二): every reading of its tokens, if any.

    A row glued into one run keeps no trace of its empty cells. Its one exact reading is
    taken as printed (no cell is assumed); but when the exact readings already leave the
    row open, or there are none, the readings with up to MAX_VANISHED vanished empties are
    listed too: nothing else could tell them apart."""
    if s.row.sums:
        return None
    exact = s.gather(s.token_lists, gaps=False, check_sums=False)
    if len(exact) != 1 and _glued_whole(s) and not s.row.truncated:
        extra = s.gather([s.values_only], gaps=True, check_sums=False, max_gaps=MAX_VANISHED)
        extra = [r for r in extra if r not in exact and _kinds_kept(r, s.row.columns)]
        return _ranked(exact) + _ranked(extra) or None
    return _ranked(exact) if exact or s.row.truncated else None


def _kinds_kept(reading: Reading, columns: Sequence[ColumnSpec]) -> bool:
    """Whether every cell of a reading is a number of its column's kind (a run of digits
    holds no text, and a count is whole)."""
    return all(
        c.how != "text" and (col.kind == "amount" or not isinstance(c.value, float)) for c, col in zip(reading, columns)
    )


def _glued_whole(s: RowSearch) -> bool:
    """Whether the row's values are one run of digits that may hold several cells."""
    return s.row.splittable and len(s.row.tokens) == 1 and (s.splits or s.signed)


def one_run(s: RowSearch) -> list[Reading] | None:
    """A whole row glued into one run ("098600986") keeps no trace of its empty cells: its
    exact readings, then those with up to MAX_VANISHED vanished empties."""
    if not (s.row.sums and s.strong and s.row.splittable and len(s.row.tokens) == 1):
        return None
    extra = s.gather([s.values_only], gaps=True, check_sums=True, assessed=True, max_gaps=MAX_VANISHED)
    return _ranked(s.strong) + _ranked([r for r in extra if r not in s.strong])


def exact(s: RowSearch) -> list[Reading] | None:
    """Readings with blank lines read as layout (trimmed), then as empty cells (untrimmed),
    on which every row sum is assessed and holds."""
    return _ranked(s.strong) if s.row.sums and s.strong else None


def vanished(s: RowSearch) -> list[Reading] | None:
    """No exact reading: the values alone with vanished empty cells, every row sum assessed
    and holding (not for a truncated row, whose missing cells are cut off, not empty)."""
    if not s.row.sums or s.row.truncated:
        return None
    found = s.gather([s.values_only], gaps=True, check_sums=True, assessed=True)
    return _ranked(found) if found else None


def weak(s: RowSearch) -> list[Reading] | None:
    """Nothing satisfies the sums on assessable terms: what the text itself supports,
    including readings that break a sum (the checks report the broken relation)."""
    if not s.row.sums or s.breaks_own_sums() or not (s.weak or s.row.truncated):
        return None
    return _ranked(s.weak)


def weak_replaced(s: RowSearch) -> list[Reading] | None:
    """A split row that breaks its own sum may be a wrong split or moved blank lines: the
    weak readings, and beside them the readings with the blanks re-placed."""
    if not (s.row.sums and s.breaks_own_sums()):
        return None
    replaced = s.gather([s.values_only], gaps=True, check_sums=True, limit=MAX_READINGS_ALONE)
    found = _ranked(s.weak + [r for r in replaced if r not in s.weak])
    s.unranked = found[s.limit:]  # past the cap: not options, but every open cell's alternatives
    return found


#: Numbers printed over two cells that one row may hold: a single merge is what the fault
#: looks like (one token too many); more would let the sums pick among many rebuildings.
MAX_MERGES = 1


def merged(s: RowSearch) -> list[Reading] | None:
    """One token too many and nothing else reads: a number printed over two adjacent cells
    (``4 | 1`` for 41). Every merge of two adjacent digit tokens into one cell on which
    every row sum is assessed and holds; the row sums alone choose, so the cells are
    *resolved*, never *printed*."""
    tokens = s.token_lists[0]
    if not s.row.sums or len(tokens) != s.n + MAX_MERGES or any(is_blank(t) for t in tokens):
        return None
    found: list[Reading] = []
    for i in range(s.n):
        first, second = tokens[i], tokens[i + 1]
        if not (first.isdigit() and second.isdigit()) or first[0] == "0" or len(first + second) > MAX_DIGITS:
            continue  # a number has no leading zero
        joined = tokens[:i] + [first + second] + tokens[i + 2:]
        reading = [read_token(t, c) for t, c in zip(joined, s.row.columns)]
        reading[i] = Read(int(first + second), "num", f"{first} {second}", merged=True)
        if all(
            sums_agree((reading[total].value,), [reading[a].value for a in addends]) is True
            for _, addends, total in s.row.sums
        ):
            found.append(tuple(reading))
    return found or None


def most_assessed(s: RowSearch) -> list[Reading] | None:
    """Nothing else reads: the values alone with vanished empty cells, no row sum broken,
    those on which the most sums are assessed (at least one). A part 四 printed with a
    group left blank (复议后起诉) and its other blanks dropped (one-line dumps, pipe rows
    that drop empty cells) keeps every sum it printed; no reading could assess them all."""
    if len(s.row.sums) < 2 or s.row.truncated:
        return None  # with one sum, assessing it is what ``vanished`` already tried
    totals = sorted(s.totals)
    for size in range(len(totals) - 1, 0, -1):  # all of them: ``vanished``
        found: list[Reading] = []
        for must in itertools.combinations(totals, size):
            more = s.gather([s.values_only], gaps=True, check_sums=True, limit=MAX_READINGS_ALONE, must=frozenset(must))
            found.extend(r for r in more if r not in found)
        if found:
            return _ranked(found)
    return None


def unbroken(s: RowSearch) -> list[Reading] | None:
    """No reading assesses the sums: the values alone with vanished empty cells, no row
    sum broken (a total left blank, as some agencies print part 三, leaves its sum
    unassessed). Readings that break a sum are never offered while such readings stand."""
    if not s.row.sums or s.row.truncated:
        return None
    found = _ranked(s.gather([s.values_only], gaps=True, check_sums=True, limit=MAX_READINGS_ALONE))
    s.unranked = found[s.limit:]  # past the cap: not options, but every open cell's alternatives
    return found or None


def last_resort(s: RowSearch) -> list[Reading] | None:
    """Nothing else reads: the values alone with vanished empty cells, sums unchecked."""
    return _ranked(s.gather([s.values_only], gaps=True, check_sums=False))


#: The strategy ladder, most to least trusted: the first strategy that returns readings
#: answers. A row without sums goes from ``unsummed`` straight to ``last_resort``.
STRATEGIES: tuple[Strategy, ...] = (
    as_printed, unsummed, one_run, exact, vanished, weak, weak_replaced, merged, most_assessed, unbroken, last_resort,
)


def readings(row: AlignedRow, *, budget: int = NODE_BUDGET, limit: int = MAX_READINGS) -> tuple[list[Reading], bool]:
    """Every reading of ``row`` that fills its cells exactly and keeps its row sums.

    Returns the readings (at most ``limit``) and whether the search was complete.
    Digit runs are split only in rows whose text may glue cells (``row.splittable``).

    >>> from gkparse.cells.align import AlignedRow, ColumnSpec, RowSum
    >>> r = AlignedRow("requests", [ColumnSpec(None)] * 3, ["213"], True, sums=[RowSum("R3", [0, 1], 2)])
    >>> [[c.value for c in reading] for reading in readings(r)[0]]
    [[2, 1, 3]]
    """
    search = RowSearch(row, budget=budget, limit=limit)
    found = search.readings()
    return found, search.complete
