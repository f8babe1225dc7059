import os
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# CI runs a short, fixed search (the same examples every run, so a red build means a
# change broke something); `HYPOTHESIS_PROFILE=thorough pytest tests/test_repair.py`
# searches 300 random tables per style.
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
