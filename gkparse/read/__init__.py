"""Readers: bytes → :class:`~gkparse.read.page.Page` (the page and its table rows).

Every input form (HTML, text dumps; later PDF and Word) meets the others here, at
table rows; everything after is shared.
"""

from __future__ import annotations
