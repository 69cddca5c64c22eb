"""The adapter contract every engine implements, and what they share.

Capability flags (documented attributes, never engine-name checks):

* ``placeholder``: the DB-API parameter marker, ``%s`` or ``?``.
* ``batch_transactions``: a transactional migration goes to the server as one message.
* ``lints``: ``up`` runs the safety linter (its rules are PostgreSQL's).
* ``reads_locks``: ``held_locks`` tells which relations this session has locked, in which
  mode (PostgreSQL's pg_locks); SQLite locks the whole file and has no such view.
* ``lock_timeouts``: the engine can bound lock waits and statements (``timeouts_sql``),
  name the sessions in the way (``observer``) and retry; SQLite cannot.
* ``lock_not_available_codes`` / ``statement_timeout_codes``: the error codes
  (``error_sqlstate``) of a lock wait and of a statement cut short by a timeout lockgate
  set: PostgreSQL's 55P03 and 57014; a MySQL dialect would list 1205 and 3024.
* ``title``: the engine's name in messages (``not applicable on SQLite``).
* ``activity()``: a reader of the server's sessions, locks and replicas, or None where the
  engine has none to show (SQLite: one process, no server).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Protocol, Sequence

from ..model import LedgerRow, Statement
from ..safety.blockers import Blocker

if TYPE_CHECKING:
    from ..safety.activity import ActivityReader


@dataclass(frozen=True)
class ForeignLedger:
    tool: str
    version: str | None
    dirty: bool = False
    versions: tuple[str, ...] = ()  # Flyway: every applied version (its table keeps one row per run)
    baseline: str | None = None  # Flyway: a BASELINE row's version (everything up to it is applied)


def kept_name(table: str, tool: str) -> str:
    """What adopting another tool's ledger renames it to: ``schema_migrations_golang_migrate``."""
    return table.rpartition(".")[2] + "_" + tool.replace("-", "_")


def classify_foreign(columns: set[str], query: Callable[[str], list[tuple[Any, ...]]],
                     table: str) -> ForeignLedger | None:
    """Recognise another tool's ``schema_migrations`` (or Flyway's ``flyway_schema_history``) by its
    columns; None when it is lockgate's own, or no table."""
    from .. import flyway

    if flyway.COLUMNS <= columns:
        state = flyway.read_history(query(f"SELECT version, type, success FROM {table} ORDER BY installed_rank"))
        newest = max(state.versions + ((state.baseline,) if state.baseline else ()), key=flyway.version_key,
                     default=None)
        return ForeignLedger("Flyway", state.failed or newest, state.failed is not None, state.versions,
                             state.baseline)
    if not columns or "checksum" in columns:
        return None
    if columns == {"version", "dirty"}:  # golang-migrate: one row, the current version
        rows = query(f"SELECT version, dirty FROM {table} LIMIT 1")
        return ForeignLedger("golang-migrate", str(rows[0][0]) if rows else None, bool(rows and rows[0][1]))
    if columns == {"version"}:  # dbmate: one row per applied version
        rows = query(f"SELECT max(version) FROM {table}")
        return ForeignLedger("dbmate", str(rows[0][0]) if rows and rows[0][0] is not None else None)
    return ForeignLedger("another tool (columns: " + ", ".join(sorted(columns)) + ")", None)


@dataclass(frozen=True)
class Leftover:
    """What a failed statement of a no-transaction file left behind, as the engine
    sees it: ``what`` for the error (``an INVALID index idx_x``), ``undo`` the SQL that
    removes it (``DROP INDEX CONCURRENTLY IF EXISTS idx_x``)."""

    what: str
    undo: str


@dataclass(frozen=True)
class TableSize:
    """How big a table is, as the server knows it without reading it.

    ``rows`` is the planner's estimate (``reltuples``), None when the table was never
    analysed; then ``bytes`` (its size on disk, indexes and TOAST included) is what is
    known, and a table with nothing on disk is empty (``rows`` 0, ``source`` "empty").
    """

    schema: str
    name: str
    rows: int | None
    bytes: int | None
    source: str  # "estimate" (planner statistics), "empty" (nothing on disk), "not analysed", "exact" (counted)


@dataclass(frozen=True)
class HeldLock:
    """A relation lock this session holds (pg_locks); the names are None once the relation is dropped."""

    oid: int
    schema: str | None
    name: str | None
    kind: str  # table, index, sequence, view, materialized view, toast, other
    mode: str  # as the documentation writes it: ACCESS EXCLUSIVE


class Observer(Protocol):
    """A second connection that watches the runner's session while it waits for a lock."""

    def blockers(self, pid: int) -> list[Blocker]: ...  # the sessions pid's lock request waits for
    def cancel(self, pid: int) -> bool: ...  # cancel its running query
    def terminate(self, pid: int) -> bool: ...  # end its session (its transaction rolls back)
    def close(self) -> None: ...


@dataclass(frozen=True)
class TablesFound:
    """Tables a database already holds besides this ledger's own two (system and extension
    tables left out): the first few ``names``, lockgate ledgers first, and how many in all."""

    names: tuple[str, ...]
    count: int
    ledgers: tuple[str, ...] = ()  # those of ``names`` with lockgate's ledger columns


# The columns that make a table a lockgate ledger, whatever its name.
LEDGER_COLUMNS = ("version", "applied_at", "checksum", "dirty")


class Adapter(Protocol):
    name: str
    title: str  # for messages: "PostgreSQL", "SQLite"
    batch_transactions: bool  # a transactional migration goes as one message (see runner)
    lints: bool  # `up` runs the safety linter (its rules are PostgreSQL's)
    lock_timeouts: bool  # lock_timeout/statement_timeout, blockers seen from a second connection
    lock_not_available_codes: frozenset[str]
    statement_timeout_codes: frozenset[str]
    # After execute_script failed: the 0-based index of the statement of the message that failed.
    last_failed_index: int | None
    placeholder: str
    batch_start_sql: str  # SQL for "when this batch arrived"
    reset_sql: str  # what reset_session runs; a batch runs it before the ledger writes ("" for none)
    now_sql: str
    ledger: str  # quoted, possibly schema-qualified ledger table
    history: str  # quoted history table
    schema_table: str  # quoted table of the schema fingerprint the last run left (lockgate.schema.drift)
    schema_table_ddl: str  # CREATE TABLE IF NOT EXISTS for it

    def close(self) -> None: ...

    # statements
    def split(self, text: str) -> list[Statement]: ...
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def execute_script(self, sql: str) -> None: ...
    # SQL that bounds what follows (seconds, 0: none) and names the session; ``local``: for
    # this transaction only. "" where the engine has no such settings.
    def timeouts_sql(self, lock_timeout: float, statement_timeout: float, application_name: str, *,
                     local: bool) -> str: ...
    def backend_pid(self) -> int: ...
    # A statement whose lock waits queue no application query (CREATE INDEX CONCURRENTLY).
    def waits_harmlessly(self, sql: str) -> bool: ...
    def lock_timeout_sql(self, seconds: float) -> str: ...
    def observer(self) -> Observer: ...  # only where lock_timeouts
    def inline(self, sql: str, params: Sequence[Any]) -> str: ...
    def in_transaction(self) -> bool: ...
    def error_sqlstate(self, exc: BaseException) -> str | None: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def reset_session(self) -> None: ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...

    # ledger
    def read_ledger(self) -> list[LedgerRow] | None: ...  # None: no ledger table yet
    def ensure_ledger(self) -> None: ...
    def foreign_ledger(self, table: str | None = None) -> ForeignLedger | None: ...  # None: the ledger's place
    def history_exists(self) -> bool: ...
    def schema_exists(self, schema: str) -> bool: ...
    def other_tables(self, limit: int) -> TablesFound: ...
    def adopt_foreign_ledger(self, tool: str) -> str: ...
    # the live schema (lockgate.schema): (kind, name, text) per object, lockgate's tables left out
    def schema_objects(self) -> list[tuple[str, str, str]]: ...
    def recorded_schema(self) -> tuple[str, str] | None: ...  # (fingerprint, description); None: none yet

    # locking
    def acquire_lock(self, wait: float, on_wait: Callable[[str], None]) -> None: ...
    def release_lock(self) -> None: ...

    # errors
    def describe_error(self, exc: BaseException) -> str: ...  # one line, redacted
    def error_position(self, exc: BaseException) -> int | None: ...
    # Asked right after `sql` failed outside a transaction; None when nothing is known.
    def leftover(self, sql: str) -> Leftover | None: ...

    # what the safety linter asks of a live database
    def server_version_num(self) -> int: ...
    def table_exists(self, schema: str | None, name: str) -> bool: ...
    def estimated_rows(self, schema: str | None, name: str) -> int | None: ...
    def columns(self, schema: str | None, name: str) -> Mapping[str, tuple[str, bool]]: ...
    def validated_checks(self, schema: str | None, name: str) -> list[str]: ...
    def is_driver_error(self, exc: BaseException) -> bool: ...

    # what the plan, the rehearsal and the post-checks ask (lockgate.safety)
    reads_locks: bool
    def table_size(self, schema: str | None, name: str) -> TableSize | None: ...  # None: no such table
    def row_count(self, schema: str | None, name: str) -> int: ...  # exact: count(*)
    # The same for many tables at once: a run that touched a thousand tables must not cost
    # a thousand round trips before and after it. Missing tables are left out.
    def table_sizes(self, tables: Sequence[tuple[str | None, str]]) -> dict[tuple[str | None, str], TableSize]: ...
    def row_counts(self, tables: Sequence[tuple[str | None, str]]) -> dict[tuple[str | None, str], int]: ...
    def index_table(self, schema: str | None, name: str) -> tuple[str, str] | None: ...  # the table of an index
    def held_locks(self) -> list[HeldLock]: ...  # [] where not reads_locks
    def execute_rowcount(self, sql: str) -> int: ...  # the rows the statement changed; -1 unknown
    # what the pre-checks and the monitor read; None: the engine has no sessions to show
    def activity(self) -> "ActivityReader | None": ...


def quote_ident(name: str) -> str:
    """Quote a [schema.]name already validated as letters, digits and underscores."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


@contextmanager
def own_transaction(adapter: Adapter) -> Iterator[None]:
    """BEGIN ... COMMIT around the block, ROLLBACK on any error; inside a transaction the
    caller already opened (baseline creates the ledger in its own), just the block."""
    if adapter.in_transaction():
        yield
        return
    adapter.begin()
    try:
        yield
    except BaseException:
        adapter.rollback()
        raise
    adapter.commit()


def ledger_ddl(ledger: str, *, applied_at: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {ledger} ("
            " version TEXT PRIMARY KEY,"
            f" applied_at {applied_at},"
            " checksum TEXT NOT NULL,"
            " dirty BOOLEAN NOT NULL DEFAULT FALSE)")


def history_ddl(history: str, *, id_col: str, ts: str, real: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {history} ("
        f" id {id_col},"
        " run_id TEXT,"
        " version TEXT NOT NULL,"
        " direction TEXT NOT NULL,"
        " checksum TEXT,"
        f" started_at {ts},"
        f" finished_at {ts},"
        f" duration_ms {real},"
        " outcome TEXT NOT NULL,"
        " error TEXT,"
        " os_user TEXT,"
        " host TEXT,"
        " tool_version TEXT,"
        " note TEXT)"
    )


def schema_ddl(table: str, *, ts: str) -> str:
    """The one-row table of the schema a run left: its fingerprint and its description."""
    return (f"CREATE TABLE IF NOT EXISTS {table} (fingerprint TEXT NOT NULL, description TEXT NOT NULL,"
            f" run_id TEXT, recorded_at {ts})")


def poll_interval(attempt: int) -> float:
    """Back off from 50 ms to 500 ms between lock attempts."""
    return min(0.05 * (1.5 ** attempt), 0.5)
