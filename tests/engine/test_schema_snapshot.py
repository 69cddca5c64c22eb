"""lockgate schema dump / check and drift, on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import lockgate
from fixtures.projects import ROOT, Project, clean_env, connect, one_line_error

README = ROOT / "README.md"

# One of every kind of object each engine has: what the dump must describe.
PG_SCHEMA = """\
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE SEQUENCE invoice_no START 1000 INCREMENT 5;
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  mood mood DEFAULT 'ok',
  score numeric(10, 2) CHECK (score >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                     user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE);
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE VIEW happy_users AS SELECT id, email FROM users WHERE mood = 'happy';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := now(); RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
"""
PG_OBJECTS = ["enum public.mood", "sequence public.invoice_no", "sequence public.users_id_seq", "table public.users",
              "table public.orders", "view public.happy_users", "index public.orders_user_idx",
              "function public.touch()", "trigger users_touch ON public.users"]
SQLITE_SCHEMA = """\
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, score REAL CHECK (score >= 0),
                    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE);
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE VIEW big_spenders AS SELECT id, email FROM users WHERE score > 100;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET created_at = 'now' WHERE id = NEW.id; END;
"""
SQLITE_OBJECTS = ["table users", "table orders", "view big_spenders", "index orders_user_idx", "trigger users_touch"]


def _migrated(p: Project) -> Project:
    pg = p.engine == "postgresql"
    p.add("0001_schema", PG_SCHEMA if pg else SQLITE_SCHEMA,
          "DROP TABLE orders; DROP VIEW happy_users; DROP TABLE users; DROP FUNCTION touch(); DROP TYPE mood;"
          " DROP SEQUENCE invoice_no;" if pg else "DROP TABLE orders; DROP VIEW big_spenders; DROP TABLE users;")
    p.cli("up", check=0)
    return p


def test_the_same_database_dumps_byte_identically_twice(project: Project) -> None:
    p = _migrated(project)
    p.cli("schema", "dump", check=0)
    first = (p.dir / "schema.sql").read_bytes()
    assert "Unchanged" in p.cli("schema", "dump", check=0).stdout
    assert (p.dir / "schema.sql").read_bytes() == first
    api = lockgate.schema_dump(p.settings(), path=p.dir / "again.sql")
    assert (p.dir / "again.sql").read_bytes() == first and api.changed
    text = first.decode()
    markers = [line.removeprefix("-- lockgate: ") for line in text.splitlines() if line.startswith("-- lockgate: ")]
    assert sorted(markers) == sorted(PG_OBJECTS if p.engine == "postgresql" else SQLITE_OBJECTS)
    # lockgate's own tables (ledger, history, fingerprint) and what hangs on them are not the application's
    assert "schema_migrations" not in text
    if p.engine == "postgresql":  # every name qualified, whatever the role's search_path
        assert "DEFAULT nextval('public.users_id_seq'::regclass) NOT NULL" in text
        assert "REFERENCES public.users(id) ON DELETE CASCADE" in text
    assert p.cli("schema", "check", check=0).stdout.startswith("Schema matches")


def test_schema_check_catches_a_column_added_by_hand(project: Project) -> None:
    p = _migrated(project)
    p.cli("schema", "dump", check=0)
    p.execute("ALTER TABLE orders ADD COLUMN note TEXT")
    out = p.cli("schema", "check", check=1)
    assert "orders: changed" in out.stdout and "note" in out.stdout, out
    assert "lockgate schema dump" in out.stderr
    lines = [ln for ln in out.stdout.splitlines() if ln.strip().startswith(("+", "-"))]
    assert lines and all("note" in ln for ln in lines if not ln.strip().startswith(("+-- as", "--- as"))), lines
    data = json.loads(p.cli("schema", "check", "--json", check=1).stdout)
    assert data["ok"] is False
    assert [(d["kind"], d["name"].split(".")[-1], d["change"]) for d in data["differences"]] == [
        ("table", "orders", "changed")]
    result = lockgate.schema_check(p.settings())
    assert not result.ok and result.differences[0].title.endswith("orders")


def test_schema_check_names_objects_added_and_removed(project: Project) -> None:
    p = _migrated(project)
    p.cli("schema", "dump", check=0)
    p.execute("CREATE INDEX users_score_idx ON users (score)")
    p.execute("DROP INDEX orders_user_idx")
    changes = {(d.name.split(".")[-1], d.change) for d in lockgate.schema_check(p.settings()).differences}
    assert changes == {("users_score_idx", "added"), ("orders_user_idx", "removed")}


def test_status_and_check_report_drift_after_a_manual_alter(project: Project) -> None:
    p = _migrated(project)
    assert "differs" not in p.cli("status", check=0).stderr
    assert not lockgate.schema_drift(p.settings()).drifted
    p.execute("ALTER TABLE users ADD COLUMN nickname TEXT")
    status = p.cli("status", check=0)
    assert "the schema differs from the one the last run left" in status.stderr and "users" in status.stderr
    assert "nickname" in status.stderr
    drift = lockgate.schema_drift(p.settings())
    assert drift.drifted and [d.name.split(".")[-1] for d in drift.differences] == ["users"]
    checks = json.loads(p.cli("check", "--json", check=0).stdout)
    found = {c["name"]: c for c in checks["checks"]}["drift"]
    assert found["status"] == "warn" and "users" in found["message"], found
    # a run that changes nothing keeps the fingerprint: the hand-made change still shows
    p.cli("up", check=0)
    assert lockgate.schema_drift(p.settings()).drifted
    # a run that changes the schema records the one it left
    p.add("0002_more", "CREATE TABLE more (id INTEGER);", "DROP TABLE more;")
    p.cli("up", check=0)
    assert not lockgate.schema_drift(p.settings()).drifted
    p.cli("down", check=0)
    assert not lockgate.schema_drift(p.settings()).drifted
    assert {c["name"]: c for c in json.loads(p.cli("check", "--json", check=0).stdout)["checks"]}["drift"][
        "status"] == "pass"


def test_schema_dump_on_up_rewrites_the_file(project: Project) -> None:
    (project.dir / "lockgate.toml").write_text('schema_dump_on_up = true\nschema_file = "db/schema.sql"\n')
    (project.dir / "db").mkdir()
    p = _migrated(project)
    assert "users" in (p.dir / "db" / "schema.sql").read_text()
    p.cli("schema", "check", check=0)
    p.add("0002_more", "CREATE TABLE more (id INTEGER);", "DROP TABLE more;")
    p.cli("up", check=0)
    assert "more" in (p.dir / "db" / "schema.sql").read_text()


def test_bad_schema_files_are_one_line_errors(sqlite_project: Project) -> None:
    p = _migrated(sqlite_project)
    missing = one_line_error(p.cli("schema", "check"), 2)
    assert missing.startswith("error: Schema file") and "does not exist" in missing
    assert "lockgate schema dump" in missing
    unwritable = one_line_error(p.cli("schema", "dump", "--file", str(p.dir / "no" / "such" / "schema.sql")), 2)
    assert "cannot be written" in unwritable and "No such file or directory" in unwritable
    (p.dir / "adir").mkdir()
    assert "cannot be read" in one_line_error(p.cli("schema", "check", "--file", "adir"), 2)
    (p.dir / "other.sql").write_text("SELECT 1;\n")
    assert "not a lockgate schema dump" in one_line_error(p.cli("schema", "check", "--file", "other.sql"), 2)


def test_readme_section_commands_run(tmp_path: Path) -> None:
    """The README's "Schema snapshot and drift" commands, on the quickstart example (SQLite)."""
    section = re.search(r"## Schema snapshot and drift\n(.*?)\n## ", README.read_text(encoding="utf-8"), flags=re.S)
    assert section is not None
    block = re.search(r"```bash\n(.*?)```", section.group(1), flags=re.S)
    assert block is not None
    shutil.copytree(ROOT / "examples" / "quickstart", tmp_path / "qs", ignore=shutil.ignore_patterns("*.db", "logs"))
    env = clean_env()
    for line in block.group(1).splitlines():
        args = shlex.split(line.split("#", 1)[0])
        assert args[0] == "lockgate"
        proc = subprocess.run([sys.executable, "-m", "lockgate", *args[1:]], cwd=tmp_path / "qs", env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (line, proc.stderr)
    assert "-- lockgate: table products" in (tmp_path / "qs" / "schema.sql").read_text()


def test_a_locked_view_table_does_not_hang_status(pg_project: Project) -> None:
    """pg_get_viewdef takes ACCESS SHARE on a view's tables: behind a migration's lock the drift
    check gives up (lock_timeout) and says so, and status still answers."""
    p = _migrated(pg_project)
    holder = connect(p.url)
    try:
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        status = p.cli("status", check=0)
        assert "drift not checked: the schema could not be read" in status.stderr, status
        assert "0001_schema  applied" in status.stdout
    finally:
        holder.close()
