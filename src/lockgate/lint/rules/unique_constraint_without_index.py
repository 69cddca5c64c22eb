"""unique-constraint-without-index: UNIQUE or PRIMARY KEY added to an existing table builds its index under lock.

Unsafe::

    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

The index is built while an ACCESS EXCLUSIVE lock blocks reads and writes.

Safe: build the unique index concurrently first, then attach it (instant)::

    -- lockgate:no-transaction
    CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
    -- next migration:
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;

``EXCLUDE`` is reported too: it builds an index (gist, usually; not a unique one)
under the same lock, and no index built beforehand can be attached to it, so the
safe way is to add it while the table is new or small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt

_KINDS = {"CONSTR_UNIQUE": "UNIQUE", "CONSTR_PRIMARY": "PRIMARY KEY", "CONSTR_EXCLUSION": "EXCLUDE"}
_EXCLUDE_SAFE = ("An EXCLUDE constraint cannot be built concurrently nor attached to an existing index: add it "
                 "while the table is new or small, or in a quiet window with a short lock_timeout "
                 "(`SET lock_timeout = '5s'`) and a retry.")


class UniqueConstraintWithoutIndex(Rule):
    id = "unique-constraint-without-index"
    severity = Severity.ERROR
    summary = "UNIQUE, PRIMARY KEY or EXCLUDE on an existing table builds its index under an ACCESS EXCLUSIVE lock"
    safe = ("CREATE UNIQUE INDEX CONCURRENTLY (in a `-- lockgate:no-transaction` migration), then "
            "ALTER TABLE ... ADD CONSTRAINT name UNIQUE USING INDEX name (or PRIMARY KEY USING INDEX).")
    kinds = frozenset({"AlterTableStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or not stmt.subtypes & {"AT_AddConstraint", "AT_AddColumn"} or ctx.is_new(table):
            return
        for cmd in stmt.cmds:
            sub = cmd.get("subtype")
            if sub == "AT_AddConstraint":
                con = cmd.get("def", {}).get("Constraint", {})
                label = _KINDS.get(con.get("contype", ""))
                if label and not con.get("indexname"):
                    name = con.get("conname") or "(unnamed)"
                    yield Hit(f"ADD CONSTRAINT {name} {label} on existing table {table.display} builds "
                              f"{_index_built(con)} while reads and writes wait (ACCESS EXCLUSIVE).", stmt, table,
                              safe=_safe_for(con))
            elif sub == "AT_AddColumn":
                col = cmd.get("def", {}).get("ColumnDef", {})
                for con in nodes.constraints_of(col):
                    label = _KINDS.get(con.get("contype", ""))
                    if label:
                        yield Hit(f"ADD COLUMN {col.get('colname', '')} {label} on existing table {table.display} "
                                  f"builds {_index_built(con)} while reads and writes wait (ACCESS EXCLUSIVE).",
                                  stmt, table, safe=_safe_for(con))


def _index_built(con: nodes.Node) -> str:
    """What the constraint builds: an EXCLUDE constraint's index is of its access method, and not unique."""
    if con.get("contype") == "CONSTR_EXCLUSION":
        return f"a {con.get('access_method') or 'btree'} index (not a unique one) over every row"
    return "a unique index"


def _safe_for(con: nodes.Node) -> str | None:
    # USING INDEX attaches only UNIQUE and PRIMARY KEY: the rule's general advice does not apply to EXCLUDE.
    return _EXCLUDE_SAFE if con.get("contype") == "CONSTR_EXCLUSION" else None
