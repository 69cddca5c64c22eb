"""The retry decision and the --cancel-blockers decision: pure functions of what was observed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lockgate.safety.blockers import Blocker, actions
from lockgate.safety.retry import Observation, RetryPolicy, decide, nominal_pause
from lockgate.safety.timeouts import Timeouts, application_name, resolve

policies = st.builds(RetryPolicy, retry_for=st.floats(0.5, 3600), first_pause=st.floats(0.5, 2),
                     factor=st.floats(1.5, 3), max_pause=st.floats(5, 15))
attempts = st.integers(1, 10_000)
jitters = st.floats(0, 1)


@given(policies, attempts, st.floats(0, 3600), jitters)
def test_a_pause_is_never_below_a_quarter_second_nor_above_the_cap(policy: RetryPolicy, attempt: int,
                                                                    elapsed: float, jitter: float) -> None:
    d = decide(policy, Observation(attempt, elapsed, retryable=True), jitter=jitter)
    if d.retry:
        assert 0.25 <= d.pause <= policy.max_pause


@given(policies, attempts, st.floats(0, 3600), jitters)
def test_jitter_never_cuts_a_pause_below_half_its_length(policy: RetryPolicy, attempt: int, elapsed: float,
                                                         jitter: float) -> None:
    d = decide(policy, Observation(attempt, elapsed, retryable=True), jitter=jitter)
    left = policy.retry_for - elapsed
    if d.retry and left >= nominal_pause(policy, attempt):  # not cut by the bound
        assert d.pause >= nominal_pause(policy, attempt) / 2


@given(policies, attempts, st.floats(0, 3600), jitters)
def test_retrying_stops_at_the_time_bound_not_at_a_count(policy: RetryPolicy, attempt: int, elapsed: float,
                                                         jitter: float) -> None:
    d = decide(policy, Observation(attempt, elapsed, retryable=True), jitter=jitter)
    assert d.retry == (elapsed < policy.retry_for)  # whatever the attempt number
    if d.retry:  # the next attempt starts at the bound at the latest (or after the shortest pause)
        assert elapsed + d.pause <= max(policy.retry_for, elapsed + policy.first_pause / 2) + 1e-9


@given(policies, st.integers(1, 60))
def test_pauses_grow_up_to_the_cap(policy: RetryPolicy, attempt: int) -> None:
    assert nominal_pause(policy, attempt + 1) >= nominal_pause(policy, attempt)
    assert nominal_pause(policy, 1) == min(policy.first_pause, policy.max_pause)


def test_the_default_first_pause_is_a_quarter_to_half_a_second_and_caps_at_ten() -> None:
    p = RetryPolicy()
    assert decide(p, Observation(1, 1.0, True), jitter=0).pause == 0.25
    assert decide(p, Observation(1, 1.0, True), jitter=1).pause == 0.5
    assert decide(p, Observation(40, 1.0, True), jitter=1).pause == 10.0


@given(policies, attempts, st.floats(0, 3600), jitters)
def test_other_errors_are_never_retried(policy: RetryPolicy, attempt: int, elapsed: float, jitter: float) -> None:
    assert not decide(policy, Observation(attempt, elapsed, retryable=False), jitter=jitter).retry


ages = st.one_of(st.none(), st.floats(0, 1000))
blockers = st.lists(st.builds(Blocker, pid=st.integers(1, 50), application_name=st.text(max_size=5),
                              user=st.just("u"), state=st.just("idle in transaction"), xact_seconds=ages,
                              query=st.just("")), max_size=6, unique_by=lambda b: b.pid)


@given(blockers, st.floats(0, 100), st.floats(0, 30), st.dictionaries(st.integers(1, 50), st.floats(0, 100)),
       st.floats(0, 200))
def test_cancel_blockers_touches_only_old_transactions_and_terminates_only_after_the_grace(
        found: list[Blocker], older_than: float, grace: float, cancelled: dict[int, float], now: float) -> None:
    by_pid = {b.pid: b for b in found}
    for what, pid in actions(found, older_than=older_than, grace=grace, cancelled=cancelled, now=now):
        b = by_pid[pid]
        assert b.xact_seconds is not None and b.xact_seconds >= older_than
        if what == "cancel":
            assert pid not in cancelled
        else:
            assert what == "terminate" and now - cancelled[pid] >= grace


@given(st.text(min_size=1, max_size=200), st.sampled_from(["up", "down", "recover"]), st.integers(1, 10 ** 6))
def test_application_name_fits_postgresql_and_reads_back(ident: str, kind: str, attempt: int) -> None:
    name = application_name(kind, ident, attempt)
    assert len(name.encode()) <= 63 and ";" not in name
    words = name.split(" ")
    assert words[:2] == ["lockgate", kind] and words[-2:] == ["attempt", str(attempt)]


def test_flags_win_over_directives_over_settings() -> None:
    settings = {"lock_timeout": 1.0, "statement_timeout": 0.0, "retry_for": 60.0}
    t = resolve(settings, {"lock_timeout": 3.0, "retry_for": 120.0}, {"lock_timeout": 2.0, "retry_for": None})
    assert t == Timeouts(lock_timeout=2.0, statement_timeout=0.0, retry_for=120.0)


@given(st.floats(0, 100), st.floats(0, 1000), st.floats(0.001, 10 ** 6))
def test_no_statement_and_no_retrying_outlasts_the_budget(lock: float, statement: float, left: float) -> None:
    t = Timeouts(lock, statement, 60.0).within(budget_left=left)
    assert 0 < t.statement_timeout <= left and t.retry_for <= left
