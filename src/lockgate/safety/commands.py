"""The API of ``lockgate check`` and ``lockgate monitor``: values, never output.

Example::

    import lockgate
    s = lockgate.load_settings(".", database_url="postgresql://app@db/shop")
    report = lockgate.check(s, skip_check=["replication-lag"])
    report.status, [(r.name, r.status, r.figure) for r in report.results]
    lockgate.monitor_snapshot(s).to_dict()["blocking_tree"]
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Sequence

from ..errors import ConnectionFailed
from ..events import EventCallback
from . import checks as c
from .monitor import MonitorSnapshot
from .precheck import CheckReport, emit_results, gather, lint_check, locked_tables, skips
from .thresholds import CHECK_NAMES, CheckOptions

if TYPE_CHECKING:
    from ..config import Settings
    from ..session import Session


def check(settings: "Settings", *, skip_check: Sequence[str] = (),
          on_event: EventCallback | None = None) -> CheckReport:
    """Run every pre-check against the database, as ``up`` would before its pending migrations.

    ``skip_check``: names left out (unknown ones are a ConfigError naming the nearest).
    Logs one ``migration_pre_checks`` event. An unreachable server is the ``connectivity``
    check failing (the others skipped), not an exception.
    """
    from ..discovery import discover
    from ..header import check_directives
    from ..session import open_session

    options = CheckOptions.from_config(settings.checks)
    skip = skips(options, skip_check)
    migrations = discover(settings.migrations_dir) if settings.migrations_dir.is_dir() else []
    start = time.perf_counter()
    try:
        with open_session(settings, on_event=on_event, lock=False) as s:
            connect_s = time.perf_counter() - start
            rows = s.adapter.read_ledger() or []
            applied = {r.version for r in rows if not r.dirty}
            pending = [m for m in migrations if m.ident not in applied]
            for m in pending:  # as up would: a mistyped directive is refused, not checked without its setting
                check_directives(m.up.text, m.up.path)
            lint = None
            if "lint" not in skip and s.adapter.lints:
                lint = lint_check(pending, s.adapter, settings)
            results = gather(s.adapter, options, targets=locked_tables(pending), skip=skip, lint=lint,
                             connect_s=connect_s)
            report = CheckReport(settings.component, results)
            emit_results(s.emit, report, "check")
            return report
    except ConnectionFailed as exc:
        first = c.CheckResult("connectivity", c.FAIL, "", exc.message)
        rest = tuple(c.skipped(name, "no connection") for name in CHECK_NAMES[1:])
        return CheckReport(settings.component, (first, *rest))


@contextmanager
def monitoring(settings: "Settings", *, all_databases: bool = False) -> Iterator["Monitor"]:
    """One connection for a monitor that refreshes: ``with monitoring(s) as m: m.snapshot()``."""
    from ..session import open_session

    with open_session(settings, on_event=None, lock=False, log=False) as s:
        yield Monitor(s, all_databases=all_databases)


class Monitor:
    def __init__(self, session: "Session", *, all_databases: bool = False) -> None:
        self.session = session
        self.all_databases = all_databases
        self.long_query_s = CheckOptions.from_config(session.settings.checks).long_query

    def snapshot(self) -> MonitorSnapshot:
        adapter = self.session.adapter
        reader = adapter.activity()
        component = self.session.settings.component
        if reader is None:
            return MonitorSnapshot(component, None, self.long_query_s,
                                   note=f"not applicable on {adapter.title}: no other sessions, locks or replicas")
        return MonitorSnapshot(component, reader.snapshot(), self.long_query_s, all_databases=self.all_databases)


def monitor_snapshot(settings: "Settings", *, all_databases: bool = False) -> MonitorSnapshot:
    """What ``lockgate monitor --once`` shows: sessions, long queries, lock waits with the blocking
    tree, and lockgate migrations in progress (from their application_name). ``all_databases``:
    every database's sessions, not only this one's (and the blockers of its)."""
    with monitoring(settings, all_databases=all_databases) as m:
        return m.snapshot()
