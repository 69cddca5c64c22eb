"""`lockgate plan` and `up --dry-run`: each statement's lock, rewrite and scan, the tables' sizes, lint."""

from __future__ import annotations

import json

import lockgate
from fixtures.projects import Project

ACCOUNTS = ("CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL DEFAULT 0);\n"
            "INSERT INTO accounts SELECT g FROM generate_series(1, 5000) g;\n")


def _populated(p: Project) -> Project:
    p.add("0001_accounts", ACCOUNTS, "DROP TABLE accounts;")
    lockgate.up(p.settings())
    p.execute("ANALYZE accounts")
    p.add("0002_note", "ALTER TABLE accounts ADD COLUMN note text;\n"
                       "CREATE INDEX accounts_balance ON accounts (balance);\n",
          "ALTER TABLE accounts DROP COLUMN note;")
    p.add("0003_backfill", "-- lockgate:ignore unbounded-dml backfill of a new column\n"
                           "UPDATE accounts SET note = 'x';\n", "UPDATE accounts SET note = NULL;")
    return p


def test_plan_json_names_each_lock_rewrite_scan_and_the_table_size(pg_project: Project) -> None:
    p = _populated(Project(pg_project.dir, pg_project.url, lint=True))
    out = p.cli("plan", "--json", check=0)
    plan = json.loads(out.stdout)
    assert [m["version"] for m in plan["migrations"]] == ["0002_note", "0003_backfill"]
    note, backfill = plan["migrations"]
    alter, index = note["statements"]
    assert (alter["line"], alter["strongest"], alter["rewrites"], alter["scans"]) == (1, "ACCESS EXCLUSIVE", False,
                                                                                      False)
    assert alter["locks"] == [{"relation": "accounts", "kind": "table", "mode": "ACCESS EXCLUSIVE", "new": False}]
    assert (index["line"], index["strongest"], index["scans"]) == (2, "SHARE", True)
    assert {"relation": "accounts_balance", "kind": "index", "mode": "ACCESS EXCLUSIVE", "new": True} in index["locks"]
    update, = backfill["statements"]
    assert (update["line"], update["strongest"], update["scans"]) == (2, "ROW EXCLUSIVE", True)
    table, = note["tables"]
    assert (table["relation"], table["rows"], table["rows_from"]) == ("accounts", 5000, "estimate")
    assert table["bytes"] > 100_000
    # Lint's findings come with it: a plain CREATE INDEX on a 5,000-row table (small: a warning).
    assert ("index-not-concurrent", "warning") in {(f["rule"], f["severity"]) for f in note["findings"]}
    assert note["no_transaction"] is False and "sql" not in note
    assert plan["locks_known"] is True and plan["lint_failing"] == 0
    assert set(p.ledger()) == {"0001_accounts"}  # nothing ran
    # The pre-checks' results come with it, as `up` would run them (lockgate.safety.precheck).
    checks = {c["name"]: c["status"] for c in plan["checks"]}
    assert checks["connections"] == "pass" and checks["long-queries"] == "pass"


def test_plan_text_and_sql(pg_project: Project) -> None:
    p = _populated(pg_project)
    text = p.cli("plan", "--sql", check=0).stdout
    assert "0002_note  (in one transaction)" in text
    assert "ACCESS EXCLUSIVE on accounts (blocks reads and writes)" in text
    assert "SHARE on accounts (blocks writes)" in text and "scans the table" in text
    assert "ROW EXCLUSIVE on accounts" in text
    assert "table accounts: ~5,000 rows" in text
    assert "pre-check connections: pass" in text
    assert "    UPDATE accounts SET note = 'x';" in text  # --sql: the file as it would run


def test_up_dry_run_shows_the_same_plan_and_sql(pg_project: Project) -> None:
    p = _populated(pg_project)
    report = json.loads(p.cli("up", "--dry-run", "--sql", "--json", check=0).stdout)
    assert report["dry_run"] is True and report["planned"] == ["0002_note", "0003_backfill"]
    assert report["plan"]["migrations"][0]["sql"].startswith("ALTER TABLE accounts ADD COLUMN note text;")
    assert report["plan"]["migrations"][0]["statements"][0]["strongest"] == "ACCESS EXCLUSIVE"
    assert p.cli("up", "--sql").returncode == 2  # --sql alone: there is no dry run to show


def test_a_never_analysed_table_is_judged_by_its_size_on_disk(pg_project: Project) -> None:
    p = pg_project
    p.add("0001_t", "CREATE TABLE empty_t (id int); CREATE TABLE full_t (id int);"
                    "INSERT INTO full_t SELECT generate_series(1, 1000);", "DROP TABLE empty_t, full_t;")
    lockgate.up(p.settings())
    p.add("0002_x", "ALTER TABLE empty_t ADD COLUMN a int; ALTER TABLE full_t ADD COLUMN a int;", "SELECT 1;")
    plan = lockgate.plan(p.settings())
    sizes = {t.name: (t.rows, t.source) for t in plan.migrations[0].tables}
    assert sizes == {"empty_t": (0, "empty"), "full_t": (None, "not analysed")}


def test_drop_index_names_the_table_it_locks_and_no_transaction_is_shown(pg_project: Project) -> None:
    p = pg_project
    p.add("0001_t", "CREATE TABLE t (id int); CREATE INDEX t_id ON t (id);", "DROP TABLE t;")
    lockgate.up(p.settings())
    p.add("0002_drop", "DROP INDEX CONCURRENTLY t_id;", "SELECT 1;", no_transaction=True)
    m, = lockgate.plan(p.settings()).migrations
    assert m.no_transaction
    assert [(lk.relation, lk.kind, lk.mode) for lk in m.statements[0].locks] == [
        ("t_id", "index", "SHARE UPDATE EXCLUSIVE"), ("t", "table", "SHARE UPDATE EXCLUSIVE")]


def test_plan_on_sqlite_lists_statements_and_says_locks_are_not_applicable(sqlite_project: Project) -> None:
    p = sqlite_project
    p.add("0001_t", "CREATE TABLE t (id INTEGER);\nINSERT INTO t VALUES (1);", "DROP TABLE t;")
    out = p.cli("plan", "--json", check=0)
    plan = json.loads(out.stdout)
    assert plan["locks_known"] is False and "not applicable on SQLite" in plan["notes"][0]
    assert [s["line"] for s in plan["migrations"][0]["statements"]] == [1, 2]
    assert "not applicable on SQLite" in p.cli("plan", check=0).stderr
    assert not p.tables() - {"schema_migrations", "schema_migrations_history"}


def test_a_failing_pre_check_is_in_the_plan_which_still_changes_nothing(pg_project: Project) -> None:
    from fixtures.sessions import running, wait_for

    p = _populated(pg_project)
    (p.dir / "lockgate.toml").write_text('[checks]\nlong_query = "200ms"\n')
    with running(p.url, "SELECT pg_sleep(60) FROM accounts LIMIT 1") as pid:
        wait_for(p.url, "SELECT now() - query_start > interval '300 ms' FROM pg_stat_activity WHERE pid = %s", pid)
        plan = json.loads(p.cli("plan", "--json", check=0).stdout)
        assert p.cli("up").returncode == 1  # what the plan warns of stops the real run
    long_queries, = [c for c in plan["checks"] if c["name"] == "long-queries"]
    assert long_queries["status"] == "fail"
    assert "accounts" in long_queries["message"] + " ".join(long_queries["details"])
    assert set(p.ledger()) == {"0001_accounts"}
