"""Which relations each statement of a migration locks, in which mode, and whether it rewrites or scans them.

Read from PostgreSQL's own parse (pglast, through :mod:`lockgate.lint.source`), never
by running anything: the plan shows it, the pre-checks ask it which tables the pending
migrations will lock, and the rehearsal compares it with what ``pg_locks`` showed.

Modes are PostgreSQL's names, weakest first (:data:`MODES`). A statement lists every
relation it names: the table it changes (``ALTER TABLE``: the strongest mode any of its
sub-commands needs), tables it only reads (``ACCESS SHARE``), tables a new foreign key
references (``SHARE ROW EXCLUSIVE``), and relations it creates (``ACCESS EXCLUSIVE``,
``created``: nobody else can see them yet). An index named by ``DROP INDEX`` is listed
as the index (``kind="index"``): which table it belongs to is a question for the live
catalog.

What the parse cannot see, the rehearsal can: functions and triggers that lock other
tables, dynamic SQL in a ``DO`` block, and cascades through foreign keys.

>>> [(lk.relation, lk.mode) for s in relation_locks("CREATE INDEX i ON users (email)") for lk in s.locks]
[('users', 'SHARE'), ('i', 'ACCESS EXCLUSIVE')]
>>> s, = relation_locks("ALTER TABLE orders ALTER COLUMN amount TYPE bigint")
>>> s.strongest, s.rewrites, s.scans
('ACCESS EXCLUSIVE', True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Protocol

from ..lint import locks as lint_locks
from ..lint import nodes
from ..lint.nodes import Node, TableRef

if TYPE_CHECKING:
    from ..lint.source import Source, Stmt

ACCESS_SHARE = "ACCESS SHARE"
ROW_SHARE = "ROW SHARE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
SHARE = lint_locks.SHARE
SHARE_ROW_EXCLUSIVE = lint_locks.SHARE_ROW_EXCLUSIVE
EXCLUSIVE = lint_locks.EXCLUSIVE
ACCESS_EXCLUSIVE = lint_locks.ACCESS_EXCLUSIVE

#: PostgreSQL's table lock modes, weakest first (``pg_locks.mode`` spells them ``AccessShareLock`` ...).
MODES = (ACCESS_SHARE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
         ACCESS_EXCLUSIVE)
_PG_LOCK_NAMES = {m.title().replace(" ", "") + "Lock": m for m in MODES}


def relation_display(schema: str | None, name: str) -> str:
    """``accounts``, ``app.accounts``, ``"Mixed"``: as a statement would name it (public and SQLite's main left out)."""
    return TableRef(None if schema in ("public", "main") else schema, name).display


def strength(mode: str | None) -> int:
    """0 for no lock, 1 for ACCESS SHARE ... 8 for ACCESS EXCLUSIVE."""
    return MODES.index(mode) + 1 if mode in MODES else 0


def mode_from_pg(pg_mode: str) -> str:
    """``pg_locks.mode`` as the documentation writes it: ``ShareUpdateExclusiveLock`` -> ``SHARE UPDATE EXCLUSIVE``."""
    return _PG_LOCK_NAMES.get(pg_mode, pg_mode)


def blocks_writes(mode: str | None) -> bool:
    """True from SHARE up: the application's INSERT/UPDATE/DELETE on the table wait (ACCESS EXCLUSIVE: reads too)."""
    return strength(mode) >= strength(SHARE)


@dataclass(frozen=True)
class RelationLock:
    """One relation a statement locks."""

    schema: str | None  # as written; None: unqualified (the search_path decides)
    name: str
    mode: str
    kind: str = "table"  # table, index, view, sequence, materialized view
    created: bool = False  # created by this statement or an earlier one of the same text

    @property
    def relation(self) -> str:
        return relation_display(self.schema, self.name)

    @property
    def key(self) -> tuple[str, str]:
        return TableRef(self.schema, self.name).key


@dataclass(frozen=True)
class StatementLocks:
    """A statement, where it is, and what it locks; ``rewrites``/``scans``: on a table that existed before."""

    line: int
    kind: str  # the parse node, e.g. "AlterTableStmt"
    sql: str
    locks: tuple[RelationLock, ...]
    rewrites: bool = False  # writes a new copy of the table (and its indexes)
    scans: bool = False  # reads every row (an index build, a constraint validation, an UPDATE without WHERE)
    embedded: bool = False  # run from a DO block
    offset: int = 0  # character index of its first token in the text

    @property
    def strongest(self) -> str | None:
        """The strongest mode on a relation that existed before (a new one is invisible to other sessions)."""
        return max((lk.mode for lk in self.locks if not lk.created), key=strength, default=None)

    def mode_on(self, key: tuple[str, str]) -> str | None:
        """The strongest mode this statement takes on the relation ``key`` (schema, name)."""
        return max((lk.mode for lk in self.locks if lk.key == key), key=strength, default=None)


def relation_locks(statements: str | Source, *, created: Iterable[tuple[str, str]] = (),
                   pg_version: int = 15) -> list[StatementLocks]:
    """Each statement of a migration (its SQL text, or an already parsed Source) with the locks it takes.

    ``created``: (schema, name) of tables made by earlier migrations of the same run, which
    nobody else can be using yet. A statement that does not parse is left out (lint reports it).
    """
    from ..lint.source import parse_source

    source = parse_source(statements) if isinstance(statements, str) else statements
    new = {tuple(k) for k in created}
    out = []
    for stmt in source.statements:
        locks = _dedupe(_locks_of(stmt, new))
        rewrites, scans = _work_of(stmt, pg_version)
        existing = any(not lk.created for lk in locks if lk.kind == "table")
        out.append(StatementLocks(stmt.line, stmt.kind, source.text[stmt.start:stmt.end].strip(), tuple(locks),
                                  rewrites and existing, (scans or rewrites) and existing, stmt.embedded,
                                  stmt.start))
        new.update(lk.key for lk in locks if lk.created)
    return out


def locked_tables(statements: str | Source, *, at_least: str = ACCESS_SHARE) -> set[tuple[str, str]]:
    """(schema, name) of every existing table the statements lock at ``at_least`` or stronger."""
    floor = strength(at_least)
    return {lk.key for s in relation_locks(statements) for lk in s.locks
            if lk.kind == "table" and not lk.created and strength(lk.mode) >= floor}


def _dedupe(locks: Iterable[RelationLock]) -> list[RelationLock]:
    """One entry per relation, at the strongest mode named for it, in first-seen order."""
    best: dict[tuple[str, str, str], RelationLock] = {}
    for lk in locks:
        slot = (lk.kind, *lk.key)
        if slot not in best or strength(lk.mode) > strength(best[slot].mode):
            best[slot] = lk if slot not in best else RelationLock(lk.schema, lk.name, lk.mode, lk.kind,
                                                                   best[slot].created or lk.created)
    return list(best.values())


def _locks_of(stmt: Stmt, new: set[tuple[str, ...]]) -> Iterator[RelationLock]:
    kind, node = stmt.kind, stmt.node

    def lock(table: TableRef, mode: str, rel_kind: str = "table", created: bool = False) -> RelationLock:
        return RelationLock(table.schema, table.name, mode, rel_kind, created or table.key in new)

    if kind in ("CreateStmt", "CreateTableAsStmt", "ViewStmt", "CreateSeqStmt"):
        target = node.get("relation") or node.get("view") or node.get("sequence") or \
            node.get("into", {}).get("rel", {})
        rel_kind = {"ViewStmt": "view", "CreateSeqStmt": "sequence"}.get(kind, "table")
        yield lock(nodes.table_of(target), ACCESS_EXCLUSIVE, rel_kind, created=True)
        for parent in node.get("inhRelations", ()):
            # PARTITION OF takes ACCESS EXCLUSIVE on the parent; plain INHERITS takes SHARE UPDATE EXCLUSIVE.
            mode = ACCESS_EXCLUSIVE if node.get("partbound") is not None else SHARE_UPDATE_EXCLUSIVE
            yield lock(nodes.table_of(parent.get("RangeVar", {})), mode)
        yield from (lock(t, SHARE_ROW_EXCLUSIVE) for t in lint_locks.referenced_tables(node.get("tableElts", ())))
        yield from _reads(node.get("query") or {}, lock)
        return
    if kind == "IndexStmt":
        table = nodes.table_of(node.get("relation", {}))
        yield lock(table, SHARE_UPDATE_EXCLUSIVE if node.get("concurrent") else SHARE)
        if node.get("idxname"):
            yield lock(TableRef(table.schema, str(node["idxname"])), ACCESS_EXCLUSIVE, "index", created=True)
        return
    if kind in ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"):
        target = node.get("relation", {})
        yield lock(nodes.table_of(target), ROW_EXCLUSIVE)
        yield from _reads({k: v for k, v in node.items() if k != "relation"}, lock)
        return
    if kind == "SelectStmt":
        yield from _reads(node, lock)
        return
    if kind == "DropStmt":
        yield from _drop_locks(node, lock)
        return
    if kind in ("TruncateStmt", "LockStmt"):
        lock_mode = ACCESS_EXCLUSIVE if kind == "TruncateStmt" else _lock_stmt_mode(node)
        for rel in node.get("relations", ()):
            yield lock(nodes.table_of(rel.get("RangeVar", {})), lock_mode)
        return
    if kind == "VacuumStmt":
        full = any(lint_locks._defname(o) == "full" for o in node.get("options", ()))
        for rel in node.get("rels", ()):
            yield lock(nodes.table_of(rel.get("VacuumRelation", {}).get("relation", {})),
                       ACCESS_EXCLUSIVE if full else SHARE_UPDATE_EXCLUSIVE)
        return
    if kind == "RenameStmt" and node.get("renameType") == "OBJECT_TABLE" and "relation" in node:
        old = nodes.table_of(node["relation"])
        yield lock(old, ACCESS_EXCLUSIVE)
        # After the statement the same table answers to its new name (pg_locks shows that one).
        yield lock(TableRef(old.schema, str(node.get("newname", ""))), ACCESS_EXCLUSIVE)
        return
    if kind == "AlterTableStmt" and node.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE" and stmt.relation:
        alter_mode = _alter_mode(stmt)
        if alter_mode:
            yield lock(stmt.relation, alter_mode)
        definitions = (c.get("def", {}) for c in stmt.cmds)
        yield from (lock(t, SHARE_ROW_EXCLUSIVE) for t in lint_locks.referenced_tables(definitions))
        return
    if kind == "CommentStmt" and node.get("objtype") in ("OBJECT_TABLE", "OBJECT_COLUMN"):
        parts = nodes.name_list(node.get("object", {}).get("List", {}).get("items"))
        if node.get("objtype") == "OBJECT_COLUMN":
            parts = parts[:-1]
        if parts:
            yield lock(nodes.table_from_parts(parts), SHARE_UPDATE_EXCLUSIVE)
        return
    strong = lint_locks.strong_lock(stmt, lambda table: False)
    if strong is not None and strong.table is not None:
        yield lock(strong.table, strong.mode)


def _alter_mode(stmt: Stmt) -> str | None:
    """The strongest mode the sub-commands of an ALTER TABLE need (lint's table, extended below SHARE)."""
    best = None
    for cmd in stmt.cmds:
        sub = cmd.get("subtype", "")
        if sub in lint_locks._WEAK_ALTERS or (
                sub == "AT_DetachPartition" and cmd.get("def", {}).get("PartitionCmd", {}).get("concurrent")):
            mode = SHARE_UPDATE_EXCLUSIVE
        elif sub in lint_locks._SHARE_ROW_ALTERS or (sub == "AT_AddConstraint" and lint_locks._is_fk(cmd)):
            mode = SHARE_ROW_EXCLUSIVE
        else:
            mode = ACCESS_EXCLUSIVE
        best = mode if strength(mode) > strength(best) else best
    return best


def _drop_locks(node: Node, lock: _LockFn) -> Iterator[RelationLock]:
    rtype = node.get("removeType")
    concurrent = bool(node.get("concurrent"))
    for parts in nodes.object_names(node):
        ref = nodes.table_from_parts(parts)
        if rtype in ("OBJECT_TABLE", "OBJECT_MATVIEW", "OBJECT_VIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"):
            rel_kind = {"OBJECT_VIEW": "view", "OBJECT_SEQUENCE": "sequence"}.get(str(rtype), "table")
            yield lock(ref, ACCESS_EXCLUSIVE, rel_kind)
        elif rtype == "OBJECT_INDEX":
            yield lock(ref, SHARE_UPDATE_EXCLUSIVE if concurrent else ACCESS_EXCLUSIVE, "index")
        elif rtype in lint_locks._ON_TABLE and len(parts) >= 2:
            yield lock(nodes.table_from_parts(parts[:-1]), ACCESS_EXCLUSIVE)


def _lock_stmt_mode(node: Node) -> str:
    # LockStmt modes use PostgreSQL's numbering, 1 ACCESS SHARE .. 8 ACCESS EXCLUSIVE; absent (0) means the default.
    number = int(node.get("mode", 0))
    return MODES[number - 1] if 1 <= number <= len(MODES) else ACCESS_EXCLUSIVE


class _LockFn(Protocol):
    def __call__(self, table: TableRef, mode: str, rel_kind: str = ..., created: bool = ...) -> RelationLock: ...


def _reads(tree: Node, lock: _LockFn) -> Iterator[RelationLock]:
    """ACCESS SHARE on every table a query reads (FROM, JOIN, USING, sub-queries), CTE names left out;
    ROW EXCLUSIVE on the target of a data-changing CTE (``WITH moved AS (DELETE FROM t ...)``)."""
    ctes = {str(f.get("ctename", "")) for kind, f in nodes.walk({"root": tree}) if kind == "CommonTableExpr"}
    for kind, fields in nodes.walk({"root": tree}):
        if kind == "RangeVar" and not (fields.get("schemaname") is None and fields.get("relname") in ctes):
            yield lock(nodes.table_of(fields), ACCESS_SHARE)
        elif kind in ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt") and "relation" in fields:
            yield lock(nodes.table_of(fields["relation"]), ROW_EXCLUSIVE)


def _work_of(stmt: Stmt, pg_version: int) -> tuple[bool, bool]:
    """(rewrites, scans) of a statement, on the table it changes."""
    kind, node = stmt.kind, stmt.node
    if kind == "IndexStmt":
        return False, True
    if kind in ("UpdateStmt", "DeleteStmt"):
        return False, node.get("whereClause") is None
    if kind in ("ClusterStmt", "RefreshMatViewStmt"):
        return True, True
    if kind == "VacuumStmt":
        full = any(lint_locks._defname(o) == "full" for o in node.get("options", ()))
        return full, True
    if kind != "AlterTableStmt":
        return False, False
    rewrites = scans = False
    for cmd in stmt.cmds:
        sub = cmd.get("subtype", "")
        definition = cmd.get("def", {})
        if sub == "AT_AlterColumnType":
            coldef = definition.get("ColumnDef", {})
            new_type = nodes.type_info(coldef.get("typeName"))
            rewrites |= new_type is None or not nodes.safe_type_change(None, new_type, using="raw_default" in coldef)
        elif sub == "AT_AddColumn":
            rewrites |= _rewriting_column(definition.get("ColumnDef", {}), pg_version)
        elif sub in ("AT_SetLogged", "AT_SetUnLogged", "AT_SetAccessMethod"):
            rewrites = True
        elif sub in ("AT_SetNotNull", "AT_ValidateConstraint", "AT_AddIndex", "AT_AddIndexConstraint"):
            scans = True
        elif sub == "AT_AddConstraint":
            con = definition.get("Constraint", {})
            scans |= not con.get("skip_validation") and con.get("contype") in (
                "CONSTR_CHECK", "CONSTR_FOREIGN", "CONSTR_PRIMARY", "CONSTR_UNIQUE", "CONSTR_EXCLUSION")
    return rewrites, scans


def _rewriting_column(coldef: Node, pg_version: int) -> bool:
    """ADD COLUMN that must write every existing row: a volatile default (any default before 11), serial, identity,
    stored generated."""
    types = {c.get("contype") for c in nodes.constraints_of(coldef)}
    if nodes.is_serial(coldef) or types & {"CONSTR_IDENTITY", "CONSTR_GENERATED"}:
        return True
    default = nodes.first_default(coldef)
    if default is None or nodes.is_null_const(default):
        return False
    return pg_version < 11 or nodes.volatile_call(default) is not None
