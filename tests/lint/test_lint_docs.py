"""The README's linter section under test: every rule documented, every unsafe example fires, every safe one does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockgate.lint import RULES, LintOptions, lint_paths

DOC = Path(__file__).resolve().parents[2] / "README.md"


def sections() -> dict[str, list[tuple[str, str]]]:
    """rule id -> [(unsafe|safe, sql)] from the ```sql blocks under '#### `rule-id`'."""
    out: dict[str, list[tuple[str, str]]] = {}
    current = None
    block: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#### `"):
            current = line.split("`")[1]
            out[current] = []
        elif line.startswith("### "):
            current = None
        elif line.startswith("```sql") and current:
            block = []
        elif line.startswith("```") and block is not None:
            text = "\n".join(block) + "\n"
            kind = "unsafe" if "-- unsafe" in text else "safe"
            out[current].append((kind, text))  # type: ignore[index]
            block = None
        elif block is not None:
            block.append(line)
    return out


SECTIONS = sections()


def test_every_rule_is_documented_in_rule_order() -> None:
    assert set(SECTIONS) == {r.id for r in RULES}
    for rule in RULES:
        assert f"#### `{rule.id}` ({rule.severity.value})" in DOC.read_text(encoding="utf-8"), rule.id


@pytest.mark.parametrize("rule", [r.id for r in RULES if r.id != "missing-down"])
def test_examples(rule: str, tmp_path: Path) -> None:
    blocks = SECTIONS[rule]
    assert any(k == "unsafe" for k, _ in blocks) and any(k == "safe" for k, _ in blocks), rule
    for n, (kind, sql) in enumerate(blocks, 1):
        folder = tmp_path / kind
        folder.mkdir(exist_ok=True)
        (folder / f"{n:04d}_example.up.sql").write_text(sql)
        (folder / f"{n:04d}_example.down.sql").write_text("SELECT 1;\n")
    unsafe = lint_paths([tmp_path / "unsafe"], LintOptions())
    assert rule in {f.rule for f in unsafe.active}, f"{rule}: the unsafe example does not fire"
    safe = lint_paths([tmp_path / "safe"], LintOptions())
    assert rule not in {f.rule for f in safe.active}, f"{rule}: a safe example fires: {safe.active}"
    # A safe example is safe as a whole: nothing but info-level notes about it.
    assert [f for f in safe.active if f.severity.value != "info"] == [], f"{rule}: {safe.active}"


def test_the_suppression_example_suppresses(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8").split("### Suppressing a finding", 1)[1]
    sql = text.split("```sql\n", 1)[1].split("```", 1)[0]
    (tmp_path / "0001_example.up.sql").write_text(sql)
    (tmp_path / "0001_example.down.sql").write_text("SELECT 1;\n")
    report = lint_paths([tmp_path], LintOptions())
    assert report.active == [] and report.notes == ()
    assert {f.rule for f in report.suppressed} == {"drop-table", "contract-without-tag"}
