"""Label normalisation: the one place that decides when two labels are "the same".

Labels are compared after NFKC (full-width ``（一）`` becomes ``(一)``), with whitespace and
quote marks removed and traditional characters folded to simplified ones.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from array import array
from typing import cast

from .vocabulary import LABEL_NOISE, TRADITIONAL_PAIRS

__all__ = ["fold", "label_key", "words_key", "compact_with_map", "compact_runs"]

_FOLD_TABLE = {
    ord(TRADITIONAL_PAIRS[i]): TRADITIONAL_PAIRS[i + 1] for i in range(0, len(TRADITIONAL_PAIRS) - 1, 2)
}
_DROP = set(LABEL_NOISE)
# str.translate looks every character up in a dict (~10x slower than a regex scan): texts
# are scanned for a character to change first, and most labels and pages have none.
_TRADITIONAL = re.compile("[" + re.escape("".join(map(chr, _FOLD_TABLE))) + "]")
_NOISE = re.compile("[" + re.escape(LABEL_NOISE) + "]+")


#: Texts at least this long are normalised through a table of every character's NFKC,
#: one ``str.replace`` per distinct character to change (a page's text: many times
#: faster than ``unicodedata.normalize`` there).
NFKC_BY_CHARACTER_CHARS = 512
#: The blocks whose characters NFKC maps one at a time, independently of their neighbours:
#: below the combining marks, and the CJK, punctuation and full-width blocks without
#: combining marks or Hangul letters (which compose with their neighbours).
_LOCAL_BLOCKS = (
    (0x0000, 0x02FF), (0x2000, 0x20CF), (0x2100, 0x2BFF), (0x3000, 0x3029), (0x3030, 0x3098), (0x309B, 0x312F),
    (0x3190, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFF9F), (0xFFE0, 0xFFEF),
)


#: A text is changed by one ``str.replace`` per distinct character to change, found by a
#: regex scan (a page holds a handful: full-width punctuation and digits), which is many
#: times faster than ``str.translate``'s per-character lookup; past this many distinct
#: characters (a hostile or unusual text) the rest goes through ``str.translate``, whose
#: cost does not grow with them.
MAX_REPLACED_CHARACTERS = 48


#: The character each dropped character is turned into, before one ``str.replace`` drops
#: them all: a deletion costs two passes over the text, a one-for-one replace one (a page
#: drops line breaks, spaces and quote marks).
_SINK = "\n"


def _replace_each(
    text: str, found: re.Pattern[str], table: dict[int, str], sunk: re.Pattern[str] | None = None,
) -> str | None:
    """``text.translate(table)`` where ``found`` matches the characters of ``table`` (and
    no replacement holds one of them); None when ``found`` matches a character outside
    ``table`` (a character the table must not be used on). ``sunk`` is ``found`` without
    :data:`_SINK`, for a table that drops it (and puts it in no replacement)."""
    position = 0
    pattern = found if sunk is None else sunk
    for _ in range(MAX_REPLACED_CHARACTERS):
        match = pattern.search(text, position)
        if match is None:
            return text if sunk is None else text.replace(_SINK, "")
        character = match.group()
        replacement = table.get(ord(character))
        if replacement is None:
            return None
        if sunk is not None and not replacement:
            replacement = _SINK  # dropped with the sink at the end
        text = text.replace(character, replacement)
        position = match.start()  # the text before holds none; what was put there holds none
    if sunk is not None:
        position -= text.count(_SINK, 0, position)  # the sinks before it are dropped too
    text = text.translate(table)
    # What ``found`` still finds is outside the table (no replacement holds a character of it).
    return None if found.search(text, position) else text


def _ranges_class(codes: list[int], negated: bool = False) -> str:
    """A regex character class of ``codes`` (sorted, at least one), written as ranges."""
    ends = [i for i in range(1, len(codes)) if codes[i] != codes[i - 1] + 1]
    parts = [
        f"\\U{codes[first]:08x}-\\U{codes[last - 1]:08x}"
        for first, last in zip([0, *ends], [*ends, len(codes)]) if last > first
    ]
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


@functools.lru_cache(maxsize=1)
def _nfkc_table() -> tuple[list[int], dict[int, str]]:
    """The characters of :data:`_LOCAL_BLOCKS` whose NFKC stays local (no combining mark
    in it, every character of it in those blocks: U+FF9E → U+3099 composes), in order,
    and the translate table of those NFKC changes. Built on first use (~6 ms)."""
    table: dict[int, str] = {}
    local: list[int] = []
    for low, high in _LOCAL_BLOCKS:
        for code in range(low, high + 1):
            ch = chr(code)
            if unicodedata.is_normalized("NFKC", ch):
                local.append(code)
                continue
            piece = unicodedata.normalize("NFKC", ch)
            if not any(unicodedata.combining(c) or not any(a <= ord(c) <= b for a, b in _LOCAL_BLOCKS) for c in piece):
                table[code] = piece
                local.append(code)
    return local, table


@functools.lru_cache(maxsize=2)
def _long_tables(drop_noise: bool) -> tuple[re.Pattern[str], dict[int, str], re.Pattern[str], dict[int, str]]:
    """For :func:`_folded`: a pattern finding a character NFKC maps on its own, folds or
    drops (``drop_noise``), or any character whose NFKC is not local; the translate table
    of those three steps at once; a pattern finding a character folded or dropped and its
    table (for text already NFKC). Built on first use (~8 ms)."""
    local, nfkc = _nfkc_table()
    plain = {code: ("" if drop_noise and chr(code) in _DROP else _FOLD_TABLE.get(code, chr(code)))
             for code in {*_FOLD_TABLE, *(map(ord, _DROP) if drop_noise else ())}}

    def step(ch: str) -> str:
        return "".join(plain.get(ord(c), c) for c in nfkc.get(ord(ch), ch))

    table = {code: step(chr(code)) for code in local if code in nfkc or code in plain}
    table = {code: piece for code, piece in table.items() if piece != chr(code)}
    # One negated class (every character but the local ones left alone), not an
    # alternation: the engine then skips through the text in C (~4x faster over a page).
    found = re.compile(_ranges_class([code for code in local if code not in table], negated=True))
    plain_found = re.compile("[" + re.escape("".join(map(chr, sorted(plain)))) + "]")
    return found, table, plain_found, plain


@functools.lru_cache(maxsize=1)
def _sunk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """:func:`_long_tables`' two patterns with noise dropped, without :data:`_SINK`. Built
    on first use with them."""
    local, _ = _nfkc_table()
    _, table, _, plain = _long_tables(True)
    sink = ord(_SINK)
    found = re.compile(_ranges_class([code for code in local if code not in table or code == sink], negated=True))
    return found, re.compile("[" + re.escape("".join(chr(code) for code in sorted(plain) if code != sink)) + "]")


def _folded(text: str, drop_noise: bool) -> str:
    """A long text's NFKC, noise dropped (``drop_noise``), traditional folded: where NFKC
    maps each character on its own (a page's text), one pass finding the characters to
    change for the three steps at once, then one ``str.replace`` for each (one for all the
    dropped ones)."""
    found, table, plain_found, plain = _long_tables(drop_noise)
    sunk, plain_sunk = _sunk_patterns() if drop_noise else (None, None)
    if not unicodedata.is_normalized("NFKC", text):
        folded = _replace_each(text, found, table, sunk)
        if folded is not None:
            return folded
        text = unicodedata.normalize("NFKC", text)
    # Never None: no replacement holds a replaced character (test_no_replacement_is_replaced_again).
    return cast(str, _replace_each(text, plain_found, plain, plain_sunk))


def _nfkc(text: str) -> str:
    # The quick check answers in C without building a copy; most text is already NFKC.
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _fold_traditional(text: str) -> str:
    # Never None: no fold holds a folded character (test_no_replacement_is_replaced_again).
    return cast(str, _replace_each(text, _TRADITIONAL, _FOLD_TABLE)) if _TRADITIONAL.search(text) else text


def fold(text: str) -> str:
    """NFKC plus traditional → simplified, keeping whitespace.

    >>> fold("第二十條第（一）項")
    '第二十条第(一)项'
    """
    if len(text) >= NFKC_BY_CHARACTER_CHARS:
        return _folded(text, drop_noise=False)
    return _fold_traditional(_nfkc(text))


#: Labels and stems repeat across pages: strings up to this long are remembered.
CACHED_LABEL_CHARS = 64
#: Distinct labels remembered (two templates have ~300 stems; pages add their own spellings).
LABEL_CACHE_SIZE = 8192


#: A leaf number printed with an ideographic comma (``3、其他``) is the template's ``3.其他``.
#: The pattern starts at a digit (a leading look-behind would be tried at every character of
#: a page's text); :func:`_leaf_number` then leaves the end of a longer number alone.
_NUMBER_COMMA = re.compile(r"[0-9][0-9]?、")  # {1,2} would hide the leading class from the engine: 2x slower


def _leaf_number(match: re.Match[str]) -> str:
    start = match.start()
    if start and "0" <= match.string[start - 1] <= "9":
        return match.group()  # 2023、: the end of a longer number
    return match.group()[:-1] + "."


def _words_key(text: str) -> str:
    if len(text) >= NFKC_BY_CHARACTER_CHARS:
        return _folded(text, drop_noise=True)
    return _fold_traditional(_NOISE.sub("", _nfkc(text)))


def _key(text: str) -> str:
    key = _words_key(text)
    return _NUMBER_COMMA.sub(_leaf_number, key) if "、" in key else key


_short_key = functools.lru_cache(maxsize=LABEL_CACHE_SIZE)(_key)


def label_key(text: str) -> str:
    """The comparison form of a label: folded, without whitespace or quotes.

    >>> label_key("（三） 不予公开  3.危及“三安全一稳定”")
    '(三)不予公开3.危及三安全一稳定'
    >>> label_key("商业\\n企业"), label_key("（六）其他处理 3、其他")
    ('商业企业', '(六)其他处理3.其他')
    """
    if len(text) <= CACHED_LABEL_CHARS:
        return _short_key(text)
    return _key(text)


def words_key(text: str) -> str:
    """:func:`label_key` without its leaf numbers (``3、`` stays): the same places hold
    the same words that hold neither ``.`` nor ``、``, for looking many such words up in
    a page's text without the pass over it that the leaf numbers take.

    >>> words_key("（六）其他处理 3、其他")
    '(六)其他处理3、其他'
    """
    return _words_key(text)


def _piece(ch: str) -> str:
    """What one character becomes in the compact form (folded; "" when dropped)."""
    return "".join(p for p in unicodedata.normalize("NFKC", ch).translate(_FOLD_TABLE) if p not in _DROP)


@functools.lru_cache(maxsize=1)
def _may_change() -> re.Pattern[str]:
    """Every character :func:`_piece` may change: not NFKC on its own, traditional, or noise;
    and every character past the BMP (looked at one by one). Built on first use (~10 ms)."""
    changing = {chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and not unicodedata.is_normalized("NFKC", chr(c))}
    changing |= {chr(c) for c in _FOLD_TABLE} | _DROP
    return re.compile("[" + re.escape("".join(sorted(changing))) + "\U00010000-\U0010ffff]")


@functools.lru_cache(maxsize=1)
def _compact_tables() -> tuple[re.Pattern[str], dict[str, str]]:
    """For :func:`compact_runs`: a run of the characters :func:`_piece` drops (noise, and
    what NFKC makes noise: U+2002, U+FF02), captured, for ``split`` (no character past the
    BMP is dropped: test_no_character_past_the_bmp_is_dropped); and what each other
    character of the BMP it changes into one becomes, where that one stays as it is (so
    that no replacement makes another). Built on first use with :func:`_may_change`."""
    pieces = {ch: _piece(ch) for ch in _may_change().findall("".join(map(chr, range(0x10000))))}
    dropped = "[" + re.escape("".join(sorted(ch for ch, piece in pieces.items() if not piece))) + "]"
    table = {ch: piece for ch, piece in pieces.items() if len(piece) == 1 and piece != ch and _piece(piece) == piece}
    # Spelt [x][x]*, not [x]+: a pattern opening with a repeat hides its first characters
    # from the engine, which then tries it at every character instead of skipping in C (3x).
    return re.compile(f"({dropped}{dropped}*)"), table


def _compact_pieces(text: str) -> tuple[str | None, dict[str, str]]:
    """``text`` folded, whitespace and quotes dropped, when each character changes into at
    most one (else None); and what each character that changes becomes."""
    # Only the characters that may change are looked at (found in C), each folded once.
    pieces = {ch: piece for ch in set(_may_change().findall(text)) if (piece := _piece(ch)) != ch}
    if any(len(piece) > 1 for piece in pieces.values()):
        return None, pieces
    return _replaced(text, pieces), pieces


def _replaced(text: str, pieces: dict[str, str]) -> str:
    """``text`` with each character of ``pieces`` (each one character or none) replaced."""
    if any(c in pieces for piece in pieces.values() for c in piece):
        return text.translate({ord(ch): piece for ch, piece in pieces.items()})
    # One str.replace per distinct character (a dump holds a handful): str.translate
    # looks every character up in a dict, many times slower.
    for ch, piece in pieces.items():
        text = text.replace(ch, piece)
    return text


def compact_with_map(text: str) -> tuple[str, array[int]]:
    """Fold ``text`` and drop whitespace/quotes, returning the compact string and, for each
    of its characters, the index in ``text`` it came from (an ``array('I')``: 4 bytes a
    character, so a long dump costs a few times its size, not forty).

    >>> compact, index = compact_with_map("规 章（一）")
    >>> compact, index.tolist()
    ('规章(一)', [0, 2, 3, 4, 5])
    """
    compact, starts, origins = compact_runs(text)
    index = array("I")
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(compact)
        index.extend(range(origins[i], origins[i] + end - start))
    return compact, index


def compact_runs(text: str) -> tuple[str, list[int], list[int]]:
    """:func:`compact_with_map`'s compact string with its index as runs: from compact
    position ``starts[k]`` (ascending; the first is 0) up to the next run's, each compact
    character came from the next character of ``text`` from ``origins[k]`` on. A text has
    a run per gap of dropped characters, not an index entry per character.

    >>> compact_runs("规 章（一）")
    ('规章(一)', [0, 1], [0, 2])
    """
    gaps, table = _compact_tables()
    # The gaps of dropped characters cut the text into the runs (found in C, as the kept
    # pieces between them); the other characters that change are looked for in what is kept.
    parts = gaps.split(text)
    kept = parts[::2]
    compact = "".join(kept)
    may_change = _may_change()
    # Each distinct character to change is found once (in C) and replaced everywhere at
    # once: the text before it holds none, and what replaced it stays.
    position = 0
    while (found := may_change.search(compact, position)) is not None:
        ch = found.group()
        piece = table.get(ch)
        if piece is None:
            piece = _piece(ch)
            if piece == ch:  # a character past the BMP that stays
                position = found.end()
                continue
            if len(piece) != 1 or _piece(piece) != piece:
                return _compact_runs_by_character(text, parts)
        compact = compact.replace(ch, piece)
        position = found.start()
    return compact, *_runs(parts)


def _runs(parts: list[str]) -> tuple[list[int], list[int]]:
    """The runs of a text split at its gaps (kept text and gaps alternating, captured): each
    run starts after a gap, at the kept length so far in the compact string and at the
    gap's end in the text."""
    ends = list(itertools.accumulate(map(len, parts)))
    starts = list(itertools.accumulate(map(len, parts[:-1:2]), initial=0))
    return starts, [0, *ends[1::2]]


def _compact_runs_by_character(text: str, parts: list[str]) -> tuple[str, list[int], list[int]]:
    """:func:`compact_runs` where a character folds into several (㈠ → (一)), or into one
    that changes in turn: every character that changes is folded at once."""
    compact, pieces = _compact_pieces(text)
    if compact is not None:
        return compact, *_runs(parts)
    # Each piece of a character that folds into several maps back to it.
    out: list[str] = []
    origins: list[int] = []
    for i, ch in enumerate(text):
        piece = pieces.get(ch, ch)
        out.append(piece)
        origins.extend([i] * len(piece))
    return "".join(out), list(range(len(origins))), origins
