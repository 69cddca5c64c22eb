"""The small interface the runner calls to protect live traffic around each migration.

For each migration the runner asks :meth:`LockGuard.track` for a :class:`Tracker`, then
for every attempt: :meth:`Tracker.begin` (the SQL that sets this attempt's
lock_timeout, statement_timeout and application_name), runs the migration, and
:meth:`Tracker.end`. When the attempt failed, :meth:`Tracker.retry_or_raise` either
sleeps the pause :func:`lockgate.safety.retry.decide` chose, or raises the error that
ends the run (:class:`LockRetriesExhausted`, :class:`BudgetExceeded`, or the failure
itself, its ``cause`` set when a timeout lockgate chose ended it).

While an attempt waits, a :class:`lockgate.safety.watcher.LockWatcher` reads who blocks
it from a second connection; every attempt is logged with them.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ..dialects.base import Adapter
from ..durations import format_duration
from ..errors import BudgetExceeded, ConfigError, LockRetriesExhausted, MigrationFailed
from ..events import Emitter
from ..model import MigrationFile
from .blockers import Blocker
from .retry import Decision, Observation, RetryPolicy, decide
from .timeouts import DIRECTIVES, Budget, Timeouts, application_name, file_timeouts, resolve
from .watcher import CancelPolicy, LockWatcher

@dataclass(frozen=True)
class GuardOptions:
    """Settings (seconds) with this run's flags (None: not given)."""

    settings: Mapping[str, float]
    flags: Mapping[str, float | None]
    time_budget: float
    cancel: CancelPolicy | None = None


class LockGuard:
    def __init__(self, adapter: Adapter, emit: Emitter, options: GuardOptions, *,
                 sleep: Callable[[float], None] = time.sleep, draw: Callable[[], float] = random.random) -> None:
        self.a = adapter
        self._emit_to = emit
        self.options = options
        self.budget = Budget.start(options.time_budget)
        self.finished: list[str] = []
        self._sleep = sleep
        self._draw = draw
        self._lock = threading.Lock()  # the watcher's thread emits too
        self._watcher: LockWatcher | None = None
        self.version = ""  # the migration being watched, for the watcher's events

    def emit(self, event: str, message: str, **fields: object) -> None:
        with self._lock:
            self._emit_to(event, message, level="warn", **fields)

    def check(self, file: MigrationFile) -> None:
        """Refuse before anything runs: a timeout directive that does not parse, or one
        on an engine without lock timeouts (exit 2)."""
        values = file_timeouts(file.text, file.path)
        if values and not self.a.lock_timeouts:
            word = next(w for w, f in DIRECTIVES.items() if f in values)
            raise ConfigError(f"Migration {file.path.name}: `-- {word}` needs PostgreSQL; {self.a.name} has no "
                              "lock timeouts.", hint=f"Remove the directive from {file.path.name}.")

    def track(self, kind: str, ident: str, file: MigrationFile) -> "Tracker":
        if self.budget.left() <= 0:
            raise BudgetExceeded(ident, path=file.path, kind=kind, budget=self.budget.total, applied=self.finished)
        self.version = ident
        chosen = resolve(self.options.settings, file_timeouts(file.text, file.path), self.options.flags)
        bounded = chosen.within(budget_left=self.budget.left())
        cut = bounded.statement_timeout != chosen.statement_timeout
        return Tracker(self, kind, ident, file.path, bounded, budget_cut=cut)

    def watcher(self) -> LockWatcher | None:
        if not self.a.lock_timeouts:
            return None
        if self._watcher is None:
            self._watcher = LockWatcher(self.a.observer, self.a.backend_pid(), on_blocked=self._blocked,
                                        on_action=self._acted, on_error=lambda m: self.emit("watch_failed", m),
                                        cancel=self.options.cancel)
        return self._watcher

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def pause(self, seconds: float) -> None:
        self._sleep(seconds)

    def draw(self) -> float:
        return self._draw()

    def _blocked(self, blockers: list[Blocker]) -> None:
        self.emit("lock_blocked", "Waiting for a lock held by " + "; ".join(b.describe() for b in blockers),
                  version=self.version, blockers=[b.to_dict() for b in blockers])

    def _acted(self, what: str, b: Blocker, done: bool) -> None:
        verb = {"cancel": "Cancelled the query of", "terminate": "Terminated the session of"}[what]
        self.emit({"cancel": "blocker_cancelled", "terminate": "blocker_terminated"}[what],
                  f"{verb} blocker {b.describe()}" + ("" if done else " (the server refused)"),
                  version=self.version, pid=b.pid, done=done, blocker=b.to_dict())


class Tracker:
    """The attempts of one migration."""

    def __init__(self, guard: LockGuard, kind: str, ident: str, path: Path, timeouts: Timeouts, *,
                 budget_cut: bool) -> None:
        self.g = guard
        self.budget_cut = budget_cut  # the statement_timeout is what is left of the run's budget
        self.kind = kind
        self.ident = ident
        self.path = path
        self.t = timeouts
        self.attempt = 0
        self.started = time.monotonic()
        self._attempt_started = self.started
        self.blockers: dict[int, Blocker] = {}
        self._last_blockers: list[Blocker] = []

    @property
    def name(self) -> str:
        return application_name(self.kind, self.ident, self.attempt)

    def begin(self, *, local: bool = True) -> str:
        """Start an attempt; the SQL that sets its timeouts and name ("" where there are none)."""
        self.attempt += 1
        self._attempt_started = time.monotonic()
        watcher = self.g.watcher()
        if watcher is not None:
            watcher.begin(self.attempt)
        return self.g.a.timeouts_sql(self.t.lock_timeout, self.t.statement_timeout, self.name, local=local)

    def patience(self) -> tuple[str, str]:
        """For a statement whose waits harm nobody (``Adapter.waits_harmlessly``): the SQL that lets
        it wait for the rest of the retry bound instead of lock_timeout, and the SQL that restores it."""
        left = max(self.t.retry_for - (time.monotonic() - self.started), 0.001)
        return self.g.a.lock_timeout_sql(left), self.g.a.lock_timeout_sql(self.t.lock_timeout)

    def end(self) -> None:
        watcher = self.g.watcher() if self.g.a.lock_timeouts else None
        if watcher is not None:
            self._last_blockers = watcher.end()
            for b in self._last_blockers:
                self.blockers[b.pid] = b

    def done(self) -> None:
        self.g.finished.append(self.ident)

    @property
    def lock_wait_ms(self) -> float:
        """The time lost to locks: every failed attempt and the pauses after them."""
        return (self._attempt_started - self.started) * 1000

    def blocker_dicts(self) -> tuple[dict[str, object], ...]:
        return tuple(b.to_dict() for b in self.blockers.values())

    def retry_or_raise(self, failure: MigrationFailed) -> None:
        """After a failed attempt: pause and return (try again), or raise what ends it."""
        a = self.g.a
        now = time.monotonic()
        ran = now - self._attempt_started
        code = failure.sqlstate or ""
        if code in a.statement_timeout_codes and 0 < self.t.statement_timeout <= ran / 0.95:
            # Not told apart by message: a statement that ran its whole statement_timeout ended by it.
            if self.budget_cut:
                raise self._budget_exceeded(failure)
            raise failure.replaced(cause="statement_timeout") from None
        if code not in a.lock_not_available_codes:
            raise failure
        failure.cause = "lock_timeout"
        decision = decide(RetryPolicy(retry_for=self.t.retry_for),
                          Observation(self.attempt, now - self.started, retryable=True), jitter=self.g.draw())
        self._log_attempt(ran, decision)
        if decision.retry:
            self.g.pause(decision.pause)
            return
        who = [b.describe() for b in self.blockers.values()]
        if self.g.budget.left() <= 0.5:
            raise self._budget_exceeded(failure)
        if not failure.rolled_back:  # a no-transaction file: what ran before the statement stays
            raise failure.replaced(error=failure.error + "; blocked by " + ("; ".join(who) if who else
                                                                            "a session not seen")) from None
        raise LockRetriesExhausted(self.ident, path=self.path, kind=self.kind, attempts=self.attempt,
                                   waited=now - self.started, lock_timeout=self.t.lock_timeout, blockers=who,
                                   error=failure.error, statement=failure.statement, line=failure.line,
                                   sqlstate=failure.sqlstate) from None

    def _budget_exceeded(self, failure: MigrationFailed) -> BudgetExceeded:
        return BudgetExceeded(self.ident, path=self.path, kind=self.kind, budget=self.g.budget.total,
                              applied=self.g.finished, error=failure.error, statement=failure.statement,
                              line=failure.line)

    def _log_attempt(self, ran: float, decision: Decision) -> None:
        who = self._last_blockers
        # Short: the watcher's lock_blocked line had the details (and the fields have them all).
        by = ("blocked by " + ", ".join(f"pid {b.pid} ({b.application_name or 'no application_name'})"
                                        for b in who)) if who else "blocker not seen"
        then = f"retrying in {format_duration(decision.pause)}" if decision.retry else "giving up: " + decision.reason
        self.g.emit("lock_retry", f"Lock not available after {format_duration(ran)} (attempt {self.attempt}, "
                                  f"lock_timeout {format_duration(self.t.lock_timeout)}), {by}; {then}",
                    version=self.ident, type=self.kind, attempt=self.attempt, waited_ms=round(ran * 1000, 1),
                    pause_ms=round(decision.pause * 1000, 1), retry=decision.retry,
                    lock_timeout_ms=round(self.t.lock_timeout * 1000), blockers=[b.to_dict() for b in who])

