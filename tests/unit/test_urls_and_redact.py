"""Database URLs and the redaction every output goes through."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

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


# Every character a password may hold, the URL's own delimiters (@ / : # ? [ ] %) included;
# only whitespace and control characters, which no URL word holds, are left out.
_PASSWORD_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"))
_RESERVED = "@/:#?[]%"
_BAD_PASSWORD_MESSAGE = str(UrlError("Database URL postgresql://***@db.internal:5432/shop: its user name or password "
                                     "holds a character that must be percent-encoded."))


@given(st.text(alphabet=_PASSWORD_CHARS, min_size=1, max_size=30))
def test_any_password_in_any_url_is_masked(password: str) -> None:
    out = redact_text(f"could not connect to postgresql://app:{password}@db.internal:5432/shop (timeout)")
    assert out == "could not connect to postgresql://app:***@db.internal:5432/shop (timeout)"


@given(st.text(alphabet=_PASSWORD_CHARS, min_size=1, max_size=30))
def test_any_percent_encoded_password_parses_back(password: str) -> None:
    u = DatabaseUrl.parse(f"postgresql://app:{quote(password, safe='')}@db.internal:5432/shop")
    assert u.password == password
    assert password not in str(u) or password in "postgresql://app:***@db.internal:5432/shop"


# "Zq" first: a password starting with digits then "/" reads as a port (postgresql://app:12/x@...
# is host app, port 12, database "x@..."), which is what libpq would do too.
_unencoded = st.tuples(st.text(alphabet=_PASSWORD_CHARS, max_size=8),
                       st.lists(st.tuples(st.sampled_from(list(_RESERVED)),
                                          st.text(alphabet=_PASSWORD_CHARS, max_size=8)), max_size=4)).map(
    lambda t: "Zq" + t[0] + "".join(sep + piece for sep, piece in t[1]))


@given(_unencoded)
def test_an_unencoded_password_parses_as_meant_or_is_refused_without_a_piece_of_it(password: str) -> None:
    raw = f"postgresql://app:{password}@db.internal:5432/shop"
    try:
        u = DatabaseUrl.parse(raw)
    except UrlError as exc:
        assert exc.exit_code == 2
        message = str(exc)
        assert "percent-encode" in message
        for i in range(len(password) - 3):
            piece = password[i:i + 4]
            assert piece not in message or piece in _BAD_PASSWORD_MESSAGE, (piece, message)
        return
    # Accepted: libpq reads the user info as meant (up to the one @), so does urllib.
    assert u.password == unquote(password)
    assert not any(c in password for c in "@/#?[]")


@pytest.mark.parametrize("password", ["p@ss", "p/ss", "p#ss", "p?ss", "p[ss", "ab%zz"])
def test_each_unencoded_delimiter_is_refused_with_the_fix(password: str) -> None:
    with pytest.raises(UrlError) as info:
        DatabaseUrl.parse(f"postgresql://app:Secr3t{password}x@db:5432/shop")
    assert "Secr3t" not in str(info.value) and "ss" not in str(info.value).replace("password", "")
    assert "%40" in str(info.value) and info.value.exit_code == 2


@pytest.mark.parametrize("raw", ["POSTGRESQL://app@db/shop", "Postgres://app@db/shop", "postgresql+psycopg://app@db/s",
                                 "PostgreSQL://app:pw@db:5432/shop?sslmode=require"])
def test_schemes_are_case_insensitive_and_reach_libpq_in_its_spelling(raw: str) -> None:
    u = DatabaseUrl.parse(raw)
    assert u.engine == "postgresql"
    assert u.secret().startswith("postgresql://")


def test_an_at_sign_in_the_query_is_not_taken_for_a_password() -> None:
    assert DatabaseUrl.parse("postgresql://db:5432/shop?user=a@b").options == {"user": "a@b"}
    # With user info too, which @ ends it is a guess: lockgate asks for %40 rather than guess.
    with pytest.raises(UrlError):
        DatabaseUrl.parse("postgresql://app@db/shop?application_name=x@y")


def test_query_options_are_read() -> None:
    assert DatabaseUrl.parse("postgresql://app@db/shop?connect_timeout=3&sslmode=require").options == {
        "connect_timeout": "3", "sslmode": "require"}


def test_libpq_keyword_password_is_masked() -> None:
    out = redact_text("host=db user=app password=hunter2xyz dbname=shop")
    assert "hunter2xyz" not in out


@pytest.mark.parametrize("key", ["password", "secret", "token", "api_key", "connectionString", "DATABASE_URL"])
def test_secret_keys_are_redacted(key: str) -> None:
    assert redact_mapping({key: "abc123", "version": "0010"}) == {key: REDACTED, "version": "0010"}


def test_checksum_is_not_mistaken_for_a_secret() -> None:
    assert redact_mapping({"checksum": "ab" * 32}) == {"checksum": "ab" * 32}
