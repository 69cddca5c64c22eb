"""Database URLs: parse, classify by engine, and render without the password.

>>> u = DatabaseUrl.parse("postgresql://app:pw@db:5432/shop")
>>> u.engine, "pw" in str(u), "pw" in repr(u)
('postgresql', False, False)
>>> DatabaseUrl.parse("sqlite:///data/app.db").sqlite_path
PosixPath('data/app.db')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import UrlError
from .redact import redact_text

_ENGINES = {
    "postgresql": "postgresql", "postgres": "postgresql",
    "postgresql+psycopg": "postgresql", "postgresql+psycopg2": "postgresql",
    "sqlite": "sqlite", "sqlite3": "sqlite",
}


@dataclass(frozen=True)
class DatabaseUrl:
    """A database URL whose str() and repr() never show the password."""

    engine: str
    _raw: str = field(repr=False)
    path: Path | None = None  # the file, for SQLite

    @classmethod
    def parse(cls, raw: str, *, base_dir: Path | None = None) -> "DatabaseUrl":
        raw = raw.strip()
        if "://" not in raw and ":" not in raw and raw:
            raise UrlError(f"Database URL {redact_text(raw)!r} has no scheme.",
                           hint="Use postgresql://user@host/dbname or sqlite:///path/to/file.db.")
        scheme = raw.split(":", 1)[0].lower()
        engine = _ENGINES.get(scheme)
        if engine is None:
            raise UrlError(f"Database URL scheme {scheme!r} is not supported.",
                           hint="Use postgresql://user@host/dbname or sqlite:///path/to/file.db "
                                "(MySQL and others are planned).")
        if engine == "sqlite":
            rest = raw.split(":", 1)[1].split("?", 1)[0]
            # sqlite:///rel.db is relative, sqlite:////abs.db absolute, sqlite:rel.db relative.
            path = rest[3:] if rest.startswith("///") else rest[2:] if rest.startswith("//") else rest
            if not path:
                raise UrlError("SQLite URL has no file path.",
                               hint="Use sqlite:///relative/path.db or sqlite:////absolute/path.db.")
            p = Path(unquote(path))
            if base_dir is not None and not p.is_absolute() and path != ":memory:":
                p = base_dir / p
            return cls(engine, raw, p)
        # libpq takes "postgresql://" or "postgres://" only, in lower case.
        raw = "postgresql" + raw[len(scheme):]
        _check_userinfo(raw)
        try:
            parts = urlsplit(raw)
            _ = parts.port  # raises on a non-numeric port
        except ValueError:
            # Not the parser's words: they quote the piece it choked on, which may be the password's.
            raise UrlError(f"Database URL {_hidden(raw)} is malformed: its host or port cannot be read.",
                           hint="Check the host and port: postgresql://user@host:5432/dbname.") from None
        return cls(engine, raw)

    @property
    def sqlite_path(self) -> Path:
        assert self.path is not None, "not a SQLite URL"
        return self.path

    @property
    def password(self) -> str | None:
        if self.engine == "sqlite":
            return None
        pw = urlsplit(self._raw).password
        return unquote(pw) if pw else None

    @property
    def options(self) -> dict[str, str]:
        """The URL's query options (``?connect_timeout=5&sslmode=require``), last one wins."""
        if self.engine == "sqlite":
            return {}
        return {k: v[-1] for k, v in parse_qs(urlsplit(self._raw).query).items()}

    @property
    def target(self) -> str:
        """Which database this is, as a user is told before anything changes: the URL without its
        password, or a SQLite file's absolute path.

        >>> DatabaseUrl.parse("postgresql://app:pw@db/shop").target
        'postgresql://app:***@db/shop'
        >>> DatabaseUrl.parse("sqlite:////srv/app.db").target
        '/srv/app.db'
        """
        if self.path is None:
            return str(self)
        return str(self.path) if str(self.path) == ":memory:" else str(self.path.absolute())

    def secret(self) -> str:
        """The URL with its password, for the driver only. Never print this."""
        return self._raw

    def __str__(self) -> str:
        return redact_text(self._raw)


# One host, [IPv6] or name, with an optional numeric port; libpq takes a comma-separated list.
_HOST = re.compile(r"(?:\[[0-9A-Za-z:.%]*\]|[^@:/?#\[\],]*)(?::\d*)?")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _hosts_ok(authority: str) -> bool:
    return all(_HOST.fullmatch(h) for h in authority.split(","))


def _check_userinfo(raw: str) -> None:
    """Refuse a user name or password that libpq would split differently from what was meant.

    ``postgresql://app:p@ss/w#rd@db/shop`` means the password ``p@ss/w#rd``, but libpq
    ends the user name and password at the first ``@`` and the host at ``/``, ``?`` or
    ``#``: it would connect to a "host" made of pieces of the password, and its
    errors would print them. The user info is meant to run to the last ``@``.
    """
    rest = raw.split("://", 1)[1]
    if "@" not in rest:
        return
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:  # user info as libpq reads it: up to the first @
        userinfo, hosts = authority.split("@", 1)
        if ("@" not in tail and "@" not in hosts and not _BAD_ESCAPE.search(userinfo)
                and "[" not in userinfo and "]" not in userinfo):
            return
    elif _hosts_ok(authority) and _at_only_in_query_values(tail):
        return  # postgresql://db/shop?user=a@b: no user info, an @ in a query value
    raise UrlError(f"Database URL {_hidden(raw)}: its user name or password holds a character that must be "
                   "percent-encoded.",
                   hint="Write @ as %40, / as %2F, # as %23, ? as %3F, % as %25, [ ] as %5B %5D (python3 -c "
                        "\"import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=''))\" 'PASSWORD').")


def _at_only_in_query_values(tail: str) -> bool:
    path, _, after = tail.partition("?")
    query, _, fragment = after.partition("#")
    if "@" in path or "@" in fragment or "#" in path:
        return False
    return all("=" in item.split("@", 1)[0] for item in query.split("&") if "@" in item)


def _hidden(raw: str) -> str:
    """The URL with everything before its last @ masked: a password libpq cannot read may hold
    any character, so no rule can tell where it ends."""
    scheme, _, rest = raw.partition("://")
    at = rest.rfind("@")
    return f"{scheme}://***@{rest[at + 1:]}" if at != -1 else redact_text(raw)
