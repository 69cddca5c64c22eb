"""What the linter knows while it walks the statements of one file, in order.

:class:`FileContext` holds one file's view: the tables it created, whether ``SET
lock_timeout`` has run, the open transaction; facts that outlive the file live in
the run's :class:`~.state.SchemaState`.

Rules only read the context, and read it *before* the statement they look at is
applied (:meth:`FileContext.advance`), so "created earlier in the file" means
earlier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import nodes
from .classify import Change, Effect, Phase, created_key, phase_of, statement_changes
from .locks import LockUse, strong_lock
from .nodes import Node, TableRef, TypeInfo
from .state import Key, SchemaState, TableId

if TYPE_CHECKING:
    from .catalog import LiveCatalog
    from .options import LintOptions
    from .source import Source, Stmt

class FileContext:
    """One file being linted: read by the rules, advanced statement by statement by the engine."""

    def __init__(self, source: Source, *, options: LintOptions, pg_version: int, state: SchemaState,
                 live: LiveCatalog | None = None, no_transaction: bool = False, ident: str | None = None,
                 has_down: bool | None = None, contract_tag: bool = False) -> None:
        self.source = source
        self.options = options
        self.pg_version = pg_version
        self.state = state
        self.live = live
        self.no_transaction = no_transaction
        self.ident = ident or source.path.name
        self.has_down = has_down  # None: not a versioned migration, the question does not arise
        self.contract_tag = contract_tag
        self.statements: list[Stmt] = []  # the statements linted (a dbmate down section excluded)
        self.created: set[Key] = set()
        self.created_indexes: set[str] = set()
        self.dropped_if_exists: set[tuple[str, str]] = set()
        self.created_objects: dict[tuple[str, str], int] = {}  # key -> last statement index
        self.tx_depth = 0
        self.lock_timeout = False
        self.not_valid_here: dict[tuple[Key, str], Stmt] = {}
        self.changes: list[tuple[Stmt, Change]] = []
        self.lock_uses: list[tuple[Stmt, LockUse, bool]] = []  # (statement, lock, lock_timeout was set)
        self._phase: Phase | None = None
        self._moves = 0  # table renames so far: numbers the fresh identities of the names they free

    # -- questions the rules ask ------------------------------------------------------------
    def is_new(self, table: TableRef) -> bool:
        """Created in this file, by an earlier file of a cumulative run, or absent from the live database."""
        key = table.key
        if key in self.created or key in self.state.new_tables:
            return True
        if self.live is None:
            return False
        cache = self.state.exists_cache
        if key not in cache:
            live = self._live_ref(table)
            cache[key] = bool(self.live.table_exists(live.schema, live.name))
        return not cache[key]

    def index_is_new(self, parts: list[str]) -> bool:
        name = parts[-1] if parts else ""
        if name in self.created_indexes or name in self.state.new_indexes:
            return True
        table = self.state.get("index_table", name)
        return table is not None and (table in self.created or table in self.state.new_tables)

    def estimated_rows(self, table: TableRef) -> int | None:
        if self.live is None:
            return None
        cache = self.state.rows_cache
        if table.key not in cache:
            live = self._live_ref(table)
            cache[table.key] = self.live.estimated_rows(live.schema, live.name)
        return cache[table.key]

    def in_transaction(self, stmt: Stmt) -> bool:
        """Whether ``stmt`` runs inside a transaction block."""
        return stmt.embedded or self.tx_depth > 0 or not self.no_transaction

    def column_type(self, table: TableRef, column: str) -> TypeInfo | None:
        """The column's type: as an earlier statement of the run left it, else as the live database has it."""
        info = nodes.type_info(self.state.get("column_type", (self.facts_id(table.key), column)))
        if info is None and self.live is not None and not self.is_new(table):
            found = self._live_columns(table).get(column)
            info = found[0] if found else None
        return info

    def not_null_proven(self, table: TableRef, column: str) -> bool:
        """A validated ``CHECK (col IS NOT NULL)`` (from the run, or in the live database), or already NOT NULL."""
        if self.state.get("proven_not_null", (self.facts_id(table.key), column)):
            return True
        if self.live is None or self.is_new(table):
            return False
        found = self._live_columns(table).get(column)
        return bool(found and found[1]) or column in self._live_checked(table)

    def facts_id(self, key: Key) -> TableId:
        """What the facts of the table named ``key`` are kept under: its own key unless a rename moved them.

        A rename cannot move the facts one by one: a parallel worker, which lacks the facts earlier
        files left, would not know which columns to move, nor could its journal say it missed some.
        Instead the new name points at the old facts, through a keyed fact the journal records.
        """
        found = self.state.get("table_identity", key)
        return key if found is None else tuple(found)

    def _live_ref(self, table: TableRef) -> TableRef:
        """The name the live database knows ``table`` by: a pending rename has not happened there yet."""
        return self.state.live_names.get(table.key, table)

    def _live_columns(self, table: TableRef) -> dict[str, tuple[TypeInfo | None, bool]]:
        cache = self.state.columns_cache
        if table.key not in cache and self.live is not None:
            live = self._live_ref(table)
            cache[table.key] = {name: (nodes.type_info_of_sql(sql), not_null)
                                for name, (sql, not_null) in self.live.columns(live.schema, live.name).items()}
        return cache.get(table.key, {})

    def _live_checked(self, table: TableRef) -> set[str]:
        cache = self.state.checked_cache
        if table.key not in cache and self.live is not None:
            from .source import parse_statement

            columns = set()
            live = self._live_ref(table)
            for definition in self.live.validated_checks(live.schema, live.name):
                parsed = parse_statement(f"ALTER TABLE t ADD {definition}")
                for cmd in (parsed[1].get("cmds", ()) if parsed else ()):
                    con = cmd.get("AlterTableCmd", {}).get("def", {}).get("Constraint", {})
                    column = _not_null_check_column(con)
                    if column is not None:
                        columns.add(column)
            cache[table.key] = columns
        return cache.get(table.key, set())

    @property
    def strong_locks_without_timeout(self) -> list[tuple[Stmt, LockUse]]:
        return [(s, use) for s, use, timeout in self.lock_uses if not timeout]

    def effective_changes(self) -> list[tuple[Stmt, Change]]:
        """Changes, with a DROP of a view/function/type the file creates again counted as neutral."""
        out = []
        for stmt, change in self.changes:
            key = change.recreated_key
            if key is not None and self.created_objects.get(key, -1) >= stmt.index:
                change = Change(Effect.NEUTRAL, change.what)
            out.append((stmt, change))
        return out

    @property
    def phase(self) -> Phase:
        if self._phase is None:
            self._phase = phase_of([c for _, c in self.effective_changes()])
        return self._phase

    # -- the engine moves on --------------------------------------------------------------
    def advance(self, stmt: Stmt) -> None:
        """Record what ``stmt`` does (with the state before it), then apply it to the state."""
        self.statements.append(stmt)
        self._phase = None
        for change in statement_changes(stmt, self.is_new):
            self.changes.append((stmt, change))
        use = strong_lock(stmt, self.is_new, self.index_is_new)
        if use is not None:
            self.lock_uses.append((stmt, use, self.lock_timeout))
        self._apply(stmt)

    def finish(self) -> None:
        if self.state.cumulative:
            self.state.new_tables |= self.created
            self.state.new_indexes |= self.created_indexes

    def _apply(self, stmt: Stmt) -> None:
        kind, node = stmt.kind, stmt.node
        key = created_key(stmt)
        if key is not None:
            self.created_objects[key] = stmt.index
        if kind == "CreateStmt":
            table = nodes.table_of(node.get("relation", {}))
            self.created.add(table.key)
            ident: TableId | None = None
            for elt in node.get("tableElts", ()):
                col = elt.get("ColumnDef")
                if col and col.get("colname") and col.get("typeName"):
                    ident = self.facts_id(table.key) if ident is None else ident
                    # The raw typeName node: a TypeInfo is made only when a type change asks.
                    self.state.put("column_type", (ident, col["colname"]), col["typeName"])
        elif kind == "CreateTableAsStmt":
            self.created.add(nodes.table_of(node.get("into", {}).get("rel", {})).key)
        elif kind == "SelectStmt" and "intoClause" in node:
            self.created.add(nodes.table_of(node["intoClause"].get("rel", {})).key)
        elif kind == "IndexStmt":
            name = node.get("idxname")
            if name:
                self.created_indexes.add(name)
                self.state.put("index_table", name, nodes.table_of(node.get("relation", {})).key)
        elif kind == "DropStmt" and node.get("missing_ok"):
            for parts in nodes.object_names(node):
                self.dropped_if_exists.add((str(node.get("removeType", "")), parts[-1] if parts else ""))
        elif kind == "RenameStmt":
            self._apply_rename(node)
        elif kind == "AlterObjectSchemaStmt" and node.get("objectType") == "OBJECT_TABLE" and "relation" in node:
            table = nodes.table_of(node["relation"])
            self._move_table(table, TableRef(str(node.get("newschema", "")), table.name))
        elif kind == "AlterTableStmt" and stmt.relation is not None:
            self._apply_alter(stmt.relation, stmt)
        elif kind == "VariableSetStmt" and node.get("name") == "lock_timeout":
            self.lock_timeout = node.get("kind") == "VAR_SET_VALUE" and _nonzero(node.get("args"))
        elif kind == "SelectStmt":
            self._apply_set_config(node)
        elif kind == "TransactionStmt":
            tkind = node.get("kind", "")
            if tkind in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
                self.tx_depth = 1
            elif tkind in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE",
                           "TRANS_STMT_COMMIT_PREPARED", "TRANS_STMT_ROLLBACK_PREPARED"):
                self.tx_depth = 0

    def _apply_rename(self, node: Node) -> None:
        if "relation" not in node:
            return
        table = nodes.table_of(node["relation"])
        rtype = node.get("renameType")
        new_name = str(node.get("newname", ""))
        if rtype == "OBJECT_TABLE":
            self._move_table(table, TableRef(table.schema, new_name))
        elif rtype == "OBJECT_INDEX" and table.name != new_name:  # the relation names the index
            if self.index_is_new([table.name]):
                self.created_indexes.add(new_name)
            on = self.state.get("index_table", table.name)
            if on is not None:
                self.state.put("index_table", table.name, None)
                self.state.put("index_table", new_name, on)
        elif rtype == "OBJECT_COLUMN":
            ident = self.facts_id(table.key)
            old, new = (ident, str(node.get("subname", ""))), (ident, new_name)
            if old != new:
                for fact in ("column_type", "proven_not_null"):
                    value = self.state.get(fact, old)
                    if value is not None:
                        self.state.put(fact, old, None)
                        self.state.put(fact, new, value)

    def _move_table(self, table: TableRef, to: TableRef) -> None:
        """``table`` is now called ``to``: its facts go with it, and the name it leaves starts without any."""
        if to.key == table.key:
            return
        if self.is_new(table):
            self.created.add(to.key)
        elif self.live is not None:
            # An existing table under a new name: still existing (and the database answers for it
            # under the name it has now), not a new table whose findings do not matter.
            self.state.live_names[to.key] = self._live_ref(table)
            self.state.exists_cache[to.key] = True
            for cache in (self.state.rows_cache, self.state.columns_cache, self.state.checked_cache):
                cache.pop(to.key, None)
        ident = self.facts_id(table.key)
        # Stored as lists, as they come back from the cache's JSON, so replayed and local facts compare equal.
        self.state.put("table_identity", to.key, None if ident == to.key else list(ident))
        # A table created later under the old name must not inherit these facts: it gets an identity
        # of its own, the same in every run (this file's identifier and the rename's rank in it).
        self._moves += 1
        self.state.put("table_identity", table.key, [*table.key, f"{self.ident}#{self._moves}"])

    def _apply_alter(self, table: TableRef, stmt: Stmt) -> None:
        state = self.state
        # Looked up only when a command may touch facts, so other ALTERs record no read in the journal.
        ident = self.facts_id(table.key) if stmt.subtypes & _FACT_COMMANDS else table.key
        for cmd in stmt.cmds:
            sub = cmd.get("subtype")
            if sub == "AT_AddColumn":
                col = cmd.get("def", {}).get("ColumnDef", {})
                if col.get("typeName") and col.get("colname"):
                    state.put("column_type", (ident, col["colname"]), col["typeName"])
            elif sub == "AT_AlterColumnType":
                type_name = cmd.get("def", {}).get("ColumnDef", {}).get("typeName")
                if type_name and cmd.get("name"):
                    state.put("column_type", (ident, cmd["name"]), type_name)
            elif sub == "AT_DropColumn":
                state.put("column_type", (ident, str(cmd.get("name", ""))), None)
            elif sub == "AT_AddConstraint":
                con = cmd.get("def", {}).get("Constraint", {})
                name = str(con.get("conname", ""))
                if con.get("skip_validation"):
                    self.not_valid_here[(table.key, name)] = stmt
                column = _not_null_check_column(con)
                if column is not None:
                    if con.get("skip_validation"):
                        state.put("pending_not_null", (ident, name), column)
                    else:
                        state.put("proven_not_null", (ident, column), True)
            elif sub == "AT_ValidateConstraint":
                key = (ident, str(cmd.get("name", "")))
                column = state.get("pending_not_null", key)
                if column is not None:
                    state.put("pending_not_null", key, None)
                    state.put("proven_not_null", (ident, column), True)

    def _apply_set_config(self, node: Node) -> None:
        for target in node.get("targetList", ()):
            call = target.get("ResTarget", {}).get("val", {}).get("FuncCall")
            if not call or nodes.name_list(call.get("funcname"))[-1:] != ["set_config"]:
                continue
            args = call.get("args", [])
            if len(args) >= 2 and nodes.const_text(args[0]) == "lock_timeout":
                value = nodes.const_text(args[1])
                self.lock_timeout = value is not None and value.strip() not in ("0", "", "0ms", "0s")


_FACT_COMMANDS = frozenset({"AT_AddColumn", "AT_AlterColumnType", "AT_DropColumn", "AT_AddConstraint",
                            "AT_ValidateConstraint"})


def _nonzero(args: list[Node] | None) -> bool:
    if not args:
        return False
    value = nodes.const_text(args[0])
    return value is not None and value.strip() not in ("0", "", "0ms", "0s")


def _not_null_check_column(con: Node) -> str | None:
    """``CHECK (col IS NOT NULL)`` -> ``col``."""
    if con.get("contype") != "CONSTR_CHECK":
        return None
    test = con.get("raw_expr", {}).get("NullTest")
    if not test or test.get("nulltesttype") != "IS_NOT_NULL":
        return None
    fields = test.get("arg", {}).get("ColumnRef", {}).get("fields", [])
    names = nodes.name_list(fields)
    return names[-1] if len(names) == 1 else None
