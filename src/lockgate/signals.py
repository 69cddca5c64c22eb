"""SIGTERM handled like Ctrl-C, and what an interrupted migration left behind.

Kubernetes, systemd and CI runners stop a job with SIGTERM (then SIGKILL after a
grace period). Python's default for SIGTERM is to die on the spot: no history
row, no word on stderr, and on PostgreSQL the statement runs on until the server
notices the lost client. The ``lockgate`` program therefore turns SIGTERM into
:class:`Terminated`, a :class:`KeyboardInterrupt`, so everything Ctrl-C does
happens for it too: psycopg cancels the server-side statement, the runner rolls
back and writes its ``interrupted`` history row, the CLI prints one line and exits
128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM).

A library caller keeps its own signal handling: only :func:`sigterm_as_interrupt`,
called by the CLI's ``main``, installs anything.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Any, Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt."""

    signum = signal.SIGTERM


def signal_of(exc: BaseException) -> signal.Signals:
    """The signal behind an interrupt: SIGTERM for :class:`Terminated`, else SIGINT."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT))


def exit_code(exc: BaseException) -> int:
    """128 + the signal's number, as a shell reports a process that a signal stopped."""
    return 128 + int(signal_of(exc))


class MigrationInterrupted(KeyboardInterrupt):
    """A signal stopped a run while a migration was running; ``state`` is what the ledger
    says afterwards: ``committed`` (it finished first), ``rolled_back``, ``dirty`` (a
    no-transaction file stopped half-way) or ``unknown`` (the connection was lost).

    Still a KeyboardInterrupt, so ``except Exception`` in a caller never swallows it.
    """

    def __init__(self, ident: str, kind: str, state: str, signum: int) -> None:
        self.ident = ident
        self.kind = kind  # up, down, recover
        self.state = state
        self.signum = signum
        super().__init__(self.message)

    @property
    def message(self) -> str:
        sig = signal.Signals(self.signum).name
        what = {"up": "migration", "down": "the rollback of migration", "recover": "the recovery of migration"}
        where = f"Interrupted by {sig} during {what.get(self.kind, 'migration')} {self.ident}"
        done = {"up": "applied", "down": "rolled back", "recover": "recovered"}.get(self.kind, "done")
        if self.state == "committed":
            return f"{where}; it had committed: {done}. Run the command again for the rest."
        if self.state == "rolled_back":
            after = {"up": "nothing of it was recorded; run lockgate up again",
                     "down": "it stays applied", "recover": "it stays dirty"}.get(self.kind, "")
            return f"{where}; it was rolled back ({after})."
        if self.state == "dirty":
            return (f"{where}; it was left dirty (it runs outside a transaction). Run lockgate up to recover it"
                    " with its down file, or see lockgate status.")
        return f"{where}; the connection was lost, so whether it committed is unknown. Run lockgate status."

    def __str__(self) -> str:
        return self.message


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread, once: a second
    SIGTERM during the clean-up it starts is ignored (SIGKILL still ends the process)."""
    fired = False

    def handler(signum: int, frame: Any) -> None:
        nonlocal fired
        if fired:
            return
        fired = True
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave the default alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
