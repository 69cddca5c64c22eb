"""Click parameter types shared by the commands."""

from __future__ import annotations

from typing import Any

import click


class Duration(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2; 8.1 is supported
    """A time as people write it: ``500ms``, ``5s``, ``2m``, ``1h`` or a bare number of seconds
    (:func:`lockgate.durations.parse_duration`); ``nan``, negatives and other units are a usage error.

    >>> DURATION.convert("2m", None, None), DURATION.convert("1.5", None, None)
    (120.0, 1.5)
    """

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from ..durations import parse_duration
        from ..errors import ConfigError

        if isinstance(value, float):
            return value
        try:
            return parse_duration(value, name=param.name if param is not None and param.name else "duration")
        except ConfigError:
            self.fail(f"{value!r} is not a duration: write e.g. 500ms, 5s or 2m (a bare number is seconds, "
                      "0 or more).", param, ctx)


DURATION = Duration()
