"""Issue 11's smaller things: exit codes of migration files that cannot run, durations with units,
repair's no-ops, and the Python API's edges (a path for Settings, dir(), a callback that raises)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fixtures.projects import Project, one_line_error

import lockgate
from lockgate.errors import EmptyMigrationError, MigrationFileError


def test_a_migration_file_that_cannot_run_is_exit_1_a_misnamed_one_exit_2(project: Project) -> None:
    """The runbook's "1 — migration failed": the file is what must change; naming is the folder's layout."""
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0010_add_products", "-- nothing yet\n")
    assert "Migration 0010_add_products is empty" in one_line_error(project.cli("up"), 1)
    (project.migrations / "0010_add_products.up.sql").write_text("BEGIN;\nCREATE TABLE p (id INTEGER);\n"
                                                                  "COMMIT;\nCREATE TABLE q (id INTEGER);\n")
    assert "controls the transaction itself" in one_line_error(project.cli("up"), 1)
    (project.migrations / "0010_add_products.up.sql").write_bytes("CREATE TABLE é (id INTEGER);".encode("latin-1"))
    assert "is not UTF-8" in one_line_error(project.cli("up"), 1)
    assert "a" not in project.tables() and project.ledger() == {}  # refused before anything ran
    (project.migrations / "0010_add_products.up.sql").unlink()
    (project.migrations / "0020_add_users.sql").write_text("SELECT 1;")
    assert "0020_add_users.sql" in one_line_error(project.cli("up"), 2)
    with pytest.raises(MigrationFileError) as info:
        lockgate.up(project.settings())
    assert info.value.exit_code == 2


def test_the_empty_migration_error_is_exit_1_in_the_api_too(project: Project) -> None:
    project.add("0001_a", "\n")
    with pytest.raises(EmptyMigrationError) as info:
        lockgate.up(project.settings())
    assert info.value.exit_code == 1


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1 parsec", "soon"])
def test_a_lock_wait_that_is_not_a_duration_is_refused(sqlite_project: Project, value: str) -> None:
    sqlite_project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    for args in (("up", "--lock-wait", value), ("--lock-wait", value, "up"), ("down", "--lock-wait", value)):
        line = one_line_error(sqlite_project.cli(*args), 2)
        assert "--lock-wait" in line and "500ms, 5s or 2m" in line, line
    assert sqlite_project.ledger() == {}
    line = one_line_error(sqlite_project.cli("up", env={"LOCKGATE_LOCK_WAIT": value}), 2)
    assert line.startswith("error: LOCKGATE_LOCK_WAIT: Setting lock_wait"), line


def test_durations_take_units_in_flags_and_config(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.cli("up", "--lock-wait", "500ms", check=0)
    project.cli("--lock-wait", "2m", "down", check=0)
    (project.dir / "lockgate.toml").write_text('lock_wait = "5s"\n')
    assert project.settings().lock_wait == 5.0
    project.cli("up", check=0)
    assert set(project.ledger()) == {"0001_a"}


def test_repair_that_would_change_nothing_succeeds_as_a_no_op(project: Project) -> None:
    """--clear-dirty on a clean row and --accept-checksum on a matching checksum: both say "nothing to repair",
    exit 0, and write no history row (a re-run of the runbook's step must not fail)."""
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.cli("up", check=0)
    before = project.history()
    out = project.cli("repair", "0001", "--clear-dirty", check=0)
    assert out.stdout.strip() == "Nothing to repair: 0001_a is not dirty."
    out = project.cli("repair", "0001", "--accept-checksum", check=0)
    assert out.stdout.strip() == "Nothing to repair: the checksum recorded for 0001_a already matches its file."
    assert project.history() == before
    report = lockgate.repair(project.settings(), "0001", "accept-checksum")
    assert [s.outcome for s in report.steps] == ["unchanged"]
    # A real repair still repairs and is recorded.
    (project.migrations / "0001_a.up.sql").write_text("CREATE TABLE a (id INTEGER, b INTEGER);")
    assert project.cli("repair", "0001", "--accept-checksum", check=0).stdout.strip() == \
        "Repaired 0001_a (accept-checksum)."
    assert [h["outcome"] for h in project.history()][-1] == "repaired"


def test_the_api_says_what_to_pass_for_a_path(tmp_path: Path) -> None:
    for call in (lambda: lockgate.up("examples/quickstart"), lambda: lockgate.status(Path("."))):  # type: ignore
        with pytest.raises(TypeError, match=r"takes the project's Settings.*lockgate.load_settings\("):
            call()
    with pytest.raises(TypeError, match="not int"):
        lockgate.down(3)  # type: ignore[arg-type]


def test_dir_lists_the_public_api() -> None:
    assert set(lockgate.__all__) <= set(dir(lockgate))


def test_a_callback_that_raises_is_isolated_and_logged(project: Project, caplog: pytest.LogCaptureFixture) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    seen = []

    def broken(event: lockgate.model.Event) -> None:
        seen.append(event.event)
        raise RuntimeError("the progress bar fell over")

    with caplog.at_level(logging.WARNING, logger="lockgate"):
        report = lockgate.up(project.settings(), on_event=broken)
    assert [s.ident for s in report.steps] == ["0001_a", "0002_b"] and set(project.ledger()) == {"0001_a", "0002_b"}
    assert seen.count("migration_finish") == 2  # it keeps getting the events
    [warning] = [r for r in caplog.records if r.name == "lockgate"]
    assert "on_event callback raised RuntimeError: the progress bar fell over" in warning.getMessage()
    [logged] = [r for r in project.log_records() if r["event"] == "callback_failed"]
    assert logged["level"] == "warn" and logged["error"] == "RuntimeError"
