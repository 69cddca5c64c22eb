"""down, verify, repair, baseline, dry runs, and another tool's ledger."""

from __future__ import annotations

import hashlib

import pytest
from fixtures.projects import Project

import lockgate
from lockgate.errors import (
    ChecksumMismatch,
    ForeignLedgerError,
    LockgateError,
    MissingDownError,
)


def _three(project: Project, *, down2: bool = True) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;" if down2 else None)
    project.add("0003_c", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;")


def _user_tables(project: Project) -> set[str]:
    return {t for t in project.tables() if not t.startswith("schema_migrations") and not t.startswith("sqlite_")}


# -- down -----------------------------------------------------------------------------------

def test_down_defaults_to_one_step(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    report = lockgate.down(s)
    assert [st.ident for st in report.steps] == ["0003_c"]
    assert _user_tables(project) == {"a", "b"}


def test_down_steps_goes_newest_first(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    report = lockgate.down(s, steps=2)
    assert [st.ident for st in report.steps] == ["0003_c", "0002_b"]
    assert set(project.ledger()) == {"0001_a"}
    assert _user_tables(project) == {"a"}


def test_down_to_a_version_keeps_it(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    report = lockgate.down(s, to="0001")
    assert [st.ident for st in report.steps] == ["0003_c", "0002_b"]
    assert set(project.ledger()) == {"0001_a"}
    lockgate.up(s)
    lockgate.down(s, to="0")
    assert project.ledger() == {} and _user_tables(project) == set()


def test_down_orders_by_integer_version(project: Project) -> None:
    project.add("9_a", "CREATE TABLE a (id INTEGER PRIMARY KEY);", "DROP TABLE a;")
    project.add("10_b", "CREATE TABLE b (id INTEGER REFERENCES a (id));", "DROP TABLE b;")
    s = project.settings()
    lockgate.up(s)
    assert [st.ident for st in lockgate.down(s).steps] == ["10_b"]


def test_missing_down_file_stops_before_any_change(project: Project) -> None:
    _three(project, down2=False)
    s = project.settings()
    lockgate.up(s)
    with pytest.raises(MissingDownError) as info:
        lockgate.down(s, steps=2)
    assert "0002_b" in str(info.value)
    assert info.value.exit_code == 1
    # 0003 has a down file but must not have been rolled back either.
    assert set(project.ledger()) == {"0001_a", "0002_b", "0003_c"}
    assert _user_tables(project) == {"a", "b", "c"}


def test_down_with_nothing_applied_is_fine(project: Project) -> None:
    _three(project)
    assert lockgate.down(project.settings()).steps == ()


@pytest.mark.parametrize("steps", [0, -1])
def test_down_steps_must_be_positive(project: Project, steps: int) -> None:
    _three(project)
    with pytest.raises(LockgateError) as info:
        lockgate.down(project.settings(), steps=steps)
    assert info.value.exit_code == 2


def test_down_failure_rolls_back_and_keeps_the_row(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;\nDROP TABLE no_such_table;")
    s = project.settings()
    lockgate.up(s)
    with pytest.raises(lockgate.LockgateError) as info:
        lockgate.down(s)
    assert "0001_a.down.sql:2" in str(info.value)
    assert "a" in project.tables() and set(project.ledger()) == {"0001_a"}


# -- dry runs ---------------------------------------------------------------------------------

def test_up_dry_run_changes_nothing(project: Project) -> None:
    _three(project)
    report = lockgate.up(project.settings(), dry_run=True)
    assert report.dry_run and report.planned == ("0001_a", "0002_b", "0003_c")
    assert report.steps == ()
    assert project.tables() == set()  # not even the ledger table


def test_down_dry_run_changes_nothing(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    before = (project.tables(), project.ledger(), len(project.history()))
    report = lockgate.down(s, steps=2, dry_run=True)
    assert report.planned == ("0003_c", "0002_b")
    assert (project.tables(), project.ledger(), len(project.history())) == before


# -- verify -----------------------------------------------------------------------------------

def test_verify_clean_and_with_problems(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    assert lockgate.verify(s) == []
    (project.migrations / "0001_a.up.sql").write_text("CREATE TABLE a (id BIGINT);")
    (project.migrations / "0002_b.up.sql").unlink()
    (project.migrations / "0002_b.down.sql").unlink()
    project.execute("UPDATE schema_migrations SET dirty = TRUE WHERE version = '0003_c'")
    problems = {(p.ident, p.kind) for p in lockgate.verify(s)}
    assert problems == {("0001_a", "checksum_mismatch"), ("0002_b", "missing"), ("0003_c", "dirty")}


def test_verify_reports_bad_file_names(project: Project) -> None:
    _three(project)
    (project.migrations / "0020_add_users.sql").write_text("SELECT 1;")
    problems = lockgate.verify(project.settings())
    assert problems and "0020_add_users.sql" in " ".join(p.message + p.ident for p in problems)


# -- repair -----------------------------------------------------------------------------------

def _history_tail(project: Project) -> tuple[str, str, str]:
    h = project.history()[-1]
    return h["version"], h["direction"], h["outcome"]


def test_repair_clear_dirty(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    project.execute("UPDATE schema_migrations SET dirty = TRUE WHERE version = '0003_c'")
    lockgate.repair(s, "0003_c", "clear-dirty")
    assert project.ledger()["0003_c"][1] is False
    assert _history_tail(project) == ("0003_c", "repair", "repaired")
    assert [e.note for e in lockgate.history(s)][-1] == "clear-dirty"
    assert lockgate.verify(s) == []


def test_repair_delete_makes_it_pending(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    project.execute("DROP TABLE c")  # undone by hand, as the runbook's manual path
    lockgate.repair(s, "0003", "delete")
    assert "0003_c" not in project.ledger()
    assert _history_tail(project) == ("0003_c", "repair", "repaired")
    assert [e.note for e in lockgate.history(s)][-1] == "delete"
    lockgate.up(s)
    assert "c" in project.tables()


def test_repair_accept_checksum(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    path = project.migrations / "0001_a.up.sql"
    path.write_text("-- reformatted\nCREATE TABLE a (id INTEGER);")
    with pytest.raises(ChecksumMismatch):
        lockgate.up(s)
    lockgate.repair(s, "0001_a", "accept-checksum")
    assert project.ledger()["0001_a"] == (hashlib.sha256(path.read_bytes()).hexdigest(), False)
    assert [e.note for e in lockgate.history(s)][-1] == "accept-checksum"
    assert lockgate.up(s).steps == ()


def test_repair_of_an_unknown_version_changes_nothing(project: Project) -> None:
    _three(project)
    s = project.settings()
    lockgate.up(s)
    before = len(project.history())
    with pytest.raises(LockgateError):
        lockgate.repair(s, "0009", "delete")
    assert len(project.history()) == before


# -- baseline ---------------------------------------------------------------------------------

def test_baseline_records_without_running(project: Project) -> None:
    _three(project)
    project.execute("CREATE TABLE a (id INTEGER)")
    project.execute("CREATE TABLE b (id INTEGER)")  # the database already has 0001 and 0002
    s = project.settings()
    report = lockgate.baseline(s, "0002")
    assert [st.ident for st in report.steps] == ["0001_a", "0002_b"]
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    assert [(h["version"], h["direction"]) for h in project.history()] == [("0001_a", "baseline"),
                                                                          ("0002_b", "baseline")]
    report = lockgate.up(s)
    assert [st.ident for st in report.steps] == ["0003_c"]
    assert [m.state.value for m in lockgate.status(s)] == ["applied"] * 3


# -- another tool's ledger ----------------------------------------------------------------------

GOLANG_MIGRATE = "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)"
DBMATE = "CREATE TABLE schema_migrations (version VARCHAR(128) NOT NULL PRIMARY KEY)"


@pytest.mark.parametrize("tool,ddl,row", [
    ("golang-migrate", GOLANG_MIGRATE, "INSERT INTO schema_migrations VALUES (2, FALSE)"),
    ("dbmate", DBMATE, "INSERT INTO schema_migrations VALUES ('0001'), ('0002')"),
])
@pytest.mark.parametrize("call", ["up", "status", "down"])
def test_foreign_ledger_is_recognised_and_untouched(project: Project, tool: str, ddl: str, row: str,
                                                    call: str) -> None:
    _three(project)
    project.execute(ddl)
    project.execute(row)
    before_rows = sorted(project.query("SELECT * FROM schema_migrations"))
    before_tables = project.tables()
    with pytest.raises(ForeignLedgerError) as info:
        getattr(lockgate, call)(project.settings())
    assert tool in str(info.value)
    assert "lockgate baseline" in str(info.value)
    assert info.value.exit_code == 2
    assert project.tables() == before_tables
    assert sorted(project.query("SELECT * FROM schema_migrations")) == before_rows


def test_baseline_adopts_a_golang_migrate_database(project: Project) -> None:
    _three(project)
    project.execute(GOLANG_MIGRATE)
    project.execute("INSERT INTO schema_migrations VALUES (2, FALSE)")
    project.execute("CREATE TABLE a (id INTEGER)")
    project.execute("CREATE TABLE b (id INTEGER)")
    s = project.settings()
    lockgate.baseline(s, "2")
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    assert "schema_migrations_golang_migrate" in project.tables()  # kept aside, not dropped
    lockgate.up(s)
    assert "c" in project.tables()


def test_verify_reports_out_of_order_pending_files(project: Project) -> None:
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    s = project.settings()
    lockgate.up(s)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    assert [(p.ident, p.kind) for p in lockgate.verify(s)] == [("0001_a", "out_of_order")]
