"""lockgate.lint's surface: __all__ is real and importing it does not load pglast."""

from __future__ import annotations

import subprocess
import sys

import lockgate.lint
from fixtures.projects import clean_env
from lockgate.lint.rules import RULES, rule_doc


def test_all_names_exist() -> None:
    for name in lockgate.lint.__all__:
        assert getattr(lockgate.lint, name) is not None, name
    public = {n for n in dir(lockgate.lint) if not n.startswith("_")}
    # (classify is both a module and the function exported under its name)
    modules = {"annotations", "cache", "catalog", "checker", "context", "directives", "engine", "files", "finding",
               "formats", "locks", "nodes", "options", "parallel", "project", "report", "rules", "source", "state"}
    assert public - modules == set(lockgate.lint.__all__)


def test_import_is_light() -> None:
    code = "import sys, lockgate.lint; print(','.join(m for m in ('pglast', 'psycopg', 'rich', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()
    assert out == ""


def test_rule_ids_are_unique_kebab_case_with_documented_unsafe_and_safe_forms() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) == 23
    for rule in RULES:
        assert rule.id == rule.id.lower() and " " not in rule.id and "_" not in rule.id
        module = type(rule).__module__.rsplit(".", 1)[-1]
        assert module == rule.id.replace("-", "_"), "one module per rule, named for its id"
        doc = rule_doc(rule)
        assert doc.startswith(rule.id + ":"), rule.id
        assert "Unsafe" in doc and "Safe" in doc, rule.id
        assert rule.summary and rule.safe
