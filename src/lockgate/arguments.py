"""What the API checks of its arguments before it does anything."""

from __future__ import annotations

import os
from typing import Any, Callable, TypeVar

from .config import Settings

F = TypeVar("F", bound=Callable[..., Any])


def takes_settings(fn: F) -> F:
    """``lockgate.up("path")`` gets a TypeError saying what to pass, not an AttributeError from deep inside."""
    import functools

    name = fn.__name__
    method = {"lint_project": "lint"}.get(name, name)  # Project's name for it

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = args[0] if args else kwargs.get("settings")
        if not isinstance(given, Settings):
            if isinstance(given, (str, os.PathLike)):
                raise TypeError(f"lockgate.{name}() takes the project's Settings, not the path {str(given)!r}:"
                                f" call lockgate.{name}(lockgate.load_settings({str(given)!r}), ...), or"
                                f" lockgate.Project.load({str(given)!r}).{method}(...).")
            raise TypeError(f"lockgate.{name}() takes the project's Settings first, not {type(given).__name__}:"
                            f" call lockgate.{name}(lockgate.load_settings(PROJECT_DIR), ...).")
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
