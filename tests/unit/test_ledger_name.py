"""ledger_table names fit PostgreSQL's 63 bytes, its _history table included."""

from __future__ import annotations

import pytest

import lockgate
from lockgate.errors import ConfigError


@pytest.mark.parametrize("name", ["l" * 55, "ops." + "l" * 55, "s" * 63 + ".ledger", "é" * 27])
def test_a_name_that_fits_is_kept(name: str) -> None:
    assert lockgate.load_settings("/tmp", database_url="sqlite:///x.db", ledger_table=name, environ={}).ledger_table == name


@pytest.mark.parametrize(("name", "part", "size"), [("l" * 56, "l" * 56 + "_history", 64),
                                                    ("s" * 64 + ".ledger", "s" * 64, 64),
                                                    ("é" * 28, "é" * 28 + "_history", 64)])
def test_a_longer_name_is_refused_with_its_limit(name: str, part: str, size: int) -> None:
    with pytest.raises(ConfigError) as info:
        lockgate.load_settings("/tmp", database_url="sqlite:///x.db", ledger_table=name, environ={})
    assert info.value.exit_code == 2
    assert f"{part} is {size} bytes, over PostgreSQL's limit of 63" in info.value.message
    assert "at most 55 bytes" in info.value.hint


def test_allow_non_empty_is_a_setting() -> None:
    assert lockgate.load_settings("/tmp", database_url="sqlite:///x.db", environ={}).allow_non_empty is False
    assert lockgate.load_settings("/tmp", database_url="sqlite:///x.db", environ={"LOCKGATE_ALLOW_NON_EMPTY": "true"}).allow_non_empty is True
    with pytest.raises(ConfigError):
        lockgate.load_settings("/tmp", database_url="sqlite:///x.db", environ={"LOCKGATE_ALLOW_NON_EMPTY": "maybe"})
