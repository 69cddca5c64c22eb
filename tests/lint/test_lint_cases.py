"""Every rule against its .sql cases: dangerous statements fire, their safe counterparts do not."""

from __future__ import annotations

import pytest

from lockgate.lint import RULES, LintOptions, lint_paths

from lint_caselib import CASES, Case, all_cases

CASE_LIST = all_cases()


@pytest.mark.parametrize("case", CASE_LIST, ids=[c.id for c in CASE_LIST])
def test_case(case: Case) -> None:
    report = lint_paths([case.target], LintOptions(pg_version=case.pg_version))
    wanted = case.rules
    mine = [f for f in report.findings if f.file == case.path and (wanted is None or f.rule in wanted)]
    active = {(f.line, f.rule) for f in mine if f.active}
    suppressed = {(f.line, f.rule) for f in mine if not f.active}
    details = "\n".join(f"  {f.line}:{f.column} {f.rule}: {f.message}" for f in report.findings
                        if f.file == case.path)
    assert active == case.expected, f"{case.id}: findings differ from the -- expect: markers\n{details}"
    assert suppressed == case.suppressed, f"{case.id}: suppressed findings differ\n{details}"


@pytest.mark.parametrize("rule", [r.id for r in RULES])
def test_every_rule_has_firing_and_safe_cases(rule: str) -> None:
    folder = CASES / rule
    cases = [c for c in CASE_LIST if folder in c.path.parents]
    assert cases, f"no cases for {rule} in {folder}"
    fires = any((line, r) for c in cases for line, r in c.expected if r == rule)
    assert fires, f"no case where {rule} fires"
    quiet = any(not any(r == rule for _, r in c.expected) for c in cases)
    assert quiet, f"no safe case (a file where {rule} must not fire)"
