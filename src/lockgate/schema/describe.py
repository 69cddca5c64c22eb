"""The live schema as frozen values: one :class:`SchemaObject` per table, index, view...

>>> s = Schema("SQLite", (SchemaObject("index", "b_idx", "CREATE INDEX b_idx ON b (x);"),
...                      SchemaObject("table", "a", "CREATE TABLE a (...);")))
>>> [o.key for o in s.sorted().objects]
[('table', 'a'), ('index', 'b_idx')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..dialects.base import Adapter

# The order of a dump: what others depend on first (a table's column uses an enum, an index a table).
KINDS = ("enum", "sequence", "table", "view", "materialized view", "index", "function", "trigger")


@dataclass(frozen=True)
class SchemaObject:
    kind: str  # one of KINDS
    name: str  # schema-qualified on PostgreSQL (public.users), bare on SQLite
    text: str  # its normalised definition, ending in ';' (possibly followed by a comment line)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    @property
    def title(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Schema:
    engine: str  # "PostgreSQL", "SQLite"
    objects: tuple[SchemaObject, ...]

    def sorted(self) -> "Schema":
        rank = {k: i for i, k in enumerate(KINDS)}
        return Schema(self.engine, tuple(sorted(self.objects, key=lambda o: (rank.get(o.kind, len(KINDS)), o.name))))

    def by_key(self) -> dict[tuple[str, str], SchemaObject]:
        return {o.key: o for o in self.objects}


def describe(adapter: "Adapter") -> Schema:
    """Read every user object of the database through ``adapter``, lockgate's own tables left out."""
    objects = tuple(SchemaObject(kind, name, "\n".join(line.rstrip() for line in text.strip().splitlines()))
                    for kind, name, text in adapter.schema_objects())
    return Schema(adapter.title, objects).sorted()
