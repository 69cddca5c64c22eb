"""concurrently-in-transaction: ``CONCURRENTLY`` cannot run inside a transaction block; the migration fails.

``CREATE INDEX CONCURRENTLY``, ``DROP INDEX CONCURRENTLY``, ``REINDEX ...
CONCURRENTLY`` and ``DETACH PARTITION ... CONCURRENTLY`` fail with "cannot run
inside a transaction block" when the migration runs in a transaction (lockgate's
default), between BEGIN and COMMIT, or inside a DO block.

Unsafe::

    CREATE INDEX CONCURRENTLY idx_users_email ON users (email);   -- in a normal migration

Safe: give it a migration of its own whose header says so::

    -- lockgate:no-transaction
    CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class ConcurrentlyInTransaction(Rule):
    id = "concurrently-in-transaction"
    severity = Severity.ERROR
    summary = "CONCURRENTLY inside a transaction fails"
    safe = ("Put the statement in a migration of its own with `-- lockgate:no-transaction` in its header, "
            "and no BEGIN/COMMIT around it.")
    kinds = frozenset({"IndexStmt", "DropStmt", "ReindexStmt", "AlterTableStmt"})

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        what = self._concurrent(stmt)
        if what is None or not ctx.in_transaction(stmt):
            return
        if stmt.embedded:
            where = "inside a DO block, which always runs in a transaction"
        elif ctx.tx_depth > 0:
            where = "between BEGIN and COMMIT"
        else:
            where = "in a migration that runs in a transaction (no `-- lockgate:no-transaction` header)"
        yield Hit(f"{what} cannot run inside a transaction block, and this one is {where}: the migration fails.",
                  stmt)

    @staticmethod
    def _concurrent(stmt: Stmt) -> str | None:
        node = stmt.node
        if stmt.kind == "IndexStmt" and node.get("concurrent"):
            return "CREATE INDEX CONCURRENTLY"
        if stmt.kind == "DropStmt" and node.get("concurrent"):
            return "DROP INDEX CONCURRENTLY"
        if stmt.kind == "ReindexStmt" and any(p.get("DefElem", {}).get("defname") == "concurrently"
                                              for p in node.get("params", ())):
            return "REINDEX CONCURRENTLY"
        if stmt.kind == "AlterTableStmt" and "AT_DetachPartition" in stmt.subtypes:
            for cmd in stmt.cmds:
                if cmd.get("subtype") == "AT_DetachPartition" and \
                        cmd.get("def", {}).get("PartitionCmd", {}).get("concurrent"):
                    return "DETACH PARTITION CONCURRENTLY"
        return None
