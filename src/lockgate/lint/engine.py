"""Run the rules over files: parse, walk the statements in order, turn hits into findings.

>>> from lockgate.lint.options import LintOptions
>>> report = lint_text("CREATE INDEX idx_users_email ON users (email);", LintOptions())
>>> [f.rule for f in report.findings]
['index-not-concurrent', 'missing-lock-timeout', 'non-idempotent']
>>> report.exit_code()
1
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Sequence

from ..errors import ConfigError
from .finding import Finding
from .options import DEFAULT_PG_VERSION, LintOptions
from .report import FileResult, LintReport
from .files import read_text
from .state import Journal, SchemaState

if TYPE_CHECKING:
    from ..discovery import MigrationPaths
    from ..model import Migration
    from .catalog import LiveCatalog
    from .cache import Cached, LintCache
    from .checker import Checker
    from .parallel import Outcome


def lint_migrations(migrations: Sequence[Migration], options: LintOptions | None = None, *,
                    live: LiveCatalog | None = None,
                    cumulative: bool = False, jobs: int | None = None,
                    cache_dir: Path | str | None = None) -> LintReport:
    """Lint the up files of ``migrations``, in the order given.

    ``cumulative=True`` (``lockgate up`` on its pending list): a table created by an
    earlier migration of the sequence is new for the later ones. With ``live``, a
    table the database does not have is new too, and lock findings on tables it
    estimates below ``options.small_table_rows`` rows drop to warnings. ``jobs``:
    worker processes for long runs (None: automatic; see :mod:`.parallel`).
    ``cache_dir``: keep results there and reuse those of unchanged files (plain
    runs only; see :mod:`.cache`). ``options`` None: the defaults.
    """
    # down_path, not down: the down file is read lazily and the question is only whether it exists.
    work = [FileJob(m.up.path, m.ident, m.up.text, m.up.no_transaction, m.down_path is not None)
            for m in migrations]
    return _execute(work, options or LintOptions(), live, cumulative, jobs, cache_dir)


def lint_scanned(migrations: Sequence[MigrationPaths], options: LintOptions, *, jobs: int | None = None,
                 cache_dir: Path | str | None = None, texts: Mapping[Path, str] | None = None) -> LintReport:
    """:func:`lint_migrations` for migrations found but not read (:func:`lockgate.discovery.scan`).

    Each file is read here, or not at all when the cache knows it unchanged; its
    ``-- lockgate:no-transaction`` header is read by the linter. ``texts``: the SQL to
    lint instead of some files' contents (SQL from standard input, in its file's place).
    """
    # (texts.get on every Path would hash a thousand Paths, which is not cheap in pathlib.)
    work = [FileJob(m.up, m.ident, texts.get(m.up) if texts else None, None, m.down_name is not None)
            for m in migrations]
    return _execute(work, options, None, False, jobs, cache_dir)


def lint_paths(paths: Sequence[Path], options: LintOptions | None = None, *, live: LiveCatalog | None = None,
               cumulative: bool = False, jobs: int | None = None, cache_dir: Path | str | None = None) -> LintReport:
    """Lint .sql files and folders (searched recursively; ``*.down.sql`` files are rollbacks and skipped).

    A ``{version}_{name}.up.sql`` file is checked for its ``.down.sql``; the header
    directive ``-- lockgate:no-transaction`` is read from the file itself.
    ``jobs`` and ``cache_dir`` as for :func:`lint_migrations`; ``options`` None: the defaults.
    """
    files, downs = _collect(paths)
    work = []
    for file in files:
        folder, name = os.path.split(file)
        has_down: bool | None = None
        if name.endswith(".up.sql"):
            ident = name[: -len(".up.sql")]
            down = os.path.join(folder, ident + ".down.sql")
            has_down = down in downs or os.path.exists(down)
        else:
            ident = name.removesuffix(".sql")
        work.append(FileJob(Path(file), ident, None, None, has_down))
    return _execute(work, options or LintOptions(), live, cumulative, jobs, cache_dir)


def lint_text(text: str, options: LintOptions | None = None, *, path: Path | str = "<sql>",
              no_transaction: bool | None = None, live: LiveCatalog | None = None) -> LintReport:
    """Lint one SQL text (tests, editors, :func:`~lockgate.lint.classify.classify`); ``options`` None: the defaults."""
    return _execute([FileJob(Path(path), Path(path).name, text, no_transaction, None)], options or LintOptions(),
                    live, False, 1)


class FileJob(NamedTuple):
    """One file to lint: its text (None: read it from ``path``) and what the caller knows about it."""

    path: Path
    ident: str
    text: str | None
    no_transaction: bool | None  # None: read the header directive from the file
    has_down: bool | None  # None: not a versioned migration


def _execute(work: list[FileJob], options: LintOptions, live: LiveCatalog | None, cumulative: bool,
             jobs: int | None, cache_dir: Path | str | None = None) -> LintReport:
    """Lint ``work`` in order; results come from the cache, from worker processes or from here."""
    plain = live is None and not cumulative  # only these may be cached or spread over workers
    if cache_dir is None or not plain:
        report = _in_order(work, Run(options, live, cumulative), jobs if plain else 1, None)
    else:
        from .cache import DamagedCache, LintCache

        cache = LintCache(cache_dir, options)
        try:
            report = _in_order(work, Run(options, live, cumulative), jobs, cache)
        except DamagedCache:  # a cache file that parses but holds nonsense: forget it, lint everything afresh
            cache.forget()
            report = _in_order(work, Run(options, live, cumulative), jobs, cache)
        warning = cache.save()
        if warning is not None:
            report = dataclasses.replace(report, warnings=(*report.warnings, warning))
    if options.start_after is not None:
        start = options.start_after
        before = {job.path for job in work if _version(job.ident, start + 1) <= start}
        report = report.without(before)
        if before and not report.files:  # else "No problems in 0 files" would leave the user guessing why
            report = dataclasses.replace(report, notes=(*report.notes, f"{len(before)} migration(s) at or before "
                                                        f"start_after {start} are not reported"))
    return report


def _version(ident: str, default: int) -> int:
    """The leading number of ``0042_add_index``; ``default`` for a name without one."""
    head = ident.split("_", 1)[0]
    return int(head) if head.isdigit() else default


def _in_order(work: list[FileJob], run: Run, jobs: int | None, cache: LintCache | None) -> LintReport:
    from .parallel import Workers, worker_count

    known: dict[int, Cached] = {}
    if cache is not None:
        for i, job in enumerate(work):
            hit, work[i] = cache.probe(job)  # a miss comes back with its text, read once
            if hit is not None:
                known[i] = hit
    todo = [i for i in range(len(work)) if i not in known]
    with Workers(run, work, todo, worker_count(len(todo), jobs)) as workers:
        for i, job in enumerate(work):
            hit = known.get(i)
            if hit is not None:
                if hit.same_history:  # its reads hold without looking; its writes wait until needed
                    run.take(hit.findings, hit.result, hit.notes, hit.facts)
                    continue
                from .cache import decode_facts

                if run.merge((hit.findings, hit.result, hit.notes, *decode_facts(hit.facts))):
                    if cache is not None:
                        cache.confirm(job)
                    continue
            else:
                outcome = workers.outcome(i)
                if outcome is not None and run.merge(outcome):
                    if cache is not None:
                        cache.record(job, outcome)
                    continue
            # Linted nowhere else, or it read facts that differ here (an earlier file changed): lint it in order.
            if cache is not None:
                cache.record(job, run.lint_recorded(job))
            else:
                run.lint_job(job)
    return run.report()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the .sql files under folders named, in migration order; down files left out."""
    return [Path(f) for f in _collect(paths)[0]]


def _collect(paths: Iterable[Path]) -> tuple[list[str], set[str]]:
    """(the files to lint, the down files seen while walking folders); plain strings, cheaper than Paths."""
    out: list[str] = []
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
                out.append(c)
    return out, downs


def _order_key(folder: str, name: str) -> tuple[str, int, str]:
    return (folder, _version(name, 1 << 62), name)  # unversioned files after the versioned ones


class Run:
    """One lint run: the rules by statement kind, the state carried between files, the results so far."""

    def __init__(self, options: LintOptions, live: LiveCatalog | None, cumulative: bool) -> None:
        self.options = options
        self.live = live
        self.state = SchemaState(cumulative=cumulative)
        self.pg_version = options.pg_version or self._live_version() or DEFAULT_PG_VERSION
        self._checker: Checker | None = None
        self._deferred: list[str] = []  # writes of cached files, as JSON, not yet applied to the state
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
        if self._checker is None:
            # Imported here, not at the top: a run answered wholly from the cache never loads
            # the rules, the parser or pglast.
            from .checker import Checker

            self._checker = Checker(self.options, self.pg_version, self.live)
        self._settle()
        text = job.text if job.text is not None else read_text(job.path)
        findings, result, notes = self._checker.check(text, job.path, self.state, ident=job.ident,
                                                      no_transaction=job.no_transaction, has_down=job.has_down)
        self.findings.extend(findings)
        self.files.append(result)
        self.notes.extend(notes)

    def lint_recorded(self, job: FileJob) -> Outcome:
        """Lint ``job`` and return its outcome with the facts it read and wrote (see :mod:`.parallel`)."""
        journal = self.state.journal = Journal()
        n_findings, n_notes = len(self.findings), len(self.notes)
        try:
            self.lint_job(job)
        finally:
            self.state.journal = None
        return (self.findings[n_findings:], self.files[-1], self.notes[n_notes:], journal.reads, journal.writes)

    def merge(self, outcome: Outcome) -> bool:
        """Take an outcome linted elsewhere if what it read matches the state here; False if not."""
        findings, result, notes, reads, writes = outcome
        self._settle()
        facts = self.state.facts
        if any(facts[table].get(key) != value for table, key, value in reads):
            return False
        self._write(writes)
        self.findings.extend(findings)
        self.files.append(result)
        self.notes.extend(notes)
        return True

    def take(self, findings: list[Finding], result: FileResult, notes: list[str], facts: str) -> None:
        """Take a cached result known to hold here; its writes (``facts``) are replayed only if a later file asks."""
        self._deferred.append(facts)
        self.findings.extend(findings)
        self.files.append(result)
        self.notes.extend(notes)

    def _settle(self) -> None:
        if self._deferred:
            from .cache import decode_facts

            for facts in self._deferred:
                self._write(decode_facts(facts)[1])
            self._deferred.clear()

    def _write(self, writes: list[tuple[str, Any, Any]]) -> None:
        facts = self.state.facts
        for table, key, value in writes:
            if value is None:
                facts[table].pop(key, None)
            else:
                facts[table][key] = value
