"""The pre-checks' decisions as pure functions of a snapshot and the thresholds."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lockgate.errors import ConfigError
from lockgate.safety import checks as c
from lockgate.safety.activity import ReplicaLag, ServerActivity, SessionActivity, blocking_tree
from lockgate.safety.thresholds import CHECK_NAMES, CheckOptions, check_names

NOW = datetime(2026, 12, 4, tzinfo=timezone.utc)
ORDER = {c.PASS: 0, c.WARN: 1, c.FAIL: 2}


def session(pid: int, *, state: str = "active", query_s: float = 1.0, xact_s: float | None = 1.0,
            blocked_by: tuple[int, ...] = (), relations: tuple[str, ...] = (), reads: tuple[str, ...] = (),
            here: bool = True) -> SessionActivity:
    return SessionActivity(pid, "app", "web", None, "shop", state, "SELECT ...", query_s, xact_s,
                           "Lock" if blocked_by else None, "relation" if blocked_by else None, blocked_by,
                           relations, here, reads)


def snap(*sessions: SessionActivity, connections: int = 10, replicas: tuple[ReplicaLag, ...] = ()) -> ServerActivity:
    return ServerActivity(NOW, "15.10", 150010, 100, connections, 3, tuple(sessions), replicas)


@given(st.integers(0, 100), st.integers(0, 100))
def test_connections_status_grows_with_the_count(a: int, b: int) -> None:
    low, high = sorted((a, b))
    o = CheckOptions()
    assert ORDER[c.connections(snap(connections=low), o).status] <= ORDER[c.connections(snap(connections=high), o).status]
    assert (c.connections(snap(connections=high), o).status == c.FAIL) == (high > 80)


@given(st.integers(0, 20), st.integers(0, 10))
def test_lock_waits_fail_only_above_the_threshold(n: int, limit: int) -> None:
    waiting = [session(i + 10, blocked_by=(1,)) for i in range(n)]
    result = c.lock_waits(snap(session(1), *waiting), CheckOptions(lock_waits_fail=limit, lock_waits_warn=0))
    assert result.status == (c.FAIL if n > limit else c.WARN if n else c.PASS)
    assert result.figure == str(n)


def test_lock_waits_in_another_database_do_not_count() -> None:
    result = c.lock_waits(snap(*[session(i, blocked_by=(1,), here=False) for i in range(2, 9)]), CheckOptions())
    assert result.status == c.PASS


@pytest.mark.parametrize("held, reads, targets, status", [
    (("public.accounts",), (), ("accounts",), c.FAIL),  # an unqualified target matches any schema
    ((), ("accounts",), ("public.accounts",), c.FAIL),  # the query names it, not yet locked
    (("app.accounts",), (), ("public.accounts",), c.WARN),  # same name, other schema
    (("public.other",), ("other",), ("public.accounts",), c.WARN),
])
def test_long_query_fails_only_on_a_table_the_migrations_lock(held: tuple[str, ...], reads: tuple[str, ...],
                                                              targets: tuple[str, ...], status: str) -> None:
    s = session(7, query_s=45, relations=held, reads=reads)
    assert c.long_queries(snap(s), targets, CheckOptions()).status == status


def test_an_old_transaction_left_idle_is_long_and_a_short_query_is_not() -> None:
    idle = session(7, state="idle in transaction", query_s=0.1, xact_s=40, relations=("public.accounts",))
    short = session(8, query_s=2, xact_s=2, relations=("public.accounts",))
    idle_conn = session(9, state="idle", query_s=500, xact_s=None, relations=())
    result = c.long_queries(snap(idle, short, idle_conn), ("accounts",), CheckOptions())
    assert (result.status, result.figure) == (c.FAIL, "1") and "idle in transaction for 40s" in result.details[0]


def test_long_query_in_another_database_only_warns() -> None:
    s = session(7, query_s=45, relations=("public.accounts",), here=False)
    assert c.long_queries(snap(s), ("accounts",), CheckOptions()).status == c.WARN


@given(st.floats(0, 200, allow_nan=False), st.floats(0, 200, allow_nan=False))
def test_replication_lag_status_is_monotonic(a: float, b: float) -> None:
    def lag(seconds: float) -> str:
        r = ReplicaLag("standby", "10.0.0.2", "streaming", "async", seconds, 0)
        return c.replication_lag(snap(replicas=(r,)), CheckOptions()).status

    low, high = sorted((a, b))
    assert ORDER[lag(low)] <= ORDER[lag(high)]
    assert (lag(high) == c.FAIL) == (high > 60)


def test_a_replica_not_streaming_warns_and_none_passes() -> None:
    r = ReplicaLag("standby", None, "catchup", "async", None, None)
    assert c.replication_lag(snap(replicas=(r,)), CheckOptions()).status == c.WARN
    assert c.replication_lag(snap(), CheckOptions()).status == c.PASS


def test_thresholds_from_config() -> None:
    o = CheckOptions.from_config({"long_query": "2m", "connections_fail": "90%", "lock_waits_fail": 3,
                                  "replication_lag_warn": "500ms", "skip": ["replication_lag"]})
    assert (o.long_query, o.connections_fail, o.lock_waits_fail, o.replication_lag_warn, o.skip) == (
        120.0, 0.9, 3, 0.5, ("replication-lag",))


@pytest.mark.parametrize("table, text", [
    ({"long_query": "1 parsec"}, "checks.long_query must be a duration"),
    ({"long_query": "-5s"}, "must not be negative"),
    ({"connections_fail": "180%"}, "checks.connections_fail"),
    ({"connections_fail": float("nan")}, "checks.connections_fail"),
    ({"lock_waits_fail": -1}, "whole number"),
    ({"lock_waits_fail": True}, "whole number"),
    ({"long_qeury": "5s"}, "did you mean 'long_query'?"),
    ({"skip": ["replicaton-lag"]}, "did you mean 'replication-lag'?"),
])
def test_bad_thresholds_are_config_errors(table: dict[str, object], text: str) -> None:
    with pytest.raises(ConfigError, match=text.replace("?", r"\?").replace("(", r"\(")):
        CheckOptions.from_config(table)


def test_check_names_normalise_and_suggest() -> None:
    assert check_names(["Long_Queries", "lint", "lint"]) == ("long-queries", "lint")
    with pytest.raises(ConfigError) as info:
        check_names(["replicaton-lag"])
    assert "did you mean 'replication-lag'?" in info.value.message and info.value.exit_code == 2
    assert set(CHECK_NAMES) == {"connectivity", "server-version", "connections", "long-queries", "lock-waits",
                                "replication-lag", "lint", "drift"}


def test_blocking_tree_nests_waiters_and_survives_a_cycle() -> None:
    tree = blocking_tree([session(1), session(2, blocked_by=(1,)), session(3, blocked_by=(2, 1)),
                          session(4, blocked_by=(99,))])
    assert [(n.session.pid, [w.session.pid for w in n.waiters]) for n in tree] == [(1, [2, 3]), (4, [])]
    assert [w.session.pid for w in tree[0].waiters[0].waiters] == [3]
    cycle = blocking_tree([session(5, blocked_by=(6,)), session(6, blocked_by=(5,))])
    assert cycle[0].session.pid == 5 and cycle[0].waiters[0].session.pid == 6
    assert cycle[0].waiters[0].waiters == ()


def test_worst_of_the_results() -> None:
    results = [c.CheckResult("a", c.PASS, "", ""), c.not_applicable("b", "SQLite"), c.skipped("c", "--skip-check")]
    assert c.worst(results) == c.PASS
    assert c.worst([*results, c.CheckResult("d", c.WARN, "", "")]) == c.WARN
    assert c.worst([*results, c.CheckResult("d", c.FAIL, "", ""), c.CheckResult("e", c.WARN, "", "")]) == c.FAIL


def test_a_component_overrides_single_thresholds(tmp_path: Path) -> None:
    import lockgate

    (tmp_path / "lockgate.toml").write_text(
        '[checks]\nlong_query = "10s"\nlock_waits_fail = 2\n\n'
        '[components.app]\ndatabase_url = "sqlite:///app.db"\n[components.app.checks]\nlong_query = "1m"\n\n'
        '[components.other]\ndatabase_url = "sqlite:///other.db"\n')
    app = CheckOptions.from_config(lockgate.load_settings(tmp_path, component="app", environ={}).checks)
    other = CheckOptions.from_config(lockgate.load_settings(tmp_path, component="other", environ={}).checks)
    assert (app.long_query, app.lock_waits_fail) == (60.0, 2)
    assert (other.long_query, other.lock_waits_fail) == (10.0, 2)


def test_a_bad_threshold_names_the_table_it_is_in(tmp_path: Path) -> None:
    import lockgate

    (tmp_path / "lockgate.toml").write_text('[components.app]\ndatabase_url = "sqlite:///app.db"\n'
                                            '[components.app.checks]\nlong_query = "1 parsec"\n')
    with pytest.raises(ConfigError) as info:
        lockgate.load_settings(tmp_path, component="app", environ={})
    assert info.value.message.startswith("lockgate.toml [components.app]: Setting checks.long_query must be")
