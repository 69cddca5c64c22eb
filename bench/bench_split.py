#!/usr/bin/env python3
"""Benchmark one huge migration: a seed file of INSERTs, split and applied, beside ``psql -f``.

Generates a file of ``--mb`` megabytes (default 50) of one-line INSERTs whose
string values hold a ``;`` and doubled quotes (what a splitter must not cut at),
then, in the same run:

1. splits it in this process with lockgate's PostgreSQL and SQLite splitters
   (wall time and the peak of Python memory, from tracemalloc);
2. applies it with ``lockgate up`` (defaults: lint on, one transaction with its
   ledger row) to a fresh PostgreSQL database, and with ``lockgate up --skip-lint``;
3. applies it with ``psql -f`` (the target's measure: each statement commits on
   its own) and ``psql -1 -f`` (one transaction: the server's floor) to fresh
   databases of their own,

checks each database holds every row, and prints the ratio of lockgate to
``psql -f``. Target: <= 1.5x. The databases are ``lockgate_bench_<random>``,
created from the admin URL and dropped afterwards (no other is touched); the
best of ``--runs`` runs is reported.

Usage::

    python bench/bench_split.py                 # 50 MB, one run
    python bench/bench_split.py --mb 5 --runs 3
    LOCKGATE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/bench_split.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Sequence

from _cpu import busy, busy_line
from bench_core import (DEFAULT_ADMIN_URL, DEFAULT_WORK_DIR, REPO_DIR, BenchError, Databases, Timing, ToolFailed,
                        capture, check_lockgate, clean_env, find_lockgate, find_psql, mask_url, run_timed, say)

TARGET_RATIO = 1.5  # lockgate up <= 1.5x psql -f (issue 11)
ROW = "INSERT INTO seed (id, name, note) VALUES ({0}, 'name {0}', 'a note; with ''quotes'' and a semicolon');\n"


def generate(path: Path, megabytes: float) -> int:
    """Write the seed migration; return how many rows it inserts."""
    target = int(megabytes * 1_000_000)
    rows = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("CREATE TABLE seed (id bigint PRIMARY KEY, name text NOT NULL, note text);\n")
        size = 0
        while size < target:
            batch = "".join(ROW.format(rows + i) for i in range(1000))
            out.write(batch)
            size += len(batch)
            rows += 1000
    return rows


def split_in_process(text: str) -> dict[str, tuple[float, float, int]]:
    """{splitter: (seconds, peak MB of Python memory, statements)}."""
    if str(REPO_DIR / "src") not in sys.path:
        sys.path.insert(0, str(REPO_DIR / "src"))
    from lockgate.dialects.sqlite import split_sqlite
    from lockgate.sqltext import split_statements

    split_statements("SELECT 1")  # the parser's import is not the splitter's work
    out = {}
    for name, split in (("postgresql", split_statements), ("sqlite", split_sqlite)):
        t0 = time.perf_counter()
        n = len(split(text))
        seconds = time.perf_counter() - t0
        tracemalloc.start()  # a second pass: tracing makes the first one's time several times longer
        split(text)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        out[name] = (seconds, peak, n)
    return out


def count_rows(dbs: Databases, db: str) -> int:
    proc = capture([dbs.psql, "-X", "-q", "-A", "-t", "-d", dbs.url(db), "-c", "SELECT count(*) FROM seed"],
                   env=clean_env())
    if proc.returncode != 0:
        raise ToolFailed(f"could not count the rows: {' '.join(proc.stderr.split())}")
    return int(proc.stdout.strip())


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Split and apply one huge migration: lockgate up beside psql -f.")
    p.add_argument("--database-url", default=os.environ.get("LOCKGATE_BENCH_DATABASE_URL", DEFAULT_ADMIN_URL),
                   help="admin URL used to CREATE/DROP fresh databases (default: %(default)s)")
    p.add_argument("--mb", type=float, default=50.0, help="size of the migration file in MB (default 50)")
    p.add_argument("--runs", type=int, default=1, help="runs of each apply; the best is reported (default 1)")
    p.add_argument("--lockgate", help="command that runs lockgate (default: as bench_core.py finds it)")
    args = p.parse_args(argv)
    psql = find_psql()
    dbs = Databases(psql, args.database_url)
    DEFAULT_WORK_DIR.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="split-", dir=DEFAULT_WORK_DIR))
    try:
        version = dbs.check()
        lockgate, extra = find_lockgate(args.lockgate)
        env = clean_env(extra)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        lg_version = check_lockgate(lockgate, env, scratch)
        before = busy()
        migrations = scratch / "migrations"
        migrations.mkdir()
        seed = migrations / "0001_seed.up.sql"
        say(f"generating {args.mb:g} MB of INSERTs in {seed} ...")
        rows = generate(seed, args.mb)
        size_mb = seed.stat().st_size / 1e6
        say("splitting in this process ...")
        splits = split_in_process(seed.read_text(encoding="utf-8"))
        best: dict[str, Timing] = {}
        commands = {
            "lockgate up": lambda url: [*lockgate, "--database-url", url, "--log-file", "off", "up"],
            "lockgate up --skip-lint": lambda url: [*lockgate, "--database-url", url, "--log-file", "off", "up",
                                                    "--skip-lint"],
            "psql -f": lambda url: [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(seed)],
            "psql -1 -f": lambda url: [psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(seed)],
        }
        for rnd in range(args.runs):
            order = list(commands) if rnd % 2 == 0 else list(reversed(commands))
            for tool in order:
                db = dbs.create()
                try:
                    say(f"run {rnd + 1}: {tool} ...")
                    t = run_timed(commands[tool](dbs.url(db)), env=env, cwd=scratch, log=scratch / f"{tool}.log")
                    if count_rows(dbs, db) != rows:
                        raise ToolFailed(f"{tool}: the seed table does not hold {rows} rows")
                    if tool not in best or t.wall < best[tool].wall:
                        best[tool] = t
                finally:
                    dbs.drop(db)
        after = busy()
    except BenchError as exc:
        say(f"error: {exc}")
        return 2
    except ToolFailed as exc:
        say(f"error: {exc}")
        return 1
    finally:
        dbs.drop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    ratio = best["lockgate up"].wall / best["psql -f"].wall
    lines = [f"lockgate split benchmark: one migration of {size_mb:.1f} MB ({rows + 1} statements), "
             f"best of {args.runs} run(s)",
             f"PostgreSQL {version} at {mask_url(args.database_url)}; {lg_version}", ""]
    for name, (seconds, peak, n) in splits.items():
        lines.append(f"split ({name:<10})   {seconds:7.2f}s   peak Python memory {peak:6.0f} MB   {n} statements")
    for tool, t in best.items():
        lines.append(f"{tool:<24} {t.wall:7.2f}s   (CPU of the process {t.cpu:6.2f}s, peak memory "
                     f"{t.maxrss_mb:5.0f} MB)")
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    lines.append(f"lockgate up / psql -f     {ratio:6.2f}x   target <= {TARGET_RATIO}x   {verdict}")
    load = busy_line(before, after)
    if load:
        lines.append(load)
    print("\n".join(lines))
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
