from __future__ import annotations

from hypothesis import given, strategies as st

from lockgate.redact import REDACTED, redact_mapping, redact_text

_pw = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122, whitelist_categories=("Ll", "Lu", "Nd")),
              min_size=4, max_size=24).map(lambda s: "Zq7" + s)  # never a substring of the text around it


@given(_pw)
def test_sql_password_literal_is_masked(pw: str) -> None:
    out = redact_text(f"CREATE ROLE app LOGIN PASSWORD '{pw}'; ALTER USER x WITH ENCRYPTED PASSWORD '{pw}'")
    assert pw not in out
    assert out.count("PASSWORD '***'") == 2


@given(_pw)
def test_url_and_keyword_passwords_are_masked(pw: str) -> None:
    out = redact_text(f"postgresql://app:{pw}@db:5432/shop host=db password={pw} user=app")
    assert pw not in out
    assert "postgresql://app:***@db:5432/shop" in out


def test_secret_keys_are_redacted_whole() -> None:
    data = redact_mapping({"password": "x1", "apiToken": "t", "connectionString": "c", "DATABASE_URL": "u",
                           "checksum": "abc", "version": "0010_a"})
    assert data == {"password": REDACTED, "apiToken": REDACTED, "connectionString": REDACTED,
                    "DATABASE_URL": REDACTED, "checksum": "abc", "version": "0010_a"}
