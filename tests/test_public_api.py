"""The public surface: __all__ is what the package offers, every CLI command is an API function
with the same parameters, and errors carry their exit codes."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import lockgate
from fixtures.projects import clean_env
from lockgate import api
from lockgate.cli.app import cli

COMMANDS = ["init", "new", "status", "up", "down", "verify", "repair", "baseline", "history", "check"]
# Commands whose API function is named for the value it returns (a live view has no single result).
_API_OF = {"monitor": "monitor_snapshot"}


def test_every_name_in_all_exists() -> None:
    for name in lockgate.__all__:
        assert getattr(lockgate, name) is not None, name
    for name in COMMANDS + ["load_settings", "LockgateError", "State"]:
        assert name in lockgate.__all__, name


def test_lockgate_lint_is_always_the_linter_package(tmp_path: Path) -> None:
    """The API function is lint_project: a function called ``lint`` would be replaced by the
    subpackage of that name as soon as anything imported it."""
    code = ("import lockgate, sys\n"
            "assert lockgate.lint.lint_project is lockgate.lint.project.lint_project\n"
            "s = lockgate.load_settings(sys.argv[1], require_url=False)\n"
            "import lockgate.lint.formats\n"
            "for _ in range(2):\n"
            "    print(len(lockgate.lint_project(s).files), len(lockgate.lint.lint_project(s).files))\n")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_a.up.sql").write_text("CREATE TABLE IF NOT EXISTS a (id int);\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=clean_env(), capture_output=True,
                         text=True, timeout=60)
    assert (out.returncode, out.stdout) == (0, "1 1\n1 1\n"), out.stderr


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        lockgate.no_such_thing  # type: ignore[attr-defined]  # noqa: B018


def test_every_command_mirrors_an_api_function() -> None:
    cli_only = {"completion", "lint"}  # lint lives in lockgate.lint; completion is terminal-only
    import click

    names = [f"{name}_{sub}" if isinstance(cmd, click.Group) else name for name, cmd in cli.commands.items()
             for sub in (cmd.commands if isinstance(cmd, click.Group) else [None])]  # schema dump: schema_dump
    for name in names:
        if name in cli_only:
            continue
        # In lockgate.api, or a module of its own re-exported from lockgate (lockgate.verbs).
        fn = getattr(api, _API_OF.get(name, name), None) or getattr(lockgate, _API_OF.get(name, name), None)
        assert callable(fn), f"CLI command {name!r} has no lockgate.api.{name}() nor lockgate.{name}()"
        assert _API_OF.get(name, name) in lockgate.__all__, name


def test_api_functions_have_docstrings_and_no_print() -> None:
    for name in COMMANDS:
        fn = getattr(api, name)
        assert fn.__doc__ and fn.__doc__.strip(), name
        assert "print(" not in inspect.getsource(fn), name


def test_settings_repr_hides_password() -> None:
    s = lockgate.load_settings("/tmp", database_url="postgresql://app:Sup3rSecret@db/shop", environ={})
    assert "Sup3rSecret" not in repr(s)
    assert "Sup3rSecret" not in str(s.database_url)
    assert s.database_url.secret().endswith("@db/shop")


def test_error_classes_carry_exit_codes() -> None:
    from lockgate import errors

    expected = {"ConfigError": 2, "UrlError": 2, "MigrationFileError": 2, "EmptyMigrationError": 1,
                "MigrationContentError": 1, "DownNeedsNoTransaction": 1,
                "AuthenticationFailed": 2, "ForeignLedgerError": 2, "ConnectionFailed": 1, "LockTimeout": 1,
                "ChecksumMismatch": 1, "DirtyMigrationError": 1, "MissingDownError": 1, "MigrationFailed": 1,
                "OutOfOrderError": 1, "NonEmptyDatabaseError": 2, "LedgerSchemaMissing": 2, "WaitTimeout": 1}
    for name, code in expected.items():
        cls = getattr(errors, name)
        assert issubclass(cls, lockgate.LockgateError), name
        assert cls.exit_code == code, name


# CLI spellings of API parameters where they differ on purpose.
_CLI_NAME = {"auto_recover": "no_auto_recover", "directory": "directory"}
_NOT_ON_CLI = {"settings", "on_event"}


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_command_has_the_api_function_parameters(command: str) -> None:
    assert command in cli.commands, f"lockgate {command} is missing"
    api_params = set(inspect.signature(getattr(lockgate, command)).parameters) - _NOT_ON_CLI
    cli_params = {p.name for p in cli.commands[command].params} | {p.name for p in cli.params}
    if command == "repair":  # --clear-dirty / --delete / --accept-checksum are the `action`
        cli_params.add("action")
    missing = {p for p in api_params if _CLI_NAME.get(p, p) not in cli_params}
    if command == "init":
        missing -= {"database_url"}  # the global --database-url
    assert not missing, f"lockgate {command} lacks options for API parameters {sorted(missing)}"
