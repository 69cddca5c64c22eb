"""``baseline``: adopt an existing database, recording migrations as applied without running
them, from a VERSION or from the ledger another tool (golang-migrate, dbmate, Flyway) left."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from .arguments import takes_settings
from .config import Settings
from .dialects.base import ForeignLedger
from .discovery import discover
from .errors import ForeignLedgerError, LedgerError
from .events import EventCallback
from .model import BaselineReport, Direction, LedgerRow, Migration, StepResult
from .planner import resolve_target
from .session import Session, open_session


def _files_for(settings: Settings, tool: str, versions: Sequence[str],
               migrations: Sequence[Migration], *, table: str | None = None) -> list[Migration]:
    """The files of the versions another tool recorded; every one must have its file."""
    from .errors import ForeignVersionMissing

    by_number = {m.version: m for m in migrations}
    missing = [v for v in versions if not v.isdigit() or int(v) not in by_number]
    if missing:
        raise ForeignVersionMissing(table or settings.ledger_table, tool, missing, settings.migrations_dir)
    return sorted((by_number[int(v)] for v in versions), key=lambda m: m.version)


def _baseline_choice(s: Session, migrations: Sequence[Migration], version: str | None,
                     foreign: ForeignLedger | None) -> tuple[list[Migration], list[LedgerRow], str, int | None]:
    """What baseline records: ``(migrations, ledger rows already there, source, limit)``."""
    from .errors import BaselineVersionRequired
    from .ledger import foreign_versions

    settings = s.settings
    if foreign is not None and foreign.tool == "Flyway":  # flyway_schema_history, beside the ledger
        return _flyway_choice(s, migrations, version, foreign)
    if foreign is not None and foreign.tool not in ForeignLedgerError.ADOPTABLE:
        raise ForeignLedgerError(settings.ledger_table, foreign.tool, foreign.version)
    if version is None and foreign is not None and foreign.dirty:
        raise ForeignLedgerError(settings.ledger_table, foreign.tool, foreign.version, dirty=True)
    rows: list[LedgerRow] = [] if foreign is not None else (s.adapter.read_ledger() or [])
    limit = resolve_target(version, migrations, rows) if version is not None else None
    if foreign is not None and foreign.tool == "dbmate" and foreign.version is not None:
        # One row per applied version: exactly those, even with a VERSION (the error's hint
        # named dbmate's newest); a file it never ran stays pending, however old.
        chosen = _files_for(settings, foreign.tool, foreign_versions(s.adapter), migrations)
        return [m for m in chosen if limit is None or m.version <= limit], rows, foreign.tool, limit
    source = "version"
    if limit is None:
        if foreign is None or foreign.version is None:
            raise BaselineVersionRequired()
        # golang-migrate keeps one version: it and everything before it were applied.
        limit = _files_for(settings, foreign.tool, [foreign.version], migrations)[0].version
        source = foreign.tool
    taken = {r.version for r in rows}
    return [m for m in migrations if m.version <= limit and m.ident not in taken], rows, source, limit


def _flyway_choice(s: Session, migrations: Sequence[Migration], version: str | None,
                   fly: ForeignLedger) -> tuple[list[Migration], list[LedgerRow], str, int | None]:
    """Flyway's successful versioned migrations (V1__x.sql is lockgate's 0001_x), up to ``version`` if given."""
    from .flyway import TABLE

    if version is None and fly.dirty:
        raise ForeignLedgerError(TABLE, fly.tool, fly.version, dirty=True)
    limit = resolve_target(version, migrations, []) if version is not None else None
    chosen = _files_for(s.settings, fly.tool, list(fly.versions), migrations, table=TABLE)
    if fly.baseline is not None:  # Flyway's own baseline: everything up to it was there before Flyway
        floor = _files_for(s.settings, fly.tool, [fly.baseline], migrations, table=TABLE)[0].version
        chosen = sorted({m.ident: m for m in chosen + [m for m in migrations if m.version <= floor]}.values(),
                        key=lambda m: m.version)
    return [m for m in chosen if limit is None or m.version <= limit], [], fly.tool, limit


@takes_settings
def baseline(settings: Settings, version: str | None = None, *, dry_run: bool = False,
             on_event: EventCallback | None = None) -> BaselineReport:
    """Adopt an existing database: record migrations as applied without running them.

    * ``version``: every migration up to it (``"0"``: none; the ledger starts empty);
    * golang-migrate's table where the ledger goes: its version is the default;
    * dbmate's table: exactly the versions it recorded (up to ``version`` if given); the
      files it never applied stay pending and are listed in ``left_pending``;
    * Flyway's ``flyway_schema_history``: its successful versioned migrations (``V1__init.sql``
      is lockgate's ``0001_init``; see ``lockgate convert``), its table kept as it is.

    The other tool's table is renamed aside (``schema_migrations_dbmate``), never dropped.
    ``dry_run``: the same report, with ``planned`` instead of ``steps``; nothing changes.

    Example::

        lockgate.baseline(settings, "0002", dry_run=True).planned
        # -> ('0001_create_users', '0002_add_name')
    """
    from dataclasses import replace

    from .dialects.base import kept_name

    from .ledger import flyway_beside

    migrations = discover(settings.migrations_dir)
    with open_session(settings, on_event=on_event, lock=not dry_run) as s:
        foreign = s.adapter.foreign_ledger()
        fly = flyway_beside(s.adapter) if foreign is None and not (s.adapter.read_ledger() or []) else None
        chosen, rows, source, limit = _baseline_choice(s, migrations, version, foreign or fly)
        if not chosen and not (limit == 0 and not rows):
            raise LedgerError(f"Baseline {version}: no unrecorded migration at or below it.", ident=version,
                              hint="Check the version with lockgate status.")
        newest = chosen[-1] if chosen else None
        taken = {m.ident for m in chosen} | {r.version for r in rows}
        # Only a dbmate gap leaves files here: every other source takes all files up to its version.
        left = tuple(m.ident for m in migrations
                     if newest is not None and m.version < newest.version and m.ident not in taken)
        warnings: tuple[str, ...] = ()
        fly_table = "flyway_schema_history"
        if left and newest is not None:
            it = "it" if len(left) == 1 else "them"
            then = (f"`lockgate up` applies {it} (allow_out_of_order is on)" if settings.allow_out_of_order else
                    f"apply {it} with `lockgate up --allow-out-of-order`")
            warnings = (f"Left pending: {', '.join(left)} ({source} never applied {it}); older than {newest.ident},"
                        f" so {then}.",)
        plan = BaselineReport(settings.component, s.ctx.run_id, (), True, (), tuple(m.ident for m in chosen),
                              warnings, source=source,
                              version=version if version is not None else
                              foreign.version if foreign is not None and source != "dbmate" else None,
                              source_table=settings.ledger_table if foreign else fly_table if fly else None,
                              kept_as=kept_name(settings.ledger_table, foreign.tool) if foreign else
                              fly_table if fly else None,  # Flyway's table is not in the way: kept as it is
                              left_pending=left)
        if dry_run:
            s.emit("baseline_planned", "Would adopt the database", versions=list(plan.planned), source=source,
                   kept_as=plan.kept_as, left_pending=list(left))
            return plan
        started = datetime.now(timezone.utc)
        s.adapter.begin()
        try:
            renamed = s.adapter.adopt_foreign_ledger(foreign.tool) if foreign is not None else None
            s.adapter.ensure_ledger()
            note = (f"adopted from {foreign.tool}; old table kept as {renamed}" if foreign else
                    f"adopted from Flyway; {fly_table} kept as it is" if fly else None)
            for m in chosen:
                s.ledger.insert(m.ident, m.checksum, dirty=False)
                s.ledger.record(m.ident, Direction.BASELINE, checksum=m.checksum, started=started,
                                outcome="baselined", note=note)
            if not chosen:
                # Baseline 0: none of these files is applied. The history row is what tells a
                # later `up` that lockgate has started here, beside another tool's table.
                s.ledger.record("0", Direction.BASELINE, checksum=None, started=started, outcome="baselined",
                                note="none applied" + (f"; {note}" if note else ""))
            s.adapter.commit()
        except BaseException:
            s.adapter.rollback()
            raise
        s.emit("baseline", "Database adopted", version=newest.ident if newest else "0", count=len(chosen),
               from_tool=foreign.tool if foreign else fly.tool if fly else None, left_pending=list(left))
        return replace(plan, steps=tuple(StepResult(m.ident, Direction.BASELINE, 0.0, "baselined", m.checksum)
                                         for m in chosen), dry_run=False, planned=())
