"""The fingerprint of the schema each run left, and what differs from it now.

After a successful ``up`` or ``down`` that changed something, :func:`record` stores the
sha256 of the rendered description with the description itself in the ledger's
``<ledger>_schema`` table (one row; created with the ledger). :func:`drift` compares the
live schema with it: a different fingerprint means someone changed the database outside
lockgate, and the stored description names the objects.

>>> fingerprint("x")[:12]
'2d711642b726'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..dialects.base import own_transaction
from .describe import describe
from .diff import Difference, diff, summary
from .render import parse, render

if TYPE_CHECKING:
    from ..dialects.base import Adapter


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Drift:
    """The live schema against the one the last run left. ``recorded`` None: no run recorded one yet."""

    recorded: str | None
    live: str
    differences: tuple[Difference, ...] = ()
    error: str | None = None  # the live schema could not be read (a lock not free within 5 s)

    @property
    def drifted(self) -> bool:
        return self.recorded is not None and self.recorded != self.live

    @property
    def message(self) -> str:
        if self.error is not None:
            return f"drift not checked: the schema could not be read ({self.error})"
        if self.recorded is None:
            return "no schema fingerprint recorded yet; the next up or down records one"
        if not self.drifted:
            return "the schema is the one the last run left"
        what = summary(self.differences) if self.differences else "the schema's description"
        return f"the schema differs from the one the last run left (changed by hand?): {what}"

    def to_dict(self) -> dict[str, Any]:
        return {"drifted": self.drifted, "recorded": self.recorded, "live": self.live, "message": self.message,
                "differences": [d.to_dict() for d in self.differences], "error": self.error}


def record(adapter: "Adapter", run_id: str) -> str:
    """Store the live schema's fingerprint and description (in one transaction); returns the fingerprint."""
    text = render(describe(adapter))
    mark = adapter.placeholder
    with own_transaction(adapter):
        adapter.execute(adapter.schema_table_ddl)  # a ledger created before this table existed
        adapter.execute(f"DELETE FROM {adapter.schema_table}")
        adapter.execute(f"INSERT INTO {adapter.schema_table} (fingerprint, description, run_id)"
                        f" VALUES ({mark}, {mark}, {mark})", (fingerprint(text), text, run_id))
    return fingerprint(text)


def drift(adapter: "Adapter") -> Drift:
    """The live schema against the recorded one, naming the objects that differ; a driver error
    reading it (a view's table locked past the 5 s bound) is ``error``, never an exception."""
    try:
        live = describe(adapter)
        stored = adapter.recorded_schema()  # a role without SELECT on it: not checked, not an error
    except Exception as exc:
        if not adapter.is_driver_error(exc):
            raise
        return Drift(None, "", error=adapter.describe_error(exc))
    text = render(live)
    if stored is None:
        return Drift(None, fingerprint(text))
    recorded, description = stored
    if recorded == fingerprint(text):
        return Drift(recorded, recorded)
    return Drift(recorded, fingerprint(text), diff(parse(description), live))
