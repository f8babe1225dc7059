"""The readings of one glued row: every way to cut its tokens into exactly its cells.

A text dump may glue adjacent cells (``000003`` is six cells; ``713000074`` is 71, 3, 0,
0, 0, 0, 74). A *reading* fills each cell of the row from the tokens, numbers without
leading zeros, keeping the sums that hold inside the row (R3, R4). :class:`RowSearch`
enumerates them depth-first in a fixed order with a node budget, so the search is bounded
and deterministic; :data:`STRATEGIES` says which searches are tried, in which order, and
when each one's readings are the answer.

The search walks only what can hold a reading: a cut after which the tokens cannot fill
the cells left is not walked, and a document keeps, per row shape (:class:`Shape`:
everything a search depends on), the passes it ran and the states whose subtree held no
reading, so that a state met again (the same cuts reached in another order, vanished
cells placed elsewhere, a row of the same shape) is one node. Neither changes a reading
or their order: a pass finds what the plain walk of every cut finds, in at most its
nodes, so that no budget cuts a search the plain walk finished. The states whose subtree
held readings are kept too, with those readings and the nodes a walk of them counts: met
again, they are counted as walked, not walked (the same nodes, readings and order).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Literal, NamedTuple, Optional, Union

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
#: Search nodes per search (2.5–4 µs each): a glued run of 30 to 40 digits in a 7-cell row
#: has more cuts that fill the cells, and stops here (about 0.15 s) with no certain cell
#: (unreadable-row, search-limit) instead of hanging (commit ae72da2).
NODE_BUDGET = 50_000
#: Search nodes for all the passes over one row (the strategies may run a dozen searches):
#: the costliest row of the fixtures in every glue style takes 18,000, a glued run of 40
#: digits in a 7-cell row 145,000 (benchmarks/speed.py, glued_runs).
ROW_NODE_BUDGET = 200_000
#: Search nodes for a whole document (2.5–4 µs a node, so 1.6 s at most): the costliest
#: document of the fixtures in every glue style takes 51,000 (0.14 s).
DOCUMENT_NODE_BUDGET = 400_000


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


class Read(NamedTuple):
    """One cell in one reading: its value and how it appears in the text.

    ``how`` is the cell grammar's reading (num, empty, dash, text) or ``absent`` (past the
    end of a truncated document). ``raw`` is the token the cell was read from; ``split``
    says the token held several cells; ``assumed`` marks an empty cell the text shows no
    trace of (a vanished empty); ``merged`` marks a number printed over two adjacent
    tokens (``4 | 1`` for 41), ``raw`` then holds both.

    A named tuple, not a dataclass: the search makes one per value cut and hashes every
    reading it keeps, which a tuple does in C (equal fields, equal hash, as before).
    """

    value: Number | None
    how: How
    raw: str = ""
    split: bool = False
    assumed: bool = False
    merged: bool = False


Reading = tuple[Read, ...]
_new_read = tuple.__new__

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

    def rank(reading: Reading) -> tuple[int, int, int]:
        assumed = split = unevenness = 0
        for c in reading:
            if c.assumed:
                assumed += 1
            if c.split:
                split += 1
                unevenness += len(str(c.value)) ** 2
        return assumed, split, unevenness

    return sorted(found, key=rank) if len(found) > 1 else list(found)


def _add_new(out: list[Reading], seen: set[Reading], more: Sequence[Reading]) -> None:
    """Append each reading of ``more`` that ``out`` does not hold yet (``seen`` holds what
    ``out`` does: a reading is hashable, equal readings hash alike)."""
    for reading in more:
        if reading not in seen:
            seen.add(reading)
            out.append(reading)


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


#: Dead states remembered per document (:class:`_Plan`): about 160 bytes each, so at most
#: about 8 MB; past it the search walks again what it could have skipped (same readings,
#: more nodes).
MAX_DEAD_STATES = 50_000

#: States whose subtree held readings remembered per document (:class:`_Walk`), with where
#: their readings are (about 200 bytes each, and the pass's readings kept alive); past it
#: such a state is walked again (same readings, same nodes counted, more time).
MAX_LIVE_STATES = 50_000

#: What :attr:`_Plan.memo` holds for a state whose subtree held no reading (a dead state).
_DEAD: tuple[list[Reading], int, int, int] = ([], 0, 0, 0)

#: A sum's partial sum: its filled addends added, None while all are blank (the values,
#: for a sum whose addends are out of line order).
Partial = Union[Number, None, tuple[Optional[Number], ...]]
#: A value cut from a token at an offset: the cell it fills and its value, the position the
#: next cell starts at (:class:`_Tokens`), for a cut out of a run of digits its length
#: (negative where the run starts with a 0, which no total's length can force), and the
#: fewest and most cells the tokens from there fill.
Step = tuple[Read, Optional[Number], int, int, int, int]
#: Per cell, what a node at it asks (:meth:`Shape.slot_facts`).
SlotFacts = tuple[int, list[tuple[int, bool]], list[tuple[int, int]], int, list[int], bool, int, bool]
#: The next cell's ``alone`` (:meth:`Shape.slot_facts`) at the last cell: its children are leaves.
_LEAF = -3
#: Cells an amount may fill at most: not counted (the glue grammar's cuts of an amount).
_UNBOUNDED = 1 << 30


def _fewest_cells(run: str) -> list[int]:
    """Per offset into a run of digits, the fewest cells its rest is cut into (no number
    has a leading zero or more than MAX_DIGITS digits).

    >>> _fewest_cells("2170000218")
    [2, 1, 1, 5, 4, 3, 2, 1, 1, 1]
    """
    size = len(run)
    fewest = [0] * (size + 1)
    for i in range(size - 1, -1, -1):
        if run[i] == "0":
            fewest[i] = 1 + fewest[i + 1]
        elif size - i <= MAX_DIGITS:  # the rest is one number (the end's 0 is in the window)
            fewest[i] = 1
        else:
            fewest[i] = 1 + min(fewest[i + 1:i + 1 + MAX_DIGITS])
    return fewest[:-1]


class NodeBudget:
    """Search nodes left, shared by every search it is given to (a document's rows), and the
    work those searches did, per row shape (:class:`Shape`), for the rows that share it."""

    __slots__ = ("left", "shapes", "layouts", "states", "live")

    def __init__(self, nodes: int = DOCUMENT_NODE_BUDGET) -> None:
        self.left = nodes
        self.shapes: dict[tuple[object, ...], Shape] = {}
        # Per row layout (cells and sums), the first shape met with it: the facts of its
        # sums are the same for every shape of that layout (every part 三 line of a report).
        self.layouts: dict[tuple[object, ...], Shape] = {}
        self.states = 0  # dead states remembered, over all shapes
        self.live = 0  # live states remembered, over all shapes

    def shape(self, row: AlignedRow) -> Shape:
        """The shape of ``row``: the one already met in this document if any."""
        sums = tuple((tuple(s.addends), s.total) for s in row.sums)
        key = (tuple(row.tokens), tuple((c.kind, c.unit) for c in row.columns), sums, row.truncated, row.splittable)
        shape = self.shapes.get(key)
        if shape is None:
            layout = (len(row.columns), sums)
            shape = self.shapes[key] = Shape(row, self.layouts.get(layout))
            self.layouts.setdefault(layout, shape)
        return shape


class Shape:
    """Everything a row's search depends on: its tokens, its columns' kinds and units, its
    sums, whether it is truncated and whether its tokens may split; and the work done on
    it, which rows of the same shape (``0000000`` fourteen times in a report) reuse.

    ``passes`` maps a pass (its :class:`_Plan` key, vanished cells allowed, cap) to its
    readings, whether it finished and its nodes. Per sum ``g`` (in ``sums`` order) and
    cell: ``adds`` the sums a cell is an addend of (and whether their addends are in line
    order, so that a running partial sum adds them as :func:`sums_agree` does),
    ``complete_at`` the sums a cell completes, ``outgrow_at`` the sums whose total comes
    after the addend, ``forced_at`` the sums whose total it is, after all their addends,
    and ``open_at`` the sums with filled cells and a cell still to fill (their total's
    position if it is filled, else -1).
    """

    sums: list[tuple[list[int], int]]
    totals: set[int]
    no_partials: tuple[Partial, ...]
    adds: list[list[tuple[int, bool]]]
    complete_at: list[list[tuple[int, int]]]
    outgrow_at: list[list[int]]
    forced_at: list[list[int]]
    open_at: list[list[tuple[int, int]]]
    open_partials: list[Callable[[tuple[Partial, ...]], tuple[Partial, ...]] | None]
    _slot_facts: dict[tuple[bool, bool], tuple[list[SlotFacts], list[int]]]

    def __init__(self, row: AlignedRow, like: Shape | None = None) -> None:
        self.n = n = len(row.columns)
        self.columns = row.columns
        self.truncated = row.truncated
        self.splittable = row.splittable
        if like is None:
            self._sum_facts(row)
        else:  # a shape with the same cells and sums: the same facts of its sums
            self.sums, self.totals, self.no_partials, self._slot_facts = like.sums, like.totals, like.no_partials, like._slot_facts
            self.adds, self.complete_at, self.outgrow_at, self.forced_at = like.adds, like.complete_at, like.outgrow_at, like.forced_at
            self.open_at, self.open_partials = like.open_at, like.open_partials
        trimmed = _trimmed(row.tokens)
        # Blank lines around a row's values may be layout or empty cells: both are read,
        # without them first.
        self.token_lists = [trimmed] if trimmed == row.tokens else [trimmed, row.tokens]
        self.values_only = [t for t in row.tokens if not is_blank(t)]
        # Where a count column comes before an amount column, a decimal amount's digits
        # may start with the counts glued in front of it (the glue grammar, grammar.py).
        self.amount_after = [False] * n
        later = False  # an amount column after this one
        for i in range(n - 1, -1, -1):
            self.amount_after[i] = later and row.columns[i].kind != "amount"
            later = later or row.columns[i].kind == "amount"
        self.amounts = row.splittable and any(self.amount_after) and any(_amount_run(t) for t in row.tokens)
        self.splits = row.splittable and any(_splittable(t) for t in row.tokens) or self.amounts
        self.signed = row.splittable and any(_signed_run(t) for t in row.tokens)
        self.runs = any(is_blank(t) and t != "" for t in row.tokens)
        self.passes: dict[tuple[object, ...], tuple[tuple[Reading, ...], bool, int]] = {}
        self._plans: dict[tuple[object, ...], _Plan] = {}
        self._reads: dict[tuple[str, int], Read] = {}
        self._facts: dict[tuple[str, ...], _Tokens] = {}

    def _sum_facts(self, row: AlignedRow) -> None:
        """The facts of the row's sums, per sum and cell (the class's docstring)."""
        n = self.n
        self.sums = [(list(s.addends), s.total) for s in row.sums]
        self.totals = {total for _, total in self.sums}
        size = max([n] + [p + 1 for addends, total in self.sums for p in (*addends, total)])
        self.adds = [[] for _ in range(size)]
        self.complete_at = [[] for _ in range(size)]
        self.outgrow_at = [[] for _ in range(size)]
        self.forced_at = [[] for _ in range(size)]
        self.open_at = [[] for _ in range(size + 1)]
        partials: list[Partial] = []
        for g, (addends, total) in enumerate(self.sums):
            ordered = all(a < b for a, b in zip(addends, addends[1:]))
            partials.append(None if ordered else ())
            for a in addends:
                self.adds[a].append((g, ordered))
                if total > a:
                    self.outgrow_at[a].append(g)
            members = [*addends, total]
            self.complete_at[max(members)].append((g, total))
            if all(a < total for a in addends):
                self.forced_at[total].append(g)
            for slot in range(min(members) + 1, max(members) + 1):
                self.open_at[slot].append((g, total if total < slot else -1))
        self.no_partials = tuple(partials)
        # Per cell, where several sums are open and no total of theirs is filled yet, their
        # partial sums at once (:meth:`_Walk.part`, every value a whole number).
        self.open_partials = [
            itemgetter(*[g for g, _ in open_]) if len(open_) > 1 and all(total < 0 for _, total in open_) else None
            for open_ in self.open_at
        ]
        # What a cell asks at every node, per kind of pass (check_sums, assessed).
        self._slot_facts = {}

    def plan(self, tokens: Sequence[str], gaps: bool, check_sums: bool, assessed: bool, must: frozenset[int]) -> _Plan:
        """The plan of one kind of pass over one of the row's token lists."""
        key = (tuple(tokens), gaps, check_sums, assessed, must)
        plan = self._plans.get(key)
        if plan is None:
            # The per-token facts and value cuts of a token list depend on its tokens alone:
            # every plan over the same tokens shares them.
            facts = self._facts.get(key[0])
            if facts is None:
                facts = self._facts[key[0]] = _Tokens(self, key[0])
            plan = self._plans[key] = _Plan(self, facts, gaps=gaps, check_sums=check_sums, assessed=assessed, must=must)
            # Without vanished cells left a pass walks as one that allows none: their states
            # (which hold the vanished cells left) are one memo.
            twin = self._plans.get((key[0], not gaps, check_sums, assessed, must))
            if twin is not None:
                plan.memo = twin.memo
        return plan

    def read(self, token: str, slot: int) -> Read:
        """``token`` read whole in cell ``slot`` (:func:`read_token`)."""
        read = self._reads.get((token, slot))
        if read is None:
            read = self._reads[(token, slot)] = read_token(token, self.columns[slot])
        return read

    def slot_facts(self, check_sums: bool, assessed: bool) -> tuple[list[SlotFacts], list[int]]:
        """Per cell, what :meth:`_Walk.node` asks at every node of a pass that checks the
        row sums (``check_sums``) or wants them assessed (``assessed``): the cells after it,
        the sums it adds to, those it completes, the one ordered sum it adds to alone (else
        -1), the sums it may outgrow, whether a sum forces its length, the next cell's
        ``alone`` (_LEAF for the last cell), and whether the cell is the commonest kind (it
        adds to one sum in line order, whose total comes later and whose partial sum alone
        the next cell's state holds); and apart, ``alone``: the partial sum the state of a
        node at the cell holds alone (-1: none, -2: several, or a total's value too), which
        a node met before asks alone."""
        facts = self._slot_facts.get((check_sums, assessed))
        if facts is None:
            keyed = check_sums or assessed
            facts = self._slot_facts[(check_sums, assessed)] = ([], [])
            for slot in range(self.n):
                open_ = self.open_at[slot] if keyed else []
                facts[1].append(-1 if not open_ else open_[0][0] if len(open_) == 1 and open_[0][1] < 0 else -2)
            for slot in range(self.n):
                adds = self.adds[slot] if keyed else []
                single = adds[0][0] if len(adds) == 1 and adds[0][1] else -1
                complete, outgrow = self.complete_at[slot] if check_sums else [], self.outgrow_at[slot] if assessed else []
                forced = check_sums and bool(self.forced_at[slot])
                alone = facts[1][slot + 1] if slot + 1 < self.n else _LEAF
                common = single >= 0 and alone == single and bool(outgrow) and not complete and not forced
                facts[0].append((self.n - slot - 1, adds, complete, single, outgrow, forced, alone, common))
        return facts


class _Tokens:
    """The per-token facts of one token list of a shape, shared by every pass over it
    (:class:`_Plan`): the value cuts from each offset, and the fewest and most cells the
    tokens fill from there.

    A cut is walked only towards a state whose tokens can still fill the cells left: a
    token fills at least ``fewest`` and at most ``most`` cells from an offset (a vanished
    cell one more). A state whose tokens cannot holds no reading: leaving it unwalked
    changes no reading and no order, only the nodes counted.

    A node's place in the tokens is a *position*: the (token, offset) pairs in order, then
    the end, numbered from 0, so that what a node asks of its place is one look-up a fact.
    """

    def __init__(self, shape: Shape, tokens: tuple[str, ...]) -> None:
        self.shape = shape
        self.tokens = tokens
        self.count = count = len(tokens)
        self.spans = [blank_range(t) for t in tokens]
        # Whether every cell the tokens fill is blank or a whole number no longer than its
        # digits, and the row not truncated (every cell after a node filled or vanished): a
        # node's cells then vanish no more often than the tokens leave room for, so that its
        # vanished cells left count as that many (:meth:`_Walk.enter`), the outgrown sums
        # (:meth:`_Walk.node`) pruned on them cut no reading. This rests on the cell grammar
        # reading ASCII digits as the whole number they spell in every column, amounts in
        # 万元 included (the unit is kept beside the value, never applied to it); a token
        # with a multiplier or a decimal point is not tight, nor is a truncated row, whose
        # total may be cut off.
        self.tight = not shape.truncated and all(
            span is not None or (t.isdigit() and t.isascii()) for t, span in zip(tokens, self.spans)
        )
        self.signed = [shape.signed and _signed_run(t) for t in tokens]
        self.amount = [shape.amounts and _amount_run(t) for t in tokens]
        self.split = [shape.splittable and _splittable(t) for t in tokens]
        # Digits and blank cells after each token (for the outgrown pruning): suffix sums,
        # one reverse pass.
        digits_after = [0] * count
        blanks_after = [0] * count
        digits = blanks = 0
        for i in range(count - 1, -1, -1):
            digits_after[i], blanks_after[i] = digits, blanks
            span = self.spans[i]
            if span is None:
                digits += len(tokens[i])
            else:
                blanks += span[1]
        # The fewest and most cells each token fills from each offset, and all the tokens
        # after it: suffix sums, one reverse pass.
        cells = [self._cells_of(i) for i in range(count)]
        fewest_after = [0] * count
        most_after = [0] * count
        for i in range(count - 2, -1, -1):
            fewest_after[i] = fewest_after[i + 1] + cells[i + 1][0][0]
            most_after[i] = most_after[i + 1] + cells[i + 1][1][0]
        # Per position: its token and offset, the fewest and most cells the tokens from there
        # fill (the end: none), the characters from there to the end but the blank tokens
        # after its token, and those blank tokens' most cells.
        # Tokens that are a run of blank lines (several empty cells), walked apart; and the
        # positions a node leaves to :meth:`_Walk.expand` (such a run's, the end).
        self.runs = [span is not None and span != (1, 1) for span in self.spans]
        self.start = [0]
        self.token_at: list[int] = []
        self.offset_at: list[int] = []
        self.special: list[bool] = []
        self.fewest_at: list[int] = []
        self.most_at: list[int] = []
        self.rest_from: list[int] = []
        self.blanks_from: list[int] = []
        for ti, (low, high) in enumerate(cells):  # a token's positions at once (most rows: one token)
            width, rest, after = len(low), len(tokens[ti]) + digits_after[ti], fewest_after[ti]
            self.start.append(self.start[-1] + width)
            self.token_at += [ti] * width
            self.offset_at += range(width)
            self.special += [self.runs[ti]] + [False] * (width - 1)
            self.fewest_at += [f + after for f in low] if after else low
            after = most_after[ti]
            self.most_at += [m + after for m in high] if after else high
            self.rest_from += range(rest, rest - width, -1)
            self.blanks_from += [blanks_after[ti]] * width
        self.end = self.start[-1]
        self.token_at.append(count)
        self.offset_at.append(0)
        self.special.append(True)
        self.fewest_at.append(0)
        self.most_at.append(0)
        self.rest_from.append(0)
        self.blanks_from.append(0)
        # The value cuts from each position, once met, where no column changes them, and
        # per (position, cell) where one does (:meth:`steps`).
        self.steps_from: list[list[Step] | None] = [None] * (self.end + 1)
        self.steps_at: dict[tuple[int, int], list[Step]] = {}
        # Whether every value cut so far is no number or a whole number, not negative, below
        # _CUT_LIMIT (as every cut of a run of digits): the sums of such values are compared
        # to powers of ten, not printed (:meth:`_Walk.node`).
        self.whole = True

    def _cells_of(self, i: int) -> tuple[list[int], list[int]]:
        """The fewest and most cells token ``i`` fills from each offset into it (an amount's
        offsets are into its cleaned text)."""
        token, span = self.tokens[i], self.spans[i]
        if span is not None and span != (1, 1):
            return [span[0]], [span[1]]
        if self.amount[i]:
            width = max(len(token), len(clean(token)))
            return [1] * width, [_UNBOUNDED] * width
        if self.signed[i]:  # read whole, or a sign cell and the digits
            return [1, *_fewest_cells(token[1:])], [len(token) - o for o in range(len(token))]
        if self.split[i]:
            return _fewest_cells(token), [len(token) - o for o in range(len(token))]
        return [1], [1]

    def steps(self, pos: int, slot: int) -> list[Step]:
        """The value cuts from position ``pos`` into cell ``slot`` in the search's fixed
        order (a blank run's and a vanished cell's are the walk's own): a signed run, a glued
        amount, a token read whole, or the numbers at the front of a run of digits (which no
        column changes: they are kept once for every cell, in ``steps_from``)."""
        ti, offset = self.token_at[pos], self.offset_at[pos]
        fewest_at, most_at = self.fewest_at, self.most_at
        if not ((offset == 0 and (self.signed[ti] or not self.split[ti])) or self.amount[ti]):
            # Numbers have no leading zeros, so a 0 at the front of a run is a cell of its own
            # (its length -1: no total's length forces it). Each Read is made without the named
            # tuple's own __new__: a run's cuts are made by the dozen per row. A cut of k digits
            # leads to the position k on.
            token = self.tokens[ti]
            size = len(token)
            steps: list[Step]
            if token[offset] == "0":
                steps = [(_new_read(Read, (0, "num", token, size > 1, False, False)), 0, pos + 1, -1, fewest_at[pos + 1], most_at[pos + 1])]
            else:
                steps = [
                    (_new_read(Read, ((value := int(token[offset:offset + k])), "num", token, k < size, False, False)), value, pos + k, k,
                     fewest_at[pos + k], most_at[pos + k])
                    for k in range(1, min(size - offset, MAX_DIGITS) + 1)
                ]
            self.steps_from[pos] = steps
            return steps
        known = self.steps_at.get((pos, slot))
        if known is not None:
            return known
        token = self.tokens[ti]
        if offset == 0 and self.signed[ti]:
            options = self._signed_cuts(token, slot)
        elif self.amount[ti]:
            options = self._amount_cuts(token, offset, slot)
        else:
            options = [(self.shape.read(token, slot), None)]
        steps = self.steps_at[(pos, slot)] = []
        for read, end in options:
            after = self.start[ti + 1] if end is None else self.start[ti] + end
            read_value = read.value
            steps.append((read, read_value, after, 0, fewest_at[after], most_at[after]))
            if read_value is not None and not (type(read_value) is int and 0 <= read_value < _CUT_LIMIT):
                self.whole = False
        return steps

    def _signed_cuts(self, token: str, slot: int) -> list[tuple[Read, int | None]]:
        """The cuts of a signed run at the start of a cell, with the offset the next cell
        starts at (None: the next token): the whole token read as one cell (a number where
        the column is signed, else text), the sign alone as a dash with the digits running
        on, and, where the column is signed, the sign with the first digits."""
        column = self.shape.columns[slot]
        more = self.shape.n - slot - 1 >= 1  # a cut leaves digits that need a cell of their own
        options: list[tuple[Read, int | None]] = [(read_token(token, column), None)]
        sign = read_token(token[0], column)
        if sign.how == "dash" and more:
            options.append((Read(None, "dash", token, split=True), 1))
        digits = token[1:]
        if column.kind == "signed" and more:
            longest = min(1 if digits[0] == "0" else MAX_DIGITS, len(digits) - 1)
            for length in range(1, longest + 1):
                value = read_token(token[: 1 + length], column).value
                options.append((Read(value, "num", token, split=True), 1 + length))
        return options

    def _amount_cuts(self, token: str, offset: int, slot: int) -> list[tuple[Read, int | None]]:
        """The cuts of a glued decimal amount from ``offset``: in a count column followed by
        an amount column, a count from the front of the integer digits (the amount must
        still start at a number, :func:`~gkparse.grammar.amount_starts`); in any other
        column, the rest read whole by the cell grammar (an amount, or text in a count
        column)."""
        column = self.shape.columns[slot]
        text = clean(token)
        starts = amount_starts(text)
        options: list[tuple[Read, int | None]] = []
        if self.shape.amount_after[slot]:
            # A count: no leading zero, and the amount must still start at a number.
            for start in (i for i in starts if i > offset):
                if text[offset] == "0" and start > offset + 1:
                    break
                options.append((Read(int(text[offset:start]), "num", token, split=True), start))
        if offset in starts or (offset == 0 and not options):
            whole = read_token(text[offset:], column)
            options.append((Read(whole.value, whole.how, token, split=offset > 0), None))
        return options



class _Plan:
    """One kind of pass over one token list of a shape (:meth:`RowSearch.run`'s arguments
    but where it starts and its cap): the token list's facts (:class:`_Tokens`), the cells
    no vanished cell may take, the sums the pass keeps, and the states met (:class:`_Walk`),
    kept for every pass and row that walks them."""

    def __init__(
        self, shape: Shape, facts: _Tokens, *, gaps: bool, check_sums: bool, assessed: bool, must: frozenset[int]
    ) -> None:
        self.shape = shape
        self.facts = facts
        self.count, self.end, self.spans, self.start, self.token_at = facts.count, facts.end, facts.spans, facts.start, facts.token_at
        self.gaps, self.check_sums, self.assessed, self.must = gaps, check_sums, assessed, must
        self.special, self.steps_from, self.steps = facts.special, facts.steps_from, facts.steps
        self.fewest_at, self.most_at, self.rest_from, self.blanks_from = facts.fewest_at, facts.most_at, facts.rest_from, facts.blanks_from
        self.tight = facts.tight
        # Cells no vanished cell may take: a total whose sum must be assessed, a total in ``must``.
        self.no_gap = (shape.totals if assessed else set()) | must
        # Past cells matter to the rest of a pass only through the row sums.
        keyed = check_sums or assessed
        # (Built only where a pass drops some facts: one that checks the sums keeps them all.)
        nothing: list[list[tuple[int, bool]]] = [] if check_sums else [[] for _ in shape.adds]
        self.adds = shape.adds if keyed else nothing
        self.complete_at = shape.complete_at if check_sums else nothing
        self.open_at = shape.open_at if keyed else [[] for _ in shape.open_at]
        self.slot_facts, self.alone = shape.slot_facts(check_sums, assessed)
        # Per state walked to its end: _DEAD when its subtree held no reading, else where
        # the walk that met it holds its readings (found, first, last: their cells from the
        # state on are its own) and the nodes walking it again counts (:meth:`_Walk.node`).
        self.memo: dict[tuple[object, ...], tuple[list[Reading], int, int, int]] = {}

    def fits(self, pos: int, slot: int, gaps_left: int) -> bool:
        """Whether the tokens from position ``pos`` can fill the cells from ``slot``, up to
        ``gaps_left`` of them vanished (a truncated row may end early)."""
        left = self.shape.n - slot
        if left < self.fewest_at[pos]:
            return False
        return self.shape.truncated or left <= self.most_at[pos] + (gaps_left if self.gaps else 0)


#: The values a cut out of a run of digits takes are below this (MAX_DIGITS digits).
_CUT_LIMIT = 10**MAX_DIGITS
#: Digits a total may have left (:meth:`_Walk.node`) past which no sum of cells outgrows it:
#: a sum of cells below _CUT_LIMIT has far fewer digits than this many minus MAX_DIGITS.
_ROOM_CAP = 40
#: Per digits left for a total, the least whole number too long for them (``len(str(v)) >
#: room``, for v a whole number, not negative): 10**room, 0 for no digit left; a negative
#: room (down to -MAX_DIGITS) indexes from the end, where the zeros are.
_TOO_LONG = [0] + [10**room for room in range(1, _ROOM_CAP)] + [0] * MAX_DIGITS
#: Per digits left before a cut (0.._ROOM_CAP), per the cut's length as a step says it
#: (1..MAX_DIGITS, or -1 for a 0): _TOO_LONG of the digits left after it.
_TOO_LONG_AFTER = [
    tuple(_TOO_LONG[base - length] if length else 0 for length in range(MAX_DIGITS + 1)) + (_TOO_LONG[base - 1],)
    for base in range(_ROOM_CAP + 1)
]


class _Walk:
    """The DFS of one pass: its cells, its readings and its nodes (``found``, ``nodes``,
    ``done``).

    Per sum, ``acc`` holds the partial sum of its filled addends, None while all are blank:
    the sum :func:`sums_agree` takes (blanks count as 0), added in the addends' order (for
    a sum whose addends are out of line order, the tuple of their values, summed as
    :func:`sums_agree` does when the sum is tested).

    A state whose subtree held no reading holds none again: it is one node, not walked
    again. The past cells reach the rest of a pass only through the partial sums of the
    sums still open, which the state includes (a float kept apart from the int it equals:
    ``str`` tells them apart). Neither this nor the cuts left out (:class:`_Tokens`) drops a
    reading or changes their order: a pass finds the readings the plain walk of every cut
    finds, in its order, in at most its nodes, so that within the budgets it ends as that
    walk would.

    A state whose subtree held readings holds the same ones again, after whatever cells led
    to it. Walking it again would count its own nodes, one for each dead state below it and
    what each live state below it counts: the walk that met it first keeps that number and
    where its readings are, and a state met again (the next pass of a ladder, which allows
    one more vanished cell) adds those readings and counts those nodes without walking
    them, unless the budget or the cap would have cut that walk (it is then walked). The
    nodes counted, the readings and their order are the plain walk's: only time is saved.

    A node is entered (:meth:`enter`: counted, stopped by the budget or the cap, a reading
    at the last cell, else its state looked up in the memo) and, unless met before, walked
    (:meth:`node`); a node enters its value cuts' children itself, ``enter`` inlined, since
    those children share what a node at their cell asks.
    """

    __slots__ = (
        "plan", "n", "count", "truncated", "sums", "check", "assessed", "must", "adds", "complete_at",
        "open_at", "outgrow_at", "forced_at", "cells", "found", "budget", "cap", "nodes", "done", "shared", "spared",
        "slot_facts", "alone", "limit", "end", "memo", "replayed", "open_partials", "gaps",
    )

    def __init__(self, plan: _Plan, found: list[Reading], budget: int, cap: int, shared: NodeBudget) -> None:
        shape = plan.shape
        self.plan = plan
        self.n, self.count, self.truncated, self.sums = shape.n, plan.count, shape.truncated, shape.sums
        self.check, self.assessed, self.must = plan.check_sums, plan.assessed, plan.must
        self.adds, self.complete_at, self.open_at = plan.adds, plan.complete_at, plan.open_at
        self.outgrow_at, self.forced_at = shape.outgrow_at, shape.forced_at
        self.cells: list[Read] = []
        self.found = found
        self.budget, self.cap, self.shared = budget, cap, shared
        self.slot_facts, self.alone = plan.slot_facts, plan.alone
        self.open_partials = shape.open_partials
        self.end, self.memo = plan.end, plan.memo
        self.nodes = 0
        # The node count past which a node entered stops the walk: the budget, until the
        # readings reach the cap (:meth:`take`), then none (both checked at once).
        self.limit = budget if cap > 0 else 0
        # Nodes of this walk that walking their states again would not count: the subtrees
        # of states found dead here count one node each the next time.
        self.spared = 0
        # Nodes counted from the memo, not walked (walked: ``nodes - replayed``).
        self.replayed = 0
        self.done = True
        self.gaps = 0  # the vanished cells the pass allows (set by the caller, :meth:`RowSearch.run`)

    # --- the row sums, on partial sums ------------------------------------------------

    def sum_of(self, g: int, acc: tuple[Partial, ...]) -> Number | None:
        """The sum of the filled addends of sum ``g``, None while all are blank."""
        partial = acc[g]
        if not isinstance(partial, tuple):
            return partial
        cells = self.cells
        parts = [cells[a].value for a in self.sums[g][0] if a < len(cells)]
        return None if all(p is None for p in parts) else sum(p for p in parts if p is not None)

    def holds(self, index: int, acc: tuple[Partial, ...]) -> bool:
        """The row sums completed at ``index`` hold (or cannot be assessed, unless the pass
        wants every sum assessed). The rule is :func:`sums_agree`'s, inlined: this runs at
        every node of the search."""
        for g, total in self.complete_at[index]:
            t = self.cells[total].value
            s = self.sum_of(g, acc)
            if t is None or s is None:
                if self.assessed or total in self.must:
                    return False
                continue
            if abs(s - t) >= _SUM_TOLERANCE:
                return False
        return True

    def fill(self, read: Read, acc: tuple[Partial, ...]) -> tuple[Partial, ...] | None:
        """Fill the next cell with ``read``: the partial sums after it, or None (the cell
        filled all the same) when a row sum it completes breaks."""
        at = len(self.cells)
        self.cells.append(read)
        if self.adds[at]:
            acc = self.added(at, read.value, acc)
        if self.complete_at[at] and not self.holds(at, acc):
            return None
        return acc

    def added(self, at: int, value: Number | None, acc: tuple[Partial, ...]) -> tuple[Partial, ...]:
        """The partial sums once cell ``at`` holds ``value``."""
        new = list(acc)
        for g, ordered in self.adds[at]:
            if not ordered:
                new[g] = (*new[g], value)  # type: ignore[misc]
            elif value is not None:
                partial = new[g]
                new[g] = value if partial is None else partial + value  # type: ignore[operator]
        return tuple(new)

    def forced_length(self, slot: int, acc: tuple[Partial, ...]) -> int | None:
        """The length of the value a total cell must take, when ``slot`` is one and its
        addends are read."""
        for g in self.forced_at[slot]:
            partial = self.sum_of(g, acc)
            if partial is not None:
                return len(str(int(partial)))
        return None

    # --- the walk -------------------------------------------------------------------

    def open_sums(self, slot: int, acc: tuple[Partial, ...]) -> list[object]:
        """Per sum still open at ``slot``: its partial sum, and its total if filled."""
        parts: list[object] = []
        for g, total in self.open_at[slot]:
            partial = acc[g]
            parts.append((partial,) if isinstance(partial, float) else partial)
            if total >= 0:
                parts.append(self.cells[total].value)
        return parts

    def take(self, reading: Reading) -> None:
        """Keep a reading; at the cap, no node is entered any more."""
        found = self.found
        found.append(reading)
        if len(found) >= self.cap:
            self.limit = 0

    def replay(self, known: tuple[list[Reading], int, int, int], nodes: int, slot: int) -> bool:
        """A live state met again, entered as node ``nodes``: its readings after the cells
        that led to it, and the nodes walking it again counts, unless the budget or the cap
        would cut that walk (False: it is walked)."""
        walked, first, last, more = known
        found = self.found
        if nodes + more - 1 > self.budget or len(found) + last - first >= self.cap:
            return False
        self.nodes = nodes + more - 1
        self.replayed += more - 1
        prefix = tuple(self.cells)
        found.extend([prefix + reading[slot:] for reading in walked[first:last]])
        return True

    def enter(self, pos: int, slot: int, gaps_left: int, acc: tuple[Partial, ...]) -> None:
        """Enter a node: the cells filled so far (``slot`` of them), the next from position
        ``pos``, ``gaps_left`` vanished cells still allowed, ``acc`` the partial sums."""
        nodes = self.nodes = self.nodes + 1
        if nodes > self.limit:
            self.done = False
            return
        n = self.n
        if slot == n:
            if pos == self.end:
                self.take(tuple(self.cells))
            return
        left = n - slot - 1  # cells after this one
        # More vanished cells left than cells left walk as many as cells left; where the tokens
        # are tight (:class:`_Tokens`), more than the cells left the fewest cells they fill
        # walk as many as those (the state says so).
        room = left + 1 - self.plan.fewest_at[pos] if self.plan.tight else left + 1
        if room < 0:  # the tokens need more cells than are left (a dead node): keyed as before
            room = left + 1
        gaps = gaps_left if gaps_left <= room else room
        key = (pos, slot, gaps, *self.part(self.alone[slot], slot, acc))
        known = self.memo.get(key)
        if known is None or (known is not _DEAD and not self.replay(known, nodes, slot)):
            self.node(pos, slot, gaps, acc, key, nodes)

    def part(self, alone: int, slot: int, acc: tuple[Partial, ...]) -> tuple[object, ...]:
        """What the cells before ``slot`` tell the rest of the pass, ``alone`` the cell's
        (:meth:`Shape.slot_facts`): the state of a node but its place."""
        if alone >= 0:  # most rows: one sum open, its total to come
            partial = acc[alone]
            return ((partial,) if isinstance(partial, float) else partial,)
        if alone == -1:
            return ()
        partials = self.open_partials[slot]
        if partials is not None and self.plan.facts.whole:  # no float to tell from an int
            return partials(acc)
        return tuple(self.open_sums(slot, acc))

    def node(  # noqa: C901 - the walk's node, one piece
        self, pos: int, slot: int, gaps: int, acc: tuple[Partial, ...], key: tuple[object, ...], entry: int
    ) -> None:
        """Walk a node entered (:meth:`enter`) as node ``entry``, its state ``key`` met for
        the first time (or not remembered); ``gaps`` vanished cells left, no more than the
        cells from this one (more walk alike).

        Most nodes only cut values: the value cuts (:meth:`_Tokens.steps`), a total's length
        forced by its addends, the outgrown sums pruned, are walked here (:meth:`fill`
        inlined, with a shortcut for a cell that adds to one sum in line order), after a
        vanished cell where the pass allows one; a blank run and the end of the tokens are
        :meth:`expand`'s. The children are entered here, :meth:`enter` inlined."""
        found, cells, plan = self.found, self.cells, self.plan
        before = len(found)
        spared = self.spared
        left, adds, complete, single, outgrow, forced, alone, common = self.slot_facts[slot]
        if plan.special[pos]:
            self.expand(pos, gaps, slot, acc)
        else:
            memo = self.memo
            child = slot + 1
            # Vanished cells are left only in a pass that allows them.
            if gaps and slot not in plan.no_gap:
                # A vanished cell first, unless the tokens then cannot fill the cells left
                # (such a child holds no reading; but once the cap is reached the plain walk,
                # entering it, stops there: so does this one).
                fits = plan.fewest_at[pos] <= left and (self.truncated or left <= plan.most_at[pos] + gaps - 1)
                if fits or len(found) >= self.cap:
                    cells.append(VANISHED)
                    # A blank adds nothing to the sums in line order (:meth:`fill`).
                    new = acc if single >= 0 or not adds else self.added(slot, None, acc)
                    if complete and not self.holds(slot, new):
                        pass
                    elif not fits:
                        self.done = False
                    else:  # one child per node at most: entered by the call (the cuts' children, inlined)
                        self.enter(pos, child, gaps - 1, new)
                    cells.pop()
            if self.done:
                # The value cuts (most nodes only have these). Most are a run's numbers, the
                # same for every cell: one look-up. Their tokens fill fewer cells the longer
                # the cut, so that once too few, all after.
                steps = plan.steps_from[pos]
                short = not self.truncated
                if steps is None:
                    steps = plan.steps(pos, slot)
                    short = False
                spare = left - gaps  # of the cells left, those the tokens must fill
                # Every value so far a whole number, not negative: a sum outgrows the digits
                # left when it reaches a power of ten, and a float is no partial sum.
                whole = plan.facts.whole
                if outgrow:  # the digits from here to the end, but one for each cell still needing one, but a total
                    base = plan.rest_from[pos]
                    over = spare - 1 - plan.blanks_from[pos]
                    if over > 0:
                        base -= over
                    if whole:  # within _TOO_LONG: a base past the cap outgrows nothing, a base below 0 everything
                        too_long = _TOO_LONG_AFTER[_ROOM_CAP if base > _ROOM_CAP else 0 if base < 0 else base]
                before_cut = acc[single] if single >= 0 else None  # the one sum's partial sum
                truncated, cap, node, tight = self.truncated, self.cap, self.node, plan.tight
                if common and whole:
                    # The commonest node: a cell adding to one sum in line order, its total to
                    # come, every value a whole number. The loop below, with what it asks of
                    # such a cell decided once: no sum completes here or forces its length, and
                    # the children's state holds that sum's partial sum alone.
                    for read, value, after, length, fewest, most in steps:
                        if fewest <= left and (most >= spare or truncated):  # the tokens left can fill the cells left
                            pass
                        elif len(found) < cap:
                            if short and most < spare:
                                break
                            continue
                        elif left == 0 and length and plan.token_at[after] == plan.token_at[pos]:
                            continue  # the rest of the run needs a cell of its own (it never fits)
                        elif not length or not self.outgrown_as_printed(pos, slot, length, value):
                            self.done = False  # at the cap, the plain walk enters it and stops
                            break
                        else:
                            continue  # outgrown
                        if value is None:
                            partial = before_cut
                        else:
                            partial = value if before_cut is None else before_cut + value  # type: ignore[operator]
                            if length and partial >= too_long[length]:
                                if len(found) >= cap and not self.outgrown_as_printed(pos, slot, length, value):
                                    self.done = False  # at the cap, the plain walk enters it and stops
                                    break
                                continue  # outgrown: the total cannot hold the addends' sum
                        nodes = self.nodes = self.nodes + 1  # enter(after, child, next_gaps, new)
                        if nodes > self.limit:
                            self.done = False
                            break
                        next_gaps = left - fewest if tight else left  # (:meth:`enter`)
                        if gaps < next_gaps:
                            next_gaps = gaps
                        state: tuple[object, ...] = (after, child, next_gaps, partial)
                        known = memo.get(state)
                        if known is _DEAD:
                            continue
                        cells.append(read)
                        if known is None or not self.replay(known, nodes, child):
                            # The partial sums after the cut, made only for a node walked.
                            if value is None:
                                new = acc
                            elif len(acc) == 1:  # most rows: one sum
                                new = (partial,)
                            else:
                                new = (*acc[:single], partial, *acc[single + 1:])
                            node(after, child, next_gaps, new, state, nodes)
                        cells.pop()
                        if not self.done:
                            break
                else:
                    needed: int | None = -1 if forced else None
                    one = len(acc) == 1  # most rows: one sum
                    for read, value, after, length, fewest, most in steps:
                        if fewest <= left and (most >= spare or truncated):  # the tokens left can fill the cells left
                            fits = True
                        elif len(found) < cap:
                            if short and most < spare:
                                break
                            continue
                        elif left == 0 and length and plan.token_at[after] == plan.token_at[pos]:
                            continue  # the rest of the run needs a cell of its own (it never fits)
                        else:
                            fits = False  # at the cap, the plain walk enters it and stops
                        if needed is not None and length > 0:
                            if needed == -1:
                                needed = self.forced_length(slot, acc)
                            if needed is not None and length != needed:
                                continue  # the sum of the addends fixes the total: only its own length can match
                        cells.append(read)
                        if single >= 0:
                            if value is None:
                                new = acc
                            else:
                                if before_cut is not None:
                                    value = before_cut + value  # type: ignore[operator]
                                new = (value,) if one else (*acc[:single], value, *acc[single + 1:])
                        else:
                            new = self.added(slot, value, acc) if adds else acc
                        if complete and not self.holds(slot, new):
                            pass
                        elif length and outgrow and (
                            (value >= too_long[length] if whole else len(str(value)) > base - abs(length))  # type: ignore[operator]
                            if single >= 0
                            else self.outgrown(outgrow, new, too_long[length] if whole else None, base - abs(length))
                        ):
                            # Outgrown: the total cannot hold the addends' sum.
                            if len(found) >= cap and not self.outgrown_as_printed(pos, slot, length, read.value):
                                self.done = False  # at the cap, the plain walk enters it and stops
                        elif not fits:
                            self.done = False
                        else:  # enter(after, child, next_gaps, new)
                            next_gaps = left - fewest if tight else left  # (:meth:`enter`)
                            if gaps < next_gaps:
                                next_gaps = gaps
                            nodes = self.nodes = self.nodes + 1
                            if nodes > self.limit:
                                self.done = False
                            elif alone == _LEAF:
                                if after == self.end:
                                    self.take(tuple(cells))
                            else:
                                if alone >= 0:
                                    partial = new[alone]
                                    state = (after, child, next_gaps, partial if whole or not isinstance(partial, float) else (partial,))
                                else:
                                    state = (after, child, next_gaps, *self.part(alone, child, new))
                                known = memo.get(state)
                                if known is None or (known is not _DEAD and not self.replay(known, nodes, child)):
                                    node(after, child, next_gaps, new, state, nodes)
                        cells.pop()
                        if not self.done:
                            break
        if not self.done:
            return
        shared = self.shared
        if shared.states >= MAX_DEAD_STATES:
            return
        if len(found) == before:
            self.memo[key] = _DEAD
            shared.states += 1
            self.spared = spared + self.nodes - entry
        elif shared.live < MAX_LIVE_STATES:
            # Every dead state below was remembered (none past MAX_DEAD_STATES), so walking
            # this state again counts its nodes but the dead subtrees' own.
            self.memo[key] = (found, before, len(found), self.nodes - entry + 1 - (self.spared - spared))
            shared.live += 1

    def outgrown(self, outgrow: list[int], new: tuple[Partial, ...], too_long: int | None, room: int) -> bool:
        """Whether a sum of ``outgrow`` outgrows the digits left for its total, ``room``: its
        partial sum in ``new`` reaches ``too_long`` (whole values), or is printed longer."""
        for g in outgrow:
            partial = new[g]
            if isinstance(partial, tuple):
                partial = self.sum_of(g, new)
            if partial is None:
                partial = 0
            if partial >= too_long if too_long is not None else len(str(partial)) > room:
                return True
        return False

    def outgrown_as_printed(self, pos: int, slot: int, length: int, value: Number | None) -> bool:
        """Whether the plain walk prunes the cut of ``length`` (:class:`Step`) and ``value`` into
        cell ``slot`` as outgrown, counting the vanished cells the pass still allows, not those
        the tokens leave room for (:meth:`enter`): at the cap, whether it enters the cut and
        stops there."""
        plan, cells = self.plan, self.cells
        gaps = self.gaps - cells[:slot].count(VANISHED)
        room = plan.rest_from[pos] - max(0, self.n - slot - 2 - gaps - plan.blanks_from[pos]) - abs(length)
        for g in self.slot_facts[slot][4]:
            partial = sum((value if a == slot else cells[a].value) or 0 for a in self.sums[g][0] if a <= slot)
            if len(str(partial)) > room:
                return True
        return False

    def expand(self, pos: int, gaps_left: int, slot: int, acc: tuple[Partial, ...]) -> None:
        """The children of a node at the end of the tokens or at a run of blank lines, in
        the search's fixed order, but those whose tokens cannot fill the cells left (as a
        vanished cell's, :meth:`node`)."""
        plan, cells, n = self.plan, self.cells, self.n
        new: tuple[Partial, ...] | None
        if pos == self.end:
            if self.truncated and slot > 0:
                self.take(tuple(cells) + (CUT,) * (n - slot))
            elif plan.gaps and gaps_left >= n - slot:  # the cells left vanished
                if (new := self.fill(VANISHED, acc)) is not None:
                    self.enter(pos, slot + 1, gaps_left - 1, new)
                cells.pop()
            return
        # A run of blank lines standing for low..high empty cells.
        ti = plan.token_at[pos]
        span = plan.spans[ti]
        assert span is not None
        following = plan.start[ti + 1]
        for blanks in range(span[0], min(span[1], n - slot) + 1):
            fits = plan.fits(following, slot + blanks, gaps_left)
            if not fits and len(self.found) < self.cap:
                continue
            new = acc
            filled = 0
            while filled < blanks and new is not None:
                new = self.fill(EMPTY, new)
                filled += 1
            if new is not None:
                if fits:
                    self.enter(following, slot + blanks, gaps_left, new)
                else:
                    self.done = False  # at the cap, the plain walk enters it and stops
            del cells[slot:]
            if not self.done:
                return


class RowSearch:
    """The reading search of one row: its shape (:class:`Shape`, shared by the document's
    rows alike), its passes and the strategies' memoised ones.

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
        shape = self.shared.shape(row)
        self._shape = shape
        self.totals = shape.totals
        self.token_lists = shape.token_lists
        self.values_only = shape.values_only
        self.amount_after = shape.amount_after
        self.amounts, self.splits, self.signed, self.runs = shape.amounts, shape.splits, shape.signed, shape.runs
        self._strong: list[Reading] | None = None
        # Whether a reading may read a signed run as text (:func:`_preferred`): a cell's raw
        # text is one of the row's tokens, or two digit tokens merged.
        self._signed_text = any(_signed_run(t) for t in row.tokens)
        # Readings the text supports that no strategy ranks among the row's options (a
        # total left blank beside readings that assess the sum): they complete the
        # alternatives of cells already ambiguous, and settle or unsettle nothing.
        self.unranked: list[Reading] = []
        self._weak: list[Reading] | None = None
        # The pass in progress (set by run()).
        self._found: list[Reading] = []
        self._nodes = 0
        self._done = True
        self._cap = limit
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

        A pass is a function of the row's shape (:class:`Shape`), its arguments and the
        nodes it may take: a pass this document already ran, uncut by the budget, within
        the nodes now left is not run again; its readings, end and nodes are taken as
        they were.
        """
        shape = self._shape
        plan = shape.plan(tokens, gaps, check_sums, assessed, must)
        self._cap = self.limit if limit is None else limit
        self._budget = min(self.budget, self.row_left.left, self.shared.left)
        gaps_left = (self.n if max_gaps is None else max_gaps) if gaps else 0
        known = shape.passes.get((plan, gaps_left, self._cap))
        if known is not None and known[2] <= self._budget:
            found, self._done, self._nodes = known
            self._found = list(found)
        else:
            self._found = []
            walk = _Walk(plan, self._found, self._budget, self._cap, self.shared)
            walk.gaps = gaps_left
            walk.enter(0, 0, gaps_left, shape.no_partials)
            self._nodes, self._done = walk.nodes, walk.done
            if self._nodes <= self._budget:  # the budget never cut it: it replays for any budget this large
                shape.passes[(plan, gaps_left, self._cap)] = (tuple(self._found), self._done, self._nodes)
        self.row_left.left -= self._nodes
        self.shared.left -= self._nodes
        return self._found, self._done

    # --- passes over token lists ----------------------------------------------------------

    def gather(
        self, token_lists: Sequence[list[str]], *, gaps: bool, check_sums: bool, assessed: bool = False,
        max_gaps: int | None = None, limit: int | None = None, must: frozenset[int] = frozenset(),
    ) -> list[Reading]:
        """The distinct readings of each token list in turn, stopping at the cap (``limit``,
        else the search's)."""
        cap = self.limit if limit is None else limit
        out: list[Reading] = []
        seen: set[Reading] = set()
        for tokens in token_lists:
            # Vanished cells are assumed a few at a time, so that when the readings
            # overflow the cap, those assuming fewer vanished cells are the ones kept.
            for allowed in range(1, (self.n if max_gaps is None else max_gaps) + 1) if gaps else (0,):
                found, done = self.run(
                    tokens, gaps=gaps, check_sums=check_sums, assessed=assessed, max_gaps=allowed, limit=cap, must=must
                )
                _add_new(out, seen, found)
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
                if self._signed_text:
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
        printed = set(exact)
        extra = [r for r in extra if r not in printed and _kinds_kept(r, s.row.columns)]
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
    strong = set(s.strong)
    return _ranked(s.strong) + _ranked([r for r in extra if r not in strong])


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
    weak_ = set(s.weak)
    found = _ranked(s.weak + [r for r in replaced if r not in weak_])
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
        seen: set[Reading] = set()
        for must in itertools.combinations(totals, size):
            _add_new(found, seen, s.gather([s.values_only], gaps=True, check_sums=True, limit=MAX_READINGS_ALONE, must=frozenset(must)))
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
