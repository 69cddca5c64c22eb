"""`lockgate lint` as a real process: selection of files, formats, exit codes, bad usage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.projects import COMPONENTS_TOML, Project, clean_env, one_line_error

UNSAFE = "CREATE INDEX idx_users_email ON users (email);\n"
SAFE = "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN IF NOT EXISTS locale text;\n"



def test_lint_the_project_folder(sqlite_project: Project) -> None:
    sqlite_project.add("0001_create_users", "CREATE TABLE IF NOT EXISTS users (id bigint, email text);",
                       "DROP TABLE IF EXISTS users;")
    sqlite_project.add("0002_index_email", UNSAFE, "DROP INDEX IF EXISTS idx_users_email;")
    result = sqlite_project.cli("lint", check=1)
    assert "migrations/0002_index_email.up.sql:1:1: error[index-not-concurrent]" in result.stdout
    assert "safe: CREATE INDEX CONCURRENTLY" in result.stdout
    assert "\x1b[" not in result.stdout  # NO_COLOR, and not a terminal
    assert result.stdout.rstrip().endswith("1 at or above error: exit 1.")


def test_exit_zero_when_nothing_reaches_fail_on(sqlite_project: Project) -> None:
    sqlite_project.add("0001_locale", SAFE, "ALTER TABLE users DROP COLUMN IF EXISTS locale;")
    assert sqlite_project.cli("lint", check=0).stdout.startswith("No problems in 1 file")
    sqlite_project.add("0002_no_down", SAFE)
    sqlite_project.cli("lint", check=0)  # missing-down is a warning
    result = sqlite_project.cli("lint", "--fail-on", "warning", check=1)
    assert "warning[missing-down]" in result.stdout


def test_json_sarif_and_github_formats(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")
    data = json.loads(sqlite_project.cli("lint", "--format", "json", check=1).stdout)
    assert data["summary"]["error"] == 1 and data["summary"]["failing"] == 1
    assert data["files"][0]["phase"] == "expand"
    assert {f["rule"] for f in data["findings"]} == {"index-not-concurrent", "missing-lock-timeout", "non-idempotent"}
    for flags in (["--json", "lint"], ["lint", "--json"]):
        assert json.loads(sqlite_project.cli(*flags, check=1).stdout)["summary"]["error"] == 1
    sarif = json.loads(sqlite_project.cli("lint", "--format", "sarif", check=1).stdout)
    assert sarif["version"] == "2.1.0"
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "index-not-concurrent" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    github = sqlite_project.cli("lint", "--format", "github", check=1).stdout
    assert github.startswith("::error file=migrations/0001_index.up.sql,line=1,col=1,"
                             "title=lockgate index-not-concurrent::")


def test_explicit_paths_and_pg_version(sqlite_project: Project) -> None:
    loose = sqlite_project.dir / "sql" / "hotfix.sql"
    loose.parent.mkdir()
    loose.write_text("SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN IF NOT EXISTS n int DEFAULT 0;\n")
    sqlite_project.cli("lint", "sql", check=0)
    old = sqlite_project.cli("lint", "sql/hotfix.sql", "--pg-version", "10", check=1)
    assert "add-column-volatile-default" in old.stdout and "before PostgreSQL 11" in old.stdout


@pytest.mark.parametrize("args, words", [
    (["lint", "--pg-version", "latest"], "major version"),
    (["lint", "nowhere.sql"], "does not exist"),
    (["lint", "x.sql", "--pending"], "not both"),
    (["lint", "--exclude", "index-not-concurent"], "did you mean 'index-not-concurrent'"),
    (["lint", "-", "x.sql"], "standard input"),
    (["lint", "x.sql", "--stdin-filename", "y.sql"], "give PATH - too"),
    (["lint", "empty"], "holds no .sql migration files"),
])
def test_bad_usage_exits_2_with_one_line(sqlite_project: Project, args: list[str], words: str) -> None:
    (sqlite_project.dir / "x.sql").write_text("SELECT 1;")
    (sqlite_project.dir / "empty").mkdir()
    assert words in one_line_error(sqlite_project.cli(*args), 2)


def test_exclude_turns_rules_off_for_one_run(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")
    rules = {f["rule"] for f in json.loads(sqlite_project.cli("lint", "--json", check=1).stdout)["findings"]}
    assert rules == {"index-not-concurrent", "missing-lock-timeout", "non-idempotent"}
    result = sqlite_project.cli("lint", "--json", "--exclude", "index-not-concurrent,non-idempotent",
                                "--exclude", "missing-lock-timeout", check=0)
    assert json.loads(result.stdout)["findings"] == []
    sqlite_project.cli("lint", "--json", check=1)  # only that run: the cache keeps each option set apart


def test_sql_from_standard_input(sqlite_project: Project) -> None:
    result = sqlite_project.cli("lint", "-", input=UNSAFE, check=1)
    assert result.stdout.startswith("<stdin>:1:1: error[index-not-concurrent]")
    named = sqlite_project.cli("lint", "-", "--stdin-filename", "db/0042_index.up.sql", "--format", "github",
                               input=UNSAFE, check=1)
    assert named.stdout.startswith("::error file=db/0042_index.up.sql,line=1,col=1,")
    assert sqlite_project.cli("lint", "-", input=SAFE, check=0).stdout.startswith("No problems in 1 file")
    assert not (sqlite_project.dir / ".lockgate_cache").exists()


def test_bad_flags_are_one_line_too(sqlite_project: Project) -> None:
    assert "'xml' is not one of" in one_line_error(sqlite_project.cli("lint", "--format", "xml"), 2)
    assert "lockgate lint --help" in one_line_error(sqlite_project.cli("lint", "--bogus"), 2)
    assert "No such command 'bogus'" in one_line_error(sqlite_project.cli("bogus"), 2)
    assert "0 is not in the range" in one_line_error(sqlite_project.cli("lint", "--jobs", "0"), 2)
    assert sqlite_project.cli("lint", "--help", check=0).stdout.startswith("Usage: lockgate lint")


def test_config_table_and_its_errors(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")
    config = sqlite_project.dir / "lockgate.toml"
    config.write_text('[lint]\nrules = { "index-not-concurrent" = "warning" }\n')
    sqlite_project.cli("lint", check=0)
    config.write_text('[lint]\nrules = { "index-not-concurent" = "off" }\n')
    assert "did you mean 'index-not-concurrent'" in one_line_error(sqlite_project.cli("lint"), 2)


def test_explicit_paths_need_no_database_url(sqlite_project: Project) -> None:
    (sqlite_project.dir / "lockgate.toml").write_text(
        'database_url = "${DATABASE_URL}"\n[lint]\nrules = { "missing-lock-timeout" = "off" }\n')
    (sqlite_project.dir / "a.sql").write_text("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int;\n")
    result = sqlite_project.cli("lint", "a.sql", database_url=False, check=0)
    assert result.stdout.startswith("No problems")


def test_pending_lints_what_up_would_apply(sqlite_project: Project) -> None:
    sqlite_project.add("0001_create_users", "CREATE TABLE users (id bigint, email text);", "DROP TABLE users;")
    sqlite_project.cli("up", check=0)
    sqlite_project.add("0002_index_email", UNSAFE, "DROP INDEX idx_users_email;")
    report = json.loads(sqlite_project.cli("lint", "--pending", "--format", "json", check=1).stdout)
    assert [f["file"] for f in report["files"]] == ["migrations/0002_index_email.up.sql"]  # relative, as in text


def test_pending_on_postgresql_knows_the_live_database(pg_project: Project) -> None:
    pg_project.execute("CREATE TABLE users (id bigint, email text); INSERT INTO users VALUES (1, 'a'); ANALYZE users;")
    pg_project.add("0001_orders", "CREATE TABLE IF NOT EXISTS orders (id bigint, user_id bigint);", "SELECT 1;")
    pg_project.add("0002_orders_index", "CREATE INDEX IF NOT EXISTS idx_orders_user ON orders (user_id);",
                   "SELECT 1;")
    pg_project.add("0003_users_index", "SET lock_timeout = '1s';\n" + UNSAFE.replace("INDEX", "INDEX IF NOT EXISTS"),
                   "SELECT 1;")
    # Statically, 0002 indexes an existing table; against the database both tables are known.
    assert "0002_orders_index.up.sql:1:1: error[index-not-concurrent]" in pg_project.cli("lint", check=1).stdout
    live = json.loads(pg_project.cli("lint", "--pending", "--format", "json", check=0).stdout)
    assert [(f["rule"], f["severity"], Path(f["file"]).name) for f in live["findings"]] == [
        ("index-not-concurrent", "warning", "0003_users_index.up.sql")]
    assert "small_table_rows" in live["findings"][0]["notes"][0]
    assert live["pg_version"] == _server_major(pg_project)
    pg_project.cli("up", "--skip-lint", "--allow-non-empty", check=0)  # users is expected
    nothing = json.loads(pg_project.cli("lint", "--pending", "--format", "json", check=0).stdout)
    assert nothing["files"] == [] and nothing["pg_version"] == live["pg_version"]  # still the server's version


def _server_major(project: Project) -> int:
    import psycopg

    with psycopg.connect(project.url) as conn:
        return int(conn.info.server_version) // 10000


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def test_changed_since_lints_only_changed_files(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")
    _git(sqlite_project.dir, "init", "-q")
    _git(sqlite_project.dir, "add", "migrations")
    _git(sqlite_project.dir, "commit", "-q", "-m", "first")
    sqlite_project.add("0002_locale", SAFE, "SELECT 1;")
    result = sqlite_project.cli("lint", "--changed-since", "HEAD", "--format", "json", check=0)
    assert [Path(f["file"]).name for f in json.loads(result.stdout)["files"]] == ["0002_locale.up.sql"]
    assert "bad-ref" in one_line_error(sqlite_project.cli("lint", "--changed-since", "bad-ref"), 2)


def test_two_formats_asked_for_are_a_usage_error(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")
    for args in (["--json", "--format", "sarif"], ["--format", "github", "--json"]):
        assert "ask for two formats" in one_line_error(sqlite_project.cli("lint", *args), 2)
    assert json.loads(sqlite_project.cli("lint", "--json", "--format", "json", check=1).stdout)["findings"]


def test_colour_only_when_asked(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")
    coloured = sqlite_project.cli("lint", env={"NO_COLOR": "", "FORCE_COLOR": "1"}, check=1).stdout
    assert "\x1b[1;31merror\x1b[0m" in coloured


def test_lint_help_and_import_stay_light(tmp_path: Path) -> None:
    probe = ("import runpy, sys\nsys.argv = ['lockgate', 'lint', '--help']\n"
             "try:\n    runpy.run_module('lockgate', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "import lockgate.lint\n"
             "print(','.join(m for m in ('pglast', 'psycopg', 'rich') if m in sys.modules), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=clean_env(), capture_output=True,
                          text=True, timeout=60)
    assert "--changed-since" in proc.stdout
    assert proc.stderr.strip() == ""


def test_up_refuses_an_error_level_finding_and_skip_lint_overrides(pg_project: Project) -> None:
    linted = Project(pg_project.dir, pg_project.url, lint=True)
    linted.add("0001_users", "CREATE TABLE users (id bigint);", "DROP TABLE users;")
    linted.cli("up", check=0)
    linted.add("0002_drop_users", "DROP TABLE users;", "SELECT 1;")
    refused = linted.cli("up")
    assert refused.returncode == 1 and "0002_drop_users.up.sql:1 drop-table" in refused.stderr
    assert "users" in linted.tables()
    linted.cli("up", "--skip-lint", check=0)
    assert "users" not in linted.tables()


def _adopted_project(project: Project) -> None:
    """Old migrations with findings, then new ones; 0003's type change is safe only because of 0002's table."""
    project.add("0001_drop_legacy", "DROP TABLE IF EXISTS legacy;", "SELECT 1;")
    project.add("0002_create_t", "CREATE TABLE IF NOT EXISTS t (c varchar(10));", "DROP TABLE IF EXISTS t;")
    project.add("0003_widen_c", "SET lock_timeout = '5s';\nALTER TABLE t ALTER COLUMN c TYPE varchar(20);",
                "SELECT 1;")
    project.add("0004_index", UNSAFE, "SELECT 1;")


def test_start_after_reports_nothing_about_old_migrations(sqlite_project: Project) -> None:
    _adopted_project(sqlite_project)
    every = json.loads(sqlite_project.cli("lint", "--json", check=1).stdout)
    assert {Path(f["file"]).name for f in every["findings"]} >= {"0001_drop_legacy.up.sql", "0004_index.up.sql"}
    for args in (["--start-after", "0002"], ["--start-after", "2_create_t"]):
        later = json.loads(sqlite_project.cli("lint", "--json", *args, check=1).stdout)
        assert [Path(f["file"]).name for f in later["files"]] == ["0003_widen_c.up.sql", "0004_index.up.sql"]
        # 0002 was still read: the widening is known to be safe, not an unknown type change.
        assert {(Path(f["file"]).name, f["rule"]) for f in later["findings"]} == {
            ("0004_index.up.sql", r) for r in ("index-not-concurrent", "missing-lock-timeout", "non-idempotent")}
    (sqlite_project.dir / "lockgate.toml").write_text('[lint]\nstart_after = "0004"\n')
    none_left = sqlite_project.cli("lint", check=0).stdout
    assert none_left.splitlines() == ["note: 4 migration(s) at or before start_after 4 are not reported",
                                      "No problems in 0 files."]
    (sqlite_project.dir / "lockgate.toml").write_text('[lint]\nstart_after = "latest"\n')
    assert "lint.start_after" in one_line_error(sqlite_project.cli("lint"), 2)
    (sqlite_project.dir / "lockgate.toml").unlink()
    assert "--start-after" in one_line_error(sqlite_project.cli("lint", "--start-after", "x"), 2)


def test_up_on_a_fresh_database_skips_findings_up_to_start_after(pg_project: Project) -> None:
    linted = Project(pg_project.dir, pg_project.url, lint=True)
    linted.add("0001_drop_legacy", "DROP TABLE legacy;", "SELECT 1;")  # an old contract step, no tag
    linted.add("0002_users", "CREATE TABLE users (id bigint);", "DROP TABLE users;")
    linted.execute("CREATE TABLE legacy (id int)")
    refused = linted.cli("up", "--allow-non-empty")  # legacy is expected
    assert refused.returncode == 1 and "0001_drop_legacy.up.sql:1 drop-table" in refused.stderr
    (linted.dir / "lockgate.toml").write_text('[lint]\nstart_after = 1\n')
    linted.cli("up", "--allow-non-empty", check=0)
    assert "users" in linted.tables() and "legacy" not in linted.tables()


def test_component_all_lints_every_component(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", f"sqlite:///{tmp_path}/unused.db")
    (project.dir / "lockgate.toml").write_text(
        f'[components.operational]\ndatabase_url = "sqlite:///{tmp_path}/op.db"\nmigrations_dir = "db/op"\n'
        f'[components.analytics]\ndatabase_url = "sqlite:///{tmp_path}/an.db"\nmigrations_dir = "db/an"\n'
        '[components.analytics.lint]\nrules = { "index-not-concurrent" = "warning" }\n')
    for folder in ("op", "an"):
        path = project.dir / "db" / folder
        path.mkdir(parents=True)
        (path / "0001_index.up.sql").write_text(UNSAFE)
        (path / "0001_index.down.sql").write_text("SELECT 1;")
    result = project.cli("--component", "all", "lint", "--format", "json", database_url=False, check=1)
    findings = json.loads(result.stdout)["findings"]
    got = sorted((Path(f["file"]).parent.name, f["severity"]) for f in findings if f["rule"] == "index-not-concurrent")
    assert got == [("an", "warning"), ("op", "error")]
    assert "choose one" in one_line_error(project.cli("lint", database_url=False), 2)


def test_lint_needs_a_database_url_only_with_pending(sqlite_project: Project) -> None:
    """lockgate.toml reads ${DATABASE_URL}, which CI does not set: only --pending connects."""
    p = sqlite_project
    (p.dir / "lockgate.toml").write_text('database_url = "${DATABASE_URL}"\nmigrations_dir = "migrations"\n')
    p.add("0001_index", UNSAFE, "SELECT 1;")
    _git(p.dir, "init", "-q")
    _git(p.dir, "add", "lockgate.toml", "migrations")
    _git(p.dir, "commit", "-q", "-m", "first")
    p.add("0002_locale", SAFE, "SELECT 1;")
    for env in ({}, {"DATABASE_URL": "not-a-url"}):
        every = p.cli("lint", database_url=False, env=env, check=1)
        assert "0001_index.up.sql:1:1: error[index-not-concurrent]" in every.stdout and every.stderr == ""
        changed = json.loads(p.cli("lint", "--changed-since", "HEAD", "--json", database_url=False, env=env,
                                   check=0).stdout)
        assert [Path(f["file"]).name for f in changed["files"]] == ["0002_locale.up.sql"]
    unset = one_line_error(p.cli("lint", "--pending", database_url=False), 2)
    assert unset.startswith("error: lockgate.toml: database_url: variable ${DATABASE_URL} is not set.")
    assert "has no scheme" in one_line_error(p.cli("lint", "--pending", database_url=False,
                                                   env={"DATABASE_URL": "not-a-url"}), 2)


def test_component_all_lints_without_the_database_urls(tmp_path: Path) -> None:
    project = Project(tmp_path / "proj", f"sqlite:///{tmp_path}/unused.db")
    (project.dir / "lockgate.toml").write_text(COMPONENTS_TOML)  # ${DB_URL} and ${ANALYTICS_URL}, unset
    for folder in ("operational", "analytics"):
        (project.dir / "db" / folder).mkdir(parents=True)
        (project.dir / "db" / folder / "0001_index.up.sql").write_text(UNSAFE)
    result = project.cli("--component", "all", "lint", "--json", database_url=False, check=1)
    assert sorted(Path(f["file"]).parent.name for f in json.loads(result.stdout)["files"]) == [
        "analytics", "operational"]
    assert "${DB_URL} is not set" in one_line_error(
        project.cli("--component", "all", "lint", "--pending", database_url=False), 2)


def test_an_empty_cache_dir_flag_is_refused_and_an_empty_variable_is_unset(sqlite_project: Project) -> None:
    p = sqlite_project
    p.add("0001_locale", SAFE, "SELECT 1;")
    before = set(p.dir.iterdir())
    for blank in ("", " "):
        assert "--cache-dir is empty" in one_line_error(p.cli("lint", "--cache-dir", blank), 2)
    assert set(p.dir.iterdir()) == before, "no cache file in the working folder"
    p.cli("lint", env={"LOCKGATE_CACHE_DIR": ""}, check=0)  # as if unset: the default folder
    assert set(p.dir.iterdir()) - before == {p.dir / ".lockgate_cache"}


@pytest.mark.parametrize("setting, folder", [('"off"', None), ('"False"', None), ("false", None),
                                             ('"ON"', ".lockgate_cache"), ('"./off"', "off")])
def test_cache_on_and_off_as_words_in_lockgate_toml(sqlite_project: Project, setting: str,
                                                    folder: str | None) -> None:
    p = sqlite_project
    p.add("0001_locale", SAFE, "SELECT 1;")
    (p.dir / "lockgate.toml").write_text(f"[lint]\ncache = {setting}\n")
    before = set(p.dir.iterdir())
    p.cli("lint", check=0)
    assert set(p.dir.iterdir()) - before == ({p.dir / folder} if folder else set())


def test_verbose_and_quiet_may_follow_lint(sqlite_project: Project) -> None:
    sqlite_project.add("0001_index", UNSAFE, "SELECT 1;")  # an info finding (non-idempotent) among errors
    plain = sqlite_project.cli("lint", check=1).stdout
    assert "info[non-idempotent]" not in plain
    for before, after in ((["-v"], ["-v"]), (["--verbose"], ["--verbose"]), (["-q"], ["-q"]),
                          (["--quiet"], ["--quiet"])):
        first = sqlite_project.cli(*before, "lint", check=1)
        assert sqlite_project.cli("lint", *after, check=1) == first
        assert ("info[non-idempotent]" in first.stdout) == (after[0] in ("-v", "--verbose"))
    quiet = sqlite_project.cli("lint", "-q", check=1).stdout.splitlines()
    assert quiet == ["migrations/0001_index.up.sql:1:1: error[index-not-concurrent] " + quiet[0].split("] ", 1)[1]]
    assert sqlite_project.cli("lint", "-q", "--fail-on", "warning", check=1).stdout.count("\n") == 2


def test_errors_in_json_mode_are_json_on_stdout_and_one_line_on_stderr(sqlite_project: Project) -> None:
    for args in (["lint", "--format", "json", "nosuch.sql"], ["--json", "lint", "nosuch.sql"]):
        result = sqlite_project.cli(*args)
        assert "does not exist" in one_line_error(result, 2)
        error = json.loads(result.stdout)
        assert error["error"] == "ConfigError" and error["exit_code"] == 2 and "nosuch.sql" in error["message"]


def test_list_rules_in_text_and_json(sqlite_project: Project) -> None:
    from lockgate.lint import RULES

    text = sqlite_project.cli("lint", "--list-rules", check=0).stdout.splitlines()
    assert [line.split()[0] for line in text] == [r.id for r in RULES]
    listed = json.loads(sqlite_project.cli("lint", "--list-rules", "--format", "json", check=0).stdout)
    assert {r["id"]: r["severity"] for r in listed} == {r.id: r.severity.value for r in RULES}
    assert {r["id"]: r["configured"] for r in listed} == {r.id: r.severity.value for r in RULES}
    # As this project has them: its lockgate.toml and --exclude say which rules are off or re-levelled.
    (sqlite_project.dir / "lockgate.toml").write_text('[lint]\nrules = { "missing-lock-timeout" = "error" }\n')
    mine = json.loads(sqlite_project.cli("lint", "--list-rules", "--json", "--exclude", "truncate", check=0).stdout)
    changed = {r["id"]: (r["severity"], r["configured"]) for r in mine if r["severity"] != r["configured"]}
    assert changed == {"missing-lock-timeout": ("warning", "error"), "truncate": ("error", "off")}
    assert "missing-lock-timeout" in [line.split()[0] for line in sqlite_project.cli(
        "lint", "--list-rules", check=0).stdout.splitlines() if "(default warning)" in line]
    (sqlite_project.dir / "lockgate.toml").write_text('[lint]\nrules = { "no-such-rule" = "off" }\n')
    assert "--list-rules" in one_line_error(sqlite_project.cli("lint"), 2)
    assert "no-such-rule" in one_line_error(sqlite_project.cli("lint", "--list-rules"), 2)
