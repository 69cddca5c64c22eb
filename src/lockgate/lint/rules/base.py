"""The shape of a rule: an id, a default severity, the safe way, and checks that yield :class:`Hit`.

A rule looks at the statements whose node kind it lists in ``kinds`` (``check``)
and, if it needs the whole file, at the end (``check_file``). It reads the
:class:`~lockgate.lint.context.FileContext` as it was *before* the statement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Iterable, NamedTuple

from ..finding import Severity
from ..nodes import TableRef

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt


class Hit(NamedTuple):
    """What a rule found; the engine turns it into a Finding (severity, suppression, position)."""

    message: str
    stmt: Stmt | None = None  # None: the file as a whole (line 1)
    table: TableRef | None = None  # the table whose lock is at stake, for the small-table downgrade
    safe: str | None = None  # overrides the rule's generic safe way
    destructive: bool | None = None  # overrides the rule's flag (contract-phase-ok suppresses destructive hits)
    severity: Severity | None = None  # a weaker default for this case; config still wins
    line: int | None = None  # a position of its own (parse errors); else the statement's
    column: int | None = None
    lock_related: bool | None = None  # overrides the rule's flag (an UPDATE's row locks, not a DELETE's data loss)


class Rule:
    """Base class. Subclasses set the class attributes and override one or both checks."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]  # one line: what is wrong
    safe: ClassVar[str]  # one or two lines: the safe way (strong_migrations style)
    kinds: ClassVar[frozenset[str]] = frozenset()
    lock_related: ClassVar[bool] = False  # drops to a warning on tables a live database says are small
    destructive: ClassVar[bool] = False  # allowed by the -- contract-phase-ok tag

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterable[Hit]:
        return ()

    def check_file(self, ctx: FileContext) -> Iterable[Hit]:
        return ()

    def __repr__(self) -> str:
        return f"<rule {self.id}>"
