"""Cells: aligned table rows → typed cells.

The stage, in pipeline order:

- :mod:`.align`: the only label → key matcher (rows by label stems, columns by headers);
- :mod:`.search`: the readings of a glued row (:class:`~.search.RowSearch` and the named
  strategy ladder :data:`~.search.STRATEGIES`);
- :mod:`.choose`: prose evidence for part 二, the joint choice under R1/R2 for part 三;
- :mod:`.policy`: the one mapping from remaining readings to cell states;
- :mod:`.repair`: the orchestration, ``repair(rows, template, evidence_text=...)``.

Cell text is read by :func:`gkparse.grammar.read_cell`, sums by
:func:`gkparse.templates.schema.sums_agree`.
"""

from __future__ import annotations
