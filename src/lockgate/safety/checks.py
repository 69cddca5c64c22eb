"""The pre-checks: is the database fit to take a migration right now?

Each check is a small pure function of what was read (a :class:`ServerActivity`
snapshot, a latency, a lint report) and the thresholds, returning a frozen
:class:`CheckResult`: its name, ``pass``/``warn``/``fail``/``skipped``/``not-applicable``,
the figure it judged and a one-line message. Reading the database is
:func:`lockgate.safety.precheck.gather`'s job, so a test can feed any snapshot.

>>> from datetime import datetime, timezone
>>> snap = ServerActivity(datetime.now(timezone.utc), "15.10", 150010, 100, 85)
>>> connections(snap, CheckOptions()).status, connections(snap, CheckOptions()).figure
('fail', '85/100 (85%)')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..durations import format_duration
from .activity import ServerActivity, SessionActivity
from .thresholds import CheckOptions

if TYPE_CHECKING:
    from ..schema.drift import Drift

PASS, WARN, FAIL, SKIPPED, NOT_APPLICABLE = "pass", "warn", "fail", "skipped", "not-applicable"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # pass, warn, fail, skipped, not-applicable
    figure: str  # what was measured, e.g. "3/100 (3%)"; "" when nothing was
    message: str
    details: tuple[str, ...] = ()  # one line per session or replica at fault

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "details": list(self.details)}


def _level(value: float, warn: float, fail: float) -> str:
    return FAIL if value > fail else WARN if value > warn else PASS


def connectivity(round_trip_s: float, options: CheckOptions, *, connect_s: float | None = None) -> CheckResult:
    figure = f"{round_trip_s * 1000:.1f} ms"
    status = _level(round_trip_s, options.latency_warn, options.latency_fail)
    took = f"connected in {connect_s * 1000:.0f} ms; " if connect_s is not None else ""
    limit = {PASS: "", WARN: f" (above {format_duration(options.latency_warn)})",
             FAIL: f" (above {format_duration(options.latency_fail)})"}[status]
    return CheckResult("connectivity", status, figure, f"{took}round trip {figure}{limit}")


def server_version(snap: ServerActivity, options: CheckOptions, title: str = "PostgreSQL") -> CheckResult:
    major = snap.version_num // 10000
    if major < options.server_version_min:
        return CheckResult("server-version", WARN, snap.version,
                           f"{title} {snap.version} is older than {options.server_version_min}: a killed runner's "
                           "statement runs on to its end there (no client_connection_check_interval)")
    return CheckResult("server-version", PASS, snap.version, f"{title} {snap.version}")


def connections(snap: ServerActivity, options: CheckOptions) -> CheckResult:
    share = snap.connections / snap.max_connections if snap.max_connections else 1.0
    figure = f"{snap.connections}/{snap.max_connections} ({share:.0%})"
    status = _level(share, options.connections_warn, options.connections_fail)
    limit = {PASS: "", WARN: f"; warn above {options.connections_warn:.0%}",
             FAIL: f"; fail above {options.connections_fail:.0%}"}[status]
    return CheckResult("connections", status, figure, f"{figure} of max_connections in use{limit}")


def _age(s: SessionActivity) -> float:
    """How long the session has been at it: its query, or its open transaction when idle in it."""
    if s.state == "active":
        return s.query_s or 0.0
    return s.xact_s or 0.0


def _touches(s: SessionActivity, targets: Sequence[str]) -> list[str]:
    """The targets ``s`` holds a lock on or names in its query; unqualified names match any schema."""
    mine = [*s.relations, *s.reads]
    hits = []
    for t in targets:
        t_schema, _, t_name = t.rpartition(".")
        for r in mine:
            r_schema, _, r_name = r.rpartition(".")
            if r_name == t_name and (not r_schema or not t_schema or r_schema == t_schema):
                hits.append(t)
                break
    return hits


def describe(s: SessionActivity) -> str:
    """``pid 4242 (psql, user app, active for 42s): SELECT ...`` for a report line."""
    what = "idle in transaction" if s.state and s.state.startswith("idle in") else s.state or "?"
    return (f"pid {s.pid} ({s.application_name or 'no application_name'}, user {s.user}, {what} for "
            f"{format_duration(_age(s))}): {s.query}")


def long_queries(snap: ServerActivity, targets: Sequence[str], options: CheckOptions) -> CheckResult:
    """Queries (and transactions left open) older than ``long_query``: those touching a table
    the migrations will lock fail (the ALTER would queue behind them and every query behind it)."""
    long = [s for s in snap.sessions if (s.state == "active" or (s.state or "").startswith("idle in"))
            and _age(s) > options.long_query]
    limit = format_duration(options.long_query)
    if not long:
        return CheckResult("long-queries", PASS, "0", f"no query or transaction running longer than {limit}")
    touching = [(s, _touches(s, targets)) for s in long if s.here]
    bad = [(s, hits) for s, hits in touching if hits]
    details = tuple(f"{describe(s)} [holds or reads {', '.join(hits)}]" for s, hits in bad) + tuple(
        describe(s) for s in long if all(s is not b for b, _ in bad))
    if bad:
        tables = sorted({t for _, hits in bad for t in hits})
        return CheckResult("long-queries", FAIL, str(len(long)),
                           f"{len(bad)} session(s) running longer than {limit} touch {', '.join(tables)}, which the "
                           f"migrations lock: the lock would queue behind them (first: pid {bad[0][0].pid})", details)
    return CheckResult("long-queries", WARN, str(len(long)),
                       f"{len(long)} session(s) running longer than {limit}, none on a table the migrations lock",
                       details)


def lock_waits(snap: ServerActivity, options: CheckOptions) -> CheckResult:
    # This database's only: a queue in another database never meets the migration's locks.
    waiting = [s for s in snap.sessions if s.waiting_for_lock and s.here]
    status = _level(len(waiting), options.lock_waits_warn, options.lock_waits_fail)
    details = tuple(f"{describe(s)} [waits for pid {', '.join(map(str, s.blocked_by)) or '?'}]" for s in waiting)
    limit = {PASS: "", WARN: f"; warn above {options.lock_waits_warn}",
             FAIL: f"; fail above {options.lock_waits_fail}"}[status]
    return CheckResult("lock-waits", status, str(len(waiting)), f"{len(waiting)} session(s) waiting on a lock{limit}",
                       details)


def replication_lag(snap: ServerActivity, options: CheckOptions) -> CheckResult:
    if not snap.replicas:
        return CheckResult("replication-lag", PASS, "", "no replica in pg_stat_replication")
    worst = max((r.replay_lag_s or 0.0 for r in snap.replicas), default=0.0)
    status = _level(worst, options.replication_lag_warn, options.replication_lag_fail)
    not_streaming = [r for r in snap.replicas if r.state != "streaming"]
    if not_streaming and status == PASS:
        status = WARN
    details = tuple(f"{r.name} ({r.client or 'local'}, {r.state}, {r.sync_state}): replay "
                    f"{format_duration(r.replay_lag_s or 0.0)} behind, {_bytes(r.behind_bytes)} of WAL not replayed"
                    for r in snap.replicas)
    limit = {PASS: "", WARN: f"; warn above {format_duration(options.replication_lag_warn)}",
             FAIL: f"; fail above {format_duration(options.replication_lag_fail)}"}[status]
    extra = f"; {len(not_streaming)} not streaming" if not_streaming else ""
    return CheckResult("replication-lag", status, format_duration(worst),
                       f"{len(snap.replicas)} replica(s), the furthest {format_duration(worst)} behind{limit}{extra}",
                       details)


def _bytes(n: int | None) -> str:
    if n is None:
        return "? bytes"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def lint_result(errors: int, warnings: int, *, files: int, details: tuple[str, ...] = ()) -> CheckResult:
    """The pending migrations' lint: error-level findings fail, warnings warn."""
    figure = f"{errors}E {warnings}W"
    if not files:
        return CheckResult("lint", PASS, "0E 0W", "no pending migration to lint")
    found = f"{errors} failing finding(s), {warnings} warning(s) in {files} pending migration(s)"
    if errors:
        return CheckResult("lint", FAIL, figure, f"{found}; lockgate lint --pending shows the safe forms", details)
    return CheckResult("lint", WARN if warnings else PASS, figure,
                       found + ("; lockgate lint --pending shows them" if warnings else ""), details)


def drift(found: "Drift") -> CheckResult:
    """The live schema against the one the last run left: a difference (a change by hand) warns,
    naming the objects; the details show their differing lines."""
    if found.error is not None:
        return CheckResult("drift", WARN, "", found.message)
    if not found.drifted:
        return CheckResult("drift", PASS, found.live[:12], found.message)
    details = tuple(f"{d.title} {d.change}" + (": " + "; ".join(d.lines[:4]) if d.lines else "")
                    for d in found.differences)
    return CheckResult("drift", WARN, found.live[:12], found.message, details)


def not_applicable(name: str, title: str) -> CheckResult:
    return CheckResult(name, NOT_APPLICABLE, "", f"not applicable on {title}")


def skipped(name: str, why: str) -> CheckResult:
    return CheckResult(name, SKIPPED, "", f"skipped ({why})")


def worst(results: Iterable[CheckResult]) -> str:
    """The run's verdict: fail if any failed, else warn if any warned, else pass."""
    statuses = {r.status for r in results}
    return FAIL if FAIL in statuses else WARN if WARN in statuses else PASS
