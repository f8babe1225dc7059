"""Label normalisation: the one place that decides when two labels are "the same".

Labels are compared after NFKC (full-width ``（一）`` becomes ``(一)``), with whitespace and
quote marks removed and traditional characters folded to simplified ones.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array

from .vocabulary import LABEL_NOISE, TRADITIONAL_PAIRS

__all__ = ["fold", "label_key", "compact_with_map"]

_FOLD_TABLE = {
    ord(TRADITIONAL_PAIRS[i]): TRADITIONAL_PAIRS[i + 1] for i in range(0, len(TRADITIONAL_PAIRS) - 1, 2)
}
_DROP = set(LABEL_NOISE)
# str.translate looks every character up in a dict (~10x slower than a regex scan): texts
# are scanned for a character to change first, and most labels and pages have none.
_TRADITIONAL = re.compile("[" + re.escape("".join(map(chr, _FOLD_TABLE))) + "]")
_NOISE = re.compile("[" + re.escape(LABEL_NOISE) + "]+")


#: Texts at least this long are normalised through a table of every character's NFKC (a
#: page's text: ``str.translate`` costs about half of ``unicodedata.normalize`` there).
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


def _replace_each(text: str, found: re.Pattern[str], table: dict[int, str]) -> str:
    """``text.translate(table)`` where ``found`` matches exactly the characters of ``table``
    (and no replacement holds one of them)."""
    position = 0
    for _ in range(MAX_REPLACED_CHARACTERS):
        match = found.search(text, position)
        if match is None:
            return text
        character = match.group()
        text = text.replace(character, table[ord(character)])
        position = match.start()  # the text before holds none; what was put there holds none
    return text.translate(table)


@functools.lru_cache(maxsize=1)
def _nfkc_table() -> tuple[re.Pattern[str], dict[int, str], re.Pattern[str]]:
    """The characters of :data:`_LOCAL_BLOCKS` whose NFKC stays local (no combining mark
    in it, every character of it in those blocks: U+FF9E → U+3099 composes): a pattern
    finding any other character, the translate table of those NFKC changes and a pattern
    finding a character of that table. Built on first use (~10 ms)."""
    table: dict[int, str] = {}
    excluded: list[int] = []
    for low, high in _LOCAL_BLOCKS:
        for code in range(low, high + 1):
            ch = chr(code)
            if unicodedata.is_normalized("NFKC", ch):
                continue
            piece = unicodedata.normalize("NFKC", ch)
            if any(unicodedata.combining(c) or not any(a <= ord(c) <= b for a, b in _LOCAL_BLOCKS) for c in piece):
                excluded.append(code)
            else:
                table[code] = piece
    blocks = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _LOCAL_BLOCKS)
    others = "".join(f"\\U{code:08x}" for code in excluded)
    changing = re.compile("[" + re.escape("".join(map(chr, sorted(table)))) + "]")
    return re.compile(f"[^{blocks}]|[{others}]"), table, changing


def _nfkc(text: str) -> str:
    # The quick check answers in C without building a copy; most text is already NFKC.
    if unicodedata.is_normalized("NFKC", text):
        return text
    if len(text) >= NFKC_BY_CHARACTER_CHARS:
        nonlocal_character, table, changing = _nfkc_table()
        if not nonlocal_character.search(text):
            return _replace_each(text, changing, table)
    return unicodedata.normalize("NFKC", text)


def _fold_traditional(text: str) -> str:
    return _replace_each(text, _TRADITIONAL, _FOLD_TABLE) if _TRADITIONAL.search(text) else text


def fold(text: str) -> str:
    """NFKC plus traditional → simplified, keeping whitespace.

    >>> fold("第二十條第（一）項")
    '第二十条第(一)项'
    """
    return _fold_traditional(_nfkc(text))


#: Labels and stems repeat across pages: strings up to this long are remembered.
CACHED_LABEL_CHARS = 64
#: Distinct labels remembered (two templates have ~300 stems; pages add their own spellings).
LABEL_CACHE_SIZE = 8192


#: A leaf number printed with an ideographic comma (``3、其他``) is the template's ``3.其他``.
#: The pattern starts at a digit (a leading look-behind would be tried at every character of
#: a page's text); :func:`_leaf_number` then leaves the end of a longer number alone.
_NUMBER_COMMA = re.compile(r"[0-9]{1,2}、")


def _leaf_number(match: re.Match[str]) -> str:
    start = match.start()
    if start and "0" <= match.string[start - 1] <= "9":
        return match.group()  # 2023、: the end of a longer number
    return match.group()[:-1] + "."


def _drop_noise(text: str) -> str:
    if len(text) < NFKC_BY_CHARACTER_CHARS:
        return _NOISE.sub("", text)
    for character in LABEL_NOISE:  # a long text: a C pass per character beats the regex
        if character in text:
            text = text.replace(character, "")
    return text


def _key(text: str) -> str:
    key = _fold_traditional(_drop_noise(_nfkc(text)))
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


def compact_with_map(text: str) -> tuple[str, array[int]]:
    """Fold ``text`` and drop whitespace/quotes, returning the compact string and, for each
    of its characters, the index in ``text`` it came from (an ``array('I')``: 4 bytes a
    character, so a long dump costs a few times its size, not forty).

    >>> compact, index = compact_with_map("规 章（一）")
    >>> compact, index.tolist()
    ('规章(一)', [0, 2, 3, 4, 5])
    """
    # Only the characters that may change are looked at (found in C), each folded once.
    pieces = {ch: piece for ch in set(_may_change().findall(text)) if (piece := _piece(ch)) != ch}
    index = array("I")
    if any(len(piece) > 1 for piece in pieces.values()):
        # A character that folds into several (㈠ → (一)): each piece maps back to it.
        out: list[str] = []
        for i, ch in enumerate(text):
            piece = pieces.get(ch, ch)
            out.append(piece)
            index.extend([i] * len(piece))
        return "".join(out), index
    compact = text.translate({ord(ch): piece for ch, piece in pieces.items()})
    dropped = [ch for ch, piece in pieces.items() if not piece]
    position = 0
    if dropped:
        for gap in re.finditer("[" + re.escape("".join(dropped)) + "]+", text):
            index.extend(range(position, gap.start()))
            position = gap.end()
    index.extend(range(position, len(text)))
    return compact, index
