"""A file linted alone (pre-commit, --changed-since, a path) gets the findings it gets in a whole-folder run.

Its findings can depend on earlier migrations (the type a column was created
with, a validated CHECK); those are read, in order, and only the files asked
for are reported.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fixtures.projects import CliResult, Project, clean_env

CREATE = "CREATE TABLE IF NOT EXISTS orders (id bigint, status varchar(20));"
WIDEN = "SET lock_timeout = '5s';\nALTER TABLE orders ALTER COLUMN status TYPE varchar(64);"
INDEX = "CREATE INDEX idx_orders_status ON orders (status);\n"


def _git(cwd: Path, *args: str) -> None:
    env = clean_env() | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                         "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


def _findings(result_stdout: str) -> set[tuple[str, str]]:
    return {(Path(f["file"]).name, f["rule"]) for f in json.loads(result_stdout)["findings"] if not f["suppressed"]}


def _project(sqlite_project: Project) -> Project:
    p = sqlite_project
    p.add("0001_orders", CREATE, "DROP TABLE IF EXISTS orders;")
    p.add("0002_widen_status", WIDEN, "SELECT 1;")
    return p


def test_a_changed_file_is_judged_after_the_migrations_before_it(sqlite_project: Project) -> None:
    p = _project(sqlite_project)
    whole = p.cli("lint", "--json", check=0)
    assert _findings(whole.stdout) == set()
    _git(p.dir, "init", "-q")
    _git(p.dir, "add", "migrations")
    _git(p.dir, "commit", "-q", "-m", "orders")
    (p.migrations / "0002_widen_status.up.sql").write_text(WIDEN + "\n-- widened for the new states\n")
    p.add("0003_index", INDEX, "SELECT 1;")
    changed = p.cli("lint", "--json", "--changed-since", "HEAD", "--no-cache", check=1)
    assert [Path(f["file"]).name for f in json.loads(changed.stdout)["files"]] == [
        "0002_widen_status.up.sql", "0003_index.up.sql"]
    assert "change-column-type" not in {rule for _, rule in _findings(changed.stdout)}
    assert ("0003_index.up.sql", "index-not-concurrent") in _findings(changed.stdout)
    cached = p.cli("lint", "--json", "--changed-since", "HEAD", check=1)
    assert cached.stdout == changed.stdout


def _files(result_stdout: str) -> list[str]:
    return [Path(f["file"]).name for f in json.loads(result_stdout)["files"]]


def _branched(p: Project) -> None:
    """``main`` with 0001-0003; ``feature`` adds 0004; then ``main`` edits 0003. Leaves ``feature`` checked out."""
    p.add("0003_index", INDEX, "SELECT 1;")
    _git(p.dir, "init", "-q", "-b", "main")
    _git(p.dir, "add", "migrations")
    _git(p.dir, "commit", "-q", "-m", "base")
    _git(p.dir, "checkout", "-q", "-b", "feature")
    p.add("0004_feature", INDEX.replace("idx_orders_status", "idx_orders_status2"), "SELECT 1;")
    _git(p.dir, "add", "migrations")
    _git(p.dir, "commit", "-q", "-m", "feature: 0004")
    _git(p.dir, "checkout", "-q", "main")
    (p.migrations / "0003_index.up.sql").write_text(INDEX + "-- edited on main after feature branched\n")
    _git(p.dir, "commit", "-q", "-am", "main: edit 0003")
    _git(p.dir, "checkout", "-q", "feature")


def test_changed_since_a_branch_reports_only_this_branchs_changes(sqlite_project: Project) -> None:
    """CI on a feature branch, as `git diff main...HEAD`: what main gained after the branch point is not ours."""
    p = _project(sqlite_project)
    _branched(p)
    assert _files(p.cli("lint", "--json", "--changed-since", "main", "--no-cache").stdout) == ["0004_feature.up.sql"]
    # Changes not committed yet are the branch's too: staged, unstaged, untracked.
    p.add("0005_staged", "SELECT 5;", "SELECT 1;")
    _git(p.dir, "add", "migrations/0005_staged.up.sql")
    (p.migrations / "0001_orders.up.sql").write_text(CREATE + "\n-- unstaged edit\n")
    p.add("0006_untracked", "SELECT 6;", "SELECT 1;")
    assert _files(p.cli("lint", "--json", "--changed-since", "main", "--no-cache").stdout) == [
        "0001_orders.up.sql", "0004_feature.up.sql", "0005_staged.up.sql", "0006_untracked.up.sql"]


def test_changed_since_without_a_branch_point_is_a_one_line_error(sqlite_project: Project, tmp_path: Path) -> None:
    p = _project(sqlite_project)
    _branched(p)

    def error(run: subprocess.CompletedProcess[str] | CliResult) -> str:
        assert run.returncode == 2 and "Traceback" not in run.stderr, run
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, run
        return lines[0]

    assert "'no-such-branch' is not a commit" in error(p.cli("lint", "--changed-since", "no-such-branch"))
    _git(p.dir, "checkout", "-q", "--orphan", "unrelated")
    _git(p.dir, "commit", "-q", "-m", "unrelated history")
    unrelated = error(p.cli("lint", "--changed-since", "main"))
    assert "'main' and HEAD have no commit in common" in unrelated and "shallow" not in unrelated
    # CI's shallow clone: the branch point was not fetched; the hint says how to get it.
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", p.dir.as_uri(), str(clone))
    _git(clone, "fetch", "-q", "--depth", "1", "origin", "main:main")
    shallow = error(_lockgate(clone, "lint", "--changed-since", "main"))
    assert "no commit in common" in shallow and "git fetch --unshallow" in shallow


def test_a_path_in_the_migrations_folder_is_judged_in_order(sqlite_project: Project) -> None:
    p = _project(sqlite_project)
    alone = p.cli("lint", "--json", "migrations/0002_widen_status.up.sql", check=0)
    assert [Path(f["file"]).name for f in json.loads(alone.stdout)["files"]] == ["0002_widen_status.up.sql"]
    assert _findings(alone.stdout) == set()
    # A file outside the folder has no history: the unknown old type is reported.
    loose = p.dir / "hotfix.sql"
    loose.write_text("SET lock_timeout = '5s';\nALTER TABLE orders ALTER COLUMN status TYPE bigint USING 0;")
    outside = p.cli("lint", "--json", "hotfix.sql", check=1)
    assert _findings(outside.stdout) == {("hotfix.sql", "change-column-type")}


def test_down_files_and_other_sql_named_beside_a_migration_keep_its_history(sqlite_project: Project) -> None:
    """pre-commit (types: [sql]) passes a new migration's down file, and any other staged .sql, with it."""
    p = _project(sqlite_project)
    (p.dir / "db").mkdir()
    (p.dir / "db" / "seed.sql").write_text("DELETE FROM orders;\n")
    mixed = p.cli("lint", "--json", "migrations/0002_widen_status.up.sql", "migrations/0002_widen_status.down.sql",
                  "db/seed.sql", check=1)
    assert [Path(f["file"]).name for f in json.loads(mixed.stdout)["files"]] == ["0002_widen_status.up.sql",
                                                                                  "seed.sql"]
    found = _findings(mixed.stdout)
    assert ("seed.sql", "unbounded-dml") in found
    assert not {rule for name, rule in found if name == "0002_widen_status.up.sql"}  # widening varchar(20): safe
    only_down = p.cli("lint", "migrations/0002_widen_status.down.sql", check=0)
    assert "down files are not linted" in only_down.stdout + only_down.stderr


def _lockgate(cwd: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run([sys.executable, "-m", "lockgate", *args], cwd=cwd, env=clean_env(), input=input,
                          capture_output=True, text=True, timeout=60)


def test_files_named_from_the_top_of_a_monorepo_use_their_project(tmp_path: Path) -> None:
    """pre-commit runs at the git top; the project's lockgate.toml lives in backend/."""
    (tmp_path / ".git").mkdir()
    project = tmp_path / "backend"
    (project / "migrations").mkdir(parents=True)
    (project / "lockgate.toml").write_text('migrations_dir = "migrations"\n')
    for name, sql in (("0001_orders", CREATE), ("0002_widen_status", WIDEN)):
        (project / "migrations" / f"{name}.up.sql").write_text(sql)
        (project / "migrations" / f"{name}.down.sql").write_text("SELECT 1;\n")
    run = _lockgate(tmp_path, "lint", "--json", "backend/migrations/0002_widen_status.up.sql")
    assert run.returncode == 0, run.stdout + run.stderr
    assert [f["file"] for f in json.loads(run.stdout)["files"]] == ["backend/migrations/0002_widen_status.up.sql"]
    assert (project / ".lockgate_cache").is_dir() and not (tmp_path / ".lockgate_cache").exists()
    # From inside the migrations folder, the project above it applies too.
    inside = _lockgate(project / "migrations", "lint", "--json", "0002_widen_status.up.sql")
    assert inside.returncode == 0 and json.loads(inside.stdout)["findings"] == []


def test_files_of_several_projects_each_use_their_own(tmp_path: Path) -> None:
    """pre-commit passes every staged .sql file: another project's, or a loose one, must not cost
    backend/ its settings (here: missing-lock-timeout raised to an error, 0001 left out)."""
    (tmp_path / ".git").mkdir()
    backend, svc = tmp_path / "backend", tmp_path / "svc"
    # lock_timeout = 0: backend's `up` sets none itself, so missing-lock-timeout applies there.
    for project, toml in ((backend, 'lock_timeout = 0\n[lint]\nstart_after = "0001"\n'
                                    'rules = { "missing-lock-timeout" = "error" }\n'),
                          (svc, '[lint]\nrules = { "missing-lock-timeout" = "off" }\n')):
        (project / "migrations").mkdir(parents=True)
        (project / "lockgate.toml").write_text(toml)
    (backend / "migrations" / "0001_orders.up.sql").write_text("UPDATE orders SET status = 'x';\n")
    add = "ALTER TABLE orders ADD COLUMN IF NOT EXISTS locale text;\n"
    (backend / "migrations" / "0002_locale.up.sql").write_text(add)
    (svc / "migrations" / "0001_locale.up.sql").write_text(add)
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "query.sql").write_text("SELECT 1;\n")
    files = ["backend/migrations/0001_orders.up.sql", "backend/migrations/0002_locale.up.sql",
             "svc/migrations/0001_locale.up.sql", "frontend/query.sql"]
    run = _lockgate(tmp_path, "lint", "--json", *files)
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert [f["file"] for f in report["files"]] == files[1:]  # backend's 0001 is before its start_after
    found = {(f["file"], f["rule"], f["severity"]) for f in report["findings"] if f["rule"] != "missing-down"}
    assert found == {("backend/migrations/0002_locale.up.sql", "missing-lock-timeout", "error")}
    # CI at the top of the repository names the project; --config may follow `lint` (pre-commit args).
    ci = _lockgate(tmp_path, "lint", "--config", "backend/lockgate.toml", "--format", "github", "--no-cache")
    assert ci.returncode == 1 and "::error file=backend/migrations/0002_locale.up.sql" in ci.stdout
    assert "0001_orders" not in ci.stdout
    alone = _lockgate(tmp_path, "lint", "--json", "backend/migrations/0002_locale.up.sql")
    assert [f for f in json.loads(alone.stdout)["findings"] if f["rule"] != "missing-down"] == [
        f for f in report["findings"] if f["file"].startswith("backend/") and f["rule"] != "missing-down"]


def test_sql_from_stdin_is_linted_in_its_files_place(sqlite_project: Project) -> None:
    p = _project(sqlite_project)
    same = p.cli("lint", "-", "--stdin-filename", "migrations/0002_widen_status.up.sql", "--json", input=WIDEN,
                 check=0)
    assert [f["file"] for f in json.loads(same.stdout)["files"]] == ["migrations/0002_widen_status.up.sql"]
    narrowing = "SET lock_timeout = '5s';\nALTER TABLE orders ALTER COLUMN status TYPE varchar(5);\n"
    new = p.cli("lint", "-", "--stdin-filename", "migrations/0003_narrow.up.sql", "--json", input=narrowing,
                check=1)
    findings = {f["rule"]: f for f in json.loads(new.stdout)["findings"]}
    assert set(findings) == {"change-column-type", "missing-down"}  # no 0003 down file on disk
    assert "from varchar(64)" in findings["change-column-type"]["message"]  # it came after 0002
    alone = p.cli("lint", "-", "--json", input=WIDEN, check=1)  # no file name: no place, no history
    assert "change-column-type" in {f["rule"] for f in json.loads(alone.stdout)["findings"]}
