"""The one place where secrets are masked.

Everything lockgate writes passes through :func:`redact_text`: the terminal
(``cli/render.py``, the CLI's error line and ``--debug`` traceback), ``--json``
output, the JSONL log (``events.py``), the history table's ``error`` and ``note``
columns (``ledger.py``), and every exception's message (``errors.py``). Its rules:

* SQL: a string literal after ``PASSWORD`` (``CREATE ROLE``, ``OPTIONS (password
  '…')``) or after a secret-looking name (``api_key = '…'``, ``SET my.token TO
  '…'``) becomes ``'***'``, in any quoting (``E'…'``, ``U&'…'``, ``$$…$$``); a literal
  that is a connection string keeps all but its password (:mod:`.sql`, by
  PostgreSQL's lexer);
* text: a URL's password (``scheme://user:***@host/db``) and libpq's
  ``password=***`` (:mod:`.text`);
* mappings: a value under a secret-looking key (password, secret, token, key,
  connectionString, DATABASE_URL, ...) becomes ``[REDACTED]``;
* any literal secret the caller knows (the URL's password) becomes ``***``.

Only the value is masked, never the text after it:

>>> redact_text("Migration 0002 failed (ALTER ROLE app PASSWORD $$s3cr3t$$): role \\"app\\" does not exist")
'Migration 0002 failed (ALTER ROLE app PASSWORD \\'***\\'): role "app" does not exist'

Redaction runs on every event, so text that cannot hold a secret (no
secret-looking word, no ``://``) costs one lower-casing and a few ``in`` tests.
"""

from __future__ import annotations

from typing import Any

from .sql import apply_spans, secret_spans
from .text import MASK, redact_keywords, redact_urls

REDACTED = "[REDACTED]"
_SECRET_KEY_PARTS = ("password", "passwd", "pwd", "secret", "token", "key", "connectionstring",
                     "database_url", "db_url", "credential")
# Words that must be in a text for a secret to be in it (plus "://" for a URL).
_TRIGGERS = ("pass", "pwd", "secret", "token", "key", "credential", "database_url", "db_url", "connectionstring")


def is_secret_key(key: str) -> bool:
    k = key.lower().replace("-", "_")
    if k in ("checksum", "key_count"):
        return False
    return any(part in k for part in _SECRET_KEY_PARTS)


def may_hold_secret(text: str) -> bool:
    """The cheap pre-check: False means no rule can match."""
    if "://" in text:
        return True
    low = text.lower()
    return any(word in low for word in _TRIGGERS)


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with every secret masked: SQL literals, URL and libpq passwords, ``secrets``."""
    if not text:
        return text
    out = text
    if may_hold_secret(out):
        # URLs first: a password typed without percent-encoding may hold a quote, which the
        # SQL lexer would take for the start of a literal.
        out = redact_urls(out)
        if "'" in out or "$" in out:  # no quote, no dollar: no string literal for the lexer to find
            out = apply_spans(out, secret_spans(out, is_secret_key))
        out = redact_keywords(out)
    for s in secrets:
        if s and len(s) >= 3:
            out = out.replace(s, MASK)
    return out


def redact_value(key: str, value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """Redact one mapping entry: whole value for secret keys, :func:`redact_text` otherwise."""
    if is_secret_key(key) and value not in (None, "", False):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return redact_mapping(value, secrets)
    if isinstance(value, (list, tuple)):
        return [redact_value("", v, secrets) for v in value]
    return value


def redact_strings(data: Any) -> Any:
    """Every string inside ``data`` (dicts, lists) through :func:`redact_text`; keys are kept,
    as ``--json`` output's fields are lockgate's own names."""
    if isinstance(data, str):
        return redact_text(data)
    if isinstance(data, dict):
        return {k: redact_strings(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_strings(v) for v in data]
    return data


def redact_mapping(data: dict[str, Any], secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: redact_value(k, v, secrets) for k, v in data.items()}


__all__ = ["REDACTED", "is_secret_key", "may_hold_secret", "redact_mapping", "redact_strings", "redact_text",
           "redact_value"]
