"""empty-migration: the up file holds only comments and whitespace.

lockgate refuses to apply it (``Migration 0010_add_products is empty``), and a
checksum over nothing hides a forgotten edit.

Unsafe: ``0010_add_products.up.sql`` containing only ``-- TODO``.

Safe: write the migration, or delete both files. (An empty *down* file is fine: it
is a deliberate no-op rollback.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class EmptyMigration(Rule):
    id = "empty-migration"
    severity = Severity.ERROR
    summary = "The migration holds no SQL statement"
    safe = "Write the migration's SQL, or delete the up and down files."

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        if not ctx.source.statements and not ctx.source.problems:
            yield Hit(f"Migration {ctx.ident} is empty: only comments and whitespace.")
