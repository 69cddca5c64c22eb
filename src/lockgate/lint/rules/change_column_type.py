"""change-column-type: ``ALTER COLUMN ... TYPE`` usually rewrites the table under an ACCESS EXCLUSIVE lock.

Unsafe::

    ALTER TABLE orders ALTER COLUMN amount TYPE bigint;

Known safe (no rewrite): varchar(n) to text, to varchar, or to a longer varchar;
numeric(p, s) to a wider numeric with the same scale or to plain numeric; varbit(n)
to a longer one; cidr to inet. lockgate knows the old type when an earlier file of
the run created the column; otherwise a change to text, varchar or numeric without
a length is taken as the widening it usually is.

Safe for the rest: add a new column, write both from the code, backfill in batches,
switch reads, then drop the old column in a contract migration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class ChangeColumnType(Rule):
    id = "change-column-type"
    severity = Severity.ERROR
    summary = "ALTER COLUMN ... TYPE rewrites the table under an ACCESS EXCLUSIVE lock"
    safe = ("Add a new column of the new type, write to both, backfill in batches, switch reads, and drop "
            "the old column later (expand/contract). Widening varchar/numeric is safe.")
    kinds = frozenset({"AlterTableStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or "AT_AlterColumnType" not in stmt.subtypes or ctx.is_new(table):
            return
        for cmd in stmt.cmds:
            if cmd.get("subtype") != "AT_AlterColumnType":
                continue
            column = str(cmd.get("name", ""))
            coldef = cmd.get("def", {}).get("ColumnDef", {})
            new = nodes.type_info(coldef.get("typeName"))
            if new is None:
                continue
            old = ctx.column_type(table, column)
            if nodes.safe_type_change(old, new, using="raw_default" in coldef):
                continue
            source = f"from {old.display} " if old else ""
            yield Hit(f"ALTER COLUMN {table.display}.{column} TYPE {source}to {new.display} rewrites the table "
                      "(and its indexes) while reads and writes wait.", stmt, table)
