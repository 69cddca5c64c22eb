"""drop-table: ``DROP TABLE`` on a table that exists deletes it and its data for good.

``DROP SCHEMA ... CASCADE`` does the same to every table in the schema, and
``DROP DATABASE`` to every table in the database, so both are reported too.
``DROP SCHEMA`` without ``CASCADE`` is not: it fails unless the schema is empty.

Unsafe::

    DROP TABLE legacy_sessions;
    DROP SCHEMA reporting CASCADE;

Safe: stop every reader and writer first (deploy the code that no longer uses it),
take a backup, and drop it in a contract migration the runbook's tag marks as reviewed::

    -- contract-phase-ok: legacy_sessions unused since release 42, backup in s3://…
    DROP TABLE IF EXISTS legacy_sessions;

For a schema, drop its tables that way one by one, then the empty schema without
``CASCADE``. A table created earlier in the same file (or, for ``lockgate up``, in an
earlier pending migration) is not reported, nor a schema created earlier in the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt

_SCHEMA_SAFE = ("Drop the schema's tables one at a time (each after the code stopped using it, with a backup) "
                "in contract migrations tagged `-- contract-phase-ok: reason`, then DROP SCHEMA {name} without "
                "CASCADE: it fails if anything is left.")
_DATABASE_SAFE = ("Do not drop a database from a migration: once no code uses it, back it up and drop it by hand; "
                  "if it must be a migration, make it its own contract migration tagged "
                  "`-- contract-phase-ok: reason`.")


class DropTable(Rule):
    id = "drop-table"
    severity = Severity.ERROR
    summary = "DROP TABLE (or DROP SCHEMA ... CASCADE, DROP DATABASE) deletes tables and all their data"
    safe = ("Deploy code that no longer reads or writes the table, back it up, then drop it in its own "
            "contract migration tagged `-- contract-phase-ok: reason`.")
    kinds = frozenset({"DropStmt", "DropdbStmt"})
    destructive = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        node = stmt.node
        if stmt.kind == "DropdbStmt":
            name = nodes.TableRef(None, str(node.get("dbname", ""))).display  # quoted like a table name
            yield Hit(f"DROP DATABASE {name} deletes the whole database: every table in it and all their rows; "
                      "running code that uses it fails.", stmt, safe=_DATABASE_SAFE)
            return
        remove = node.get("removeType")
        if remove == "OBJECT_SCHEMA":
            if node.get("behavior") != "DROP_CASCADE":
                return  # refused by the server unless the schema is empty: nothing is lost
            created = _schemas_created(ctx)
            for parts in nodes.object_names(node):
                schema = parts[-1] if parts else ""
                if schema in created:
                    continue
                name = nodes.TableRef(None, schema).display
                yield Hit(f"DROP SCHEMA {name} CASCADE deletes every table in the schema with all its rows, and "
                          "everything else in it; running code that uses them fails.", stmt,
                          safe=_SCHEMA_SAFE.format(name=name))
            return
        if remove != "OBJECT_TABLE":
            return
        for parts in nodes.object_names(node):
            table = nodes.table_from_parts(parts)
            if ctx.is_new(table):
                continue
            cascade = " CASCADE also drops the views and foreign keys that depend on it." \
                if node.get("behavior") == "DROP_CASCADE" else ""
            yield Hit(f"DROP TABLE {table.display} deletes the table and all its rows; running code that still "
                      f"uses it fails.{cascade}", stmt, table)


def _schemas_created(ctx: FileContext) -> set[str]:
    """Schemas the file created before this statement: dropping them removes only what the file made."""
    # CREATE SCHEMA AUTHORIZATION joe names the schema after the role.
    return {str(s.node.get("schemaname") or s.node.get("authrole", {}).get("rolename", ""))
            for s in ctx.statements if s.kind == "CreateSchemaStmt"}
