"""Realistic project folders (the linter's corpus: timestamped golang-migrate pairs with DO
blocks, PL/pgSQL functions, triggers, partitions, seeds) go through the engine unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import lockgate
from lockgate.errors import MissingDownError

from fixtures.projects import Project

CORPUS = Path(__file__).resolve().parents[1] / "lint" / "corpus"


def test_saas_project_applies_and_rolls_back(pg_project: Project) -> None:
    shutil.rmtree(pg_project.migrations, ignore_errors=True)
    shutil.copytree(CORPUS / "saas", pg_project.migrations)
    settings = pg_project.settings(lint_on_up=False)
    report = lockgate.up(settings)
    assert len(report.steps) == 20
    assert {s.state.value for s in lockgate.status(settings)} == {"applied"}
    assert lockgate.verify(settings) == []
    # Two migrations of that project ship no down file: rolling back everything stops
    # at the newest of them, before any change.
    before = pg_project.tables()
    try:
        lockgate.down(settings, to="0")
    except MissingDownError as exc:
        assert "20230512100000_feature_flags" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected MissingDownError")
    assert pg_project.tables() == before
    rolled = lockgate.down(settings, steps=3)
    assert len(rolled.steps) == 3
    assert sum(s.state.value == "pending" for s in lockgate.status(settings)) == 3
