"""Directives in comments: suppression that leaves a trace, the contract tag, no-transaction, dbmate sections."""

from __future__ import annotations

from lockgate.lint import LintOptions, lint_text
from lockgate.lint.finding import Finding


def findings(text: str, **kw: object) -> list[Finding]:
    return list(lint_text(text, LintOptions(), **kw).findings)  # type: ignore[arg-type]


def state(text: str, rule: str) -> list[tuple[int, bool]]:
    """(line, active) of each finding of ``rule``."""
    return [(f.line, f.active) for f in findings(text) if f.rule == rule]


def test_ignore_on_the_line_before_covers_that_statement_only() -> None:
    text = ("-- lockgate:ignore drop-table unused since 2023, backup in s3\n"
            "DROP TABLE IF EXISTS a;\n"
            "DROP TABLE IF EXISTS b;\n")
    assert state(text, "drop-table") == [(2, False), (3, True)]
    f = next(f for f in findings(text) if f.rule == "drop-table" and not f.active)
    assert f.suppressed is not None
    assert (f.suppressed.kind, f.suppressed.reason, f.suppressed.line) == (
        "ignore", "unused since 2023, backup in s3", 1)


def test_ignore_above_a_comment_block_still_attaches() -> None:
    text = ("SELECT 1;\n"
            "-- lockgate:ignore drop-table reviewed\n"
            "-- (more words about it)\n"
            "DROP TABLE IF EXISTS a;\n")
    assert state(text, "drop-table") == [(4, False)]


def test_ignore_at_the_end_of_the_statement_line() -> None:
    text = "DROP TABLE IF EXISTS a; -- lockgate:ignore drop-table,contract-without-tag reviewed\nDROP TABLE b;\n"
    assert state(text, "drop-table") == [(1, False), (2, True)]


def test_header_ignore_separated_by_a_blank_line_covers_the_file() -> None:
    text = ("-- Migration 0042\n"
            "-- lockgate:ignore drop-table, truncate: staging-only tables\n"
            "\n"
            "DROP TABLE IF EXISTS a;\n"
            "TRUNCATE b;\n")
    assert state(text, "drop-table") == [(4, False)]
    assert state(text, "truncate") == [(5, False)]


def test_ignore_file_anywhere() -> None:
    text = "DROP TABLE IF EXISTS a;\n\n/* lockgate:ignore-file drop-table fixtures schema */\n\nDROP TABLE IF EXISTS b;\n"
    assert state(text, "drop-table") == [(1, False), (5, False)]


def test_directive_words_in_strings_are_not_directives() -> None:
    text = "SELECT '-- lockgate:ignore drop-table'; DROP TABLE IF EXISTS a;\n"
    assert state(text, "drop-table") == [(1, True)]


def test_unknown_rule_and_unused_ignore_leave_notes() -> None:
    report = lint_text("-- lockgate:ignore drop-tabel oops\nDROP TABLE IF EXISTS a;\n"
                       "-- lockgate:ignore truncate nothing to truncate\nSELECT 1;\n", LintOptions())
    assert any("unknown rule 'drop-tabel'" in n and "did you mean 'drop-table'" in n for n in report.notes)
    assert any("truncate matched no finding" in n for n in report.notes)
    assert [f.active for f in report.findings if f.rule == "drop-table"] == [True]


def test_floating_ignore_applies_to_nothing() -> None:
    report = lint_text("SELECT 1;\n\n-- lockgate:ignore drop-table why\n\nDROP TABLE IF EXISTS a;\n", LintOptions())
    assert [f.active for f in report.findings if f.rule == "drop-table"] == [True]
    assert any("not next to a statement" in n for n in report.notes)


def test_contract_tag_suppresses_destructive_rules_only() -> None:
    text = ("-- contract-phase-ok: Removing old columns after successful migration\n"
            "ALTER TABLE users DROP COLUMN IF EXISTS legacy;\n"
            "CREATE INDEX IF NOT EXISTS i ON users (email);\n")
    by_rule = {f.rule: f for f in findings(text)}
    assert not by_rule["drop-column"].active
    assert by_rule["drop-column"].suppressed is not None
    assert by_rule["drop-column"].suppressed.reason == "Removing old columns after successful migration"
    assert by_rule["index-not-concurrent"].active
    assert by_rule["missing-lock-timeout"].active
    assert "contract-without-tag" not in by_rule


def test_no_transaction_only_in_the_header() -> None:
    body = "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n"
    assert state("-- lockgate:no-transaction\n" + body, "concurrently-in-transaction") == []
    assert state("SELECT 1;\n-- lockgate:no-transaction\n" + body, "concurrently-in-transaction") == [(3, True)]
    # The caller's knowledge (the engine's reading of a migration) wins over the file's.
    assert state_kw(body, no_transaction=True) == []


def state_kw(text: str, **kw: object) -> list[tuple[int, bool]]:
    return [(f.line, f.active) for f in findings(text, **kw) if f.rule == "concurrently-in-transaction"]


def test_dbmate_down_section_is_not_linted() -> None:
    text = ("-- migrate:up\nCREATE TABLE IF NOT EXISTS a (id int);\n\n"
            "-- migrate:down\nDROP TABLE a;\nDROP TABLE b;\n")
    assert [f.rule for f in findings(text)] == []


def test_goose_and_sql_migrate_sections() -> None:
    goose = ("-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE IF NOT EXISTS a (id int);\n"
             "-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE a;\n")
    assert findings(goose) == []
    assert findings("-- +migrate Up\nSELECT 1;\n-- +migrate Down\nDROP TABLE a;\n") == []
    no_tx = "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n"
    assert [f.rule for f in findings(no_tx)] == []


def test_an_ignore_without_a_reason_still_suppresses_and_asks_for_one() -> None:
    text = "SET lock_timeout = '5s';\n-- lockgate:ignore rename\nALTER TABLE a RENAME COLUMN b TO c;\n"
    report = lint_text(text, LintOptions())
    assert [f.rule for f in report.suppressed] == ["rename"] and report.active == []
    assert len(report.notes) == 1 and "gives no reason" in report.notes[0] and ":2:" in report.notes[0]
    with_reason = lint_text(text.replace("rename\n", "rename the old name is in no query since v3\n"), LintOptions())
    assert with_reason.notes == ()


def test_an_ignore_of_a_rule_turned_off_here_is_not_called_useless() -> None:
    """CI may turn the rule on: "remove it" would be wrong advice."""
    sql = "-- lockgate:ignore index-not-concurrent tiny lookup table\nCREATE INDEX i ON t (c);\n"
    off = LintOptions.from_config({"rules": {"index-not-concurrent": "off"}})
    assert lint_text(sql, off).notes == ()
    assert [f.rule for f in lint_text(sql, LintOptions()).suppressed] == ["index-not-concurrent"]
    unused = "-- lockgate:ignore index-not-concurrent,truncate why\nSELECT 1;\n"
    assert any("matched no finding" in n for n in lint_text(unused, off).notes)  # truncate is on
