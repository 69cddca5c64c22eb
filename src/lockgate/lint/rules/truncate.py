"""truncate: ``TRUNCATE`` empties a table at once, under an ACCESS EXCLUSIVE lock, with no WHERE and no undo.

Unsafe::

    TRUNCATE audit_events;

Safe: delete what must go in batches from a script outside the migration, or if the
data really must all go, do it in a reviewed contract migration::

    -- contract-phase-ok: audit_events archived to cold storage first
    TRUNCATE audit_events;
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class Truncate(Rule):
    id = "truncate"
    severity = Severity.ERROR
    summary = "TRUNCATE deletes every row under an ACCESS EXCLUSIVE lock"
    safe = ("Archive the data first and delete in batches outside the migration; if the table must be emptied, "
            "do it in a contract migration tagged `-- contract-phase-ok: reason`.")
    kinds = frozenset({"TruncateStmt"})
    destructive = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        tables = [nodes.table_of(r["RangeVar"]) for r in stmt.node.get("relations", ()) if "RangeVar" in r]
        existing = [t for t in tables if not ctx.is_new(t)]
        if not existing:
            return
        cascade = " CASCADE also empties every table with a foreign key to it." \
            if stmt.node.get("behavior") == "DROP_CASCADE" else ""
        names = ", ".join(t.display for t in existing)
        yield Hit(f"TRUNCATE {names} deletes every row at once and cannot be undone after commit.{cascade}",
                  stmt, existing[0])
