"""drop-table: ``DROP TABLE`` on a table that exists deletes it and its data for good.

Unsafe::

    DROP TABLE legacy_sessions;

Safe: stop every reader and writer first (deploy the code that no longer uses it),
take a backup, and drop it in a contract migration the runbook's tag marks as reviewed::

    -- contract-phase-ok: legacy_sessions unused since release 42, backup in s3://…
    DROP TABLE IF EXISTS legacy_sessions;

A table created earlier in the same file (or, for ``lockgate up``, in an earlier
pending migration) is not reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class DropTable(Rule):
    id = "drop-table"
    severity = Severity.ERROR
    summary = "DROP TABLE deletes the table and all its data"
    safe = ("Deploy code that no longer reads or writes the table, back it up, then drop it in its own "
            "contract migration tagged `-- contract-phase-ok: reason`.")
    kinds = frozenset({"DropStmt"})
    destructive = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        if stmt.node.get("removeType") != "OBJECT_TABLE":
            return
        for parts in nodes.object_names(stmt.node):
            table = nodes.table_from_parts(parts)
            if ctx.is_new(table):
                continue
            cascade = " CASCADE also drops the views and foreign keys that depend on it." \
                if stmt.node.get("behavior") == "DROP_CASCADE" else ""
            yield Hit(f"DROP TABLE {table.display} deletes the table and all its rows; running code that still "
                      f"uses it fails.{cascade}", stmt, table)
