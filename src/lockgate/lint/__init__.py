"""``lockgate lint``: a PostgreSQL migration-safety linter.

It parses with PostgreSQL's own grammar (pglast), knows which tables a file or a
run creates itself, the target server version, and the expand/contract phase of
each migration, and says for each finding what the safe way is.

>>> from lockgate.lint import LintOptions, lint_text
>>> report = lint_text("ALTER TABLE users ADD COLUMN id2 uuid DEFAULT gen_random_uuid();", LintOptions())
>>> [(f.rule, f.severity.value) for f in report.active][:1]
[('add-column-volatile-default', 'error')]

Importing this package does not import pglast; parsing does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

# Eager, unlike the rest: `classify` is also the name of its module, which would shadow the function.
from .classify import Phase, classify

__all__ = [
    "DEFAULT_PG_VERSION",
    "FORMATS",
    "RULES",
    "RULES_BY_ID",
    "FileResult",
    "Finding",
    "LintOptions",
    "LintReport",
    "LiveCatalog",
    "Phase",
    "Rule",
    "Severity",
    "Suppression",
    "classify",
    "expand_paths",
    "lint_migrations",
    "lint_paths",
    "lint_project",
    "lint_stdin",
    "lint_text",
    "render",
]

# Loaded on first use, so that `lockgate lint` answered from its cache never imports
# the rules, and `import lockgate.lint` stays cheap.
_LAZY = {
    "LiveCatalog": "catalog", "expand_paths": "engine",
    "lint_migrations": "engine", "lint_paths": "engine", "lint_text": "engine", "Finding": "finding",
    "Severity": "finding", "Suppression": "finding", "FORMATS": "formats", "render": "formats",
    "DEFAULT_PG_VERSION": "options", "LintOptions": "options", "lint_project": "project", "lint_stdin": "project",
    "FileResult": "report", "LintReport": "report", "RULES": "rules", "RULES_BY_ID": "rules", "Rule": "rules",
}

if _TYPE_CHECKING:
    from .catalog import LiveCatalog
    from .engine import expand_paths, lint_migrations, lint_paths, lint_text
    from .finding import Finding, Severity, Suppression
    from .formats import FORMATS, render
    from .options import DEFAULT_PG_VERSION, LintOptions
    from .project import lint_project, lint_stdin
    from .report import FileResult, LintReport
    from .rules import RULES, RULES_BY_ID, Rule


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lockgate.lint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
