"""unbounded-dml: ``DELETE`` or ``UPDATE`` with no ``WHERE`` touches every row of an existing table.

Unsafe::

    UPDATE users SET newsletter = false;
    DELETE FROM sessions;

A whole-table UPDATE in a migration locks every row until commit and bloats the
table; a whole-table DELETE is data loss. A DELETE or UPDATE inside a ``WITH``
clause is a statement of its own, whatever the statement around it filters::

    WITH moved AS (DELETE FROM carts RETURNING *)
    INSERT INTO carts_archive SELECT * FROM moved WHERE created_at < '2020-01-01';

deletes every cart: the WHERE belongs to the SELECT, not to the DELETE.

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
    # A data-modifying WITH may stand before any of them (PostgreSQL allows it only at the top level).
    kinds = frozenset({"DeleteStmt", "UpdateStmt", "InsertStmt", "SelectStmt", "MergeStmt"})

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        for kind, node in _modifying(stmt.kind, stmt.node):
            if node.get("whereClause") is not None or "relation" not in node:
                continue
            table = nodes.table_of(node["relation"])
            if ctx.is_new(table):
                continue
            within = "" if node is stmt.node else " (in a WITH clause: the WHERE after it filters its result, not its rows)"
            if kind == "DeleteStmt":
                yield Hit(f"DELETE FROM {table.display} without WHERE deletes every row{within}.", stmt, table,
                          safe="Add the WHERE clause that selects the rows to remove; if every row must go, say so "
                               "in a contract migration tagged `-- contract-phase-ok: reason`.",
                          destructive=True)
            else:
                yield Hit(f"UPDATE {table.display} without WHERE rewrites every row in one transaction, locking "
                          f"them all until commit{within}.", stmt, table, lock_related=True)


def _modifying(kind: str, node: nodes.Node) -> Iterator[tuple[str, nodes.Node]]:
    """The statement itself when it is a DELETE or UPDATE, then each DELETE or UPDATE of its WITH clause."""
    if kind in ("DeleteStmt", "UpdateStmt"):
        yield kind, node
    for cte in (node.get("withClause") or {}).get("ctes", ()):
        query = cte.get("CommonTableExpr", {}).get("ctequery", {})
        for inner in ("DeleteStmt", "UpdateStmt"):
            if inner in query:
                yield inner, query[inner]
