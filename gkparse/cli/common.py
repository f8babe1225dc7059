"""What the commands share: exit statuses and the layout of printed JSON."""

from __future__ import annotations

__all__ = ["EXIT_FAILED", "EXIT_STRICT", "JSON_INDENT"]

#: Exit status when an input failed (no report in it; in a batch, its error record is written).
EXIT_FAILED = 1
#: Exit status of ``convert --strict`` when a report breaks a relation and nothing failed
#: (2 is click's usage error).
EXIT_STRICT = 3
#: Indentation of printed JSON: one space a level keeps the deep report tables readable
#: without pushing the cells off the screen.
JSON_INDENT = 1
