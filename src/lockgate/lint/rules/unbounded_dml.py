"""unbounded-dml: ``DELETE`` or ``UPDATE`` with no ``WHERE`` touches every row of an existing table.

Unsafe::

    UPDATE users SET newsletter = false;
    DELETE FROM sessions;

A whole-table UPDATE in a migration locks every row until commit and bloats the
table; a whole-table DELETE is data loss.

Safe: backfill in batches from a script (or a no-transaction migration), each batch
its own short transaction::

    UPDATE users SET newsletter = false WHERE id BETWEEN 1 AND 10000 AND newsletter IS NULL;

and delete with an explicit condition, in a contract migration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class UnboundedDml(Rule):
    id = "unbounded-dml"
    severity = Severity.ERROR
    summary = "DELETE or UPDATE without WHERE touches every row"
    safe = ("Give it a WHERE clause; backfill large tables in batches of a few thousand rows, each in its own "
            "transaction, from a script or a `-- lockgate:no-transaction` migration.")
    kinds = frozenset({"DeleteStmt", "UpdateStmt"})

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        node = stmt.node
        if node.get("whereClause") is not None or "relation" not in node:
            return
        table = nodes.table_of(node["relation"])
        if ctx.is_new(table):
            return
        if stmt.kind == "DeleteStmt":
            yield Hit(f"DELETE FROM {table.display} without WHERE deletes every row.", stmt, table,
                      safe="Add the WHERE clause that selects the rows to remove; if every row must go, say so "
                           "in a contract migration tagged `-- contract-phase-ok: reason`.",
                      destructive=True)
        else:
            yield Hit(f"UPDATE {table.display} without WHERE rewrites every row in one transaction, locking "
                      "them all until commit.", stmt, table, lock_related=True)
