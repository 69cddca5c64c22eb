"""The lockgate exception tree.

Every error lockgate raises on purpose is a :class:`LockgateError`. Each one
carries the facts it is about, a one-line ``message`` that starts with its
subject, a ``hint`` saying what to do next, and an ``exit_code`` the CLI uses::

    LockgateError                       exit 1 unless noted
    ├── ConfigError                     exit 2: bad lockgate.toml, env file, flags
    │   ├── UnknownComponentError       exit 2
    │   └── UrlError                    exit 2: unknown scheme, malformed URL
    ├── MigrationFileError              exit 2: a migrations folder that breaks the rules
    │   └── EmptyMigrationError         exit 2
    ├── DatabaseError                   driver trouble, translated in dialects/
    │   ├── ConnectionFailed            exit 1: server unreachable
    │   ├── AuthenticationFailed        exit 2: wrong user or password
    │   └── ForeignLedgerError          exit 2: schema_migrations written by another tool
    ├── LockTimeout                     exit 1: another runner holds the migration lock
    ├── LedgerError                     exit 1: ledger and files disagree
    │   ├── ChecksumMismatch
    │   ├── MissingMigrationFile
    │   ├── OutOfOrderError
    │   ├── DirtyMigrationError
    │   └── MissingDownError
    ├── MigrationFailed                 exit 1: a statement failed; rolled back
    └── LintFailed                      exit 1: `up` refused by the safety linter

Messages never contain secrets: every message passes through
:func:`lockgate.redact.redact_text` when it is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .redact import redact_text


class LockgateError(Exception):
    """Base class. ``str(err)`` is the one-line message followed by its hint."""

    exit_code: int = 1
    default_hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = redact_text(message)
        self.hint = redact_text(hint if hint is not None else self.default_hint)
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        stop = "" if self.message.endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{stop} {self.hint}"

    def to_dict(self) -> dict[str, object]:
        return {"error": type(self).__name__, "message": self.message, "hint": self.hint,
                "exit_code": self.exit_code}


class ConfigError(LockgateError):
    exit_code = 2


class UnknownComponentError(ConfigError):
    def __init__(self, name: str, known: Sequence[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=1)
        guess = f" Did you mean {close[0]!r}?" if close else ""
        self.component = name
        super().__init__(
            f"Component {name!r} is not configured.{guess}",
            hint=f"Known components: {', '.join(known) or '(none)'}; declare it under [components.{name}] in lockgate.toml.",
        )


class UrlError(ConfigError):
    pass


class MigrationFileError(LockgateError):
    """A file in the migrations folder breaks the naming or content rules."""

    exit_code = 2

    def __init__(self, message: str, *, paths: Sequence[Path] = (), line: int | None = None,
                 hint: str | None = None) -> None:
        self.paths = tuple(paths)
        self.line = line
        super().__init__(message, hint=hint)


class EmptyMigrationError(MigrationFileError):
    def __init__(self, ident: str, path: Path) -> None:
        self.ident = ident
        super().__init__(f"Migration {ident} is empty", paths=[path],
                         hint="Add SQL statements to it or delete its files.")


class DatabaseError(LockgateError):
    pass


class ConnectionFailed(DatabaseError):
    default_hint = "Check that the server is running and the host and port in the database URL are right."


class AuthenticationFailed(DatabaseError):
    exit_code = 2
    default_hint = "Check the user name and password in the database URL (or its ${VAR} in lockgate.toml)."


class ForeignLedgerError(DatabaseError):
    exit_code = 2

    def __init__(self, table: str, tool: str, version: str | None, *, dirty: bool = False) -> None:
        self.table = table
        self.tool = tool
        self.version = version
        self.dirty = dirty
        at = f" at version {version}" if version else ""
        state = " (its last migration is marked dirty: it did not finish)" if dirty else ""
        if dirty:
            hint = (f"Finish or undo migration {version} by hand first, then adopt the database with"
                    f" `lockgate baseline VERSION` (the newest migration really applied).")
        else:
            hint = (f"Adopt this database with `lockgate baseline{' ' + version if version else ' VERSION'}`"
                    f" (keeps the old table as {table.rpartition('.')[2]}_{tool.replace('-', '_')}), or set"
                    " ledger_table to another name and baseline that.")
        super().__init__(f"Table {table} was written by {tool}{at}{state}, not lockgate; nothing was changed.",
                         hint=hint)


class LockTimeout(LockgateError):
    def __init__(self, waited: float, holder: str) -> None:
        self.waited = waited
        self.holder = holder
        super().__init__(
            f"Migration lock: still held by {holder} after {waited:.0f}s; gave up.",
            hint="Wait for that run to finish, or raise --lock-wait.",
        )


class LedgerError(LockgateError):
    def __init__(self, message: str, *, ident: str | None = None, hint: str | None = None) -> None:
        self.ident = ident
        super().__init__(message, hint=hint)


class ChecksumMismatch(LedgerError):
    def __init__(self, ident: str, recorded: str, actual: str) -> None:
        self.recorded = recorded
        self.actual = actual
        super().__init__(
            f"Migration {ident} checksum mismatch (file changed after it was applied: recorded {recorded[:12]}, file {actual[:12]}); nothing was applied.",
            ident=ident,
            hint=(f"Restore the file from git (git log -- '*{ident}.up.sql'), or put the change in a new migration;"
                  f" if the edit is harmless run `lockgate repair {ident} --accept-checksum`."),
        )


class MissingMigrationFile(LedgerError):
    def __init__(self, idents: Sequence[str]) -> None:
        self.idents = tuple(idents)
        super().__init__(
            f"Migration {', '.join(idents)} is applied but its file is missing; nothing was applied.",
            ident=idents[0],
            hint=f"Restore the file, or forget it with `lockgate repair {idents[0]} --delete`.",
        )


class OutOfOrderError(LedgerError):
    def __init__(self, idents: Sequence[str], newest: str) -> None:
        self.idents = tuple(idents)
        super().__init__(
            f"Migration {', '.join(idents)} is pending but older than the newest applied migration {newest}; nothing was applied.",
            ident=idents[0],
            hint="Renumber it after the newest, or apply it anyway with --allow-out-of-order.",
        )


class DirtyMigrationError(LedgerError):
    def __init__(self, idents: Sequence[str]) -> None:
        self.idents = tuple(idents)
        super().__init__(
            f"Found migrations in dirty state: {', '.join(idents)}; auto-recovery is off, nothing was applied.",
            ident=idents[0],
            hint=(f"Undo its partial changes by hand, then `lockgate repair {idents[0]} --clear-dirty` (keep it as applied)"
                  f" or `--delete` (run it again); or run `lockgate up` without --no-auto-recover to run its down file."),
        )


class MissingDownError(LedgerError):
    def __init__(self, ident: str, *, dirty: bool = False) -> None:
        what = "No down migration found for dirty migration" if dirty else "No down migration found for migration"
        super().__init__(
            f"{what} {ident}; nothing was changed.",
            ident=ident,
            hint=(f"Write {ident}.down.sql, or undo its changes by hand and run `lockgate repair {ident} --delete`."),
        )


class MigrationFailed(LockgateError):
    def __init__(self, ident: str, *, path: Path, line: int, statement: str, error: str,
                 rolled_back: bool) -> None:
        self.ident = ident
        self.path = path
        self.line = line
        self.statement = redact_text(statement)
        self.error = redact_text(error)
        self.rolled_back = rolled_back
        snippet = " ".join(self.statement.split())
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        state = "was rolled back" if rolled_back else "left the migration dirty"
        where = f"at {path.name}:{line} ({snippet})" if line > 0 else f"in {path.name}"
        super().__init__(
            f"Migration {ident} failed {where}: {self.error}; it {state}.",
            hint=("Fix the SQL and run lockgate up again; nothing of it was recorded." if rolled_back else
                  f"Undo its partial changes, then `lockgate repair {ident} --delete` or run lockgate up to auto-recover with its down file."),
        )


class LintFailed(LockgateError):
    def __init__(self, count: int, first: str) -> None:
        self.count = count
        super().__init__(
            f"Lint: {count} error-level finding(s) in pending migrations ({first}); nothing was applied.",
            hint="Run `lockgate lint --pending` for the safe alternatives, suppress with `-- lockgate:ignore RULE reason`, or pass --skip-lint.",
        )
