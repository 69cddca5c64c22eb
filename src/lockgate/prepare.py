"""Check a migration file before anything runs, and decide how it runs (see :mod:`lockgate.txmode`).

:func:`prepare` splits and checks; :func:`runnable` also hands back the migration as the
runner must run it: a file wrapped in its own ``BEGIN; ... COMMIT;`` with those two
statements blanked out (offsets and lines kept, so errors point into the file; the
checksum stays the file's), and a file of only ``CREATE INDEX CONCURRENTLY``-like
statements marked to run outside a transaction.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Sequence

from .dialects.base import Adapter
from .errors import EmptyMigrationError, MigrationContentError, MigrationFileError, MissingDownError
from .model import Migration, MigrationFile, Statement
from .sqltext import is_transaction_control
from .txmode import Node, TxMode, no_transaction_marker, nontransactional, only_nontransactional, wrapped


def _node(sql: str) -> tuple[str, Node]:
    """pglast's reading of one statement: its node kind and fields; ``("", {})`` when it cannot
    parse it (SQLite's own syntax), which counts as an ordinary statement."""
    from pglast import parser  # lazy: status and a no-op up never pay its import

    try:
        stmts = json.loads(parser.parse_sql_json(sql)).get("stmts", [])
    except Exception:  # pglast.parser.ParseError
        return "", {}
    if len(stmts) != 1:
        return "", {}
    (kind, node), = stmts[0]["stmt"].items()
    return str(kind), node


class _Nodes(Sequence[tuple[str, Node]]):
    """The statements' nodes, each parsed on first use: most files are decided by one."""

    def __init__(self, statements: Sequence[Statement]) -> None:
        self._statements = statements
        self._cache: dict[int, tuple[str, Node]] = {}

    def __len__(self) -> int:
        return len(self._statements)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[n] for n in range(*i.indices(len(self)))]
        i = i + len(self) if i < 0 else i
        if i not in self._cache:
            self._cache[i] = _node(self._statements[i].sql)
        return self._cache[i]


def tx_mode(f: MigrationFile, statements: Sequence[Statement], server_version: int) -> TxMode:
    """How ``f`` runs; raises :class:`MigrationFileError` for a transactional file whose
    BEGIN/COMMIT/ROLLBACK stand anywhere but around the whole file."""
    if f.no_transaction:
        return TxMode(False, f"header {no_transaction_marker(f.text) or '-- lockgate:no-transaction'}")
    controls = [st for st in statements if is_transaction_control(st)]
    nodes = _Nodes(statements)
    if controls:
        if len(controls) == 2 and controls[0] is statements[0] and controls[1] is statements[-1] and \
                wrapped([nodes[0], nodes[-1]]):
            return TxMode(True, "its own BEGIN/COMMIT, run as one transaction")
        raise _controls_itself(f, controls[0])
    what = only_nontransactional(nodes, server_version) if statements else None
    if what is not None:
        return TxMode(False, f"only {what}")
    return TxMode(True)


def _controls_itself(f: MigrationFile, st: Statement) -> MigrationFileError:
    word = " ".join(st.sql.split())[:20]
    return MigrationContentError(
        f"Migration {f.path.name}:{st.line}: {word!r} controls the transaction itself, but lockgate "
        "already runs each migration in one transaction.",
        paths=[f.path], line=st.line,
        hint="Remove the BEGIN/COMMIT/ROLLBACK lines (a file wrapped in one plain BEGIN; ... COMMIT;, as its first "
             "and last statements, runs as it is), or put `-- lockgate:no-transaction` at the top of the file if "
             "it must manage transactions itself.")


def _file(migration: Migration, down: bool) -> MigrationFile:
    f = migration.down if down else migration.up
    if f is None:
        raise MissingDownError(migration.ident)
    return f


def prepare(adapter: Adapter, migration: Migration, *, down: bool = False) -> list[Statement]:
    """Split a file and check it before anything runs; raises on an empty up or a
    transactional file holding its own BEGIN/COMMIT anywhere but around the whole file.
    The statements are those that run: a wrapping BEGIN and COMMIT are left out."""
    return runnable(adapter, migration, down=down)[1]


def runnable(adapter: Adapter, migration: Migration, *, down: bool = False) -> tuple[Migration, list[Statement]]:
    """:func:`prepare`, and the migration as the runner must run it (see the module's docstring)."""
    f = _file(migration, down)
    statements = adapter.split(f.text)
    if not statements and not down:
        raise EmptyMigrationError(migration.ident, f.path)
    if not statements:
        return migration, statements
    mode = tx_mode(f, statements, adapter.server_version_num())
    if f.no_transaction or (mode.transaction and not mode.reason):
        return migration, statements
    if mode.transaction:  # wrapped: blank BEGIN and COMMIT, keep every offset and line
        text = f.text
        for st in (statements[-1], statements[0]):
            text = text[:st.offset] + "".join(c if c == "\n" else " " for c in st.sql) + text[st.offset + len(st.sql):]
        statements = statements[1:-1]
        runs = replace(f, text=text)
    else:
        runs = replace(f, no_transaction=True)
    if not down:
        return replace(migration, up=runs), statements
    copy = replace(migration)
    copy.__dict__["down"] = runs  # Migration.down is a cached property: this copy's is already read
    return copy, statements


def outside_transaction_needed(adapter: Adapter, migration: Migration, statements: Sequence[Statement], *,
                               down: bool = False) -> tuple[Statement, str] | None:
    """The first statement that cannot run in a transaction, and its name, when the file would run
    in one (a mix without the header: the server would refuse it half-way through a run)."""
    f = _file(migration, down)
    if f.no_transaction or not statements:
        return None
    server = adapter.server_version_num()
    for st in statements:
        what = nontransactional(*_node(st.sql), server)
        if what is not None:
            return st, what
    return None


def file_tx_mode(adapter: Adapter, migration: Migration, *, down: bool = False) -> TxMode:
    """How a migration's file would run, for ``status`` and ``plan``; a file ``up`` would
    refuse raises :class:`MigrationFileError`, an empty one is transactional."""
    f = _file(migration, down)
    statements = adapter.split(f.text)
    if not statements:
        return TxMode(True)
    return tx_mode(f, statements, adapter.server_version_num())


def describe_tx_mode(adapter: Adapter, migration: Migration) -> str:
    """:func:`file_tx_mode` of the up file as one phrase; ``refused (...)`` for a file ``up`` refuses."""
    try:
        return file_tx_mode(adapter, migration).describe()
    except MigrationFileError:
        return "refused (it controls the transaction itself; see lockgate lint)"


def down_state(adapter: Adapter, migration: Migration) -> str:
    """What the down file could undo: ``sql``, ``empty`` (only comments) or ``missing``."""
    if migration.down is None:
        return "missing"
    return "sql" if adapter.split(migration.down.text) else "empty"
