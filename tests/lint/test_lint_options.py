"""The [lint] table of lockgate.toml and the version flag."""

from __future__ import annotations

import pytest

from lockgate.errors import ConfigError
from lockgate.lint import LintOptions, Severity
from lockgate.lint.options import parse_pg_version


def test_defaults() -> None:
    options = LintOptions.from_config(None)
    assert options.fail_on is Severity.ERROR and options.pg_version is None
    assert options.small_table_rows == 10_000 and options.severity_for("non-idempotent") is Severity.INFO


def test_a_full_table() -> None:
    options = LintOptions.from_config({"fail_on": "warning", "pg_version": "12.4", "small_table_rows": 500,
                                       "rules": {"missing-down": "error", "non-idempotent": "off"}})
    assert (options.fail_on, options.pg_version, options.small_table_rows) == (Severity.WARNING, 12, 500)
    assert options.severity_for("missing-down") is Severity.ERROR
    assert options.severity_for("non-idempotent") is None


@pytest.mark.parametrize("table, words", [
    ({"fail_onn": "error"}, "did you mean 'fail_on'"),
    ({"rules": {"drop-tables": "off"}}, "did you mean 'drop-table'"),
    ({"rules": {"drop-table": "fatal"}}, "must be one of error, warning, info, off"),
    ({"fail_on": "off"}, "must be one of error, warning, info,"),
    ({"small_table_rows": -1}, "whole number"),
    ({"pg_version": "latest"}, "major version"),
    ({"rules": ["drop-table"]}, "must be a table"),
])
def test_bad_values_are_config_errors(table: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError) as err:
        LintOptions.from_config(table)
    assert words in err.value.message and err.value.exit_code == 2


@pytest.mark.parametrize("value, major", [(15, 15), ("16", 16), ("9.6", 9), ("12.4", 12), (150004, 15),
                                          (90624, 9)])
def test_pg_version_forms(value: object, major: int) -> None:
    assert parse_pg_version(value) == major


@pytest.mark.parametrize("value", [True, "x", 8, 100])
def test_bad_pg_versions(value: object) -> None:
    with pytest.raises(ConfigError):
        parse_pg_version(value)


@pytest.mark.parametrize("value, cache", [("off", False), ("OFF", False), ("false", False), (False, False),
                                          (" On ", True), ("TRUE", True), (True, True),
                                          ("build/lint-cache", "build/lint-cache"), ("./off", "./off")])
def test_cache_takes_words_for_true_and_false(value: object, cache: object) -> None:
    assert LintOptions.from_config({"cache": value}).cache == cache


@pytest.mark.parametrize("value", ["", " ", 3])
def test_bad_cache_values(value: object) -> None:
    with pytest.raises(ConfigError, match="lint.cache"):
        LintOptions.from_config({"cache": value})
