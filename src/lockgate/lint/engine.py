"""Run the rules over files: parse, walk the statements in order, turn hits into findings.

>>> from lockgate.lint.options import LintOptions
>>> report = lint_text("CREATE INDEX idx_users_email ON users (email);", LintOptions())
>>> [f.rule for f in report.findings]
['index-not-concurrent', 'missing-lock-timeout', 'non-idempotent']
>>> report.exit_code()
1
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from ..errors import ConfigError
from .context import FileContext, SchemaState
from .directives import Directives, Ignore, read_directives
from .finding import Finding, Severity, Suppression
from .options import DEFAULT_PG_VERSION, LintOptions
from .report import FileResult, LintReport
from .rules import RULES, Hit, Rule
from .source import parse_source, read_text

if TYPE_CHECKING:
    from ..model import Migration
    from .catalog import LiveCatalog


def lint_migrations(migrations: Sequence[Migration], options: LintOptions, *, live: LiveCatalog | None = None,
                    cumulative: bool = False, jobs: int | None = None) -> LintReport:
    """Lint the up files of ``migrations``, in the order given.

    ``cumulative=True`` (``lockgate up`` on its pending list): a table created by an
    earlier migration of the sequence is new for the later ones. With ``live``, a
    table the database does not have is new too, and lock findings on tables it
    estimates below ``options.small_table_rows`` rows drop to warnings. ``jobs``:
    worker processes for long runs (None: automatic; see :mod:`.parallel`).
    """
    # down_path, not down: the down file is read lazily and the question is only whether it exists.
    work = [FileJob(m.up.path, m.ident, m.up.text, m.up.no_transaction, m.down_path is not None)
            for m in migrations]
    return _execute(work, options, live, cumulative, jobs)


def lint_paths(paths: Sequence[Path], options: LintOptions, *, live: LiveCatalog | None = None,
               cumulative: bool = False, jobs: int | None = None) -> LintReport:
    """Lint .sql files and folders (searched recursively; ``*.down.sql`` files are rollbacks and skipped).

    A ``{version}_{name}.up.sql`` file is checked for its ``.down.sql``; the header
    directive ``-- lockgate:no-transaction`` is read from the file itself.
    """
    files, downs = _collect(paths)
    work = []
    for path in files:
        name = path.name
        has_down: bool | None = None
        ident = name.removesuffix(".sql")
        if name.endswith(".up.sql"):
            ident = name[: -len(".up.sql")]
            down = os.path.join(os.path.dirname(str(path)), ident + ".down.sql")
            has_down = down in downs or os.path.exists(down)
        work.append(FileJob(path, ident, None, None, has_down))
    return _execute(work, options, live, cumulative, jobs)


def lint_text(text: str, options: LintOptions, *, path: Path | str = "<sql>", no_transaction: bool | None = None,
              live: LiveCatalog | None = None) -> LintReport:
    """Lint one SQL text (tests, editors, :func:`~lockgate.lint.classify.classify`)."""
    return _execute([FileJob(Path(path), Path(path).name, text, no_transaction, None)], options, live, False, 1)


class FileJob(NamedTuple):
    """One file to lint: its text (None: read it from ``path``) and what the caller knows about it."""

    path: Path
    ident: str
    text: str | None
    no_transaction: bool | None  # None: read the header directive from the file
    has_down: bool | None  # None: not a versioned migration


def _execute(work: list[FileJob], options: LintOptions, live: LiveCatalog | None, cumulative: bool,
             jobs: int | None) -> LintReport:
    run = Run(options, live, cumulative)
    from .parallel import lint_in_parallel, worker_count

    workers = 1 if live is not None or cumulative else worker_count(len(work), jobs)
    if workers > 1:
        lint_in_parallel(run, work, workers)
    else:
        for job in work:
            run.lint_job(job)
    return run.report()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the .sql files under folders named, in migration order; down files left out."""
    return _collect(paths)[0]


def _collect(paths: Iterable[Path]) -> tuple[list[Path], set[str]]:
    """(the files to lint, the down files seen while walking folders)."""
    out: list[Path] = []
    downs: set[str] = set()
    seen: set[str] = set()
    for raw in paths:
        top = os.fspath(raw)
        if os.path.isdir(top):
            found: list[tuple[tuple[str, int, str], str, str]] = []
            for root, dirs, names in os.walk(top):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                for name in names:
                    if name.endswith(".down.sql"):
                        downs.add(os.path.join(root, name))
                    elif name.endswith(".sql"):
                        found.append((_order_key(root, name), root, name))
            found.sort()
            candidates = [os.path.join(root, name) for _, root, name in found]
        elif os.path.isfile(top):
            if top.endswith(".down.sql"):
                continue
            candidates = [top]
        else:
            raise ConfigError(f"Path {top} does not exist.", hint="Give .sql files or folders that hold them.")
        for c in candidates:
            if c not in seen:
                seen.add(c)
                out.append(Path(c))
    return out, downs


def _order_key(folder: str, name: str) -> tuple[str, int, str]:
    head = name.split("_", 1)[0]
    return (folder, int(head) if head.isdigit() else 1 << 62, name)


_RULE_ORDER = {rule.id: n for n, rule in enumerate(RULES)}


class _Outcome(NamedTuple):
    hit: Hit
    rule: Rule


class Run:
    """One lint run: the rules by statement kind, the state carried between files, the results so far."""

    def __init__(self, options: LintOptions, live: LiveCatalog | None, cumulative: bool) -> None:
        self.options = options
        self.live = live
        self.state = SchemaState(cumulative=cumulative)
        self.pg_version = options.pg_version or self._live_version() or DEFAULT_PG_VERSION
        enabled = [r for r in RULES if not (r.id in options.rules and options.rules[r.id] is None)]
        self.by_kind: dict[str, list[Rule]] = {}
        for rule in enabled:
            for kind in rule.kinds:
                self.by_kind.setdefault(kind, []).append(rule)
        self.file_rules = [r for r in enabled if type(r).check_file is not Rule.check_file]
        self.findings: list[Finding] = []
        self.files: list[FileResult] = []
        self.notes: list[str] = []

    def _live_version(self) -> int | None:
        if self.live is None:
            return None
        try:
            number = int(self.live.server_version_num())
        except Exception:  # a catalog that cannot say: fall back to the default
            return None
        return number // 10000 if number >= 90000 else None

    def report(self) -> LintReport:
        return LintReport(tuple(self.findings), tuple(self.files), self.pg_version, tuple(self.notes))

    def lint_job(self, job: FileJob) -> None:
        text = job.text
        if text is None:
            try:
                text = read_text(job.path)
            except OSError as exc:
                raise ConfigError(f"File {job.path} cannot be read: {exc.strerror or exc}.") from None
        self.lint_file(text, job.path, ident=job.ident, no_transaction=job.no_transaction, has_down=job.has_down)

    def lint_file(self, text: str, path: Path, *, ident: str, no_transaction: bool | None,
                  has_down: bool | None) -> None:
        source = parse_source(text, path)
        directives = read_directives(source)
        self.notes.extend(directives.notes)
        no_tx = directives.no_transaction if no_transaction is None else no_transaction
        ctx = FileContext(source, options=self.options, pg_version=self.pg_version, state=self.state,
                          live=self.live, no_transaction=no_tx, ident=ident, has_down=has_down,
                          contract_tag=directives.contract_tag is not None)
        outcomes: list[_Outcome] = []
        cut = directives.down_section_from
        by_kind = self.by_kind
        for stmt in source.statements:
            if cut is not None and stmt.start >= cut:
                break
            for rule in by_kind.get(stmt.kind, ()):
                for hit in rule.check(stmt, ctx):
                    outcomes.append(_Outcome(hit, rule))
            ctx.advance(stmt)
        for rule in self.file_rules:
            for hit in rule.check_file(ctx):
                outcomes.append(_Outcome(hit, rule))
        ctx.finish()
        used: set[int] = set()
        found = [f for f in (self._finding(o, ctx, directives, used) for o in outcomes) if f is not None]
        found.sort(key=lambda f: (f.line, f.column, _RULE_ORDER[f.rule]))
        self.findings.extend(found)
        for n, ignore in enumerate(directives.ignores):
            if n not in used:
                self.notes.append(f"{path}:{ignore.line}: lockgate:ignore {','.join(sorted(ignore.rules))} "
                                  "matched no finding; remove it")
        self.files.append(FileResult(path, ident, ctx.phase, no_tx))

    def _finding(self, outcome: _Outcome, ctx: FileContext, directives: Directives, used: set[int]) -> Finding | None:
        hit, rule = outcome.hit, outcome.rule
        if rule.id in self.options.rules:
            severity = self.options.rules[rule.id]
            if severity is None:
                return None
        else:
            severity = hit.severity or rule.severity
        notes: tuple[str, ...] = ()
        if rule.lock_related and hit.table is not None and self.live is not None and severity is Severity.ERROR:
            rows = ctx.estimated_rows(hit.table)
            if rows is not None and rows < self.options.small_table_rows:
                severity = Severity.WARNING
                note = (f"{hit.table.display} holds about {rows} rows (below small_table_rows = "
                        f"{self.options.small_table_rows}), so the lock is brief: reported as a warning.")
                notes = (note,)
        line = hit.line or (hit.stmt.line if hit.stmt else 1)
        column = hit.column or (hit.stmt.column if hit.stmt else 1)
        suppression = None
        for n, ignore in enumerate(directives.ignores):
            if rule.id in ignore.rules and _covers(ignore, hit):
                suppression = Suppression("ignore", ignore.reason, ignore.line)
                used.add(n)
                break
        destructive = rule.destructive if hit.destructive is None else hit.destructive
        if suppression is None and destructive and directives.contract_tag is not None:
            tag_line, reason = directives.contract_tag
            suppression = Suppression("contract-phase-ok", reason, tag_line)
        return Finding(rule.id, severity, ctx.source.path, line, column, hit.message, hit.safe or rule.safe,
                       suppression, notes)


def _covers(ignore: Ignore, hit: Hit) -> bool:
    if ignore.statement is None:
        return True
    return hit.stmt is not None and hit.stmt.index == ignore.statement
