"""The JSONL log says what the README's "Logs and secrets" promises: every documented event, with its fields,
from real runs of the CLI."""

from __future__ import annotations

import hashlib
import re
import stat
from typing import Any

from fixtures.projects import Project

import lockgate
from lockgate.model import Event

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LEVELS = {"info", "warn", "error"}


def run(project: Project, *args: str, check: int = 0, **cli: Any) -> list[dict[str, Any]]:
    """Run the CLI; the log records that run wrote, checked for the fields every record carries."""
    before = len(project.log_records())
    project.cli(*args, check=check, **cli)
    records = project.log_records()[before:]
    assert records, f"lockgate {' '.join(args)} logged nothing"
    assert len({r["run_id"] for r in records}) == 1, "one run, one run_id"
    for r in records:
        assert TIMESTAMP.match(r["timestamp"]), r
        assert r["level"] in LEVELS and r["message"] and r["event"], r
        assert r["component"] == "default" and re.fullmatch(r"[0-9a-f]{16}", r["run_id"]), r
    return records


def only(records: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [r for r in records if r["event"] == event]


def sha256(project: Project, name: str) -> str:
    return hashlib.sha256((project.migrations / name).read_bytes()).hexdigest()


def test_an_up_run_logs_its_plan_each_start_and_finish_then_nothing_to_do(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);\nCREATE TABLE b2 (id INTEGER);", "DROP TABLE b2;\nDROP TABLE b;",
                no_transaction=True)
    records = run(project, "up")
    assert (records[0]["event"], records[0]["database"], records[0]["source"]) == (
        "target", project.shown_target, "--database-url")
    assert [(r["event"], r.get("version")) for r in records if r["event"] not in ("lint_skipped", "target")] == [
        ("migration_pre_checks", None), ("run_plan", None), ("migration_start", "0001_a"),
        ("migration_finish", "0001_a"), ("migration_start", "0002_b"), ("migration_finish", "0002_b"),
        ("post_checks", None), ("schema_recorded", None)]  # the drift fingerprint (lockgate.schema.drift)
    [checks] = only(records, "migration_pre_checks")
    assert (checks["level"], checks["status"], checks["command"]) == ("info", "pass", "up")
    [plan] = only(records, "run_plan")
    assert (plan["direction"], plan["count"], plan["message"]) == ("up", 2, "Applying pending migrations")
    starts, finishes = only(records, "migration_start"), only(records, "migration_finish")
    assert [(r["type"], r["checksum"], r["no_transaction"], r["message"]) for r in starts] == [
        ("up", sha256(project, "0001_a.up.sql"), False, "Applying migration"),
        ("up", sha256(project, "0002_b.up.sql"), True, "Applying migration")]
    for r in finishes:
        assert r["type"] == "up" and r["message"] == "Migration applied successfully" and r["level"] == "info"
        assert isinstance(r["duration_ms"], (int, float)) and r["duration_ms"] >= 0
    assert [r["checksum"] for r in finishes] == [r["checksum"] for r in starts]
    # The log is private to its owner: it can hold statements and hosts.
    assert stat.S_IMODE(project.log_file.stat().st_mode) == 0o600

    again = run(project, "up")
    [nothing] = only(again, "nothing_to_do")
    assert (nothing["level"], nothing["message"]) == ("info", "No pending migrations")
    assert again[0]["run_id"] != records[0]["run_id"]


def test_sqlite_says_in_the_log_that_the_linter_did_not_run(sqlite_project: Project) -> None:
    project = Project(sqlite_project.dir, sqlite_project.url, lint=True)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    [skipped] = only(run(project, "up"), "lint_skipped")
    assert skipped["level"] == "info" and "PostgreSQL" in skipped["message"]


def _existing_log(project: Project) -> None:
    """A dry run appends to the log that is there, and creates none (no dry run writes a file)."""
    project.log_file.parent.mkdir(parents=True, exist_ok=True)
    project.log_file.touch(mode=0o600)


def test_down_and_the_dry_runs_are_logged(project: Project) -> None:
    _existing_log(project)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);\nINSERT INTO b VALUES (1);", "DROP TABLE b;")
    planned = only(run(project, "up", "--dry-run"), "migration_planned")
    assert [(r["version"], r["type"], r["checksum"], r["statements"], r["message"]) for r in planned] == [
        ("0001_a", "up", sha256(project, "0001_a.up.sql"), 1, "Would apply migration"),
        ("0002_b", "up", sha256(project, "0002_b.up.sql"), 2, "Would apply migration")]
    assert project.ledger() == {}
    run(project, "up")
    planned = only(run(project, "down", "--dry-run", "--steps", "2"), "migration_planned")
    assert [(r["version"], r["type"], r["statements"], r["message"]) for r in planned] == [
        ("0002_b", "down", 1, "Would roll back migration"), ("0001_a", "down", 1, "Would roll back migration")]
    assert set(project.ledger()) == {"0001_a", "0002_b"}

    records = run(project, "down")
    [plan] = only(records, "run_plan")
    assert (plan["direction"], plan["count"], plan["message"]) == ("down", 1, "Rolling back migrations")
    [start], [finish] = only(records, "migration_start"), only(records, "migration_finish")
    assert (start["version"], start["type"], start["message"]) == ("0002_b", "down", "Rolling back migration")
    assert (finish["version"], finish["type"], finish["message"]) == ("0002_b", "down",
                                                                    "Migration rolled back successfully")
    run(project, "down")
    [nothing] = only(run(project, "down"), "nothing_to_do")
    assert (nothing["level"], nothing["message"]) == ("info", "No applied migrations to roll back")


def test_repair_is_logged_with_its_action(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    run(project, "up")
    project.execute("UPDATE schema_migrations SET dirty = TRUE")
    [repaired] = only(run(project, "repair", "0001", "--clear-dirty"), "migration_repaired")
    assert (repaired["version"], repaired["type"], repaired["action"], repaired["checksum"]) == (
        "0001_a", "repair", "clear-dirty", sha256(project, "0001_a.up.sql"))
    assert repaired["message"] == "Migration repaired (clear-dirty)"


def test_baseline_and_its_dry_run_are_logged(project: Project) -> None:
    _existing_log(project)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.add("0003_c", "CREATE TABLE c (id INTEGER);")
    [planned] = only(run(project, "baseline", "0002", "--dry-run"), "baseline_planned")
    assert (planned["versions"], planned["source"], planned["kept_as"], planned["left_pending"]) == (
        ["0001_a", "0002_b"], "version", None, [])
    assert project.ledger() == {}
    [adopted] = only(run(project, "baseline", "0002"), "baseline")
    assert (adopted["version"], adopted["count"], adopted["from_tool"], adopted["left_pending"]) == (
        "0002_b", 2, None, [])
    assert adopted["message"] == "Database adopted"


def test_a_dirty_migration_without_a_down_file_logs_found_then_recover_failed(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    run(project, "up")
    project.execute("UPDATE schema_migrations SET dirty = TRUE")
    records = run(project, "up", check=1)
    [found] = only(records, "dirty_found")
    assert (found["level"], found["versions"], found["message"]) == ("warn", ["0001_a"],
                                                                     "Found migrations in dirty state")
    [failed] = only(records, "recover_failed")
    assert (failed["level"], failed["version"], failed["message"]) == (
        "error", "0001_a", "No down migration found for dirty migration")


def test_the_linter_logs_findings_notes_and_a_skip(pg_project: Project) -> None:
    project = Project(pg_project.dir, pg_project.url, lint=True)
    project.add("0001_t", "CREATE TABLE t (id INTEGER);")
    run(project, "up")
    project.add("0002_drop", "SET lock_timeout = '1s';\n"
                "-- lockgate:ignore drop-tabel mistyped on purpose\nDROP TABLE t;", "CREATE TABLE t (id INTEGER);")
    records = run(project, "up", check=1)
    [note] = only(records, "lint_note")
    assert note["level"] == "warn" and "drop-tabel" in note["message"] and "0002_drop.up.sql" in note["message"]
    finding = next(r for r in only(records, "lint_finding") if r["rule"] == "drop-table")
    assert (finding["severity"], finding["level"], finding["line"]) == ("error", "error", 3)
    assert finding["file"].endswith("0002_drop.up.sql") and finding["message"]
    assert "t" in project.tables() and set(project.ledger()) == {"0001_t"}

    records = run(project, "up", "--skip-lint")
    [skipped] = only(records, "lint_skipped")
    assert skipped["level"] == "warn" and "--skip-lint" in skipped["message"]
    assert not only(records, "lint_finding") and "t" not in project.tables()


def test_a_log_that_cannot_be_written_is_one_warning_and_the_run_goes_on(project: Project) -> None:
    (project.dir / "not_a_folder").write_text("")
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    result = project.cli("--log-file", "not_a_folder/migrations.jsonl", "up", check=0)
    warnings = [line for line in result.stderr.splitlines() if "not_a_folder" in line]
    assert len(warnings) == 1 and "Failed to write to migration log file" in warnings[0], result.stderr
    assert "a" in project.tables()
    # The API hands the same warning to its caller, as an event.
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    events: list[Event] = []
    lockgate.up(project.settings(log_file=str(project.dir / "not_a_folder" / "x.jsonl")), on_event=events.append)
    [unwritable] = [e for e in events if e.event == "log_unwritable"]
    assert unwritable.level == "warn" and "the migration goes on without it" in unwritable.message
    assert "b" in project.tables()


def test_database_url_overriding_the_file_is_a_config_warning_before_the_target(sqlite_project: Project) -> None:
    project = sqlite_project
    (project.dir / "lockgate.toml").write_text('database_url = "sqlite:///written_in_the_file.db"\n')
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    records = run(project, "up", database_url=None, env={"DATABASE_URL": project.url})
    assert [r["event"] for r in records[:2]] == ["config_warning", "target"]
    warning = records[0]
    assert warning["level"] == "warn" and "DATABASE_URL overrides" in warning["message"]
    assert "lockgate.toml" in warning["message"]
    assert records[1]["source"] == "DATABASE_URL" and "a" in project.tables()
    assert not (project.dir / "written_in_the_file.db").exists()
