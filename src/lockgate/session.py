"""Open one connection, optionally take the migration lock, and always clean up."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from .config import Settings
from .dialects import open_adapter
from .dialects.base import Adapter
from .events import Emitter, EventCallback
from .ledger import Ledger, RunContext


@dataclass
class Session:
    settings: Settings
    adapter: Adapter
    ledger: Ledger
    emit: Emitter
    ctx: RunContext


@contextmanager
def open_session(settings: Settings, *, on_event: EventCallback | None, lock: bool,
                 log: bool = True, lock_wait: float | None = None) -> Iterator[Session]:
    """Connect, announce the target, and (``lock``) take the migration lock.

    Before connecting, the session says which database it acts on (a ``target`` event:
    the URL without its password, or the SQLite file's absolute path, and where that
    came from), after any configuration warning. ``log``: write the JSONL log. Only a
    session that takes the lock (one that may change the database) creates the log or a
    SQLite file that does not exist yet: a dry run appends to the log that is there, and
    writes no file of its own.
    """
    ctx = RunContext.new(settings.component)
    url = settings.database_url
    secret = url.password
    emit = Emitter(component=settings.component, run_id=ctx.run_id,
                   log_file=settings.log_file if log else None, callback=on_event,
                   secrets=(secret,) if secret else (), create_log=lock)
    for warning in settings.warnings:
        emit("config_warning", warning, level="warn")
    emit("target", f"Target database: {url.target} (from {settings.url_source})", database=url.target,
         engine=url.engine, source=settings.url_source, component=settings.component)
    try:
        # Without the lock nothing is written: status, verify, history, lint and dry runs only read.
        adapter = open_adapter(url, ledger_table=settings.ledger_table, read_only=not lock)
    except BaseException:
        emit.close()
        raise
    try:
        if lock:
            wait = settings.lock_wait if lock_wait is None else lock_wait
            adapter.acquire_lock(wait, lambda holder: emit(
                "lock_wait", f"Waiting for the migration lock held by {holder}", level="warn", holder=holder,
                lock_wait_s=wait))
        yield Session(settings, adapter, Ledger(adapter, ctx), emit, ctx)
    finally:
        try:
            if lock:
                adapter.release_lock()
        finally:
            adapter.close()
            emit.close()
