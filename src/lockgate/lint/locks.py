"""Which table lock a statement takes, as far as it blocks other sessions' reads or writes.

Only locks at SHARE or stronger count (they block writes; ACCESS EXCLUSIVE blocks
reads too). A statement waiting for such a lock queues every later query on the
table behind it, which is why ``SET lock_timeout`` must come first.

>>> from lockgate.lint.source import parse_source
>>> stmt = parse_source("CREATE INDEX i ON users (email)").statements[0]
>>> strong_lock(stmt, lambda table: False).mode
'SHARE'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple

from . import nodes
from .nodes import TableRef

if TYPE_CHECKING:
    from .source import Stmt

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
EXCLUSIVE = "EXCLUSIVE"

# ALTER TABLE subcommands that take only SHARE UPDATE EXCLUSIVE (reads and writes go on).
_WEAK_ALTERS = frozenset({
    "AT_ValidateConstraint", "AT_SetStatistics", "AT_SetOptions", "AT_ResetOptions", "AT_ClusterOn",
    "AT_DropCluster", "AT_AttachPartition", "AT_SetRelOptions", "AT_ResetRelOptions",
})
_SHARE_ROW_ALTERS = frozenset({
    "AT_EnableTrig", "AT_EnableAlwaysTrig", "AT_EnableReplicaTrig", "AT_DisableTrig", "AT_EnableTrigAll",
    "AT_DisableTrigAll", "AT_EnableTrigUser", "AT_DisableTrigUser",
})
# DROP ... ON table: ACCESS EXCLUSIVE on the table.
_ON_TABLE = {"OBJECT_TRIGGER": "TRIGGER", "OBJECT_POLICY": "POLICY", "OBJECT_RULE": "RULE"}
# LockStmt modes, PostgreSQL's numbering: 5 SHARE .. 8 ACCESS EXCLUSIVE.
_LOCK_MODES = {5: SHARE, 6: SHARE_ROW_EXCLUSIVE, 7: EXCLUSIVE, 8: ACCESS_EXCLUSIVE}


class LockUse(NamedTuple):
    table: TableRef | None  # None: an index whose table is not known
    mode: str
    what: str  # e.g. "ALTER TABLE users"


def strong_lock(stmt: Stmt, is_new: Callable[[TableRef], bool],
                index_is_new: Callable[[list[str]], bool] = lambda parts: False) -> LockUse | None:
    """The SHARE-or-stronger lock ``stmt`` takes on a table that existed before this run, if any."""
    kind, node = stmt.kind, stmt.node

    def on(table: TableRef, mode: str, what: str) -> LockUse | None:
        return None if is_new(table) else LockUse(table, mode, what)

    if kind == "CreateStmt":
        return _create_table_lock(node, is_new)
    if kind == "AlterTableStmt" and stmt.relation is not None and \
            node.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE":
        table = stmt.relation
        if is_new(table):
            # A new table's foreign keys still lock the (existing) tables they reference.
            return _referenced_lock(table, [c.get("def", {}) for c in stmt.cmds], is_new)
        mode = None
        for cmd in stmt.cmds:
            sub = cmd.get("subtype", "")
            if sub in _WEAK_ALTERS:
                continue
            if sub == "AT_DetachPartition" and cmd.get("def", {}).get("PartitionCmd", {}).get("concurrent"):
                continue
            if sub in _SHARE_ROW_ALTERS or (sub == "AT_AddConstraint" and _is_fk(cmd)):
                mode = mode or SHARE_ROW_EXCLUSIVE
                continue
            mode = ACCESS_EXCLUSIVE
        return on(table, mode, f"ALTER TABLE {table.display}") if mode else None
    if kind == "IndexStmt" and not node.get("concurrent"):
        table = nodes.table_of(node.get("relation", {}))
        return on(table, SHARE, f"CREATE INDEX on {table.display}")
    if kind == "DropStmt":
        rtype = node.get("removeType")
        for parts in nodes.object_names(node):
            if rtype == "OBJECT_TABLE":
                table = nodes.table_from_parts(parts)
                if not is_new(table):
                    return LockUse(table, ACCESS_EXCLUSIVE, f"DROP TABLE {table.display}")
            elif rtype == "OBJECT_INDEX" and not node.get("concurrent") and not index_is_new(parts):
                return LockUse(None, ACCESS_EXCLUSIVE, f"DROP INDEX {'.'.join(parts)}")
            elif rtype in _ON_TABLE and len(parts) >= 2:
                # DROP TRIGGER name ON table: the parts are [schema,] table, name.
                table = nodes.table_from_parts(parts[:-1])
                if not is_new(table):
                    return LockUse(table, ACCESS_EXCLUSIVE, f"DROP {_ON_TABLE[rtype]} {parts[-1]} ON {table.display}")
        return None
    if kind in ("CreatePolicyStmt", "AlterPolicyStmt") and "table" in node:
        table = nodes.table_of(node["table"])
        return on(table, ACCESS_EXCLUSIVE, f"{'CREATE' if kind.startswith('Create') else 'ALTER'} POLICY on "
                                           f"{table.display}")
    if kind == "RuleStmt" and "relation" in node:
        table = nodes.table_of(node["relation"])
        return on(table, ACCESS_EXCLUSIVE, f"CREATE RULE on {table.display}")
    if kind == "TruncateStmt":
        for rel in node.get("relations", ()):
            table = nodes.table_of(rel.get("RangeVar", {}))
            if not is_new(table):
                return LockUse(table, ACCESS_EXCLUSIVE, f"TRUNCATE {table.display}")
        return None
    if kind == "RenameStmt" and node.get("renameType") in ("OBJECT_TABLE", "OBJECT_COLUMN") and "relation" in node:
        table = nodes.table_of(node["relation"])
        return on(table, ACCESS_EXCLUSIVE, f"ALTER TABLE {table.display} RENAME")
    if kind == "LockStmt":
        mode = _LOCK_MODES.get(int(node.get("mode", 0)))
        for rel in node.get("relations", ()):
            table = nodes.table_of(rel.get("RangeVar", {}))
            if mode and not is_new(table):
                return LockUse(table, mode, f"LOCK TABLE {table.display}")
        return None
    if kind == "CreateTrigStmt" and "relation" in node:
        table = nodes.table_of(node["relation"])
        return on(table, SHARE_ROW_EXCLUSIVE, f"CREATE TRIGGER on {table.display}")
    if kind == "RefreshMatViewStmt" and not node.get("concurrent") and "relation" in node:
        table = nodes.table_of(node["relation"])
        return on(table, ACCESS_EXCLUSIVE, f"REFRESH MATERIALIZED VIEW {table.display}")
    if kind == "ReindexStmt" and "relation" in node and not _concurrently(node):
        table = nodes.table_of(node["relation"])
        return on(table, ACCESS_EXCLUSIVE if node.get("kind") == "REINDEX_OBJECT_INDEX" else SHARE,
                  f"REINDEX {table.display}")
    if kind == "ClusterStmt" and "relation" in node:
        table = nodes.table_of(node["relation"])
        return on(table, ACCESS_EXCLUSIVE, f"CLUSTER {table.display}")
    if kind == "VacuumStmt" and any(_defname(o) == "full" for o in node.get("options", ())):
        for rel in node.get("rels", ()):
            table = nodes.table_of(rel.get("VacuumRelation", {}).get("relation", {}))
            if not is_new(table):
                return LockUse(table, ACCESS_EXCLUSIVE, f"VACUUM FULL {table.display}")
    return None


def _create_table_lock(node: nodes.Node, is_new: Callable[[TableRef], bool]) -> LockUse | None:
    """CREATE TABLE ... PARTITION OF an existing parent, or REFERENCES an existing table."""
    table = nodes.table_of(node.get("relation", {}))
    if node.get("partbound") is not None:
        for rel in node.get("inhRelations", ()):
            parent = nodes.table_of(rel.get("RangeVar", {}))
            if not is_new(parent):
                return LockUse(parent, ACCESS_EXCLUSIVE, f"CREATE TABLE {table.display} PARTITION OF "
                                                         f"{parent.display}")
    return _referenced_lock(table, node.get("tableElts", ()), is_new)


def _referenced_lock(table: TableRef, elements: Iterable[nodes.Node],
                     is_new: Callable[[TableRef], bool]) -> LockUse | None:
    """The SHARE ROW EXCLUSIVE lock a new foreign key takes on the existing table it references."""
    for target in referenced_tables(elements):
        if target.key != table.key and not is_new(target):
            return LockUse(target, SHARE_ROW_EXCLUSIVE, f"The foreign key {table.display} -> {target.display}")
    return None


def referenced_tables(elements: Iterable[nodes.Node]) -> Iterator[TableRef]:
    """Tables a new foreign key references, among CREATE TABLE elements or ALTER TABLE definitions."""
    for element in elements:
        found = [element["Constraint"]] if "Constraint" in element else []
        if "ColumnDef" in element:
            found = nodes.constraints_of(element["ColumnDef"])
        for con in found:
            if con.get("contype") == "CONSTR_FOREIGN" and "pktable" in con:
                yield nodes.table_of(con["pktable"])


def _is_fk(cmd: nodes.Node) -> bool:
    return bool(cmd.get("def", {}).get("Constraint", {}).get("contype") == "CONSTR_FOREIGN")


def _defname(option: nodes.Node) -> str:
    return str(option.get("DefElem", {}).get("defname", ""))


def _concurrently(node: nodes.Node) -> bool:
    return any(_defname(p) == "concurrently" for p in node.get("params", ()))
