"""Renderers: text for people, json for machines, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json

import pytest

from lockgate.lint import RULES, LintOptions, lint_text, render

TEXT = ("-- lockgate:ignore truncate archived first\nTRUNCATE a;\n"
        "ALTER TABLE orders ADD COLUMN id2 uuid DEFAULT gen_random_uuid();\n")


def report():  # type: ignore[no-untyped-def]
    return lint_text(TEXT, LintOptions(), path="0007_x.up.sql")


def test_text_lists_active_findings_with_the_safe_way() -> None:
    out = render(report(), "text")
    assert "0007_x.up.sql:3:1: error[add-column-volatile-default]" in out
    assert "  safe: Add the column without the default" in out
    assert "truncate" not in out.split("\n")[0]
    assert "1 suppressed" in out and "\x1b[" not in out
    assert "\x1b[1;31merror\x1b[0m" in render(report(), "text", color=True)
    assert "suppressed[truncate] by ignore (line 1): archived first" in render(report(), "text", verbose=True)


def test_info_findings_are_listed_only_when_they_can_fail() -> None:
    r = lint_text("CREATE TABLE t (id int);", LintOptions())
    assert "non-idempotent" not in render(r, "text")
    assert "1 info not listed" in render(r, "text")
    assert "info[non-idempotent]" in render(r, "text", fail_on="info")


def test_json_keeps_suppressed_findings_with_their_reason() -> None:
    data = json.loads(render(report(), "json"))
    suppressed = [f for f in data["findings"] if f["suppressed"]]
    assert suppressed == [{**suppressed[0], "rule": "truncate",
                           "suppression": {"kind": "ignore", "reason": "archived first", "line": 1}}]
    assert data["summary"]["suppressed"] == 1 and data["summary"]["phases"]["mixed"] == 1


def test_sarif_is_2_1_0_with_rules_results_and_suppressions() -> None:
    sarif = json.loads(render(report(), "sarif"))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert sarif["version"] == "2.1.0" and [r["id"] for r in rules] == [r.id for r in RULES]
    assert all(r["fullDescription"]["text"] and r["help"]["text"].startswith("Safe:") for r in rules)
    assert not any("``" in r["fullDescription"]["text"] for r in rules)  # no reStructuredText markup
    drop = next(r for r in rules if r["id"] == "drop-table")["help"]["markdown"]
    assert "```sql\nDROP TABLE legacy_sessions;" in drop and "Unsafe:" in drop and "::" not in drop
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [s["suppressions"][0]["kind"] for s in suppressed] == ["inSource"]


def test_github_annotations_escape_their_text() -> None:
    r = lint_text("DROP TABLE \"a,b:c\";", LintOptions(), path="dir/we,ird:name.sql")
    lines = render(r, "github").splitlines()
    assert lines[0].startswith("::error file=dir/we%2Cird%3Aname.sql,line=1,col=1,title=lockgate drop-table::")
    assert "%0ASafe:" in lines[0] and "\n" not in lines[0]
    assert render(lint_text("SELECT 1;", LintOptions()), "github") == ""


NOTED = "-- lockgate:ignore drop-tabel gone for good\nDROP TABLE a;\n"


def test_notes_reach_every_format() -> None:
    """A misspelled rule in an ignore is a note: github and SARIF, the CI formats, carry it too."""
    r = lint_text(NOTED, LintOptions(), path="db/0009_drop.up.sql")
    assert r.notes and "did you mean 'drop-table'" in r.notes[0]
    assert any("did you mean 'drop-table'" in line for line in render(r, "text").splitlines())
    assert "did you mean 'drop-table'" in json.loads(render(r, "json"))["notes"][0]
    gh = [line for line in render(r, "github").splitlines() if "title=lockgate note::" in line]
    assert len(gh) == 1 and gh[0].startswith("::notice file=db/0009_drop.up.sql,line=1,title=lockgate note::")
    assert gh[0].endswith("did you mean 'drop-table'?")
    (note,) = json.loads(render(r, "sarif"))["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note" and "did you mean 'drop-table'" in note["message"]["text"]
    location = note["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "db/0009_drop.up.sql"}, "region": {"startLine": 1}}


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        render(report(), "xml")
