"""What the linter may ask a live database: :class:`LiveCatalog`.

The PostgreSQL adapter implements it (``lockgate.dialects.postgres``); ``lockgate up``
passes it so that tables the database does not have yet count as new, and so that
lock findings on small tables drop to warnings.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


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
