"""What a database server is doing right now, as plain values: sessions, their locks, replicas.

A dialect reads it (PostgreSQL: ``pg_stat_activity``, ``pg_locks``, ``pg_blocking_pids``,
``pg_stat_replication``; see :mod:`lockgate.dialects.postgres_activity`); the pre-checks
and the monitor decide from it. Nothing here talks to a database, so the decisions are
pure functions of a snapshot a test can build by hand.

Query texts are redacted and cut to :data:`QUERY_CHARS` when the snapshot is read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

QUERY_CHARS = 200  # what a report shows of another session's query


@dataclass(frozen=True)
class SessionActivity:
    """One backend: who it is, what it runs, since when, what it waits for and holds."""

    pid: int
    user: str | None
    application_name: str
    client: str | None  # address, or None for a local socket
    database: str | None
    state: str | None  # active, idle, idle in transaction, ...
    query: str  # redacted, at most QUERY_CHARS characters
    query_s: float | None  # how long the current (or last) query has run
    xact_s: float | None  # how long its transaction has been open
    wait_event_type: str | None = None
    wait_event: str | None = None
    blocked_by: tuple[int, ...] = ()  # pg_blocking_pids(): the sessions its lock request waits for
    relations: tuple[str, ...] = ()  # schema.name of the tables it holds a lock on (this database)
    here: bool = True  # connected to the database lockgate works on
    # schema.name (or bare name) of the tables its query names, for a query not yet holding their locks
    reads: tuple[str, ...] = ()
    waits_on: str | None = None  # schema.name of the table whose lock it is waiting for
    statement: str = ""  # of a several-statement query (lockgate's), the one it is at; "" = query

    def __post_init__(self) -> None:
        if not self.statement:
            object.__setattr__(self, "statement", self.query)

    @property
    def waiting_for_lock(self) -> bool:
        return self.wait_event_type == "Lock"

    @property
    def in_transaction(self) -> bool:
        return self.xact_s is not None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "waiting_for_lock": self.waiting_for_lock}


@dataclass(frozen=True)
class ReplicaLag:
    """One standby of ``pg_stat_replication``: how far behind the primary its replay is."""

    name: str  # application_name (the standby's cluster_name or primary_conninfo's)
    client: str | None
    state: str  # streaming, catchup, startup, backup
    sync_state: str | None
    replay_lag_s: float | None  # None: the server has no measurement (an idle primary)
    behind_bytes: int | None  # WAL written on the primary and not yet replayed there

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ServerActivity:
    """A snapshot of the server, read in one go."""

    taken_at: datetime
    version: str  # e.g. "15.10"
    version_num: int  # e.g. 150010
    max_connections: int
    connections: int  # client backends on the whole server, this reader included
    reserved_connections: int = 0  # superuser_reserved_connections: not for ordinary roles
    sessions: tuple[SessionActivity, ...] = ()  # every client backend but the reader
    replicas: tuple[ReplicaLag, ...] = ()
    own_pid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"taken_at": self.taken_at.isoformat(), "version": self.version, "version_num": self.version_num,
                "max_connections": self.max_connections, "connections": self.connections,
                "reserved_connections": self.reserved_connections,
                "sessions": [s.to_dict() for s in self.sessions], "replicas": [r.to_dict() for r in self.replicas]}


class ActivityReader(Protocol):
    """What an adapter whose engine has sessions and locks to show offers (PostgreSQL)."""

    def snapshot(self) -> ServerActivity: ...


@dataclass(frozen=True)
class BlockingNode:
    """A session in a tree of lock waits: ``waiters`` are the sessions waiting for it."""

    session: SessionActivity
    waiters: tuple["BlockingNode", ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        s = self.session
        return {"pid": s.pid, "application_name": s.application_name, "user": s.user, "state": s.state,
                "query": s.query, "query_s": s.query_s, "xact_s": s.xact_s,
                "waiting_for_lock": s.waiting_for_lock, "waiters": [w.to_dict() for w in self.waiters]}


def blocking_tree(sessions: tuple[SessionActivity, ...] | list[SessionActivity]) -> tuple[BlockingNode, ...]:
    """The lock waits as trees: each root blocks others and waits for nobody we can see.

    A session waiting behind several appears under each of them; a cycle (a deadlock
    the server has not broken yet) is cut where it would repeat.

    >>> def s(pid, by=()): return SessionActivity(pid, "u", "app", None, "db", "active", "q", 1.0, 1.0,
    ...                                           "Lock" if by else None, None, tuple(by))
    >>> [(n.session.pid, [w.session.pid for w in n.waiters]) for n in blocking_tree([s(1), s(2, [1]), s(3, [2])])]
    [(1, [2])]
    >>> blocking_tree([s(1), s(2, [1]), s(3, [2])])[0].waiters[0].waiters[0].session.pid
    3
    """
    by_pid = {s.pid: s for s in sessions}
    waiters: dict[int, list[SessionActivity]] = {}
    for s in sessions:
        for blocker in s.blocked_by:
            waiters.setdefault(blocker, []).append(s)

    def node(pid: int, seen: frozenset[int]) -> BlockingNode:
        session = by_pid[pid]
        below = tuple(node(w.pid, seen | {pid}) for w in sorted(waiters.get(pid, []), key=lambda w: w.pid)
                      if w.pid not in seen and w.pid != pid)
        return BlockingNode(session, below)

    # A root waits for no session we can see: it blocks others, or waits for a backend
    # the snapshot does not list (another database's, a background process).
    involved = [s for s in sessions if s.pid in waiters or s.blocked_by]
    roots = [s.pid for s in involved if not any(b in by_pid for b in s.blocked_by)]
    if not roots and involved:  # every one waits for another: a cycle; start from its lowest pid
        roots = [min(s.pid for s in involved)]
    return tuple(node(pid, frozenset()) for pid in sorted(roots))
