"""Secrets in SQL, found by PostgreSQL's lexer: every quoting form, the value only."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from lockgate.redact import REDACTED, may_hold_secret, redact_mapping, redact_text

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


# Each form the issue lists: the literal goes, the statement and the server's message stay.
@pytest.mark.parametrize("sql,kept", [
    ("CREATE ROLE app PASSWORD $$SECRET$$ IN ROLE nosuch", "CREATE ROLE app PASSWORD '***' IN ROLE nosuch"),
    ("ALTER ROLE app PASSWORD $pw$SECRET$pw$ VALID UNTIL 'infinity'",
     "ALTER ROLE app PASSWORD '***' VALID UNTIL 'infinity'"),
    ("ALTER ROLE app PASSWORD E'SEC\\'RET' LOGIN", "ALTER ROLE app PASSWORD '***' LOGIN"),
    ("ALTER ROLE app PASSWORD U&'SECRET' LOGIN", "ALTER ROLE app PASSWORD '***' LOGIN"),
    ("ALTER ROLE app WITH ENCRYPTED password 'SECRET'", "ALTER ROLE app WITH ENCRYPTED password '***'"),
    ("CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password 'SECRET')",
     "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password '***')"),
    ("ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password 'SECRET')",
     "ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password '***')"),
    ("UPDATE settings SET api_key = 'SECRET' WHERE id = 1", "UPDATE settings SET api_key = '***' WHERE id = 1"),
    ("SET my.token TO 'SECRET'", "SET my.token TO '***'"),
    ("SET app.client_secret = E'SECRET'", "SET app.client_secret = '***'"),
    ("SELECT set_config('app.api_token', 'SECRET', false)", "SELECT set_config('app.api_token', '***', false)"),
    ("INSERT INTO settings (name, value) VALUES ('smtp_password', E'SECRET'), ('host', 'mail')",
     "INSERT INTO settings (name, value) VALUES ('smtp_password', '***'), ('host', 'mail')"),
    ("SELECT dblink_connect('c1', 'host=db password=SECRET dbname=shop')",
     "SELECT dblink_connect('c1', 'host=db password=*** dbname=shop')"),
    ("SELECT dblink_connect('host=db password=''SE CRET'' dbname=shop')",
     "SELECT dblink_connect('host=db password=''***'' dbname=shop')"),
    ("SELECT * FROM dblink('postgresql://app:SECRET@db/shop', 'SELECT 1') AS t(a int)",
     "SELECT * FROM dblink('postgresql://app:***@db/shop', 'SELECT 1') AS t(a int)"),
])
def test_every_sql_form_masks_the_value_only(sql: str, kept: str) -> None:
    assert redact_text(sql) == kept


def test_a_statement_inside_an_error_message_keeps_the_server_message() -> None:
    msg = ("Migration 0002_role failed at 0002_role.up.sql:3 (ALTER ROLE app PASSWORD $$SECRET$$): "
           "role \"app\" does not exist (SQLSTATE 42704); it was rolled back. Fix the SQL, it's easy")
    assert redact_text(msg) == msg.replace("$$SECRET$$", "'***'")


def test_an_unterminated_secret_literal_is_masked_to_the_end() -> None:
    # A snippet cut at 80 characters: where the literal ends is unknown, so all of it goes.
    assert redact_text("(ALTER ROLE app PASSWORD 'SECRETSECRET...") == "(ALTER ROLE app PASSWORD '***'"


@pytest.mark.parametrize("text", ["relation \"users\" does not exist", "duplicate key value violates unique "
                                  "constraint \"users_pkey\" (DETAIL: Key (id)=(1) already exists.)",
                                  "SELECT 'a' AS name", "it's a token of thanks", "0001_a failed near 'x': unknown"])
def test_text_without_a_secret_is_unchanged(text: str) -> None:
    assert redact_text(text) == text


def test_the_pre_check_skips_text_that_cannot_hold_a_secret() -> None:
    assert not may_hold_secret("Migration 0001_create_users applied in 12 ms")
    assert may_hold_secret("ALTER ROLE app PASSWORD 'x'") and may_hold_secret("postgresql://a@b/c")


_secretish = st.sampled_from(["password", "api_key", "token", "client_secret", "apiKey"])
_quote = st.sampled_from(["'{}'", "E'{}'", "$${}$$", "$q${}$q$", "U&'{}'"])


@given(name=_secretish, quote=_quote, pw=_pw, glue=st.sampled_from([" = ", " TO ", " "]),
       tail=st.sampled_from(["", " WHERE id = 1", "; SELECT 1", ": relation \"t\" does not exist"]))
def test_any_quoting_of_a_secret_value_is_masked(name: str, quote: str, pw: str, glue: str, tail: str) -> None:
    if name == "password":
        glue = " "
    out = redact_text(f"UPDATE t SET {name}{glue}{quote.format(pw)}{tail}")
    assert out == f"UPDATE t SET {name}{glue}'***'{tail}"


def test_secret_keys_are_redacted_whole() -> None:
    data = redact_mapping({"password": "x1", "apiToken": "t", "connectionString": "c", "DATABASE_URL": "u",
                           "checksum": "abc", "version": "0010_a"})
    assert data == {"password": REDACTED, "apiToken": REDACTED, "connectionString": REDACTED,
                    "DATABASE_URL": REDACTED, "checksum": "abc", "version": "0010_a"}


@pytest.mark.parametrize("at", [1985, 1995, 2000, 2010])
def test_a_long_failing_statement_is_cut_after_its_secrets_are_masked(at: int) -> None:
    from pathlib import Path

    from lockgate.errors import MigrationFailed

    head = "SELECT " + "1, " * ((at - 7) // 3)
    for secret_sql in ("'postgresql://app:Zq7SECRETpw@db/shop'", "PASSWORD $$Zq7SECRETpw$$"):
        statement = head + secret_sql + ", 2" * 500_000  # a few MB, as a seed file's one INSERT
        err = MigrationFailed("0001_a", path=Path("0001_a.up.sql"), line=1, statement=statement, error="boom",
                              rolled_back=True)
        assert "SECRETpw" not in err.statement and "SECRETpw" not in str(err)
        assert "Zq7" not in err.statement, err.statement[-80:]
        assert len(err.statement) < 2010
