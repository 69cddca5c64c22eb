"""parse-error: PostgreSQL's parser rejects part of the file.

The finding carries the line and column the parser points at; the rest of the file
is still split at statement boundaries and linted.

Unsafe::

    CREATE TABLE orders (id bigint PRIMARY KEY,);

Safe: valid SQL. psql meta-commands (``\\i``, ``\\set``) are not SQL either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext


class ParseError(Rule):
    id = "parse-error"
    severity = Severity.ERROR
    summary = "The SQL does not parse"
    safe = "Fix the syntax at that line (the server would reject it too)."

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        for problem in ctx.source.problems:
            text = (problem.message.splitlines() or ["syntax error"])[0].strip().rstrip(".")
            yield Hit(f"PostgreSQL cannot parse this: {text}.", line=problem.line, column=problem.column)
