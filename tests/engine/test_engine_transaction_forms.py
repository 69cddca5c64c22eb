"""Files written for golang-migrate, dbmate, goose, Atlas and morph run as their authors expect:
a file wrapped in BEGIN/COMMIT is one lockgate transaction, a file of only statements that
cannot run in a transaction runs outside one, and the peers' no-transaction markers count."""

from __future__ import annotations

import hashlib

import pytest
from fixtures.projects import Project

import lockgate
from lockgate.errors import MigrationFailed, MigrationFileError

WRAPPED = "BEGIN;\nCREATE TABLE wrapped (id INTEGER);\nINSERT INTO wrapped VALUES (1);\nCOMMIT;\n"


def test_a_file_wrapped_in_begin_commit_runs_as_one_transaction_with_its_ledger_row(project: Project) -> None:
    path = project.add("0001_wrapped", WRAPPED, "DROP TABLE wrapped;")
    lockgate.up(project.settings())
    assert project.query("SELECT id FROM wrapped") == [(1,)]
    # The checksum is the file's as written, BEGIN and COMMIT included.
    assert project.ledger() == {"0001_wrapped": (hashlib.sha256(path.read_bytes()).hexdigest(), False)}
    assert [h["outcome"] for h in project.history()] == ["applied"]


def test_a_wrapped_file_that_fails_leaves_nothing_behind(project: Project) -> None:
    """One transaction: the table created before the failing statement is rolled back with it."""
    project.add("0001_wrapped", "BEGIN;\nCREATE TABLE half (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n"
                "COMMIT;\n", "DROP TABLE half;")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    assert info.value.rolled_back and info.value.line == 3
    assert "half" not in project.tables()
    assert project.ledger() == {}


@pytest.mark.parametrize("text", [
    "CREATE TABLE a (id INTEGER);\nCOMMIT;\nCREATE TABLE b (id INTEGER);\n",
    "BEGIN;\nCREATE TABLE a (id INTEGER);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id INTEGER);\nCOMMIT;\n",
    "BEGIN;\nCREATE TABLE a (id INTEGER);\n",
], ids=["commit-in-the-middle", "two-transactions", "begin-without-commit"])
def test_other_placements_are_still_refused_before_anything_runs(project: Project, text: str) -> None:
    project.add("0001_a", text, "DROP TABLE a;")
    with pytest.raises(MigrationFileError, match="controls the transaction itself"):
        lockgate.up(project.settings())
    assert project.ledger() == {}
    assert "a" not in project.tables()


def _non_transactional(project: Project) -> str:
    # What each engine refuses inside a transaction block.
    if project.engine == "sqlite":
        return "VACUUM;\n"
    return "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY idx_t_a ON t (a);\nVACUUM t;\n"


def test_a_file_of_only_non_transactional_statements_runs_outside_a_transaction(project: Project) -> None:
    project.add("0001_t", "CREATE TABLE t (a INTEGER);", "DROP TABLE t;")
    project.add("0002_concurrently", _non_transactional(project), "SELECT 1;")
    s = project.settings()
    states = {st.ident: st for st in lockgate.status(s)}
    expected = "only VACUUM" if project.engine == "sqlite" else "only CREATE INDEX CONCURRENTLY, VACUUM"
    assert states["0002_concurrently"].transaction == f"no transaction ({expected})"
    assert states["0001_t"].transaction == "transaction"
    lockgate.up(s)
    assert set(project.ledger()) == {"0001_t", "0002_concurrently"}
    assert not any(dirty for _, dirty in project.ledger().values())
    if project.engine == "postgresql":
        assert "idx_t_a" in project.indexes()
    starts = [r for r in project.log_records() if r.get("event") == "migration_start"]
    assert [r.get("no_transaction") for r in starts] == [False, True]


@pytest.mark.parametrize("marker", ["-- migrate:up transaction:false", "-- +goose NO TRANSACTION",
                                    "-- atlas:txmode none", "-- morph:nontransactional"],
                         ids=["dbmate", "goose", "atlas", "morph"])
def test_the_peers_no_transaction_markers_are_understood(project: Project, marker: str) -> None:
    """A mixed file (a table, then what cannot run in a transaction) runs only with a marker."""
    project.add("0001_t", "CREATE TABLE t (a INTEGER);", "DROP TABLE t;")
    body = _non_transactional(project)
    project.add("0002_mixed", f"{marker}\nCREATE TABLE u (b INTEGER);\n{body}", "DROP TABLE u;")
    s = project.settings()
    assert {st.ident: st.transaction for st in lockgate.status(s)}["0002_mixed"] == f"no transaction (header {marker})"
    lockgate.up(s)
    assert "u" in project.tables()
    assert set(project.ledger()) == {"0001_t", "0002_mixed"}


def test_a_mixed_file_without_a_marker_still_runs_in_a_transaction(project: Project) -> None:
    project.add("0001_t", "CREATE TABLE t (a INTEGER);", "DROP TABLE t;")
    project.add("0002_mixed", "CREATE TABLE u (b INTEGER);\n" + _non_transactional(project), "DROP TABLE u;")
    with pytest.raises(MigrationFailed):
        lockgate.up(project.settings())
    assert "u" not in project.tables()  # rolled back with the statement that cannot run in a transaction


def test_lint_reports_what_up_refuses(project: Project) -> None:
    project.lint = True
    project.add("0001_a", "CREATE TABLE a (id INTEGER);\nCOMMIT;\nCREATE TABLE b (id INTEGER);\n", "DROP TABLE a;")
    project.add("0002_w", WRAPPED, "DROP TABLE wrapped;")
    report = lockgate.lint_project(project.settings(), cache=False)
    found = [(f.file.name, f.line) for f in report.active if f.rule == "transaction-control"]
    assert found == [("0001_a.up.sql", 2)]


def test_plan_says_which_files_run_outside_a_transaction(project: Project) -> None:
    project.add("0001_t", "CREATE TABLE t (a INTEGER);", "DROP TABLE t;")
    project.add("0002_concurrently", _non_transactional(project), "SELECT 1;")
    project.add("0003_wrapped", WRAPPED, "DROP TABLE wrapped;")
    plan = lockgate.plan(project.settings())
    assert [(m.ident, m.no_transaction) for m in plan.migrations] == [
        ("0001_t", False), ("0002_concurrently", True), ("0003_wrapped", False)]


def test_a_down_file_of_only_drop_index_concurrently_runs_outside_a_transaction(pg_project: Project) -> None:
    pg_project.add("0001_t", "CREATE TABLE t (a INTEGER);", "DROP TABLE t;")
    pg_project.add("0002_idx", "CREATE INDEX CONCURRENTLY t_a ON t (a);", "DROP INDEX CONCURRENTLY t_a;")
    s = pg_project.settings()
    lockgate.up(s)
    assert "t_a" in pg_project.indexes()
    lockgate.down(s)
    assert "t_a" not in pg_project.indexes() and set(pg_project.ledger()) == {"0001_t"}
