"""unknown-directive: a ``-- lockgate:`` comment that is no directive lockgate knows.

A mistyped directive would be skipped and its setting dropped (the migration would run
with no lock_timeout of its own, or in a transaction), so ``lockgate up`` refuses the
file before anything runs, naming the closest known directive (see lockgate.header).
Case and a space after the colon do not matter: ``-- LOCKGATE: lock-timeout 3s`` is known.

Unsafe::

    -- lockgate:no-transactions
    CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);

Safe::

    -- lockgate:no-transaction
    CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...header import KNOWN, unknown_directives
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class UnknownDirective(Rule):
    id = "unknown-directive"
    severity = Severity.ERROR
    summary = "A `-- lockgate:` comment that is not a directive lockgate knows (its setting would be dropped)"
    safe = f"Write one of the known directives: {', '.join('-- ' + k for k in KNOWN)}."

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        for u in unknown_directives((c.line, c.body) for c in ctx.source.comments):
            close = f"; did you mean `-- {u.closest}`?" if u.closest else ""
            yield Hit(f"Unknown directive `-- {u.written}`{close} `lockgate up` refuses the file.", line=u.line,
                      column=1)
