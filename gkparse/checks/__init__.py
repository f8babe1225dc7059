"""Checks: completeness, relations (勾稽关系) within a report, and across years."""

from __future__ import annotations

from ..templates import TEMPLATES
from .completeness import check_completeness
from .relations import check_relations
from .years import MAX_YEAR_READINGS, check_years, year_terms, years_agree

__all__ = ["check_completeness", "check_relations", "check_years", "relation_rules", "year_terms", "years_agree", "MAX_YEAR_READINGS"]


def relation_rules(template: str | None = None) -> frozenset[str]:
    """The ids of the within-report relations (R1–R4) of ``template``, or of every
    registered template: issues with these rules say the document's own arithmetic does
    not add up. Read at call time, so a template registered later counts too."""
    templates = [TEMPLATES[template]] if template in TEMPLATES else list(TEMPLATES.values())
    return frozenset(r.id for t in templates for r in t.relations)
