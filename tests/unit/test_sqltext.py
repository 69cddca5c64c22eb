"""Splitting migration SQL into statements with their lines (PostgreSQL's own lexer)."""

from __future__ import annotations

from lockgate.sqltext import is_transaction_control, split_statements

GOLANG_MIGRATE_STYLE = """\
-- a header comment; with a semicolon
CREATE TABLE accounts (id bigint PRIMARY KEY, note text DEFAULT 'a;b');

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TYPE mood AS ENUM ('sad', 'ok');
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.updated_at := now(); -- ; in a comment
  RETURN NEW;
END;
$fn$;

/* block comment ; */
COMMENT ON TABLE accounts IS 'it''s; fine'
"""


def test_do_blocks_functions_and_a_last_statement_without_semicolon() -> None:
    stmts = split_statements(GOLANG_MIGRATE_STYLE)
    assert [s.line for s in stmts] == [2, 4, 12, 20]
    assert stmts[0].sql.lstrip().startswith("CREATE TABLE accounts")
    assert "CREATE TYPE mood" in stmts[1].sql
    assert "RETURN NEW" in stmts[2].sql
    assert stmts[3].sql.strip().startswith("COMMENT ON TABLE")
    assert not any(is_transaction_control(s) for s in stmts)


def test_comment_only_text_has_no_statements() -> None:
    assert split_statements("-- only\n/* comments */\n\n   \n") == []


def test_transaction_control_is_recognised() -> None:
    stmts = split_statements("BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n")
    assert [is_transaction_control(s) for s in stmts] == [True, False, True]
    assert [s.line for s in stmts] == [1, 2, 3]


from hypothesis import given  # noqa: E402
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lockgate.dialects.sqlite import split_sqlite  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("ab;'\"$-/* \n")), max_size=20)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8), st.lists(st.integers(min_value=0, max_value=2), min_size=8,
                                                          max_size=8))
def test_semicolons_and_quotes_inside_literals_never_split(values: list[str], gaps: list[int]) -> None:
    text = ""
    expected_lines = []
    for value, gap in zip(values, gaps[:len(values)], strict=True):
        text += "\n" * gap
        expected_lines.append(text.count("\n") + 1)
        literal = "'" + value.replace("'", "''") + "'"
        text += f"INSERT INTO t VALUES ({literal});\n"
    for split in (split_statements, split_sqlite):
        stmts = split(text)
        assert [s.line for s in stmts] == expected_lines, split.__module__
