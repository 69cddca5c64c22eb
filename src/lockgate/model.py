"""Frozen values passed between the layers: files, ledger rows, states, reports."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Statement:
    """One top-level SQL statement of a migration file, with its 1-based start line."""

    sql: str
    line: int
    offset: int = 0  # character index of its first token in the file
    keyword: str = ""  # scanner name of its first token, e.g. CREATE, BEGIN_P


@dataclass(frozen=True)
class MigrationFile:
    """One ``.up.sql`` or ``.down.sql`` file, read and checksummed."""

    path: Path
    text: str
    checksum: str  # sha256 hex of the file's bytes: `sha256sum FILE` agrees
    no_transaction: bool  # header directive `-- lockgate:no-transaction`


@dataclass(frozen=True)
class Migration:
    """A versioned migration: ``{version}_{description}.up.sql`` and its optional down."""

    version: int
    description: str
    up: MigrationFile
    down_path: Path | None = None
    one_file: bool = False  # dbmate's {version}_{description}.sql: up and down are its two sections

    @functools.cached_property
    def down(self) -> MigrationFile | None:
        """The down file, read on first use: status and a no-op up never need it."""
        if self.down_path is None:
            return None
        from .discovery import read_migration_file

        return read_migration_file(self.down_path, section="down" if self.one_file else None)

    @property
    def ident(self) -> str:
        """The identifier stored in the ledger, e.g. ``0010_add_products`` (for a dbmate file too)."""
        return self.up.path.name[: -len(".sql" if self.one_file else ".up.sql")]

    @property
    def checksum(self) -> str:
        return self.up.checksum


@dataclass(frozen=True)
class LedgerRow:
    version: str  # the ident, e.g. 0010_add_products
    applied_at: datetime | None
    checksum: str
    dirty: bool


class State(str, enum.Enum):
    APPLIED = "applied"
    PENDING = "pending"
    DIRTY = "dirty"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    MISSING = "missing"


@dataclass(frozen=True)
class MigrationStatus:
    ident: str
    version: int
    state: State
    applied_at: datetime | None
    checksum: str  # the file's, or the ledger's when the file is missing
    recorded_checksum: str | None
    component: str
    path: Path | None
    phase: str | None = None  # expand, contract or mixed (see lockgate.lint.classify); None: not classified
    # How the next up runs it (lockgate.txmode.TxMode.describe): "transaction", "no transaction (only
    # CREATE INDEX CONCURRENTLY)", "refused (...)"; None: not asked (applied, or phases="none")
    transaction: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.ident,
            "phase": self.phase,
            "transaction": self.transaction,
            "state": self.state.value,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "checksum": self.checksum,
            "recorded_checksum": self.recorded_checksum,
            "component": self.component,
            "file": str(self.path) if self.path else None,
        }


class Direction(str, enum.Enum):
    UP = "up"
    DOWN = "down"
    RECOVER = "recover"
    REPAIR = "repair"
    BASELINE = "baseline"
    FORCE = "force"  # lockgate force VERSION: the ledger set by hand, nothing run


@dataclass(frozen=True)
class StepResult:
    """What happened to one migration in a run."""

    ident: str
    direction: Direction
    duration_ms: float
    outcome: str  # applied, rolled_back, recovered, dry_run, repaired, baselined
    checksum: str
    attempts: int = 1  # more than 1: its locks were not free at first (see lockgate.safety.retry)
    lock_wait_ms: float = 0.0  # time lost to lock waits: the failed attempts and the pauses after them
    blockers: tuple[dict[str, object], ...] = ()  # who held its locks (lockgate.safety.blockers.Blocker.to_dict)

    def to_dict(self) -> dict[str, object]:
        return {"version": self.ident, "direction": self.direction.value,
                "duration_ms": round(self.duration_ms, 3), "outcome": self.outcome,
                "checksum": self.checksum, "attempts": self.attempts,
                "lock_wait_ms": round(self.lock_wait_ms, 3), "blockers": list(self.blockers)}


@dataclass(frozen=True)
class RunReport:
    """The result of ``up``, ``down``, ``repair`` or ``baseline`` on one component."""

    component: str
    run_id: str
    steps: tuple[StepResult, ...] = ()
    dry_run: bool = False
    recovered: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()  # for dry runs: what would run, in order
    warnings: tuple[str, ...] = ()
    # lockgate.safety's reports, each with to_dict(): a dry run's plan, a rehearsal, the post-checks
    plan: Any = None
    rehearsal: Any = None
    post_checks: Any = None
    elapsed_ms: float | None = None  # up/down: the whole run, against ``time_budget_s``
    time_budget_s: float | None = None
    checks: tuple[Any, ...] = ()  # up/down: the pre-checks' results (lockgate.safety.checks.CheckResult)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "component": self.component, "run_id": self.run_id, "dry_run": self.dry_run,
            "steps": [s.to_dict() for s in self.steps], "recovered": list(self.recovered),
            "planned": list(self.planned), "warnings": list(self.warnings),
            "elapsed_ms": None if self.elapsed_ms is None else round(self.elapsed_ms, 3),
            "time_budget_s": self.time_budget_s, "checks": [c.to_dict() for c in self.checks]}
        for key in ("plan", "rehearsal", "post_checks"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.to_dict()
        return out


@dataclass(frozen=True)
class BaselineReport(RunReport):
    """The result of ``baseline``: the migrations recorded (``steps``; ``planned`` for a dry
    run), where the list came from, and what stays pending below the newest one."""

    source: str = "version"  # "version": everything up to the VERSION given; or the tool whose table was read
    version: str | None = None  # the VERSION given, or golang-migrate's; None: all dbmate recorded
    source_table: str | None = None  # another tool's table found where the ledger goes
    kept_as: str | None = None  # the name that table is (or would be) renamed to
    left_pending: tuple[str, ...] = ()  # older than the newest recorded, never applied by the other tool

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "source": self.source, "version": self.version,
                "source_table": self.source_table, "kept_as": self.kept_as,
                "left_pending": list(self.left_pending)}


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    version: str
    direction: str
    checksum: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None
    outcome: str
    error: str | None
    os_user: str | None
    host: str | None
    tool_version: str | None
    run_id: str | None
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("started_at", "finished_at"):
            v = d[k]
            d[k] = v.isoformat() if isinstance(v, datetime) else v
        return d


@dataclass(frozen=True)
class VerifyProblem:
    ident: str
    kind: str  # checksum_mismatch, missing, dirty, naming, ...
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"version": self.ident, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class Event:
    """A progress event, handed to the callback a caller passes to the API."""

    event: str  # migration_start, migration_finish, migration_failed, dirty_found, lock_wait, ...
    level: str = "info"
    message: str = ""
    fields: dict[str, object] = field(default_factory=dict)
