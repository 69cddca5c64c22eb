"""Test session set-up: the working tree's package, the PostgreSQL server, project folders.

Run everything (a throwaway PostgreSQL cluster is started when
LOCKGATE_TEST_DATABASE_URL is not set)::

    pytest                     # or: pytest -m "not slow" for the quick loop
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parent
for p in (_TESTS.parent / "src", _TESTS):  # test the working tree, and find tests/fixtures
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

pytest_plugins = ["fixtures.postgres", "fixtures.projects", "fixtures.replica"]
