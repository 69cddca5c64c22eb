"""The one place where secrets are masked.

Everything lockgate writes (terminal, JSON output, the JSONL log, error
messages) passes through here. Two rules:

* a value under a secret-looking key (password, secret, token, key,
  connectionString, DATABASE_URL, ...) becomes ``[REDACTED]``;
* a password inside any URL (``scheme://user:PASSWORD@host``) or a libpq
  ``password=...`` keyword becomes ``***``.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"
_SECRET_KEY_PARTS = ("password", "passwd", "pwd", "secret", "token", "key", "connectionstring",
                     "database_url", "db_url", "credential")
# These are about text, not SQL: a URL's userinfo and libpq keyword pairs.
_URL_PASSWORD = re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<at>@)")
_KEYWORD_PASSWORD = re.compile(r"(?i)\b(?P<pre>password\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)")
# A statement quoted in an error (CREATE ROLE app PASSWORD 'x') must not carry the literal out.
_SQL_PASSWORD = re.compile(r"(?i)\b(?P<pre>password\s+)(?P<pw>'(?:[^']|'')*'?)")


def is_secret_key(key: str) -> bool:
    k = key.lower().replace("-", "_")
    if k in ("checksum", "key_count"):
        return False
    return any(part in k for part in _SECRET_KEY_PARTS)


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Mask URL passwords, ``password=`` pairs and any literal secret given."""
    if not text:
        return text
    out = _URL_PASSWORD.sub(lambda m: f"{m.group('pre')}***{m.group('at')}", text)
    out = _KEYWORD_PASSWORD.sub(lambda m: f"{m.group('pre')}***", out)
    out = _SQL_PASSWORD.sub(lambda m: f"{m.group('pre')}'***'", out)
    for s in secrets:
        if s and len(s) >= 3:
            out = out.replace(s, "***")
    return out


def redact_value(key: str, value: Any, secrets: tuple[str, ...] = ()) -> Any:
    """Redact one mapping entry: whole value for secret keys, URL masking otherwise."""
    if is_secret_key(key) and value not in (None, "", False):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return redact_mapping(value, secrets)
    if isinstance(value, (list, tuple)):
        return [redact_value("", v, secrets) for v in value]
    return value


def redact_mapping(data: dict[str, Any], secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: redact_value(k, v, secrets) for k, v in data.items()}
