"""drop-index-not-concurrent: ``DROP INDEX`` without ``CONCURRENTLY`` takes an ACCESS EXCLUSIVE lock on the table.

Unsafe::

    DROP INDEX idx_orders_legacy;

The drop itself is quick, but it waits behind every running query on the table,
and every query after it waits behind the drop.

Safe::

    -- lockgate:no-transaction
    SET lock_timeout = '5s';
    DROP INDEX CONCURRENTLY IF EXISTS idx_orders_legacy;

An index created earlier in the same file (or run) is not reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class DropIndexNotConcurrent(Rule):
    id = "drop-index-not-concurrent"
    severity = Severity.WARNING
    summary = "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table"
    safe = "DROP INDEX CONCURRENTLY IF EXISTS in a migration marked `-- lockgate:no-transaction`."
    kinds = frozenset({"DropStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        node = stmt.node
        if node.get("removeType") != "OBJECT_INDEX" or node.get("concurrent"):
            return
        for parts in nodes.object_names(node):
            if ctx.index_is_new(parts):
                continue
            key = ctx.state.get("index_table", parts[-1] if parts else "")
            table = nodes.TableRef(key[0], key[1]) if key else None
            yield Hit(f"DROP INDEX {'.'.join(parts)} takes an ACCESS EXCLUSIVE lock on its table: it waits for "
                      "every running query, and every new query waits for it.", stmt, table)
