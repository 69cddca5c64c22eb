"""Database URLs: parse, classify by engine, and render without the password.

>>> u = DatabaseUrl.parse("postgresql://app:pw@db:5432/shop")
>>> u.engine, "pw" in str(u), "pw" in repr(u)
('postgresql', False, False)
>>> DatabaseUrl.parse("sqlite:///data/app.db").sqlite_path
PosixPath('data/app.db')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
        try:
            parts = urlsplit(raw)
            _ = parts.port  # raises on a non-numeric port
        except ValueError as exc:
            raise UrlError(f"Database URL {redact_text(raw)!r} is malformed: {exc}.",
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

    def secret(self) -> str:
        """The URL with its password, for the driver only. Never print this."""
        return self._raw

    def __str__(self) -> str:
        return redact_text(self._raw)
