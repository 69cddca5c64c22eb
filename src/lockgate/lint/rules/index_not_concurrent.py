"""index-not-concurrent: ``CREATE INDEX`` without ``CONCURRENTLY`` blocks writes to an existing table while it builds.

Unsafe::

    CREATE INDEX idx_orders_customer ON orders (customer_id);

Safe: build it concurrently, in a migration that runs outside a transaction::

    -- lockgate:no-transaction
    SET lock_timeout = '5s';
    CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer ON orders (customer_id);

An index on a table created earlier in the same file is fine, and so is
``CREATE INDEX ... ON ONLY parent`` (it builds nothing). ``REINDEX`` without
``CONCURRENTLY`` is reported too (from PostgreSQL 12 on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class IndexNotConcurrent(Rule):
    id = "index-not-concurrent"
    severity = Severity.ERROR
    summary = "CREATE INDEX without CONCURRENTLY blocks writes for the whole build"
    safe = ("CREATE INDEX CONCURRENTLY in a migration of its own marked `-- lockgate:no-transaction` "
            "(a failed build leaves an INVALID index: DROP INDEX CONCURRENTLY it and retry).")
    kinds = frozenset({"IndexStmt", "ReindexStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        node = stmt.node
        if "relation" not in node:
            return
        if stmt.kind == "ReindexStmt":
            if ctx.pg_version < 12 or any(p.get("DefElem", {}).get("defname") == "concurrently"
                                          for p in node.get("params", ())):
                return
            what = "REINDEX"
            table = nodes.table_of(node["relation"])
            if node.get("kind") == "REINDEX_OBJECT_INDEX":
                if ctx.index_is_new([table.name]):
                    return
                yield Hit(f"REINDEX INDEX {table.display} without CONCURRENTLY locks out reads and writes that "
                          "use the index until it is rebuilt.", stmt, None,
                          safe="REINDEX INDEX CONCURRENTLY in a `-- lockgate:no-transaction` migration.")
                return
            if ctx.is_new(table):
                return
            yield Hit(f"{what} {table.display} without CONCURRENTLY blocks writes until every index is rebuilt.",
                      stmt, table, safe="REINDEX TABLE CONCURRENTLY in a `-- lockgate:no-transaction` migration.")
            return
        if node.get("concurrent"):
            return
        table = nodes.table_of(node["relation"])
        if ctx.is_new(table) or not node["relation"].get("inh"):  # ON ONLY parent: builds nothing
            return
        name = node.get("idxname") or "(unnamed)"
        yield Hit(f"CREATE {'UNIQUE ' if node.get('unique') else ''}INDEX {name} on existing table {table.display} "
                  "takes a SHARE lock: inserts, updates and deletes wait until the index is built.", stmt, table)
