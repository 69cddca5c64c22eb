"""safety.locks: each statement's relations, lock modes, rewrite and scan, from the parse."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lockgate.dialects.base import HeldLock
from lockgate.safety.locks import (ACCESS_EXCLUSIVE, ACCESS_SHARE, MODES, ROW_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE,
                                   SHARE_UPDATE_EXCLUSIVE, RelationLock, blocks_writes, locked_tables, mode_from_pg,
                                   relation_locks, strength)
from lockgate.safety.rehearsal import stronger_than_predicted

CASES = [
    ("ALTER TABLE accounts ADD COLUMN note text", [("accounts", ACCESS_EXCLUSIVE)], False, False),
    ("ALTER TABLE accounts ADD COLUMN k uuid DEFAULT gen_random_uuid()", [("accounts", ACCESS_EXCLUSIVE)], True, True),
    ("ALTER TABLE accounts ALTER COLUMN n TYPE bigint", [("accounts", ACCESS_EXCLUSIVE)], True, True),
    ("ALTER TABLE accounts ALTER COLUMN n SET NOT NULL", [("accounts", ACCESS_EXCLUSIVE)], False, True),
    ("ALTER TABLE accounts VALIDATE CONSTRAINT c", [("accounts", SHARE_UPDATE_EXCLUSIVE)], False, True),
    ("ALTER TABLE a ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES users (id) NOT VALID",
     [("a", SHARE_ROW_EXCLUSIVE), ("users", SHARE_ROW_EXCLUSIVE)], False, False),
    ("CREATE INDEX i ON accounts (n)", [("accounts", SHARE), ("i", ACCESS_EXCLUSIVE)], False, True),
    ("CREATE INDEX CONCURRENTLY i ON accounts (n)", [("accounts", SHARE_UPDATE_EXCLUSIVE), ("i", ACCESS_EXCLUSIVE)],
     False, True),
    ("UPDATE accounts SET n = 0", [("accounts", ROW_EXCLUSIVE)], False, True),
    ("UPDATE accounts SET n = o.n FROM other o WHERE o.id = accounts.id",
     [("accounts", ROW_EXCLUSIVE), ("other", ACCESS_SHARE)], False, False),
    ("WITH m AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM m",
     [("b", ROW_EXCLUSIVE), ("a", ROW_EXCLUSIVE)], False, False),
    ("TRUNCATE x, y", [("x", ACCESS_EXCLUSIVE), ("y", ACCESS_EXCLUSIVE)], False, False),
    ("LOCK TABLE q IN SHARE MODE", [("q", SHARE)], False, False),
    ("ALTER TABLE a RENAME TO b", [("a", ACCESS_EXCLUSIVE), ("b", ACCESS_EXCLUSIVE)], False, False),
    ("DROP INDEX CONCURRENTLY i", [("i", SHARE_UPDATE_EXCLUSIVE)], False, False),
    ("SELECT 1", [], False, False),
]


@pytest.mark.parametrize(("sql", "locks", "rewrites", "scans"), CASES, ids=[c[0][:40] for c in CASES])
def test_statement_locks(sql: str, locks: list[tuple[str, str]], rewrites: bool, scans: bool) -> None:
    stmt, = relation_locks(sql)
    assert [(lk.relation, lk.mode) for lk in stmt.locks] == locks
    assert (stmt.rewrites, stmt.scans) == (rewrites, scans)
    assert stmt.sql == sql and stmt.line == 1


def test_new_tables_are_marked_created_and_do_not_count_as_scanned() -> None:
    create, index, update = relation_locks("CREATE TABLE t (id int REFERENCES users (id));\n"
                                           "CREATE INDEX ti ON t (id);\nUPDATE t SET id = 1;")
    assert [(lk.relation, lk.created) for lk in create.locks] == [("t", True), ("users", False)]
    assert create.strongest == SHARE_ROW_EXCLUSIVE  # the new table's own lock is invisible to others
    assert index.line == 2 and not index.scans and index.strongest is None
    assert not update.scans
    assert relation_locks("UPDATE t SET id = 1", created=[("public", "t")])[0].strongest is None


def test_do_block_statements_are_listed_as_embedded() -> None:
    do, inner = relation_locks("DO $$ BEGIN ALTER TABLE w ADD COLUMN z int; END $$;")
    assert do.locks == () and inner.embedded and inner.strongest == ACCESS_EXCLUSIVE


def test_locked_tables_and_modes() -> None:
    sql = "CREATE TABLE n (id int); ALTER TABLE app.a ADD COLUMN x int; SELECT * FROM r"
    assert locked_tables(sql) == {("app", "a"), ("public", "r")}
    assert locked_tables(sql, at_least=SHARE) == {("app", "a")}
    assert mode_from_pg("ShareUpdateExclusiveLock") == SHARE_UPDATE_EXCLUSIVE
    assert strength(None) == 0 < strength(ACCESS_SHARE) < strength(ACCESS_EXCLUSIVE) == 8
    assert blocks_writes(SHARE) and not blocks_writes(SHARE_UPDATE_EXCLUSIVE)


_NAMES = st.sampled_from(["a", "b", "c"])


@given(predicted=st.lists(st.tuples(_NAMES, st.sampled_from(MODES))),
       observed=st.lists(st.tuples(_NAMES, st.sampled_from(MODES), st.sampled_from(["table", "index"]))))
def test_a_warning_exactly_where_pg_locks_blocked_writes_more_strongly_than_predicted(
        predicted: list[tuple[str, str]], observed: list[tuple[str, str, str]]) -> None:
    said = [RelationLock(None, name, mode) for name, mode in predicted]
    seen = [HeldLock(i, "public", name, kind, mode) for i, (name, mode, kind) in enumerate(observed)]
    warned = {w.relation: (w.predicted, w.observed) for w in stronger_than_predicted(said, seen)}
    for name in {"a", "b", "c"}:
        strongest = max((m for n, m, k in observed if n == name and k == "table"), key=strength, default=None)
        expected = max((m for n, m in predicted if n == name), key=strength, default=None)
        if strongest is not None and blocks_writes(strongest) and strength(strongest) > strength(expected):
            assert warned[name] == (expected, strongest)
        else:
            assert name not in warned
