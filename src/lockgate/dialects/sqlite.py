"""SQLite through the standard library: the embedded default."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from ..errors import ConfigError, ConnectionFailed, ForeignLedgerError, LedgerSchemaMissing, LockTimeout
from ..model import LedgerRow, Statement
from ..redact import redact_text
from ..sqltext import LineCounter, first_token
from ..urls import DatabaseUrl
from .base import (LEDGER_COLUMNS, ForeignLedger, HeldLock, Leftover, TablesFound, TableSize, classify_foreign,
                   history_ddl, kept_name, ledger_ddl, own_transaction, poll_interval, quote_ident, schema_ddl)

_T = TypeVar("_T")
_BUSY_SLICE = 1.0  # seconds SQLite waits by itself for a lock before lockgate says it is waiting
_NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"


def split_sqlite(text: str) -> list[Statement]:
    """Statements as SQLite itself delimits them (sqlite3.complete_statement knows
    CREATE TRIGGER ... BEGIN ...; END bodies); lines from the PostgreSQL lexer's
    first non-comment token, which reads SQLite's comments and quotes alike, each
    newline counted once (linear in the file's size)."""
    out: list[Statement] = []
    lines = LineCounter(text)
    start = 0
    pos = text.find(";")
    while pos != -1:
        chunk = text[start:pos + 1]
        if sqlite3.complete_statement(chunk):
            _append(out, lines, start, chunk[:-1])
            start = pos + 1
        pos = text.find(";", pos + 1)
    _append(out, lines, start, text[start:])
    return out


def _append(out: list[Statement], lines: LineCounter, start: int, chunk: str) -> None:
    found = first_token(chunk)
    if found is None:
        return
    first, keyword = found
    line = lines.at(start + first)
    out.append(Statement(sql=chunk[first:].rstrip(), line=line, offset=start + first, keyword=keyword))


class SqliteAdapter:
    name = "sqlite"
    title = "SQLite"
    lints = False  # PostgreSQL rules; SQLite-only syntax would read as parse errors
    batch_transactions = False  # in-process: a round trip costs nothing, statement by statement is as fast
    placeholder = "?"
    reads_locks = False  # a write transaction locks the whole file; there is no pg_locks to read
    lock_timeouts = False  # one writer at a time; busy waits are the migration lock's concern
    lock_not_available_codes: frozenset[str] = frozenset()
    statement_timeout_codes: frozenset[str] = frozenset()
    last_failed_index: int | None = None
    batch_start_sql = "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
    now_sql = batch_start_sql
    reset_sql = ""  # PRAGMAs a migration sets are meant to stick on SQLite (e.g. journal_mode)

    def __init__(self, conn: sqlite3.Connection, path: Path, ledger_table: str) -> None:
        self.conn = conn
        self.path = path
        self.ledger_name = ledger_table
        self.ledger = quote_ident(ledger_table)
        self.history = quote_ident(ledger_table + "_history")
        self.schema_table = quote_ident(ledger_table + "_schema")
        self.schema_table_ddl = schema_ddl(self.schema_table, ts=f"TEXT NOT NULL DEFAULT {_NOW}")
        self._lock_fd: int | None = None
        # Who is told about a wait for another process's lock on the file, and for how long:
        # the migration lock's, once acquire_lock has them.
        self._on_wait: Callable[[str], None] | None = None
        self._busy_wait = 60.0

    @classmethod
    def connect(cls, url: DatabaseUrl, *, ledger_table: str, read_only: bool = False) -> "SqliteAdapter":
        path = url.sqlite_path
        if str(path) != ":memory:" and not path.parent.is_dir():
            raise ConfigError(f"SQLite database folder {path.parent} does not exist.",
                              hint="Create the folder, or fix the path in the sqlite:/// URL.")
        try:
            # isolation_level=None: lockgate writes BEGIN/COMMIT itself, as on PostgreSQL.
            # timeout: SQLite's own wait for another process's lock, in slices (see _busy).
            if read_only and str(path) != ":memory:" and not path.exists():
                # Nothing to read, and looking must not create the file: an empty database answers
                # exactly as the missing one would (no ledger, no history).
                conn = sqlite3.connect(":memory:", isolation_level=None, timeout=_BUSY_SLICE)
            elif read_only and str(path) != ":memory:":
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                       timeout=_BUSY_SLICE)
            else:
                conn = sqlite3.connect(str(path), isolation_level=None, timeout=_BUSY_SLICE)
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise ConnectionFailed(f"SQLite database {path} cannot be opened: {exc}.",
                                   hint="Check the file's permissions and that it is a SQLite database.") from None
        return cls(conn, path, ledger_table)

    def close(self) -> None:
        self.release_lock()
        self.conn.close()

    def split(self, text: str) -> list[Statement]:
        return split_sqlite(text)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._busy(lambda: self.conn.execute(sql, tuple(params)))

    def execute_script(self, sql: str) -> None:
        self.conn.executescript(sql)

    def timeouts_sql(self, lock_timeout: float, statement_timeout: float, application_name: str, *,
                     local: bool) -> str:
        return ""

    def backend_pid(self) -> int:
        return os.getpid()

    def waits_harmlessly(self, sql: str) -> bool:
        return False

    def lock_timeout_sql(self, seconds: float) -> str:
        return ""

    def observer(self) -> Any:
        raise NotImplementedError("SQLite has no lock timeouts to watch (lock_timeouts = False)")

    def inline(self, sql: str, params: Sequence[Any]) -> str:
        raise NotImplementedError("SQLite runs statements one by one with parameters")

    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def error_sqlstate(self, exc: BaseException) -> str | None:
        return None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._busy(lambda: self.conn.execute(sql, tuple(params)).fetchall())

    def reset_session(self) -> None:
        pass  # PRAGMAs a migration sets are meant to stick on SQLite (e.g. journal_mode)

    def begin(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.execute("COMMIT")  # retried on SQLITE_BUSY, as SQLite allows: a reader may still hold the file

    def _busy(self, run: Callable[[], _T]) -> _T:
        """``run()``, again while another process holds the database locked (SQLITE_BUSY).

        SQLite waits ``_BUSY_SLICE`` by itself each time; past the first slice the wait is
        announced as the migration lock's is, and given up after its lock wait.
        """
        deadline: float | None = None
        while True:
            try:
                return run()
            except sqlite3.OperationalError as exc:
                if "database is locked" not in str(exc):
                    raise
                holder = f"another process that has {self.path} locked (SQLite: database is locked)"
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self._busy_wait
                    if self._on_wait is not None:
                        self._on_wait(holder)
                if now >= deadline:
                    raise LockTimeout(self._busy_wait, holder) from None

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def read_ledger(self) -> list[LedgerRow] | None:
        try:
            rows = self.query(f"SELECT version, applied_at, checksum, dirty FROM {self.ledger}")
        except sqlite3.OperationalError as exc:
            msg = str(exc)
            if msg.startswith("no such table"):
                return None
            if msg.startswith("no such column"):
                foreign = self.foreign_ledger()
                if foreign is not None:
                    raise ForeignLedgerError(self.ledger_name, foreign.tool, foreign.version, dirty=foreign.dirty) from None
            if "not a database" in msg or "file is not a database" in msg:
                raise ConnectionFailed(f"SQLite file {self.path} is not a database.") from None
            raise
        except sqlite3.DatabaseError as exc:
            raise ConnectionFailed(f"SQLite file {self.path}: {exc}.",
                                   hint="Point the sqlite:/// URL at a SQLite database file.") from None
        return [LedgerRow(str(v), _ts(a), str(c), bool(d)) for v, a, c, d in rows]

    def ensure_ledger(self) -> None:
        # Both tables or neither (see the PostgreSQL adapter); an unknown schema is refused.
        schema = self.ledger_name.rpartition(".")[0]
        if schema and not self.schema_exists(schema):
            raise LedgerSchemaMissing(self.ledger_name, attached=True)
        with own_transaction(self):
            self.execute(ledger_ddl(self.ledger, applied_at=f"TEXT NOT NULL DEFAULT {_NOW}"))
            self.execute(history_ddl(self.history, id_col="INTEGER PRIMARY KEY AUTOINCREMENT",
                                          ts="TEXT", real="REAL"))
            self.execute(self.schema_table_ddl)

    def history_exists(self) -> bool:
        schema, _, name = self.ledger_name.rpartition(".")
        if schema and not self.schema_exists(schema):
            return False
        master = quote_ident(schema) + ".sqlite_master" if schema else "sqlite_master"
        return bool(self.conn.execute(f"SELECT 1 FROM {master} WHERE type = 'table' AND name = ?",
                                      (name + "_history",)).fetchone())

    def schema_exists(self, schema: str) -> bool:
        # A SQLite "schema" is an attached database: main, temp, or one ATTACHed by name.
        return schema in {str(r[1]) for r in self.conn.execute("PRAGMA database_list").fetchall()}

    def other_tables(self, limit: int) -> TablesFound:
        """Tables of the main database besides this ledger's two (SQLite's own sqlite_* left out)."""
        schema, _, name = self.ledger_name.rpartition(".")
        own = set(self._own_tables())
        marks = ", ".join("?" * len(LEDGER_COLUMNS))
        rows = [(str(n), bool(led)) for n, led in self.conn.execute(
            "SELECT m.name, (SELECT count(*) FROM pragma_table_info(m.name) p"
            f" WHERE p.name IN ({marks})) = ? FROM sqlite_master m"
            " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 2 DESC, 1",
            (*LEDGER_COLUMNS, len(LEDGER_COLUMNS))).fetchall() if n not in own]
        shown = rows[:limit]
        return TablesFound(tuple(n for n, _ in shown), len(rows), tuple(n for n, led in shown if led))

    def _own_tables(self) -> tuple[str, ...]:
        """lockgate's tables in the main database: none when the ledger is in an attached one."""
        schema, _, name = self.ledger_name.rpartition(".")
        return (name, name + "_history", name + "_schema") if schema in ("", "main") else ()

    def schema_objects(self) -> list[tuple[str, str, str]]:
        from .sqlite_schema import schema_objects

        return schema_objects(self.conn, self._own_tables())

    def recorded_schema(self) -> tuple[str, str] | None:
        try:
            row = self.conn.execute(f"SELECT fingerprint, description FROM {self.schema_table}").fetchone()
        except sqlite3.OperationalError as exc:
            if str(exc).startswith("no such table"):
                return None
            raise
        return (str(row[0]), str(row[1])) if row else None

    def foreign_ledger(self, table: str | None = None) -> ForeignLedger | None:
        schema, _, name = (table or self.ledger_name).rpartition(".")
        if schema and not self.schema_exists(schema):
            return None  # no database of that name attached: no table in it either
        prefix = quote_ident(schema) + "." if schema else ""
        cols = {str(r[1]) for r in self.conn.execute(f"PRAGMA {prefix}table_info({quote_ident(name)})").fetchall()}
        return classify_foreign(cols, self.query, quote_ident(table) if table else self.ledger)

    def adopt_foreign_ledger(self, tool: str) -> str:
        new = kept_name(self.ledger_name, tool)
        self.conn.execute(f"ALTER TABLE {self.ledger} RENAME TO {quote_ident(new)}")
        return new

    # -- locking: a file lock beside the database, with who holds it written inside --
    @property
    def _lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lockgate-lock")

    def acquire_lock(self, wait: float, on_wait: Callable[[str], None]) -> None:
        self._on_wait, self._busy_wait = on_wait, wait
        if str(self.path) == ":memory:":
            return
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        attempt = 0
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self._holder()
                if not told:
                    on_wait(holder)
                    told = True
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(wait, holder) from None
                time.sleep(min(poll_interval(attempt), max(deadline - time.monotonic(), 0.01)))
                attempt += 1
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                           "since": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode(), 0)
        self._lock_fd = fd

    def _holder(self) -> str:
        try:
            info = json.loads(self._lock_path.read_text() or "{}")
            return f"pid {info['pid']} on {info['host']} (since {info['since']})"
        except (OSError, ValueError, KeyError):
            return "another process"

    def release_lock(self) -> None:
        if self._lock_fd is not None:
            try:
                os.ftruncate(self._lock_fd, 0)
            finally:
                os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    # -- LiveCatalog (lint on SQLite is informational only) --------------------
    def server_version_num(self) -> int:
        return 0

    def table_exists(self, schema: str | None, name: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        return row is not None

    def estimated_rows(self, schema: str | None, name: str) -> int | None:
        return None

    def columns(self, schema: str | None, name: str) -> dict[str, tuple[str, bool]]:
        return {}  # SQLite's declared types are not PostgreSQL's: the rules learn nothing from them

    def validated_checks(self, schema: str | None, name: str) -> list[str]:
        return []

    def is_driver_error(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.Error)

    def describe_error(self, exc: BaseException) -> str:
        return redact_text(str(exc))

    def error_position(self, exc: BaseException) -> int | None:
        return None

    def leftover(self, sql: str) -> Leftover | None:
        return None  # a failed SQLite statement undoes itself: nothing half-built stays

    def activity(self) -> None:
        return None  # an embedded file: no server, no other sessions to list, no replicas


    # -- plan, rehearsal and post-checks (lockgate.safety) --------------------
    def table_size(self, schema: str | None, name: str) -> TableSize | None:
        if not self.table_exists(schema, name):
            return None
        # No planner statistics to ask: an in-process count is cheap and exact.
        return TableSize(schema or "main", name, self.row_count(schema, name), None, "exact")

    def row_count(self, schema: str | None, name: str) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()
        return int(row[0]) if row else 0

    def table_sizes(self, tables: Sequence[tuple[str | None, str]]) -> dict[tuple[str | None, str], TableSize]:
        # In-process: one query a table costs no round trip.
        return {t: size for t in tables if (size := self.table_size(*t)) is not None}

    def row_counts(self, tables: Sequence[tuple[str | None, str]]) -> dict[tuple[str | None, str], int]:
        return {t: self.row_count(*t) for t in tables if self.table_exists(*t)}

    def index_table(self, schema: str | None, name: str) -> tuple[str, str] | None:
        row = self.conn.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?",
                                (name,)).fetchone()
        return ("main", str(row[0])) if row else None

    def held_locks(self) -> list[HeldLock]:
        return []

    def execute_rowcount(self, sql: str) -> int:
        return int(self.conn.execute(sql).rowcount)


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    text = str(value).replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
