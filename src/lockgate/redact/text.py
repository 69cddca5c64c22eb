"""Secrets in text that is not SQL: a URL's userinfo and libpq's ``password=`` pair.

Each rule masks the value and nothing after it, so the server's message that
follows a masked password stays readable:

>>> redact_plain("postgresql://app:p@ss/w#rd@db:5432/shop: connection refused")
'postgresql://app:***@db:5432/shop: connection refused'
>>> redact_plain("host=db password=hunter2 dbname=shop")
'host=db password=*** dbname=shop'
"""

from __future__ import annotations

import re

MASK = "***"

# scheme://user:PASSWORD@host. A password a user typed without percent-encoding may hold
# any of @ / : # ? [ ]: the userinfo runs to the last @ of the word, never across a space.
_URL_PASSWORD = re.compile(r"(?P<pre>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s]*:)(?P<pw>\S*)(?=@)")
# ?password=... in a URL's query: the value ends at the next & or #.
_QUERY_PASSWORD = re.compile(r"(?i)(?P<pre>[?&](?:ssl)?password=)(?P<pw>[^&#\s]*)")
# libpq's keyword=value form: 'quoted value' (backslash escapes) or a bare word.
_KEYWORD_PASSWORD = re.compile(
    r"(?i)(?<![?&])(?P<pre>\b\w*password\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|(?:[^\s'\\]|\\.)+)")


def _mask(m: re.Match[str]) -> str:
    pw = m.group("pw")
    if pw in ("", "''", MASK, f"'{MASK}'"):  # nothing, or masked already (by the SQL rules)
        return m.group(0)
    return m.group("pre") + (f"'{MASK}'" if pw.startswith("'") else MASK)


def _mask_url(m: re.Match[str]) -> str:
    return m.group(0) if m.group("pw") == MASK else m.group("pre") + MASK


def redact_plain(text: str) -> str:
    """Mask URL passwords, ``?password=`` and ``password=`` values in ``text``."""
    return redact_keywords(redact_urls(text))


def redact_urls(text: str) -> str:
    """Mask the password of every ``scheme://user:password@`` in ``text``."""
    return _URL_PASSWORD.sub(_mask_url, text) if "://" in text else text


def redact_keywords(text: str) -> str:
    """Mask the value of every ``?password=`` (URL query) and ``password=`` (libpq) in ``text``."""
    if "assword" in text or "ASSWORD" in text:
        text = _QUERY_PASSWORD.sub(_mask, text)
        text = _KEYWORD_PASSWORD.sub(_mask, text)
    return text


def may_hold_plain_secret(text: str) -> bool:
    return "://" in text or "password" in text.lower()
