"""A resumed install is linted as a fresh one would be: a table an earlier run created is
judged by its size on disk, not only by planner statistics it does not have yet.

Each table here is real and never analysed (autovacuum off on it, reltuples -1): the
state `up --to 1` or a killed run leaves behind.
"""

from __future__ import annotations

import pytest

import lockgate
from lockgate.dialects import open_adapter
from lockgate.errors import LintFailed
from lockgate.urls import DatabaseUrl

from fixtures.projects import Project

CREATE = "CREATE TABLE {t} (id bigint, email text) WITH (autovacuum_enabled = false);"


@pytest.mark.parametrize(("rows", "small"), [(0, True), (40, True), (30_000, False)], ids=["empty", "tiny", "big"])
def test_the_adapter_judges_a_never_analysed_table_by_its_pages(pg_project: Project, rows: int, small: bool) -> None:
    pg_project.execute(CREATE.format(t="fresh") +
                       f"INSERT INTO fresh SELECT g, 'u' || g FROM generate_series(1, {rows}) g;")
    assert pg_project.query("SELECT reltuples FROM pg_class WHERE relname = 'fresh'") == [(-1,)]
    adapter = open_adapter(DatabaseUrl.parse(pg_project.url), ledger_table="schema_migrations")
    try:
        estimate = adapter.estimated_rows(None, "fresh")
        assert adapter.estimated_rows("public", "fresh") == estimate
        assert adapter.estimated_rows(None, "absent") is None
    finally:
        adapter.close()
    assert estimate is not None and estimate >= rows  # never less than what is there
    assert (estimate < 10_000) is small
    if rows == 0:
        assert estimate == 0


def _resumed(p: Project, second: str, rows: int) -> Project:
    p = Project(p.dir, p.url, lint=True)
    fill = f"INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, {rows}) g;" if rows else ""
    p.add("0001_users", CREATE.format(t="users") + fill, "DROP TABLE users;")
    p.add("0002_second", second, "SELECT 1;")
    return p


@pytest.mark.parametrize("second", ["CREATE INDEX idx_users_email ON users (email);",
                                    "UPDATE users SET email = lower(email);"], ids=["index", "update"])
@pytest.mark.parametrize("rows", [0, 40], ids=["empty", "tiny"])
def test_up_after_up_to_1_passes_where_a_fresh_install_does(pg_project: Project, second: str, rows: int) -> None:
    p = _resumed(pg_project, second, rows)
    lockgate.up(p.settings(), to="0001")  # the first deploy, or a run killed after its first migration
    report = lockgate.up(p.settings())
    assert [s.ident for s in report.steps] == ["0002_second"]


@pytest.mark.parametrize("second", ["CREATE INDEX idx_users_email ON users (email);",
                                    "UPDATE users SET email = lower(email);"], ids=["index", "update"])
def test_a_big_never_analysed_table_still_blocks(pg_project: Project, second: str) -> None:
    p = _resumed(pg_project, second, 30_000)
    lockgate.up(p.settings(), to="0001")
    with pytest.raises(LintFailed):
        lockgate.up(p.settings())
    assert set(p.ledger()) == {"0001_users"}
