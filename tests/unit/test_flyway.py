"""Reading flyway_schema_history's rows as Flyway does (pure; the engine test reads a real table)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lockgate.flyway import read_history, version_key


def test_undo_removes_baseline_counts_and_bookkeeping_is_ignored() -> None:
    state = read_history([(None, "SCHEMA", True), ("1", "BASELINE", True), ("2", "SQL", True), ("3", "JDBC", True),
                          ("3", "UNDO_SQL", True), ("4", "SQL", False), ("4", "DELETE", True), (None, "SQL", True)])
    assert state.versions == ("2",) and state.baseline == "1" and state.failed is None


def test_a_failed_last_row_is_reported() -> None:
    assert read_history([("1", "SQL", True), ("2", "SQL", 0)]).failed == "2"


def test_versions_order_part_by_part() -> None:
    assert sorted(["1.10", "2", "1.2", "1"], key=version_key) == ["1", "1.2", "1.10", "2"]


@given(st.lists(st.integers(min_value=1, max_value=50), unique=True))
def test_every_successful_versioned_row_is_applied_once_in_order(versions: list[int]) -> None:
    state = read_history([(str(v), "SQL", True) for v in versions])
    assert state.versions == tuple(str(v) for v in sorted(versions))
