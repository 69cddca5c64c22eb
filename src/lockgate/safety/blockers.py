"""Who blocks a migration's lock request, how to say it, and whom ``--cancel-blockers`` may touch.

A :class:`Blocker` is what a dialect's observer reads from a second connection while an
attempt waits (on PostgreSQL: ``pg_blocking_pids`` of the runner's backend joined to
``pg_stat_activity``). lock_not_available does not name the session in its way, so it
is asked while the wait is on.

:func:`actions` is the pure decision of ``--cancel-blockers``: only sessions that block
lockgate's lock request, only once their transaction has been open longer than the
threshold; cancel first (the running query ends, the session lives), terminate only
when the same session still blocks a grace period after its cancel (an idle-in-
transaction session has no query to cancel).

>>> b = Blocker(pid=42, application_name="psql", user="alice", state="idle in transaction",
...             xact_seconds=75.0, query="SELECT * FROM accounts")
>>> b.describe()
"pid 42 (psql, user alice, idle in transaction, transaction open 1m15s: 'SELECT * FROM accounts')"
>>> actions([b], older_than=10.0, grace=5.0, cancelled={}, now=100.0)
[('cancel', 42)]
>>> actions([b], older_than=10.0, grace=5.0, cancelled={42: 90.0}, now=100.0)
[('terminate', 42)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from ..durations import format_duration
from ..redact import redact_text

QUERY_CHARS = 200


@dataclass(frozen=True)
class Blocker:
    """A session holding a lock the migration waits for. ``query`` is its latest query,
    redacted and cut to 200 characters; ``xact_seconds`` None: no open transaction."""

    pid: int
    application_name: str
    user: str
    state: str
    xact_seconds: float | None
    query: str

    @classmethod
    def of(cls, pid: int, application_name: str | None, user: str | None, state: str | None,
           xact_seconds: float | None, query: str | None) -> "Blocker":
        # Redacted whole, then cut: a cut first could leave half a password the patterns miss.
        text = " ".join(redact_text(query or "").split())
        return cls(int(pid), application_name or "", user or "", state or "", xact_seconds,
                   text[:QUERY_CHARS])

    def describe(self) -> str:
        app = self.application_name or "no application_name"
        age = (f", transaction open {format_duration(self.xact_seconds)}" if self.xact_seconds is not None else "")
        query = f": {self.query!r}" if self.query else ""
        return f"pid {self.pid} ({app}, user {self.user}, {self.state or 'state unknown'}{age}{query})"

    def to_dict(self) -> dict[str, object]:
        return {"pid": self.pid, "application_name": self.application_name, "user": self.user,
                "state": self.state, "xact_seconds": None if self.xact_seconds is None else round(self.xact_seconds, 3),
                "query": self.query}


def actions(blockers: Iterable[Blocker], *, older_than: float, grace: float, cancelled: Mapping[int, float],
            now: float) -> list[tuple[str, int]]:
    """What ``--cancel-blockers`` does now: ``("cancel", pid)`` or ``("terminate", pid)``.

    ``cancelled``: pid -> when it was cancelled (same clock as ``now``).
    """
    todo: list[tuple[str, int]] = []
    for b in blockers:
        if b.xact_seconds is None or b.xact_seconds < older_than:
            continue
        at = cancelled.get(b.pid)
        if at is None:
            todo.append(("cancel", b.pid))
        elif now - at >= grace:
            todo.append(("terminate", b.pid))
    return todo


def merge(seen: dict[int, Blocker], found: Iterable[Blocker]) -> list[Blocker]:
    """Add ``found`` to ``seen`` (pid -> latest view); return the ones not seen before."""
    new = []
    for b in found:
        if b.pid not in seen:
            new.append(b)
        seen[b.pid] = b
    return new
