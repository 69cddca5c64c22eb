"""Parsing: statements and positions, DO blocks, parse errors that never crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lockgate.lint import LintOptions, lint_text
from lockgate.lint.files import read_text
from lockgate.lint.source import parse_source


def test_statements_start_at_their_first_token() -> None:
    src = parse_source("-- header\n\n/* c */  CREATE TABLE a (id int);\n\tDROP TABLE a;\nSELECT 1")
    assert [(s.kind, s.line, s.column) for s in src.statements] == [
        ("CreateStmt", 3, 10), ("DropStmt", 4, 2), ("SelectStmt", 5, 1)]
    assert src.statements[0].end_line == 3


def test_positions_count_characters_not_bytes() -> None:
    text = "SELECT 'çé€☃'; /* ü */ DROP TABLE \"Bücher\";\nDROP TABLE ß;"
    src = parse_source(text)
    drop, second = src.statements[1], src.statements[2]
    assert (drop.line, drop.column) == (1, text.index("DROP") + 1)
    assert (second.line, second.column) == (2, 1)
    assert drop.relation is None and drop.node["objects"]


def test_do_block_statements_are_embedded_at_their_lines() -> None:
    text = ("SET lock_timeout = '1s';\n"
            "DO $$\n"
            "BEGIN\n"
            "  IF NOT EXISTS (SELECT 1) THEN\n"
            "    ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id);\n"
            "  END IF;\n"
            "  EXECUTE 'DROP TABLE legacy';\n"
            "EXCEPTION WHEN duplicate_object THEN NULL;\n"
            "END $$;\n")
    src = parse_source(text)
    embedded = [(s.kind, s.line, s.column) for s in src.statements if s.embedded]
    assert embedded == [("AlterTableStmt", 5, 5), ("DropStmt", 7, 3)]


def test_other_languages_and_function_bodies_are_not_looked_into() -> None:
    text = ("DO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE x') $$;\n"
            "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE x; END $$;\n")
    assert [s.embedded for s in parse_source(text).statements] == [False, False]


def test_a_do_body_that_does_not_parse_is_a_problem_at_the_do() -> None:
    text = ("SELECT 1;\n"
            "  DO $$\n"
            "BEGIN\n"
            "  CREATE INDEX i3 ON orders (c);\n"
            "  PERFORM 1 +;\n"
            "END\n"
            "$$;\n"
            "DROP TABLE legacy;\n")
    src = parse_source(text)
    assert [(p.line, p.column) for p in src.problems] == [(2, 3)]
    message = src.problems[0].message
    assert message.startswith("syntax error") and "DO block" in message and "not checked" in message
    assert [(s.kind, s.embedded) for s in src.statements] == [
        ("SelectStmt", False), ("DoStmt", False), ("DropStmt", False)]


def test_sql_a_do_block_executes_that_does_not_parse_is_a_problem_at_its_line() -> None:
    text = "DO $$\nBEGIN\n  EXECUTE 'CREATE INDEX i5 ON orders (c';\n  CREATE INDEX i6 ON orders (c);\nEND\n$$;\n"
    src = parse_source(text)
    assert [(p.line, p.column) for p in src.problems] == [(3, 3)]
    assert "in SQL this DO block runs" in src.problems[0].message
    assert [(s.kind, s.line) for s in src.statements if s.embedded] == [("IndexStmt", 4)]  # the rest still seen


def test_a_do_body_in_another_language_is_no_parse_problem() -> None:
    text = ("DO LANGUAGE plpython3u $$ x = ( $$;\n"
            "DO $$ x = ( $$ LANGUAGE 'plpython3u';\n"
            "DO LANGUAGE PLPGSQL $$ BEGIN PERFORM 1 + 1; END $$;\n")
    src = parse_source(text)
    assert src.problems == () and [s.kind for s in src.statements] == ["DoStmt"] * 3
    broken = parse_source("DO LANGUAGE PLPGSQL $$ BEGIN PERFORM 1 +; END $$;")
    assert [p.line for p in broken.problems] == [1]


def test_a_parse_error_is_reported_and_the_rest_still_parsed() -> None:
    src = parse_source("CREATE TABLE a (id int);\nSELECT FROM WHERE;\nDROP TABLE b;\nCREATE TABLE (\n")
    assert [p.line for p in src.problems] == [2, 4]
    assert [s.kind for s in src.statements] == ["CreateStmt", "DropStmt"]


def test_an_unterminated_string_is_one_problem() -> None:
    src = parse_source("SELECT 1;\nSELECT 'open;\nDROP TABLE x;")
    assert len(src.problems) == 1 and src.problems[0].line == 2
    assert "unterminated" in src.problems[0].message


def test_read_text_drops_a_bom_and_survives_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.sql"
    path.write_bytes(b"\xef\xbb\xbfSELECT '\xff';")
    assert read_text(path).startswith("SELECT '")


SQLISH = st.lists(st.sampled_from([
    "CREATE TABLE t (id int)", "DROP TABLE t", "ALTER TABLE t ADD COLUMN c int NOT NULL", ";", "'", "$$", "$x$",
    "--", "/*", "*/", "\n", " ", "DO $$ BEGIN", "END $$", "(", ")", "é", "\\", "BEGIN", "COMMIT", "CONCURRENTLY",
    "-- lockgate:ignore drop-table why", "-- contract-phase-ok", "-- migrate:down", "E'\\''", "\"q\"",
]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(SQLISH, st.text(max_size=200)))
def test_linting_never_raises(text: str) -> None:
    report = lint_text(text, LintOptions())
    for f in report.findings:
        assert f.line >= 1 and f.column >= 1
