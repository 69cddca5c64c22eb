"""``lockgate lint``: the migration-safety linter on the command line.

Importing this module costs only click: the linter (and pglast) load when the
command runs, so ``lockgate --help`` stays light.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

_FORMATS = ("text", "json", "sarif", "github")  # lockgate.lint.formats.FORMATS, without importing it
_LEVELS = ("error", "warning", "info")


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--pending", is_flag=True, help="Only migrations the database has not applied (as `up` would lint them).")
@click.option("--changed-since", metavar="REF", help="Only files changed on this branch: since its branch point "
              "from REF (git merge-base), committed or not (e.g. origin/main).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), help="Output format (default text; --json = json).")
@click.option("--fail-on", type=click.Choice(_LEVELS), help="Exit 1 at findings of this severity or worse "
              "(default error, or lint.fail_on).")
@click.option("--pg-version", metavar="N", help="Target PostgreSQL major version (default: lint.pg_version, the "
              "server's with --pending, else 14).")
@click.option("--json", "json_local", is_flag=True, help="Same as --format json.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes for long runs (default: automatic, by file count and CPUs).")
@click.option("--exclude", "exclude", multiple=True, metavar="RULE[,RULE]",
              help="Turn these rules off for this run (repeatable), like `RULE = \"off\"` in lint.rules.")
@click.option("--start-after", metavar="VERSION", help="Report nothing for migrations up to VERSION (they are "
              "still read, in order); default lint.start_after.")
@click.option("--stdin-filename", metavar="NAME", help="With PATH `-` (SQL read from standard input): the file "
              "it stands for; an up file of the migrations folder is linted in its place, after the ones before it.")
@click.option("--list-rules", is_flag=True, help="List the rules (id, severity as this project's settings and "
              "--exclude have it, what each catches) and exit.")
@click.option("--no-cache", is_flag=True, help="Lint every file afresh; neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(), envvar="LOCKGATE_CACHE_DIR", show_envvar=True,
              help="Where to keep results of unchanged files (default: lint.cache, else .lockgate_cache "
              "in the project folder).")
@click.option("--config", "config_local", metavar="FILE", expose_value=False, callback=lambda ctx, _p, value: (
              _use_config(ctx.obj, value) if value else None),
              help="lockgate.toml or pyproject.toml to read (as `lockgate --config FILE lint`; for a pre-commit "
              "hook's args).")
@click.option("-v", "--verbose", "verbose_local", is_flag=True,
              help="Also list info findings, suppressed ones and expand migrations (as `lockgate -v lint`).")
@click.option("-q", "--quiet", "quiet_local", is_flag=True,
              help="As `lockgate -q lint`: only the findings at or above --fail-on, a line each (text format).")
@click.pass_context
def lint(ctx: click.Context, paths: tuple[Path, ...], pending: bool, changed_since: str | None, fmt: str | None,
         fail_on: str | None, pg_version: str | None, json_local: bool, jobs: int | None, exclude: tuple[str, ...],
         start_after: str | None, stdin_filename: str | None, list_rules: bool, no_cache: bool, cache_dir: str | None,
         verbose_local: bool, quiet_local: bool) -> None:
    """Check migrations for operations that lock, rewrite or lose data, and say the safe way.

    \b
    Examples:
      lockgate lint                                # every migration of the project
      lockgate lint --pending                      # what `lockgate up` would apply
      lockgate lint --changed-since origin/main --format github    # in CI
      lockgate lint db/migrations/0042_add_index.up.sql --pg-version 12
      lockgate lint --format sarif > lockgate.sarif
      lockgate lint --no-cache                     # ignore .lockgate_cache (results of unchanged files)
      lockgate lint --exclude non-idempotent,missing-down
      lockgate lint --start-after 0042             # adopting lint: say nothing about 0001..0042
      lockgate lint --list-rules                   # the rule ids, for --exclude and lint.rules
      git show HEAD:migrations/0042_x.up.sql | lockgate lint - --stdin-filename migrations/0042_x.up.sql

    Exit status: 1 when a finding at or above --fail-on remains, 0 otherwise, 2 on bad usage.
    Suppress one with `-- lockgate:ignore RULE reason` on the line before the statement.
    """
    from ..errors import ConfigError, LockgateError

    state = ctx.obj
    if json_local and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} ask for two formats; give one.", ctx=ctx)
    if json_local or (fmt is None and bool(getattr(state, "json", False))):
        fmt = fmt or "json"
    fmt = fmt or "text"
    # The global flags, given after the command: `lockgate lint -v` is `lockgate -v lint`.
    if state is not None:
        state.verbose = state.verbose or verbose_local
        state.quiet = state.quiet or quiet_local
    excluded = [r.strip() for group in exclude for r in group.split(",") if r.strip()]
    try:
        if list_rules:
            # As this project has them: a rule its lockgate.toml (or --exclude) turns off or re-levels says so.
            table = dict(state.settings(require_url=False).lint) if state is not None else {}
            _list_rules(fmt, _options(table, None, None, excluded, None))
            return
        if cache_dir is not None and not cache_dir.strip():
            # Path("") is the working folder: the cache file would land among the user's files.
            raise ConfigError("--cache-dir is empty.",
                              hint="Name a folder (e.g. --cache-dir .lockgate_cache), or pass --no-cache.")
        # A relative --cache-dir is the user's, from here; lint.cache in the file is relative to the project.
        cache: bool | Path = False if no_cache else (Path.cwd() / cache_dir if cache_dir else True)
        code = _run(state, list(paths), pending=pending, changed_since=changed_since, fmt=fmt, fail_on=fail_on,
                    pg_version=pg_version, jobs=jobs, cache=cache, exclude=excluded, stdin_filename=stdin_filename,
                    start_after=start_after)
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
        raise
    except (LockgateError, KeyboardInterrupt, Exception) as exc:
        from .state import fail

        if fmt == "json" and isinstance(exc, LockgateError) and not getattr(state, "json", False):
            import json

            click.echo(json.dumps(exc.to_dict()))  # what --json gives for every command's errors
        fail(state, exc)
    ctx.exit(code)


def _run(state: Any, paths: list[Path], *, pending: bool, changed_since: str | None, fmt: str,
         fail_on: str | None, pg_version: str | None, jobs: int | None, cache: bool | Path,
         exclude: list[str], stdin_filename: str | None, start_after: str | None) -> int:
    from ..errors import ConfigError
    from ..lint import lint_project
    from ..lint.engine import lint_text

    if paths and pending:
        raise ConfigError("lint takes PATHs or --pending, not both.",
                          hint="--pending lints the pending migrations of the configured folder.")
    stdin = Path("-") in paths
    if stdin and (len(paths) > 1 or changed_since):
        raise ConfigError("lint reads standard input (PATH -) alone, without other paths or --changed-since.")
    if stdin_filename and not stdin:
        raise ConfigError("--stdin-filename names SQL read from standard input: give PATH - too.")
    for path in paths:
        # A mistyped folder must not pass CI as "no problems in 0 files".
        if path != Path("-") and path.is_dir() and next(path.rglob("*.sql"), None) is None:
            raise ConfigError(f"Folder {path} holds no .sql migration files.",
                              hint="Name the folder that holds them, or the files themselves.")
    # Only --pending connects: without it, an unset ${DATABASE_URL} (as in CI) stops nothing. A
    # configuration that cannot be read stops everything, named files too: its [lint] table may
    # turn rules off or on, and linting with the defaults instead would pass or fail CI wrongly.
    if stdin:
        # SQL named as a file of another project (a monorepo): that project's settings decide.
        if stdin_filename:
            ((config, _),) = _by_project([Path(stdin_filename)], state)
            _use_config(state, config)
        text = sys.stdin.read()
        settings = state.settings(require_url=False)
        options = _options(dict(settings.lint), fail_on, pg_version, exclude, start_after).with_runner(settings)
        if stdin_filename:
            from ..lint.project import lint_stdin

            report = lint_stdin(settings, stdin_filename, text, options=options, cache=cache)
        else:
            report = lint_text(text, options, path="<stdin>")
        return _print(state, report, fmt, options)
    reports = []
    code = 0
    # Files named from outside their project (a monorepo's pre-commit hook runs at the git top,
    # and may pass files of several projects): each project's files are linted with its settings,
    # as if --config pointed at it.
    for config, group in _by_project(paths, state) if paths else [(getattr(state, "config", None), [])]:
        _use_config(state, config)
        every = (list(state.all_settings(require_url=pending)) if not paths and _component(state) == "all"
                 else [state.settings(require_url=pending)])
        for settings in every:  # one per component with --component all
            options = _options(dict(settings.lint), fail_on, pg_version, exclude, start_after).with_runner(settings)
            part = lint_project(settings, paths=group, pending=pending, changed_since=changed_since,
                                options=options, jobs=jobs, cache=cache)
            code = max(code, part.exit_code(options.fail_on))
            reports.append(part)
    report = reports[0]
    for other in reports[1:]:
        report = report.joined(other)
    _print(state, report, fmt, options)
    return code


def _print(state: Any, report: Any, fmt: str, options: Any) -> int:
    from ..lint import render

    color = fmt == "text" and _wants_color()
    # color=: click strips ANSI codes from output that is not a terminal unless told otherwise.
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(render(report, fmt, fail_on=options.fail_on, color=color,
                      verbose=bool(getattr(state, "verbose", False)), quiet=bool(getattr(state, "quiet", False))),
               nl=False, color=color)
    return int(report.exit_code(options.fail_on))


def _list_rules(fmt: str, options: Any) -> None:
    from ..lint.rules import RULES

    def here(rule: Any) -> str:
        """The severity this project's settings give the rule ("off" when turned off)."""
        if rule.id in options.rules:
            level = options.rules[rule.id]
            return "off" if level is None else str(level.value)
        return str(rule.severity.value)

    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": r.id, "severity": r.severity.value, "configured": here(r), "summary": r.summary,
                                "safe": r.safe, "lock_related": r.lock_related, "destructive": r.destructive}
                               for r in RULES], indent=2))
        return
    width = max(len(r.id) for r in RULES)
    for rule in RULES:
        level = here(rule)
        changed = f" (default {rule.severity.value})" if level != rule.severity.value else ""
        click.echo(f"{rule.id:<{width}}  {level:<7}  {rule.summary}{changed}")


def _by_project(paths: list[Path], state: Any) -> list[tuple[str | None, list[Path]]]:
    """``paths`` grouped by the configuration that decides them: (--config or the file found, paths).

    With --config, or a configuration for the working directory, that one decides for all.
    Otherwise each path takes the project it lives in (the nearest lockgate.toml above it,
    up to the git top); paths in none take the defaults (None). Order is kept within groups.
    """
    given = getattr(state, "config", None)
    if given or not hasattr(state, "config"):
        return [(given, paths)]
    from ..config import find_config, find_project_dir

    if find_config(find_project_dir(Path.cwd())) is not None:
        return [(None, paths)]
    groups: dict[str | None, list[Path]] = {}
    for path in paths:
        folder = path if path.is_dir() else path.parent
        config = find_config(find_project_dir(folder))
        groups.setdefault(str(config) if config is not None else None, []).append(path)
    return list(groups.items())


def _use_config(state: Any, config: str | None) -> None:
    if hasattr(state, "config"):
        state.config = config


def _component(state: Any) -> str | None:
    pick = getattr(state, "_env_component", None)
    return pick() if callable(pick) else None


def _options(table: dict[str, Any], fail_on: str | None, pg_version: str | None, exclude: list[str],
             start_after: str | None) -> Any:
    from ..lint import LintOptions
    from ..lint.finding import Severity
    from ..lint.options import parse_pg_version, parse_version

    options = LintOptions.from_config(table)
    if fail_on:
        options = options.replace(fail_on=Severity.parse(fail_on))
    if pg_version:
        options = options.replace(pg_version=parse_pg_version(pg_version))
    if exclude:
        options = options.excluding(exclude)
    if start_after:
        options = options.replace(start_after=parse_version(start_after))
    return options


def _wants_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()
