"""Durations as people write them: ``500ms``, ``5s``, ``2m``, ``1h``, or a bare number of seconds.

One parser for every time lockgate takes (lock waits, lock and statement timeouts,
retry bounds, time budgets, check thresholds), so ``--lock-wait 5s`` and
``lock_timeout = "1s"`` mean the same everywhere.

>>> parse_duration("500ms"), parse_duration("2m"), parse_duration(3), parse_duration("1.5")
(0.5, 120.0, 3.0, 1.5)
>>> format_duration(0.25), format_duration(90), format_duration(3600)
('250ms', '1m30s', '1h')
"""

from __future__ import annotations

import math
from typing import Any

from .errors import ConfigError

_UNITS = (("ms", 0.001), ("s", 1.0), ("sec", 1.0), ("min", 60.0), ("m", 60.0), ("h", 3600.0))
_LONGEST_FIRST = sorted(_UNITS, key=lambda u: -len(u[0]))


def parse_duration(value: Any, *, name: str = "duration", allow_zero: bool = True) -> float:
    """Seconds as a float; raises :class:`ConfigError` naming ``name`` for anything else.

    Refused: negative values, NaN and infinity, unknown units (``1 parsec``), booleans.
    """
    seconds = _seconds(value)
    if seconds is None:
        raise ConfigError(f"Setting {name} must be a duration like 500ms, 5s or 2m, not {value!r}.",
                          hint="Write a number with ms, s, m or h after it (a bare number is seconds).")
    if seconds < 0:
        raise ConfigError(f"Setting {name} must not be negative, not {value!r}.",
                          hint="Give 0 or more, e.g. 500ms, 5s or 2m.")
    if seconds == 0 and not allow_zero:
        raise ConfigError(f"Setting {name} must be more than 0, not {value!r}.", hint="Give e.g. 500ms, 5s or 2m.")
    return seconds


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    factor = 1.0
    for unit, scale in _LONGEST_FIRST:
        if text.endswith(unit):
            text, factor = text[:-len(unit)].rstrip(), scale
            break
    if not text or not all(c.isdigit() or c in ".-+" for c in text):
        return None  # also refuses nan, inf and exponents: nobody writes a timeout as 1e3
    try:
        number = float(text)
    except ValueError:
        return None
    return number * factor if math.isfinite(number) else None


def format_duration(seconds: float) -> str:
    """A short human form: ``250ms``, ``12s``, ``1m30s``, ``2h5m``."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.3g}s" if seconds < 10 and seconds != int(seconds) else f"{round(seconds)}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs}s" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m" if minutes else f"{hours}h"


def postgres_ms(seconds: float) -> str:
    """The value for ``SET lock_timeout`` / ``statement_timeout``: whole milliseconds, 0 meaning none."""
    return f"{max(int(round(seconds * 1000)), 0)}ms" if seconds > 0 else "0"
