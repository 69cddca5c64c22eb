"""Expand, contract or mixed: what a migration does to the schema its running code sees.

* **expand** — only additive or neutral changes: new tables, columns, indexes,
  constraints, functions, data backfills. Old code keeps working.
* **contract** — destructive (DROP TABLE/COLUMN/VIEW/FUNCTION/TYPE/SCHEMA...,
  TRUNCATE, DELETE) or breaking (RENAME of a table or column) changes. The
  runbook wants these in their own release, tagged ``-- contract-phase-ok``.
* **mixed** — both in one migration: the ``mixed-phase`` finding.

Objects created earlier in the same file do not count (dropping a scratch table is
neutral), nor does a DROP of a view, function or type that the file creates again.

>>> classify("ALTER TABLE users ADD COLUMN email text;").value
'expand'
>>> classify("ALTER TABLE users DROP COLUMN email;").value
'contract'
>>> classify("CREATE TABLE t (id int); DROP TABLE t;").value
'expand'
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Callable, NamedTuple

from . import nodes
from .nodes import Node, TableRef

if TYPE_CHECKING:
    from ..model import Migration
    from .source import Stmt


class Phase(str, enum.Enum):
    EXPAND = "expand"
    CONTRACT = "contract"
    MIXED = "mixed"


class Effect(str, enum.Enum):
    ADDITIVE = "additive"
    DESTRUCTIVE = "destructive"  # loses data or objects
    BREAKING = "breaking"  # old code stops working, no data lost (renames)
    NEUTRAL = "neutral"


class Change(NamedTuple):
    """One effect of a statement, e.g. (DESTRUCTIVE, 'DROP COLUMN users.email')."""

    effect: Effect
    what: str
    recreated_key: tuple[str, str] | None = None  # (object type, name): neutral if the file creates it again


_DESTRUCTIVE_DROPS = {
    "OBJECT_TABLE": "TABLE", "OBJECT_VIEW": "VIEW", "OBJECT_MATVIEW": "MATERIALIZED VIEW", "OBJECT_SCHEMA": "SCHEMA",
    "OBJECT_TYPE": "TYPE", "OBJECT_DOMAIN": "DOMAIN", "OBJECT_FUNCTION": "FUNCTION",
    "OBJECT_PROCEDURE": "PROCEDURE", "OBJECT_SEQUENCE": "SEQUENCE", "OBJECT_EXTENSION": "EXTENSION",
    "OBJECT_FOREIGN_TABLE": "FOREIGN TABLE", "OBJECT_ROUTINE": "ROUTINE", "OBJECT_AGGREGATE": "AGGREGATE",
}
# Created again in the same file = replaced, not removed. Tables are never "replaced": their data is gone.
_REPLACEABLE = frozenset({"VIEW", "MATERIALIZED VIEW", "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE", "SEQUENCE",
                          "ROUTINE", "AGGREGATE"})
_ADDITIVE_KINDS = frozenset({
    "CreateStmt", "CreateTableAsStmt", "IndexStmt", "ViewStmt", "CreateFunctionStmt", "CreateSeqStmt",
    "CreateSchemaStmt", "CreateExtensionStmt", "CreateEnumStmt", "CompositeTypeStmt", "CreateDomainStmt",
    "CreateTrigStmt", "AlterEnumStmt", "CreatePolicyStmt", "CreateRangeStmt",
})


def statement_changes(stmt: Stmt, is_new: Callable[[TableRef], bool]) -> list[Change]:
    """The effects of one statement; ``is_new`` says whether a table was created in this run."""
    kind, node = stmt.kind, stmt.node
    if kind in _ADDITIVE_KINDS:
        return [Change(Effect.ADDITIVE, _created_what(kind, node))]
    if kind == "DropStmt":
        label = _DESTRUCTIVE_DROPS.get(node.get("removeType", ""))
        if label is None:
            return [Change(Effect.NEUTRAL, "DROP")]
        out = []
        for parts in nodes.object_names(node):
            name = ".".join(parts)
            if label == "TABLE" and is_new(nodes.table_from_parts(parts)):
                out.append(Change(Effect.NEUTRAL, f"DROP TABLE {name}"))
                continue
            key = (label, parts[-1] if parts else "") if label in _REPLACEABLE else None
            out.append(Change(Effect.DESTRUCTIVE, f"DROP {label} {name}", key))
        return out
    if kind == "DropdbStmt":
        return [Change(Effect.DESTRUCTIVE, f"DROP DATABASE {node.get('dbname', '')}")]
    if kind == "TruncateStmt":
        tables = [nodes.table_of(r["RangeVar"]) for r in node.get("relations", ()) if "RangeVar" in r]
        if tables and all(is_new(t) for t in tables):
            return [Change(Effect.NEUTRAL, "TRUNCATE")]
        return [Change(Effect.DESTRUCTIVE, "TRUNCATE " + ", ".join(t.display for t in tables))]
    if kind == "DeleteStmt":
        table = nodes.table_of(node.get("relation", {}))
        if is_new(table):
            return [Change(Effect.NEUTRAL, f"DELETE FROM {table.display}")]
        return [Change(Effect.DESTRUCTIVE, f"DELETE FROM {table.display}")]
    if kind == "RenameStmt":
        rtype = node.get("renameType")
        if rtype in ("OBJECT_TABLE", "OBJECT_COLUMN") and "relation" in node:
            table = nodes.table_of(node["relation"])
            if is_new(table):
                return [Change(Effect.NEUTRAL, "RENAME")]
            what = (f"RENAME TABLE {table.display}" if rtype == "OBJECT_TABLE"
                    else f"RENAME COLUMN {table.display}.{node.get('subname', '')}")
            return [Change(Effect.BREAKING, what)]
        return [Change(Effect.NEUTRAL, "RENAME")]
    if kind == "AlterTableStmt" and stmt.relation is not None:
        table = stmt.relation
        new = is_new(table)
        out = []
        for cmd in stmt.cmds:
            sub = cmd.get("subtype")
            if sub in ("AT_AddColumn", "AT_AddConstraint", "AT_AddIndexConstraint", "AT_AddIndex"):
                out.append(Change(Effect.ADDITIVE, f"{_ADD_LABEL.get(sub, 'ADD')} on {table.display}"))
            elif sub == "AT_DropColumn" and not new:
                out.append(Change(Effect.DESTRUCTIVE, f"DROP COLUMN {table.display}.{cmd.get('name', '')}"))
        return out or [Change(Effect.NEUTRAL, "ALTER TABLE")]
    return [Change(Effect.NEUTRAL, kind)]


_ADD_LABEL = {"AT_AddColumn": "ADD COLUMN", "AT_AddConstraint": "ADD CONSTRAINT",
              "AT_AddIndexConstraint": "ADD CONSTRAINT", "AT_AddIndex": "ADD INDEX"}


def created_key(stmt: Stmt) -> tuple[str, str] | None:
    """(object type, name) for CREATE statements of replaceable objects."""
    node = stmt.node
    if stmt.kind == "ViewStmt":
        return ("VIEW", str(node.get("view", {}).get("relname", "")))
    if stmt.kind == "CreateTableAsStmt" and node.get("objtype") == "OBJECT_MATVIEW":
        return ("MATERIALIZED VIEW", str(node.get("into", {}).get("rel", {}).get("relname", "")))
    if stmt.kind == "CreateFunctionStmt":
        parts = nodes.name_list(node.get("funcname"))
        return ("PROCEDURE" if node.get("is_procedure") else "FUNCTION", parts[-1] if parts else "")
    if stmt.kind in ("CreateEnumStmt", "CreateRangeStmt"):
        parts = nodes.name_list(node.get("typeName"))
        return ("TYPE", parts[-1] if parts else "")
    if stmt.kind == "CompositeTypeStmt":
        return ("TYPE", str(node.get("typevar", {}).get("relname", "")))
    if stmt.kind == "CreateDomainStmt":
        parts = nodes.name_list(node.get("domainname"))
        return ("DOMAIN", parts[-1] if parts else "")
    if stmt.kind == "CreateSeqStmt":
        return ("SEQUENCE", str(node.get("sequence", {}).get("relname", "")))
    return None


def _created_what(kind: str, node: Node) -> str:
    if kind == "CreateStmt":
        return f"CREATE TABLE {nodes.table_of(node.get('relation', {})).display}"
    if kind == "IndexStmt":
        return f"CREATE INDEX on {nodes.table_of(node.get('relation', {})).display}"
    return kind.replace("Stmt", "").upper()


def phase_of(changes: list[Change]) -> Phase:
    effects = {c.effect for c in changes}
    removing = bool(effects & {Effect.DESTRUCTIVE, Effect.BREAKING})
    if removing and Effect.ADDITIVE in effects:
        return Phase.MIXED
    return Phase.CONTRACT if removing else Phase.EXPAND


def classify(migration_or_sql: Migration | str) -> Phase:
    """The phase of a migration (its up file) or of a SQL text; tables are judged by this text alone."""
    from .engine import lint_text
    from .options import LintOptions

    if isinstance(migration_or_sql, str):
        text, path = migration_or_sql, "<sql>"
    else:
        text, path = migration_or_sql.up.text, str(migration_or_sql.up.path)
    return lint_text(text, LintOptions(), path=path).files[0].phase
