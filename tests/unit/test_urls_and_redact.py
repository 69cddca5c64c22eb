"""Database URLs and the redaction every output goes through."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lockgate.errors import UrlError
from lockgate.redact import REDACTED, redact_mapping, redact_text
from lockgate.urls import DatabaseUrl


@pytest.mark.parametrize("raw,engine", [
    ("postgresql://u:pw@h:5432/db", "postgresql"),
    ("postgres://u:pw@h/db", "postgresql"),
    ("sqlite:///rel.db", "sqlite"),
    ("sqlite:////abs/x.db", "sqlite"),
])
def test_engines(raw: str, engine: str) -> None:
    assert DatabaseUrl.parse(raw).engine == engine


def test_sqlite_relative_path_is_relative_to_the_project(tmp_path: Path) -> None:
    assert DatabaseUrl.parse("sqlite:///data/app.db", base_dir=tmp_path).sqlite_path == tmp_path / "data/app.db"
    assert DatabaseUrl.parse("sqlite:////abs/app.db", base_dir=tmp_path).sqlite_path == Path("/abs/app.db")


@pytest.mark.parametrize("raw", ["mysql://u@h/db", "mongodb://h/db", "http://h/db", "nonsense"])
def test_unknown_scheme_is_a_url_error(raw: str) -> None:
    with pytest.raises(UrlError) as info:
        DatabaseUrl.parse(raw)
    assert info.value.exit_code == 2
    assert "\n" not in info.value.message


def test_url_renders_without_its_password() -> None:
    u = DatabaseUrl.parse("postgresql://app:hunter2xyz@db:5432/shop")
    assert "hunter2xyz" not in str(u)
    assert "hunter2xyz" not in repr(u)
    assert u.password == "hunter2xyz"


def test_malformed_url_error_hides_the_password() -> None:
    with pytest.raises(UrlError) as info:
        DatabaseUrl.parse("postgresql://app:hunter2xyz@db:notaport/shop")
    assert "hunter2xyz" not in str(info.value)


_PASSWORD_CHARS = st.characters(blacklist_characters="@/\\ \t\n\r:#?[]",
                                blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"))


@given(st.text(alphabet=_PASSWORD_CHARS, min_size=4, max_size=30))
def test_any_password_in_any_url_is_masked(password: str) -> None:
    out = redact_text(f"could not connect to postgresql://app:{password}@db.internal:5432/shop (timeout)")
    assert out == "could not connect to postgresql://app:***@db.internal:5432/shop (timeout)"


def test_libpq_keyword_password_is_masked() -> None:
    out = redact_text("host=db user=app password=hunter2xyz dbname=shop")
    assert "hunter2xyz" not in out


@pytest.mark.parametrize("key", ["password", "secret", "token", "api_key", "connectionString", "DATABASE_URL"])
def test_secret_keys_are_redacted(key: str) -> None:
    assert redact_mapping({key: "abc123", "version": "0010"}) == {key: REDACTED, "version": "0010"}


def test_checksum_is_not_mistaken_for_a_secret() -> None:
    assert redact_mapping({"checksum": "ab" * 32}) == {"checksum": "ab" * 32}
