"""Checks: completeness, relations (勾稽关系) within a report, and across years."""

from __future__ import annotations

from ..templates import TEMPLATES
from .completeness import check_completeness
from .relations import check_relations, check_years

#: The ids of the within-report relations of every template (R1–R4): issues with these
#: rules say the document's own arithmetic does not add up.
RELATION_RULES = frozenset(r.id for t in TEMPLATES.values() for r in t.relations)

__all__ = ["check_completeness", "check_relations", "check_years", "RELATION_RULES"]
