"""How busy the machine is with other work: the benchmarks say so, since it makes their figures noisy."""

from __future__ import annotations

import time

BUSY_WARN = 0.15  # share of CPU busy with other work that makes the figures noisy


def busy(seconds: float = 1.0) -> float | None:
    """Share of CPU time spent busy over the next ``seconds``, from /proc/stat (Linux); None elsewhere."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return idle, sum(fields)

    try:
        i0, t0 = sample()
        time.sleep(seconds)
        i1, t1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1.0 - (i1 - i0) / (t1 - t0) if t1 > t0 else None


def busy_line(before: float | None, after: float | None) -> str | None:
    """One line for a report: the load in the second before and after the bench, flagged when it was high."""
    if before is None or after is None:
        return None
    noisy = max(before, after) > BUSY_WARN
    return (f"CPU busy with other work in the second before/after the bench: {before:.0%}/{after:.0%}"
            + ("  <- other work was running: noisy figures" if noisy else ""))
