"""What ``lockgate monitor`` shows: connections, long queries, lock waits as trees, and lockgate's
own migrations in progress, derived from one activity snapshot.

A running ``lockgate up`` names each attempt in its ``application_name``
(``lockgate up 0003_add_note attempt 2``), so another process sees from
``pg_stat_activity`` alone which migration runs, on which attempt, and whether its
statement runs or waits for a lock, and for whom.

>>> parse_application_name("lockgate up 0003_add_note attempt 2")
('0003_add_note', 2)
>>> parse_application_name("lockgate"), parse_application_name("psql")
((None, None), (None, None))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .activity import BlockingNode, ServerActivity, SessionActivity, blocking_tree


def parse_application_name(name: str) -> tuple[str | None, int | None]:
    """``(version, attempt)`` of a lockgate migration's session; ``(None, None)`` for any other."""
    parts = name.split()
    if not parts or parts[0] != "lockgate":
        return None, None
    version = next((p for p in parts[1:] if p.partition("_")[0].isdigit()), None)
    attempt = None
    for word, value in zip(parts, parts[1:]):
        if word == "attempt" and value.isdigit():
            attempt = int(value)
    return version, (attempt if attempt is not None or version is None else 1)


@dataclass(frozen=True)
class MigrationProgress:
    """A lockgate migration another process is running, as pg_stat_activity shows it."""

    pid: int
    version: str
    attempt: int | None
    state: str  # "waiting for a lock", "running", "idle in transaction", ...
    statement: str
    for_s: float | None  # how long the statement has waited or run
    blocked_by: tuple[int, ...]
    waits_on: str | None = None  # the table whose lock it waits for


    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "version": self.version, "attempt": self.attempt, "state": self.state,
                "statement": self.statement, "for_s": self.for_s, "blocked_by": list(self.blocked_by),
                "waits_on": self.waits_on}


@dataclass(frozen=True)
class MonitorSnapshot:
    """One refresh of the monitor. ``activity`` None: the engine has no sessions to show (``note`` says).

    ``all_databases`` False: the sessions of the database lockgate works on, and the sessions
    elsewhere that block one of them (a shared catalog's lock); True: every session of the server.
    """

    component: str
    activity: ServerActivity | None
    long_query_s: float
    note: str | None = None
    all_databases: bool = False

    @property
    def sessions(self) -> tuple[SessionActivity, ...]:
        every = self.activity.sessions if self.activity is not None else ()
        if self.all_databases:
            return every
        shown = {s.pid for s in every if s.here}
        by_pid = {s.pid: s for s in every}
        todo = list(shown)
        while todo:  # the blockers of shown sessions, wherever they are
            for b in by_pid[todo.pop()].blocked_by:
                if b in by_pid and b not in shown:
                    shown.add(b)
                    todo.append(b)
        return tuple(s for s in every if s.pid in shown)

    @property
    def active(self) -> tuple[SessionActivity, ...]:
        """The sessions doing something: running a query, or holding a transaction open."""
        return tuple(s for s in self.sessions if s.state not in (None, "idle"))

    @property
    def long_queries(self) -> tuple[SessionActivity, ...]:
        return tuple(s for s in self.active if ((s.query_s if s.state == "active" else s.xact_s) or 0)
                     > self.long_query_s)

    @property
    def lock_waits(self) -> tuple[SessionActivity, ...]:
        return tuple(s for s in self.sessions if s.waiting_for_lock)

    @property
    def blocking(self) -> tuple[BlockingNode, ...]:
        return blocking_tree(self.sessions)

    @property
    def migrations(self) -> tuple[MigrationProgress, ...]:
        out = []
        for s in self.sessions:
            version, attempt = parse_application_name(s.application_name)
            if version is None:
                continue
            state = "waiting for a lock" if s.waiting_for_lock else "running" if s.state == "active" else (
                s.state or "?")
            out.append(MigrationProgress(s.pid, version, attempt, state, s.statement, s.query_s, s.blocked_by,
                                         s.waits_on))
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        a = self.activity
        return {
            "component": self.component, "note": self.note, "long_query_s": self.long_query_s,
            "all_databases": self.all_databases,
            "taken_at": a.taken_at.isoformat() if a else None,
            "server": None if a is None else {"version": a.version, "connections": a.connections,
                                               "max_connections": a.max_connections},
            "sessions": [s.to_dict() for s in self.active],
            "long_queries": [s.pid for s in self.long_queries],
            "lock_waits": [s.pid for s in self.lock_waits],
            "blocking_tree": [n.to_dict() for n in self.blocking],
            "migrations": [m.to_dict() for m in self.migrations],
            "replicas": [r.to_dict() for r in a.replicas] if a else [],
        }
