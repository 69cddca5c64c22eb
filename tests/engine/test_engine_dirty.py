"""no-transaction migrations, the dirty flag, and recovery (auto, refused, impossible)."""

from __future__ import annotations

import hashlib

import pytest
from fixtures.projects import Project

import lockgate
from lockgate.errors import (DirtyMigrationError, DownNeedsNoTransaction, EmptyDownError, MigrationFailed,
                             MissingDownError)
from lockgate.model import Event

HALF_DONE = "CREATE TABLE nt (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"


def _make_dirty(project: Project, down: str | None = "DROP TABLE IF EXISTS nt;") -> None:
    """A no-transaction migration that fails half-way: its row stays dirty, its table stays."""
    project.add("0001_base", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;")
    project.add("0002_nt", HALF_DONE, down, no_transaction=True)
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    assert info.value.rolled_back is False
    assert "dirty" in str(info.value)


def test_no_transaction_migration_success_leaves_a_clean_row(project: Project) -> None:
    path = project.add("0001_nt", "CREATE TABLE nt (id INTEGER);\nCREATE INDEX nt_id ON nt (id);",
                       "DROP TABLE nt;", no_transaction=True)
    lockgate.up(project.settings())
    assert project.ledger() == {"0001_nt": (hashlib.sha256(path.read_bytes()).hexdigest(), False)}
    assert "nt_id" in project.indexes()


def test_failing_no_transaction_migration_stays_dirty(project: Project) -> None:
    _make_dirty(project)
    assert project.ledger()["0002_nt"][1] is True
    assert "nt" in project.tables()  # what ran before the failure stays: no transaction
    s = project.settings()
    assert [(m.ident, m.state.value) for m in lockgate.status(s)] == [("0001_base", "applied"), ("0002_nt", "dirty")]
    assert [p.kind for p in lockgate.verify(s)] == ["dirty"]


def test_dirty_migration_is_recovered_with_its_down_file(project: Project) -> None:
    _make_dirty(project)
    fixed = project.add("0002_nt", "CREATE TABLE nt (id INTEGER, fixed INTEGER);", "DROP TABLE IF EXISTS nt;",
                        no_transaction=True)
    project.add("0003_next", "CREATE TABLE next_one (id INTEGER);")
    events = []
    report = lockgate.up(project.settings(), on_event=events.append)
    assert report.recovered == ("0002_nt",)
    assert [(st.ident, st.outcome) for st in report.steps] == [
        ("0002_nt", "recovered"), ("0002_nt", "applied"), ("0003_next", "applied")]
    found = [e for e in events if e.event == "dirty_found"]
    assert found and found[0].message == "Found migrations in dirty state" and found[0].level == "warn"
    assert found[0].fields["versions"] == ["0002_nt"]
    assert project.query("SELECT count(*) FROM nt WHERE fixed IS NULL") == [(0,)]
    assert project.ledger()["0002_nt"] == (hashlib.sha256(fixed.read_bytes()).hexdigest(), False)
    directions = [(h["version"], h["direction"], h["outcome"]) for h in project.history()]
    assert directions[-3:] == [("0002_nt", "recover", "recovered"), ("0002_nt", "up", "applied"),
                               ("0003_next", "up", "applied")]
    logged = [r for r in project.log_records() if r.get("message") == "Found migrations in dirty state"]
    assert logged and logged[0]["level"] == "warn"


def test_no_auto_recover_stops_and_changes_nothing(project: Project) -> None:
    _make_dirty(project)
    project.add("0003_next", "CREATE TABLE next_one (id INTEGER);")
    before = (project.tables(), project.ledger())
    with pytest.raises(DirtyMigrationError) as info:
        lockgate.up(project.settings(), auto_recover=False)
    assert "Found migrations in dirty state" in str(info.value) and "0002_nt" in str(info.value)
    assert "repair 0002_nt" in str(info.value)  # the manual fix is named
    assert info.value.exit_code == 1
    assert (project.tables(), project.ledger()) == before


def test_auto_recover_off_in_configuration(project: Project) -> None:
    _make_dirty(project)
    with pytest.raises(DirtyMigrationError):
        lockgate.up(project.settings(auto_recover=False))
    (project.dir / "lockgate.toml").write_text("auto_recover = false\n")
    with pytest.raises(DirtyMigrationError):
        lockgate.up(project.settings())
    assert project.ledger()["0002_nt"][1] is True


def test_dirty_migration_without_down_file_stops(project: Project) -> None:
    _make_dirty(project, down=None)
    project.add("0003_next", "CREATE TABLE next_one (id INTEGER);")
    before = (project.tables(), project.ledger())
    events = []
    with pytest.raises(MissingDownError) as info:
        lockgate.up(project.settings(), on_event=events.append)
    assert "No down migration found for dirty migration" in str(info.value)
    assert "0002_nt" in str(info.value)
    assert (project.tables(), project.ledger()) == before
    assert any(e.message == "No down migration found for dirty migration" and e.level == "error" for e in events)


def test_dirty_row_with_changed_file_is_still_recovered(project: Project) -> None:
    # A dirty row's checksum is of the failed file; editing it is the normal fix, not a mismatch.
    _make_dirty(project)
    project.add("0002_nt", "CREATE TABLE nt (id INTEGER);", "DROP TABLE IF EXISTS nt;", no_transaction=True)
    lockgate.up(project.settings())
    assert project.ledger()["0002_nt"][1] is False


def test_dry_run_does_not_recover(project: Project) -> None:
    _make_dirty(project)
    report = lockgate.up(project.settings(), dry_run=True)
    assert report.dry_run and report.recovered == ("0002_nt",)
    assert project.ledger()["0002_nt"][1] is True
    assert "nt" in project.tables()


def test_down_of_a_no_transaction_migration(project: Project) -> None:
    project.add("0001_nt", "CREATE TABLE nt (id INTEGER);", "-- lockgate:no-transaction\nDROP TABLE nt;",
                no_transaction=True)
    s = project.settings()
    lockgate.up(s)
    lockgate.down(s)
    assert project.ledger() == {} and "nt" not in project.tables()


def test_create_index_concurrently_needs_no_transaction(pg_project: Project) -> None:
    pg_project.add("0001_t", "CREATE TABLE t (id INTEGER);")
    pg_project.add("0002_idx", "CREATE INDEX CONCURRENTLY t_id ON t (id);",
                   "-- lockgate:no-transaction\nDROP INDEX CONCURRENTLY t_id;", no_transaction=True)
    s = pg_project.settings()
    lockgate.up(s)
    assert "t_id" in pg_project.indexes()
    lockgate.down(s)
    assert "t_id" not in pg_project.indexes()


def test_create_index_concurrently_in_a_transactional_file_fails_cleanly(pg_project: Project) -> None:
    pg_project.add("0001_t", "CREATE TABLE t (id INTEGER);\nCREATE INDEX CONCURRENTLY t_id ON t (id);")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(pg_project.settings())
    assert info.value.line == 2 and info.value.rolled_back
    assert "t" not in pg_project.tables() and pg_project.ledger() == {}


def test_down_rolls_back_a_dirty_migration(project: Project) -> None:
    # The runbook's manual path: `down --steps=1` on the dirty migration.
    _make_dirty(project)
    report = lockgate.down(project.settings(), steps=1)
    assert [st.ident for st in report.steps] == ["0002_nt"]
    assert "nt" not in project.tables()
    assert set(project.ledger()) == {"0001_base"}


def test_recovery_whose_down_file_fails_stops_and_stays_dirty(project: Project) -> None:
    _make_dirty(project, down="DROP TABLE nt;\nDROP TABLE no_such_table;")
    project.add("0003_next", "CREATE TABLE next_one (id INTEGER);")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    assert "0002_nt.down.sql:2" in str(info.value)
    assert project.ledger()["0002_nt"][1] is True
    assert "nt" in project.tables()  # the transactional down rolled back as a whole
    assert "next_one" not in project.tables()


def test_fresh_database_has_nothing_to_verify_or_show(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    s = project.settings()
    assert lockgate.verify(s) == []
    assert lockgate.history(s) == []
    assert lockgate.down(s).steps == ()
    assert project.tables() == set()  # read-only commands created nothing


# -- a down file that does nothing cannot recover anything -------------------------------
COMMENTS_ONLY = "-- Rollback Migration: nt\n-- Version: 0002\n-- Description: how it undoes 0002_nt.up.sql\n\n"


def test_dirty_migration_whose_down_file_is_only_comments_is_not_recovered(project: Project) -> None:
    _make_dirty(project, down=COMMENTS_ONLY)
    project.add("0003_next", "CREATE TABLE next_one (id INTEGER);")
    before = (project.tables(), project.ledger())
    events: list[Event] = []
    with pytest.raises(EmptyDownError) as info:
        lockgate.up(project.settings(), on_event=events.append)
    err = info.value
    assert err.exit_code == 1 and err.ident == "0002_nt"
    assert err.message.startswith("Migration 0002_nt is dirty and its down file 0002_nt.down.sql has no SQL")
    assert "nothing was applied" in err.message
    assert "DROP INDEX CONCURRENTLY IF EXISTS" in err.hint and "-- lockgate:no-transaction" in err.hint
    assert "repair 0002_nt --clear-dirty" in err.hint and "--delete" in err.hint
    assert "\n" not in str(err)
    # As when a recovery fails: nothing recovered, nothing applied, the row still dirty.
    assert (project.tables(), project.ledger()) == before
    assert project.ledger()["0002_nt"][1] is True
    assert any(e.event == "recover_failed" and e.level == "error" for e in events)
    with pytest.raises(EmptyDownError):  # a dry run says so too, rather than promising a recovery
        lockgate.up(project.settings(), dry_run=True)
    # lockgate down would delete the dirty row the same way, hiding what the failed run left.
    with pytest.raises(EmptyDownError) as by_down:
        lockgate.down(project.settings())
    message = by_down.value.message
    assert "so lockgate down cannot undo" in message and "nothing was rolled back" in message
    assert (project.tables(), project.ledger()) == before


@pytest.mark.parametrize("down", [COMMENTS_ONLY, None], ids=["comments-only", "missing"])
def test_failure_hint_offers_auto_recovery_only_with_a_down_file_that_does_something(
        project: Project, down: str | None) -> None:
    project.add("0001_base", "CREATE TABLE base (id INTEGER);", "DROP TABLE base;")
    project.add("0002_nt", HALF_DONE, down, no_transaction=True)
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    hint = info.value.hint
    assert "auto-recover" not in hint
    assert "repair 0002_nt --delete" in hint
    assert ("has no SQL" if down else "is missing") in hint
    with pytest.raises(DirtyMigrationError) as dirty:
        lockgate.up(project.settings(), auto_recover=False)
    assert "to run its down file" not in dirty.value.hint
    assert "0002_nt.down.sql" in dirty.value.hint


def test_failure_hint_offers_auto_recovery_with_a_real_down_file(project: Project) -> None:
    _make_dirty(project)
    with pytest.raises(DirtyMigrationError) as dirty:
        lockgate.up(project.settings(), auto_recover=False)
    assert "to run its down file" in dirty.value.hint


def test_failed_recovery_says_the_migration_stays_dirty(project: Project) -> None:
    _make_dirty(project, down="DROP TABLE nt;\nDROP TABLE no_such_table;")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings())
    err = info.value
    assert err.kind == "recover" and err.rolled_back
    assert err.message.startswith("Migration 0002_nt recovery failed at 0002_nt.down.sql:2")
    assert err.message.endswith("it was rolled back and the migration stays dirty.")
    assert "nothing of it was recorded" not in str(err)  # the dirty row is recorded, and stays
    assert "0002_nt.down.sql" in err.hint and "repair 0002_nt --delete" in err.hint
    assert project.ledger()["0002_nt"][1] is True


USERS = "CREATE TABLE users (id INTEGER, score INTEGER);\nINSERT INTO users VALUES (1, 0), (2, 0);\n"


def _index_valid(project: Project, name: str) -> bool | None:
    rows = project.query("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", (name,))
    return bool(rows[0][0]) if rows else None


def test_failed_concurrent_index_with_scaffolded_down_is_not_recorded_as_applied(pg_project: Project) -> None:
    # The new user's report: the down file `lockgate new` writes holds only comments; auto-recovery
    # "recovered" with it, IF NOT EXISTS skipped the INVALID index, and the migration read as applied.
    p = pg_project
    p.add("0001_users", USERS)
    p.cli("up", check=0)
    p.cli("new", "idx4", check=0)
    up_file = p.migrations / "0002_idx4.up.sql"
    up_file.write_text("-- lockgate:no-transaction\nSET lock_timeout = '5s';\n"
                       "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx4_score ON users (score);\n")
    failed = p.cli("up", check=1)
    line = [ln for ln in failed.stderr.splitlines() if ln.startswith("error: Migration 0002_idx4")]
    assert len(line) == 1, failed
    # The INVALID index the failure left is dropped (concurrently) at once, and the error says so.
    assert "lockgate dropped an INVALID index idx4_score" in line[0]
    assert "DROP INDEX CONCURRENTLY IF EXISTS idx4_score" in line[0]
    assert "auto-recover" not in line[0]
    assert _index_valid(p, "idx4_score") is None

    p.execute("UPDATE users SET score = id")  # the data is fixed; the row is still dirty
    refused = p.cli("up", check=1)
    assert "Traceback" not in refused.output
    line = [ln for ln in refused.stderr.splitlines() if ln.startswith("error: Migration 0002_idx4")]
    assert len(line) == 1 and "has no SQL" in line[0] and "nothing was applied" in line[0], refused
    assert "recover (" not in refused.stderr and "0002_idx4 up" not in refused.stderr
    assert p.ledger()["0002_idx4"][1] is True
    assert _index_valid(p, "idx4_score") is None

    (p.migrations / "0002_idx4.down.sql").write_text(
        "-- lockgate:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx4_score;\n")
    p.cli("up", check=0)
    assert p.ledger()["0002_idx4"][1] is False
    assert _index_valid(p, "idx4_score") is True


def test_recovery_down_file_needing_no_transaction_names_the_directive(pg_project: Project) -> None:
    p = pg_project
    p.add("0001_users", USERS)
    p.add("0002_idx6", "CREATE UNIQUE INDEX CONCURRENTLY idx6 ON users (score);",
          # An ordinary statement beside it: a down file of only DROP INDEX CONCURRENTLY would run
          # outside a transaction by itself (lockgate.txmode).
          "SELECT count(*) FROM users;\nDROP INDEX CONCURRENTLY IF EXISTS idx6;", no_transaction=True)
    with pytest.raises(MigrationFailed):
        lockgate.up(p.settings())
    p.execute("UPDATE users SET score = id")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(p.settings())
    err = info.value
    assert err.sqlstate == "25001" and err.kind == "recover"
    assert "Put `-- lockgate:no-transaction` at the top of 0002_idx6.down.sql" in err.hint
    assert "stays dirty" in err.message and "nothing of it was recorded" not in str(err)
    assert p.ledger()["0002_idx6"][1] is True
    (p.migrations / "0002_idx6.down.sql").write_text(
        "-- lockgate:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx6;\n")
    lockgate.up(p.settings())
    assert p.ledger()["0002_idx6"][1] is False and _index_valid(p, "idx6") is True


def test_up_file_needing_no_transaction_names_the_directive(pg_project: Project) -> None:
    pg_project.add("0001_t", "CREATE TABLE t (id INTEGER);\nCREATE INDEX CONCURRENTLY t_id ON t (id);")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(pg_project.settings())
    assert "Put `-- lockgate:no-transaction` at the top of 0001_t.up.sql" in info.value.hint
    assert info.value.hint.endswith("run lockgate up again; nothing of it was recorded.")


def test_down_file_needing_no_transaction_names_the_directive(pg_project: Project) -> None:
    pg_project.add("0001_t", "CREATE TABLE t (id INTEGER);")
    pg_project.add("0002_idx", "CREATE INDEX CONCURRENTLY t_id ON t (id);",
                   "SELECT count(*) FROM t;\nDROP INDEX CONCURRENTLY t_id;", no_transaction=True)
    s = pg_project.settings()
    lockgate.up(s)
    # Found before the file runs (lockgate.run.check_down_files), not by the server half-way through.
    with pytest.raises(DownNeedsNoTransaction) as info:
        lockgate.down(s)
    err = info.value
    assert "Put `-- lockgate:no-transaction` at the top of 0002_idx.down.sql" in (err.hint or "")
    assert "lockgate down again" in (err.hint or "") and "lockgate up" not in (err.hint or "")
    assert err.message.endswith("nothing was rolled back.")
    assert pg_project.ledger()["0002_idx"][1] is False
