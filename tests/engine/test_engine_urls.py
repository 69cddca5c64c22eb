"""Database URLs against a real server: how libpq will read them, and what an error may show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures.postgres import PasswordDb
from fixtures.projects import Project, one_line_error

from lockgate.dialects import open_adapter
from lockgate.urls import DatabaseUrl


@pytest.mark.parametrize("scheme", ["POSTGRESQL", "Postgres", "postgresql+psycopg"])
def test_any_spelling_of_the_scheme_connects(pg_url: str, tmp_path: Path, scheme: str) -> None:
    project = Project(tmp_path / "p", scheme + pg_url[pg_url.index(":"):])
    project.add("0001_a", "CREATE TABLE a (id INT);")
    project.cli("up", check=0)
    assert Project(tmp_path / "check", pg_url).ledger().keys() == {"0001_a"}


def _timeout(url: str) -> str:
    adapter = open_adapter(DatabaseUrl.parse(url), ledger_table="schema_migrations")
    try:
        return str(adapter.conn.info.get_parameters()["connect_timeout"])  # type: ignore[attr-defined]
    finally:
        adapter.close()


def test_the_urls_own_connect_timeout_is_kept(pg_url: str) -> None:
    sep = "&" if "?" in pg_url else "?"
    assert _timeout(pg_url + f"{sep}connect_timeout=3") == "3"
    assert _timeout(pg_url) == "10"  # lockgate's default, when the URL says nothing


@pytest.mark.parametrize("piece", ["/", "#", "?", "@", "/x#y?z@w"])
def test_an_unencoded_password_is_refused_without_any_piece_of_it(pg_password_db: PasswordDb, tmp_path: Path,
                                                                   piece: str) -> None:
    # Today libpq would read "Pa55" as the password and the rest as a host to resolve, and say so.
    password = f"Pa55{piece}w0rdTail"
    url = pg_password_db.url.replace(f":{pg_password_db.password}@", f":{password}@")
    project = Project(tmp_path / "p", url)
    project.add("0001_a", "SELECT 1;")
    for args in (("status",), ("up",), ("--json", "up")):
        result = project.cli(*args)
        line = one_line_error(result, 2) if "--json" not in args else result.stderr
        assert result.returncode == 2, result
        for fragment in ("Pa55", "w0rd", "Tail", "x#y", "z@w"):
            assert fragment not in result.output, (fragment, result)
        assert "percent-encoded" in line and "%40" in line, line


def test_a_malformed_port_is_a_configuration_error(pg_password_db: PasswordDb, tmp_path: Path) -> None:
    url = re.sub(r":\d+/", ":5x32/", pg_password_db.url)
    project = Project(tmp_path / "p", url)
    project.add("0001_a", "SELECT 1;")
    line = one_line_error(project.cli("status"), 2)
    assert "malformed" in line and pg_password_db.password not in line
