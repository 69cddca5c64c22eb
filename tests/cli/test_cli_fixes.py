"""Behaviour a first-time user tripped over: each case once broke or misled."""

from __future__ import annotations

import json
import subprocess
import sys

from fixtures.projects import Project, clean_env


def test_piping_into_head_is_not_an_error(sqlite_project: Project) -> None:
    for i in range(1, 40):
        sqlite_project.add(f"{i:04d}_t{i}", f"CREATE TABLE t{i} (id INTEGER);", f"DROP TABLE t{i};")
    sqlite_project.cli("up", check=0)
    cmd = " ".join(sqlite_project.command("history")) + " | head -1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=sqlite_project.dir, env=clean_env(),
                          capture_output=True, text=True, timeout=60)
    assert "BrokenPipe" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stdout.count("\n") == 1


def test_history_version_takes_a_number(sqlite_project: Project) -> None:
    sqlite_project.add("0002_add_products", "CREATE TABLE products (id INTEGER);", "DROP TABLE products;")
    sqlite_project.add("0003_other", "CREATE TABLE other (id INTEGER);", "DROP TABLE other;")
    sqlite_project.cli("up", check=0)
    for spelling in ("2", "0002", "0002_add_products"):
        rows = json.loads(sqlite_project.cli("history", "--version", spelling, "--json", check=0).stdout)
        assert [r["version"] for r in rows] == ["0002_add_products"], spelling
    none = sqlite_project.cli("history", "--version", "0099", check=0).stdout
    assert none == "No history for 0099: no run of a migration with that version.\n"  # not "No history yet."
    result = sqlite_project.cli("history", "--limit", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_component_all_is_refused_by_single_component_commands(sqlite_project: Project) -> None:
    sqlite_project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    result = sqlite_project.cli("--component", "all", "down")
    assert result.returncode == 2
    assert "one component at a time" in result.stderr and "[components.all]" not in result.stderr


def test_json_may_follow_new(sqlite_project: Project) -> None:
    data = json.loads(sqlite_project.cli("new", "add_things", "--json", check=0).stdout)
    assert data["up"].endswith("_add_things.up.sql") and data["down"].endswith("_add_things.down.sql")


def test_unknown_role_is_a_login_failure(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    host_part = pg_url.split("@", 1)[1]
    url = f"postgresql://no_such_role_x:whatever@{host_part}"
    (tmp_path / "migrations").mkdir()
    proc = subprocess.run([sys.executable, "-m", "lockgate", "--database-url", url, "status"], cwd=tmp_path,
                          env=clean_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "login failed" in proc.stderr and "user name and password" in proc.stderr
    assert "whatever" not in proc.stderr + proc.stdout


def test_dirty_golang_migrate_ledger_is_named_dirty(pg_project: Project) -> None:
    pg_project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    pg_project.add("0002_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;")
    pg_project.execute("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
                       "INSERT INTO schema_migrations VALUES (2, true)")
    status = pg_project.cli("status")
    assert status.returncode == 2
    assert "golang-migrate at version 2" in status.stderr and "dirty" in status.stderr
    baseline = pg_project.cli("baseline")
    assert baseline.returncode == 2 and "dirty" in baseline.stderr
    assert pg_project.query("SELECT version, dirty FROM schema_migrations") == [(2, True)]
    # Fixed by hand, the default version is golang-migrate's.
    pg_project.execute("UPDATE schema_migrations SET dirty = false")
    pg_project.cli("baseline", check=0)
    assert set(pg_project.ledger()) == {"0001_a", "0002_b"}
