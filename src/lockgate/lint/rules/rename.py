"""rename: renaming a table or a column breaks the code that is running while the migration applies.

Unsafe::

    ALTER TABLE users RENAME COLUMN name TO full_name;
    ALTER TABLE users RENAME TO accounts;

Safe: expand/contract. Add the new column (or a view with the new name), write to
both, backfill, switch reads, and drop the old one in a contract migration. For a
table, ``CREATE VIEW users AS SELECT * FROM accounts`` keeps old code working
during the switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class Rename(Rule):
    id = "rename"
    severity = Severity.ERROR
    summary = "Renaming a table or column breaks the code running during and after the deploy"
    safe = ("Add the new column (or table), write to both, backfill, switch reads, then drop the old one in a "
            "contract migration; a view with the old name can bridge a table rename.")
    kinds = frozenset({"RenameStmt"})

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        node = stmt.node
        rtype = node.get("renameType")
        if "relation" not in node or rtype not in ("OBJECT_TABLE", "OBJECT_COLUMN"):
            return
        if rtype == "OBJECT_COLUMN" and node.get("relationType") not in ("OBJECT_TABLE", None):
            return
        table = nodes.table_of(node["relation"])
        if ctx.is_new(table):
            return
        if rtype == "OBJECT_TABLE":
            yield Hit(f"RENAME TABLE {table.display} TO {node.get('newname', '')}: queries of the running code "
                      "that name the old table fail.", stmt, table)
        else:
            yield Hit(f"RENAME COLUMN {table.display}.{node.get('subname', '')} TO {node.get('newname', '')}: "
                      "queries of the running code that name the old column fail.", stmt, table)
