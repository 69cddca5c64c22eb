"""Engine adapters: everything that differs between databases lives here.

``open_adapter(url)`` imports the engine's module on first use, so a SQLite
project never loads psycopg.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..urls import DatabaseUrl
    from .base import Adapter


def open_adapter(url: "DatabaseUrl", *, ledger_table: str, read_only: bool = False) -> "Adapter":
    """``read_only``: the command only reads (status, verify, history, lint, dry runs), so an
    embedded database that does not exist yet is not created by looking at it."""
    if url.engine == "postgresql":
        from .postgres import PostgresAdapter

        return PostgresAdapter.connect(url, ledger_table=ledger_table)
    from .sqlite import SqliteAdapter

    return SqliteAdapter.connect(url, ledger_table=ledger_table, read_only=read_only)


def probe(url: "DatabaseUrl", *, ledger_table: str) -> None:
    """Connect and close; raises ConnectionFailed while the server does not accept connections.
    An embedded SQLite file has no server to wait for: nothing is opened (nor created)."""
    if url.engine != "postgresql":
        return
    open_adapter(url, ledger_table=ledger_table).close()
