"""The ``-- lockgate:`` directives a migration file's comments hold, and the unknown ones.

A directive is read in any case and with or without a space after the colon, so
``-- LOCKGATE: lock-timeout 3s`` is ``-- lockgate:lock-timeout 3s``. A word lockgate
does not know (``-- lockgate:lock-timout 3s``) is never skipped: ``up``, ``down``,
``plan`` and ``check`` refuse the file naming the closest known directive, and
``lockgate lint`` reports it (rule ``unknown-directive``), as a mistyped lockgate.toml
key is refused.

>>> directive("LOCKGATE: Lock-Timeout 3s")
('lockgate:lock-timeout', '3s')
>>> [(u.line, u.written, u.closest) for u in unknown_directives([(2, "lockgate:lock-timout 3s")])]
[(2, 'lockgate:lock-timout', 'lockgate:lock-timeout')]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

_PREFIX = "lockgate:"

#: Every directive lockgate reads. A new one goes here, or files that use it are refused.
KNOWN = ("lockgate:no-transaction", "lockgate:lock-timeout", "lockgate:statement-timeout", "lockgate:retry-for",
         "lockgate:ignore", "lockgate:ignore-file")


def directive(body: str) -> tuple[str, str] | None:
    """A comment's words (after ``--``) as (``lockgate:word``, the rest); None when they are no
    lockgate directive."""
    body = body.strip()
    if body[:len(_PREFIX)].lower() != _PREFIX:
        return None
    word, *rest = body[len(_PREFIX):].split(None, 1) or [""]
    return _PREFIX + word.lower(), rest[0].strip() if rest else ""


def header_comments(text: str) -> Iterator[tuple[int, str]]:
    """(line number, words after ``--``) of the file's leading comment block."""
    start, number = 0, 1
    while start < len(text):  # line by line from the top: a 50 MB seed file is never split whole
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        stripped = text[start:end].strip()
        if stripped and not stripped.startswith("--"):
            return
        if stripped:
            yield number, stripped[2:]
        start, number = end + 1, number + 1


@dataclass(frozen=True)
class UnknownDirective:
    line: int
    written: str  # as read: ``lockgate:lock-timout``
    closest: str | None  # the known directive it is nearest to

    def message(self, where: str) -> str:
        close = f"; did you mean `-- {self.closest}`?" if self.closest else ""
        return f"{where}:{self.line}: unknown directive `-- {self.written}`{close}"


def unknown_directives(comments: Iterable[tuple[int, str]]) -> list[UnknownDirective]:
    """The ``lockgate:`` words among (line, comment words) that are not directives lockgate knows."""
    import difflib

    found = []
    for line, body in comments:
        d = directive(body)
        if d is not None and d[0] not in KNOWN:
            close = difflib.get_close_matches(d[0], KNOWN, n=1, cutoff=0.6)
            found.append(UnknownDirective(line, d[0], close[0] if close else None))
    return found


def check_directives(text: str, path: Path) -> None:
    """Refuse (:class:`~lockgate.errors.ConfigError`, exit 2) a file whose header holds a
    ``-- lockgate:`` word that is not a known directive: its setting would be dropped."""
    unknown = unknown_directives(header_comments(text))
    if unknown:
        from .errors import ConfigError

        u = unknown[0]
        raise ConfigError(f"Migration {u.message(path.name)}.",
                          hint=f"Fix the directive in {path.name} (known: "
                               f"{', '.join('-- ' + k for k in KNOWN)}); nothing was changed.")
