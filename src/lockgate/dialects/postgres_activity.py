"""PostgreSQL's view of its sessions, locks and replicas, as :mod:`lockgate.safety.activity` values.

Three queries per snapshot, each cheap on a busy server: the server's settings, every
client backend with the tables it holds locks on (``pg_locks`` of this database) and,
for a session waiting on a lock, ``pg_blocking_pids()``; and ``pg_stat_replication``.
``pg_blocking_pids`` is asked only for sessions that wait on a lock: the documentation
warns that calling it often takes the lock manager's partition locks.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from ..redact import redact_text
from ..safety.activity import QUERY_CHARS, ReplicaLag, ServerActivity, SessionActivity

Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

_SERVER = """
SELECT current_setting('server_version'), current_setting('server_version_num')::int,
       current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
       pg_backend_pid(), clock_timestamp()
"""

_SESSIONS = """
SELECT a.pid, a.usename, a.application_name, a.client_addr::text, a.datname, a.state, a.query,
       extract(epoch FROM clock_timestamp() - a.query_start)::float8,
       extract(epoch FROM clock_timestamp() - a.xact_start)::float8,
       a.wait_event_type, a.wait_event,
       CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}'::int[] END,
       ARRAY(SELECT DISTINCT n.nspname || '.' || c.relname
               FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND c.relkind IN ('r', 'p', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              ORDER BY 1),
       a.datname = current_database(),
       (SELECT n.nspname || '.' || c.relname
          FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE l.pid = a.pid AND l.locktype = 'relation' AND NOT l.granted LIMIT 1)
  FROM pg_stat_activity a
 WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
 ORDER BY a.pid
"""

# replay_lag is NULL once a standby has replayed everything and the primary is idle.
_REPLICAS = """
SELECT application_name, client_addr::text, state, sync_state,
       extract(epoch FROM replay_lag)::float8,
       pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END, replay_lsn)::bigint
  FROM pg_stat_replication ORDER BY application_name, pid
"""


class PostgresActivity:
    """Reads snapshots through the adapter's own connection (``query``)."""

    def __init__(self, query: Query) -> None:
        self._query = query

    def snapshot(self) -> ServerActivity:
        server = self._query(_SERVER, ())[0]
        version, num, max_conn, reserved, connections, own, now = server
        sessions = tuple(_session(row) for row in self._query(_SESSIONS, ()))
        replicas = tuple(ReplicaLag(str(name or "(unnamed)"), addr, str(state), sync, lag,
                                    int(behind) if behind is not None else None)
                         for name, addr, state, sync, lag, behind in self._query(_REPLICAS, ()))
        taken = now if isinstance(now, datetime) else datetime.now(timezone.utc)
        return ServerActivity(taken, str(version).split(" ")[0], int(num), int(max_conn), int(connections),
                              int(reserved), sessions, replicas, int(own))


def _session(row: tuple[Any, ...]) -> SessionActivity:
    pid, user, app, addr, db, state, query, query_s, xact_s, wtype, wevent, blockers, rels, here, waits_on = row
    text = str(query or "")
    return SessionActivity(int(pid), user, str(app or ""), addr, db, state,
                           _shown(text), query_s, xact_s, wtype, wevent, tuple(int(b) for b in blockers or ()),
                           tuple(str(r) for r in rels or ()), bool(here),
                           reads=tables_named(text) if state in ("active", "idle in transaction") else (),
                           waits_on=waits_on, statement=_shown(current_statement(text, waits_on)))


def _shown(query: str) -> str:
    """The first QUERY_CHARS characters on one line, secrets masked."""
    flat = " ".join(redact_text(query).split())
    return flat if len(flat) <= QUERY_CHARS else flat[: QUERY_CHARS - 1] + "…"


_CONTROL = frozenset({"BEGIN_P", "START", "SET", "RESET", "COMMIT", "END_P", "ROLLBACK"})


def current_statement(query: str, waits_on: str | None) -> str:
    """The statement of a several-statement message (lockgate sends a migration's whole transaction
    as one) that the session is most likely at: the first naming the table it waits to lock, else
    the first that is not transaction control or a SET.

    >>> current_statement("BEGIN; SET LOCAL lock_timeout = '1s'; ALTER TABLE t ADD c int; COMMIT", "public.t")
    'ALTER TABLE t ADD c int'
    """
    from ..sqltext import split_statements

    try:
        parts = [p for p in split_statements(query) if p.keyword not in _CONTROL]
    except Exception:  # a query cut short by track_activity_query_size: show it as it is
        return query
    if len(parts) <= 1:
        return parts[0].sql.strip() if parts else query
    if waits_on:
        name = waits_on.rpartition(".")[2]
        for p in parts:
            if any(t.rpartition(".")[2] == name for t in tables_named(p.sql)):
                return p.sql.strip()
    return parts[0].sql.strip()


def tables_named(query: str) -> tuple[str, ...]:
    """The tables a query names (``schema.name``, or ``name`` when unqualified), from its parse.

    A query cut short by ``track_activity_query_size`` does not parse: it names none, and
    the locks it holds (``SessionActivity.relations``) still tell.

    >>> tables_named("SELECT * FROM accounts a JOIN app.orders o USING (id) WHERE pg_sleep(60) IS NOT NULL")
    ('accounts', 'app.orders')
    >>> tables_named("WITH t AS (SELECT 1) SELECT * FROM t"), tables_named("SELECT * FROM (unfinished")
    ((), ())
    """
    if not query.strip():
        return ()
    from ..lint._pgparser import parser
    from ..lint.nodes import walk

    try:
        import json

        tree = json.loads(parser().parse_sql_json(query))
    except Exception:  # pglast's ParseError, or a query cut short: nothing to say from the text
        return ()
    names = {(rv.get("schemaname"), str(rv.get("relname", ""))) for kind, rv in walk(tree) if kind == "RangeVar"}
    ctes = {str(fields.get("ctename")) for kind, fields in walk(tree) if kind == "CommonTableExpr"}
    return tuple(sorted(f"{schema}.{name}" if schema else name for schema, name in names
                        if name and (schema or name not in ctes)))
