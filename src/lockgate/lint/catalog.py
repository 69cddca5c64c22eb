"""What the linter may ask a live database: :class:`LiveCatalog`.

The PostgreSQL adapter implements it (``lockgate.dialects.postgres``); ``lockgate up``
passes it so that tables the database does not have yet count as new, so that lock
findings on small tables drop to warnings, and so that what applied migrations
created (a column's type, a validated ``CHECK (col IS NOT NULL)``) is known even
though their files are not linted again.
"""

from __future__ import annotations

from typing import Mapping, Protocol, runtime_checkable


@runtime_checkable
class LiveCatalog(Protocol):
    """Read-only questions about the target database."""

    def server_version_num(self) -> int:
        """``SHOW server_version_num``, e.g. 160002; 0 when unknown."""
        ...

    def table_exists(self, schema: str | None, name: str) -> bool:
        """Whether the table exists now (``schema`` None: resolve through search_path)."""
        ...

    def estimated_rows(self, schema: str | None, name: str) -> int | None:
        """The planner's row estimate (``pg_class.reltuples``), None when unknown."""
        ...

    def columns(self, schema: str | None, name: str) -> Mapping[str, tuple[str, bool]]:
        """column -> (its type as ``format_type()`` writes it, e.g. ``character varying(20)``, and
        whether it is NOT NULL); empty for a table that does not exist."""
        ...

    def validated_checks(self, schema: str | None, name: str) -> list[str]:
        """``pg_get_constraintdef()`` of the table's validated CHECK constraints, e.g. ``CHECK ((c IS NOT NULL))``."""
        ...
