"""How a file runs, decided from pglast's nodes (pure), and the peers' no-transaction markers."""

from __future__ import annotations

import json

import pytest
from pglast import parser

from lockgate.txmode import is_no_transaction_marker, no_transaction_marker, only_nontransactional, wrapped


def _nodes(sql: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    return [next(iter(s["stmt"].items())) for s in json.loads(parser.parse_sql_json(sql))["stmts"]]


@pytest.mark.parametrize(("sql", "version", "what"), [
    ("CREATE INDEX CONCURRENTLY i ON t (a)", 150000, "CREATE INDEX CONCURRENTLY"),
    ("SET lock_timeout = '5s'; DROP INDEX CONCURRENTLY i", 150000, "DROP INDEX CONCURRENTLY"),
    ("REINDEX INDEX CONCURRENTLY i", 150000, "REINDEX CONCURRENTLY"),
    ("VACUUM (ANALYZE) t", 150000, "VACUUM"),
    ("ALTER TYPE mood ADD VALUE 'meh'", 110000, "ALTER TYPE ... ADD VALUE"),
    ("ALTER TYPE mood ADD VALUE 'meh'", 120000, None),  # runs in a transaction from PostgreSQL 12 on
    ("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", 110000, None),
    ("CREATE DATABASE shop", 150000, "CREATE DATABASE"),
    ("ANALYZE t", 150000, None),
    ("CREATE INDEX CONCURRENTLY i ON t (a); CREATE TABLE u (b int)", 150000, None),
    ("SET lock_timeout = '5s'", 150000, None),
])
def test_only_nontransactional(sql: str, version: int, what: str | None) -> None:
    assert only_nontransactional(_nodes(sql), version) == what


@pytest.mark.parametrize(("sql", "expected"), [
    ("BEGIN; CREATE TABLE a (id int); COMMIT", True),
    ("START TRANSACTION; CREATE TABLE a (id int); END", True),
    ("BEGIN ISOLATION LEVEL SERIALIZABLE; CREATE TABLE a (id int); COMMIT", False),
    ("BEGIN; CREATE TABLE a (id int); COMMIT AND CHAIN", False),
    ("BEGIN; CREATE TABLE a (id int); ROLLBACK", False),
    ("BEGIN; COMMIT; BEGIN; COMMIT", False),
])
def test_wrapped(sql: str, expected: bool) -> None:
    assert wrapped(_nodes(sql)) is expected


@pytest.mark.parametrize(("body", "expected"), [
    ("lockgate:no-transaction", True), ("migrate:up transaction:false", True), ("migrate:up", False),
    ("+goose NO TRANSACTION", True), ("+goose Up", False), ("atlas:txmode none", True),
    ("atlas:txmode file", False), ("morph:nontransactional", True), ("+migrate notransaction", True),
])
def test_markers(body: str, expected: bool) -> None:
    assert is_no_transaction_marker(body) is expected


def test_only_the_header_counts() -> None:
    assert no_transaction_marker("CREATE TABLE a (id int);\n-- +goose NO TRANSACTION\n") is None
