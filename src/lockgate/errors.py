"""The lockgate exception tree.

Every error lockgate raises on purpose is a :class:`LockgateError`. Each one
carries the facts it is about, a one-line ``message`` that starts with its
subject, a ``hint`` saying what to do next, and an ``exit_code`` the CLI uses::

    LockgateError                       exit 1 unless noted
    ├── ConfigError                     exit 2: bad lockgate.toml, env file, flags
    │   ├── UnknownComponentError       exit 2
    │   ├── UrlError                    exit 2: unknown scheme, malformed URL
    │   ├── BaselineVersionRequired     exit 2: baseline cannot know what is applied
    │   ├── LedgerSchemaMissing         exit 2: ledger_table names a schema that is not there
│   └── SchemaFileError             exit 2: schema.sql missing, unreadable or unwritable
    ├── MigrationFileError              exit 2: a migrations folder that breaks the naming rules
    │   └── MigrationContentError       exit 1: a file that cannot run (as a migration that fails)
    │       ├── EmptyMigrationError     an up file with no SQL
    │       └── DownNeedsNoTransaction  a down file that cannot run in the transaction it would get
    ├── DatabaseError                   driver trouble, translated in dialects/
    │   ├── ConnectionFailed            exit 1: server unreachable
    │   ├── AuthenticationFailed        exit 2: wrong user or password
    │   ├── LedgerAccessDenied          exit 2: the role may not read or write the ledger
    │   ├── ForeignLedgerError          exit 2: schema_migrations written by another tool
    │   │   └── ForeignVersionMissing   exit 2: it records a version that has no file
    │   ├── NonEmptyDatabaseError       exit 2: no ledger (or an empty one) beside existing tables
    │   └── WaitTimeout                 exit 1: `lockgate wait` gave up on the server
    ├── LockTimeout                     exit 1: another runner holds the migration lock
    ├── LedgerError                     exit 1: ledger and files disagree
    │   ├── ChecksumMismatch
    │   ├── MissingMigrationFile
    │   ├── OutOfOrderError
    │   ├── DirtyMigrationError
    │   ├── MissingDownError
    │   └── EmptyDownError              a dirty migration's down file has no SQL to undo it
    ├── MigrationFailed                 exit 1: a statement failed; rolled back or left dirty
    │   ├── LockRetriesExhausted        exit 1: its locks were not free within the retry bound
    │   └── BudgetExceeded              exit 1: the run's time budget ran out; the migration rolled back
    ├── LintFailed                      exit 1: `up` refused by the safety linter
    └── PreCheckFailed                  exit 1: a pre-check failed before `up`/`down` changed anything

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


class BaselineVersionRequired(ConfigError):
    """``baseline`` without a VERSION and without another tool's table to read it from."""

    def __init__(self) -> None:
        # No file is named: the newest file is often the pending one, and copying an
        # example would mark an unrun migration as applied.
        super().__init__(
            "Baseline needs a VERSION: the newest migration whose changes the database already has (0 if none).",
            hint=("Compare the files (lockgate status lists them) with the database's tables and columns, then run"
                  " `lockgate baseline VERSION --dry-run` to see what would be recorded."),
        )


class LedgerSchemaMissing(ConfigError):
    """``ledger_table`` is ``schema.name`` and that schema does not exist: a typo, most
    likely; lockgate does not create schemas."""

    def __init__(self, ledger: str, *, attached: bool = False) -> None:
        self.ledger = ledger
        self.schema = ledger.rpartition(".")[0]
        make = (f"ATTACH the database named {self.schema}" if attached else f"Create it first (CREATE SCHEMA"
                f" {self.schema})")
        super().__init__(f"Ledger {ledger}: schema {self.schema} does not exist; nothing was changed.",
                         hint=f"{make}, or fix ledger_table.")


class SchemaFileError(ConfigError):
    """``lockgate schema``'s file cannot be read (``check``) or written (``dump``)."""

    def __init__(self, path: Path, problem: str, *, hint: str) -> None:
        self.path = path
        super().__init__(f"Schema file {path}: {problem}.", hint=hint)


class MigrationFileError(LockgateError):
    """A file in the migrations folder breaks the naming or content rules."""

    exit_code = 2

    def __init__(self, message: str, *, paths: Sequence[Path] = (), line: int | None = None,
                 hint: str | None = None) -> None:
        self.paths = tuple(paths)
        self.line = line
        super().__init__(message, hint=hint)


class MigrationContentError(MigrationFileError):
    """A migration file whose content cannot run: no SQL, its own BEGIN/COMMIT, not UTF-8.

    Exit 1, the runbook's "migration failed": the folder is laid out right, the file is
    what must change. Found before anything runs, so nothing was applied or rolled back.
    """

    exit_code = 1


class DownNeedsNoTransaction(MigrationContentError):
    """A down file in a ``down`` range holds a statement that cannot run in a transaction
    (``DROP INDEX CONCURRENTLY``) beside others, without ``-- lockgate:no-transaction``."""

    def __init__(self, ident: str, path: Path, line: int, what: str) -> None:
        self.ident = ident
        self.what = what
        super().__init__(
            f"Migration {ident}: its down file {path.name} runs {what} (line {line}), which cannot run inside a"
            " transaction, but is not marked no-transaction; nothing was rolled back.",
            paths=[path], line=line,
            hint=f"Put `-- lockgate:no-transaction` at the top of {path.name} (or leave {what} alone in it), then"
                 " run lockgate down again.")


class EmptyMigrationError(MigrationContentError):
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


class LedgerAccessDenied(DatabaseError):
    """The database role lacks a privilege on the ledger tables (or their schema)."""

    exit_code = 2

    def __init__(self, role: str, ledger: str, server_says: str, grant: str) -> None:
        self.role = role
        self.ledger = ledger
        self.grant = grant
        super().__init__(f"Ledger {ledger}: role {role} is not allowed to use it ({server_says}); nothing was changed.",
                         hint=f"Ask the owner of {ledger} (or a superuser) to run: {grant}")


class ForeignLedgerError(DatabaseError):
    """Another tool's migration table: where lockgate's ledger should be, or (``ledger``
    given) beside lockgate's own ledger of another name while that has never been used."""

    exit_code = 2
    # The tools whose table baseline can read: one version (golang-migrate), one row per version (dbmate).
    ADOPTABLE = ("golang-migrate", "dbmate", "Flyway")

    def __init__(self, table: str, tool: str, version: str | None, *, dirty: bool = False,
                 ledger: str | None = None) -> None:
        self.table = table
        self.tool = tool
        self.version = version
        self.dirty = dirty
        self.ledger = ledger
        at = f" at version {version}" if version else ""
        state = ("" if not dirty else " (its last migration failed: success is false in its row)" if tool == "Flyway"
                 else " (its last migration is marked dirty: it did not finish)")
        if dirty and tool == "Flyway":  # Flyway's word is "failed"; on PostgreSQL its transaction rolled back
            hint = (f"Check what the failed migration {version} left, then adopt the database with"
                    " `lockgate baseline VERSION` (the newest migration really applied).")
        elif dirty:
            hint = (f"Finish or undo migration {version} by hand first, then adopt the database with"
                    f" `lockgate baseline VERSION` (the newest migration really applied).")
        elif tool == "Flyway":  # its table is not where lockgate's goes: nothing is renamed
            hint = (f"Adopt this database with `lockgate baseline` (preview with --dry-run): it records the versions"
                    f" Flyway applied successfully, and {table} stays as it is; then run lockgate up.")
        elif ledger is not None:
            hint = (f"Record what the database already has with `lockgate baseline VERSION` (preview with --dry-run;"
                    f" {table} stays {tool}'s), then run lockgate up; if none of these files is applied,"
                    " `lockgate baseline 0`.")
        elif tool not in self.ADOPTABLE:
            hint = ("lockgate cannot read that table: set ledger_table to another name (e.g. lockgate_migrations)"
                    " and run `lockgate baseline VERSION` there.")
        else:
            from .dialects.base import kept_name  # here: errors is what every other module imports

            # dbmate keeps one row per applied version: without a VERSION, baseline records exactly those.
            command = f"lockgate baseline {version}" if version and tool == "golang-migrate" else (
                "lockgate baseline" if version else "lockgate baseline VERSION")
            hint = (f"Adopt this database with `{command}` (preview with --dry-run; keeps the old table as"
                    f" {kept_name(table, tool)}), or set ledger_table to another name and baseline that.")
        if ledger is not None:
            message = (f"Ledger {ledger} has never been used, but table {table} was written by {tool}{at}{state};"
                       " nothing was changed.")
        else:
            message = f"Table {table} was written by {tool}{at}{state}, not lockgate; nothing was changed."
        super().__init__(message, hint=hint)


class ForeignVersionMissing(ForeignLedgerError):
    """The other tool's table records applied versions that have no migration file here."""

    def __init__(self, table: str, tool: str, versions: Sequence[str], migrations_dir: Path) -> None:
        self.table = table
        self.tool = tool
        self.versions = tuple(versions)
        self.version = self.versions[0]
        self.dirty = False
        self.ledger = None
        # Not ForeignLedgerError.__init__: the same facts, another message.
        DatabaseError.__init__(
            self,
            f"Table {table} ({tool}) records version {', '.join(self.versions)} as applied, but"
            f" {migrations_dir} has no file for it; nothing was changed.",
            hint=(f"Put its {tool} migration file in {migrations_dir} (or point --migrations-dir at {tool}'s folder),"
                  " then run lockgate baseline again."),
        )


class NonEmptyDatabaseError(DatabaseError):
    """``up`` found no ledger, or an empty one that has never applied or baselined
    anything, in a database that already holds tables (Flyway's rule for a non-empty
    schema without history): it would run every migration over what is there. A
    configuration matter like :class:`ForeignLedgerError`, hence exit 2."""

    exit_code = 2

    def __init__(self, ledger: str, tables: Sequence[str], count: int, *, ledgers: Sequence[str] = (),
                 missing: bool = True) -> None:
        self.ledger = ledger
        self.tables = tuple(tables)
        self.count = count
        self.ledgers = tuple(ledgers)
        more = f" and {count - len(self.tables)} more" if count > len(self.tables) else ""
        state = "does not exist yet" if missing else "is empty"
        ledger_note = f"; {self.ledgers[0]} is a lockgate ledger" if self.ledgers else ""
        what = f"{count} table{'s' if count != 1 else ''} ({', '.join(self.tables)}{more}{ledger_note})"
        message = f"Ledger {ledger} {state}, but the database already holds {what}; nothing was changed."
        hint = ("Record what the database already has with `lockgate baseline VERSION` (preview with --dry-run;"
                " `lockgate baseline 0` if none of these files is applied), or, if these tables are expected,"
                " run lockgate up --allow-non-empty (allow_non_empty = true).")
        if self.ledgers:
            hint = f"If {self.ledgers[0]} is this project's ledger, set ledger_table = \"{self.ledgers[0]}\". " + hint
        super().__init__(message, hint=hint)


class LockTimeout(LockgateError):
    def __init__(self, waited: float, holder: str) -> None:
        self.waited = waited
        self.holder = holder
        super().__init__(
            f"Migration lock: still held by {holder} after {waited:.0f}s; gave up.",
            hint="Wait for that run to finish, or raise --lock-wait.",
        )


class WaitTimeout(DatabaseError):
    """The database did not accept connections within the time ``lockgate wait`` was given."""

    exit_code = 1

    def __init__(self, waited: float, last: str) -> None:
        self.waited = waited
        super().__init__(f"Database did not accept connections within {waited:g}s ({last}).",
                         hint="Check that the server is starting and the URL's host and port are right, "
                              "or give it longer with --timeout.")


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
    def __init__(self, idents: Sequence[str], *, command: str = "up") -> None:
        self.idents = tuple(idents)
        done = {"up": "applied", "down": "rolled back"}.get(command, "changed")
        super().__init__(
            f"Migration {', '.join(idents)} is applied but its file is missing; nothing was {done}.",
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
    def __init__(self, idents: Sequence[str], *, recoverable: bool = True) -> None:
        # recoverable: every dirty migration has a down file with SQL in it. If not,
        # auto-recovery would refuse, so the hint must not send the user there.
        self.idents = tuple(idents)
        self.recoverable = recoverable
        auto = (" or run `lockgate up` without --no-auto-recover to run its down file" if recoverable else
                f" or write SQL that undoes them in {idents[0]}.down.sql and run `lockgate up` "
                "without --no-auto-recover")
        super().__init__(
            f"Found migrations in dirty state: {', '.join(idents)}; auto-recovery is off, nothing was applied.",
            ident=idents[0],
            hint=(f"Undo its partial changes by hand, then `lockgate repair {idents[0]} --clear-dirty` (keep it as applied)"
                  f" or `--delete` (run it again);{auto}."),
        )


class MissingDownError(LedgerError):
    def __init__(self, ident: str, *, dirty: bool = False) -> None:
        what = "No down migration found for dirty migration" if dirty else "No down migration found for migration"
        super().__init__(
            f"{what} {ident}; nothing was {'changed' if dirty else 'rolled back'}.",
            ident=ident,
            hint=(f"Write {ident}.down.sql, or undo its changes by hand and run `lockgate repair {ident} --delete`."),
        )


class EmptyDownError(LedgerError):
    """A dirty migration whose down file holds only comments: running it would undo
    nothing, and recovery would then apply the migration over what the failed run left."""

    def __init__(self, ident: str, path: Path, *, command: str = "up") -> None:
        self.path = path
        who, done = ("auto-recovery", "applied") if command == "up" else ("lockgate down", "rolled back")
        super().__init__(
            f"Migration {ident} is dirty and its down file {path.name} has no SQL, so {who} cannot undo"
            f" what the failed run left; nothing was {done}.",
            ident=ident,
            hint=(f"Write SQL in {path.name} that undoes the partial changes (for an index built CONCURRENTLY:"
                  " `DROP INDEX CONCURRENTLY IF EXISTS name;` in a down file marked `-- lockgate:no-transaction`)"
                  f" and run lockgate {command} again; or undo them by hand and run"
                  f" `lockgate repair {ident} --clear-dirty`"
                  " (keep it as applied) or `--delete` (run it again)."),
        )


class MigrationFailed(LockgateError):
    """A statement of a migration file failed.

    Its facts: where (``path``, ``line``, ``statement`` and its one-line ``snippet``),
    what the server said (``error``, ``sqlstate``), and what was left: the file ran
    in a transaction and was ``rolled_back``, or it left the migration dirty.
    ``kind`` is the run: ``up``, ``down``, or ``recover`` (``up`` running a dirty
    migration's down file). ``down`` says what that down file can do after a failed
    ``up``: ``sql``, ``empty`` (only comments) or ``missing``. ``leftover`` and
    ``undo``: what the dialect saw the failed statement leave behind (an INVALID
    index) and the SQL that removes it. ``cause``: ``lock_timeout`` or
    ``statement_timeout`` when a timeout lockgate set ended it (the SQL is not at
    fault), else None.
    """

    def __init__(self, ident: str, *, path: Path, line: int, statement: str, error: str,
                 rolled_back: bool, kind: str = "up", sqlstate: str | None = None, down: str = "sql",
                 leftover: str | None = None, undo: str | None = None, cause: str | None = None) -> None:
        self.cause = cause
        self.ident = ident
        self.path = path
        self.line = line
        # Its start is what anyone reads, and all the redaction must scan (a failing one-statement
        # seed file can be 50 MB); redacted past the cut, so a secret the cut splits is still seen whole.
        self.statement = (redact_text(statement) if len(statement) <= 2000 else
                          redact_text(statement[:8000])[:2000] + " ...")
        self.error = redact_text(error)
        self.rolled_back = rolled_back
        self.kind = kind
        self.sqlstate = sqlstate
        self.down = down
        self.leftover = leftover
        self.undo = undo
        snippet = " ".join(self.statement.split())
        if len(snippet) > 80:
            snippet = snippet[:77] + "..."
        self.snippet = snippet
        if not rolled_back:
            state = "left the migration dirty" + (f" and {leftover} behind" if leftover else "")
        else:
            state = {"up": "was rolled back", "down": "was rolled back and the migration stays applied",
                     "recover": "was rolled back and the migration stays dirty"}.get(kind, "was rolled back")
        where = f"at {path.name}:{line} ({snippet})" if line > 0 else f"in {path.name}"
        what = "recovery failed" if kind == "recover" else "failed"
        super().__init__(f"Migration {ident} {what} {where}: {self.error}; it {state}.",
                         hint=self._next_step())

    def replaced(self, **changes: object) -> "MigrationFailed":
        """The same failure with some facts changed, its message and hint rebuilt."""
        facts: dict[str, object] = dict(
            path=self.path, line=self.line, statement=self.statement, error=self.error,
            rolled_back=self.rolled_back, kind=self.kind, sqlstate=self.sqlstate, down=self.down,
            leftover=self.leftover, undo=self.undo, cause=self.cause)
        facts.update(changes)
        return MigrationFailed(self.ident, **facts)  # type: ignore[arg-type]

    def _next_step(self) -> str:
        ident, name = self.ident, self.path.name
        # 25001 active_sql_transaction: CREATE/DROP INDEX CONCURRENTLY, VACUUM, ... in a
        # transactional file. Each file says how it runs, a down file too.
        if self.rolled_back and self.sqlstate == "25001":
            fix = f"Put `-- lockgate:no-transaction` at the top of {name} (this statement cannot run in a transaction)"
        elif self.cause == "lock_timeout":
            fix = ("Wait for the sessions holding its locks to finish (lockgate monitor shows them), or raise "
                   f"the bound (--lock-timeout, or `-- lockgate:lock-timeout 5s` in {name}),")
        elif self.cause == "statement_timeout":
            fix = (f"Raise the bound (--statement-timeout, or `-- lockgate:statement-timeout 10m` in {name}) "
                   "or make the statement cheaper,")
        else:
            fix = f"Fix {name}" if self.kind != "up" else "Fix the SQL"
        if self.kind == "recover":
            return (f"{fix} and run lockgate up again to retry the recovery, or undo the partial changes by hand"
                    f" and run `lockgate repair {ident} --delete`.")
        if self.kind == "down":
            return (f"{fix} and run lockgate down again." if self.rolled_back else
                    f"{fix} and run lockgate down again (it runs the down file again), or undo the changes by hand"
                    f" and run `lockgate repair {ident} --delete`.")
        if self.rolled_back:
            return f"{fix} and run lockgate up again; nothing of it was recorded."
        undo = f" ({self.undo})" if self.undo else ""
        if self.down == "sql":
            return (f"Undo its partial changes{undo}, then `lockgate repair {ident} --delete` or run lockgate up"
                    " to auto-recover with its down file.")
        lack = "has no SQL" if self.down == "empty" else "is missing"
        return (f"Undo its partial changes by hand{undo}, then `lockgate repair {ident} --delete`. Auto-recovery"
                f" cannot: {ident}.down.sql {lack}; write the undo SQL there (under `-- lockgate:no-transaction`"
                " for CONCURRENTLY) to let lockgate up run it.")


class LockRetriesExhausted(MigrationFailed):
    """The migration's locks were never free within ``retry_for``: every attempt timed out
    waiting and was rolled back. ``blockers``: one-line descriptions of who held them."""

    def __init__(self, ident: str, *, path: Path, kind: str, attempts: int, waited: float, lock_timeout: float,
                 blockers: Sequence[str], error: str, statement: str = "", line: int = 0,
                 sqlstate: str | None = None) -> None:
        self.attempts = attempts
        self.waited = waited
        self.blockers = tuple(blockers)
        super().__init__(ident, path=path, line=line, statement=statement, error=error, rolled_back=True,
                         kind=kind, sqlstate=sqlstate, cause="lock_timeout")
        who = "; ".join(self.blockers) if self.blockers else "a session that ended before it could be seen"
        where = f" at {path.name}:{line} ({self.snippet})" if line > 0 else ""
        self.message = redact_text(
            f"Migration {ident}: the locks of its statement{where} were not free in {waited:.1f}s ({attempts} attempt(s), "
            f"lock_timeout {lock_timeout:g}s each); blocked by {who}; nothing of it was applied.")
        self.args = (self.message,)
        self.hint = ("Wait for the blocking session to finish and run lockgate up again, raise the bound "
                     f"(--retry-for 5m, or `-- lockgate:retry-for 5m` in {path.name}), or pass --cancel-blockers "
                     "to cancel sessions that hold it.")


class BudgetExceeded(MigrationFailed):
    """The run's ``time_budget`` was spent: the running migration was cancelled and rolled back."""

    def __init__(self, ident: str, *, path: Path, kind: str, budget: float, applied: Sequence[str],
                 error: str = "time budget spent", statement: str = "", line: int = 0) -> None:
        self.budget = budget
        self.applied = tuple(applied)
        super().__init__(ident, path=path, line=line, statement=statement, error=error, rolled_back=True,
                         kind=kind, cause="budget")
        done = (f"{len(self.applied)} migration(s) before it stay applied ({', '.join(self.applied)})"
                if self.applied else "nothing was applied in this run")
        where = f" at {path.name}:{line} ({self.snippet})" if line > 0 else ""
        self.message = redact_text(f"Migration {ident}: the run's time budget of {budget:g}s ran out{where}; it "
                                   f"was cancelled and rolled back; {done}.")
        self.args = (self.message,)
        self.hint = ("Run lockgate up again to go on, or raise the budget (--time-budget 30m, time_budget in "
                     "lockgate.toml).")


class LintFailed(LockgateError):
    def __init__(self, count: int, first: str) -> None:
        self.count = count
        super().__init__(
            f"Lint: {count} error-level finding(s) in pending migrations ({first}); nothing was applied.",
            hint="Run `lockgate lint --pending` for the safe alternatives, suppress with `-- lockgate:ignore RULE reason`, or pass --skip-lint.",
        )


class PreCheckFailed(LockgateError):
    """A pre-check (connections, long queries, lock waits, replication lag...) failed; nothing ran."""

    def __init__(self, failed: Sequence[tuple[str, str]], *, command: str = "up") -> None:
        self.failed = tuple(failed)
        self.command = command
        what = "; ".join(f"{name}: {message}" for name, message in self.failed)
        nothing = "nothing was rolled back" if command == "down" else "nothing was applied"
        first = self.failed[0][0] if self.failed else "NAME"
        super().__init__(
            f"Pre-check failed: {what}; {nothing}.",
            hint=f"Resolve it and run lockgate {command} again (lockgate check shows every figure), or skip that "
                 f"check with --skip-check {first} (recorded in history).",
        )
