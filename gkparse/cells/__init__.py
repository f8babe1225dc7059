"""Cells: aligned table rows → typed cells (label matching, the cell grammar, repair of glued digits)."""

from __future__ import annotations
