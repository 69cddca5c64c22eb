"""What a new user's walkthrough found in goto's summary, baseline's Flyway wording, a
mistyped ledger_table under status/verify, and mistyped header directives."""

from __future__ import annotations

from fixtures.projects import Project


def _three(p: Project) -> None:
    for n, name in enumerate(("a", "b", "c"), 1):
        p.add(f"000{n}_{name}", f"CREATE TABLE {name} (id INTEGER);", f"DROP TABLE {name};")


def test_goto_says_which_way_it_went_and_when_it_is_already_there(project: Project) -> None:
    _three(project)
    project.cli("goto", "1", check=0)
    up = project.cli("goto", "3", check=0)
    assert "Applied 2 migration(s)" in up.stderr + up.stdout
    assert "Rolled back" not in up.stderr + up.stdout
    down = project.cli("goto", "1", check=0)
    assert "Rolled back 2 migration(s)" in down.stderr + down.stdout
    project.cli("goto", "3", check=0)
    there = project.cli("goto", "3", check=0)
    assert "already at 3" in there.stderr + there.stdout
    assert "no applied migrations" not in there.stderr + there.stdout
