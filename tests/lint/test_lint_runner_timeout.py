"""missing-lock-timeout knows that `lockgate up` sets a lock_timeout itself on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

import lockgate

ALTER = "ALTER TABLE accounts ADD COLUMN note text;\n"


def _rules(tmp_path: Path, toml: str, text: str, url: str = "postgresql://app@db.example/app") -> set[str]:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_note.up.sql").write_text(text)
    (tmp_path / "lockgate.toml").write_text(f'database_url = "{url}"\n' + toml)
    settings = lockgate.load_settings(tmp_path, environ={})
    report = lockgate.lint_project(settings, cache=False)
    return {f.rule for f in report.active}


def test_not_raised_for_migrations_lockgate_runs_with_its_timeouts(tmp_path: Path) -> None:
    assert "missing-lock-timeout" not in _rules(tmp_path, "", ALTER)


@pytest.mark.parametrize("toml, header", [("lock_timeout = 0\n", ""), ("", "-- lockgate:lock-timeout 0\n")])
def test_raised_when_lockgate_runs_it_without_one(tmp_path: Path, toml: str, header: str) -> None:
    assert "missing-lock-timeout" in _rules(tmp_path, toml, header + ALTER)


def test_raised_where_up_sets_no_lock_timeout_sqlite(tmp_path: Path) -> None:
    assert "missing-lock-timeout" in _rules(tmp_path, "", ALTER, url="sqlite:///app.db")
