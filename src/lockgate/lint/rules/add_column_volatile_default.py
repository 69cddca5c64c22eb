"""add-column-volatile-default: ADD COLUMN with a volatile default rewrites the whole table under ACCESS EXCLUSIVE.

From PostgreSQL 11 a constant or stable default (``0``, ``'new'``, ``now()``,
``CURRENT_TIMESTAMP``) is stored once in the catalog and costs nothing. A volatile
one (``random()``, ``clock_timestamp()``, ``gen_random_uuid()``, ``uuid_generate_v4()``,
``nextval(...)``, a ``serial`` type, an identity or stored generated column, or a
user function, which is VOLATILE unless declared otherwise) must be computed for
every existing row: a full rewrite with reads and writes blocked. Before 11,
every non-NULL default rewrites.

Unsafe::

    ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();

Safe::

    ALTER TABLE orders ADD COLUMN public_id uuid;                            -- instant
    ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid(); -- new rows only
    -- then backfill existing rows in batches
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class AddColumnVolatileDefault(Rule):
    id = "add-column-volatile-default"
    severity = Severity.ERROR
    summary = "ADD COLUMN with a volatile default rewrites the table under an ACCESS EXCLUSIVE lock"
    safe = ("Add the column without the default, then ALTER COLUMN ... SET DEFAULT (applies to new rows only), "
            "then backfill existing rows in batches.")
    kinds = frozenset({"AlterTableStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or "AT_AddColumn" not in stmt.subtypes or ctx.is_new(table):
            return
        for col in nodes.added_columns(stmt.cmds):
            name = col.get("colname", "")
            why = self._why(col, ctx.pg_version)
            if why:
                yield Hit(f"ADD COLUMN {name} on existing table {table.display} {why}, so PostgreSQL rewrites "
                          "every row while holding an ACCESS EXCLUSIVE lock.", stmt, table)

    @staticmethod
    def _why(col: nodes.Node, pg_version: int) -> str | None:
        types = {c.get("contype") for c in nodes.constraints_of(col)}
        if nodes.is_serial(col):
            return "uses a serial type (a nextval() default, volatile)"
        if "CONSTR_IDENTITY" in types:
            return "is an identity column (every row gets a sequence value)"
        if "CONSTR_GENERATED" in types:
            return "is a stored generated column (computed for every row)"
        default = nodes.first_default(col)
        if default is None or nodes.is_null_const(default):
            return None
        if pg_version < 11:
            return f"has a DEFAULT, and before PostgreSQL 11 (target: {pg_version}) any default is written to every row"
        func = nodes.volatile_call(default)
        if func is None:
            return None
        if func in nodes.VOLATILE_FUNCTIONS:
            return f"has a volatile DEFAULT ({func}() differs per row)"
        if func == "a subquery":
            return "has a DEFAULT with a subquery"
        return f"has a DEFAULT calling {func}(), which is VOLATILE unless declared IMMUTABLE or STABLE"
