"""missing-lock-timeout: a strong lock on an existing table with no ``SET lock_timeout`` before it.

An ALTER TABLE that waits for its lock behind one long-running query makes every
query after it wait too: the whole application stalls on one table. Any statement
that takes a SHARE lock or stronger (ALTER TABLE, CREATE INDEX without
CONCURRENTLY, DROP TABLE/INDEX/TRIGGER/POLICY, TRUNCATE, RENAME, CREATE TRIGGER/POLICY, LOCK
TABLE, REFRESH MATERIALIZED VIEW, a new foreign key to it, a new partition of it...) on a table
that existed before the migration needs a lock timeout set earlier in the file.
Reported once per file, at the first such statement.

Unsafe::

    ALTER TABLE users ADD COLUMN locale text;

Safe::

    SET lock_timeout = '5s';
    ALTER TABLE users ADD COLUMN locale text;

(``SET LOCAL`` and ``SELECT set_config('lock_timeout', '5s', true)`` count too; a
value of 0 disables the timeout and does not.) On a lock timeout, retry the migration.

``lockgate up`` sets a lock_timeout itself (``lock_timeout`` in lockgate.toml, default 1s)
and retries: files it runs so are not reported. The finding comes back where that is
off: ``lock_timeout = 0`` in the project, or ``-- lockgate:lock-timeout 0`` in the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class MissingLockTimeout(Rule):
    id = "missing-lock-timeout"
    severity = Severity.WARNING
    summary = "A statement takes a strong lock on an existing table with no lock_timeout set before it"
    safe = "Start the migration with SET lock_timeout = '5s'; (and retry the migration if it times out)."
    lock_related = True

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        pending = ctx.strong_locks_without_timeout
        if not pending or _runner_sets_one(ctx):
            return
        stmt, use = pending[0]
        more = f" ({len(pending) - 1} more statement(s) after it in this file too)" if len(pending) > 1 else ""
        article = "an" if use.mode[0] in "AE" else "a"
        # "CREATE INDEX on orders" already names the table: do not say it twice.
        on = f" on {use.table.display}" if use.table is not None and use.table.display not in use.what else ""
        yield Hit(f"{use.what} takes {article} {use.mode} lock{on} with no lock_timeout set: if it waits behind a "
                  f"long query, every query on the table queues behind it{more}.", stmt, use.table)


def _runner_sets_one(ctx: FileContext) -> bool:
    """``lockgate up`` will run this file with a lock_timeout of its own (see lockgate.safety.timeouts)."""
    if ctx.options.runner_lock_timeout <= 0:
        return False
    from ...discovery import header_values
    from ...durations import parse_duration
    from ...errors import ConfigError

    value = header_values(ctx.source.text).get("lockgate:lock-timeout")
    if value is None:
        return True
    try:
        return parse_duration(value) > 0
    except ConfigError:
        return False  # up refuses the file anyway; the finding stays
