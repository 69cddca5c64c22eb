"""The README's "Moving from golang-migrate, dbmate, Flyway" walk-throughs, run as written
against real PostgreSQL, each on a database set up as the other tool left it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from fixtures.projects import clean_env, execute, query

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _walkthrough(title: str) -> list[str]:
    """The command lines of the bash block under ``### {title}`` in the moving section."""
    section = README.split("## Moving from golang-migrate, dbmate, Flyway\n", 1)[1].split("\n## ", 1)[0]
    part = section.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0]
    (block,) = re.findall(r"```bash\n(.*?)```", part, flags=re.S)
    return [line for line in block.splitlines() if line.strip()]


def _expected_exit(line: str) -> int:
    """``lockgate status   # exit 2: ...`` expects 2; a line without it must succeed."""
    _, _, comment = line.partition("  #")
    found = re.match(r"\s*exit (\d+)", comment)
    return int(found[1]) if found else 0


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


USERS = "CREATE TABLE users (id bigint PRIMARY KEY);\n"
EMAIL = "ALTER TABLE users ADD COLUMN email text;\n"
INDEX = "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);\n"


def golang_migrate(project: Path, url: str) -> None:
    _write(project / "db" / "migrations", {
        "000001_create_users.up.sql": USERS, "000001_create_users.down.sql": "DROP TABLE users;\n",
        # golang-migrate users wrap files in a transaction of their own
        "000002_add_email.up.sql": f"BEGIN;\n{EMAIL}COMMIT;\n",
        "000002_add_email.down.sql": "ALTER TABLE users DROP COLUMN email;\n",
        "000003_index_email.up.sql": INDEX, "000003_index_email.down.sql": "DROP INDEX CONCURRENTLY idx_users_email;\n",
    })
    execute(url, USERS + EMAIL + "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY,"
                 " dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, false);")


def dbmate(project: Path, url: str) -> None:
    _write(project / "db" / "migrations", {
        "20240101120000_create_users.sql": f"-- migrate:up\n{USERS}\n-- migrate:down\nDROP TABLE users;\n",
        "20240202120000_add_email.sql": f"-- migrate:up\n{EMAIL}\n-- migrate:down\n"
                                        "ALTER TABLE users DROP COLUMN email;\n",
        "20240303120000_index_email.sql": f"-- migrate:up transaction:false\n{INDEX}\n"
                                          "-- migrate:down transaction:false\n"
                                          "DROP INDEX CONCURRENTLY IF EXISTS idx_users_email;\n",
    })
    execute(url, USERS + EMAIL + "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);"
                 " INSERT INTO schema_migrations VALUES ('20240101120000'), ('20240202120000');")


def flyway(project: Path, url: str) -> None:
    _write(project / "sql", {"V1__create_users.sql": USERS, "V2__add_email.sql": EMAIL,
                             "U2__add_email.sql": "ALTER TABLE users DROP COLUMN email;\n", "V3__index_email.sql": INDEX})
    rows = ", ".join(f"({n}, '{n}', 'x', 'SQL', 'V{n}__x.sql', 1, 'flyway', now(), 5, true)" for n in (1, 2))
    execute(url, USERS + EMAIL + "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY,"
                 " version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,"
                 " script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,"
                 " installed_on timestamp NOT NULL, execution_time int NOT NULL, success boolean NOT NULL);"
                 f" INSERT INTO flyway_schema_history VALUES {rows};")


MOVES: dict[str, tuple[Callable[[Path, str], None], set[str]]] = {
    "From golang-migrate": (golang_migrate, {"000001_create_users", "000002_add_email", "000003_index_email"}),
    "From dbmate": (dbmate, {"20240101120000_create_users", "20240202120000_add_email",
                             "20240303120000_index_email"}),
    "From Flyway": (flyway, {"0001_create_users", "0002_add_email", "0003_index_email"}),
}


@pytest.mark.parametrize("title", list(MOVES))
def test_each_move_runs_as_the_readme_says(title: str, tmp_path: Path, pg_url: str) -> None:
    setup, applied = MOVES[title]
    project = tmp_path / "project"
    setup(project, pg_url)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lockgate").write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m lockgate \"$@\"\n")
    (bin_dir / "lockgate").chmod(0o755)
    env = clean_env({"DATABASE_URL": pg_url})
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"
    lines = _walkthrough(title)
    assert any("baseline" in line for line in lines)
    for line in lines:
        proc = subprocess.run(["bash", "-c", line], cwd=project, env=env, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == _expected_exit(line), f"{line}\n{proc.stdout}\n{proc.stderr}"
        said = re.search(r"  # exit \d+: (.*)$", line)
        if said:  # what the README says it prints is what it prints
            assert said[1] in proc.stderr, f"{line}\n{proc.stderr}"
    assert {r[0] for r in query(pg_url, "SELECT version FROM schema_migrations")} == applied
    assert query(pg_url, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_users_email'") == [(1,)]


def test_the_section_names_the_test_that_runs_it() -> None:
    section = README.split("## Moving from golang-migrate, dbmate, Flyway\n", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)`", section)
    assert named == [f"tests/{Path(__file__).name}"], named
