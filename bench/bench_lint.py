#!/usr/bin/env python3
"""Benchmark ``lockgate lint`` against squawk on the same 1000 migration files, in the same run.

Generates N realistic migrations (default 1000; golang-migrate layout, a mix of
CREATE TABLE with indexes, ADD COLUMN, concurrent indexes in no-transaction files,
NOT VALID foreign keys and their VALIDATE, DO blocks, PL/pgSQL functions and
triggers, batched backfills, seed data, views, renames, type changes, tagged
contract migrations) into ``bench/.work/lint/mN/migrations/``, then times whole processes,
start-up included:

* ``lockgate lint`` in a project whose lockgate.toml names the folder (text output,
  and ``--format json``), cold (``--no-cache``),
  with its cache in place, and with the cache restored into a fresh checkout
  (every mtime new, so every file is read and hashed), and
* ``squawk FILE...`` (its default output, and ``--reporter json``), and
* a floor: a Python process that only imports click and pglast and parses and
  decodes every file (no rules, no output), the least a linter on lockgate's
  stack can do,

each output sent to /dev/null. The tools alternate in order from run to run and the
best of ``--runs`` is kept. A process is timed from just before it is spawned until
a blocking ``os.wait4`` returns. lockgate runs with byte-code caching on (in
``bench/.work/pycache``, as an installed package would have it) after one
untimed warm-up run of each tool.

Usage::

    python bench/bench_lint.py                     # 1000 files, best of 5
    python bench/bench_lint.py --files 1000 --runs 9 --json

squawk is taken from PATH, else installed from npm (``squawk-cli``) into
``bench/.work/node`` and its native binary run directly (not through node).
lockgate is the ``lockgate`` executable next to ``sys.executable`` if there is
one, else ``sys.executable -m lockgate`` with the repository's ``src`` first on
``PYTHONPATH``.

Target (issue 4): lockgate no slower than 2x squawk per file, process start included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from _cpu import BUSY_WARN, busy, busy_line

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"
SQUAWK_NPM_SPEC = "squawk-cli@2.66.0"
TARGET_RATIO = 2.0


class BenchError(Exception):
    """A set-up problem: one line, exit status 2."""


# -- the migrations ---------------------------------------------------------------------------

def _templates(n: int, rnd: random.Random) -> tuple[str, str]:
    """(name, up SQL) for migration number ``n``; the tables it uses exist or are created here."""
    t = f"t{n:04d}"
    prev = f"t{max(n - 1, 1):04d}"
    kind = n % 16
    header = f"-- Migration: {n:04d}\n-- Version: {n:04d}\n"
    if kind in (0, 1, 2):
        return f"create_{t}", header + f"""-- Description: create {t}
CREATE TABLE IF NOT EXISTS {t} (
    id          BIGSERIAL PRIMARY KEY,
    account_id  BIGINT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    payload     JSONB NOT NULL DEFAULT '{{}}'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_{t}_account ON {t} (account_id);
CREATE UNIQUE INDEX IF NOT EXISTS idx_{t}_name ON {t} (account_id, lower(name));
COMMENT ON TABLE {t} IS 'Created by migration {n}; see docs/{t}.md';
"""
    if kind == 3:
        return f"add_note_to_{prev}", header + f"""SET lock_timeout = '5s';
ALTER TABLE {prev} ADD COLUMN IF NOT EXISTS note TEXT;
ALTER TABLE {prev} ADD COLUMN IF NOT EXISTS priority INTEGER NOT NULL DEFAULT {rnd.randint(0, 9)};
"""
    if kind == 4:
        return f"index_{prev}_created", f"""-- lockgate:no-transaction
{header}SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_{prev}_created ON {prev} (created_at DESC) WHERE status = 'active';
"""
    if kind == 5:
        return f"fk_{prev}_account", header + f"""SET lock_timeout = '5s';
ALTER TABLE {prev} ADD CONSTRAINT {prev}_account_fk
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE NOT VALID;
"""
    if kind == 6:
        return f"validate_{prev}_account", header + f"""ALTER TABLE {prev} VALIDATE CONSTRAINT {prev}_account_fk;
"""
    if kind == 7:
        return f"status_type_{n}", header + f"""DO $$
BEGIN
    CREATE TYPE status_{n} AS ENUM ('pending', 'running', 'done; really', 'failed');
EXCEPTION
    WHEN duplicate_object THEN NULL;
END
$$;
"""
    if kind == 8:
        return f"touch_trigger_{prev}", header + f"""CREATE OR REPLACE FUNCTION touch_{prev}() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    -- DROP TABLE {prev}; is only a comment inside the body
    NEW.updated_at := now();
    RETURN NEW;
END;
$body$;

DROP TRIGGER IF EXISTS trg_touch_{prev} ON {prev};
CREATE TRIGGER trg_touch_{prev} BEFORE UPDATE ON {prev}
    FOR EACH ROW EXECUTE FUNCTION touch_{prev}();
"""
    if kind == 9:
        lo = rnd.randint(1, 10_000)
        return f"backfill_{prev}", header + f"""UPDATE {prev} SET payload = payload || jsonb_build_object('migrated', true)
WHERE id BETWEEN {lo} AND {lo + 9999} AND NOT (payload ? 'migrated');
"""
    if kind == 10:
        return f"add_region_{prev}", header + f"""ALTER TABLE {prev} ADD COLUMN region TEXT NOT NULL DEFAULT 'eu-west-1';
CREATE INDEX idx_{prev}_region ON {prev} (region);
"""
    if kind == 11:
        return f"seed_{t}", header + f"""INSERT INTO settings (key, value) VALUES
    ('feature.{t}.enabled', 'false'),
    ('feature.{t}.rollout', '0'),
    ('feature.{t}.owner', 'team-{rnd.choice(["core", "billing", "growth"])}')
ON CONFLICT (key) DO NOTHING;
"""
    if kind == 12:
        return f"view_{prev}", header + f"""CREATE OR REPLACE VIEW active_{prev} AS
    SELECT id, account_id, name, created_at FROM {prev} WHERE status = 'active';
"""
    if kind == 13:
        return f"rename_{prev}_note", header + f"""ALTER TABLE {prev} RENAME COLUMN note TO remarks;
"""
    if kind == 14:
        return f"widen_{prev}_name", header + f"""SET lock_timeout = '3s';
ALTER TABLE {prev} ALTER COLUMN name TYPE varchar(200);
ALTER TABLE {prev} ALTER COLUMN name SET NOT NULL;
"""
    return f"drop_{prev}_legacy", header + f"""-- contract-phase-ok: {prev}.legacy unused since release {n // 10}
SET lock_timeout = '5s';
ALTER TABLE {prev} DROP COLUMN IF EXISTS legacy;
DELETE FROM settings WHERE key LIKE 'legacy.{prev}.%';
"""


def generate(directory: Path, count: int, seed: int = 4) -> list[Path]:
    """Write ``count`` up files (and their down files) into ``directory``; return the up files."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    rnd = random.Random(seed)
    ups = []
    for n in range(1, count + 1):
        name, sql = _templates(n, rnd)
        up = directory / f"{n:04d}_{name}.up.sql"
        up.write_text(sql)
        (directory / f"{n:04d}_{name}.down.sql").write_text(f"-- rollback of {n:04d}\nSELECT 1;\n")
        ups.append(up)
    return ups


# -- the tools --------------------------------------------------------------------------------

def squawk_binary(work: Path) -> Path:
    found = shutil.which("squawk")
    if found:
        return Path(found)
    node_dir = work / "node"
    plat = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}.get(platform.system(), "linux")
    arch = {"x86_64": "x64", "AMD64": "x64", "arm64": "arm64", "aarch64": "arm64"}.get(platform.machine(), "x64")
    binary = node_dir / "node_modules" / "@squawk-cli" / f"{plat}-{arch}" / "bin" / "squawk"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise BenchError("squawk is not on PATH and npm is missing to install squawk-cli.")
        node_dir.mkdir(parents=True, exist_ok=True)
        run = subprocess.run([npm, "install", "--prefix", str(node_dir), "--no-audit", "--no-fund", SQUAWK_NPM_SPEC],
                             capture_output=True, text=True, timeout=600)
        if run.returncode != 0 or not binary.exists():
            raise BenchError(f"npm install {SQUAWK_NPM_SPEC} failed: {(run.stderr or run.stdout).strip()[-300:]}")
    return binary


def lockgate_command() -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its .pyc files
    env["PYTHONPYCACHEPREFIX"] = str(WORK_DIR / "pycache")
    env["NO_COLOR"] = "1"
    exe = Path(sys.executable).with_name("lockgate")
    if exe.exists():
        return [str(exe)], env
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_DIR / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return [sys.executable, "-m", "lockgate"], env


def time_process(argv: Sequence[str], env: dict[str, str] | None, cwd: Path) -> tuple[float, int]:
    """Wall seconds from spawn to a blocking wait4, and the exit status."""
    with open(os.devnull, "wb") as devnull:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=devnull, stderr=devnull, env=env, cwd=cwd)
        _, status, _ = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, proc.returncode


def _touch(files: Sequence[Path], stamp: float | None = None) -> float:
    """Give every file a new mtime an hour back, as a fresh ``git clone`` does (contents unchanged),
    or ``stamp``; returns the mtime given."""
    if stamp is None:
        stamp = time.time() - 3600 + random.random()
    for f in files:
        os.utime(f, (stamp, stamp))
    return stamp


#: The least any linter on lockgate's stack does: start Python, import click and pglast, parse every
#: file with libpg_query and decode its tree. No rules, no output, one process.
FLOOR_CODE = """
import json, os, sys
import click
from pglast import parser
for name in sorted(os.listdir("migrations")):
    if name.endswith(".up.sql"):
        with open(os.path.join("migrations", name), encoding="utf-8") as fh:
            json.loads(parser.parse_sql_json(fh.read()))
"""
FLOOR = "floor (no rules)"


def measure(count: int, runs: int, squawk: Path) -> dict[str, float]:
    """Best wall time of each command over ``runs`` alternating runs on ``count`` generated files.

    lockgate is timed three ways: ``cold`` (``--no-cache``: every file parsed and
    linted), ``cache`` (its cache in place and the files untouched: the pre-commit
    and local case) and ``restored`` (the cache restored into a fresh checkout: every
    file has a new mtime, so each is read and hashed; the CI case with a cache step).
    """
    # A project as the README sets one up: lockgate.toml and its migrations folder; `lockgate lint`
    # lints the folder, as a user (or pre-commit's project hook) runs it.
    directory = WORK_DIR / "lint" / f"m{count}"
    if directory.exists():
        shutil.rmtree(directory)
    ups = generate(directory / "migrations", count)
    (directory / "lockgate.toml").write_text('migrations_dir = "migrations"\n')
    every = sorted((directory / "migrations").iterdir())
    checkout = _touch(every)  # a repository's migrations are not seconds old
    lockgate, env = lockgate_command()
    rel = [str(p.relative_to(directory)) for p in ups]
    Hook = Callable[[], object] | None
    commands: dict[str, tuple[list[str], dict[str, str] | None, Hook, Hook]] = {
        "lockgate text cold": (lockgate + ["lint", "--no-cache"], env, None, None),
        "lockgate text cache": (lockgate + ["lint"], env, None, None),
        "squawk tty": ([str(squawk), *rel], None, None, None),
        "lockgate json cold": (lockgate + ["lint", "--format", "json", "--no-cache"], env, None, None),
        "lockgate json cache": (lockgate + ["lint", "--format", "json"], env, None, None),
        # New mtimes before, the checkout's own back after: the other runs see the files the cache knows.
        "lockgate json restored": (lockgate + ["lint", "--format", "json"], env, lambda: _touch(every),
                                   lambda: _touch(every, checkout)),
        "squawk json": ([str(squawk), "--reporter", "json", *rel], None, None, None),
        FLOOR: ([sys.executable, "-c", FLOOR_CODE], env, None, None),
    }
    for cmd, cenv, _, _ in commands.values():  # warm-up: page cache, .pyc files, lockgate's lint cache
        time_process(cmd, cenv, directory)
    best: dict[str, float] = {name: float("inf") for name in commands}
    names = list(commands)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            cmd, cenv, before, after = commands[name]
            if before is not None:
                before()
            best[name] = min(best[name], time_process(cmd, cenv, directory)[0])
            if after is not None:
                after()
    return best


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=4, metavar="K",
                    help="also time K times as many files, to separate start-up from the cost per file (0: off)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    try:
        squawk = squawk_binary(WORK_DIR)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    before = busy()
    if before is not None and before > BUSY_WARN:
        print(f"warning: the CPUs were {before:.0%} busy before the start: other work is running on this machine "
              "and the figures will be noisy", file=sys.stderr)
    best = measure(args.files, args.runs, squawk)
    version = subprocess.run([str(squawk), "--version"], capture_output=True, text=True).stdout.strip()
    figures: dict[str, object] = {
        "files": args.files, "runs": args.runs, "squawk": version, "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "seconds": {k: round(v, 4) for k, v in best.items()},
        "files_per_second": {k: round(args.files / v) for k, v in best.items()},
        "ratio_text": round(best["lockgate text cache"] / best["squawk tty"], 2),
        "ratio_json": round(best["lockgate json cache"] / best["squawk json"], 2),
        "ratio_json_restored": round(best["lockgate json restored"] / best["squawk json"], 2),
        "ratio_text_cold": round(best["lockgate text cold"] / best["squawk tty"], 2),
        "ratio_json_cold": round(best["lockgate json cold"] / best["squawk json"], 2),
        "ratio_floor_json": round(best[FLOOR] / best["squawk json"], 2),
        "target_ratio": TARGET_RATIO,
    }
    per_file: dict[str, float] = {}
    if args.scale > 1:
        big = measure(args.files * args.scale, args.runs, squawk)
        extra = args.files * (args.scale - 1)
        per_file = {k: (big[k] - best[k]) / extra * 1e6 for k in best}
        figures["scaled_files"] = args.files * args.scale
        figures["scaled_seconds"] = {k: round(v, 4) for k, v in big.items()}
        figures["us_per_extra_file"] = {k: round(v, 1) for k, v in per_file.items()}
    after = busy()
    figures["cpu_busy_before"], figures["cpu_busy_after"] = before, after
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{args.files} migration files, best of {args.runs} runs, whole process (start-up included), "
          f"{os.cpu_count()} CPU(s)")
    for name, secs in best.items():
        print(f"  {name:22s} {secs:7.3f} s  {args.files / secs:8.0f} files/s")
    for key, label in (("ratio_text", "text, cache"), ("ratio_json", "json, cache"),
                       ("ratio_json_restored", "json, cache restored in a fresh checkout"),
                       ("ratio_text_cold", "text, cold (--no-cache)"), ("ratio_json_cold", "json, cold (--no-cache)")):
        ratio = float(figures[key])  # type: ignore[arg-type]
        verdict = "ok" if ratio <= TARGET_RATIO else "SLOWER than target"
        print(f"  lockgate/squawk ({label}): {ratio:.2f}x  (target <= {TARGET_RATIO}x: {verdict})")
    floor = float(figures["ratio_floor_json"])  # type: ignore[arg-type]
    print(f"  floor/squawk json: {floor:.2f}x  (Python start, import click and pglast, parse and decode every file: "
          "no rules, one process)")
    if per_file:
        print(f"cost of each file beyond the first {args.files} (from a {args.files * args.scale}-file run):")
        for name, us in per_file.items():
            print(f"  {name:22s} {us:7.1f} us/file")
    load = busy_line(before, after)
    if load is not None:
        print(load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
