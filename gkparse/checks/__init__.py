"""Checks: relations (勾稽关系) within a report and across years, and completeness."""

from __future__ import annotations
from .relations import check_relations, check_years

__all__ = ["check_relations", "check_years"]
