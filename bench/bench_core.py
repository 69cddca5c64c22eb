#!/usr/bin/env python3
"""Benchmark the lockgate migration engine against dbmate and plain psql.

Generates N small migrations (default 1000: a CREATE TABLE plus an index, each
with a down that drops the table) in a scratch folder, once in lockgate's
layout (``0001_create_t_0001.up.sql`` / ``.down.sql``), once in dbmate's
(``db/migrations/0001_create_t_0001.sql`` with ``-- migrate:up`` /
``-- migrate:down`` sections) and once as one concatenated SQL file for
``psql -f`` (the floor). It then measures, on PostgreSQL, the whole-process
wall time of:

1. applying all N to an empty database: ``lockgate up`` vs ``dbmate up`` vs
   ``psql -f``;
2. a no-op ``up`` and a ``status`` when all are applied;
3. rolling back 100: one ``lockgate down --steps 100`` vs 100 ``dbmate
   rollback`` calls.

``psql -f`` runs the concatenated up SQL with no ledger and no per-migration
transaction (each statement commits on its own): the server's own cost of the
work. After each measured step the database is checked (1000 tables t_*, 1000
ledger rows; 900 after the rollback), so a fast but wrong run counts as an error.

Every tool gets its own fresh database in every run (created from the admin
URL as ``lockgate_bench_<random>`` and dropped afterwards; no other database is
ever touched), the tools run in alternating order from run to run, and the
best of ``--runs`` runs is reported. A process is timed from just before it is
spawned until a blocking ``os.wait4`` returns (no polling).

Usage::

    python bench/bench_core.py                      # best of 3, table
    python bench/bench_core.py --runs 5 --json      # figures as JSON
    LOCKGATE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python bench/bench_core.py

dbmate is installed from the npm registry into ``bench/.work/node`` if it is
not there yet (needs ``npm``); its native binary is run directly, not through
the npm package's node wrapper, which would add a node start-up to every call.
lockgate is run as the ``lockgate`` executable next to ``sys.executable`` if
there is one, else as ``sys.executable -m lockgate`` (with the repository's
``src`` on ``PYTHONPATH`` if lockgate is not installed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _cpu import BUSY_WARN, busy, busy_line

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_WORK_DIR = BENCH_DIR / ".work"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DBMATE_NPM_SPEC = "dbmate@2.36.0"
DB_PREFIX = "lockgate_bench_"
PSYCOPG_FLOOR = "import sys, psycopg\nwith psycopg.connect(sys.argv[1]) as c: c.execute('SELECT 1').fetchall()"

TOOLS = ("lockgate", "dbmate", "psql")

# Targets from issue 3 ("Benchmark").
TARGET_APPLY_RATIO = 1.0  # lockgate up <= 1.0x dbmate up
TARGET_NOOP_SECONDS = 0.3  # no-op up and status <= 0.3 s
TARGET_DOWN_RATIO = 0.5  # down --steps 100 <= 0.5x 100 dbmate rollbacks


class BenchError(Exception):
    """A set-up problem: reported as one line, exit status 2."""


class ToolFailed(Exception):
    """A measured command failed or left the database in the wrong state."""


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# URLs and databases


def mask_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def with_database(url: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + dbname))


def with_default_sslmode(url: str) -> str:
    """dbmate (lib/pq) defaults to sslmode=require; libpq to prefer."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if any(k == "sslmode" for k, _ in query):
        return url
    query.append(("sslmode", "disable"))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class Databases:
    """Creates fresh databases and drops exactly those, never any other."""

    def __init__(self, psql: str, admin_url: str) -> None:
        self.psql = psql
        self.admin_url = admin_url
        self.created: list[str] = []

    def _admin(self, sql: str) -> str:
        proc = capture([self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.admin_url,
                        "-c", sql], env=clean_env())
        if proc.returncode != 0:
            err = " ".join(proc.stderr.split()).removeprefix("psql: error: ") or "psql failed"
            raise BenchError(f"PostgreSQL at {mask_url(self.admin_url)}: {err}")
        return proc.stdout.strip()

    def check(self) -> str:
        return self._admin("SHOW server_version")

    def create(self) -> str:
        name = DB_PREFIX + secrets.token_hex(5)
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        if name not in self.created:  # only ever drop what we created
            return
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            try:
                self.drop(name)
            except BenchError as exc:
                say(f"warning: could not drop database {name}: {exc}")

    def url(self, name: str) -> str:
        return with_database(self.admin_url, name)

    def count_tables(self, name: str, *, ledger: bool) -> tuple[int, int]:
        """(tables named t_* in public, rows in public.schema_migrations or -1)."""
        sql = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'"
        if ledger:
            sql += "; SELECT count(*) FROM public.schema_migrations"
        proc = capture([self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(name), "-c", sql],
                       env=clean_env())
        if proc.returncode != 0:
            raise ToolFailed(f"could not check the database: {' '.join(proc.stderr.split())}")
        counts = [int(x) for x in proc.stdout.split()]
        return counts[0], counts[1] if ledger else -1


# --------------------------------------------------------------------------
# Processes


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment minus anything that could point a tool elsewhere."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and not k.startswith(("LOCKGATE_", "DBMATE_"))
    }
    if extra:
        env.update(extra)
    return env


def capture(argv: Sequence[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a helper command (not timed) and capture its output."""
    return subprocess.run(list(argv), check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True, **kw)


@dataclass
class Timing:
    wall: float
    cpu: float  # user + system time of the child
    maxrss_mb: float = 0.0  # the child's peak resident memory (Linux reports ru_maxrss in KiB)


def run_timed(argv: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path) -> Timing:
    """Run one process to completion; wall time up to a blocking wait4."""
    with open(log, "ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=cwd)
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: do not leave the child running against a dropped database
            proc.kill()
            proc.wait()
            raise
        t1 = time.perf_counter()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise ToolFailed(
            f"`{shlex.join(str(a) for a in argv)}` exited {proc.returncode}:\n    " + "\n    ".join(tail)
        )
    return Timing(t1 - t0, rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss / 1024)


# --------------------------------------------------------------------------
# Tools


def find_psql() -> str:
    psql = shutil.which("psql")
    if not psql:
        raise BenchError("psql not found on PATH: install the PostgreSQL client (e.g. apt-get install postgresql-client)")
    return psql


def _dbmate_platform_dir() -> str:
    system = {"linux": "linux", "darwin": "darwin", "windows": "win32"}.get(platform.system().lower(), "")
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64",
            "i386": "ia32", "i686": "ia32"}.get(machine, "arm" if machine.startswith("arm") else machine)
    return f"{system}-{arch}"


def _dbmate_candidates(node_dir: Path) -> list[Path]:
    mods = node_dir / "node_modules"
    exe = "dbmate.exe" if os.name == "nt" else "dbmate"
    cands = [mods / "@dbmate" / _dbmate_platform_dir() / "bin" / exe]
    cands += sorted((mods / "@dbmate").glob(f"*/bin/{exe}"))
    return [c for c in cands if c.is_file()]


def _working(binary: Path | str) -> str | None:
    try:
        proc = capture([str(binary), "--version"], timeout=30)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def find_dbmate(explicit: str | None, work_dir: Path) -> tuple[str, str]:
    """Return (path of the native dbmate binary, its version line)."""
    if explicit:
        version = _working(explicit)
        if not version:
            raise BenchError(f"--dbmate {explicit}: not a working dbmate binary")
        return explicit, version
    node_dir = work_dir / "node"
    for cand in _dbmate_candidates(node_dir):
        version = _working(cand)
        if version:
            return str(cand), version
    npm = shutil.which("npm")
    if not npm:
        raise BenchError("npm not found on PATH: it is needed once to install dbmate (apt-get install npm), "
                         "or pass --dbmate PATH")
    say(f"dbmate not found: installing {DBMATE_NPM_SPEC} from the npm registry into {node_dir} ...")
    node_dir.mkdir(parents=True, exist_ok=True)
    if not (node_dir / "package.json").exists():
        (node_dir / "package.json").write_text('{"private": true}\n')
    proc = capture([npm, "install", "--no-audit", "--no-fund", "--prefix", str(node_dir), DBMATE_NPM_SPEC],
                   cwd=node_dir)
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["npm install failed"])[-1]
        raise BenchError(f"npm install {DBMATE_NPM_SPEC} failed: {err}")
    for cand in _dbmate_candidates(node_dir):
        version = _working(cand)
        if version:
            say(f"installed {version} at {cand}")
            return str(cand), version
    raise BenchError(f"npm installed dbmate into {node_dir} but no working native binary for "
                     f"{_dbmate_platform_dir()} was found under node_modules/@dbmate")


def find_lockgate(explicit: str | None) -> tuple[list[str], dict[str, str]]:
    """Return (argv prefix, extra environment) to run the lockgate CLI."""
    if explicit:
        return shlex.split(explicit), {}
    exe = Path(sys.executable).parent / "lockgate"
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe)], {}
    import importlib.util

    extra: dict[str, str] = {}
    if importlib.util.find_spec("lockgate") is None:
        src = str(REPO_DIR / "src")
        extra["PYTHONPATH"] = src + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    return [sys.executable, "-m", "lockgate"], extra


def check_lockgate(argv: list[str], env: dict[str, str], cwd: Path) -> str:
    proc = capture([*argv, "--help"], env=env, cwd=cwd)
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise BenchError(f"lockgate does not run (`{shlex.join(argv)} --help`: {err}); "
                         "use --tools dbmate,psql to bench the others only")
    ver = capture([*argv, "--version"], env=env, cwd=cwd)
    return (ver.stdout.strip() or ver.stderr.strip()).splitlines()[0] if ver.returncode == 0 else "lockgate (version unknown)"


# --------------------------------------------------------------------------
# Migrations


@dataclass
class Workload:
    root: Path
    count: int
    lockgate_dir: Path
    dbmate_dir: Path
    all_sql: Path


def generate(root: Path, count: int) -> Workload:
    width = max(4, len(str(count)))
    lg = root / "lockgate" / "migrations"
    dm = root / "dbmate" / "db" / "migrations"
    lg.mkdir(parents=True)
    dm.mkdir(parents=True)
    chunks: list[str] = []
    for i in range(1, count + 1):
        version = f"{i:0{width}d}"
        table = f"t_{version}"
        name = f"{version}_create_{table}"
        up = (
            f"CREATE TABLE {table} (\n"
            f"    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
            f"    name text NOT NULL,\n"
            f"    created_at timestamptz NOT NULL DEFAULT now()\n"
            f");\n"
            f"CREATE INDEX {table}_name_idx ON {table} (name);\n"
        )
        down = f"DROP TABLE {table};\n"
        (lg / f"{name}.up.sql").write_text(up)
        (lg / f"{name}.down.sql").write_text(down)
        (dm / f"{name}.sql").write_text(f"-- migrate:up\n{up}\n-- migrate:down\n{down}")
        chunks.append(up)
    all_sql = root / "all.sql"
    all_sql.write_text("\n".join(chunks))
    return Workload(root, count, lg, dm, all_sql)


# --------------------------------------------------------------------------
# The benchmark


MEASURES = ("apply", "noop_up", "status", "down")
MEASURE_LABELS = {
    "apply": "apply {count} (empty db)",
    "noop_up": "no-op up (all applied)",
    "status": "status (all applied)",
    "down": "roll back {rollback}",
}
FLOORS = {
    "python_startup": "python -c pass",
    "python_psycopg_query": "python: import psycopg, connect, SELECT 1",
    "psql_query": "psql -c 'SELECT 1'",
}


@dataclass
class Results:
    # measure -> tool -> list of wall times (one per measured process/batch)
    wall: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    cpu: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, measure: str, tool: str, t: Timing) -> None:
        self.wall.setdefault(measure, {}).setdefault(tool, []).append(t.wall)
        self.cpu.setdefault(measure, {}).setdefault(tool, []).append(t.cpu)

    def best(self, measure: str, tool: str) -> float | None:
        vals = self.wall.get(measure, {}).get(tool)
        return min(vals) if vals else None

    def best_cpu(self, measure: str, tool: str) -> float | None:
        walls = self.wall.get(measure, {}).get(tool)
        if not walls:
            return None
        return self.cpu[measure][tool][walls.index(min(walls))]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.psql = find_psql()
        self.dbs = Databases(self.psql, args.database_url)
        self.results = Results()
        self.tools: list[str] = args.tools
        self.work_dir: Path = args.work_dir
        self.scratch: Path | None = None
        self.info: dict[str, Any] = {}

    # -- set-up ------------------------------------------------------------

    def setup(self) -> None:
        a = self.args
        self.info["server_version"] = self.dbs.check()
        self.info["psql"] = capture([self.psql, "--version"]).stdout.strip()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="run-", dir=self.work_dir))
        (self.scratch / "logs").mkdir()
        if "dbmate" in self.tools:
            self.dbmate, self.info["dbmate"] = find_dbmate(a.dbmate, self.work_dir)
            self.info["dbmate_path"] = self.dbmate
        if "lockgate" in self.tools:
            self.lockgate, extra = find_lockgate(a.lockgate)
            self.lockgate_env = clean_env(extra)
            # An installed package has its .pyc files; a developer shell with
            # PYTHONDONTWRITEBYTECODE=1 would time a recompile of every module instead.
            self.lockgate_env.pop("PYTHONDONTWRITEBYTECODE", None)
            self.lockgate_env["PYTHONPYCACHEPREFIX"] = str(self.work_dir / "pycache")
            self.info["lockgate_cmd"] = shlex.join(self.lockgate)
            self.info["lockgate"] = check_lockgate(self.lockgate, self.lockgate_env, self.scratch)
        self.info["cpu_busy_before"] = busy()
        if self.info["cpu_busy_before"] is not None and self.info["cpu_busy_before"] > BUSY_WARN:
            say(f"warning: the CPUs were {self.info['cpu_busy_before']:.0%} busy before the start: other work is "
                "running on this machine and the figures will be noisy")
        say(f"generating {a.count} migrations in {self.scratch} ...")
        self.work = generate(self.scratch, a.count)

    def finish(self) -> None:
        self.info["cpu_busy_after"] = busy()

    def cleanup(self) -> None:
        self.dbs.drop_all()
        if self.scratch and not self.args.keep_work:
            shutil.rmtree(self.scratch, ignore_errors=True)

    # -- helpers -----------------------------------------------------------

    def log(self, name: str) -> Path:
        assert self.scratch is not None
        return self.scratch / "logs" / f"{name}.log"

    def expect_tables(self, db: str, n: int, what: str, *, ledger: bool = True) -> None:
        """The measured command really did the work: n tables t_*, n ledger rows."""
        tables, rows = self.dbs.count_tables(db, ledger=ledger)
        if tables != n:
            raise ToolFailed(f"{what}: expected {n} tables t_* after it, found {tables}")
        if ledger and rows != n:
            raise ToolFailed(f"{what}: expected {n} rows in schema_migrations after it, found {rows}")

    # -- one tool, one run -------------------------------------------------

    def noop_and_status(self, tool: str, base: list[str], *, env: dict[str, str], cwd: Path, rnd: int) -> str:
        """Time the no-op `up` and `status` calls on an applied database; return this run's best."""
        best: dict[str, float] = {}
        for measure, cmd in (("noop_up", "up"), ("status", "status")):
            for _ in range(self.args.noop_repeats):
                t = run_timed([*base, cmd], env=env, cwd=cwd, log=self.log(f"r{rnd}-{tool}-{measure}"))
                self.results.add(measure, tool, t)
                best[measure] = min(best.get(measure, t.wall), t.wall)
        return f"  no-op up {best['noop_up']:6.3f}s  status {best['status']:6.3f}s"

    def run_psql(self, rnd: int) -> None:
        db = self.dbs.create()
        try:
            url = self.dbs.url(db)
            env = clean_env()
            t = run_timed([self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(self.work.all_sql)],
                          env=env, cwd=self.work.root, log=self.log(f"r{rnd}-psql-apply"))
            self.expect_tables(db, self.work.count, "psql -f", ledger=False)
            self.results.add("apply", "psql", t)
            say(f"  psql     apply {t.wall:7.3f}s")
            # Floors for the no-op measures, on an applied database.
            for _ in range(self.args.noop_repeats):
                self.results.add("psql_query", "floor", run_timed(
                    [self.psql, "-X", "-q", "-A", "-t", "-d", url, "-c", "SELECT 1"],
                    env=env, cwd=self.work.root, log=self.log(f"r{rnd}-psql-query")))
                self.results.add("python_startup", "floor", run_timed(
                    [sys.executable, "-c", "pass"], env=env, cwd=self.work.root,
                    log=self.log(f"r{rnd}-python-startup")))
                if self.has_psycopg:
                    self.results.add("python_psycopg_query", "floor", run_timed(
                        [sys.executable, "-c", PSYCOPG_FLOOR, url],
                        env=env, cwd=self.work.root, log=self.log(f"r{rnd}-python-psycopg")))
        finally:
            self.dbs.drop(db)

    def run_dbmate(self, rnd: int) -> None:
        db = self.dbs.create()
        try:
            url = with_default_sslmode(self.dbs.url(db))
            base = [self.dbmate, "--url", url, "--migrations-dir", str(self.work.dbmate_dir), "--no-dump-schema"]
            env = clean_env()
            cwd = self.work.dbmate_dir.parent.parent
            n = self.work.count
            t = run_timed([*base, "up"], env=env, cwd=cwd, log=self.log(f"r{rnd}-dbmate-apply"))
            self.expect_tables(db, n, "dbmate up")
            self.results.add("apply", "dbmate", t)
            msg = f"  dbmate   apply {t.wall:7.3f}s"
            msg += self.noop_and_status("dbmate", base, env=env, cwd=cwd, rnd=rnd)
            self.expect_tables(db, n, "dbmate no-op up")
            steps = self.args.rollback
            log = self.log(f"r{rnd}-dbmate-rollback")
            t0 = time.perf_counter()
            cpu = 0.0
            for _ in range(steps):
                cpu += run_timed([*base, "rollback"], env=env, cwd=cwd, log=log).cpu
            t = Timing(time.perf_counter() - t0, cpu)
            self.expect_tables(db, n - steps, f"{steps} x dbmate rollback")
            self.results.add("down", "dbmate", t)
            say(msg + f"  {steps} x rollback {t.wall:6.3f}s")
        finally:
            self.dbs.drop(db)

    def run_lockgate(self, rnd: int) -> None:
        db = self.dbs.create()
        try:
            url = self.dbs.url(db)
            base = [*self.lockgate, "--database-url", url, "--migrations-dir", str(self.work.lockgate_dir)]
            env = self.lockgate_env
            cwd = self.work.lockgate_dir.parent
            n = self.work.count
            t = run_timed([*base, "up"], env=env, cwd=cwd, log=self.log(f"r{rnd}-lockgate-apply"))
            self.expect_tables(db, n, "lockgate up")
            self.results.add("apply", "lockgate", t)
            msg = f"  lockgate apply {t.wall:7.3f}s"
            msg += self.noop_and_status("lockgate", base, env=env, cwd=cwd, rnd=rnd)
            self.expect_tables(db, n, "lockgate no-op up")
            steps = self.args.rollback
            t = run_timed([*base, "down", "--steps", str(steps)], env=env, cwd=cwd,
                          log=self.log(f"r{rnd}-lockgate-down"))
            self.expect_tables(db, n - steps, f"lockgate down --steps {steps}")
            self.results.add("down", "lockgate", t)
            say(msg + f"  down --steps {steps} {t.wall:6.3f}s")
        finally:
            self.dbs.drop(db)

    # -- all runs ----------------------------------------------------------

    def run(self) -> None:
        import importlib.util

        self.has_psycopg = importlib.util.find_spec("psycopg") is not None
        runners: dict[str, Callable[[int], None]] = {
            "lockgate": self.run_lockgate, "dbmate": self.run_dbmate, "psql": self.run_psql,
        }
        for rnd in range(self.args.runs):
            order = list(self.tools) if rnd % 2 == 0 else list(reversed(self.tools))
            say(f"run {rnd + 1}/{self.args.runs} (order: {', '.join(order)})")
            for tool in order:
                try:
                    runners[tool](rnd)
                except ToolFailed as exc:
                    err = f"run {rnd + 1}, {tool}: {exc}"
                    self.results.errors.append(err)
                    say("  ERROR " + err)

    # -- report ------------------------------------------------------------

    def targets(self) -> list[dict[str, Any]]:
        r = self.results
        out: list[dict[str, Any]] = []

        def ratio(a: float | None, b: float | None) -> float | None:
            return a / b if a is not None and b else None

        if "lockgate" in self.tools:
            apply_ratio = ratio(r.best("apply", "lockgate"), r.best("apply", "dbmate"))
            down_ratio = ratio(r.best("down", "lockgate"), r.best("down", "dbmate"))
            out.append({"measure": "apply", "target": f"<= {TARGET_APPLY_RATIO:.1f}x dbmate",
                        "value": apply_ratio, "limit": TARGET_APPLY_RATIO, "unit": "x dbmate"})
            for m in ("noop_up", "status"):
                out.append({"measure": m, "target": f"<= {TARGET_NOOP_SECONDS:.2f} s",
                            "value": r.best(m, "lockgate"), "limit": TARGET_NOOP_SECONDS, "unit": "s"})
            out.append({"measure": "down", "target": f"<= {TARGET_DOWN_RATIO:.1f}x dbmate",
                        "value": down_ratio, "limit": TARGET_DOWN_RATIO, "unit": "x dbmate"})
        for t in out:
            needs_dbmate = t["unit"] == "x dbmate"
            if needs_dbmate and "dbmate" not in self.tools:
                t["pass"] = None  # not measured in this run
            else:
                t["pass"] = t["value"] is not None and t["value"] <= t["limit"]
        return out

    def as_json(self) -> dict[str, Any]:
        r = self.results
        figures: dict[str, Any] = {}
        for m in (*MEASURES, *FLOORS):
            for tool, walls in r.wall.get(m, {}).items():
                figures.setdefault(m, {})[tool] = {
                    "best_s": round(min(walls), 4),
                    "median_s": round(statistics.median(walls), 4),
                    "best_cpu_s": round(r.best_cpu(m, tool) or 0.0, 4),
                    "runs_s": [round(w, 4) for w in walls],
                }
        return {
            "config": {
                "count": self.args.count, "rollback": self.args.rollback, "runs": self.args.runs,
                "noop_repeats": self.args.noop_repeats, "database_url": mask_url(self.args.database_url),
                "tools": self.tools, "command": self.command_line(),
            },
            "versions": {k: v for k, v in self.info.items()},
            "figures": figures,
            "ratios": {
                m: {
                    "lockgate/dbmate": _r(r.best(m, "lockgate"), r.best(m, "dbmate")),
                    "lockgate/psql": _r(r.best(m, "lockgate"), r.best(m, "psql")),
                    # Paired within each run (the tools ran minutes apart at most): shows the noise.
                    "lockgate/dbmate_per_run": [
                        _r(a, b) for a, b in zip(r.wall.get(m, {}).get("lockgate", []),
                                                 r.wall.get(m, {}).get("dbmate", []))
                    ] if m in ("apply", "down") and len(r.wall.get(m, {}).get("lockgate", [])) == len(r.wall.get(m, {}).get("dbmate", [])) else [],
                }
                for m in MEASURES
            },
            "targets": self.targets(),
            "errors": r.errors,
        }

    def command_line(self) -> str:
        return shlex.join([Path(sys.executable).name, "bench/bench_core.py", *sys.argv[1:]])

    def table(self) -> str:
        r = self.results
        a = self.args
        lines = [
            (f"lockgate core benchmark: {a.count} migrations, best of {a.runs} run(s) "
             f"(no-op/status: best of {a.runs * a.noop_repeats}), wall seconds per whole process"),
            (f"PostgreSQL {self.info.get('server_version')} at {mask_url(a.database_url)}; "
             f"{self.info.get('psql', 'psql')}"),
        ]
        if "dbmate" in self.tools:
            lines.append(f"{self.info.get('dbmate')} (native binary {self.info.get('dbmate_path')})")
        if "lockgate" in self.tools:
            lines.append(f"{self.info.get('lockgate')} ({self.info.get('lockgate_cmd')})")
        lines.append("")
        targets = {t["measure"]: t for t in self.targets()}
        head = (f"{'measure':<26} {'lockgate':>9} {'dbmate':>9} {'psql':>9} "
                f"{'lg/dbmate':>9} {'lg/psql':>8}  {'target':<16} {'result'}")
        lines += [head, "-" * len(head)]
        for m in MEASURES:
            label = MEASURE_LABELS[m].format(count=a.count, rollback=a.rollback)
            lg, dm, ps = r.best(m, "lockgate"), r.best(m, "dbmate"), r.best(m, "psql")
            t = targets.get(m)
            lines.append(
                f"{label:<26} {_s(lg, 'lockgate' in self.tools):>9} {_s(dm, 'dbmate' in self.tools):>9} "
                f"{_s(ps, m == 'apply' and 'psql' in self.tools):>9} {_x(_r(lg, dm)):>9} {_x(_r(lg, ps)):>8}  "
                f"{(t['target'] if t else ''):<16} {_verdict(t)}"
            )
        lines.append("")
        lines.append(f"'{MEASURE_LABELS['down'].format(rollback=a.rollback)}': lockgate is one "
                     f"`down --steps {a.rollback}`, dbmate is {a.rollback} sequential `rollback` calls.")
        floors = [(FLOORS[k], r.best(k, "floor")) for k in FLOORS if r.best(k, "floor") is not None]
        if floors:
            lines.append("floors for the no-op measures: " + "; ".join(f"{n} {v:.3f}s" for n, v in floors))
        if "lockgate" in self.tools:
            cpu = {m: r.best_cpu(m, "lockgate") for m in MEASURES}
            if any(v is not None for v in cpu.values()):
                lines.append("lockgate CPU (user+sys) in its best run: " + ", ".join(
                    f"{m} {v:.3f}s" for m, v in cpu.items() if v is not None))
        load = busy_line(self.info.get("cpu_busy_before"), self.info.get("cpu_busy_after"))
        if load is not None:
            lines.append(load)
        if r.errors:
            lines.append("")
            lines.append(f"{len(r.errors)} error(s):")
            lines += [f"  {e}" for e in r.errors]
        return "\n".join(lines)


def _verdict(t: dict[str, Any] | None) -> str:
    if t is None:
        return ""
    return "n/a" if t["pass"] is None else "PASS" if t["pass"] else "FAIL"


def _r(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _s(v: float | None, applicable: bool) -> str:
    if v is not None:
        return f"{v:.3f}"
    return "ERROR" if applicable else "-"


def _x(v: float | None) -> str:
    return f"{v:.2f}x" if v is not None else "-"


# --------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Benchmark lockgate against dbmate and psql on PostgreSQL (issue 3).",
    )
    p.add_argument("--database-url",
                   default=os.environ.get("LOCKGATE_BENCH_DATABASE_URL", DEFAULT_ADMIN_URL),
                   help="admin URL used to CREATE/DROP fresh databases named lockgate_bench_<random> "
                        "(default: $LOCKGATE_BENCH_DATABASE_URL or %(default)s)")
    p.add_argument("--runs", type=int, default=3, help="runs per tool; the best is reported (default 3)")
    p.add_argument("--count", type=int, default=1000, help="number of migrations (default 1000)")
    p.add_argument("--rollback", type=int, default=100, help="migrations to roll back (default 100)")
    p.add_argument("--noop-repeats", type=int, default=3,
                   help="no-op up / status calls per run (default 3)")
    p.add_argument("--tools", default=",".join(TOOLS),
                   help="comma-separated subset of lockgate,dbmate,psql (default: all)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON on stdout (table on stderr)")
    p.add_argument("--dbmate", help="path of a dbmate binary (default: installed from npm into bench/.work/node)")
    p.add_argument("--lockgate", help="command that runs lockgate (default: the lockgate executable next to "
                                      "the Python running this, else `python -m lockgate`)")
    p.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                   help="scratch folder (default bench/.work, git-ignored)")
    p.add_argument("--keep-work", action="store_true", help="keep the generated migrations and logs")
    args = p.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in tools if t not in TOOLS]
    if bad or not tools:
        p.error(f"--tools: unknown {', '.join(bad) or '(empty)'}; choose from {', '.join(TOOLS)}")
    args.tools = [t for t in TOOLS if t in tools]
    if args.runs < 1 or args.count < 1 or args.noop_repeats < 1:
        p.error("--runs, --count and --noop-repeats must be at least 1")
    if not 1 <= args.rollback <= args.count:
        p.error("--rollback must be between 1 and --count")
    args.work_dir = args.work_dir.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    bench: Bench | None = None
    try:
        bench = Bench(args)
        bench.setup()
        bench.run()
        bench.finish()
    except BenchError as exc:
        say(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        if bench is not None:
            bench.cleanup()
    table = bench.table()
    if args.json:
        say(table)
        print(json.dumps(bench.as_json(), indent=2))
    else:
        print(table)
    return 1 if bench.results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
