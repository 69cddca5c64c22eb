"""The engine: migrations in order, cumulative runs, options, parallel runs, a live PostgreSQL catalog."""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path
from typing import Any

import pytest

from lockgate.lint import LintOptions, Severity, lint_migrations, lint_paths, lint_text
from lockgate.model import Migration, MigrationFile


def migration(directory: Path, version: int, name: str, up: str, down: str | None = "SELECT 1;",
              no_transaction: bool = False) -> Migration:
    up_path = directory / f"{version:04d}_{name}.up.sql"
    up_path.write_text(up)
    down_path = None
    if down is not None:
        down_path = directory / f"{version:04d}_{name}.down.sql"
        down_path.write_text(down)
    return Migration(version, name, MigrationFile(up_path, up, hashlib.sha256(up.encode()).hexdigest(),
                                                  no_transaction), down_path)


def rules(report: Any, path: Path | None = None) -> list[str]:
    return [f.rule for f in report.active if path is None or f.file == path]


def test_cumulative_runs_count_earlier_tables_as_new(tmp_path: Path) -> None:
    first = migration(tmp_path, 1, "create_orders", "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);")
    second = migration(tmp_path, 2, "index_orders", "CREATE INDEX IF NOT EXISTS idx_o ON orders (id);")
    plain = lint_migrations([first, second], LintOptions())
    assert "index-not-concurrent" in rules(plain, second.up.path)
    cumulative = lint_migrations([first, second], LintOptions(), cumulative=True)
    assert rules(cumulative, second.up.path) == []


def test_missing_down_and_the_engine_reading_of_no_transaction(tmp_path: Path) -> None:
    m = migration(tmp_path, 3, "concurrent", "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);", down=None,
                  no_transaction=True)
    report = lint_migrations([m], LintOptions())
    assert rules(report) == ["missing-down"]
    assert report.files[0].ident == "0003_concurrent" and report.files[0].no_transaction


def test_rule_severity_and_off_from_config() -> None:
    options = LintOptions.from_config({"rules": {"drop-table": "warning", "non-idempotent": "off",
                                                 "contract-without-tag": "off"}})
    report = lint_text("SET lock_timeout = '1s'; DROP TABLE legacy;", options)
    assert [(f.rule, f.severity) for f in report.findings] == [("drop-table", Severity.WARNING)]
    assert report.exit_code() == 0 and report.exit_code("warning") == 1


def test_fail_on_thresholds() -> None:
    report = lint_text("CREATE TABLE t (id int);", LintOptions())
    assert [f.rule for f in report.findings] == ["non-idempotent"]
    assert report.failing("error") == [] and report.failing("warning") == []
    assert len(report.failing("info")) == 1


def test_order_of_files_in_a_folder_is_the_version_order(tmp_path: Path) -> None:
    for name in ("10_c.up.sql", "9_b.up.sql", "1_a.up.sql", "notes.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    report = lint_paths([tmp_path], LintOptions())
    assert [r.file.name for r in report.files] == ["1_a.up.sql", "9_b.up.sql", "10_c.up.sql", "notes.sql"]


def test_down_files_and_hidden_folders_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "0001_a.up.sql").write_text("SELECT 1;")
    (tmp_path / "0001_a.down.sql").write_text("DROP TABLE everything;")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.sql").write_text("DROP TABLE y;")
    report = lint_paths([tmp_path], LintOptions())
    assert [r.file.name for r in report.files] == ["0001_a.up.sql"] and report.findings == ()


def _corpus(directory: Path, count: int) -> None:
    """Files whose findings depend on facts left by files far before them, through renames in other slices."""
    for n in range(1, count + 1):
        if n == 1:
            sql = ("CREATE TABLE IF NOT EXISTS items (id int, code varchar(10), price numeric(8,2));\n"
                   "ALTER TABLE items ADD CONSTRAINT items_code_nn CHECK (code IS NOT NULL) NOT VALID;")
        elif n == 2:
            sql = "-- lockgate:no-transaction\nALTER TABLE items VALIDATE CONSTRAINT items_code_nn;"
        elif n == count // 2:  # items' facts follow it to goods.sku; the name items is free again
            sql = "ALTER TABLE items RENAME TO goods;\nALTER TABLE goods RENAME COLUMN code TO sku;"
        elif n == count // 2 + 1:  # another table under the old name: none of the old facts are its own
            sql = "CREATE TABLE IF NOT EXISTS items (id int, code varchar(10));"
        elif n == count - 40:
            sql = "ALTER TABLE goods SET SCHEMA shop;"
        elif n == count - 1:
            sql = ("SET lock_timeout = '1s';\nALTER TABLE shop.goods ALTER COLUMN sku SET NOT NULL;\n"
                   "ALTER TABLE shop.goods ALTER COLUMN sku TYPE varchar(20);\n"
                   "ALTER TABLE shop.goods ALTER COLUMN price TYPE numeric(8,1);\n"
                   "ALTER TABLE items ALTER COLUMN code SET NOT NULL;")
        elif n % 7 == 0:
            sql = f"ALTER TABLE t{n - 1} RENAME COLUMN a TO b;\n-- lockgate:ignore drop-table ok\nDROP TABLE x{n};"
        else:
            sql = (f"CREATE TABLE IF NOT EXISTS t{n} (id bigint, a text);\n"
                   f"CREATE INDEX IF NOT EXISTS i{n} ON t{n} (a);\nUPDATE items SET price = 1;")
        (directory / f"{n:04d}_m{n}.up.sql").write_text(sql)


@pytest.mark.parametrize("jobs", [2, 3, 7])
def test_parallel_runs_give_exactly_the_sequential_result(tmp_path: Path, jobs: int) -> None:
    _corpus(tmp_path, 300)
    sequential = lint_paths([tmp_path], LintOptions(), jobs=1)
    parallel = lint_paths([tmp_path], LintOptions(), jobs=jobs)
    assert parallel.findings == sequential.findings
    assert parallel.files == sequential.files and parallel.notes == sequential.notes
    late = [f.rule for f in sequential.active if f.file.name.startswith("0299_") and f.rule != "missing-down"]
    # SET NOT NULL proven by 0001/0002; varchar widened (known old type); numeric scale changed: rewrite;
    # all three through the renames of 0150 and 0260. The new items.code has no proof: a scan under lock.
    assert late == ["change-column-type", "set-not-null"]


def test_parallel_run_leaves_garbage_collection_as_it_found_it(tmp_path: Path) -> None:
    _corpus(tmp_path, 200)
    assert gc.get_freeze_count() == 0
    lint_paths([tmp_path], LintOptions(), jobs=2)
    assert gc.get_freeze_count() == 0  # frozen for the fork, unfrozen after
    gc.freeze()  # an application that froze its own objects keeps them frozen
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        lint_paths([tmp_path], LintOptions(), jobs=2)
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("fault", ["raises", "sends nonsense"])
def test_a_failing_worker_costs_time_not_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  fault: str) -> None:
    from lockgate.lint import parallel

    _corpus(tmp_path, 300)
    sequential = lint_paths([tmp_path], LintOptions(), jobs=1)

    def broken(run: Any, part: list[Any]) -> list[Any]:
        if fault == "raises":
            raise OSError("disk gone")
        return [("not", "an", "outcome")] * len(part)

    monkeypatch.setattr(parallel, "_lint_slice", broken)  # runs in the forked children only
    parallel_report = lint_paths([tmp_path], LintOptions(), jobs=3)
    assert parallel_report.findings == sequential.findings and parallel_report.files == sequential.files


# -- with a live PostgreSQL database -----------------------------------------------------------

@pytest.fixture
def catalog(pg_url: str) -> Any:
    """The PostgreSQL adapter itself, as `lockgate up` hands it to the linter: a catalog written
    for the tests would answer what the tests expect, not what the adapter does."""
    from lockgate.dialects.postgres import PostgresAdapter
    from lockgate.urls import DatabaseUrl

    adapter = PostgresAdapter.connect(DatabaseUrl.parse(pg_url), ledger_table="schema_migrations")
    try:
        conn = adapter.conn
        conn.execute("CREATE TABLE small (id bigint, email text)")
        conn.execute("INSERT INTO small SELECT g, 'x' FROM generate_series(1, 100) g")
        conn.execute("CREATE TABLE big (id bigint, email text)")
        conn.execute("INSERT INTO big SELECT g, 'x' FROM generate_series(1, 20000) g")
        conn.execute("CREATE TABLE unanalysed (id bigint, email text)")  # never analysed: reltuples -1
        conn.execute("INSERT INTO unanalysed SELECT g, 'x' FROM generate_series(1, 20000) g")
        conn.execute("ANALYZE small")
        conn.execute("ANALYZE big")
        yield adapter
    finally:
        adapter.close()


def test_live_catalog_tables_absent_from_the_database_are_new(catalog: Any) -> None:
    report = lint_text("SET lock_timeout = '1s';\nCREATE INDEX IF NOT EXISTS i1 ON not_there_yet (a);\n"
                       "CREATE INDEX IF NOT EXISTS i2 ON big (email);", LintOptions(), live=catalog)
    assert [(f.rule, f.line, f.severity) for f in report.active] == [("index-not-concurrent", 3, Severity.ERROR)]
    assert report.pg_version == catalog.server_version_num() // 10000


def test_live_catalog_small_tables_drop_to_warnings_with_a_note(catalog: Any) -> None:
    text = ("SET lock_timeout = '1s';\nCREATE INDEX IF NOT EXISTS i1 ON small (email);\n"
            "ALTER TABLE small ALTER COLUMN email SET NOT NULL;\nCREATE INDEX IF NOT EXISTS i2 ON big (email);")
    report = lint_text(text, LintOptions(small_table_rows=10_000), live=catalog)
    got = {(f.rule, f.line): f for f in report.active}
    assert got[("index-not-concurrent", 2)].severity is Severity.WARNING
    assert "about 100 rows" in got[("index-not-concurrent", 2)].notes[0]
    assert got[("set-not-null", 3)].severity is Severity.WARNING
    assert got[("index-not-concurrent", 4)].severity is Severity.ERROR
    # Not lock-related: data loss stays an error however small the table.
    lost = lint_text("DROP TABLE small;", LintOptions(), live=catalog)
    assert {f.rule: f.severity for f in lost.active}["drop-table"] is Severity.ERROR


def test_live_catalog_a_never_analysed_table_is_not_taken_for_a_small_one(catalog: Any) -> None:
    """20,000 rows the planner has no statistics for: the lock finding stays an error."""
    report = lint_text("SET lock_timeout = '1s';\nCREATE INDEX IF NOT EXISTS i1 ON unanalysed (email);",
                       LintOptions(small_table_rows=10_000), live=catalog)
    assert [(f.rule, f.severity) for f in report.active] == [("index-not-concurrent", Severity.ERROR)]


def test_live_catalog_knows_column_types_and_validated_checks_of_applied_migrations(catalog: Any) -> None:
    """What applied migrations created is in the database, not in the files linted: ask it."""
    catalog.conn.execute("CREATE TABLE orders (status varchar(20), amount numeric(10,2), note text, code int)")
    catalog.conn.execute("ALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL)")
    catalog.conn.execute("ALTER TABLE orders ADD CONSTRAINT orders_code_nn CHECK (code IS NOT NULL) NOT VALID")
    head = "SET lock_timeout = '5s';\n"

    def rules(sql: str) -> list[str]:
        return [f.rule for f in lint_text(head + sql, LintOptions(pg_version=15), live=catalog).active]

    assert rules("ALTER TABLE orders ALTER COLUMN status TYPE varchar(64);") == []
    assert rules("ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2);") == []
    widened = lint_text(head + "ALTER TABLE orders ALTER COLUMN status TYPE bigint USING status::bigint;",
                        LintOptions(), live=catalog).active
    assert [f.rule for f in widened] == ["change-column-type"] and "from varchar(20)" in widened[0].message
    assert rules("ALTER TABLE orders ALTER COLUMN note SET NOT NULL;") == []  # a validated CHECK proves it
    assert rules("ALTER TABLE orders ALTER COLUMN code SET NOT NULL;") == ["set-not-null"]  # NOT VALID proves nothing
    catalog.conn.execute("ALTER TABLE orders VALIDATE CONSTRAINT orders_code_nn")
    assert rules("ALTER TABLE orders ALTER COLUMN code SET NOT NULL;") == []
    # A fact from the run itself wins over the database: the file changed the type first.
    assert rules("ALTER TABLE orders ALTER COLUMN status TYPE text;\n"
                 "ALTER TABLE orders ALTER COLUMN status TYPE varchar(10);") == ["change-column-type"]


def test_installing_a_long_history_on_an_empty_database_is_never_blocked(catalog: Any,
                                                                        tmp_path: Path) -> None:
    history = []
    for n in range(1, 41):
        history.append(migration(tmp_path, n, f"m{n}", f"CREATE TABLE t{n} (id int, a text);\n"
                                 f"CREATE INDEX i{n} ON t{n} (a);\nALTER TABLE t{n} ADD COLUMN b int NOT NULL;\n"
                                 + (f"ALTER TABLE t{n - 1} RENAME COLUMN a TO c;\nDROP TABLE t{n - 1};"
                                    if n > 1 else "")))
    report = lint_migrations(history, LintOptions(), live=catalog, cumulative=True)
    assert report.failing("error") == []
