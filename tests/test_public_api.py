"""The public surface: __all__ is real, import is light, and CLI commands mirror API functions."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import lockgate
from fixtures.projects import clean_env

COMMANDS = ["init", "new", "status", "up", "down", "verify", "repair", "baseline", "history"]


def test_every_name_in_all_exists() -> None:
    for name in lockgate.__all__:
        assert getattr(lockgate, name) is not None, name
    for name in COMMANDS + ["load_settings", "LockgateError", "State"]:
        assert name in lockgate.__all__, name


def test_import_lockgate_is_light() -> None:
    code = ("import sys, lockgate; s = lockgate.load_settings('.', environ={});"
            "print(','.join(m for m in ('psycopg', 'pglast', 'rich', 'click') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()
    assert out == ""


def test_error_classes_carry_exit_codes() -> None:
    from lockgate import errors

    expected = {"ConfigError": 2, "UrlError": 2, "MigrationFileError": 2, "EmptyMigrationError": 2,
                "AuthenticationFailed": 2, "ForeignLedgerError": 2, "ConnectionFailed": 1, "LockTimeout": 1,
                "ChecksumMismatch": 1, "DirtyMigrationError": 1, "MissingDownError": 1, "MigrationFailed": 1,
                "OutOfOrderError": 1}
    for name, code in expected.items():
        cls = getattr(errors, name)
        assert issubclass(cls, lockgate.LockgateError), name
        assert cls.exit_code == code, name


# CLI spellings of API parameters where they differ on purpose.
_CLI_NAME = {"auto_recover": "no_auto_recover", "directory": "directory"}
_NOT_ON_CLI = {"settings", "on_event"}


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_command_mirrors_the_api_function(command: str) -> None:
    from lockgate.cli.app import cli

    assert command in cli.commands, f"lockgate {command} is missing"
    api_params = set(inspect.signature(getattr(lockgate, command)).parameters) - _NOT_ON_CLI
    cli_params = {p.name for p in cli.commands[command].params} | {p.name for p in cli.params}
    if command == "repair":  # --clear-dirty / --delete / --accept-checksum are the `action`
        cli_params.add("action")
    missing = {p for p in api_params if _CLI_NAME.get(p, p) not in cli_params}
    if command == "init":
        missing -= {"database_url"}  # the global --database-url
    assert not missing, f"lockgate {command} lacks options for API parameters {sorted(missing)}"
