"""``lint`` as an API function over a project's Settings: which files, which options, which database.

Example::

    import lockgate
    settings = lockgate.load_settings("examples/phase2")
    lint_project(settings, changed_since="origin/main").exit_code()
    # -> 0
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from ..errors import ConfigError
from .engine import expand_paths, lint_migrations, lint_paths, lint_scanned
from .options import LintOptions
from .report import LintReport

if TYPE_CHECKING:
    from ..config import Settings
    from ..discovery import MigrationPaths


def lint_project(settings: Settings, *, paths: Sequence[Path] = (), pending: bool = False,
                 changed_since: str | None = None, options: LintOptions | None = None,
                 jobs: int | None = None, cache: bool | str | Path = True) -> LintReport:
    """Lint a project's migrations (or ``paths``); never prints.

    * default: every migration of ``settings.migrations_dir``;
    * ``paths``: those .sql files and folders instead (up files of the migrations
      folder are linted after the migrations before them, and only they reported);
    * ``pending``: only migrations the database has not applied, linted like
      ``lockgate up`` does (cumulatively, against the live PostgreSQL catalog);
    * ``changed_since``: report only files that differ from that git ref (committed,
      staged, unstaged or untracked) — the CI case; the others are still read, in
      order, for what they create;
    * ``jobs``: worker processes (None: automatic; see :mod:`.parallel`);
    * ``cache``: True keeps results of unchanged files in the folder ``lint.cache``
      names (default ``.lockgate_cache`` in the project folder; see :mod:`.cache`),
      a path puts them there instead, False turns it off. Never with ``pending``.
    """
    options = options if options is not None else LintOptions.from_config(settings.lint)
    if paths and pending:
        raise ConfigError("lint takes PATHs or --pending, not both.",
                          hint="--pending lints the configured migrations folder.")
    changed = changed_files(changed_since, settings.project_dir) if changed_since else None
    cache_dir = cache_folder(cache, options, settings.project_dir)

    top = settings.migrations_dir.resolve()  # once, not per file: scan's paths all live in it

    def is_changed(up: Path, down: Path | None) -> bool:
        return changed is None or top / up.name in changed or (down is not None and top / down.name in changed)

    if paths:
        named = _in_folder(paths, top)
        if named is None:  # files elsewhere: linted as they are, without the folder's history
            if changed is None:
                return lint_paths(paths, options, jobs=jobs, cache_dir=cache_dir)
            return lint_paths([f for f in expand_paths(paths) if f.resolve() in changed], options, jobs=jobs,
                              cache_dir=cache_dir)
    if paths or not pending:
        # Up files of the project's folder are linted after the migrations before them, as in a
        # whole-folder run (a type change is judged against the type an earlier file created);
        # only those named (or changed) are reported. With the cache, the others cost next to nothing.
        from ..discovery import scan

        whole, names = named if paths and named is not None else (True, set())
        found = scan(settings.migrations_dir)
        report = lint_scanned(found, options, jobs=jobs, cache_dir=cache_dir)
        if whole and changed is None:
            return report
        return _only(report, found, lambda m: (whole or m.up.name in names) and is_changed(m.up, m.down))
    from ..discovery import discover

    migrations = [m for m in discover(settings.migrations_dir) if is_changed(m.up.path, m.down_path)]
    from .. import api
    from ..model import State

    states = {s.ident: s.state for s in api.status(settings)}
    migrations = [m for m in migrations if states.get(m.ident) is State.PENDING]
    with ExitStack() as stack:
        live = None
        if migrations:
            from ..session import open_session

            session = stack.enter_context(open_session(settings, on_event=None, lock=False, log=False))
            # The adapter's flag, not the engine's name: only an engine the rules are written for answers.
            if getattr(session.adapter, "lints", False):
                live = session.adapter
        return lint_migrations(migrations, options, live=live, cumulative=True)


def lint_stdin(settings: Settings, name: str, text: str, *, options: LintOptions | None = None,
               cache: bool | str | Path = True) -> LintReport:
    """SQL read from standard input, reported as the file ``name``.

    When ``name`` is an up file of the project's migrations folder (``git show
    main:migrations/0042_x.up.sql | lockgate lint - --stdin-filename
    migrations/0042_x.up.sql``), the text is linted in that file's place, after the
    migrations before it, as the file itself would be; otherwise on its own.
    """
    from ..discovery import MigrationPaths, parse_name, scan
    from .engine import lint_text

    options = options if options is not None else LintOptions.from_config(settings.lint)
    top = settings.migrations_dir.resolve()
    resolved = Path(name).resolve()
    parsed = parse_name(resolved)
    if resolved.parent != top or parsed is None or parsed.direction != "up" or not top.is_dir():
        return lint_text(text, options, path=name)
    down = f"{resolved.name[: -len('.up.sql')]}.down.sql"
    me = MigrationPaths(parsed.version, parsed.description, settings.migrations_dir / resolved.name,
                        down if (top / down).is_file() else None)
    found = sorted([m for m in scan(settings.migrations_dir) if m.up.name != resolved.name] + [me],
                   key=lambda m: m.version)
    report = lint_scanned(found, options, cache_dir=cache_folder(cache, options, settings.project_dir),
                          texts={me.up: text})
    return _only(report, found, lambda m: m is me)


def _in_folder(paths: Sequence[Path], top: Path) -> tuple[bool, set[str]] | None:
    """When every path is the (resolved) migrations folder ``top`` or an up file in it:
    (whether the folder itself was named, the names of the files named); None otherwise."""
    try:
        if not top.is_dir():
            return None
        names: set[str] = set()
        whole = False
        for path in paths:
            resolved = Path(path).resolve()
            if resolved == top:
                whole = True
            elif resolved.parent == top and resolved.name.endswith(".up.sql") and resolved.is_file():
                names.add(resolved.name)
            else:
                return None
    except OSError:
        return None
    return whole, names


def _only(report: LintReport, found: Sequence[MigrationPaths], keep: Callable[[MigrationPaths], bool]) -> LintReport:
    return report.without({m.up for m in found if not keep(m)})


def cache_folder(cache: bool | str | Path, options: LintOptions, base: Path) -> Path | None:
    """Where lint keeps its cache: ``cache`` (an explicit folder, or False) over ``lint.cache``, below ``base``.

    >>> cache_folder(True, LintOptions(), Path("/srv/app"))
    PosixPath('/srv/app/.lockgate_cache')
    >>> cache_folder(True, LintOptions(cache=False), Path("/srv/app")) is None
    True
    """
    from .cache import DEFAULT_DIR

    if cache is True:
        if options.cache is False:
            return None
        cache = DEFAULT_DIR if options.cache is True else options.cache
    elif cache is False:
        return None
    return base / Path(cache).expanduser()


def changed_files(ref: str, project_dir: Path) -> set[Path]:
    """Resolved paths of files that differ from ``ref`` in the git work tree, untracked ones included."""
    import subprocess

    def git(*args: str) -> str:
        try:
            proc = subprocess.run(["git", *args], cwd=project_dir, capture_output=True, text=True, timeout=60)
        except FileNotFoundError:
            raise ConfigError("--changed-since needs git, which is not on PATH.") from None
        if proc.returncode != 0:
            detail = (proc.stderr.strip().splitlines() or ["git failed"])[-1]
            raise ConfigError(f"git cannot compare with {ref!r}: {detail}",
                              hint="Give a branch, tag or commit that exists here (in CI, fetch it first).")
        return proc.stdout

    if ref.startswith("-"):
        raise ConfigError(f"--changed-since {ref!r} is not a git ref.")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    # `git diff` names paths from the top of the work tree, `git ls-files` from the working directory.
    changed = {(top / n).resolve() for n in git("diff", "--name-only", "--no-renames", "--diff-filter=d", ref,
                                                 "--").splitlines() if n}
    untracked = {(project_dir / n).resolve() for n in git("ls-files", "--others", "--exclude-standard")
                 .splitlines() if n}
    return changed | untracked
