"""The safety promises: checksum mismatch, failing migrations, files refused before any change."""

from __future__ import annotations

import hashlib

import pytest
from fixtures.projects import Project

import lockgate
from lockgate.errors import (
    ChecksumMismatch,
    EmptyMigrationError,
    MigrationFailed,
    MigrationFileError,
    MissingMigrationFile,
    OutOfOrderError,
)


def _snapshot(project: Project) -> tuple[set[str], dict[str, tuple[str, bool]], int]:
    return project.tables(), project.ledger(), len(project.history())


# -- checksums -----------------------------------------------------------------------------

def test_checksum_mismatch_stops_before_any_change(project: Project) -> None:
    path = project.add("0010_add_products", "CREATE TABLE products (id INTEGER);", "DROP TABLE products;")
    s = project.settings()
    lockgate.up(s)
    recorded = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text("CREATE TABLE products (id INTEGER, name TEXT);")
    project.add("0011_add_orders", "CREATE TABLE orders (id INTEGER);")
    before = _snapshot(project)

    with pytest.raises(ChecksumMismatch) as info:
        lockgate.up(s)
    assert "Migration 0010_add_products checksum mismatch" in str(info.value)
    assert info.value.exit_code == 1
    assert info.value.hint  # says how to fix it
    assert _snapshot(project) == before
    assert "orders" not in project.tables()
    assert project.ledger()["0010_add_products"] == (recorded, False)


def test_a_whitespace_edit_is_a_checksum_mismatch(project: Project) -> None:
    path = project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    s = project.settings()
    lockgate.up(s)
    path.write_bytes(path.read_bytes() + b"\n")
    assert [m.state.value for m in lockgate.status(s)] == ["checksum_mismatch"]
    with pytest.raises(ChecksumMismatch):
        lockgate.up(s)


def test_down_with_a_changed_up_file_keeps_ledger_and_schema_consistent(project: Project) -> None:
    path = project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    s = project.settings()
    lockgate.up(s)
    path.write_text("CREATE TABLE a (id INTEGER, b TEXT);")
    # A rollback runs the down file; an edited up file does not stop it (no up file runs),
    # and the ledger follows the schema: the table and its row go together.
    report = lockgate.down(s)
    assert [(st.ident, st.outcome) for st in report.steps] == [("0001_a", "rolled_back")]
    assert "a" not in project.tables() and project.ledger() == {}
    assert [(h["version"], h["direction"], h["outcome"]) for h in project.history()] == [
        ("0001_a", "up", "applied"), ("0001_a", "down", "rolled_back")]


def test_applied_migration_whose_file_is_gone_stops_up(project: Project) -> None:
    path = project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    s = project.settings()
    lockgate.up(s)
    path.unlink()
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    with pytest.raises(MissingMigrationFile) as info:
        lockgate.up(s)
    assert "0001_a" in str(info.value)
    assert "b" not in project.tables()
    assert [(m.ident, m.state.value) for m in lockgate.status(s)] == [("0001_a", "missing"), ("0002_b", "pending")]


# -- a failing migration leaves no trace ---------------------------------------------------

def test_failing_migration_leaves_no_trace_and_names_file_and_line(project: Project) -> None:
    project.add("0001_ok", "CREATE TABLE ok (id INTEGER);")
    project.add("0002_broken",
                "-- Migration: broken\n"
                "CREATE TABLE half (id INTEGER);\n"
                "INSERT INTO half VALUES (1);\n"
                "\n"
                "INSERT INTO no_such_table VALUES (1);\n")
    project.add("0003_after", "CREATE TABLE after_broken (id INTEGER);")
    events = []
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(project.settings(), on_event=events.append)
    err = info.value
    assert err.exit_code == 1
    assert err.ident == "0002_broken" and err.line == 5 and err.rolled_back
    assert "0002_broken" in str(err) and "0002_broken.up.sql:5" in str(err)
    assert "no_such_table" in str(err)
    # The migration before it stays applied; nothing of it or after it exists.
    assert project.ledger().keys() == {"0001_ok"}
    assert "ok" in project.tables()
    assert "half" not in project.tables() and "after_broken" not in project.tables()
    failed = [e for e in events if e.event == "migration_failed"]
    assert failed and failed[0].message == "Migration failed and was rolled back"
    logged = [r for r in project.log_records() if r.get("event") == "migration_failed"]
    assert logged and logged[0]["message"] == "Migration failed and was rolled back"
    assert logged[0]["version"] == "0002_broken" and logged[0]["level"] == "error"
    # The failed attempt is in the history, with its error text.
    hist = [(h["version"], h["direction"], h["outcome"]) for h in project.history()]
    assert hist == [("0001_ok", "up", "applied"), ("0002_broken", "up", "failed")]
    assert "no_such_table" in project.history()[-1]["error"]


def test_error_line_points_inside_a_multiline_statement_on_postgresql(pg_project: Project) -> None:
    pg_project.add("0001_multi", "CREATE TABLE m (id INTEGER);\n"
                                 "INSERT INTO m (id)\n"
                                 "SELECT id\n"
                                 "FROM m\n"
                                 "WHERE no_such_column = 1;\n")
    with pytest.raises(MigrationFailed) as info:
        lockgate.up(pg_project.settings())
    assert info.value.line == 5
    assert "no_such_column" in str(info.value)
    assert "m" not in pg_project.tables()


def test_fix_and_rerun_after_failure(project: Project) -> None:
    path = project.add("0001_a", "CREATE TABLE a (id INTEGER);\nINSERT INTO nope VALUES (1);")
    s = project.settings()
    with pytest.raises(MigrationFailed):
        lockgate.up(s)
    path.write_text("CREATE TABLE a (id INTEGER);")
    lockgate.up(s)  # no manual ledger cleanup needed: nothing was recorded
    assert project.ledger() == {"0001_a": (hashlib.sha256(path.read_bytes()).hexdigest(), False)}


# -- files refused before anything runs ----------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n  \n\t\n", "-- Migration: nothing yet\n\n   \n/* later */\n"])
def test_empty_migration_is_refused_before_anything_runs(project: Project, text: str) -> None:
    project.add("0001_first", "CREATE TABLE first (id INTEGER);")
    project.add("0010_add_products", text)
    with pytest.raises(EmptyMigrationError) as info:
        lockgate.up(project.settings())
    assert "Migration 0010_add_products is empty" in str(info.value)
    assert info.value.exit_code == 1
    assert "first" not in project.tables()
    assert project.ledger() == {}


@pytest.mark.parametrize("word", ["BEGIN", "COMMIT", "ROLLBACK", "START TRANSACTION", "END"])
def test_own_transaction_control_is_refused_naming_the_line(project: Project, word: str) -> None:
    project.add("0001_first", "CREATE TABLE first (id INTEGER);")
    body = ("-- header\n" "CREATE TABLE t (id INTEGER);\n" f"{word};\n" "INSERT INTO t VALUES (1);\n")
    project.add("0002_own_tx", body)
    with pytest.raises(MigrationFileError) as info:
        lockgate.up(project.settings())
    assert "0002_own_tx.up.sql" in str(info.value)
    assert info.value.line == 3
    assert ":3" in str(info.value)
    assert "no-transaction" in str(info.value)  # the fix is named
    assert "first" not in project.tables() and "t" not in project.tables()


def test_own_begin_commit_is_allowed_in_a_no_transaction_file(pg_project: Project) -> None:
    pg_project.add("0001_own_tx", "BEGIN;\nCREATE TABLE t (id INTEGER);\nCOMMIT;\n", no_transaction=True)
    lockgate.up(pg_project.settings())
    assert "t" in pg_project.tables()
    assert pg_project.ledger()["0001_own_tx"][1] is False


def test_begin_inside_do_blocks_and_functions_is_not_transaction_control(pg_project: Project) -> None:
    pg_project.add("0001_plpgsql", """\
-- golang-migrate style file
CREATE TABLE accounts (id BIGINT PRIMARY KEY, updated_at TIMESTAMPTZ, note TEXT DEFAULT 'a;b');

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TYPE mood AS ENUM ('sad', 'ok');
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.updated_at := now(); -- ; inside a comment
  RETURN NEW;
END;
$fn$;

CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();

COMMENT ON TABLE accounts IS 'it''s; fine'
""", "DROP TABLE accounts;\nDROP FUNCTION touch();\nDROP TYPE mood")
    s = pg_project.settings()
    lockgate.up(s)
    assert pg_project.query("SELECT obj_description('accounts'::regclass)") == [("it's; fine",)]
    assert pg_project.query("SELECT count(*) FROM pg_type WHERE typname = 'mood'") == [(1,)]
    assert pg_project.query("SELECT count(*) FROM pg_proc WHERE proname = 'touch'") == [(1,)]
    lockgate.down(s)
    assert pg_project.query("SELECT count(*) FROM pg_type WHERE typname = 'mood'") == [(0,)]
    assert "accounts" not in pg_project.tables()


def test_sqlite_trigger_body_is_one_statement(sqlite_project: Project) -> None:
    sqlite_project.add("0001_trigger", """\
CREATE TABLE t (id INTEGER, n INTEGER DEFAULT 0);
CREATE TRIGGER t_bump AFTER INSERT ON t BEGIN
  UPDATE t SET n = n + 1 WHERE id = NEW.id;
END;
INSERT INTO t (id) VALUES (1)""")
    lockgate.up(sqlite_project.settings())
    assert sqlite_project.query("SELECT id, n FROM t") == [(1, 1)]


def test_empty_down_file_is_a_valid_no_op(project: Project) -> None:
    project.add("0001_keep", "CREATE TABLE keep (id INTEGER);", "-- nothing to undo: data stays\n")
    s = project.settings()
    lockgate.up(s)
    report = lockgate.down(s)
    assert [st.outcome for st in report.steps] == ["rolled_back"]
    assert project.ledger() == {}
    assert "keep" in project.tables()


@pytest.mark.parametrize("bad", ["0020_add_users.sql", "0001_dupe.up.sql", "0030_orphan.down.sql"])
def test_bad_folder_is_refused_before_touching_the_database(project: Project, bad: str) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.migrations / bad.replace("0001_dupe", "01_dupe")).write_text("SELECT 1;")
    with pytest.raises(MigrationFileError) as info:
        lockgate.up(project.settings())
    assert bad.replace("0001_dupe", "01_dupe") in str(info.value)
    assert project.tables() == set()


def test_non_utf8_file_is_refused_before_touching_the_database(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.migrations / "0002_latin1.up.sql").write_bytes(b"INSERT INTO a VALUES (1); -- caf\xe9\n")
    with pytest.raises(MigrationFileError) as info:
        lockgate.up(project.settings())
    assert "0002_latin1.up.sql" in str(info.value)
    assert project.tables() == set()


# -- out of order --------------------------------------------------------------------------

def test_out_of_order_pending_migration_is_refused(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0003_c", "CREATE TABLE c (id INTEGER);")
    s = project.settings()
    lockgate.up(s)
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.add("0004_d", "CREATE TABLE d (id INTEGER);")
    with pytest.raises(OutOfOrderError) as info:
        lockgate.up(s)
    assert "0002_b" in str(info.value) and "0003_c" in str(info.value)
    assert "--allow-out-of-order" in str(info.value)
    assert info.value.exit_code == 1
    assert "b" not in project.tables() and "d" not in project.tables()

    report = lockgate.up(s, allow_out_of_order=True)
    assert [st.ident for st in report.steps] == ["0002_b", "0004_d"]
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c", "0004_d"}


def test_out_of_order_allowed_by_configuration(project: Project) -> None:
    project.add("0003_c", "CREATE TABLE c (id INTEGER);")
    lockgate.up(project.settings())
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    lockgate.up(project.settings(allow_out_of_order=True))
    assert "b" in project.tables()
