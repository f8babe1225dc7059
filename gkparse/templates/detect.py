"""Template detection: which revision a document follows, from its labels alone.

Every registered template is scored by the cues (labels only it prints) present in the
text; ties are broken by each template's ``tie_break`` labels. Nothing here names a
template: a new revision is detected as soon as it is registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..normalize import label_key, words_key
from ..vocabulary import REPORT_PAGE_WORDS
from .common import POST_2019_CUES, PRE_2019_CUES
from .schema import Template

__all__ = ["Detection", "detect"]

Kind = Literal["report", "unknown-template", "pre-2019", "not-a-report"]


@dataclass(frozen=True)
class Detection:
    """What a document is: ``kind``, the ``template`` if one was recognised, and why."""

    kind: Kind
    template: Template | None
    reason: str


def _tie_winner(tied: list[Template], key: str) -> Template:
    """Among templates equally supported by their cues: those whose tie-break labels the
    text holds, else those that need none, else the first registered."""
    if len(tied) == 1:
        return tied[0]  # whatever the text holds (its tie-break labels are not looked for)
    marked = [t for t in tied if any(cue in key for cue in t.tie_break)]
    if marked:
        return marked[0]
    plain = [t for t in tied if not t.tie_break]
    return (plain or tied)[0]


def detect(text: str, *, year: int | None = None, templates: Iterable[Template] | None = None) -> Detection:
    """Recognise the template from the labels in ``text`` (never from the year alone).

    ``templates`` defaults to every registered template.

    >>> detect("第二十条第（一）项 本年制发件数 本年废止件数 现行有效件数").template.name
    '2021'
    >>> detect("信息内容 本年新制作数量 本年新公开数量 对外公开总数量").template.name
    '2019'
    >>> detect("今天天气很好").kind
    'not-a-report'
    """
    if templates is None:
        from . import TEMPLATES

        templates = TEMPLATES.values()
    candidates = list(templates)
    words = [*(w for t in candidates for w in (*t.cues, *t.tie_break)), *POST_2019_CUES, *PRE_2019_CUES, *REPORT_PAGE_WORDS]
    # Words holding no leaf number's characters are found in the key without them (a
    # page's text spared a pass).
    key = label_key(text) if any("." in w or "、" in w for w in words) else words_key(text)
    scores = [(sum(cue in key for cue in t.cues), t) for t in candidates]
    best = max((score for score, _ in scores), default=0)
    if best:
        chosen = _tie_winner([t for score, t in scores if score == best], key)
        counts = ", ".join(f"{score} of {t.name}" for score, t in scores)
        return Detection("report", chosen, f"{chosen.name} labels ({counts})")
    post = [cue for cue in POST_2019_CUES if cue in key]
    if post and candidates:
        fallback = _tie_winner(candidates, key)
        return Detection(
            "unknown-template", fallback,
            f"post-2019 request table ({', '.join(post)}) but part 二 unrecognised; parts 三/四 read with the {fallback.name} rows",
        )
    # A report of a year before every template's first is an older report.
    first = min((t.since for t in candidates if t.since), default=0)
    before = year is not None and year < first
    pre = [cue for cue in PRE_2019_CUES if cue in key]
    if pre and (year is None or before):
        return Detection("pre-2019", None, f"pre-2019 report labels ({', '.join(pre[:3])})")
    if before and any(w in key for w in REPORT_PAGE_WORDS):
        return Detection("pre-2019", None, f"report of {year}, before the 2019 template")
    return Detection("not-a-report", None, "no annual-report table labels found")
