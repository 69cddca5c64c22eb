"""contract-without-tag: a destructive statement in a migration without the runbook's ``-- contract-phase-ok`` tag.

expand-contract-runbook.md: expand migrations must hold no DROP, TRUNCATE or
DELETE; removing things happens in a separate, later release, in a migration
carrying the tag. Destructive here means: DROP of a table, column, view, function,
type, schema, sequence or extension (unless the file creates it again), TRUNCATE,
DELETE. Reported once per file, at the first such statement.

Unsafe::

    ALTER TABLE users DROP COLUMN legacy_token;

Safe (weeks after the code stopped using it)::

    -- contract-phase-ok: users.legacy_token unused since release 42
    ALTER TABLE users DROP COLUMN legacy_token;
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..classify import Effect
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class ContractWithoutTag(Rule):
    id = "contract-without-tag"
    severity = Severity.WARNING
    summary = "A destructive statement in a migration that lacks the -- contract-phase-ok tag"
    safe = ("Move the destructive statements into their own contract migration, released after the code stopped "
            "using what they remove, with `-- contract-phase-ok: reason` in it.")
    destructive = True

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.contract_tag:
            return
        found = [(s, c) for s, c in ctx.effective_changes() if c.effect is Effect.DESTRUCTIVE]
        if not found:
            return
        whats = ", ".join(c.what for _, c in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        yield Hit(f"Destructive change ({whats}) in a migration without the -- contract-phase-ok tag.", found[0][0])
