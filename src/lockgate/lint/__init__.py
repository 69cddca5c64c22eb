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

from .catalog import LiveCatalog
from .classify import Phase, classify
from .engine import expand_paths, lint_migrations, lint_paths, lint_text
from .finding import Finding, Severity, Suppression
from .formats import FORMATS, render
from .options import DEFAULT_PG_VERSION, LintOptions
from .project import lint_project
from .report import FileResult, LintReport
from .rules import RULES, RULES_BY_ID, Rule

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
    "lint_text",
    "render",
]
