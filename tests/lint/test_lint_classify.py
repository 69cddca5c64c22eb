"""Expand / contract / mixed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lockgate.lint import Phase, classify
from lockgate.model import Migration, MigrationFile


@pytest.mark.parametrize("sql, phase", [
    ("ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;", Phase.EXPAND),
    ("CREATE TABLE t (id int); CREATE INDEX ON t (id); INSERT INTO t VALUES (1);", Phase.EXPAND),
    ("UPDATE users SET a = 1 WHERE id < 10; DROP INDEX IF EXISTS i;", Phase.EXPAND),
    ("ALTER TABLE users DROP CONSTRAINT c, ALTER COLUMN a DROP NOT NULL;", Phase.EXPAND),
    ("DROP VIEW IF EXISTS v; CREATE VIEW v AS SELECT 1;", Phase.EXPAND),
    ("CREATE TABLE tmp (id int); DROP TABLE tmp;", Phase.EXPAND),
    ("", Phase.EXPAND),
    ("ALTER TABLE users DROP COLUMN email;", Phase.CONTRACT),
    ("DELETE FROM sessions WHERE expired;", Phase.CONTRACT),
    ("TRUNCATE logs;", Phase.CONTRACT),
    ("DROP FUNCTION f();", Phase.CONTRACT),
    ("ALTER TABLE users RENAME COLUMN a TO b;", Phase.CONTRACT),
    ("ALTER TABLE users ADD COLUMN b text, DROP COLUMN a;", Phase.MIXED),
    ("CREATE TABLE v2 (id int); DROP TABLE v1;", Phase.MIXED),
    ("-- DROP TABLE users;\nSELECT 'DROP TABLE users';", Phase.EXPAND),
])
def test_phase(sql: str, phase: Phase) -> None:
    assert classify(sql) is phase


def test_classify_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "0009_drop_legacy.up.sql"
    text = "DROP TABLE legacy;"
    m = Migration(9, "drop_legacy", MigrationFile(path, text, hashlib.sha256(text.encode()).hexdigest(), False))
    assert classify(m) is Phase.CONTRACT
