"""Down files are checked before the first rollback, as up files are: a range that holds a down file
that cannot run is refused with nothing rolled back, on PostgreSQL and SQLite."""

from __future__ import annotations

import pytest
from fixtures.projects import Project, one_line_error

import lockgate
from lockgate.errors import DownNeedsNoTransaction, MissingDownError


def _three(project: Project, second_down: str | None) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);\nCREATE INDEX b_id ON b (id);", second_down)
    project.add("0003_c", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;")
    lockgate.up(project.settings())


def _unmarked_mix(project: Project) -> str:
    """A down file that needs -- lockgate:no-transaction and lacks it: a statement that cannot run in a
    transaction (DROP INDEX CONCURRENTLY on PostgreSQL, VACUUM on SQLite) beside another."""
    if project.engine == "sqlite":
        return "DROP TABLE b;\nVACUUM;\n"
    return "DROP INDEX CONCURRENTLY b_id;\nDROP TABLE b;\n"


def test_a_down_file_that_needs_no_transaction_is_refused_before_the_first_rollback(project: Project) -> None:
    _three(project, _unmarked_mix(project))
    with pytest.raises(DownNeedsNoTransaction) as info:
        lockgate.down(project.settings(), to="0")
    assert info.value.exit_code == 1 and "0002_b.down.sql" in info.value.message
    assert "nothing was rolled back" in info.value.message and "-- lockgate:no-transaction" in (info.value.hint or "")
    # 0003_c, the first to roll back, was not: every row and table is still there.
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c"}
    assert {"a", "b", "c"} <= project.tables()
    line = one_line_error(project.cli("down", "--steps", "2"), 1)
    assert line.startswith("error: Migration 0002_b: its down file 0002_b.down.sql runs ")
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c"}


def test_marked_or_alone_the_same_statement_rolls_back(project: Project) -> None:
    """The check refuses only what the server would: with the header, or standing alone (a file of only
    such statements runs outside a transaction by itself), the range rolls back."""
    _three(project, "-- lockgate:no-transaction\n" + _unmarked_mix(project))
    lockgate.down(project.settings(), to="1")
    assert set(project.ledger()) == {"0001_a"} and "b" not in project.tables()


def test_a_missing_down_file_anywhere_in_range_stops_before_the_first_rollback(project: Project) -> None:
    _three(project, None)
    with pytest.raises(MissingDownError, match="0002_b; nothing was rolled back"):
        lockgate.down(project.settings(), steps=2)
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c"} and "c" in project.tables()


def test_nothing_to_roll_back_after_a_version_says_so(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0003_x", "CREATE TABLE x (id INTEGER);", "DROP TABLE x;")
    project.cli("up", check=0)
    out = project.cli("down", "--to", "3", check=0)
    assert "Nothing to roll back: nothing applied after 0003_x." in out.stdout
    assert project.cli("down", "--to", "0003_x", "--dry-run", check=0).returncode == 0
    project.cli("down", "--to", "0", check=0)
    assert "Nothing to roll back: no applied migrations." in project.cli("down", check=0).stdout
