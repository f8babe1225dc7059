import os

from hypothesis import settings

from tests.support import FIXTURES  # noqa: F401  (re-exported for tests that import it from here)

# CI runs a short, fixed search (the same examples every run, so a red build means a
# change broke something); `HYPOTHESIS_PROFILE=thorough pytest tests/property` searches
# 300 random tables per style.
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
