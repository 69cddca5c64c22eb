"""bench/bench_live.py's figures come from pgbench's real log: its parser and statistics, on real output."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.postgres import find_pg_bin

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench_live():  # -> the module
    sys.path.insert(0, str(BENCH))
    try:
        import bench_live

        yield bench_live
    finally:
        sys.path.remove(str(BENCH))


def _pgbench() -> str:
    bindir = find_pg_bin()
    found = shutil.which("pgbench") or (str(bindir / "pgbench") if bindir and (bindir / "pgbench").is_file() else None)
    if found is None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("CI=true and pgbench (PostgreSQL client) is not installed")
        pytest.skip("pgbench is not installed")
    return found


def test_the_harness_doctests_pass(bench_live) -> None:
    assert doctest.testmod(bench_live).failed == 0


def test_figures_from_a_real_rate_limited_pgbench_log(bench_live, pg_url: str, tmp_path: Path) -> None:
    script = tmp_path / "t.sql"
    script.write_text("SELECT pg_sleep(0.002);\n")
    prefix = tmp_path / "log"
    # 2 clients x 40 transactions at 400 txn/s: a run of a fraction of a second, every line logged.
    run = subprocess.run([_pgbench(), "-n", "-f", str(script), "--rate", "400", "-c", "2", "-j", "2", "-t", "40",
                          "--log", f"--log-prefix={prefix}", pg_url], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    txns = bench_live.read_pgbench_logs(prefix)
    processed = int(re.search(r"number of transactions actually processed: (\d+)", run.stdout).group(1))
    assert len(txns) == processed == 80
    assert len(list(tmp_path.glob("log.*"))) == 2  # one log per thread, both read
    assert {t.client for t in txns} == {0, 1}
    assert [t.end_s for t in txns] == sorted(t.end_s for t in txns)
    # Latencies are positive and sane; not "at least the 2 ms slept": pgbench was seen logging a
    # 79 us transaction for pg_sleep(0.002) (its first, on a loaded machine).
    assert all(0 < t.latency_s < 60 and t.lag_s >= 0 for t in txns)
    figures = bench_live.traffic(txns)
    assert figures.count == 80 and figures.worst_s == max(t.latency_s for t in txns)
    assert min(t.latency_s for t in txns) <= figures.p99_s <= figures.worst_s
    assert figures.over_1s == sum(t.latency_s > 1 for t in txns)
    gaps = [b.end_s - a.end_s for a, b in zip(txns, txns[1:])]
    assert figures.longest_gap_s == pytest.approx(max(gaps), abs=1e-6)
