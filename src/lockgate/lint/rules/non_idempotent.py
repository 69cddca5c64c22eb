"""non-idempotent: CREATE without ``IF NOT EXISTS`` (or ``OR REPLACE``), DROP without ``IF EXISTS``.

A migration that stopped half-way (a no-transaction migration, or one re-run by
hand after a dirty state) fails the second time on the objects the first run made.
Low severity: a transactional migration rolls back entirely.

Unsafe::

    CREATE TABLE invoices (id bigint PRIMARY KEY);
    CREATE INDEX idx_invoices_customer ON invoices (customer_id);
    DROP INDEX idx_old;

Safe::

    CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);
    CREATE INDEX IF NOT EXISTS idx_invoices_customer ON invoices (customer_id);
    DROP INDEX IF EXISTS idx_old;

Only CREATE and DROP statements, as the rule says: an ``ALTER TABLE`` sub-command
(``ADD COLUMN``, ``DROP COLUMN``, ``DROP CONSTRAINT``) is not reported, with or
without its ``IF [NOT] EXISTS``.

Objects PostgreSQL offers no ``IF NOT EXISTS`` for (types, domains, triggers,
policies, constraints) are not reported, nor is a CREATE preceded in the file by a
``DROP ... IF EXISTS`` of the same name, nor anything inside a DO block (those
usually guard themselves).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt

_DROPPABLE = {
    "OBJECT_TABLE": "TABLE", "OBJECT_INDEX": "INDEX", "OBJECT_VIEW": "VIEW", "OBJECT_MATVIEW": "MATERIALIZED VIEW",
    "OBJECT_SEQUENCE": "SEQUENCE", "OBJECT_SCHEMA": "SCHEMA", "OBJECT_TYPE": "TYPE", "OBJECT_DOMAIN": "DOMAIN",
    "OBJECT_FUNCTION": "FUNCTION", "OBJECT_PROCEDURE": "PROCEDURE", "OBJECT_TRIGGER": "TRIGGER",
    "OBJECT_EXTENSION": "EXTENSION", "OBJECT_POLICY": "POLICY",
}


class NonIdempotent(Rule):
    id = "non-idempotent"
    severity = Severity.INFO
    summary = "CREATE without IF NOT EXISTS / DROP without IF EXISTS cannot be re-run"
    safe = "Write CREATE ... IF NOT EXISTS, CREATE OR REPLACE, DROP ... IF EXISTS."
    kinds = frozenset({"CreateStmt", "IndexStmt", "CreateSeqStmt", "CreateSchemaStmt", "CreateExtensionStmt",
                       "CreateTableAsStmt", "ViewStmt", "CreateFunctionStmt", "DropStmt"})

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        if stmt.embedded:
            return
        node, kind = stmt.node, stmt.kind
        if kind == "DropStmt":
            label = _DROPPABLE.get(node.get("removeType", ""))
            if label and not node.get("missing_ok"):
                names = ", ".join(".".join(p) for p in nodes.object_names(node))
                yield Hit(f"DROP {label} {names} without IF EXISTS fails if it is already gone.", stmt,
                          safe=f"DROP {label} IF EXISTS {names}")
            return
        found = self._create(kind, node)
        if found is None:
            return
        label, name, fix, drop_key = found
        if drop_key in ctx.dropped_if_exists:
            return
        yield Hit(f"CREATE {label} {name} without {fix} fails if it already exists.", stmt,
                  safe=f"CREATE {label} {fix} {name} ..." if fix == "IF NOT EXISTS" else f"CREATE OR REPLACE {label}")

    @staticmethod
    def _create(kind: str, node: nodes.Node) -> tuple[str, str, str, tuple[str, str]] | None:
        if node.get("if_not_exists") or node.get("replace"):
            return None
        if kind == "CreateStmt":
            if node.get("relation", {}).get("relpersistence") == "t":
                return None  # a temporary table lives and dies with the session
            table = nodes.table_of(node.get("relation", {}))
            return "TABLE", table.display, "IF NOT EXISTS", ("OBJECT_TABLE", table.name)
        if kind == "IndexStmt":
            name = node.get("idxname")
            if not name:
                return "INDEX", "(unnamed)", "a name and IF NOT EXISTS", ("", "")
            return "INDEX", name, "IF NOT EXISTS", ("OBJECT_INDEX", name)
        if kind == "CreateSeqStmt":
            seq = nodes.table_of(node.get("sequence", {}))
            return "SEQUENCE", seq.display, "IF NOT EXISTS", ("OBJECT_SEQUENCE", seq.name)
        if kind == "CreateSchemaStmt":
            name = str(node.get("schemaname", ""))
            return "SCHEMA", name, "IF NOT EXISTS", ("OBJECT_SCHEMA", name)
        if kind == "CreateExtensionStmt":
            name = str(node.get("extname", ""))
            return "EXTENSION", name, "IF NOT EXISTS", ("OBJECT_EXTENSION", name)
        if kind == "CreateTableAsStmt":
            rel = nodes.table_of(node.get("into", {}).get("rel", {}))
            if node.get("objtype") == "OBJECT_MATVIEW":
                return "MATERIALIZED VIEW", rel.display, "IF NOT EXISTS", ("OBJECT_MATVIEW", rel.name)
            return "TABLE", rel.display, "IF NOT EXISTS", ("OBJECT_TABLE", rel.name)
        if kind == "ViewStmt":
            view = nodes.table_of(node.get("view", {}))
            return "VIEW", view.display, "OR REPLACE", ("OBJECT_VIEW", view.name)
        if kind == "CreateFunctionStmt":
            parts = nodes.name_list(node.get("funcname"))
            label = "PROCEDURE" if node.get("is_procedure") else "FUNCTION"
            return label, ".".join(parts), "OR REPLACE", ("OBJECT_" + label, parts[-1] if parts else "")
        return None
