#!/usr/bin/env python3
"""What a migration does to live traffic: issue 9's outage, reproduced and measured.

Each run gets a fresh database holding a 100,000-row ``accounts`` table, and:

1. pgbench sends steady, rate-limited traffic (``--rate 200 -c 4 -j 2``, one
   ``UPDATE accounts ... WHERE id = :id`` a transaction) and logs every
   transaction (``--log``);
2. after a warm-up, another session reads the table and keeps its transaction
   open (``BEGIN; SELECT count(*) FROM accounts; SELECT pg_sleep(20); COMMIT``);
3. once that reader is seen holding its lock (pg_locks), ``ALTER TABLE accounts
   ADD COLUMN note text`` is applied through the tool under test.

Three runs, in this order: a control with no migration, dbmate, and
``lockgate up``. For each, from pgbench's per-transaction log: the worst
latency the application saw (pgbench measures it from each transaction's
*scheduled* start, so a queue behind a lock counts in full), the p99, how many
transactions took over 1 s and over 1.5 s, and the longest gap between two
completed transactions; and for the migration its whole-process time, its
attempts (lockgate's, from its JSONL log) and when it landed after the reader
ended.

Targets (issue 9): lockgate's worst latency below 2x lock_timeout (2 s with the
default 1 s), no transaction over 1.5 s, and the migration lands once the reader
ends. dbmate waits for its ACCESS EXCLUSIVE lock with no lock_timeout, so every
query on the table queues behind it for the reader's whole 20 s.

Usage::

    python bench/bench_live.py                # a throwaway cluster of its own (initdb, a free port)
    python bench/bench_live.py --quick        # 5 s reader: a smoke run
    python bench/bench_live.py --database-url postgresql://postgres@127.0.0.1:5432/postgres --json

With ``--database-url`` it creates ``lockgate_bench_*`` databases there and drops
exactly those. Needs pgbench and psql (PostgreSQL client), and npm once to
install dbmate into ``bench/.work/`` (see bench_core.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from _cpu import busy, busy_line
from bench_core import (DEFAULT_WORK_DIR, REPO_DIR, BenchError, Databases, clean_env, find_dbmate, find_lockgate,
                        find_psql, mask_url, say, with_default_sslmode)

ROWS = 100_000
RATE, CLIENTS, THREADS = 200, 4, 2
LOCK_TIMEOUT_S = 1.0  # lockgate's default lock_timeout: the target is 2x it
TARGET_WORST_S = 2 * LOCK_TIMEOUT_S
TARGET_SLOW_S = 1.5
RUNS = ("control", "dbmate", "lockgate")

ACCOUNTS_SQL = ("CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL DEFAULT 0);\n"
                f"INSERT INTO accounts (id) SELECT g FROM generate_series(1, {ROWS}) g;\n")
ALTER_SQL = "ALTER TABLE accounts ADD COLUMN note text;"
TRAFFIC_SQL = f"\\set id random(1, {ROWS})\nUPDATE accounts SET balance = balance + 1 WHERE id = :id;\n"


# --------------------------------------------------------------------------
# pgbench's log, and what it says about the application (pure: tested on real output)


@dataclass(frozen=True)
class Txn:
    """One line of pgbench's per-transaction log."""

    client: int
    latency_s: float  # from the scheduled start (with --rate) to the end
    end_s: float  # Unix time at which it completed
    lag_s: float  # how late it started against its schedule (0 without --rate)


def parse_pgbench_log(lines: Iterable[str]) -> list[Txn]:
    """``client_id transaction_no time script_no time_epoch time_us [schedule_lag] ...``.

    A skipped transaction (``time`` is ``skipped``, with --latency-limit) never ran: left out.

    >>> parse_pgbench_log(["0 1 1500 0 1700000000 250000 120"])
    [Txn(client=0, latency_s=0.0015, end_s=1700000000.25, lag_s=0.00012)]
    """
    txns = []
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or parts[2] in ("skipped", "failed"):
            continue
        lag = int(parts[6]) / 1e6 if len(parts) > 6 and parts[6].isdigit() else 0.0
        txns.append(Txn(int(parts[0]), int(parts[2]) / 1e6, int(parts[4]) + int(parts[5]) / 1e6, lag))
    return txns


def read_pgbench_logs(prefix: Path) -> list[Txn]:
    """Every thread's log (``PREFIX.PID`` and ``PREFIX.PID.N``), in completion order."""
    txns: list[Txn] = []
    for path in sorted(prefix.parent.glob(prefix.name + ".*")):
        with path.open() as fh:
            txns += parse_pgbench_log(fh)
    return sorted(txns, key=lambda t: t.end_s)


@dataclass(frozen=True)
class Traffic:
    """What the application saw during one run."""

    count: int
    worst_s: float
    p99_s: float
    over_1s: int
    over_1_5s: int
    longest_gap_s: float  # between two completed transactions, any client
    gap_ends_at: float  # Unix time the longest gap ended


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``q`` of them at or below it.

    >>> percentile([5, 1, 4, 2, 3], 0.99), percentile([5, 1, 4, 2, 3], 0.5), percentile([], 0.99)
    (5, 3, 0.0)
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)), 1) - 1]


def traffic(txns: Sequence[Txn]) -> Traffic:
    """The figures of one run; ``txns`` in completion order (see :func:`read_pgbench_logs`).

    >>> t = traffic([Txn(0, 0.01, 100.0, 0), Txn(1, 1.2, 101.5, 0), Txn(0, 0.02, 101.6, 0)])
    >>> t.worst_s, t.over_1s, t.over_1_5s, t.longest_gap_s, t.gap_ends_at
    (1.2, 1, 0, 1.5, 101.5)
    """
    lat = [t.latency_s for t in txns]
    gap, gap_end = 0.0, 0.0
    for a, b in zip(txns, txns[1:]):
        if b.end_s - a.end_s > gap:
            gap, gap_end = b.end_s - a.end_s, b.end_s
    return Traffic(len(txns), max(lat, default=0.0), percentile(lat, 0.99), sum(x > 1.0 for x in lat),
                   sum(x > 1.5 for x in lat), round(gap, 6), gap_end)


# --------------------------------------------------------------------------
# One run


@dataclass(frozen=True)
class Migration:
    """The migration's side of one run (all None in the control run)."""

    total_s: float | None = None
    attempts: int | None = None
    landed_after_reader_s: float | None = None  # <0: before the reader ended (it did not wait for it)
    landed: bool = False


@dataclass(frozen=True)
class RunResult:
    name: str
    traffic: Traffic
    migration: Migration
    reader_s: float


@dataclass(frozen=True)
class Plan:
    warmup_s: float
    hold_s: float
    tail_s: float  # traffic after the reader ends: time for a retrying migration to land

    @property
    def load_s(self) -> int:
        return math.ceil(self.warmup_s + self.hold_s + self.tail_s)


class Tools:
    def __init__(self, work: Path, admin_url: str, dbmate: str | None) -> None:
        self.work = work
        self.psql = find_psql()
        pgbench = shutil.which("pgbench")
        if not pgbench:
            raise BenchError("pgbench not found on PATH: install the PostgreSQL client (apt-get install "
                             "postgresql-client)")
        self.pgbench = pgbench
        self.dbmate, self.dbmate_version = find_dbmate(dbmate, work)
        self.lockgate, self.lockgate_env = find_lockgate(None)
        self.dbs = Databases(self.psql, admin_url)


def _connect(url: str, app: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, application_name=app, connect_timeout=10)


def wait_until(what: str, check: Any, timeout: float = 60.0) -> Any:
    """Poll ``check()`` until it is true: the harness moves on observed state, not on sleeps."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def _count_sessions(url: str, app: str) -> int:
    with _connect(url, "bench_observer") as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND application_name = %s", (app,)).fetchone()
    return int(row[0]) if row else 0


def _reader_holds_the_table(url: str) -> bool:
    with _connect(url, "bench_observer") as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE a.application_name = 'bench_reader' AND l.relation = 'accounts'::regclass AND l.granted"
            " AND a.state = 'active' AND position('pg_sleep' in a.query) > 0").fetchone()
    return bool(row and row[0])


class Reader(threading.Thread):
    """The long transaction that read the table (a report, a backup, a forgotten psql)."""

    def __init__(self, url: str, hold_s: float) -> None:
        super().__init__(daemon=True)
        self.url, self.hold_s = url, hold_s
        self.ended_at: float | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with _connect(self.url, "bench_reader") as conn:
                conn.execute("BEGIN")
                conn.execute("SELECT count(*) FROM accounts").fetchone()
                conn.execute("SELECT pg_sleep(%s)", (self.hold_s,))
                conn.execute("COMMIT")
            self.ended_at = time.time()
        except BaseException as exc:  # reported by the main thread
            self.error = exc


def _project(root: Path, name: str) -> Path:
    """The migrations of one run: lockgate's layout and dbmate's, the same SQL."""
    d = root / name
    (d / "migrations").mkdir(parents=True)
    (d / "migrations" / "0001_accounts.up.sql").write_text(ACCOUNTS_SQL)
    (d / "migrations" / "0001_accounts.down.sql").write_text("DROP TABLE accounts;\n")
    (d / "migrations" / "0002_add_note.up.sql").write_text(ALTER_SQL + "\n")
    (d / "migrations" / "0002_add_note.down.sql").write_text("ALTER TABLE accounts DROP COLUMN note;\n")
    (d / "dbmate").mkdir()
    (d / "dbmate" / "20260101000000_add_note.sql").write_text(
        f"-- migrate:up\n{ALTER_SQL}\n\n-- migrate:down\nALTER TABLE accounts DROP COLUMN note;\n")
    (d / "traffic.sql").write_text(TRAFFIC_SQL)
    return d


def _lockgate(tools: Tools, project: Path, url: str, *args: str) -> list[str]:
    return [*tools.lockgate, "--database-url", url, *args]


def _set_up(tools: Tools, name: str, project: Path, url: str) -> None:
    if name == "lockgate":  # the table is lockgate's own first migration, as in a project it manages
        proc = subprocess.run(_lockgate(tools, project, url, "up", "--to", "0001"), cwd=project,
                              env=clean_env(tools.lockgate_env), capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise BenchError(f"lockgate up --to 0001 failed: {proc.stderr.strip()[-400:]}")
    else:
        with _connect(url, "bench_setup") as conn:
            conn.execute(ACCOUNTS_SQL.encode())
    with _connect(url, "bench_setup") as conn:
        conn.execute("VACUUM ANALYZE accounts")


def _migration_argv(tools: Tools, name: str, project: Path, url: str) -> list[str]:
    if name == "dbmate":
        return [tools.dbmate, "--url", with_default_sslmode(url), "--migrations-dir", str(project / "dbmate"),
                "--no-dump-schema", "up"]
    return _lockgate(tools, project, url, "up", "--json")


def lockgate_attempts(log_records: Sequence[dict[str, Any]], report: Any, version: str) -> int:
    """How many times lockgate tried ``version``: the report's own count if it has one,
    else its log's attempt numbers, else its migration_start events.

    >>> lockgate_attempts([{"event": "migration_start", "version": "0002_x"}], {}, "0002_x")
    1
    >>> lockgate_attempts([{"event": "lock_retry", "version": "0002_x", "attempt": 3}], {}, "0002_x")
    3
    """
    steps = report.get("steps", []) if isinstance(report, dict) else []
    for step in steps:
        if isinstance(step, dict) and step.get("version") == version and isinstance(step.get("attempts"), int):
            return int(step["attempts"])
    mine = [r for r in log_records if r.get("version") == version]
    numbered = [int(r["attempt"]) for r in mine if isinstance(r.get("attempt"), int)]
    if numbered:
        return max(numbered)
    return sum(1 for r in mine if r.get("event") == "migration_start")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _has_note_column(url: str) -> bool:
    with _connect(url, "bench_observer") as conn:
        row = conn.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass"
                           " AND attname = 'note' AND NOT attisdropped").fetchone()
    return bool(row and row[0])


def run_one(tools: Tools, name: str, plan: Plan, root: Path) -> RunResult:
    project = _project(root, name)
    db = tools.dbs.create()
    url = tools.dbs.url(db)
    try:
        _set_up(tools, name, project, url)
        prefix = project / "pgbench_log"
        say(f"[{name}] traffic for {plan.load_s} s; the reader holds its transaction {plan.hold_s:g} s "
            f"after {plan.warmup_s:g} s")
        bench = subprocess.Popen(
            [tools.pgbench, "-n", "-f", str(project / "traffic.sql"), "--rate", str(RATE), "-c", str(CLIENTS),
             "-j", str(THREADS), "-T", str(plan.load_s), "--log", f"--log-prefix={prefix}", "--progress", "5", url],
            cwd=project, env={**clean_env(), "PGAPPNAME": "bench_traffic"}, stdin=subprocess.DEVNULL,
            stdout=(project / "pgbench.out").open("w"), stderr=subprocess.STDOUT)
        try:
            wait_until("pgbench's clients to connect", lambda: _count_sessions(url, "bench_traffic") >= CLIENTS)
            started = time.monotonic()
            time.sleep(plan.warmup_s)  # the schedule of the load, not a synchronisation
            reader = Reader(url, plan.hold_s)
            reader.start()
            wait_until("the reader to hold its lock on accounts", lambda: _reader_holds_the_table(url))
            migration = Migration()
            if name != "control":
                migration = _migrate(tools, name, project, url, reader)
            reader.join(plan.hold_s + 60)
            if reader.error is not None:
                raise BenchError(f"[{name}] the reader failed: {reader.error}")
            left = plan.load_s + 60 - (time.monotonic() - started)
            code = bench.wait(timeout=max(left, 10))
        finally:
            if bench.poll() is None:
                bench.kill()
                bench.wait()
        if code != 0:
            raise BenchError(f"[{name}] pgbench exited {code}: {(project / 'pgbench.out').read_text()[-400:]}")
        txns = read_pgbench_logs(prefix)
        if not txns:
            raise BenchError(f"[{name}] pgbench logged no transaction")
        return RunResult(name, traffic(txns), migration, plan.hold_s)
    finally:
        tools.dbs.drop(db)


def _migrate(tools: Tools, name: str, project: Path, url: str, reader: Reader) -> Migration:
    out = project / f"{name}.out"
    t0 = time.perf_counter()
    with out.open("w") as fh:
        proc = subprocess.run(_migration_argv(tools, name, project, url), cwd=project,
                              env=clean_env(tools.lockgate_env if name == "lockgate" else None),
                              stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.PIPE, text=True, timeout=600)
    total = time.perf_counter() - t0
    landed_at = time.time()
    if proc.returncode != 0:
        say(f"[{name}] the migration exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    attempts = 1
    if name == "lockgate":
        try:
            report = json.loads(out.read_text() or "{}")
        except json.JSONDecodeError:
            report = {}
        attempts = lockgate_attempts(_read_jsonl(project / "logs" / "migrations.jsonl"), report, "0002_add_note")
    landed = proc.returncode == 0 and _has_note_column(url)
    # The reader may still be in its sleep when a migration fails fast: wait for it to end to compare.
    reader.join(reader.hold_s + 60)
    after = landed_at - reader.ended_at if reader.ended_at is not None else None
    return Migration(round(total, 3), attempts, round(after, 3) if after is not None else None, landed)


# --------------------------------------------------------------------------
# Report


def _s(x: float | None) -> str:
    """A time as the table shows it: milliseconds below a second.

    >>> _s(0.0042), _s(0.25), _s(18.71), _s(None)
    ('4.2 ms', '250 ms', '18.71 s', '–')
    """
    if x is None:
        return "–"
    if abs(x) < 0.01:
        return f"{x * 1000:.1f} ms"
    return f"{x * 1000:.0f} ms" if abs(x) < 1 else f"{x:.2f} s"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or not b else f"{a / b:.2f}x"


def table(results: Sequence[RunResult]) -> str:
    head = ("| run | worst latency | p99 | txns > 1 s | txns > 1.5 s | longest gap | migration time | attempts "
            "| landed after the reader ended | transactions |")
    rows = [head, "|" + "---|" * 10]
    for r in results:
        t, m = r.traffic, r.migration
        rows.append(f"| {r.name} | {_s(t.worst_s)} | {_s(t.p99_s)} | {t.over_1s} | {t.over_1_5s} "
                    f"| {_s(t.longest_gap_s)} | {_s(m.total_s)} | {m.attempts or '–'} "
                    f"| {_s(m.landed_after_reader_s) if m.landed else ('–' if r.name == 'control' else 'NOT LANDED')}"
                    f" | {t.count} |")
    by = {r.name: r for r in results}
    if "lockgate" in by and "dbmate" in by:
        lg, dm = by["lockgate"], by["dbmate"]
        rows.append(f"| lockgate/dbmate | {_ratio(lg.traffic.worst_s, dm.traffic.worst_s)} "
                    f"| {_ratio(lg.traffic.p99_s, dm.traffic.p99_s)} | | | "
                    f"{_ratio(lg.traffic.longest_gap_s, dm.traffic.longest_gap_s)} "
                    f"| {_ratio(lg.migration.total_s, dm.migration.total_s)} | | | |")
    return "\n".join(rows)


def verdict(results: Sequence[RunResult]) -> list[str]:
    by = {r.name: r for r in results}
    lines = []
    if "lockgate" in by:
        t, m = by["lockgate"].traffic, by["lockgate"].migration
        lines.append(f"lockgate worst latency {t.worst_s:.2f} s, target below {TARGET_WORST_S:g} s (2x lock_timeout): "
                     + ("met" if t.worst_s < TARGET_WORST_S else "MISSED"))
        lines.append(f"lockgate: no transaction over {TARGET_SLOW_S:g} s: "
                     + ("met" if t.over_1_5s == 0 else f"MISSED ({t.over_1_5s} over)"))
        lines.append("lockgate's migration landed once the reader ended: " + ("yes" if m.landed else "NO"))
    if "dbmate" in by:
        lines.append(f"dbmate (no lock_timeout) worst latency {by['dbmate'].traffic.worst_s:.2f} s: the outage "
                     + ("reproduced" if by["dbmate"].traffic.worst_s > TARGET_WORST_S else "NOT reproduced"))
    return lines


# --------------------------------------------------------------------------


@contextlib.contextmanager
def server(admin_url: str | None) -> Iterator[str]:
    """The admin URL given, or a throwaway cluster of the test suite's kind (initdb, a free port)."""
    if admin_url:
        yield admin_url
        return
    sys.path.insert(0, str(REPO_DIR / "tests"))
    from fixtures.postgres import ClusterError, throwaway_cluster  # the suite's own: one way to start a server

    try:
        with throwaway_cluster() as pg:
            yield pg.admin_url
    except ClusterError as exc:
        raise BenchError(f"could not start a throwaway PostgreSQL cluster ({exc}); pass --database-url") from None


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", help="admin URL of a PostgreSQL server to create the bench databases on "
                                           "(default: a throwaway cluster started for the run)")
    ap.add_argument("--quick", action="store_true", help="a 5 s reader instead of 20 s: a smoke run")
    ap.add_argument("--hold", type=float, help="seconds the reader keeps its transaction (default 20, --quick 5)")
    ap.add_argument("--runs", default=",".join(RUNS), help=f"which runs, in order (default {','.join(RUNS)})")
    ap.add_argument("--dbmate", help="a dbmate binary to use instead of the npm-installed one")
    ap.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    ap.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    a = ap.parse_args(argv)
    hold = a.hold if a.hold is not None else (5.0 if a.quick else 20.0)
    # The tail leaves a retrying migration time to land: its pauses are capped near 10 s.
    plan = Plan(warmup_s=2.0 if a.quick else 3.0, hold_s=hold, tail_s=8.0 if a.quick else 15.0)
    names = [n.strip() for n in a.runs.split(",") if n.strip()]
    if not names or any(n not in RUNS for n in names):
        ap.error(f"--runs takes some of {', '.join(RUNS)}")
    a.work_dir.mkdir(parents=True, exist_ok=True)
    try:
        with server(a.database_url) as admin, tempfile.TemporaryDirectory(dir=a.work_dir) as scratch:
            tools = Tools(a.work_dir.resolve(), admin, a.dbmate)
            say(f"server {mask_url(admin)} (PostgreSQL {tools.dbs.check()}), {tools.dbmate_version}")
            before = busy()
            try:
                results = [run_one(tools, n, plan, Path(scratch)) for n in names]
            finally:
                tools.dbs.drop_all()
            after = busy()
    except BenchError as exc:
        say(f"bench_live: {exc}")
        return 2
    if a.json:
        print(json.dumps({"plan": asdict(plan), "rate": RATE, "clients": CLIENTS, "rows": ROWS,
                          "results": [asdict(r) for r in results]}, indent=2))
    else:
        print(f"{RATE} txn/s over {CLIENTS} clients on a {ROWS:,}-row table; a reader holds a {hold:g} s "
              f"transaction; then `{ALTER_SQL}`\n")
        print(table(results))
        print()
        print("\n".join(verdict(results)))
        line = busy_line(before, after)
        if line:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
