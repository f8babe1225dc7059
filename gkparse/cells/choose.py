"""Choosing among a row's readings with what the rest of the report says.

Part 二 has no sums, but part 一 often states its numbers in prose ("本年制发规范性文件88件"):
a reading that disagrees with them goes. Part 三's rows are chosen together, so that the
column relations across rows (R1, R2) hold. Whatever is still open stays open.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Optional

from .. import vocabulary as vocab
from ..grammar import MAX_NUMBER_DIGITS, Number, read_cell
from ..normalize import fold
from ..templates import Column, Relation, Row, TableKind, Template
from ..templates.schema import Key, per_template, sums_agree
from .align import AlignedRow
from .search import Reading

__all__ = ["MAX_COMBINATIONS", "RowState", "choose_across_rows", "narrow_by_prose", "prefer_unassumed", "prose_evidence"]

#: Joint assignments tried across part 三's open rows, which bounds the time per report.
#: Past it no combination is ruled out and the rows keep their own readings: agreement is
#: never claimed from a sample of the combinations (commit fc7fe7f).
MAX_COMBINATIONS = 200_000

_MONEY = "|".join(map(re.escape, sorted(vocab.MONEY_UNITS, key=len, reverse=True)))
_MULTIPLIERS = "|".join(map(re.escape, vocab.MULTIPLIERS))
# A number starts where a run of digits starts (never inside one: a long run would be tried
# from each of its digits) and has at most MAX_NUMBER_DIGITS digits. The pattern opens with
# the digit (the look-behind after it) so that the regex engine skips to the digits of a
# clause rather than trying every character.
_PROSE_NUMBER = re.compile(
    r"(\d(?<![\d.]\d)\d{0," + str(MAX_NUMBER_DIGITS - 1) + r"}(?:\.\d{1,6})?)[ \t]*((?:" + _MULTIPLIERS + ")?(?:" + _MONEY + ")|"
    + "|".join(map(re.escape, sorted(vocab.PROSE_COUNT_UNITS, key=len, reverse=True))) + ")"
)


@dataclass
class RowState:
    """A row's readings while they are narrowed: ``initial`` counts them before any
    narrowing, ``basis`` says what removed some (relation ids or ``prose: …``)."""

    row: AlignedRow
    options: list[Reading]
    complete: bool
    basis: str | None = None
    initial: int = field(init=False)
    #: Readings no strategy ranked (``RowSearch.unranked``): alternatives of open cells only.
    unranked: list[Reading] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.initial = len(self.options)


def _words(item: Row | Column) -> tuple[str, ...]:
    """The words that name a part 二 row or column in running prose: its template ``prose``
    words, then its label stems."""
    return tuple(dict.fromkeys((*item.prose, *item.stems)))


#: A part 二 block as prose names it: each row's words and its cells' keys (in the
#: block's column order), and each column with its words.
_ProseBlock = tuple[tuple[tuple[tuple[str, ...], tuple[Key, ...]], ...], tuple[tuple[Column, tuple[str, ...]], ...]]


@per_template
def _prose_blocks(template: Template) -> tuple[_ProseBlock, ...]:
    return tuple(
        (
            tuple((_words(row), tuple(Key("disclosure", row.key, c.key) for c in block.columns)) for row in block.rows),
            tuple((column, _words(column)) for column in block.columns),
        )
        for block in template.disclosure
    )


def _positions(clause: str, words: tuple[str, ...]) -> list[int]:
    """Where each of ``words`` that ``clause`` holds first stands in it."""
    return [at for word in words if (at := clause.find(word)) >= 0]


#: The text up to its last clause break before a place: matched up to the place, the
#: ``.*`` takes all and steps back, so only the characters back to the break are tried.
_UP_TO_BREAK = re.compile(r"(?s:.*)(?:" + vocab.PROSE_CLAUSE_BREAKS.pattern + ")", vocab.PROSE_CLAUSE_BREAKS.flags)


def _clauses_naming(text: str, words: Iterable[str]) -> list[str]:
    """The clauses of ``text`` that hold one of ``words``, each once, in text order."""
    at_words = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            at_words.append(at)
            at = text.find(word, at + 1)
    clauses = []
    end = -1
    for at in sorted(at_words):
        if at < end:
            continue  # in the clause found last
        # The clause a word starts in: a clause that holds the word is this one.
        before = _UP_TO_BREAK.match(text, 0, at)
        after = vocab.PROSE_CLAUSE_BREAKS.search(text, at)
        end = after.start() if after else len(text)
        clauses.append(text[before.end() if before else 0:end])
    return clauses


def _stated(text: str, template: Template, rows_of: Collection[Key] | None = None) -> dict[Key, dict[Number, str]]:
    """Per part 二 cell, each number ``text`` states for it and the phrase that states it:
    a number with its unit, read by the cell grammar under the column's kind and unit, in
    one clause with a word of the row and a word of the column. The phrase runs from the
    first of those words to the number's unit.

    With ``rows_of``, only the cells of the rows that hold one of those keys are read: only
    the clauses that name such a row are searched for numbers (most of a report's clauses
    name no row, and finding the numbers is most of the work)."""
    stated: dict[Key, dict[Number, str]] = {}
    blocks = _prose_blocks(template)
    folded = fold(text)
    if rows_of is None:
        clauses = vocab.PROSE_CLAUSE_BREAKS.split(folded)
    else:
        blocks = tuple(
            (kept, columns) for rows, columns in blocks
            if (kept := tuple((words, keys) for words, keys in rows if any(k in rows_of for k in keys)))
        )
        clauses = _clauses_naming(folded, dict.fromkeys(w for rows, _ in blocks for words, _ in rows for w in words))
    for clause in clauses:
        numbers = [
            (number.group(), number.group(2) not in vocab.PROSE_COUNT_UNITS or number.group(2) in vocab.MONEY_UNITS,
             number.start(), number.end())
            for number in _PROSE_NUMBER.finditer(clause)
        ]
        if not numbers:
            continue
        for rows, columns in blocks:
            named = [(i, column, at) for i, (column, words) in enumerate(columns) if (at := _positions(clause, words))]
            if not named:
                continue
            for words, keys in rows:
                row_at = _positions(clause, words)
                if not row_at:
                    continue
                for i, column, column_at in named:
                    first = min(row_at + column_at)
                    for number, money, number_start, number_end in numbers:
                        if (column.kind == "amount") != money:
                            continue  # a count states no amount, an amount no count
                        cell = read_cell(number, kind=column.kind, unit=column.unit)
                        if cell.how != "num" or cell.value is None:
                            continue
                        start, end = min(first, number_start), max(number_end, first + 1)
                        stated.setdefault(keys[i], {}).setdefault(cell.value, clause[start:end])
    return stated


def prose_evidence(text: str, template: Template) -> dict[Key, set[Number]]:
    """Numbers that ``text`` states in one clause with a part 二 row word and column word.

    >>> from gkparse.templates import TEMPLATES
    >>> ev = prose_evidence("本年制发规范性文件88件，废止55件。", TEMPLATES["2021"])
    >>> {str(k): v for k, v in ev.items()}
    {'disclosure/normative_documents/issued': {88}}
    """
    return {key: set(values) for key, values in _stated(text, template).items()}


def narrow_by_prose(states: list[RowState], text: str, template: Template) -> None:
    """Keep the readings of part 二's open rows that agree with the numbers ``text`` states,
    when some but not all do. The basis quotes the phrases that decided
    (``prose: "政府集中采购项目8个"``)."""
    evidence: dict[Key, dict[Number, str]] | None = None  # read from the text only when needed
    for state in states:
        if state.row.table != "disclosure" or len(state.options) < 2:
            continue
        if evidence is None:
            open_keys = {k for s in states if s.row.table == "disclosure" and len(s.options) > 1 for k in s.row.keys if k}
            evidence = _stated(text, template, open_keys) if text else {}
        keys = state.row.keys
        keyed = [k for k in keys if k in evidence]
        if not keyed:
            continue
        agreeing = [
            o for o in state.options
            if all(o[i].value in evidence[k] for i, k in enumerate(keys) if k in evidence)
        ]
        if agreeing and len(agreeing) < len(state.options):
            state.options = agreeing
            phrases = dict.fromkeys(
                evidence[k][v] for o in agreeing for i, k in enumerate(keys)
                if k in evidence and (v := o[i].value) is not None
            )
            state.basis = "prose: " + "; ".join(f'"{p}"' for p in phrases)


def _column_checks(template: Template, table: TableKind) -> list[tuple[Relation, list[tuple[list[Key], list[Key]]]]]:
    """Each column relation of ``table`` with the cell keys of its two sides, per place
    (:meth:`~gkparse.templates.Template.places`)."""
    return [
        (r, [(left, right) for _, left, right in template.places(r)])
        for r in template.relations
        if r.along == "column" and r.table == table
    ]


def choose_across_rows(states: list[RowState], template: Template) -> None:
    """Narrow the open rows of every table with column relations (part 三: R1, R2) to the
    readings that take part in a joint choice under which every such relation holds; when
    no joint choice does, or there are too many to try, each row keeps its own readings
    (the text's own support).

    A narrowed row's ``basis`` names the fewest relations that remove the same readings.
    """
    for table in dict.fromkeys(r.table for r in template.relations if r.along == "column"):
        _choose_in_table(states, template, table)


def _choose_in_table(states: list[RowState], template: Template, table: TableKind) -> None:
    """:func:`choose_across_rows` for the rows of one table (relations never cross tables)."""
    open_ = [i for i, s in enumerate(states) if s.row.table == table and len(s.options) > 1]
    if not open_:
        return
    space = 1
    for i in open_:
        space *= len(states[i].options)
    if space > MAX_COMBINATIONS:
        return  # too many joint choices to rule any out: rows keep their own readings
    fixed: dict[Key, Number | None] = {}
    for s in states:
        if s.row.table == table and len(s.options) == 1:
            for key, read in zip(s.row.keys, s.options[0]):
                if key:
                    fixed[key] = read.value
    checks = _column_checks(template, table)
    # Each open row's kept cells and readings, looked up once rather than per combination.
    rows = [([(p, key) for p, key in enumerate(states[i].row.keys) if key], states[i].options) for i in open_]
    # Where each open cell's value comes from: the last open row, and its place in it, to
    # fill it (as a joint choice's values are filled, row after row).
    source = {key: (position, p) for position, (keys, _) in enumerate(rows) for p, key in keys}
    # A relation broken whatever the open rows read fails every joint choice; the others
    # are checked on the places an open cell takes part in, each side's values laid out
    # once with the open cells' slots to fill per joint choice.
    always: set[str] = set()
    varying: list[tuple[str, list[tuple[_Side, _Side]]]] = []
    for relation, sides in checks:
        laid = [(_side(left, fixed, source), _side(right, fixed, source)) for left, right in sides]
        if any(not lslots and not rslots and sums_agree(lvalues, rvalues) is False for (lvalues, lslots), (rvalues, rslots) in laid):
            always.add(relation.id)
        else:
            varying.append((relation.id, [(lside, rside) for lside, rside in laid if lside[1] or rside[1]]))
    # Per open row and reading, the sets of relations broken by the joint choices that use
    # it; a reading survives a set of relations if one of its choices breaks none of them.
    broken: list[list[set[frozenset[str]]]] = [[set() for _ in states[i].options] for i in open_]
    kept: list[dict[int, None]] = [{} for _ in open_]  # surviving readings, in first-use order
    for combo in itertools.product(*(range(len(states[i].options)) for i in open_)):
        chosen = [options[choice] for (_, options), choice in zip(rows, combo)]
        fails = frozenset(always | {
            relation_id for relation_id, laid in varying
            if any(sums_agree(_filled(lside, chosen), _filled(rside, chosen)) is False for lside, rside in laid)
        })
        for position, choice in enumerate(combo):
            broken[position][choice].add(fails)
            if not fails:
                kept[position].setdefault(choice)
    if not kept[0]:
        return
    ids = sorted(r.id for r, _ in checks)
    for position, i in enumerate(open_):
        state = states[i]
        picked = list(kept[position])
        if len(picked) == len(state.options):
            continue
        state.options = [state.options[p] for p in picked]
        state.basis = _basis(ids, broken[position], set(picked))


#: One side of a relation's place laid out for the joint choices: its values, the open
#: cells' left None, and the open cells' slots as (index, open row, place in the row).
_Side = tuple[list[Optional[Number]], list[tuple[int, int, int]]]


def _side(keys: list[Key], fixed: dict[Key, Number | None], source: dict[Key, tuple[int, int]]) -> _Side:
    # (An open cell's slot holds its fixed value, None, until a joint choice fills it.)
    return [fixed.get(k) for k in keys], [(index, *source[k]) for index, k in enumerate(keys) if k in source]


def _filled(side: _Side, chosen: list[Reading]) -> list[Number | None]:
    """A side's values under a joint choice (``chosen``: each open row's reading)."""
    values, slots = side
    if not slots:
        return values
    values = values.copy()
    for index, position, p in slots:
        values[index] = chosen[position][p].value
    return values


def _basis(ids: list[str], broken: list[set[frozenset[str]]], survivors: set[int]) -> str:
    """The fewest relations (first in id order) under which exactly ``survivors`` survive.

    >>> _basis(["R1", "R2"], [{frozenset({"R2"})}, {frozenset()}], {1})
    'R2'
    >>> _basis(["R1", "R2"], [{frozenset({"R1"}), frozenset({"R2"})}, {frozenset()}], {1})
    'R1+R2'
    """
    for size in range(1, len(ids) + 1):
        for subset in itertools.combinations(ids, size):
            relations = set(subset)
            alive = {o for o, sets in enumerate(broken) if any(not (f & relations) for f in sets)}
            if alive == survivors:
                return "+".join(subset)
    return "+".join(ids)  # pragma: no cover - the full set always reproduces the survivors


def _unassumed(state: RowState) -> list[Reading]:
    return [o for o in state.options if not any(read.assumed for read in o)]


def prefer_unassumed(states: list[RowState], template: Template) -> None:
    """A glued run whose one reading without vanished cells keeps every relation is read so:
    the readings that assume lost empty cells go. Per table with row sums (parts 三, 四),
    every open row must have exactly one such reading, found by a complete search, and in a
    table with column relations (part 三) those readings together with the settled rows
    must keep every column relation. The basis names the relations kept."""
    joint = {r.table for r in template.relations if r.along == "column"}
    for table in dict.fromkeys(s.row.table for s in states if s.row.sums):
        open_ = [s for s in states if s.row.table == table and len(s.options) > 1]
        if not open_ or any(not s.complete or len(_unassumed(s)) != 1 or not s.row.sums for s in open_):
            continue
        ids = {sum_.relation for s in open_ for sum_ in s.row.sums}
        if table in joint:
            values: dict[Key, Number | None] = {}
            for s in states:
                if s.row.table == table and s.options:
                    reading = _unassumed(s)[0] if s in open_ else s.options[0]
                    values.update((k, r.value) for k, r in zip(s.row.keys, reading) if k)
            checks = _column_checks(template, table)
            if any(
                sums_agree([values.get(k) for k in left], [values.get(k) for k in right]) is False
                for _, sides in checks for left, right in sides
            ):
                continue
            ids |= {relation.id for relation, _ in checks}
        for s in open_:
            s.options = _unassumed(s)
            s.basis = "+".join(sorted(ids)) + " (no cell assumed lost)"
