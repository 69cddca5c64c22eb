"""The peers' everyday verbs that lockgate had no command for: ``version``, ``goto``, ``force``
and ``wait`` (golang-migrate's and dbmate's), each a plain function like those in :mod:`lockgate.api`.

Example::

    lockgate.version(settings).ident        # -> '0002_add_name' (None: nothing applied)
    lockgate.goto(settings, "0001")         # up or down to 0001
    lockgate.force(settings, "0002")        # the ledger says exactly 0001..0002, nothing runs
    lockgate.wait(settings, timeout=30)     # until the server accepts connections
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from .config import Settings
from .discovery import discover
from .errors import ConnectionFailed, WaitTimeout
from .events import EventCallback
from .model import Direction, RunReport, StepResult
from .planner import resolve_target, version_of
from .session import open_session


@dataclass(frozen=True)
class CurrentVersion:
    """The newest applied migration, as golang-migrate's ``version`` prints it."""

    ident: str | None  # None: nothing applied
    version: int | None
    dirty: bool  # some ledger row is dirty: a run did not finish

    def to_dict(self) -> dict[str, object]:
        return {"version": self.ident, "number": self.version, "dirty": self.dirty}


def version(settings: Settings) -> CurrentVersion:
    """The newest applied migration (``ident`` None when nothing is applied), and whether a row is dirty."""
    with open_session(settings, on_event=None, lock=False, log=False) as s:
        rows = s.adapter.read_ledger() or []
    if not rows:
        return CurrentVersion(None, None, False)
    newest = max(rows, key=lambda r: (version_of(r.version), r.version))
    return CurrentVersion(newest.version, version_of(newest.version), any(r.dirty for r in rows))


def goto(settings: Settings, target: str, *, dry_run: bool = False, lock_wait: float | None = None,
         on_event: EventCallback | None = None) -> RunReport:
    """Up or down to ``target``: ``down --to`` while anything newer is applied, else ``up --to``."""
    from . import api

    with open_session(settings, on_event=None, lock=False, log=False) as s:
        rows = s.adapter.read_ledger() or []
    limit = resolve_target(target, discover(settings.migrations_dir), rows)
    if any(version_of(r.version) > limit for r in rows):
        return api.down(settings, to=target, dry_run=dry_run, lock_wait=lock_wait, on_event=on_event)
    return api.up(settings, to=target, dry_run=dry_run, lock_wait=lock_wait, on_event=on_event)


def force(settings: Settings, target: str, *, dry_run: bool = False,
          on_event: EventCallback | None = None) -> RunReport:
    """Set the ledger to exactly ``target``, running nothing (golang-migrate's ``force``).

    Every migration up to ``target`` is recorded as applied (with its file's checksum),
    every row above it is removed, and dirty flags are cleared; ``"0"`` empties the
    ledger. One transaction, each change a history row (direction ``force``). For one
    dirty row, ``lockgate repair VERSION --clear-dirty`` says more precisely what you mean.
    """
    migrations = discover(settings.migrations_dir)
    with open_session(settings, on_event=on_event, lock=not dry_run) as s:
        rows = s.adapter.read_ledger()
        limit = resolve_target(target, migrations, rows or [])
        recorded = {r.version: r for r in rows or []}
        add = [m for m in migrations if m.version <= limit and m.ident not in recorded]
        drop = [r for r in rows or [] if version_of(r.version) > limit]
        clean = [r for r in rows or [] if r.dirty and version_of(r.version) <= limit]
        changes = ([(m.ident, m.checksum, "recorded") for m in add] + [(r.version, r.checksum, "removed") for r in drop]
                   + [(r.version, r.checksum, "dirty cleared") for r in clean])
        if dry_run:
            return RunReport(settings.component, s.ctx.run_id, (), True, (),
                             tuple(f"{ident} ({what})" for ident, _, what in changes))
        started = datetime.now(timezone.utc)
        steps = []
        s.adapter.begin()
        try:
            if rows is None:
                s.adapter.ensure_ledger()
            for m in add:
                s.ledger.insert(m.ident, m.checksum, dirty=False)
            for r in drop:
                s.ledger.delete(r.version)
            for r in clean:
                s.ledger.set_dirty(r.version, False)
            for ident, checksum, what in changes:
                ms = s.ledger.record(ident, Direction.FORCE, checksum=checksum, started=started, outcome="forced",
                                     note=f"force {target}: {what}")
                steps.append(StepResult(ident, Direction.FORCE, ms, "forced", checksum))
            s.adapter.commit()
        except BaseException:
            s.adapter.rollback()
            raise
        s.emit("forced", f"Ledger set to {target}", version=target, changed=len(changes))
        return RunReport(settings.component, s.ctx.run_id, tuple(steps))


def wait(settings: Settings, *, timeout: float = 60.0, on_event: EventCallback | None = None) -> float:
    """Wait until the database accepts connections (dbmate's ``wait``); returns the seconds waited.

    Raises :class:`WaitTimeout` (exit 1) when ``timeout`` seconds pass first; a rejected
    login is raised at once (the server is up: waiting will not help).
    """
    from .dialects import probe
    from .dialects.base import poll_interval

    t0 = time.monotonic()
    attempt = 0
    while True:
        try:
            probe(settings.database_url, ledger_table=settings.ledger_table)
            return time.monotonic() - t0
        except ConnectionFailed as exc:
            waited = time.monotonic() - t0
            if waited >= timeout:
                raise WaitTimeout(timeout, exc.message.rstrip(".")) from None
            if on_event is not None and attempt == 0:
                from .model import Event

                on_event(Event("database_wait", "info", "Waiting for the database to accept connections",
                               {"timeout": timeout}))
            time.sleep(min(poll_interval(attempt) * 4, max(timeout - waited, 0.0)))
            attempt += 1


__all__ = ["CurrentVersion", "force", "goto", "version", "wait"]
