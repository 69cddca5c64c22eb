"""The lock_timeout a migration runs with, from each place it can be set (issue 9 §1): the project's
lockgate.toml, the environment (LOCKGATE_LOCK_TIMEOUT, as a deploy's environment sets it), and the
flag over both; read back from the migration's own session on real PostgreSQL."""

from __future__ import annotations

from fixtures.projects import Project

PROBE = "CREATE TABLE {t} AS SELECT current_setting('lock_timeout') AS lt, current_setting('statement_timeout') AS st;"


def test_the_file_the_environment_and_the_flag_each_set_the_migrations_timeouts(pg_project: Project) -> None:
    p = pg_project
    (p.dir / "lockgate.toml").write_text('lock_timeout = "3s"\nstatement_timeout = "2m"\n')
    p.add("0001_file", PROBE.format(t="a"))
    p.cli("up", check=0)
    assert p.query("SELECT lt, st FROM a") == [("3s", "2min")]
    p.add("0002_env", PROBE.format(t="b"))
    p.cli("up", env={"LOCKGATE_LOCK_TIMEOUT": "2s"}, check=0)
    assert p.query("SELECT lt FROM b") == [("2s",)]
    p.add("0003_flag", PROBE.format(t="c"))
    p.cli("up", "--lock-timeout", "750ms", env={"LOCKGATE_LOCK_TIMEOUT": "2s"}, check=0)
    assert p.query("SELECT lt FROM c") == [("750ms",)]
