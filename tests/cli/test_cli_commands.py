"""The `lockgate` command as a real process: every command, its output and its exit code."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from pathlib import Path

import pytest
from fixtures.projects import COMPONENTS_TOML, Project, clean_env, one_line_error
from fixtures.runbook import PRODUCTS_DOWN, PRODUCTS_UP



def test_runbook_walkthrough_with_the_cli(pg_project: Project) -> None:
    pg_project.add("0010_add_products", PRODUCTS_UP["postgresql"], PRODUCTS_DOWN)
    pg_project.cli("up", check=0)
    assert pg_project.query("SELECT name FROM products") == [("Sample Product",)]
    pg_project.cli("down", "--steps=1", check=0)
    assert "products" not in pg_project.tables()
    pg_project.cli("up", check=0)
    assert pg_project.query("SELECT count(*) FROM products") == [(1,)]
    checksum = hashlib.sha256((pg_project.migrations / "0010_add_products.up.sql").read_bytes()).hexdigest()
    assert pg_project.query("SELECT checksum, dirty FROM schema_migrations WHERE version = '0010_add_products'") \
        == [(checksum, False)]
    # Nothing to do is success too.
    pg_project.cli("up", check=0)


def test_status_json_fields(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;")
    project.cli("up", "--to", "0001", check=0)
    for args in (("status", "--json"), ("--json", "status")):
        out = project.cli(*args, check=0)
        rows = json.loads(out.stdout)
        assert [(r["version"], r["state"]) for r in rows] == [("0001_a", "applied"), ("0002_b", "pending")]
        assert rows[0]["checksum"] == hashlib.sha256(b"CREATE TABLE a (id INTEGER);").hexdigest()
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", rows[0]["applied_at"])
        assert rows[1]["applied_at"] is None


def test_status_plain_lists_every_migration(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.cli("up", "--to", "1", check=0)
    out = project.cli("status", check=0).stdout
    assert re.search(r"0001_a\s+applied", out) and re.search(r"0002_b\s+pending", out)
    # 0002 is still pending: not "database is up to date".
    assert project.cli("up", "--to", "1", check=0).stdout == "Nothing to apply up to 1.\n"


def test_up_json_report(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    report = json.loads(project.cli("up", "--json", check=0).stdout)
    assert [(s["version"], s["direction"], s["outcome"]) for s in report["steps"]] == [("0001_a", "up", "applied")]


def test_up_dry_run_prints_the_plan_and_changes_nothing(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    out = project.cli("up", "--dry-run", check=0).stdout
    assert "0001_a" in out and "0002_b" in out
    assert project.tables() == set()


def test_exit_1_on_failed_migration_with_the_message(project: Project) -> None:
    project.add("0001_bad", "CREATE TABLE a (id INTEGER);\nINSERT INTO nope VALUES (1);")
    result = project.cli("up")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert "0001_bad" in result.stderr and "0001_bad.up.sql:2" in result.stderr
    assert project.ledger() == {} and "a" not in project.tables()


def test_exit_1_on_checksum_mismatch(project: Project) -> None:
    path = project.add("0010_add_products", "CREATE TABLE products (id INTEGER);")
    project.cli("up", check=0)
    path.write_text("CREATE TABLE products (id BIGINT);")
    line = one_line_error(project.cli("up"), 1)
    assert "Migration 0010_add_products checksum mismatch" in line


def test_no_auto_recover_flag_exits_1(project: Project) -> None:
    project.add("0001_nt", "CREATE TABLE nt (id INTEGER);\nINSERT INTO nope VALUES (1);", "DROP TABLE IF EXISTS nt;",
                no_transaction=True)
    assert project.cli("up").returncode == 1
    assert project.ledger()["0001_nt"][1] is True
    result = project.cli("up", "--no-auto-recover")
    assert result.returncode == 1 and "Found migrations in dirty state" in result.stderr
    assert project.ledger()["0001_nt"][1] is True
    (project.migrations / "0001_nt.up.sql").write_text("-- lockgate:no-transaction\nCREATE TABLE nt (id INTEGER);")
    result = project.cli("up", check=0)
    assert "Found migrations in dirty state" in result.stderr
    assert project.ledger()["0001_nt"][1] is False


def test_out_of_order_flag(project: Project) -> None:
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.cli("up", check=0)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    assert "0001_a" in one_line_error(project.cli("up"), 1)
    project.cli("up", "--allow-out-of-order", check=0)
    assert "a" in project.tables()


def test_down_steps_and_to(project: Project) -> None:
    for n in (1, 2, 3, 4):
        project.add(f"000{n}_t{n}", f"CREATE TABLE t{n} (id INTEGER);", f"DROP TABLE t{n};")
    project.cli("up", check=0)
    project.cli("down", "--steps", "2", check=0)
    assert set(project.ledger()) == {"0001_t1", "0002_t2"}
    project.cli("up", check=0)
    project.cli("down", "--to", "0001", check=0)
    assert set(project.ledger()) == {"0001_t1"}


def test_down_without_down_file_exits_1_and_changes_nothing(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.cli("up", check=0)
    assert "0001_a" in one_line_error(project.cli("down"), 1)
    assert "a" in project.tables() and "0001_a" in project.ledger()


def test_verify_exit_codes(project: Project) -> None:
    path = project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.cli("up", check=0)
    project.cli("verify", check=0)
    path.write_text("CREATE TABLE a (id BIGINT);")
    result = project.cli("verify", check=1)
    assert "0001_a" in result.output and "checksum" in result.output
    data = json.loads(project.cli("verify", "--json", check=1).stdout)
    assert data["ok"] is False and data["problems"][0]["kind"] == "checksum_mismatch"


def test_verify_exit_1_on_bad_file_name(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.migrations / "0020_add_users.sql").write_text("SELECT 1;")
    assert "0020_add_users.sql" in project.cli("verify", check=1).output


@pytest.mark.parametrize("flag,expect", [("--clear-dirty", ("0001_a", False)), ("--delete", None),
                                         ("--accept-checksum", ("0001_a", False))])
def test_repair_modes_are_recorded_in_history(project: Project, flag: str, expect: tuple[str, bool] | None) -> None:
    path = project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.cli("up", check=0)
    if flag == "--clear-dirty":
        project.execute("UPDATE schema_migrations SET dirty = TRUE")
    if flag == "--accept-checksum":
        path.write_text("CREATE TABLE a (id INTEGER); -- reformatted")
    project.cli("repair", "0001_a", flag, check=0)
    rows = project.ledger()
    if expect is None:
        assert rows == {}
    else:
        assert rows["0001_a"] == (hashlib.sha256(path.read_bytes()).hexdigest(), False)
    hist = json.loads(project.cli("history", "--json", check=0).stdout)
    assert (hist[-1]["version"], hist[-1]["direction"], hist[-1]["outcome"]) == ("0001_a", "repair", "repaired")
    assert flag.lstrip("-") in (hist[-1]["note"] or "")
    assert "repair" in project.cli("history", check=0).stdout


def test_repair_needs_an_action(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.cli("up", check=0)
    result = project.cli("repair", "0001_a")
    assert result.returncode == 2 and "Traceback" not in result.output
    two = one_line_error(project.cli("repair", "0001_a", "--delete", "--clear-dirty"), 2)
    assert "one action, not --clear-dirty and --delete" in two
    assert project.cli("status", "--json", check=0).stdout.count('"applied"') == 1  # nothing was done


def test_baseline_cli(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    project.execute("CREATE TABLE a (id INTEGER)")
    project.cli("baseline", "0001", check=0)
    project.cli("up", check=0)
    assert set(project.ledger()) == {"0001_a", "0002_b"}
    assert [h["direction"] for h in project.history()] == ["baseline", "up"]


@pytest.mark.parametrize("tool,ddl", [
    ("golang-migrate", "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL);"
                       "INSERT INTO schema_migrations VALUES (20240101120000, FALSE)"),
    ("dbmate", "CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY);"
               "INSERT INTO schema_migrations VALUES ('20240101120000')"),
])
def test_foreign_ledger_cli(pg_project: Project, tool: str, ddl: str) -> None:
    pg_project.add("20240101120000_a", "CREATE TABLE a (id INTEGER);")
    pg_project.execute(ddl)
    line = one_line_error(pg_project.cli("up"), 2)
    assert tool in line and "baseline" in line
    assert pg_project.tables() == {"schema_migrations"}


def test_init_then_up_on_the_embedded_default(tmp_path: Path) -> None:
    project = Project(tmp_path / "fresh", "sqlite:///unused.db")
    project.cli("init", database_url=False, check=0)
    assert (project.dir / "lockgate.toml").is_file()
    ignored = (project.dir / ".gitignore").read_text().splitlines()
    assert {"logs/", "*.db", ".lockgate_cache/"} <= set(ignored)
    ups = sorted(p.name for p in project.migrations.glob("*.up.sql"))
    assert len(ups) == 1
    project.cli("up", database_url=False, check=0)
    status = json.loads(project.cli("status", "--json", database_url=False, check=0).stdout)
    assert [r["state"] for r in status] == ["applied"]
    db_files = list(project.dir.glob("*.db"))
    assert len(db_files) == 1  # the SQLite file lives in the project folder
    # init refuses to overwrite
    assert project.cli("init", database_url=False).returncode == 2


def test_init_says_it_updated_a_gitignore_it_found(tmp_path: Path) -> None:
    project = Project(tmp_path / "fresh", "sqlite:///unused.db")
    project.dir.mkdir(parents=True, exist_ok=True)
    (project.dir / ".gitignore").write_text("node_modules/\n")
    out = project.cli("init", database_url=False, check=0).stdout
    assert "updated .gitignore" in out and "created .gitignore" not in out
    assert (project.dir / ".gitignore").read_text().startswith("node_modules/\n")


def test_new_writes_the_next_version_with_a_header(project: Project) -> None:
    project.add("0009_first", "CREATE TABLE first (id INTEGER);")
    result = project.cli("new", "add_things", check=0)
    up = project.migrations / "0010_add_things.up.sql"
    down = project.migrations / "0010_add_things.down.sql"
    assert up.is_file() and down.is_file()
    assert str(up.name) in result.stdout
    header = up.read_text()
    assert "Migration:" in header and "Version: 0010" in header and "Description:" in header


def test_new_follows_timestamp_versions(project: Project) -> None:
    project.add("20240917172257_first", "CREATE TABLE first (id INTEGER);")
    project.cli("new", "second", check=0)
    [new_up] = [p for p in project.migrations.glob("*_second.up.sql")]
    assert len(new_up.name.split("_", 1)[0]) == 14
    assert int(new_up.name.split("_", 1)[0]) > 20240917172257


def test_json_log_file_fields_and_mode(project: Project) -> None:
    up = project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.cli("up", check=0)
    project.cli("down", check=0)
    log = project.log_file
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    records = project.log_records()
    finish = [r for r in records if r["event"] == "migration_finish"]
    assert [r["type"] for r in finish] == ["up", "down"]
    first = finish[0]
    for key in ("timestamp", "level", "message", "event", "version", "type", "checksum", "duration_ms",
                "component", "run_id"):
        assert key in first, key
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|\+00:00)", first["timestamp"])
    assert first["message"] == "Migration applied successfully"
    assert first["version"] == "0001_a" and first["component"] == "default"
    assert first["checksum"] == hashlib.sha256(up.read_bytes()).hexdigest()
    assert isinstance(first["duration_ms"], (int, float))
    assert finish[0]["run_id"] != finish[1]["run_id"]
    starts = [r for r in records if r["event"] == "migration_start"]
    assert starts and starts[0]["run_id"] == finish[0]["run_id"]


def test_log_file_option(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    custom = project.dir / "elsewhere" / "run.jsonl"
    project.cli("--log-file", str(custom), "up", check=0)
    assert custom.is_file() and not project.log_file.exists()


def test_unwritable_log_file_warns_once_and_the_migration_goes_on(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);")
    blocker = project.dir / "not_a_dir"
    blocker.write_text("a file where a folder should be")
    result = project.cli("--log-file", str(blocker / "migrations.jsonl"), "up", check=0)
    warnings = [line for line in result.stderr.splitlines() if "log" in line.lower() and not line.startswith("Target: ")]
    assert len(warnings) == 1, result
    assert "Traceback" not in result.output
    assert set(project.ledger()) == {"0001_a", "0002_b"}


def test_quiet_prints_nothing_on_success(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    result = project.cli("-q", "up", check=0)
    assert (result.stdout, result.stderr) == ("", "")
    assert "a" in project.tables()
    for args in (["up"], ["verify"], ["down"], ["up"], ["repair", "0001_a", "--accept-checksum"]):
        quiet = project.cli("-q", *args, check=0)
        assert (quiet.stdout, quiet.stderr) == ("", ""), args
    assert "0001_a" in project.cli("-q", "status", check=0).stdout  # what was asked for is still shown
    project.cli("down", "-q", check=0)  # the output flags work after the command too, as --json does
    loud = project.cli("up", "-v", check=0)
    assert "→ 0001_a up" in loud.stderr
    assert project.cli("down", "--quiet", check=0).output == ""


# -- bad input: one line, the right exit code, nothing half-done ----------------------------

@pytest.mark.parametrize("url", ["mysql://app@db/shop", "mongodb://db/shop", "nonsense"])
def test_unknown_url_scheme(tmp_path: Path, url: str) -> None:
    project = Project(tmp_path / "p", url)
    project.add("0001_a", "SELECT 1;")
    for command in ("status", "up"):
        line = one_line_error(project.cli(command), 2)
        assert "postgresql://" in line  # says what would work


def test_a_bad_connection_option_is_a_configuration_error(tmp_path: Path) -> None:
    """libpq refuses it before connecting: exit 2, not "check that the server is running"."""
    project = Project(tmp_path / "p", "postgresql://app:S3cretPw@127.0.0.1:5432/shop?sslmode=bogus")
    project.add("0001_a", "SELECT 1;")
    line = one_line_error(project.cli("status"), 2)
    assert 'invalid sslmode value: "bogus"' in line and "S3cretPw" not in line and "unreachable" not in line


def test_unreachable_server(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    project = Project(tmp_path / "p", f"postgresql://app:pw_unreach_123@127.0.0.1:{port}/shop")
    project.add("0001_a", "SELECT 1;")
    line = one_line_error(project.cli("up"), 1)
    assert "unreachable" in line.lower() or "refused" in line.lower()
    assert "pw_unreach_123" not in line


def test_wrong_password(pg_password_db, tmp_path: Path) -> None:
    if not pg_password_db.enforced:
        pytest.skip("this server accepts any password")
    wrong = pg_password_db.url.replace(pg_password_db.password, "not-the-password")
    project = Project(tmp_path / "p", wrong)
    project.add("0001_a", "SELECT 1;")
    line = one_line_error(project.cli("up"), 2)
    assert "password" in line.lower() or "login" in line.lower()
    assert "not-the-password" not in line


def test_database_that_does_not_exist(pg_server, tmp_path: Path) -> None:
    project = Project(tmp_path / "p", pg_server.url_for("lockgate_test_no_such_db"))
    project.add("0001_a", "SELECT 1;")
    assert "lockgate_test_no_such_db" in one_line_error(project.cli("up"), 2)


def test_missing_migrations_folder(project: Project) -> None:
    project.migrations.rmdir()
    for command in (("up",), ("status",), ("--migrations-dir", "nope", "up")):
        line = one_line_error(project.cli(*command), 2)
        assert "does not exist" in line
    assert project.tables() == set()


def test_malformed_config_file(project: Project) -> None:
    project.add("0001_a", "SELECT 1;")
    (project.dir / "lockgate.toml").write_text('database_url = "sqlite:///x.db"\n[components\n')
    line = one_line_error(project.cli("status", database_url=False), 2)
    assert "lockgate.toml" in line


def test_bad_migration_folder_exits_2_naming_the_file(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.migrations / "0020_add_users.sql").write_text("SELECT 1;")
    assert "0020_add_users.sql" in one_line_error(project.cli("up"), 2)
    assert project.tables() == set()


def test_empty_migration_exits_1(project: Project) -> None:
    """The runbook's "1 — migration failed": a file that cannot run, as one whose SQL fails."""
    project.add("0010_add_products", "-- nothing\n")
    assert "Migration 0010_add_products is empty" in one_line_error(project.cli("up"), 1)


def test_unknown_target_version_suggests_one(project: Project) -> None:
    project.add("0010_add_products", "CREATE TABLE products (id INTEGER);")
    line = one_line_error(project.cli("up", "--to", "0011_add_products"), 2)
    assert "0010_add_products" in line  # did you mean
    assert project.ledger() == {}
    assert "0099" in one_line_error(project.cli("down", "--to", "0099"), 2)


def test_sqlite_folder_that_does_not_exist(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    project.add("0001_a", "SELECT 1;")
    assert "no/such/dir" in one_line_error(project.cli("up"), 2)


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a SQLite database, just text that is long enough to have a header\n" * 20)
    project = Project(tmp_path / "p", f"sqlite:///{junk}")
    project.add("0001_a", "SELECT 1;")
    for command in ("up", "status"):
        line = one_line_error(project.cli(command), 1)
        assert "junk.db" in line


def test_usage_error_exits_2(project: Project) -> None:
    assert project.cli("up", "--no-such-flag").returncode == 2
    assert project.cli("no-such-command").returncode == 2
    # One line, naming the command whose --help to read.
    assert one_line_error(project.cli("up", "--to"), 2).endswith("Run `lockgate up --help` for the options.")
    choices = one_line_error(project.cli("completion"), 2)
    assert "Choose from: bash, zsh, fish." in choices and "lockgate completion --help" in choices


def test_debug_shows_a_traceback_only_when_asked(project: Project) -> None:
    project.add("0001_a", "SELECT 1;")
    (project.dir / "lockgate.toml").write_text("[broken\n")
    assert "Traceback" not in project.cli("status", database_url=False).output
    assert "Traceback" in project.cli("--debug", "status", database_url=False).output


# -- configuration through the real process environment --------------------------------------

def _which_db(project: Project) -> set[str]:
    return {p.name for p in project.dir.glob("*.db")}


def test_precedence_toml_env_file_environment_flag(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.dir / "lockgate.toml").write_text('database_url = "sqlite:///toml.db"\n')
    (project.dir / "migrate.env").write_text("DATABASE_URL=sqlite:///envfile.db\n")
    project.cli("up", database_url=False, check=0)
    assert _which_db(project) == {"toml.db"}
    project.cli("--env-file", "migrate.env", "up", database_url=False, check=0)
    assert _which_db(project) == {"toml.db", "envfile.db"}
    env = {"DATABASE_URL": "sqlite:///environment.db"}
    project.cli("--env-file", "migrate.env", "up", database_url=False, env=env, check=0)
    assert _which_db(project) == {"toml.db", "envfile.db", "environment.db"}
    project.cli("--env-file", "migrate.env", "--database-url", "sqlite:///flag.db", "up", database_url=False,
                env=env, check=0)
    assert _which_db(project) == {"toml.db", "envfile.db", "environment.db", "flag.db"}


def test_interpolation_from_env_file(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.dir / "lockgate.toml").write_text('database_url = "sqlite:///${DB_NAME}.db"\n')
    (project.dir / "migrate.env").write_text("DB_NAME=interpolated\n")
    project.cli("--env-file", "migrate.env", "up", database_url=False, check=0)
    assert _which_db(project) == {"interpolated.db"}
    line = one_line_error(project.cli("up", database_url=False), 2)
    assert "DB_NAME" in line


def test_pyproject_tool_section(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.dir / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.lockgate]\n'
                                                'database_url = "sqlite:///from_pyproject.db"\n')
    project.cli("up", database_url=False, check=0)
    assert _which_db(project) == {"from_pyproject.db"}


def test_config_flag_points_at_another_folder(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    (project.dir / "lockgate.toml").write_text('database_url = "sqlite:///cfg.db"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "lockgate", "--config", str(project.dir / "lockgate.toml"), "up"],
                          cwd=elsewhere, env=clean_env({"LOCKGATE_LINT_ON_UP": "false"}),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc
    assert _which_db(project) == {"cfg.db"}


COMPONENTS = COMPONENTS_TOML


def test_components_one_and_all(tmp_path: Path) -> None:
    project = Project(tmp_path / "p", "sqlite:///unused.db")
    (project.dir / "lockgate.toml").write_text(COMPONENTS)
    from fixtures.projects import write_migration

    write_migration(project.dir / "db/operational", "0001_users", "CREATE TABLE users (id INTEGER);")
    write_migration(project.dir / "db/analytics", "0001_events", "CREATE TABLE events (id INTEGER);")
    (project.dir / "migrate.env").write_text("DB_URL=sqlite:///op.db\nANALYTICS_URL=sqlite:///an.db\n")
    base = ("--env-file", "migrate.env")
    # A project with several components needs one named.
    assert project.cli(*base, "up", database_url=False).returncode == 2
    project.cli(*base, "--component", "operational", "up", database_url=False, check=0)
    assert _which_db(project) == {"op.db"}
    status = json.loads(project.cli(*base, "--component", "all", "status", "--json", database_url=False,
                                    check=0).stdout)
    assert {(r["component"], r["version"], r["state"]) for r in status} == {
        ("operational", "0001_users", "applied"), ("analytics", "0001_events", "pending")}
    both = project.cli(*base, "--component", "all", "up", database_url=False, check=0)
    assert "[analytics] ✓ 0001_events up" in both.stderr  # whose migration each progress line is
    status = json.loads(project.cli(*base, "--component", "all", "status", "--json", database_url=False,
                                    check=0).stdout)
    assert {r["state"] for r in status} == {"applied"}
    history = json.loads(project.cli(*base, "--component", "all", "history", "--json", database_url=False,
                                     check=0).stdout)
    assert {(r["component"], r["version"]) for r in history} == {
        ("operational", "0001_users"), ("analytics", "0001_events")}
    plain = project.cli(*base, "--component", "all", "history", database_url=False, check=0).stdout
    assert {line.split()[0] for line in plain.splitlines()} == {"operational", "analytics"}
    from fixtures.projects import tables

    assert "events" in tables(f"sqlite:///{project.dir}/an.db")
    assert "events" not in tables(f"sqlite:///{project.dir}/op.db")
    line = one_line_error(project.cli(*base, "--component", "analytic", "status", database_url=False), 2)
    assert "analytics" in line  # did you mean
