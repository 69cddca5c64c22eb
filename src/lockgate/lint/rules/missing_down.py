"""missing-down: a versioned up migration has no ``.down.sql`` beside it.

Without a down file, ``lockgate down`` cannot roll it back, and a dirty
no-transaction migration cannot be recovered automatically (runbook: "No down
migration found for dirty migration").

Unsafe: ``0012_add_orders.up.sql`` alone.

Safe: ``0012_add_orders.down.sql`` that undoes it (``DROP TABLE IF EXISTS orders;``).
A deliberately irreversible migration can say so with an empty down file holding a
comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class MissingDown(Rule):
    id = "missing-down"
    severity = Severity.WARNING
    summary = "The up migration has no down file"
    safe = "Add {version}_{name}.down.sql that undoes it (an empty one, with a comment, if it cannot be undone)."

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.has_down is False:
            yield Hit(f"Migration {ctx.ident} has no down file: lockgate down cannot roll it back, and a dirty "
                      "run of it cannot be recovered automatically.")
