"""The pre-checks' thresholds: the ``[checks]`` table of lockgate.toml, checked once.

Example (every key optional; these are the defaults)::

    [checks]
    latency_warn = "250ms"        # round trip of SELECT 1
    latency_fail = "2s"
    server_version_min = 14       # warn below this major version
    connections_warn = "70%"      # client connections / max_connections
    connections_fail = "80%"
    long_query = "30s"            # a query (or an open transaction) older than this is long
    lock_waits_warn = 0           # sessions waiting on a lock: warn above this many
    lock_waits_fail = 5           # ... fail above this many
    replication_lag_warn = "10s"  # replay lag of any replica in pg_stat_replication
    replication_lag_fail = "60s"
    skip = []                     # check names never run, e.g. ["replication-lag"]

A component's ``[components.NAME.checks]`` overrides single keys of the top-level table.

>>> CheckOptions.from_config({"long_query": "2m", "connections_fail": "90%"}).long_query
120.0
>>> CheckOptions.from_config({"connections_fail": 0.9}).connections_fail
0.9
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from typing import Any, Mapping

from ..durations import parse_duration
from ..errors import ConfigError

CHECK_NAMES = ("connectivity", "server-version", "connections", "long-queries", "lock-waits", "replication-lag",
               "lint", "drift")


@dataclass(frozen=True)
class CheckOptions:
    latency_warn: float = 0.25
    latency_fail: float = 2.0
    server_version_min: int = 14
    connections_warn: float = 0.7  # fractions of max_connections
    connections_fail: float = 0.8
    long_query: float = 30.0
    lock_waits_warn: int = 0
    lock_waits_fail: int = 5
    replication_lag_warn: float = 10.0
    replication_lag_fail: float = 60.0
    skip: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> "CheckOptions":
        """Build from a ``[checks]`` table; a :class:`ConfigError` names the key at fault."""
        known = [f.name for f in fields(cls)]
        values: dict[str, Any] = {}
        for key, raw in table.items():
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                raise ConfigError(f"Unknown setting checks.{key}" + (f"; did you mean {close[0]!r}?" if close else "."),
                                  hint=f"The [checks] keys: {', '.join(known)}.")
            name = f"checks.{key}"
            if key in ("server_version_min", "lock_waits_warn", "lock_waits_fail"):
                values[key] = _count(raw, name)
            elif key.startswith("connections_"):
                values[key] = _fraction(raw, name)
            elif key == "skip":
                values[key] = check_names(_names(raw, name), where=name)
            else:
                values[key] = parse_duration(raw, name=name)
        return cls(**values)


def check_names(names: tuple[str, ...] | list[str], *, where: str = "--skip-check") -> tuple[str, ...]:
    """The names as the checks are called (``long_queries`` -> ``long-queries``); an unknown one is
    a :class:`ConfigError` with the nearest name.

    >>> check_names(["replication_lag", "lint"])
    ('replication-lag', 'lint')
    """
    out = []
    for raw in names:
        name = raw.strip().lower().replace("_", "-")
        if name not in CHECK_NAMES:
            close = difflib.get_close_matches(name, CHECK_NAMES, n=1)
            raise ConfigError(f"{where}: unknown check {raw!r}" + (f"; did you mean {close[0]!r}?" if close else "."),
                              hint=f"The checks: {', '.join(CHECK_NAMES)}.")
        out.append(name)
    return tuple(dict.fromkeys(out))


def _names(raw: Any, name: str) -> list[str]:
    if isinstance(raw, str):
        return [part for part in raw.split(",") if part.strip()]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return raw
    raise ConfigError(f"Setting {name} must be a list of check names, not {raw!r}.",
                      hint=f"Example: skip = [\"replication-lag\"]; the checks: {', '.join(CHECK_NAMES)}.")


def _count(raw: Any, name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().isdigit():
        raise ConfigError(f"Setting {name} must be a whole number, 0 or more, not {raw!r}.")
    return int(str(raw).strip())


def _fraction(raw: Any, name: str) -> float:
    """``"80%"``, ``0.8`` or ``80``: a share of max_connections."""
    value: float | None = None
    if isinstance(raw, str) and raw.strip().endswith("%"):
        try:
            value = float(raw.strip()[:-1]) / 100
        except ValueError:
            value = None
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw) if raw <= 1 else float(raw) / 100
    if value is None or not 0 < value <= 1:
        raise ConfigError(f"Setting {name} must be a share of max_connections like \"80%\", not {raw!r}.",
                          hint="Give a percentage above 0 and at most 100%.")
    return value
