"""When to try a migration again after it could not get its locks: a pure decision.

The choice is a function of what was observed (the attempt that just failed, the time
spent since the first one began, why it failed) and of the policy, so it can be tested
without a database and reused by anything that retries: a migration whose lock_timeout
fired, a batch of a backfill, one target of a fleet, a MySQL dialect's 1205.

The pauses follow GitLab's ``with_lock_retries`` lesson (a short lock_timeout, then a
pause that lets the queue of application queries drain) with reshape's and pgroll's
exponential growth, but bounded by *total time*, never by a small count: a blocker may
hold its transaction for a minute and the migration must land seconds after it ends.

* the nominal pause starts at ``first_pause`` and doubles up to ``max_pause`` (10 s);
* jitter takes a pause down to no less than half its nominal length, never to zero:
  near-zero pauses would pile the application's queries behind two attempts in a row;
* a new attempt starts only while ``elapsed`` is within ``retry_for``; the last pause is
  shortened so that the final attempt begins at the bound (never below half the first pause).

>>> policy = RetryPolicy(retry_for=60.0)
>>> [round(nominal_pause(policy, n), 2) for n in range(1, 8)]
[0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
>>> decide(policy, Observation(attempt=1, elapsed=1.0, retryable=True), jitter=0.0)
Decision(retry=True, pause=0.25, reason='lock not available; attempt 2 in 250ms')
>>> decide(policy, Observation(attempt=9, elapsed=60.0, retryable=True), jitter=0.5).retry
False
"""

from __future__ import annotations

from dataclasses import dataclass

from ..durations import format_duration


@dataclass(frozen=True)
class RetryPolicy:
    """How to retry: the bound on total time, and the shape of the pauses (seconds)."""

    retry_for: float = 60.0  # the whole time a migration may spend trying, pauses included
    first_pause: float = 0.5  # nominal; with jitter the first real pause is 0.25 s to 0.5 s
    factor: float = 2.0
    max_pause: float = 10.0


@dataclass(frozen=True)
class Observation:
    """What the caller saw: the attempt that just failed (1 for the first), the seconds
    since the first attempt began, and whether its failure is one to retry (a lock
    that was not available in time)."""

    attempt: int
    elapsed: float
    retryable: bool


@dataclass(frozen=True)
class Decision:
    retry: bool
    pause: float  # seconds to wait before the next attempt (0 when not retrying)
    reason: str


def nominal_pause(policy: RetryPolicy, attempt: int) -> float:
    """The pause after failed attempt ``attempt`` before jitter: exponential, capped."""
    exponent = min(max(attempt - 1, 0), 64)  # 2**64 seconds is past any cap: no overflow
    return min(policy.first_pause * policy.factor ** exponent, policy.max_pause)


def decide(policy: RetryPolicy, seen: Observation, *, jitter: float) -> Decision:
    """Retry or stop after a failed attempt. ``jitter`` in [0, 1] is the random draw:
    0 gives half the nominal pause, 1 the whole of it."""
    if not seen.retryable:
        return Decision(False, 0.0, "not a lock timeout: retrying would fail the same way")
    left = policy.retry_for - seen.elapsed
    if left <= 0:
        return Decision(False, 0.0, f"retried for {format_duration(policy.retry_for)} "
                                    f"({seen.attempt} attempt{'s' if seen.attempt != 1 else ''})")
    nominal = nominal_pause(policy, seen.attempt)
    share = 0.5 + 0.5 * min(max(jitter, 0.0), 1.0)
    # Cut to the bound, but never below the shortest pause: the queue must drain between attempts.
    pause = max(min(nominal * share, left), policy.first_pause / 2)
    return Decision(True, pause, f"lock not available; attempt {seen.attempt + 1} in {format_duration(pause)}")
