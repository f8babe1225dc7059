"""The ``gkparse`` command line (entry point ``gkparse.cli:main``)."""

from __future__ import annotations

from .main import main

__all__ = ["main"]
