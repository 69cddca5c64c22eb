"""Reads and writes of the ledger and history tables, through an adapter.

The tables' DDL is dialect-specific and lives in the adapters; the statements
here are plain SQL with the adapter's parameter marker.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from . import __version__
from .dialects.base import Adapter
from .model import Direction, HistoryEntry


@dataclass(frozen=True)
class RunContext:
    run_id: str
    component: str
    os_user: str
    host: str

    @classmethod
    def new(cls, component: str) -> "RunContext":
        import uuid

        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(uuid.uuid4().hex[:16], component, user, socket.gethostname())


class Ledger:
    def __init__(self, adapter: Adapter, ctx: RunContext) -> None:
        self.a = adapter
        self.ctx = ctx
        self.p = adapter.placeholder

    def _q(self, sql: str) -> str:
        return sql.replace("?", self.p)

    def insert(self, ident: str, checksum: str, *, dirty: bool) -> None:
        self.a.execute(self._q(f"INSERT INTO {self.a.ledger} (version, checksum, dirty) VALUES (?, ?, ?)"),
                       (ident, checksum, dirty))

    def delete(self, ident: str) -> None:
        self.a.execute(self._q(f"DELETE FROM {self.a.ledger} WHERE version = ?"), (ident,))

    def set_dirty(self, ident: str, dirty: bool) -> None:
        self.a.execute(self._q(f"UPDATE {self.a.ledger} SET dirty = ? WHERE version = ?"), (dirty, ident))

    def set_checksum(self, ident: str, checksum: str) -> None:
        self.a.execute(self._q(f"UPDATE {self.a.ledger} SET checksum = ? WHERE version = ?"), (checksum, ident))

    def record(self, ident: str, direction: Direction, *, checksum: str | None, started: datetime,
               outcome: str, error: str | None = None, note: str | None = None) -> float:
        """Append one history row; returns its duration in ms."""
        finished = datetime.now(timezone.utc)
        duration = (finished - started).total_seconds() * 1000.0
        self.a.execute(self._q(
            f"INSERT INTO {self.a.history} (run_id, version, direction, checksum, started_at, finished_at,"
            " duration_ms, outcome, error, os_user, host, tool_version, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            (self.ctx.run_id, ident, direction.value, checksum, _ts(self.a, started), _ts(self.a, finished),
             duration, outcome, error, self.ctx.os_user, self.ctx.host, __version__, note))
        return duration


def _ts(adapter: Adapter, value: datetime) -> Any:
    # psycopg binds datetimes natively; SQLite stores ISO 8601 text.
    return value if adapter.placeholder == "%s" else value.isoformat(timespec="milliseconds")


def read_history(adapter: Adapter, *, limit: int | None = None, version: str | None = None) -> list[HistoryEntry]:
    where = f" WHERE version = {adapter.placeholder}" if version else ""
    params: tuple[Any, ...] = (version,) if version else ()
    sql = (f"SELECT id, version, direction, checksum, started_at, finished_at, duration_ms, outcome, error,"
           f" os_user, host, tool_version, run_id, note FROM {adapter.history}{where} ORDER BY id")
    try:
        rows = adapter.query(sql, params)
    except Exception as exc:
        if adapter.is_driver_error(exc) and adapter.read_ledger() is None:
            return []
        raise
    entries = []
    for r in rows:
        entries.append(HistoryEntry(int(r[0]), str(r[1]), str(r[2]), r[3], _dt(r[4]), _dt(r[5]),
                                    float(r[6]) if r[6] is not None else None, str(r[7]), r[8], r[9], r[10],
                                    r[11], r[12], r[13]))
    return entries[-limit:] if limit else entries


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
