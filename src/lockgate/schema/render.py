"""The schema's text: what ``schema.sql`` holds, and reading it back.

Each object is preceded by a marker line naming it (``-- lockgate: table public.users``),
which is how :func:`parse` finds the objects again; nothing in the text depends on the
time or the connection, so the same database renders byte-identically twice.

>>> from .describe import Schema, SchemaObject
>>> text = render(Schema("SQLite", (SchemaObject("table", "a", 'CREATE TABLE "a" (\\n    "id" INTEGER\\n);'),)))
>>> parse(text) == Schema("SQLite", (SchemaObject("table", "a", 'CREATE TABLE "a" (\\n    "id" INTEGER\\n);'),))
True
"""

from __future__ import annotations

from .describe import KINDS, Schema, SchemaObject

MARKER = "-- lockgate: "
_HEADER = ("-- Schema of a {engine} database, written by `lockgate schema dump`; do not edit.\n"
           "-- `lockgate schema check` compares the database with this file (lockgate's own tables left out).\n")


def render(schema: Schema) -> str:
    parts = [_HEADER.format(engine=schema.engine)]
    for obj in schema.sorted().objects:
        parts.append(f"\n{MARKER}{obj.kind} {obj.name}\n{obj.text}\n")
    return "".join(parts)


def parse(text: str) -> Schema:
    """The objects of a rendered text (the inverse of :func:`render`); lines before the first marker are its header."""
    engine = ""
    first = text.split("\n", 1)[0]
    if first.startswith("-- Schema of a ") and " database" in first:
        engine = first[len("-- Schema of a "):first.index(" database")]
    objects: list[SchemaObject] = []
    current: tuple[str, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            objects.append(SchemaObject(current[0], current[1], "\n".join(body).strip("\n")))

    for line in text.splitlines():
        found = _marker(line)
        if found is not None:
            close()
            current, body = found, []
        elif current is not None:
            body.append(line)
    close()
    return Schema(engine, tuple(objects))


def _marker(line: str) -> tuple[str, str] | None:
    if not line.startswith(MARKER):
        return None
    rest = line[len(MARKER):]
    for kind in sorted(KINDS, key=len, reverse=True):  # "materialized view" before "view"
        if rest.startswith(kind + " "):
            return kind, rest[len(kind) + 1:]
    return None
