"""PostgreSQL through psycopg 3: connection, ledger DDL, advisory lock, error translation."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from typing import Any, Callable, Sequence

import psycopg
import psycopg.sql
from psycopg import errors as pgerrors

from ..errors import (AuthenticationFailed, ConfigError, ConnectionFailed, ForeignLedgerError, LedgerAccessDenied,
                      LedgerSchemaMissing, LockTimeout)
from ..model import LedgerRow, Statement
from ..redact import redact_text
from ..safety.blockers import Blocker
from ..sqltext import split_statements
from ..urls import DatabaseUrl
from .base import (LEDGER_COLUMNS, ForeignLedger, HeldLock, Leftover, TablesFound, TableSize, classify_foreign,
                   history_ddl, kept_name, ledger_ddl, own_transaction, poll_interval, quote_ident,
                   schema_ddl)


class PostgresAdapter:
    """One autocommit connection; lockgate issues BEGIN/COMMIT itself so that
    no-transaction migrations (CREATE INDEX CONCURRENTLY) and transactional ones
    share the connection that holds the session-level advisory lock."""

    name = "postgresql"
    title = "PostgreSQL"
    batch_transactions = True
    lints = True  # the safety linter's rules are PostgreSQL's
    placeholder = "%s"
    reads_locks = True  # pg_locks
    lock_timeouts = True
    lock_not_available_codes = frozenset({"55P03"})  # lock_not_available: lock_timeout fired
    statement_timeout_codes = frozenset({"57014"})  # query_canceled: statement_timeout (or a cancel)
    batch_start_sql = "statement_timestamp()"  # arrival of the whole simple-query message
    now_sql = "clock_timestamp()"
    # A migration's plain SET (lock_timeout, search_path, role) must not leak into the next
    # file or into the ledger writes. RESET ALL returns to the connection's start-up values,
    # application_name=lockgate included, but leaves ROLE and SESSION AUTHORIZATION alone
    # (they are not reset by RESET ALL): a `SET ROLE` left in a file would write the ledger row
    # as that role.
    reset_sql = "RESET ALL; RESET SESSION AUTHORIZATION; RESET ROLE"

    def __init__(self, conn: psycopg.Connection[Any], url: DatabaseUrl, ledger_table: str) -> None:
        self.conn = conn
        self.url = url
        self.ledger_name = ledger_table
        self.ledger = quote_ident(ledger_table)
        self.history = quote_ident(ledger_table + "_history")
        self.schema_table = quote_ident(ledger_table + "_schema")
        self.schema_table_ddl = schema_ddl(self.schema_table, ts="TIMESTAMPTZ NOT NULL DEFAULT now()")
        self._locked_key: int | None = None
        self._catalog: tuple[dict[tuple[str, str], tuple[int, int, str]], list[str], int] | None = None
        self.last_failed_index: int | None = None

    @classmethod
    def connect(cls, url: DatabaseUrl, *, ledger_table: str) -> "PostgresAdapter":
        # client_connection_check_interval (PostgreSQL 14+): if this process is killed during a
        # long statement, the server notices within a second, rolls back and frees the lock,
        # instead of running on until the statement ends. As a start-up option it survives RESET ALL.
        options = "-c client_connection_check_interval=1000"
        # The URL's own ?connect_timeout= wins: a keyword argument would override it.
        timeout: dict[str, Any] = {} if "connect_timeout" in url.options else {"connect_timeout": 10}
        try:
            try:
                conn = psycopg.connect(url.secret(), autocommit=True, application_name="lockgate",
                                       options=options, **timeout)
            except psycopg.OperationalError as exc:
                if "client_connection_check_interval" not in str(exc):
                    raise
                conn = psycopg.connect(url.secret(), autocommit=True, application_name="lockgate",
                                       **timeout)  # a server older than 14
        except psycopg.Error as exc:
            raise _connect_error(exc, url) from None
        return cls(conn, url, ledger_table)

    def close(self) -> None:
        try:
            self.conn.close()
        except psycopg.Error:
            pass

    # -- statements --------------------------------------------------------
    def split(self, text: str) -> list[Statement]:
        return split_statements(text)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, params or None)

    def execute_script(self, sql: str) -> None:
        """Several statements in one simple-query message (no parameters), in one round trip.

        The server sends one result per statement and stops at the first error, so the
        number of results before the error is the index of the statement that failed
        (``last_failed_index``): the failing statement is known from this one execution.
        psycopg's wait() keeps Ctrl-C working: it cancels the statement on the server.
        """
        from psycopg import generators

        self.last_failed_index = None
        pgconn = self.conn.pgconn
        with self.conn.lock:
            pgconn.send_query(sql.encode("utf-8"))
            results = self.conn.wait(generators.execute(pgconn))
        for index, result in enumerate(results):
            if result.status == psycopg.pq.ExecStatus.FATAL_ERROR:
                self.last_failed_index = index
                raise pgerrors.error_from_result(result, encoding=self.conn.info.encoding)

    def timeouts_sql(self, lock_timeout: float, statement_timeout: float, application_name: str, *,
                     local: bool) -> str:
        scope = "SET LOCAL" if local else "SET"
        name = psycopg.sql.quote(application_name)
        return (f"{scope} lock_timeout = '{_ms(lock_timeout)}'; {scope} statement_timeout = '{_ms(statement_timeout)}'; "
                f"{scope} application_name = {name}")

    def backend_pid(self) -> int:
        return int(self.conn.info.backend_pid)

    def waits_harmlessly(self, sql: str) -> bool:
        """A statement whose lock waits hold up no application query: CREATE/DROP INDEX and
        REINDEX CONCURRENTLY ask only for SHARE UPDATE EXCLUSIVE, which reads and writes do
        not conflict with, then wait for older transactions outside the lock queue. Such a
        wait is better sat out (within the retry bound) than retried: each retry rebuilds
        the index from scratch."""
        from pglast import ast, parse_sql  # lazy, as in sqltext

        try:
            stmt = parse_sql(sql)[0].stmt
        except Exception:  # pglast.parser.ParseError: the server will say what is wrong
            return False
        if isinstance(stmt, (ast.IndexStmt, ast.DropStmt)):
            return bool(stmt.concurrent)
        if isinstance(stmt, ast.ReindexStmt):
            return any(getattr(p, "defname", None) == "concurrently" for p in (stmt.params or ()))
        return False

    def lock_timeout_sql(self, seconds: float) -> str:
        return f"SET lock_timeout = '{_ms(seconds)}'"

    def observer(self) -> "PostgresObserver":
        conn = psycopg.connect(self.url.secret(), autocommit=True, application_name="lockgate observer",
                               connect_timeout=10)
        return PostgresObserver(conn)

    def inline(self, sql: str, params: Sequence[Any]) -> str:
        return psycopg.ClientCursor(self.conn).mogrify(sql, params)

    def in_transaction(self) -> bool:
        return self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def error_sqlstate(self, exc: BaseException) -> str | None:
        return getattr(exc, "sqlstate", None)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, params or None).fetchall()
        except pgerrors.InsufficientPrivilege as exc:  # lockgate's own reads: the ledger and history
            raise self._denied(exc) from None

    def _denied(self, exc: psycopg.Error) -> LedgerAccessDenied:
        """The ledger cannot be read or written by this role: which GRANT would let it."""
        role = self.conn.info.user
        said = (exc.diag.message_primary or str(exc).splitlines()[0]).rstrip(".")
        schema = self.ledger_name.split(".")[0] if "." in self.ledger_name else "public"
        if " schema " in f" {said} ":
            grant = f"GRANT USAGE, CREATE ON SCHEMA {quote_ident(schema)} TO {quote_ident(role)};"
        else:
            seq = quote_ident(self.ledger_name + "_history_id_seq")
            tables = ", ".join((self.ledger, self.history) + ((self.schema_table,) if self._has_schema_table() else ()))
            grant = (f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {quote_ident(role)};"
                     f" GRANT USAGE ON SEQUENCE {seq} TO {quote_ident(role)};")
        return LedgerAccessDenied(role, self.ledger_name, said, grant)

    def _has_schema_table(self) -> bool:
        """Whether the fingerprint table is there (a ledger older than it has none until its next run)."""
        if self.in_transaction():
            return True  # an aborted transaction answers nothing; the ledger of a run that got this far has it
        row = self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (self.schema_table,)).fetchone()
        return bool(row and row[0])

    def reset_session(self) -> None:
        self.conn.execute(self.reset_sql.encode())  # several statements: one simple-query message

    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except psycopg.Error:
            pass

    # -- ledger ------------------------------------------------------------
    def read_ledger(self) -> list[LedgerRow] | None:
        try:
            rows = self.conn.execute(
                f"SELECT version, applied_at, checksum, dirty FROM {self.ledger}").fetchall()
        except pgerrors.UndefinedTable:
            return None
        except pgerrors.InsufficientPrivilege as exc:
            raise self._denied(exc) from None
        except (pgerrors.UndefinedColumn, pgerrors.InvalidSchemaName):
            foreign = self.foreign_ledger()
            if foreign is not None:
                raise ForeignLedgerError(self.ledger_name, foreign.tool, foreign.version, dirty=foreign.dirty) from None
            raise
        return [LedgerRow(str(v), a, str(c), bool(d)) for v, a, c, d in rows]

    def ensure_ledger(self) -> None:
        # Both tables or neither: created one by one, a kill between them left a ledger without
        # history that every later run stumbled on. The schema is never created: a ledger name
        # in a schema that is not there is a typo (LedgerSchemaMissing), not a schema to make.
        try:
            with own_transaction(self):
                self.conn.execute(ledger_ddl(self.ledger, applied_at="TIMESTAMPTZ NOT NULL DEFAULT NOW()"))
                self.conn.execute(history_ddl(self.history, id_col="BIGSERIAL PRIMARY KEY",
                                              ts="TIMESTAMPTZ", real="DOUBLE PRECISION"))
                self.conn.execute(self.schema_table_ddl)
        except pgerrors.InvalidSchemaName:
            raise LedgerSchemaMissing(self.ledger_name) from None
        except pgerrors.InsufficientPrivilege as exc:  # no CREATE on the schema
            raise self._denied(exc) from None

    def history_exists(self) -> bool:
        row = self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (self.history,)).fetchone()
        return bool(row and row[0])

    def schema_exists(self, schema: str) -> bool:
        return bool(self.conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone())

    def other_tables(self, limit: int) -> TablesFound:
        """Tables besides this ledger's two, in every schema but the system's; a table an
        extension created (PostGIS's spatial_ref_sys) and partitions (their parent counts) left out."""
        rows = self.conn.execute(
            "SELECT CASE WHEN n.nspname = current_schema() THEN c.relname ELSE n.nspname || '.' || c.relname END,"
            " (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
            "  AND NOT a.attisdropped AND a.attname = ANY(%s)) = %s AS is_ledger,"
            " count(*) OVER ()"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p', 'm', 'f') AND NOT c.relispartition"
            " AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%%'"
            " AND c.oid IS DISTINCT FROM to_regclass(%s) AND c.oid IS DISTINCT FROM to_regclass(%s)"
            " AND c.oid IS DISTINCT FROM to_regclass(%s)"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            "  AND d.objid = c.oid AND d.deptype = 'e')"
            " ORDER BY is_ledger DESC, n.nspname <> current_schema(), 1 LIMIT %s",
            (list(LEDGER_COLUMNS), len(LEDGER_COLUMNS), self.ledger, self.history, self.schema_table,
             limit)).fetchall()
        names = tuple(str(r[0]) for r in rows)
        return TablesFound(names, int(rows[0][2]) if rows else 0, tuple(str(r[0]) for r in rows if r[1]))

    def _columns(self, table: str) -> dict[str, str]:
        schema, _, name = table.rpartition(".")
        rows = self.conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = %s AND table_schema = COALESCE(NULLIF(%s, ''), current_schema())",
            (name, schema)).fetchall()
        return {str(c): str(t) for c, t in rows}

    def foreign_ledger(self, table: str | None = None) -> ForeignLedger | None:
        name = table or self.ledger_name
        return classify_foreign(set(self._columns(name)), self.query, quote_ident(name) if table else self.ledger)

    def schema_objects(self) -> list[tuple[str, str, str]]:
        from .postgres_schema import schema_objects

        # Straight to the connection: the catalog queries write %% for a literal %, which
        # psycopg reads only when parameters are passed (self.query passes None for none).
        # With only pg_catalog on the search_path the server qualifies every name it prints
        # (public.users_id_seq, public.mood), so the text does not depend on the role's settings.
        # lockgate's own tables are found first, by the names the ledger uses (on the role's search_path).
        own = [int(r[0]) for t in (self.ledger, self.history, self.schema_table)
               for r in self.conn.execute("SELECT to_regclass(%s)::oid", (t,)).fetchall() if r[0] is not None]
        with own_transaction(self):
            # pg_get_viewdef takes ACCESS SHARE on the tables a view reads: never queue behind a migration's lock.
            self.conn.execute("SET LOCAL search_path = pg_catalog")
            self.conn.execute("SET LOCAL lock_timeout = '5s'")
            return schema_objects(lambda sql, params: self.conn.execute(sql, params).fetchall(), own)

    def recorded_schema(self) -> tuple[str, str] | None:
        try:
            row = self.conn.execute(f"SELECT fingerprint, description FROM {self.schema_table}").fetchone()
        except (pgerrors.UndefinedTable, pgerrors.InvalidSchemaName):
            return None
        return (str(row[0]), str(row[1])) if row else None

    def adopt_foreign_ledger(self, tool: str) -> str:
        """Rename the other tool's table out of the way; return its new name."""
        new = kept_name(self.ledger_name, tool)
        self.conn.execute(f"ALTER TABLE {self.ledger} RENAME TO {quote_ident(new)}")
        return new

    # -- LiveCatalog for the linter -----------------------------------------
    def server_version_num(self) -> int:
        return int(self.conn.info.server_version)

    def _relations(self) -> tuple[dict[tuple[str, str], tuple[int, int, str]], list[str], int]:
        # One query for the whole catalog: linting a thousand pending files must not
        # cost a thousand round trips. Read once, before anything is applied.
        if self._catalog is None:
            rows = self.conn.execute(
                "SELECT n.nspname, c.relname, c.reltuples::bigint, c.relpages, c.relkind::text FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm', 'f')").fetchall()
            path = self.conn.execute("SELECT current_schemas(true), current_setting('block_size')::int").fetchone()
            self._catalog = ({(str(sch), str(rel)): (int(est), int(pages), str(kind))
                              for sch, rel, est, pages, kind in rows},
                             list(path[0]) if path else ["public"], int(path[1]) if path else 8192)
        return self._catalog

    def _lookup(self, schema: str | None, name: str) -> tuple[str, tuple[int, int, str]] | None:
        relations, search_path, _ = self._relations()
        for sch in ([schema] if schema else search_path):
            if (sch, name) in relations:
                return sch, relations[(sch, name)]
        return None

    def table_exists(self, schema: str | None, name: str) -> bool:
        return self._lookup(schema, name) is not None

    def estimated_rows(self, schema: str | None, name: str) -> int | None:
        """Rows in the table as far as the server knows for sure (see :func:`rows_estimate`).

        A table created by an earlier run of ``up`` and never analysed has no planner
        statistics (reltuples -1), but its size on disk is known: 0 pages is empty, one
        page holds at most a few hundred rows. Judged by statistics alone, a resumed
        install would be refused a ``CREATE INDEX`` that a fresh one runs.
        """
        found = self._lookup(schema, name)
        if found is None:
            return None
        sch, (tuples, pages, kind) = found
        # A partitioned table has no storage of its own, a foreign table none here: statistics only.
        pages_now = self._pages_on_disk(sch, name) if kind in ("r", "m") else None
        return rows_estimate(tuples, pages, pages_now, max_rows_per_page(self._relations()[2]))

    def _pages_on_disk(self, schema: str, name: str) -> int | None:
        # pg_relation_size takes an ACCESS SHARE lock: behind a waiting ALTER TABLE it would
        # queue, so it gets a short lock_timeout, and a table it cannot measure stays unknown.
        try:
            with self.conn.transaction():
                self.conn.execute("SET LOCAL lock_timeout = '1s'")
                row = self.conn.execute("SELECT pg_relation_size(to_regclass(%s))"
                                        " / current_setting('block_size')::bigint",
                                        (_regclass_name(schema, name),)).fetchone()
        except (pgerrors.LockNotAvailable, pgerrors.InsufficientPrivilege):
            return None
        return int(row[0]) if row and row[0] is not None else None

    def columns(self, schema: str | None, name: str) -> dict[str, tuple[str, bool]]:
        rows = self.conn.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a"
            " WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
            (_regclass_name(schema, name),)).fetchall()
        return {str(col): (str(typ), bool(notnull)) for col, typ, notnull in rows}

    def validated_checks(self, schema: str | None, name: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(%s) AND contype = 'c' AND convalidated ORDER BY conname",
            (_regclass_name(schema, name),)).fetchall()
        return [str(r[0]) for r in rows]

    def activity(self) -> Any:
        """Sessions, locks and replicas, read through this connection (:mod:`.postgres_activity`)."""
        from .postgres_activity import PostgresActivity

        return PostgresActivity(self.query)

    # -- locking -------------------------------------------------------------
    def _lock_key(self) -> int:
        # Stable across processes and versions: one lock per database and ledger table.
        digest = hashlib.sha256(f"lockgate:{self.conn.info.dbname}:{self.ledger_name}".encode()).digest()
        return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF

    def acquire_lock(self, wait: float, on_wait: Callable[[str], None]) -> None:
        # Poll pg_try_advisory_lock instead of blocking in pg_advisory_lock: a session
        # blocked on a lock request makes CREATE INDEX CONCURRENTLY in the lock holder
        # wait for it forever (golang-migrate's deadlock). Between polls this session
        # holds no transaction, so the holder's CONCURRENTLY goes through.
        key = self._lock_key()
        deadline = time.monotonic() + wait
        attempt = 0
        told = False
        while True:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if row and row[0]:
                self._locked_key = key
                return
            holder = self._lock_holder(key)
            if not told:
                on_wait(holder)
                told = True
            if time.monotonic() >= deadline:
                raise LockTimeout(wait, holder)
            time.sleep(min(poll_interval(attempt), max(deadline - time.monotonic(), 0.01)))
            attempt += 1

    def _lock_holder(self, key: int) -> str:
        row = self.conn.execute(
            "SELECT a.pid, a.application_name, a.usename, a.client_addr::text, a.backend_start"
            " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s AND l.objsubid = 1"
            " LIMIT 1",
            ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF)).fetchone()
        if not row:
            return "another session (it has just released it)"
        pid, app, user, addr, since = row
        since_s = since.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if isinstance(since, datetime) else "?"
        return f"pid {pid} ({app or 'no application_name'}, user {user}, from {addr or 'local socket'}, connected since {since_s})"

    def release_lock(self) -> None:
        if self._locked_key is not None:
            try:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (self._locked_key,))
            except psycopg.Error:
                pass  # closing the connection releases it too
            self._locked_key = None

    # -- errors --------------------------------------------------------------
    def is_driver_error(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.Error)

    def describe_error(self, exc: BaseException) -> str:
        if isinstance(exc, psycopg.Error):
            diag = exc.diag
            text = diag.message_primary or str(exc).splitlines()[0]
            # DETAIL says which key or row, HINT what to try: what psql shows too, kept on one line.
            extra = [f"SQLSTATE {exc.sqlstate}"] if exc.sqlstate else []
            extra += [f"{label}: {' '.join(value.split())}" for label, value in
                      (("DETAIL", diag.message_detail), ("HINT", diag.message_hint)) if value and value.strip()]
            return redact_text(f"{text} ({'; '.join(extra)})" if extra else text)
        return redact_text(str(exc))

    def error_position(self, exc: BaseException) -> int | None:
        """1-based character position of the error inside the statement, if the server said."""
        if isinstance(exc, psycopg.Error) and exc.diag.statement_position:
            try:
                return int(exc.diag.statement_position)
            except ValueError:
                return None
        return None

    def leftover(self, sql: str) -> Leftover | None:
        """An INVALID index left by a failed ``CREATE INDEX CONCURRENTLY name``.

        The server keeps the half-built index, and ``IF NOT EXISTS`` then skips it on the
        next run; pg_index.indisvalid tells. Asked before the session is reset, so an
        unqualified name resolves through the file's own search_path, as the statement did.
        """
        from pglast import ast, parse_sql  # lazy, as in sqltext
        from pglast.stream import maybe_double_quote_name

        try:
            stmt = parse_sql(sql)[0].stmt
        except Exception:  # pglast.parser.ParseError: whatever failed, it built no index
            return None
        if not isinstance(stmt, ast.IndexStmt) or not stmt.concurrent or not stmt.idxname:
            return None  # an unnamed index gets a generated name we cannot tell from the statement
        schema = stmt.relation.schemaname if stmt.relation is not None else None
        regclass = _regclass_name(schema, stmt.idxname)
        try:
            row = self.conn.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)",
                                    (regclass,)).fetchone()
        except psycopg.Error:
            return None  # a lost connection, or the file's own transaction aborted: say nothing
        if not row or not row[0]:
            return None
        name = ".".join(maybe_double_quote_name(p) for p in ((schema, stmt.idxname) if schema else (stmt.idxname,)))
        return Leftover(f"an INVALID index {name}", f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


    # -- plan, rehearsal and post-checks (lockgate.safety) --------------------
    def table_size(self, schema: str | None, name: str) -> TableSize | None:
        return self.table_sizes([(schema, name)]).get((schema, name))

    def row_count(self, schema: str | None, name: str) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {_regclass_name(schema, name)}").fetchone()
        return int(row[0]) if row else 0

    def table_sizes(self, tables: Sequence[tuple[str | None, str]]) -> dict[tuple[str | None, str], TableSize]:
        if not tables:
            return {}
        rows = self.conn.execute(
            "SELECT q.i, n.nspname, c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid),"
            " pg_relation_size(c.oid)"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS q(name, i)"
            " JOIN pg_class c ON c.oid = to_regclass(q.name) AND c.relkind IN ('r', 'p', 'm', 'f')"
            " JOIN pg_namespace n ON n.oid = c.relnamespace",
            ([_regclass_name(sch, name) for sch, name in tables],)).fetchall()
        return {tables[int(i) - 1]: _table_size(str(sch), str(rel), tuples, total, heap)
                for i, sch, rel, tuples, total, heap in rows}

    def row_counts(self, tables: Sequence[tuple[str | None, str]]) -> dict[tuple[str | None, str], int]:
        # One statement per hundred tables, each count tagged with its place: UNION ALL keeps
        # no promise of order.
        out: dict[tuple[str | None, str], int] = {}
        for start in range(0, len(tables), 100):
            chunk = tables[start:start + 100]
            sql = " UNION ALL ".join(f"SELECT {i}, count(*) FROM {_regclass_name(sch, name)}"
                                     for i, (sch, name) in enumerate(chunk))
            for i, n in self.conn.execute(sql).fetchall():
                out[chunk[int(i)]] = int(n)
        return out

    def index_table(self, schema: str | None, name: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT n.nspname, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indexrelid = to_regclass(%s)",
            (_regclass_name(schema, name),)).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def held_locks(self) -> list[HeldLock]:
        from ..safety.locks import mode_from_pg

        rows = self.conn.execute(
            "SELECT l.relation::bigint, n.nspname, c.relname, c.relkind::text, l.mode FROM pg_locks l"
            " LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            # The catalogs this very query reads stay locked until the transaction ends: not the migration's.
            " AND coalesce(n.nspname, '') NOT IN ('pg_catalog', 'information_schema')"
            " AND coalesce(n.nspname, '') NOT LIKE 'pg\\_toast%'").fetchall()
        return [HeldLock(int(oid), None if sch is None else str(sch), None if rel is None else str(rel),
                         _RELKINDS.get(str(kind), "other") if kind is not None else "other", mode_from_pg(str(mode)))
                for oid, sch, rel, kind, mode in rows]

    def execute_rowcount(self, sql: str) -> int:
        cur = self.conn.execute(sql.encode("utf-8"))  # simple query, as a migration runs: no parameters
        return int(cur.rowcount)


_RELKINDS = {"r": "table", "p": "table", "m": "materialized view", "f": "table", "i": "index", "I": "index",
             "S": "sequence", "v": "view", "t": "toast", "c": "type"}


def _ms(seconds: float) -> str:
    """A timeout for SET: whole milliseconds within PostgreSQL's limit, 0 meaning none."""
    return f"{min(int(round(seconds * 1000)), 2_147_483_647)}ms" if seconds > 0 else "0"


class PostgresObserver:
    """The second connection of :class:`lockgate.safety.watcher.LockWatcher`."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def blockers(self, pid: int) -> list[Blocker]:
        rows = self.conn.execute(
            "SELECT a.pid, a.application_name, a.usename, a.state,"
            " EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)::float8, left(a.query, 2000)"
            " FROM pg_stat_activity a WHERE a.pid = ANY(pg_blocking_pids(%s)) ORDER BY a.xact_start",
            (pid,)).fetchall()
        return [Blocker.of(*row) for row in rows]

    def cancel(self, pid: int) -> bool:
        row = self.conn.execute("SELECT pg_cancel_backend(%s)", (pid,)).fetchone()
        return bool(row and row[0])

    def terminate(self, pid: int) -> bool:
        row = self.conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        try:
            self.conn.close()
        except psycopg.Error:
            pass


def _connect_error(exc: psycopg.Error, url: DatabaseUrl) -> Exception:
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    text = redact_text(lines[0] if lines else type(exc).__name__).rstrip(".")
    secret = url.password
    if secret:
        text = text.replace(secret, "***")
    low = str(exc).lower()
    sqlstate = getattr(exc, "sqlstate", None)
    where = str(url)
    if (sqlstate in ("28P01", "28000") or "password authentication failed" in low or "no password supplied" in low
            or ("role" in low and "does not exist" in low)):
        return AuthenticationFailed(f"Database {where}: login failed ({text}).")
    if sqlstate == "3D000" or ("database" in low and "does not exist" in low):
        return ConfigError(f"Database {where}: {text}.",
                           hint="Create it first (createdb NAME) or fix the database name in the URL.")
    # libpq refuses a bad URL or option (`invalid sslmode value: "bogus"`) before it connects: a
    # configuration mistake (exit 2), not a server to go and check.
    if "invalid" in low and ("dsn" in low or "connection option" in low or "uri" in low or " value" in low):
        return ConfigError(f"Database URL {where} is malformed: {text}.",
                           hint="Use postgresql://user@host:5432/dbname (a password goes after the user, "
                                "user:SECRET@host, or in ~/.pgpass); query options such as ?sslmode=require take "
                                "libpq's values.")
    return ConnectionFailed(f"Database {where} is unreachable: {text}.")


def max_rows_per_page(block_size: int) -> int:
    """PostgreSQL's MaxHeapTuplesPerPage: a page header of 24 bytes, then each row at least a
    24-byte tuple header and a 4-byte line pointer (291 rows in an 8 kB page)."""
    return (block_size - 24) // 28


def rows_estimate(reltuples: int, relpages: int, pages_now: int | None, per_page: int) -> int | None:
    """The table's row count from its statistics and its size on disk now; None when unknown.

    What the planner does where statistics exist (their rows per page times today's
    pages), and otherwise the most the pages can hold, so an empty or one-page table
    never counts as large while a big one never counts as small.

    >>> rows_estimate(-1, 0, 0, 291), rows_estimate(-1, 0, 2, 291), rows_estimate(1000, 10, 20, 291)
    (0, 582, 2000)
    """
    if pages_now is None:
        return reltuples if reltuples >= 0 else None  # size unreadable: statistics, or unknown
    if pages_now == 0:
        return 0  # no page on disk: no row
    if reltuples >= 0 and relpages > 0:
        return round(reltuples / relpages * pages_now)
    return pages_now * per_page  # never analysed (or analysed while empty): at most this many


def _table_size(schema: str, name: str, tuples: Any, total: Any, heap: Any) -> TableSize:
    if tuples is not None and tuples >= 0:
        return TableSize(schema, name, int(tuples), int(total), "estimate")
    # -1: never analysed nor vacuumed (PostgreSQL 14+; before, 0 meant the same). The size on
    # disk is known for sure: nothing in the heap means no rows.
    empty = not heap
    return TableSize(schema, name, 0 if empty else None, int(total), "empty" if empty else "not analysed")


def _regclass_name(schema: str | None, name: str) -> str:
    """A name for to_regclass(): quoted, so case and dots are kept; unqualified goes through search_path."""
    def quote(part: str) -> str:
        return '"' + part.replace('"', '""') + '"'

    return f"{quote(schema)}.{quote(name)}" if schema else quote(name)
