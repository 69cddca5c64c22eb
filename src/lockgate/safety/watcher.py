"""Watching an attempt from a second connection: who blocks it, and ``--cancel-blockers``.

While the runner's connection sits in the server waiting for a lock, nothing on it can
ask who is in the way; a lock_not_available error does not say either. So a thread
with a connection of its own asks, a few times a second, for the sessions the runner's
backend waits for, and (with ``--cancel-blockers``) cancels and terminates those that
qualify (:func:`lockgate.safety.blockers.actions`).

The thread and its connection exist only once an attempt has waited ``first_look``
seconds: a thousand quick migrations cost neither a connection nor a query. A failure
of the watcher (its connection refused, its query failing) is reported once and never
fails the migration.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..dialects.base import Observer
from .blockers import Blocker, actions, merge


@dataclass(frozen=True)
class CancelPolicy:
    older_than: float
    grace: float


class LockWatcher:
    """Start with :meth:`begin` when an attempt is sent, :meth:`end` when it returns.

    ``on_blocked(blockers)``: called from the watcher's thread with blockers first seen in the
    current attempt; ``on_action(what, blocker, done)``: after each cancel/terminate.
    """

    def __init__(self, open_observer: Callable[[], Observer], pid: int, *,
                 on_blocked: Callable[[list[Blocker]], None],
                 on_action: Callable[[str, Blocker, bool], None],
                 on_error: Callable[[str], None],
                 cancel: CancelPolicy | None = None, first_look: float = 0.1, every: float = 0.25) -> None:
        self._open = open_observer
        self._pid = pid
        self._on_blocked = on_blocked
        self._on_action = on_action
        self._on_error = on_error
        self._cancel = cancel
        self._first_look = first_look
        self._every = every
        self._cond = threading.Condition()
        self._attempt = 0  # the attempt being watched; 0 between attempts
        self._attempt_started = 0.0
        self._seen: dict[int, Blocker] = {}
        self._cancelled: dict[int, float] = {}
        self._terminated: set[int] = set()
        self._observer: Observer | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._broken = False

    def begin(self, attempt: int) -> None:
        with self._cond:
            self._attempt = attempt
            self._attempt_started = time.monotonic()
            self._seen = {}
            if self._thread is None and not self._broken:
                self._thread = threading.Thread(target=self._loop, name="lockgate-watcher", daemon=True)
                self._thread.start()
        # No notify: the thread looks on its own tick, so a thousand quick attempts cost no
        # thread switch each.

    def end(self) -> list[Blocker]:
        """The blockers seen during this attempt, oldest transaction first."""
        with self._cond:
            self._attempt = 0
            seen = list(self._seen.values())
        return sorted(seen, key=lambda b: -(b.xact_seconds or 0.0))

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._observer is not None:
            self._observer.close()

    # -- the thread -------------------------------------------------------------------
    def _loop(self) -> None:
        last_look = 0.0
        while True:
            with self._cond:
                self._cond.wait(timeout=self._first_look / 2)
                if self._closed:
                    return
                attempt, started = self._attempt, self._attempt_started
            now = time.monotonic()
            # Only an attempt still waiting after first_look; then every `every` seconds.
            if attempt and now - started >= self._first_look and now - last_look >= self._every:
                last_look = now
                if not self._look(attempt):
                    return

    def _look(self, attempt: int) -> bool:
        try:
            if self._observer is None:
                self._observer = self._open()
            found = self._observer.blockers(self._pid)
        except Exception as exc:  # the migration matters more than knowing who is in its way
            self._broken = True
            self._on_error(f"Cannot see who blocks the migration ({type(exc).__name__}); it goes on without.")
            return False
        with self._cond:
            if self._attempt != attempt:
                return True
            new = merge(self._seen, found)
        if new:
            self._on_blocked(new)
        if self._cancel is not None:
            self._act(found)
        return True

    def _act(self, found: list[Blocker]) -> None:
        assert self._observer is not None
        by_pid = {b.pid: b for b in found if b.pid not in self._terminated}
        now = time.monotonic()
        for what, pid in actions(by_pid.values(), older_than=self._cancel.older_than if self._cancel else 0,
                                 grace=self._cancel.grace if self._cancel else 0, cancelled=self._cancelled,
                                 now=now):
            done = self._observer.cancel(pid) if what == "cancel" else self._observer.terminate(pid)
            if what == "cancel":
                self._cancelled[pid] = now
            else:
                self._terminated.add(pid)
            self._on_action(what, by_pid[pid], done)
