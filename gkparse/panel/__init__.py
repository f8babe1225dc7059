"""Agencies across years: one observation per agency and year, cross-year evidence and
checks, and the panel as a table (long or wide) or a summary page.

>>> from gkparse.panel import Panel
>>> panel = Panel.from_paths(["fixtures/pingtan_2024.page.html", "fixtures/pingtan_2024.page.txt"])  # doctest: +SKIP
>>> panel.to_pandas()  # doctest: +SKIP

Stages: :mod:`gkparse.agency` (who), :mod:`.observe` (the sources of one report as one
observation), :mod:`.years` (R5/R6 as evidence and checks), :mod:`.table` (long/wide
tables and files), :mod:`.summary` (the HTML page), :mod:`.build` (the collection).
"""

from __future__ import annotations

from .build import Panel, PanelStats, Series
from .observe import Observation, merge_sources
from .years import link_years

__all__ = ["Panel", "PanelStats", "Series", "Observation", "merge_sources", "link_years"]
