"""Post-checks after ``up`` and ``down``: row counts before and after, and ``.check.sql`` files.

Row counts: every table the run's files write to (from the parse: a lock of ROW
EXCLUSIVE or stronger, tables created or dropped included) is counted before the first
migration and after the last, each time outside the migrations' transactions. A table
the planner estimates below ``[post_checks] exact_count_below`` rows (default 100,000)
gets an exact ``count(*)``; a larger one the planner's estimate, labelled so (it moves
only once the table is analysed again). A table never analysed is counted when it is
small on disk, else its count is unknown (:func:`count_method`).

Check files: ``0002_add_note.check.sql`` beside ``0002_add_note.up.sql`` is a query that
must return no rows, or one row holding true, once the migration is applied. It runs
after the run's last migration, in a transaction that is rolled back (a check changes
nothing). A check that fails (rows, false, an error) makes the run fail (exit 1) with the
``lockgate down`` that undoes it; a check file that cannot be read stops ``up`` before
anything runs (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from ..errors import ConfigError, LockgateError, MigrationFileError
from .locks import ROW_EXCLUSIVE, relation_display, relation_locks, strength

if TYPE_CHECKING:
    from ..dialects.base import Adapter, TableSize
    from ..run import Run

DEFAULT_EXACT_BELOW = 100_000
_UNANALYSED_EXACT_BYTES = 64 * 1024 * 1024  # a never-analysed table this small on disk is counted exactly
_SHOWN_ROWS = 3


@dataclass(frozen=True)
class PostCheckOptions:
    """``[post_checks]`` in lockgate.toml."""

    enabled: bool = True
    exact_count_below: int = DEFAULT_EXACT_BELOW

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> PostCheckOptions:
        table = dict(table or {})
        unknown = sorted(set(table) - {"enabled", "exact_count_below"})
        if unknown:
            raise ConfigError(f"Unknown setting post_checks.{unknown[0]}.",
                              hint="[post_checks] takes enabled and exact_count_below.")
        enabled = table.get("enabled", True)
        below = table.get("exact_count_below", DEFAULT_EXACT_BELOW)
        if not isinstance(enabled, bool):
            raise ConfigError(f"Setting post_checks.enabled must be true or false, not {enabled!r}.")
        if isinstance(below, bool) or not isinstance(below, int) or below < 0:
            raise ConfigError(f"Setting post_checks.exact_count_below must be a whole number of rows (0 or more), "
                              f"not {below!r}.", hint="Example: exact_count_below = 100000")
        return cls(enabled, below)


def count_method(size: TableSize | None, exact_below: int) -> str:
    """How to count a table: ``exact``, ``estimate`` (the planner's), ``unknown`` or ``absent`` (no such table).

    >>> from lockgate.dialects.base import TableSize
    >>> count_method(TableSize("public", "t", 5, 8192, "estimate"), 100_000)
    'exact'
    >>> count_method(TableSize("public", "t", 10**7, 10**9, "estimate"), 100_000)
    'estimate'
    """
    if size is None:
        return "absent"
    if size.source in ("exact", "empty"):
        return "exact"
    if size.rows is None:  # never analysed: only the size on disk is known
        return "exact" if (size.bytes or 0) < _UNANALYSED_EXACT_BYTES else "unknown"
    return "exact" if size.rows < exact_below else "estimate"


@dataclass(frozen=True)
class TableCount:
    relation: str
    before: int | None  # None: the table did not exist (or its count is unknown, see method)
    after: int | None
    method_before: str  # exact, estimate, unknown, absent
    method_after: str

    @property
    def delta(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def label(self) -> str:
        """``exact``, ``estimate``, ``new`` (created by the run), ``dropped``, ``unknown``."""
        if self.method_before == "absent":
            return "new"
        if self.method_after == "absent":
            return "dropped"
        methods = {self.method_before, self.method_after}
        return "unknown" if "unknown" in methods else "estimate" if "estimate" in methods else "exact"

    def to_dict(self) -> dict[str, object]:
        return {"relation": self.relation, "before": self.before, "after": self.after, "delta": self.delta,
                "counted": self.label}


@dataclass(frozen=True)
class CheckResult:
    version: str
    file: str
    passed: bool
    rows: tuple[tuple[Any, ...], ...] = ()  # the first rows returned, when it failed
    row_count: int = 0
    error: str | None = None

    @property
    def reason(self) -> str:
        if self.error:
            return f"its query failed: {self.error}"
        if self.row_count == 1 and len(self.rows[0]) == 1 and (self.rows[0][0] is None or _false(self.rows[0][0])):
            return f"it returned {'NULL' if self.rows[0][0] is None else 'false'} (wanted no rows, or true)"
        shown = ", ".join(str(r) for r in self.rows)
        return f"it returned {self.row_count} row(s): {shown}" + (", ..." if self.row_count > len(self.rows) else "")

    def to_dict(self) -> dict[str, object]:
        return {"version": self.version, "file": self.file, "passed": self.passed,
                "rows": [[str(v) for v in r] for r in self.rows], "row_count": self.row_count,
                "error": self.error}


@dataclass(frozen=True)
class PostChecks:
    counts: tuple[TableCount, ...] = ()
    checks: tuple[CheckResult, ...] = ()

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, object]:
        return {"row_counts": [c.to_dict() for c in self.counts], "checks": [c.to_dict() for c in self.checks],
                "failed": len(self.failed)}


class PostCheckFailed(LockgateError):
    """A ``.check.sql`` found the applied migration wrong; the run is reported failed (exit 1)."""

    def __init__(self, failed: CheckResult, *, steps: int, undo: list[str], report: Any) -> None:
        self.failed = failed
        self.report = report
        super().__init__(
            f"Post-check {Path(failed.file).name} failed: {failed.reason}; {failed.version} is applied.",
            hint=f"Inspect it; to undo, run lockgate down --steps {steps} (rolls back {', '.join(undo)}).")

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "report": self.report.to_dict() if self.report is not None else None}


# -- the steps ------------------------------------------------------------------------------
def count_before(run: Run) -> None:
    """Before the apply step: read every check file (exit 2 if one cannot be) and count the tables."""
    if run.options.dry_run or run.options.rehearse or not run.plans:
        return
    options = PostCheckOptions.from_config(run.settings.post_checks)
    if not options.enabled:
        return
    if run.options.direction.value == "up":
        run.check_files = [(p.migration.ident, path, _read_check(path)) for p in run.plans
                           if (path := check_path(p.migration.up.path, p.migration.ident)) is not None]
    run.counts_before = _counts(run.session.adapter, _written_tables(run), options.exact_count_below)


def post_check(run: Run) -> None:
    """After the apply step: count again, run the check files; a failing check raises :class:`PostCheckFailed`."""
    if run.counts_before is None:
        return
    options = PostCheckOptions.from_config(run.settings.post_checks)
    a = run.session.adapter
    after = _counts(a, list(run.counts_before), options.exact_count_below)
    counts = [TableCount(relation_display(*table), before, after[table][0], method_before, after[table][1])
              for table, (before, method_before) in run.counts_before.items()]
    results = tuple(_run_check(a, ident, path, sql) for ident, path, sql in run.check_files)
    run.post_checks = PostChecks(tuple(counts), results)
    s = run.session
    # The failure itself is the run's error; the event is the record (row counts, every check).
    s.emit("post_checks", "Post-checks", row_counts=[c.to_dict() for c in counts],
           checks=[c.to_dict() for c in results], failed=len(run.post_checks.failed))
    failed = run.post_checks.failed
    if failed:
        applied = [r.ident for r in run.results if r.direction.value == "up"]
        first = failed[0]
        undo = list(reversed(applied[applied.index(first.version):])) if first.version in applied else [first.version]
        raise PostCheckFailed(first, steps=len(undo), undo=undo, report=run.report())


def check_path(up: Path, ident: str) -> Path | None:
    """``{ident}.check.sql`` beside the migration's up file, if there is one (discovery pairs them)."""
    from ..discovery import CHECK_SUFFIX

    path = up.with_name(ident + CHECK_SUFFIX)
    return path if path.exists() or path.is_symlink() else None


def _read_check(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise MigrationFileError(f"Check file {path.name} cannot be read ({why}); nothing was applied.",
                                 paths=[path], hint="Fix its permissions or encoding (UTF-8), or remove it.") from None
    if not text.strip():
        raise MigrationFileError(f"Check file {path.name} is empty; nothing was applied.", paths=[path],
                                 hint="Write a query that returns no rows (or one true) when the migration is right.")
    return text


def _written_tables(run: Run) -> list[tuple[str | None, str]]:
    """(schema, name) of the tables the run's files write to, in the order they appear."""
    down = run.options.direction.value == "down"
    seen: dict[tuple[str | None, str], None] = {}
    for p in run.plans:
        f = p.migration.down if down else p.migration.up
        if f is None:
            continue
        for st in relation_locks(f.text):
            for lk in st.locks:
                if lk.kind == "table" and strength(lk.mode) >= strength(ROW_EXCLUSIVE):
                    seen.setdefault((lk.schema, lk.name), None)
    return list(seen)


def _counts(a: Adapter, tables: list[tuple[str | None, str]],
            exact_below: int) -> dict[tuple[str | None, str], tuple[int | None, str]]:
    """Each table's rows and how they were known, in two round trips for all of them."""
    sizes = a.table_sizes(tables)
    methods = {t: count_method(sizes.get(t), exact_below) for t in tables}
    exact = a.row_counts([t for t in tables if methods[t] == "exact"])
    out: dict[tuple[str | None, str], tuple[int | None, str]] = {}
    for t in tables:
        size = sizes.get(t)
        rows = exact.get(t) if methods[t] == "exact" else size.rows if methods[t] == "estimate" and size else None
        out[t] = (rows, methods[t])
    return out


def _run_check(a: Adapter, ident: str, path: Path, sql: str) -> CheckResult:
    """The check's statements in a transaction that is rolled back; the last one's rows decide."""
    rows: list[tuple[Any, ...]] = []
    a.begin()
    try:
        for st in a.split(sql):
            rows = a.query(st.sql)
    except Exception as exc:
        if not a.is_driver_error(exc):
            raise
        return CheckResult(ident, str(path), False, error=a.describe_error(exc))
    finally:
        a.rollback()
        a.reset_session()
    passed = not rows or (len(rows) == 1 and len(rows[0]) == 1 and _true(rows[0][0]))
    return CheckResult(ident, str(path), passed, () if passed else tuple(rows[:_SHOWN_ROWS]), len(rows))


def _true(value: Any) -> bool:
    # SQLite has no boolean type: its true is the integer 1, its false 0.
    return value is True or (type(value) is int and value == 1)


def _false(value: Any) -> bool:
    return value is False or (type(value) is int and value == 0)
