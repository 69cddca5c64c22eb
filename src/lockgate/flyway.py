"""Flyway's ``flyway_schema_history``: what it says is applied, read as Flyway reads it.

Rows in ``installed_rank`` order: a successful versioned migration (type ``SQL``,
``JDBC``, ...) adds its version, a successful undo (``UNDO_SQL``, ``UNDO_JDBC``)
removes it, a ``BASELINE`` row stands for every version up to its own, a ``DELETE``
row (``flyway repair``) forgets its version, and ``SCHEMA`` rows and repeatable
migrations (no version) say nothing about versions. A failed last row means Flyway stopped half-way.

>>> read_history([("1", "SQL", True), ("2", "SQL", True), ("2", "UNDO_SQL", True), ("3", "SQL", False)])
FlywayState(versions=('1',), baseline=None, failed='3')
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple

TABLE = "flyway_schema_history"
#: The columns that tell Flyway's table apart (it has ``checksum`` too, as lockgate's ledger does).
COLUMNS = frozenset({"installed_rank", "version", "description", "type", "script", "success"})


class FlywayState(NamedTuple):
    versions: tuple[str, ...]  # applied versioned migrations, oldest first
    baseline: str | None  # a BASELINE row's version: everything up to it counts as applied
    failed: str | None  # the version of a failed last row (Flyway stopped half-way)


def version_key(version: str) -> tuple[int, ...]:
    """Flyway orders versions part by part as numbers: 1.2 < 1.10 < 2."""
    return tuple(int(p) for p in version.replace("_", ".").split(".") if p.isdigit())


def read_history(rows: Iterable[tuple[Any, Any, Any]]) -> FlywayState:
    """``(version, type, success)`` rows in installed_rank order -> what is applied."""
    applied: dict[str, None] = {}
    baseline: str | None = None
    failed: str | None = None
    for version, kind, success in rows:
        kind = str(kind or "").upper()
        if version is None or kind == "SCHEMA":
            continue
        v = str(version)
        if kind == "DELETE":  # `flyway repair` marked it deleted: neither applied nor failed any more
            applied.pop(v, None)
            failed = None if failed == v else failed
            continue
        if not success or str(success).lower() in ("0", "false", "f"):
            failed = v
            continue
        failed = None
        if kind == "BASELINE":
            baseline = v
        elif kind.startswith("UNDO"):
            applied.pop(v, None)
        else:
            applied[v] = None
    return FlywayState(tuple(sorted(applied, key=version_key)), baseline, failed)
