"""A planted password must never leave: not on stdout or stderr, not in JSON output, not in
the JSONL log, the history table, error messages, tracebacks, or any file lockgate writes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from fixtures.postgres import PLANTED_SECRET, PasswordDb, PgServer
from fixtures.projects import CliResult, Project

import lockgate
from lockgate.errors import MigrationFailed

WRONG_SECRET = "WRONG_PLANTED_pw_7Hq"


def _files_text(root: Path, skip: set[Path]) -> dict[Path, str]:
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and p not in skip:
            out[p] = p.read_bytes().decode("utf-8", errors="replace")
    return out


class Transcript:
    """Everything lockgate said or wrote, to be searched for secrets at the end."""

    def __init__(self) -> None:
        self.chunks: list[tuple[str, str]] = []

    def add(self, what: str, text: str) -> None:
        self.chunks.append((what, text))

    def run(self, project: Project, *args: str, expect: int | None = None, **kw) -> CliResult:
        result = project.cli(*args, **kw)
        where = " ".join(args)
        self.add(f"stdout of {where}", result.stdout)
        self.add(f"stderr of {where}", result.stderr)
        if expect is not None:
            assert result.returncode == expect, result
        return result

    def assert_clean(self, *secrets: str) -> None:
        for what, text in self.chunks:
            for secret in secrets:
                assert secret not in text, f"secret found in {what}:\n{text}"


def _every_command(project: Project, t: Transcript, pw_db: PasswordDb) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_nt", "CREATE TABLE nt (id INTEGER);", "DROP TABLE nt;", no_transaction=True)
    t.run(project, "status", expect=0)
    t.run(project, "status", "--json", expect=0)
    t.run(project, "up", "--dry-run", expect=0)
    t.run(project, "-v", "up", expect=0)
    t.run(project, "up", "--json", expect=0)
    t.run(project, "history", expect=0)
    t.run(project, "history", "--json", expect=0)
    t.run(project, "verify", expect=0)
    t.run(project, "--json", "verify", expect=0)
    t.run(project, "down", "--dry-run", expect=0)
    t.run(project, "-v", "down", "--json", expect=0)
    t.run(project, "new", "more", expect=0)
    (project.migrations / "0003_more.up.sql").write_text("SELECT 1;")
    t.run(project, "repair", "0001_a", "--delete", expect=0)
    t.run(project, "baseline", "0001", expect=0)
    # failures
    project.add("0004_broken", "CREATE TABLE b (id INTEGER);\nINSERT INTO nope VALUES (1);")
    t.run(project, "up", expect=1)
    t.run(project, "--debug", "up", expect=1)
    t.run(project, "--json", "up", expect=1)
    (project.migrations / "0004_broken.up.sql").unlink()
    project.add("0004_nt_broken", "CREATE TABLE c (id INTEGER);\nINSERT INTO nope VALUES (1);", None,
                no_transaction=True)
    t.run(project, "-v", "up", expect=1)
    t.run(project, "--debug", "up", expect=1)  # dirty, no down file
    t.run(project, "up", "--no-auto-recover", expect=1)
    t.run(project, "verify", expect=1)
    t.run(project, "--json", "status", expect=0)
    t.run(project, "repair", "0004_nt_broken", "--delete", expect=0)
    (project.migrations / "0001_a.up.sql").write_text("CREATE TABLE a (id BIGINT);")
    t.run(project, "up", expect=1)  # checksum mismatch
    t.run(project, "--debug", "verify", "--json", expect=1)
    t.run(project, "repair", "0009", "--clear-dirty", expect=None)


def _check_everything(project: Project, t: Transcript, *, skip: set[Path] = frozenset()) -> None:
    for path, text in _files_text(project.dir, set(skip)).items():
        t.add(f"file {path.relative_to(project.dir)}", text)
    assert project.log_records(), "the log should have been written"
    for h in project.history():
        t.add(f"history row {h['version']} {h['direction']}", json.dumps(h, default=str))
    t.assert_clean(PLANTED_SECRET, WRONG_SECRET)


def test_password_in_the_url_flag_never_leaves(pg_password_db: PasswordDb, tmp_path: Path) -> None:
    project = Project(tmp_path / "p", pg_password_db.url)
    t = Transcript()
    _every_command(project, t, pg_password_db)
    _check_everything(project, t)


def test_password_in_environment_env_file_and_config(pg_password_db: PasswordDb, tmp_path: Path) -> None:
    t = Transcript()
    project = Project(tmp_path / "p", pg_password_db.url)
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_broken", "INSERT INTO nope VALUES (1);")
    env_file = project.dir / "migrate.env"
    env_file.write_text(f"DATABASE_URL={pg_password_db.url}\nAPI_TOKEN=tok\n")
    t.run(project, "--env-file", "migrate.env", "-v", "up", database_url=False, expect=1)
    t.run(project, "up", database_url=False, env={"DATABASE_URL": pg_password_db.url}, expect=1)
    t.run(project, "up", database_url=False, env={"LOCKGATE_DATABASE_URL": pg_password_db.url}, expect=1)
    toml = project.dir / "lockgate.toml"
    toml.write_text('database_url = "${DATABASE_URL}"\n')
    t.run(project, "--debug", "status", database_url=False, env={"DATABASE_URL": pg_password_db.url}, expect=0)
    t.run(project, "--json", "up", database_url=False, env={"DATABASE_URL": pg_password_db.url}, expect=1)
    _check_everything(project, t, skip={env_file})


def test_password_as_a_query_parameter(pg_password_db: PasswordDb, tmp_path: Path) -> None:
    url = pg_password_db.url.replace(f":{PLANTED_SECRET}@", "@") + f"?password={PLANTED_SECRET}"
    project = Project(tmp_path / "p", url)
    project.add("0001_broken", "INSERT INTO nope VALUES (1);")
    t = Transcript()
    t.run(project, "-v", "up", expect=1)
    t.run(project, "--debug", "up", expect=1)
    t.run(project, "status", "--json", expect=0)
    _check_everything(project, t)


def test_connection_failures_never_show_the_password(pg_server: PgServer, pg_password_db: PasswordDb,
                                                     tmp_path: Path) -> None:
    t = Transcript()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    urls = {
        "no such database": pg_server.url_for("lockgate_test_missing", user=pg_password_db.role,
                                              password=PLANTED_SECRET),
        "unreachable": f"postgresql://{pg_password_db.role}:{PLANTED_SECRET}@127.0.0.1:{closed_port}/x",
        "malformed port": f"postgresql://{pg_password_db.role}:{PLANTED_SECRET}@127.0.0.1:notaport/x",
        "unknown scheme": f"mysql://{pg_password_db.role}:{PLANTED_SECRET}@127.0.0.1/x",
    }
    if pg_password_db.enforced:
        urls["wrong password"] = pg_password_db.url.replace(PLANTED_SECRET, WRONG_SECRET)
    for i, (what, url) in enumerate(urls.items()):
        project = Project(tmp_path / f"p{i}", url)
        project.add("0001_a", "SELECT 1;")
        for args in (("up",), ("--debug", "status"), ("--json", "up"), ("-v", "verify")):
            result = t.run(project, *args)
            assert result.returncode in (1, 2), (what, result)
            assert "Traceback" not in result.output or "--debug" in args, (what, result)
        for path, text in _files_text(project.dir, set()).items():
            t.add(f"{what}: file {path.name}", text)
    t.assert_clean(PLANTED_SECRET, WRONG_SECRET)


def test_api_errors_and_events_never_show_the_password(pg_password_db: PasswordDb, tmp_path: Path) -> None:
    project = Project(tmp_path / "p", pg_password_db.url)
    project.add("0001_broken", "CREATE TABLE a (id INTEGER);\nINSERT INTO nope VALUES (1);")
    events: list[object] = []
    s = project.settings()
    assert PLANTED_SECRET not in repr(s) and PLANTED_SECRET not in str(s)
    with pytest.raises(lockgate.LockgateError) as info:
        lockgate.up(s, on_event=events.append)
    texts = [str(info.value), repr(info.value), json.dumps(info.value.to_dict())] + [repr(e) for e in events]
    bad = project.settings(database_url=pg_password_db.url.replace("/" + pg_password_db.dbname, "/nodb_here"))
    with pytest.raises(lockgate.LockgateError) as info2:
        lockgate.status(bad)
    texts += [str(info2.value), repr(info2.value), repr(info2.value.__cause__), repr(info2.value.__context__)]
    for text in texts:
        assert PLANTED_SECRET not in text, text


def test_init_with_a_password_url_keeps_the_password_out_of_lockgate_toml(pg_password_db: PasswordDb,
                                                                          tmp_path: Path) -> None:
    # lockgate.toml is committed to git: the password belongs in the environment (${DATABASE_URL}).
    project = Project(tmp_path / "p", pg_password_db.url)
    t = Transcript()
    t.run(project, "init", expect=0)
    _check_everything_files_only(project, t)


def _check_everything_files_only(project: Project, t: Transcript) -> None:
    for path, text in _files_text(project.dir, set()).items():
        t.add(f"file {path.relative_to(project.dir)}", text)
    t.assert_clean(PLANTED_SECRET)


def test_secret_looking_event_fields_are_redacted_in_the_log(tmp_path: Path) -> None:
    from lockgate.events import Emitter

    log = tmp_path / "logs" / "m.jsonl"
    emit = Emitter(component="default", run_id="r1", log_file=log, callback=None, secrets=(PLANTED_SECRET,))
    emit("test", f"connecting to postgresql://u:{PLANTED_SECRET}@h/db", password=PLANTED_SECRET,
         token="tok123", connectionString="postgresql://u:x@h/db", DATABASE_URL="postgresql://u:x@h/db",
         api_key="k1", secret="s1", version="0001_a")
    emit._log.close()  # type: ignore[union-attr]
    record = json.loads(log.read_text())
    assert PLANTED_SECRET not in log.read_text()
    for key in ("password", "token", "connectionString", "DATABASE_URL", "api_key", "secret"):
        assert record[key] == "[REDACTED]", key
    assert record["version"] == "0001_a"


# -- secrets written in SQL ------------------------------------------------------------------------
# Each form a password takes in a migration, in a statement that fails on both engines (the error
# quotes it), with the text that must survive the masking: the rest of the statement and the
# server's own message.
SQL_SECRET_FORMS = {
    "dollar": ("CREATE ROLE lg_r PASSWORD $$PLANTED_dollar_1a$$ IN ROLE lg_nosuch;", "PLANTED_dollar_1a", "IN ROLE"),
    "tagged": ("ALTER ROLE lg_nosuch PASSWORD $pw$PLANTED_tag_2b$pw$;", "PLANTED_tag_2b", "ALTER ROLE"),
    "escape": ("ALTER ROLE lg_nosuch PASSWORD E'PLANTED_esc_3c\\n';", "PLANTED_esc_3c", "ALTER ROLE"),
    "unicode": ("ALTER ROLE lg_nosuch PASSWORD U&'PLANTED_uni_4d';", "PLANTED_uni_4d", "ALTER ROLE"),
    "options": ("CREATE USER MAPPING FOR CURRENT_USER SERVER lg_nosuch OPTIONS (password 'PLANTED_opt_5e');",
                "PLANTED_opt_5e", "OPTIONS (password '***')"),
    "api_key": ("UPDATE lg_nosuch SET api_key = 'PLANTED_key_6f';", "PLANTED_key_6f", "api_key = '***'"),
    "dblink": ("SELECT dblink_connect('host=127.0.0.1 password=PLANTED_dbl_7g dbname=x');", "PLANTED_dbl_7g",
               "password=*** dbname=x"),
    "url": ("SELECT * FROM dblink('postgresql://u:PLANTED_url_8h@127.0.0.1/x', 'SELECT 1') AS t(a int);",
            "PLANTED_url_8h", "postgresql://u:***@127.0.0.1/x"),
}
# What the server said about each failing statement, which the masking must not swallow.
_SERVER_SAYS = {"sqlite": ("syntax error", "no such table", "no such function", "near "),
                "postgresql": ("does not exist", "permission denied", "must be")}


def _ok_migration(engine: str) -> str:
    common = "CREATE TABLE lg_settings (api_key TEXT);\nUPDATE lg_settings SET api_key = 'PLANTED_ok_9i';\n"
    return common + ("SET my.token TO 'PLANTED_ok_10j';\n" if engine == "postgresql" else "")


def _sql_secrets_never_leave(project: Project) -> None:
    t = Transcript()
    engine = project.engine
    project.add("0001_ok", _ok_migration(engine), "DROP TABLE lg_settings;")
    t.run(project, "-v", "up", expect=0)
    t.run(project, "--json", "history", expect=0)
    secrets = ["PLANTED_ok_9i", "PLANTED_ok_10j"]
    for i, (name, (sql, secret, kept)) in enumerate(SQL_SECRET_FORMS.items()):
        secrets.append(secret)
        path = project.add(f"{i + 2:04d}_{name}", sql)
        result = t.run(project, "--debug", "-v", "--json", "up", expect=1)
        assert "Traceback" in result.stderr, result  # the --debug traceback was searched too
        line = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")][-1]
        assert kept in line, (name, line)  # the statement is still shown, only its value masked
        assert any(said in line for said in _SERVER_SAYS[engine]), (name, line)
        if i == 0:
            t.run(project, "up", expect=1)  # the plain terminal path
        with pytest.raises(MigrationFailed) as info:
            lockgate.up(project.settings(), on_event=lambda e: t.add(f"event {name}", repr(e)))
        for text in (str(info.value), repr(info.value), json.dumps(info.value.to_dict()), info.value.statement,
                     info.value.error):
            t.add(f"exception of {name}", text)
        path.unlink()
    t.run(project, "history", expect=0)
    t.run(project, "status", "--json", expect=0)
    errors = [h["error"] for h in project.history() if h["error"]]
    assert len(errors) == 2 * len(SQL_SECRET_FORMS) + 1, errors  # CLI and API for each, one plain `up`
    assert all("'***'" in e or "=***" in e or ":***@" in e for e in errors), errors  # the statement is there
    log = project.log_file.read_text(encoding="utf-8")
    assert "migration_failed" in log
    t.add("log", log)
    _check_everything(project, t, skip=set(project.migrations.iterdir()))  # the SQL files hold them, of course
    t.assert_clean(*secrets)


def test_secrets_written_in_sql_never_leave_postgresql(pg_password_db: PasswordDb, tmp_path: Path) -> None:
    _sql_secrets_never_leave(Project(tmp_path / "p", pg_password_db.url))


def test_secrets_written_in_sql_never_leave_sqlite(tmp_path: Path) -> None:
    _sql_secrets_never_leave(Project(tmp_path / "p", f"sqlite:///{tmp_path}/p/test.db"))
