"""Where and how the ledger comes to be: only in a database that has nothing to lose, and
both of its tables at once.

A ledger that does not exist yet, or is empty and has never applied or baselined
anything, means ``up`` is about to run every migration. In a database that already holds
tables that is Flyway's "non-empty schema without history": a typo in ``ledger_table``,
or another tool's database, and the seed data goes in twice. So ``up`` refuses there and
points at ``baseline`` (whose job is exactly that database) unless ``allow_non_empty``
says the tables are expected.

The two tables are created in one transaction, and whichever is missing is created
again: a first run killed in the old two-statement window left a ledger without a
history, which :func:`half_created` reports (``verify``) and :func:`create_ledger`
repairs (``up``).
"""

from __future__ import annotations

from .dialects.base import Adapter
from .errors import LedgerSchemaMissing, NonEmptyDatabaseError
from .events import Emitter
from .ledger import has_run_here
from .model import LedgerRow

SHOWN_TABLES = 5  # named in the refusal; the rest are counted


def refuse_non_empty(adapter: Adapter, ledger_table: str, rows: list[LedgerRow] | None, *,
                     allow: bool) -> None:
    """Before ``up`` creates its ledger or applies to an empty one: the ledger's schema is
    there, and the database holds no table the migrations would run over (unless ``allow``)."""
    if rows:
        return
    schema = ledger_table.rpartition(".")[0]
    if rows is None and schema and not adapter.schema_exists(schema):
        raise LedgerSchemaMissing(ledger_table)
    refusal = non_empty(adapter, ledger_table, rows, allow=allow)
    if refusal is not None:
        raise refusal


def non_empty(adapter: Adapter, ledger_table: str, rows: list[LedgerRow] | None, *,
              allow: bool) -> NonEmptyDatabaseError | None:
    """The refusal ``up`` would raise for a missing or empty ledger beside tables (another
    lockgate ledger: a typo in ledger_table); None when there is none. ``status`` warns with
    it and ``verify`` reports it, so neither calls such a database all pending and OK."""
    # An emptied ledger that has applied or baselined before (`down` to nothing, `baseline 0`)
    # is lockgate's own, whatever else the database holds.
    if rows or allow or (rows is not None and has_run_here(adapter)):
        return None
    found = adapter.other_tables(SHOWN_TABLES)
    if not found.count:
        return None
    return NonEmptyDatabaseError(ledger_table, found.names, found.count, ledgers=found.ledgers, missing=rows is None)


def create_ledger(adapter: Adapter, rows: list[LedgerRow] | None, emit: Emitter) -> None:
    """Create whichever of the ledger and its history is missing, both in one transaction."""
    if rows is not None and adapter.history_exists():
        return
    adapter.ensure_ledger()
    if rows is not None:
        emit("ledger_repaired", "Created the missing history table of a half-created ledger", level="warn")


def half_created(adapter: Adapter, ledger_table: str, rows: list[LedgerRow] | None) -> str | None:
    """What is wrong when one of the ledger's two tables exists without the other; None when
    both or neither do."""
    history = adapter.history_exists()
    if rows is not None and not history:
        return (f"Ledger {ledger_table} has no history table {ledger_table}_history (a first run was interrupted"
                " while creating them); lockgate up creates it.")
    if rows is None and history:
        return (f"History table {ledger_table}_history exists without its ledger {ledger_table} (dropped?);"
                " restore the ledger, or record what is applied with lockgate baseline.")
    return None
