"""Post-checks after `up` and `down`: row-count deltas, and `.check.sql` files beside migrations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lockgate
from fixtures.projects import Project, one_line_error
from lockgate.dialects.base import TableSize
from lockgate.safety.postchecks import PostCheckFailed, count_method

ACCOUNTS = "CREATE TABLE accounts (id INTEGER PRIMARY KEY, kind TEXT);"


def _seeded(p: Project) -> Project:
    p.add("0001_accounts", ACCOUNTS + "\nINSERT INTO accounts (id, kind) VALUES (1, 'a'), (2, 'b'), (3, 'b');",
          "DROP TABLE accounts;")
    lockgate.up(p.settings())
    return p


def test_row_count_deltas_after_up_and_down(project: Project) -> None:
    p = _seeded(project)
    p.add("0002_more", "INSERT INTO accounts (id, kind) VALUES (4, 'c'), (5, 'c');\n"
                       "CREATE TABLE notes (id INTEGER);\nINSERT INTO notes VALUES (1);",
          "DELETE FROM accounts WHERE id > 3;\nDROP TABLE notes;")
    report = lockgate.up(p.settings())
    counts = {c.relation: (c.before, c.after, c.delta, c.label) for c in report.post_checks.counts}
    assert counts == {"accounts": (3, 5, 2, "exact"), "notes": (None, 1, None, "new")}
    down = json.loads(p.cli("down", "--json", check=0).stdout)
    assert {c["relation"]: (c["before"], c["after"], c["delta"], c["counted"])
            for c in down["post_checks"]["row_counts"]} == {"accounts": (5, 3, -2, "exact"),
                                                            "notes": (1, None, None, "dropped")}


def test_above_the_threshold_the_estimate_is_used_and_labelled(pg_project: Project) -> None:
    p = _seeded(pg_project)
    p.execute("ANALYZE accounts")
    (p.dir / "lockgate.toml").write_text("[post_checks]\nexact_count_below = 2\n")
    p.add("0002_more", "INSERT INTO accounts (id, kind) VALUES (4, 'c');", "DELETE FROM accounts WHERE id = 4;")
    out = p.cli("up", check=0).stdout
    # 3 rows is not below 2: the planner's figure, which moves only at the next ANALYZE.
    assert "rows accounts: 3 -> 3 (+0) [estimate]" in out


def test_a_failing_check_file_fails_the_run_and_points_at_down(project: Project) -> None:
    p = _seeded(project)
    p.add("0002_kinds", "UPDATE accounts SET kind = NULL WHERE id = 2;", "UPDATE accounts SET kind = 'b' WHERE id = 2;")
    (p.migrations / "0002_kinds.check.sql").write_text("SELECT id FROM accounts WHERE kind IS NULL;\n")
    out = p.cli("up")
    assert out.returncode == 1 and "Traceback" not in out.output
    line = out.stderr.splitlines()[-1]
    assert "Post-check 0002_kinds.check.sql failed: it returned 1 row(s): (2,)" in line
    assert "lockgate down --steps 1 (rolls back 0002_kinds)" in line
    assert "post-check 0002_kinds.check.sql: it returned 1 row(s)" in out.stdout  # the run's report came first
    assert "0002_kinds" in p.ledger()  # applied: the check says it is wrong, down undoes it
    p.cli("down", check=0)
    with pytest.raises(PostCheckFailed) as info:  # the API raises too, with the report
        lockgate.up(p.settings())
    assert info.value.exit_code == 1 and info.value.report.post_checks.failed[0].row_count == 1
    p.cli("down", check=0)
    as_json = json.loads(p.cli("up", "--json").stdout)
    assert as_json["error"] == "PostCheckFailed" and as_json["report"]["post_checks"]["failed"] == 1


def test_a_check_returning_true_or_nothing_passes(project: Project) -> None:
    p = _seeded(project)
    p.add("0002_a", "UPDATE accounts SET kind = 'z' WHERE id = 3;", "SELECT 1;")
    p.add("0003_b", "UPDATE accounts SET kind = 'y' WHERE id = 2;", "SELECT 1;")
    (p.migrations / "0002_a.check.sql").write_text("SELECT id FROM accounts WHERE kind IS NULL;")
    (p.migrations / "0003_b.check.sql").write_text("SELECT count(*) = 3 FROM accounts;")
    report = lockgate.up(p.settings())
    assert [(c.version, c.passed) for c in report.post_checks.checks] == [("0002_a", True), ("0003_b", True)]
    p.cli("down", "--to", "0001", check=0)
    text = p.cli("up", check=0).stdout
    assert "post-check 0002_a.check.sql" in text and "post-check 0003_b.check.sql" in text


def test_a_check_returning_false_fails_and_a_later_migration_is_named_for_down(project: Project) -> None:
    p = _seeded(project)
    p.add("0002_a", "UPDATE accounts SET kind = 'z';", "SELECT 1;")
    p.add("0003_b", "UPDATE accounts SET kind = 'y' WHERE id = 2;", "SELECT 1;")
    (p.migrations / "0002_a.check.sql").write_text("SELECT count(*) = 0 FROM accounts;")
    with pytest.raises(PostCheckFailed) as info:
        lockgate.up(p.settings())
    assert "it returned false (wanted no rows, or true)" in info.value.message  # SQLite's 0 too
    assert "lockgate down --steps 2 (rolls back 0003_b, 0002_a)" in info.value.hint


def test_an_unreadable_check_file_is_exit_2_before_anything_runs(project: Project) -> None:
    p = _seeded(project)
    p.add("0002_a", "INSERT INTO accounts (id) VALUES (9);", "DELETE FROM accounts WHERE id = 9;")
    check = p.migrations / "0002_a.check.sql"
    check.write_bytes(b"SELECT '\xff';")
    line = one_line_error(p.cli("up"), 2)
    assert line.startswith("error: Check file 0002_a.check.sql cannot be read") and "nothing was applied" in line
    assert "0002_a" not in p.ledger()
    check.write_text("SELECT 1 WHERE false;")
    if os.geteuid() != 0:  # root reads any file
        check.chmod(0)
        assert one_line_error(p.cli("up"), 2).startswith("error: Check file 0002_a.check.sql cannot be read")
        check.chmod(0o644)
    (p.migrations / "0099_nothing.check.sql").write_text("SELECT 1;")
    assert "has no migration of that name" in one_line_error(p.cli("up"), 2)


def test_bad_post_checks_settings_are_exit_2(project: Project) -> None:
    (project.dir / "lockgate.toml").write_text("[post_checks]\nexact_count_below = -1\n")
    assert "post_checks.exact_count_below" in one_line_error(project.cli("status"), 2)


@given(rows=st.integers(0, 10**9), size=st.integers(0, 10**11),
       source=st.sampled_from(["estimate", "not analysed", "empty", "exact"]), below=st.integers(0, 10**7))
def test_count_method_is_exact_only_where_counting_is_cheap(rows: int, size: int, source: str,
                                                            below: int) -> None:
    table = TableSize("public", "t", rows if source != "not analysed" else None, size, source)
    method = count_method(table, below)
    if source == "estimate":
        assert method == ("exact" if rows < below else "estimate")
    elif source == "not analysed":  # only the size on disk is known
        assert method == ("exact" if size < 64 * 1024 * 1024 else "unknown")
    else:  # counted already (SQLite), or nothing on disk
        assert method == "exact"
    assert count_method(None, below) == "absent"


def test_check_files_are_not_migrations(tmp_path: Path) -> None:
    from lockgate.discovery import discover

    (tmp_path / "0001_a.up.sql").write_text("SELECT 1;")
    (tmp_path / "0001_a.check.sql").write_text("SELECT 1;")
    assert [m.ident for m in discover(tmp_path)] == ["0001_a"]
