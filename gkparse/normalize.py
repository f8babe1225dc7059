"""Label normalisation: the one place that decides when two labels are "the same".

Labels are compared after NFKC (full-width ``（一）`` becomes ``(一)``), with whitespace and
quote marks removed and traditional characters folded to simplified ones.
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["fold", "label_key", "compact_with_map"]

# Traditional characters met in report labels (mirror sites, Hong Kong-style fonts).
_TRADITIONAL = (
    "規规範范條条項项製制發发數数請请開开處处結结轉转總总計计舉举報报訴诉復复議议維维糾纠審审"
    "務务過过執执詢询關关現现補补確确認认獲获費费權权護护險险穩穩機机構构會会業业與与學学無无"
    "屬属國国內内類类許许強强罰罚購购採采額额廢废決决負负責责問问題题況况進进號号錄录單单為为"
    "並并據据準准際际資资訊讯應应對对經经濟济變变門门觀观點点線线體体區区縣县鄉乡鎮镇員员際际"
    "產产務务辦办聯联網网頁页統统導导戶户檔档權权適适證证鑑鉴續续屆届達达"
)
_FOLD_TABLE = {ord(_TRADITIONAL[i]): _TRADITIONAL[i + 1] for i in range(0, len(_TRADITIONAL) - 1, 2)}
_FOLD_TABLE[ord("穩")] = "稳"
_DROP = set(" \t\r\n\u3000\u00a0\u200b\ufeff\"'“”‘’「」『』")
_KEY_TABLE = {**_FOLD_TABLE, **{ord(ch): None for ch in _DROP}}


def fold(text: str) -> str:
    """NFKC plus traditional → simplified, keeping whitespace.

    >>> fold("第二十條第（一）項")
    '第二十条第(一)项'
    """
    return unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)


@functools.lru_cache(maxsize=8192)
def _short_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_KEY_TABLE)


def label_key(text: str) -> str:
    """The comparison form of a label: folded, without whitespace or quotes.

    >>> label_key("（三） 不予公开  3.危及“三安全一稳定”")
    '(三)不予公开3.危及三安全一稳定'
    >>> label_key("商业\\n企业")
    '商业企业'
    """
    if len(text) <= 64:  # labels and stems repeat across pages: remember them
        return _short_key(text)
    return unicodedata.normalize("NFKC", text).translate(_KEY_TABLE)


def compact_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and drop whitespace/quotes, returning the compact string and, for each
    of its characters, the index in ``text`` it came from.

    >>> compact_with_map("规 章（一）")
    ('规章(一)', [0, 2, 3, 4, 5])
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for piece in unicodedata.normalize("NFKC", ch).translate(_FOLD_TABLE):
            if piece not in _DROP:
                out.append(piece)
                index.append(i)
    return "".join(out), index
