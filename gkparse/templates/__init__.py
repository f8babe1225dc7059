"""The State Council templates as data, their registry, and template detection.

A template revision is one data file (``y2019.py``, ``y2021.py``): its rows, columns,
captions, headings, detection cues and relations. The readers, the model, detection and
the checks loop over :data:`TEMPLATES`; :func:`register` adds a revision (a later State
Council notice, or a local variant) without touching any code.
"""

from __future__ import annotations

from .detect import Detection, detect
from .schema import (
    TABLE_KINDS,
    Column,
    CrossYearRelation,
    DisclosureBlock,
    Key,
    Relation,
    Row,
    Table,
    TableKind,
    Template,
    Term,
    standard_rows,
    sums_agree,
)
from .y2019 import TEMPLATE_2019
from .y2021 import TEMPLATE_2021

__all__ = [
    "standard_rows",
    "Column",
    "CrossYearRelation",
    "DisclosureBlock",
    "Key",
    "Relation",
    "Row",
    "Table",
    "TableKind",
    "TABLE_KINDS",
    "Template",
    "Term",
    "TEMPLATES",
    "TEMPLATE_2019",
    "TEMPLATE_2021",
    "Detection",
    "detect",
    "register",
    "sums_agree",
]

#: Every known template by name, oldest first.
TEMPLATES: dict[str, Template] = {t.name: t for t in (TEMPLATE_2019, TEMPLATE_2021)}


def register(template: Template) -> Template:
    """Add ``template`` to :data:`TEMPLATES` (replacing one of the same name); returns it.

    From then on detection considers it and reports on it get its table models.
    """
    TEMPLATES[template.name] = template
    return template
