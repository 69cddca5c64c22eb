"""`up` and `down` on both engines: the runbook walk-through, ordering, the ledger's shape."""

from __future__ import annotations

import hashlib

from fixtures.projects import Project
from fixtures.runbook import PRODUCTS_DOWN, PRODUCTS_UP

import lockgate


def test_runbook_walkthrough_up_down_up(project: Project) -> None:
    up_path = project.add("0010_add_products", PRODUCTS_UP[project.engine], PRODUCTS_DOWN)
    s = project.settings()

    report = lockgate.up(s)
    assert [(st.ident, st.outcome) for st in report.steps] == [("0010_add_products", "applied")]
    assert project.query("SELECT name, stock FROM products") == [("Sample Product", 100)]
    assert {"idx_products_name", "idx_products_price"} <= project.indexes()
    checksum = hashlib.sha256(up_path.read_bytes()).hexdigest()
    assert project.ledger() == {"0010_add_products": (checksum, False)}

    report = lockgate.down(s, steps=1)
    assert [(st.ident, st.outcome) for st in report.steps] == [("0010_add_products", "rolled_back")]
    assert "products" not in project.tables()
    assert project.ledger() == {}

    lockgate.up(s)
    assert project.query("SELECT count(*) FROM products") == [(1,)]
    assert project.ledger() == {"0010_add_products": (checksum, False)}
    assert [(h["version"], h["direction"], h["outcome"]) for h in project.history()] == [
        ("0010_add_products", "up", "applied"),
        ("0010_add_products", "down", "rolled_back"),
        ("0010_add_products", "up", "applied"),
    ]
    assert [m.state.value for m in lockgate.status(s)] == ["applied"]


def test_second_up_has_nothing_to_do(project: Project) -> None:
    project.add("0001_t", "CREATE TABLE t (id INTEGER);", "DROP TABLE t;")
    s = project.settings()
    lockgate.up(s)
    again = lockgate.up(s)
    assert again.steps == ()
    assert len(project.history()) == 1


def test_versions_apply_in_integer_order(project: Project) -> None:
    # Each migration needs the one before it, so any other order fails.
    project.add("9_create", "CREATE TABLE t (id INTEGER);")
    project.add("10_add_column", "ALTER TABLE t ADD COLUMN name TEXT;")
    project.add("0100_insert", "INSERT INTO t (id, name) VALUES (1, 'a');")
    project.add("20240917172257_billing-entities", "CREATE TABLE billing_entities (id INTEGER);")
    project.add("20241110663911_upgrade_channels_v6.0", "INSERT INTO billing_entities VALUES (1);")
    report = lockgate.up(project.settings())
    assert [st.ident for st in report.steps] == ["9_create", "10_add_column", "0100_insert",
                                                 "20240917172257_billing-entities",
                                                 "20241110663911_upgrade_channels_v6.0"]
    assert project.query("SELECT id, name FROM t") == [(1, "a")]
    assert set(project.ledger()) == {st.ident for st in report.steps}


def test_up_to_stops_at_the_version(project: Project) -> None:
    for n in (1, 2, 3):
        project.add(f"000{n}_t{n}", f"CREATE TABLE t{n} (id INTEGER);", f"DROP TABLE t{n};")
    s = project.settings()
    lockgate.up(s, to="0002")
    assert set(project.ledger()) == {"0001_t1", "0002_t2"}
    assert "t3" not in project.tables()
    lockgate.up(s, to="0003_t3")
    assert set(project.ledger()) == {"0001_t1", "0002_t2", "0003_t3"}


def test_status_states(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    project.add("0002_b", "CREATE TABLE b (id INTEGER);", "DROP TABLE b;")
    project.add("0003_c", "CREATE TABLE c (id INTEGER);", "DROP TABLE c;")
    s = project.settings()
    assert [(m.ident, m.state.value) for m in lockgate.status(s)] == [
        ("0001_a", "pending"), ("0002_b", "pending"), ("0003_c", "pending")]
    lockgate.up(s, to="0002")
    project.execute("UPDATE schema_migrations SET dirty = TRUE WHERE version = '0002_b'")
    (project.migrations / "0001_a.up.sql").write_text("CREATE TABLE a (id INTEGER, x INTEGER);")
    project.execute("INSERT INTO schema_migrations (version, checksum, dirty) VALUES ('0000_gone', 'abc', FALSE)")
    states = {m.ident: m for m in lockgate.status(s)}
    assert {k: v.state.value for k, v in states.items()} == {
        "0000_gone": "missing", "0001_a": "checksum_mismatch", "0002_b": "dirty", "0003_c": "pending"}
    assert states["0001_a"].applied_at is not None
    assert states["0003_c"].applied_at is None
    assert states["0001_a"].checksum == hashlib.sha256(b"CREATE TABLE a (id INTEGER, x INTEGER);").hexdigest()


def test_history_records_who_where_and_how_long(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);", "DROP TABLE a;")
    s = project.settings()
    lockgate.up(s)
    lockgate.down(s)
    entries = lockgate.history(s)
    assert [(e.version, e.direction, e.outcome) for e in entries] == [("0001_a", "up", "applied"),
                                                                     ("0001_a", "down", "rolled_back")]
    for e in entries:
        assert e.started_at is not None and e.finished_at is not None and e.started_at <= e.finished_at
        assert e.duration_ms is not None and e.duration_ms >= 0
        assert e.os_user and e.host and e.tool_version == lockgate.__version__
        assert e.checksum == hashlib.sha256(b"CREATE TABLE a (id INTEGER);").hexdigest()
    assert entries[0].run_id != entries[1].run_id


def test_on_event_reports_progress_without_printing(project: Project, capsys) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    events = []
    lockgate.up(project.settings(), on_event=events.append)
    names = [e.event for e in events]
    assert names.index("migration_start") < names.index("migration_finish")
    finish = next(e for e in events if e.event == "migration_finish")
    assert finish.fields["version"] == "0001_a" and finish.fields["type"] == "up"
    assert capsys.readouterr() == ("", "")


def test_ledger_table_is_created_on_first_use_with_the_runbook_columns(project: Project) -> None:
    project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    assert "schema_migrations" not in project.tables()
    lockgate.up(project.settings())
    if project.engine == "postgresql":
        cols = project.query(
            "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
            " WHERE table_name = 'schema_migrations' AND table_schema = current_schema() ORDER BY ordinal_position")
        assert [(c, t, n) for c, t, n, _ in cols] == [
            ("version", "text", "NO"), ("applied_at", "timestamp with time zone", "NO"),
            ("checksum", "text", "NO"), ("dirty", "boolean", "NO")]
        defaults = {c: d for c, _, _, d in cols}
        assert defaults["applied_at"] == "now()" and defaults["dirty"] == "false"
        pk = project.query("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                           " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'schema_migrations'::regclass"
                           " AND i.indisprimary")
        assert pk == [("version",)]
    else:
        info = project.query("PRAGMA table_info(schema_migrations)")
        assert [(r[1], r[3], r[5]) for r in info] == [("version", 0, 1), ("applied_at", 1, 0),
                                                      ("checksum", 1, 0), ("dirty", 1, 0)]


def test_schema_qualified_ledger_table_on_postgresql(pg_project: Project) -> None:
    pg_project.add("0001_a", "CREATE TABLE a (id INTEGER);")
    s = pg_project.settings(ledger_table="ops.migrations")
    pg_project.execute("CREATE SCHEMA ops")  # lockgate does not create it (a typo would make one)
    lockgate.up(s)
    assert pg_project.query("SELECT version, dirty FROM ops.migrations") == [("0001_a", False)]
    assert pg_project.query("SELECT count(*) FROM ops.migrations_history") == [(1,)]
    assert "schema_migrations" not in pg_project.tables()
    assert [m.state.value for m in lockgate.status(s)] == ["applied"]


def test_postgresql_connection_sets_application_name(pg_project: Project) -> None:
    # While a migration runs its session says which one and which attempt (lockgate monitor reads it).
    pg_project.add("0001_app", "CREATE TABLE seen AS SELECT current_setting('application_name') AS app;")
    lockgate.up(pg_project.settings())
    assert pg_project.query("SELECT app FROM seen") == [("lockgate up 0001_app attempt 1",)]
