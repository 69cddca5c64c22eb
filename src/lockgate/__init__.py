"""lockgate: safe schema migrations for live PostgreSQL and embedded SQLite.

Example::

    import lockgate
    settings = lockgate.load_settings("examples/quickstart")
    lockgate.up(settings).steps

Everything the CLI does is a function here; none of them prints.
Heavy modules (psycopg, pglast, rich) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Project",
    "Settings",
    "load_settings",
    "init",
    "new",
    "status",
    "up",
    "down",
    "verify",
    "repair",
    "baseline",
    "history",
    "lint_project",
    "plan",
    "version",
    "goto",
    "force",
    "wait",
    "convert",
    "check",
    "monitor_snapshot",
    "schema_dump",
    "schema_check",
    "schema_drift",
    "LockgateError",
    "State",
]

_LAZY = {
    "Project": "api", "init": "api", "new": "api", "status": "api", "up": "api", "down": "api",
    "verify": "api", "repair": "api", "baseline": "api", "history": "api", "lint_project": "api",
    "plan": "safety.plan",
    "version": "verbs", "goto": "verbs", "force": "verbs", "wait": "verbs", "convert": "conversion",
    "check": "api", "monitor_snapshot": "api",
    "schema_dump": "schema.commands", "schema_check": "schema.commands", "schema_drift": "schema.commands",
    "Settings": "config", "load_settings": "config",
    "LockgateError": "errors", "State": "model",
}

if TYPE_CHECKING:
    from . import lint
    from .api import (Project, baseline, check, down, history, init, lint_project, monitor_snapshot, new, repair, status,
                      up, verify)
    from .config import Settings, load_settings
    from .errors import LockgateError
    from .model import State
    from .safety.plan import plan
    from .schema.commands import schema_check, schema_drift, schema_dump
    from .conversion import convert
    from .verbs import force, goto, version, wait


def __dir__() -> list[str]:
    """What ``dir(lockgate)`` shows: the public API (loaded on first use, so not yet in globals())."""
    return sorted(set(globals()) | set(__all__) | {"lint"})


def __getattr__(name: str) -> Any:
    import importlib

    if name == "lint":  # the linter's package, on first use (``lockgate.lint.lint_text(...)``)
        return importlib.import_module(".lint", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lockgate' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
