"""drop-column: ``ALTER TABLE ... DROP COLUMN`` loses the column's data and breaks code that still uses it.

Unsafe::

    ALTER TABLE users DROP COLUMN legacy_token;

Safe: first deploy code that no longer reads or writes the column (with an ORM,
tell it to ignore the column), then drop it in a contract migration::

    -- contract-phase-ok: users.legacy_token unused since release 42
    ALTER TABLE users DROP COLUMN IF EXISTS legacy_token;
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class DropColumn(Rule):
    id = "drop-column"
    severity = Severity.ERROR
    summary = "DROP COLUMN loses the column's data and breaks code that still uses it"
    safe = ("Deploy code that ignores the column first (ORMs cache column lists), then drop it in a later "
            "contract migration tagged `-- contract-phase-ok: reason`.")
    kinds = frozenset({"AlterTableStmt"})
    destructive = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or "AT_DropColumn" not in stmt.subtypes or ctx.is_new(table):
            return
        for cmd in stmt.cmds:
            if cmd.get("subtype") == "AT_DropColumn":
                yield Hit(f"DROP COLUMN {table.display}.{cmd.get('name', '')} deletes its data; running code "
                          "that still selects or inserts it fails.", stmt, table)
