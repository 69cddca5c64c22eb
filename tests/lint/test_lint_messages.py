"""What findings say: the message and the safe way fit the statement that was found, not only its rule."""

from __future__ import annotations

from lockgate.lint import Finding, LintOptions, lint_text


def findings(sql: str, rule: str) -> list[Finding]:
    return [f for f in lint_text(sql, LintOptions()).findings if f.rule == rule]


def test_an_exclude_constraint_builds_an_index_of_its_method_not_a_unique_one() -> None:
    found = findings("ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist "
                     "(room WITH =, during WITH &&);\n"
                     "ALTER TABLE rooms ADD CONSTRAINT one_code EXCLUDE (code WITH =);",
                     "unique-constraint-without-index")
    assert [f.line for f in found] == [1, 2]
    gist, btree = found
    assert "builds a gist index (not a unique one)" in gist.message and "unique index" not in gist.message
    assert "ACCESS EXCLUSIVE" in gist.message
    assert "builds a btree index (not a unique one)" in btree.message
    # USING INDEX attaches only UNIQUE and PRIMARY KEY: the advice for EXCLUDE is its own.
    assert "EXCLUDE" in gist.safe and "USING INDEX" not in gist.safe


def test_unique_and_primary_key_still_build_a_unique_index() -> None:
    found = findings("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n"
                     "ALTER TABLE users ADD COLUMN handle text UNIQUE;", "unique-constraint-without-index")
    assert all("builds a unique index" in f.message and "USING INDEX" in f.safe for f in found) and len(found) == 2


def test_drop_schema_cascade_and_drop_database_say_what_they_delete() -> None:
    found = findings("DROP SCHEMA reporting CASCADE;\nDROP DATABASE legacy_app;\nDROP TABLE t;", "drop-table")
    schema, database, table = found
    assert schema.message.startswith("DROP SCHEMA reporting CASCADE deletes every table in the schema")
    assert "DROP SCHEMA reporting without CASCADE" in schema.safe
    assert database.message.startswith("DROP DATABASE legacy_app deletes the whole database")
    assert "by hand" in database.safe
    assert table.message.startswith("DROP TABLE t deletes the table") and "Deploy code" in table.safe
    assert {f.severity.value for f in found} == {"error"}
