"""`lockgate up` lints against the live database: what applied migrations created is known there.

The expand/contract pattern ships its steps in separate deploys, so when the last
step is linted the files that created the column or validated the CHECK are
already applied: the linter must learn from the database, not call it unknown.
"""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.projects import Project


def test_a_varchar_widening_after_its_table_was_applied_is_not_blocked(pg_project: Project) -> None:
    p = Project(pg_project.dir, pg_project.url, lint=True)
    p.add("0001_orders", "CREATE TABLE orders (id bigint PRIMARY KEY, status varchar(20) NOT NULL);",
          "DROP TABLE orders;")
    p.cli("up", check=0)
    p.execute("INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 20000) g")
    p.execute("ANALYZE orders")
    p.add("0002_widen_status", "SET lock_timeout = '5s';\nALTER TABLE orders ALTER COLUMN status TYPE varchar(64);",
          "SELECT 1;")
    assert p.cli("lint", "--pending", check=0).stdout.startswith("No problems in 1 file")
    p.cli("up", check=0)
    p.add("0003_status_bigint", "SET lock_timeout = '5s';\n"
          "ALTER TABLE orders ALTER COLUMN status TYPE bigint USING length(status);", "SELECT 1;")
    refused = p.cli("up")
    assert refused.returncode == 1 and "change-column-type" in refused.stderr
    assert "from varchar(64)" in p.cli("lint", "--pending", check=1).stdout


def test_set_not_null_after_a_check_validated_in_an_earlier_deploy(pg_project: Project) -> None:
    p = Project(pg_project.dir, pg_project.url, lint=True)
    p.add("0001_users", "CREATE TABLE users (id bigint PRIMARY KEY, email text);", "DROP TABLE users;")
    p.add("0002_email_check", "SET lock_timeout = '5s';\n"
          "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;",
          "ALTER TABLE users DROP CONSTRAINT users_email_nn;")
    p.cli("up", check=0)
    p.execute("INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 30000) g")  # large enough to matter
    p.add("0003_set_not_null", "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
          "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;")
    early = p.cli("up")  # the CHECK is still NOT VALID: SET NOT NULL would scan the table under its lock
    assert early.returncode == 1 and "set-not-null" in early.stderr
    p.execute("ALTER TABLE users VALIDATE CONSTRAINT users_email_nn")  # the middle deploy, done by hand here
    p.cli("up", check=0)
    assert p.query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass"
                   " AND attname = 'email'") == [(True,)]


def test_a_never_analysed_table_is_judged_by_its_size_on_disk(pg_project: Project) -> None:
    p = Project(pg_project.dir, pg_project.url, lint=True)
    # No ANALYZE, no autovacuum: reltuples stays -1, as for a table an earlier `up` just created.
    p.execute("CREATE TABLE fresh (id bigint, email text) WITH (autovacuum_enabled = false)")
    p.add("0001_index", "SET lock_timeout = '5s';\nCREATE INDEX IF NOT EXISTS fresh_email ON fresh (email);",
          "DROP INDEX IF EXISTS fresh_email;")
    empty = p.cli("lint", "--pending", check=0).stdout
    assert "warning[index-not-concurrent]" in empty and "about 0 rows" in empty
    p.execute("INSERT INTO fresh SELECT g, 'u' || g FROM generate_series(1, 30000) g")
    big = p.cli("lint", "--pending", check=1).stdout
    assert "error[index-not-concurrent]" in big


def test_a_table_renamed_by_a_pending_migration_is_still_the_existing_table(pg_project: Project) -> None:
    """Not a new table (whose lock findings would not matter): the database answers for it under its old name."""
    p = Project(pg_project.dir, pg_project.url, lint=True)
    p.execute("CREATE TABLE customers (id bigint, email varchar(20));"
              "INSERT INTO customers SELECT g, 'x' FROM generate_series(1, 20000) g; ANALYZE customers;")
    p.add("0001_rename", "SET lock_timeout = '5s';\nALTER TABLE customers RENAME TO clients;",
          "ALTER TABLE clients RENAME TO customers;")
    p.add("0002_index", "SET lock_timeout = '5s';\nCREATE INDEX IF NOT EXISTS clients_email ON clients (email);\n"
          "ALTER TABLE clients ALTER COLUMN email TYPE varchar(64);", "DROP INDEX IF EXISTS clients_email;")
    report = json.loads(p.cli("lint", "--pending", "--format", "json", check=1).stdout)
    found = {(Path(f["file"]).name, f["rule"], f["severity"]) for f in report["findings"] if not f["suppressed"]}
    # Large (20000 rows, known under the old name): an error; the widening of its varchar(20): safe.
    assert ("0002_index.up.sql", "index-not-concurrent", "error") in found
    assert not any(rule == "change-column-type" for _, rule, _ in found)
    refused = p.cli("up", "--allow-non-empty")  # customers is expected
    assert refused.returncode == 1 and "index-not-concurrent" in refused.stderr
