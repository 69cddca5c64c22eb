"""``lint`` as an API function over a project's Settings: which files, which options, which database.

Example::

    import lockgate
    settings = lockgate.load_settings("examples/phase2")
    lint_project(settings, changed_since="origin/main").exit_code()
    # -> 0
"""

from __future__ import annotations

import dataclasses
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
    * ``changed_since``: report only files changed on this branch since it left that git
      ref (``git merge-base REF HEAD``), committed, staged, unstaged or untracked — the CI
      case; the others are still read, in order, for what they create;
    * ``jobs``: worker processes (None: automatic; see :mod:`.parallel`);
    * ``cache``: True keeps results of unchanged files in the folder ``lint.cache``
      names (default ``.lockgate_cache`` in the project folder; see :mod:`.cache`),
      a path puts them there instead, False turns it off. Never with ``pending``.
    """
    options = options if options is not None else LintOptions.from_config(settings.lint).with_runner(settings)
    if paths and pending:
        raise ConfigError("lint takes PATHs or --pending, not both.",
                          hint="--pending lints the configured migrations folder.")
    changed = changed_files(changed_since, settings.project_dir) if changed_since else None
    cache_dir = cache_folder(cache, options, settings.project_dir)

    top = settings.migrations_dir.resolve()  # once, not per file: scan's paths all live in it

    def is_changed(up: Path, down: Path | None) -> bool:
        return changed is None or top / up.name in changed or (down is not None and top / down.name in changed)

    only_changed = is_changed if changed is not None else None
    if paths:
        whole, names, elsewhere = _split(paths, top)
        report = None
        if whole or names:
            report = _lint_folder(settings, options, whole, names, only_changed, jobs, cache_dir)
        if elsewhere or report is None:
            # Files outside the folder (seed data, a scratch file): linted as they are, without its history.
            outside = lint_paths(elsewhere if changed is None else
                                 [f for f in expand_paths(elsewhere) if f.resolve() in changed],
                                 options, jobs=jobs, cache_dir=cache_dir)
            report = outside if report is None else report.joined(outside)
        if not report.files and any(str(p).endswith(".down.sql") for p in paths):
            report = dataclasses.replace(report, notes=(*report.notes, "down files are not linted: they run only on "
                                                        "`lockgate down`; name the up files"))
        return report
    if not pending:
        return _lint_folder(settings, options, True, set(), only_changed, jobs, cache_dir)
    from ..discovery import discover

    migrations = [m for m in discover(settings.migrations_dir) if is_changed(m.up.path, m.down_path)]
    from .. import api
    from ..model import State

    states = {s.ident: s.state for s in api.status(settings)}
    migrations = [m for m in migrations if states.get(m.ident) is State.PENDING]
    from ..session import open_session

    # Connected even with nothing pending: the report names the server's version either way.
    with open_session(settings, on_event=None, lock=False, log=False) as session:
        # The adapter's flag, not the engine's name: only an engine the rules are written for answers.
        live = session.adapter if getattr(session.adapter, "lints", False) else None
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

    options = options if options is not None else LintOptions.from_config(settings.lint).with_runner(settings)
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


def _lint_folder(settings: Settings, options: LintOptions, whole: bool, names: set[str],
                 is_changed: Callable[[Path, Path | None], bool] | None, jobs: int | None,
                 cache_dir: Path | None) -> LintReport:
    """The project's migrations, each linted after those before it, as in a whole-folder run (a
    type change is judged against the type an earlier file created); only those named (or all,
    ``whole``) and changed (``is_changed``; None: all) are reported. With the cache, the others cost
    next to nothing."""
    from ..discovery import scan

    found = scan(settings.migrations_dir)
    report = lint_scanned(found, options, jobs=jobs, cache_dir=cache_dir)
    if whole and is_changed is None:
        return report
    return _only(report, found, lambda m: (whole or m.up.name in names)
                 and (is_changed is None or is_changed(m.up, m.down)))


def _split(paths: Sequence[Path], top: Path) -> tuple[bool, set[str], list[Path]]:
    """(whether the migrations folder ``top`` itself is named, the up files of it named, the paths elsewhere).

    Down files of the folder are left out: a folder's down files are never linted, and
    pre-commit passes them beside their up files.
    """
    names: set[str] = set()
    whole = False
    elsewhere: list[Path] = []
    try:
        is_dir = top.is_dir()
    except OSError:
        is_dir = False
    for path in paths:
        try:
            resolved = Path(path).resolve()
            if is_dir and resolved == top:
                whole = True
                continue
            if is_dir and resolved.parent == top and resolved.is_file():
                if resolved.name.endswith(".up.sql"):
                    names.add(resolved.name)
                    continue
                if resolved.name.endswith(".down.sql"):
                    continue
        except OSError:
            pass  # linted as given: lint_paths says what is wrong with it
        elsewhere.append(Path(path))
    return whole, names, elsewhere


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
    """Resolved paths of files changed on this branch since it left ``ref``: those that differ between
    ``git merge-base ref HEAD`` and the work tree (committed, staged or not), untracked ones included.
    As with ``git diff main...HEAD``, what ``ref`` gained after the branch point is not counted."""

    def git(*args: str) -> str:
        return _git(project_dir, ref, *args)[1]

    if ref.startswith("-"):
        raise ConfigError(f"--changed-since {ref!r} is not a git ref.")
    top = Path(git("rev-parse", "--show-toplevel").strip())
    base = _merge_base(ref, project_dir)
    # `git diff` names paths from the top of the work tree, `git ls-files` from the working directory.
    changed = {(top / n).resolve() for n in git("diff", "--name-only", "--no-renames", "--diff-filter=d", base,
                                                 "--").splitlines() if n}
    untracked = {(project_dir / n).resolve() for n in git("ls-files", "--others", "--exclude-standard")
                 .splitlines() if n}
    return changed | untracked


def _merge_base(ref: str, project_dir: Path) -> str:
    """The commit HEAD's history left ``ref``'s at; a :class:`ConfigError` when ``ref`` is no commit here,
    or when the two share none (unrelated histories, or a shallow clone cut off before the branch point)."""
    if _git(project_dir, ref, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", expected=(0, 1))[0]:
        raise ConfigError(f"--changed-since {ref!r} is not a commit in this repository.",
                          hint="Give a branch, tag or commit that exists here (in CI, fetch it first, e.g."
                               " `git fetch origin main` and --changed-since origin/main).")
    status, out = _git(project_dir, ref, "merge-base", ref, "HEAD", expected=(0, 1))
    if status == 0:
        return out.strip()
    # Exit status 1 and no output: no common ancestor. A shallow clone (CI's default) is the usual reason.
    shallow = _git(project_dir, ref, "rev-parse", "--is-shallow-repository")[1].strip() == "true"
    raise ConfigError(f"--changed-since {ref!r} and HEAD have no commit in common: there is no branch point to"
                      " compare with.",
                      hint=("This clone is shallow: fetch the history (`git fetch --unshallow`, or fetch-depth: 0"
                            " in actions/checkout)." if shallow else
                            "Give the branch this one was started from."))


def _git(project_dir: Path, ref: str, *args: str, expected: tuple[int, ...] = (0,)) -> tuple[int, str]:
    """Run git for ``--changed-since ref``: its exit status and output; another status is a ConfigError."""
    import subprocess

    try:
        proc = subprocess.run(["git", *args], cwd=project_dir, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise ConfigError("--changed-since needs git, which is not on PATH.") from None
    if proc.returncode not in expected:
        detail = (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        raise ConfigError(f"git cannot compare with {ref!r}: {detail}",
                          hint="Give a branch, tag or commit that exists here (in CI, fetch it first).")
    return proc.returncode, proc.stdout
