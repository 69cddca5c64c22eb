"""set-not-null: ``ALTER COLUMN ... SET NOT NULL`` scans the whole table under an ACCESS EXCLUSIVE lock.

Unsafe::

    ALTER TABLE users ALTER COLUMN email SET NOT NULL;

Safe (PostgreSQL 12+): prove it with a CHECK first; ``SET NOT NULL`` then uses the
validated constraint and skips the scan::

    ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
    -- next migration:
    ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
    ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    ALTER TABLE users DROP CONSTRAINT users_email_not_null;

lockgate remembers validated ``CHECK (col IS NOT NULL)`` constraints from earlier
migrations of the same run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class SetNotNull(Rule):
    id = "set-not-null"
    severity = Severity.ERROR
    summary = "SET NOT NULL scans the whole table while reads and writes wait"
    safe = ("ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in the next migration; "
            "then SET NOT NULL (PostgreSQL 12+ skips the scan) and DROP the CHECK.")
    kinds = frozenset({"AlterTableStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or "AT_SetNotNull" not in stmt.subtypes or ctx.is_new(table):
            return
        for cmd in stmt.cmds:
            if cmd.get("subtype") != "AT_SetNotNull":
                continue
            column = str(cmd.get("name", ""))
            if ctx.pg_version >= 12 and ctx.not_null_proven(table, column):
                continue
            if ctx.pg_version < 12:
                yield Hit(f"SET NOT NULL on {table.display}.{column} scans every row under an ACCESS EXCLUSIVE "
                          f"lock; before PostgreSQL 12 (target: {ctx.pg_version}) no CHECK constraint avoids it.",
                          stmt, table, safe="Upgrade to PostgreSQL 12+, or keep a validated CHECK (col IS NOT NULL) "
                                            "constraint instead of NOT NULL.")
            else:
                yield Hit(f"SET NOT NULL on {table.display}.{column} scans every row while holding an ACCESS "
                          "EXCLUSIVE lock (no validated CHECK (" + column + " IS NOT NULL) was seen).", stmt, table)
