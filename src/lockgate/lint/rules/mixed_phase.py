"""mixed-phase: one migration both expands (adds) and contracts (drops, deletes, renames).

Additive changes ship before the code that uses them; destructive ones after the
code stopped using what they remove. In one migration they cannot both be on time.

Unsafe::

    ALTER TABLE users ADD COLUMN full_name text;
    ALTER TABLE users DROP COLUMN first_name;

Safe: two migrations in two releases: the expand now, the contract (tagged
``-- contract-phase-ok``) once no deployed code reads ``first_name``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..classify import Effect, Phase
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class MixedPhase(Rule):
    id = "mixed-phase"
    severity = Severity.WARNING
    summary = "The migration mixes expand (additive) and contract (destructive) changes"
    safe = "Split it: the additive part now; the destructive part in a later release, tagged -- contract-phase-ok."

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.phase is not Phase.MIXED:
            return
        changes = ctx.effective_changes()
        added = next(c.what for _, c in changes if c.effect is Effect.ADDITIVE)
        stmt, removed = next((s, c) for s, c in changes if c.effect in (Effect.DESTRUCTIVE, Effect.BREAKING))
        yield Hit(f"Migration {ctx.ident} both expands ({added}) and contracts ({removed.what}); they belong to "
                  "different releases.", stmt)
