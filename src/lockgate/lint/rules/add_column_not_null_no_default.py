"""add-column-not-null-no-default: adding a ``NOT NULL`` column with no default to an existing table fails.

Unsafe::

    ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;

On a table with rows this errors out (the existing rows would hold NULL).

Safe (PostgreSQL 11+): add it with a constant default, which costs no rewrite::

    ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;

or add it nullable, backfill in batches, then add ``CHECK (tenant_id IS NOT NULL)
NOT VALID``, ``VALIDATE`` it in a later migration, and ``SET NOT NULL``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt

_FILLS_ITSELF = frozenset({"CONSTR_IDENTITY", "CONSTR_GENERATED"})


class AddColumnNotNullNoDefault(Rule):
    id = "add-column-not-null-no-default"
    severity = Severity.ERROR
    summary = "ADD COLUMN ... NOT NULL without a default fails on a table that has rows"
    safe = ("Add it with a constant DEFAULT (no rewrite from PostgreSQL 11), or nullable, then backfill, "
            "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in the next migration, and SET NOT NULL.")
    kinds = frozenset({"AlterTableStmt"})

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or "AT_AddColumn" not in stmt.subtypes or ctx.is_new(table):
            return
        for col in nodes.added_columns(stmt.cmds):
            types = {c.get("contype") for c in nodes.constraints_of(col)}
            if not types & {"CONSTR_NOTNULL", "CONSTR_PRIMARY"} or types & _FILLS_ITSELF or nodes.is_serial(col):
                continue
            default = nodes.first_default(col)
            if default is None or nodes.is_null_const(default):
                yield Hit(f"ADD COLUMN {col.get('colname', '')} NOT NULL without a default on existing table "
                          f"{table.display} fails as soon as the table has a row.", stmt, table)
