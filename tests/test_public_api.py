"""The public surface: __all__ is what the package offers, and every CLI command is an API function."""

from __future__ import annotations

import inspect

import lockgate
from lockgate import api
from lockgate.cli.app import cli


def test_all_names_resolve() -> None:
    for name in lockgate.__all__:
        assert getattr(lockgate, name) is not None, name


def test_unknown_attribute_raises() -> None:
    try:
        lockgate.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_every_command_mirrors_an_api_function() -> None:
    cli_only = {"completion", "lint"}  # lint lives in lockgate.lint; completion is terminal-only
    for name in cli.commands:
        if name in cli_only:
            continue
        fn = getattr(api, name, None)
        assert callable(fn), f"CLI command {name!r} has no lockgate.api.{name}()"
        assert name in lockgate.__all__, name


def test_api_functions_have_docstrings_and_no_print() -> None:
    for name in ("status", "up", "down", "verify", "repair", "baseline", "history", "new", "init"):
        fn = getattr(api, name)
        assert fn.__doc__ and fn.__doc__.strip(), name
        assert "print(" not in inspect.getsource(fn), name


def test_settings_repr_hides_password() -> None:
    s = lockgate.load_settings("/tmp", database_url="postgresql://app:Sup3rSecret@db/shop", environ={})
    assert "Sup3rSecret" not in repr(s)
    assert "Sup3rSecret" not in str(s.database_url)
    assert s.database_url.secret().endswith("@db/shop")
