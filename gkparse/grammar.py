"""The one cell grammar: how the text of a table cell reads as a number, a blank or a dash.

Every reader, the repair, the crawler and batch read cell text through this module, so
that ``2件`` means 2 everywhere. The words it knows (units, multipliers, dashes) live in
:mod:`gkparse.vocabulary`; this module holds the rules:

- digits, ASCII or full-width (NFKC), with optional thousands separators (``1,268``);
- a sign, only where the column is signed (本年增/减) or for ``-0``/``+0``;
- a decimal part (amounts; a decimal in a count column is kept as printed);
- a multiplier (万, 亿) and a unit (元 for amounts; 件, 个, 项, … for counts), scaled to
  the column's unit (``45.6万`` in a 万元 column is 45.6, in a 元 column 456000);
- a dash (``/ - — － 无``) is a dash, blank text is empty, invisible characters are dropped;
- anything else is *text*: it keeps its raw form and is never read as blank.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, Optional, Union

from . import vocabulary as vocab
from .normalize import fold

__all__ = ["Number", "CellText", "read_cell", "is_value", "TOKEN", "to_number", "glued_amount", "amount_starts"]

Number = Union[int, float]
#: Digits a cell's number may have: an amount in 元 of a trillion has 13; a longer run of
#: digits in one cell is text (glued cells are split by the search, not read here), and
#: Python refuses to convert runs past 4,300 digits at all.
MAX_NUMBER_DIGITS = 18
How = Literal["num", "empty", "dash", "text"]

_SPACES = re.compile(r"\s+")
_MULTIPLIERS = "|".join(map(re.escape, vocab.MULTIPLIERS))
_UNITS = "|".join(map(re.escape, sorted((*vocab.MONEY_UNITS, *vocab.COUNT_UNITS), key=len, reverse=True)))
_NUMBER = re.compile(
    rf"^(?P<sign>[-+]?)(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<frac>\.\d+)?"
    rf"\s*(?P<mult>{_MULTIPLIERS})?(?P<unit>{_UNITS})?$"
)
_DASH = re.compile(
    "^(?:" + "|".join(f"(?:{re.escape(d)})+" for d in vocab.DASHES) + "|" + "|".join(map(re.escape, vocab.DASH_WORDS)) + ")$"
)

#: A value token in a text dump, where cells may be glued (``713000074``) or spaced:
#: a number (with its multiplier and money unit) or a dash. Counting units are left to
#: the label text, since in a glued dump a digit before a unit may belong to a label.
#: The lookahead on the characters a token starts with lets the engine pass over other
#: characters at once (without it, every alternative is tried at each: 1.5x slower).
TOKEN = re.compile(
    "(?=[" + re.escape("-+−/／—–－" + "".join(word[0] for word in vocab.DASH_WORDS)) + r"\d])(?:"
    rf"[-+−]?\d[\d,]*(?:\.\d+)?(?:(?:{_MULTIPLIERS})?(?:{'|'.join(map(re.escape, vocab.MONEY_UNITS))}))?"
    r"|[/／]+|[—–－]+|-{1,3}|" + "|".join(map(re.escape, vocab.DASH_WORDS)) + ")"
)


#: A decimal amount in a glued dump, possibly with other cells' digits glued in front of
#: it (``8245310.50元`` under 采购项目数量 | 采购总金额 is the count 8, then 245310.50 元):
#: the cells before it take digits from the front of its integer part; the amount is the
#: rest, from a digit that starts a number (no leading zero, or ``0.50``) to the end. The
#: fraction and the unit always belong to the amount: nothing is glued after a decimal
#: point that a reader could tell apart.
GLUED_AMOUNT = re.compile(
    rf"(?P<int>\d+)(?P<tail>\.\d+(?:(?:{_MULTIPLIERS})?(?:{'|'.join(map(re.escape, vocab.MONEY_UNITS))}))?)"
)


def glued_amount(token: str) -> bool:
    """Whether ``token`` is a decimal amount whose integer part may hold glued cells.

    >>> glued_amount("8245310.50元"), glued_amount("45.6万元"), glued_amount("3.5"), glued_amount("8245310")
    (True, True, True, False)
    """
    return GLUED_AMOUNT.fullmatch(clean(token)) is not None


def amount_starts(token: str) -> list[int]:
    """Where the amount of a glued decimal token may start: each offset into its integer
    digits at which a number without a leading zero begins (``0`` itself only just before
    the decimal point). The digits before the offset are other cells' (counts).

    >>> amount_starts("8245310.50元")
    [0, 1, 2, 3, 4, 5, 6]
    >>> amount_starts("1005.5")
    [0, 3]
    """
    match = GLUED_AMOUNT.fullmatch(token)
    if match is None:
        return []
    digits = match.group("int")
    return [i for i in range(len(digits)) if digits[i] != "0" or i == len(digits) - 1]


@dataclass(frozen=True)
class CellText:
    """What one cell's text says: a ``value`` and ``how`` it reads.

    ``how`` is ``num`` (``value`` is the number), ``empty`` (blank), ``dash`` (``/``,
    ``—``, ``无``: printed as "none") or ``text`` (not a number: ``value`` is None and the
    caller must keep the raw text and say so).
    """

    value: Optional[Number]
    how: How


EMPTY = CellText(None, "empty")
DASH = CellText(None, "dash")
TEXT = CellText(None, "text")


def to_number(value: Decimal) -> Number:
    """An ``int`` when the decimal is whole, else a ``float``.

    >>> to_number(Decimal("4.0")), to_number(Decimal("9116.36"))
    (4, 9116.36)
    """
    return int(value) if value == value.to_integral_value() else float(value)


#: Cell texts up to this long are remembered with their reading: a report's cells are
#: mostly a few small numbers, and its labels are those of every report of its template.
CACHED_CELL_CHARS = 64
#: Distinct (text, kind, unit) readings remembered.
CELL_CACHE_SIZE = 16384


def clean(text: str) -> str:
    """:func:`_clean` (remembered for a short text: see :data:`CACHED_CELL_CHARS`)."""
    return _clean_short(text) if len(text) <= CACHED_CELL_CHARS else _clean(text)


def _clean(text: str) -> str:
    """NFKC and traditional → simplified (as labels are folded), invisible characters
    dropped, unicode minus signs as ``-``, whitespace trimmed and runs of it made one space.
    Whitespace *inside* digits is kept: ``4 1`` may be two cells, never 41.

    >>> clean("２\\u200b１７ "), clean("無"), clean(" 4 \\n 1 "), clean("217\\u200e"), clean("217\\ufffd")
    ('217', '无', '4 1', '217', '217')
    """
    text = vocab.INVISIBLE_CHARACTERS.sub("", fold(text))
    for minus in vocab.MINUS_SIGNS:
        text = text.replace(minus, "-")
    return _SPACES.sub(" ", text).strip().strip(vocab.LOST_BYTE_CHARACTERS).strip()


def read_cell(text: str, *, kind: str = "count", unit: str | None = None) -> CellText:
    """Read one cell's text under its column's ``kind`` (count, signed, amount) and ``unit``;
    see :func:`_read_cell` (the reading of a short text is remembered)."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_NUMBER_DIGITS:
        return CellText(int(text), "num")  # most cells: plain digits, nothing to fold
    if len(text) <= CACHED_CELL_CHARS:
        return _read_short(text, kind, unit)
    return _read_cell(text, kind, unit)


def _read_cell(text: str, kind: str = "count", unit: str | None = None) -> CellText:
    """Read one cell's text under its column's ``kind`` (count, signed, amount) and ``unit``.

    >>> [(r.value, r.how) for r in (read_cell("52023"), read_cell("/"), read_cell(""), read_cell("无"))]
    [(52023, 'num'), (None, 'dash'), (None, 'empty'), (None, 'dash')]
    >>> read_cell("1,268件").value, read_cell("４起").value, read_cell("2件").value
    (1268, 4, 2)
    >>> read_cell("160.5964万元", kind="amount", unit="元").value
    1605964
    >>> read_cell("45.6万", kind="amount", unit="万元").value
    45.6
    >>> read_cell("-417", kind="signed").value, read_cell("-417").how
    (-417, 'text')
    >>> read_cell("12,34").how, read_cell("约20").how, read_cell("5元").how, read_cell("7" * 5000).how
    ('text', 'text', 'text', 'text')
    """
    if text.isascii() and text.isdigit():
        if len(text) > MAX_NUMBER_DIGITS:
            return TEXT
        return CellText(int(text), "num")  # most cells: plain digits, nothing to fold
    compact = clean(text)
    if not compact:
        return EMPTY
    if _DASH.match(compact):
        return DASH
    match = _NUMBER.match(compact)
    if match is None:
        return TEXT
    sign, digits, frac, mult, suffix = match.group("sign", "int", "frac", "mult", "unit")
    if len(digits) > MAX_NUMBER_DIGITS + MAX_NUMBER_DIGITS // 3:  # with thousands separators
        return TEXT
    try:
        value = Decimal(digits.replace(",", "") + (frac or ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return TEXT
    if sign == "-" and value != 0:
        if kind != "signed":
            return TEXT
        value = -value
    if mult:
        value *= vocab.MULTIPLIERS[mult]
    if suffix in vocab.MONEY_UNITS:
        if kind != "amount":
            return TEXT  # money in a count column is not this column's number
        value *= vocab.MONEY_UNITS[suffix]
        value /= vocab.MONEY_UNITS.get(unit or "", 1)
    elif mult and kind == "amount" and unit:
        # "45.6万" in a money column: 万 of the base money unit (元).
        value /= vocab.MONEY_UNITS.get(unit, 1)
    return CellText(to_number(value), "num")


_read_short = functools.lru_cache(maxsize=CELL_CACHE_SIZE)(_read_cell)
_clean_short = functools.lru_cache(maxsize=CELL_CACHE_SIZE)(_clean)


def is_value(text: str) -> bool:
    """Whether ``text`` is a cell value (a number of any column kind, or a dash).

    >>> is_value("1,268件"), is_value("—"), is_value("-3"), is_value("规章"), is_value("")
    (True, True, True, False, False)
    """
    return _is_value_short(text) if len(text) <= CACHED_CELL_CHARS else _is_value(text)


def _is_value(text: str) -> bool:
    return read_cell(text, kind="amount" if _has_money(text) else "signed").how in ("num", "dash")


# The readers ask about each cell of a row several times while they segment its table.
_is_value_short = functools.lru_cache(maxsize=CELL_CACHE_SIZE)(_is_value)


def _has_money(text: str) -> bool:
    return any(unit in text for unit in vocab.MONEY_UNITS)
