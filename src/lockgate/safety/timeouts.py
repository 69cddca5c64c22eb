"""The timeouts a migration runs with, where each comes from, and the run's time budget.

Precedence, most specific last: the project's setting (``lock_timeout = "1s"`` in
lockgate.toml, or a component's table), the migration's own header directive
(``-- lockgate:lock-timeout 3s``), then a flag given to this run (``--lock-timeout 2s``):
the operator at the terminal has the last word. ``0`` turns a timeout off.

>>> t = Timeouts(lock_timeout=1.0, statement_timeout=0.0, retry_for=60.0)
>>> t.within(budget_left=30.0).statement_timeout
30.0
>>> application_name("up", "0003_add_note", 2)
'lockgate up 0003_add_note attempt 2'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from ..discovery import header_values
from ..durations import parse_duration
from ..errors import ConfigError

# Directive -> the Timeouts field it sets.
DIRECTIVES = {"lockgate:lock-timeout": "lock_timeout", "lockgate:statement-timeout": "statement_timeout",
              "lockgate:retry-for": "retry_for"}
_NO_BUDGET = 10.0 ** 9  # what Budget.left() says when there is no budget (time_budget = 0)
_NAME_LIMIT = 63  # PostgreSQL keeps NAMEDATALEN - 1 bytes of application_name


@dataclass(frozen=True)
class Timeouts:
    """Seconds; 0 means none. ``retry_for`` bounds all attempts of one migration together."""

    lock_timeout: float
    statement_timeout: float
    retry_for: float

    def within(self, *, budget_left: float) -> "Timeouts":
        """These timeouts cut to what is left of the run's budget: no statement and no
        retrying may outlast it (a statement_timeout of "none" becomes the budget)."""
        if budget_left >= _NO_BUDGET:
            return self
        left = max(budget_left, 0.001)
        statement = min(self.statement_timeout, left) if self.statement_timeout > 0 else left
        return replace(self, statement_timeout=statement, retry_for=min(self.retry_for, left))


def file_timeouts(text: str, path: Path) -> dict[str, float]:
    """The timeouts a migration file's header sets; raises :class:`ConfigError` (exit 2) naming
    the file for a value that is not a duration (``1 parsec``) or is negative."""
    values: dict[str, float] = {}
    for word, value in header_values(text).items():
        field = DIRECTIVES.get(word)
        if field is None:
            continue
        try:
            values[field] = parse_duration(value, name=word.partition(":")[2])
        except ConfigError as exc:
            raise ConfigError(f"Migration {path.name}: {exc.message}", hint=exc.hint) from None
    return values


def resolve(settings: Mapping[str, float], directives: Mapping[str, float],
            flags: Mapping[str, float | None]) -> Timeouts:
    """The timeouts of one migration: settings < its directives < the run's flags."""
    chosen = {field: settings[field] for field in ("lock_timeout", "statement_timeout", "retry_for")}
    chosen.update(directives)
    chosen.update({k: v for k, v in flags.items() if v is not None and k in chosen})
    return Timeouts(**chosen)


def application_name(kind: str, ident: str, attempt: int) -> str:
    """What a running migration calls its session: ``lockgate KIND IDENT attempt N``.

    KIND is ``up``, ``down`` or ``recover``; IDENT the ledger identifier (ASCII, cut so the
    whole fits PostgreSQL's 63 bytes: the words around it are always whole). To read it
    back: the first two words, the last two, and IDENT in between. Between migrations
    the session is plain ``lockgate``.
    """
    head, tail = f"lockgate {kind} ", f" attempt {attempt}"
    room = _NAME_LIMIT - len(head) - len(tail)
    # ASCII (the server would turn the rest into ?), and no ';': the runner counts statements by it.
    shown = ident.encode("ascii", "replace").decode("ascii").replace(";", "_")[:max(room, 1)]
    return head + shown + tail


@dataclass(frozen=True)
class Budget:
    """The run's time budget, started when the run starts (monotonic clock)."""

    total: float
    started: float

    @classmethod
    def start(cls, total: float) -> "Budget":
        return cls(total, time.monotonic())

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left; very large when the budget is off (0)."""
        return self.total - self.elapsed() if self.total > 0 else _NO_BUDGET
