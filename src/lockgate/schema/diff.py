"""Two descriptions of a schema compared object by object.

>>> from .describe import Schema, SchemaObject
>>> old = Schema("SQLite", (SchemaObject("table", "a", "CREATE TABLE a (\\n    id INTEGER\\n);"),))
>>> new = Schema("SQLite", (SchemaObject("table", "a", "CREATE TABLE a (\\n    id INTEGER,\\n    note TEXT\\n);"),
...                         SchemaObject("index", "a_idx", "CREATE INDEX a_idx ON a (id);")))
>>> [(d.change, d.title) for d in diff(old, new)]
[('changed', 'table a'), ('added', 'index a_idx')]
>>> diff(old, new)[0].lines
('+    note TEXT',)
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .describe import Schema, SchemaObject

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Difference:
    """One object that differs: ``added`` (in the database, not in the expected description),
    ``removed`` (expected, not in the database) or ``changed`` (its definition's lines differ)."""

    kind: str
    name: str
    change: str
    lines: tuple[str, ...] = ()  # changed: the differing lines, '-' expected, '+' live

    @property
    def title(self) -> str:
        return f"{self.kind} {self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "change": self.change, "lines": list(self.lines)}


def diff(expected: Schema, live: Schema) -> tuple[Difference, ...]:
    """What differs between the ``expected`` description and the ``live`` one, in dump order."""
    want, have = expected.by_key(), live.by_key()
    out: list[Difference] = []
    for obj in Schema(live.engine, tuple({**want, **have}.values())).sorted().objects:
        before, after = want.get(obj.key), have.get(obj.key)
        if before is None:
            out.append(Difference(obj.kind, obj.name, ADDED, _prefixed("+", obj)))
        elif after is None:
            out.append(Difference(obj.kind, obj.name, REMOVED, _prefixed("-", obj)))
        elif before.text != after.text:
            # A column added last moves the comma onto the line before it: not a difference worth showing.
            lines = [ln for ln in difflib.ndiff(_lines(before), _lines(after)) if ln[:1] in "+-"]
            out.append(Difference(obj.kind, obj.name, CHANGED, tuple(ln[0] + ln[2:] for ln in lines)))
    return tuple(out)


def _lines(obj: SchemaObject) -> list[str]:
    return [line.rstrip(",") for line in obj.text.splitlines()]


def _prefixed(sign: str, obj: SchemaObject) -> tuple[str, ...]:
    return tuple(sign + line for line in obj.text.splitlines())


def summary(differences: tuple[Difference, ...], *, limit: int = 5) -> str:
    """``table a changed, index a_idx added`` (the first ``limit``, then how many more)."""
    shown = [f"{d.title} {d.change}" for d in differences[:limit]]
    more = len(differences) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
