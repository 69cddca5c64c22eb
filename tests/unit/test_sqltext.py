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


# Code pieces (each one token or more, none a comment) and what may sit between them.
# The ; inside quotes, dollar-quoted bodies and parentheses must never split.
_SQLITE_CODE = ["x", "1", "'a;b'", "'it''s;'", '"q;i"', "f(a, b)", "'line\none;'"]
_PG_CODE = _SQLITE_CODE + ["$$ ; $$", "$q$ ;$ $$ $q$", "(1; 2)", "E'\\';'"]
_GAPS = [" ", "\n", "\n\n", " -- c;\n", " /* ; */ ", "\t"]


def _script(draw: st.DrawFn, code: list[str]) -> tuple[str, list[tuple[str, int, int]]]:
    """A file and what splitting must give: (sql, line, offset) of each statement."""
    text = draw(st.sampled_from(["", "-- head;\n", "\n\n", "/* a\n;b */"]))
    expected = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        pieces = draw(st.lists(st.sampled_from(code), min_size=1, max_size=5))
        gaps = draw(st.lists(st.sampled_from(_GAPS), min_size=len(pieces) - 1, max_size=len(pieces) - 1))
        sql = pieces[0] + "".join(g + p for g, p in zip(gaps, pieces[1:], strict=True))
        expected.append((sql, text.count("\n") + 1, len(text)))
        text += sql + ";" + draw(st.sampled_from(_GAPS + [""]))
    return text, expected


@st.composite
def _pg_scripts(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    return _script(draw, _PG_CODE)


@st.composite
def _sqlite_scripts(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    return _script(draw, _SQLITE_CODE)


@hsettings(max_examples=200, deadline=None)
@given(_pg_scripts(), st.integers(min_value=1, max_value=40))
def test_statements_lines_and_offsets_are_exact_whatever_the_chunk(script: tuple[str, list[tuple[str, int, int]]],
                                                                   chunk: int) -> None:
    text, expected = script
    for stmts in (split_statements(text), split_statements(text, chunk=chunk)):
        assert [(s.sql, s.line, s.offset) for s in stmts] == expected
        assert all(text[s.offset:s.offset + len(s.sql)] == s.sql for s in stmts)


@hsettings(max_examples=100, deadline=None)
@given(_sqlite_scripts())
def test_sqlite_statements_and_lines_are_exact(script: tuple[str, list[tuple[str, int, int]]]) -> None:
    text, expected = script
    assert [(s.sql, s.line, s.offset) for s in split_sqlite(text)] == expected


def test_a_chunk_cut_inside_a_quote_or_a_long_statement_is_scanned_again() -> None:
    text = "SELECT 'a;\n;b';\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT 2"
    whole = split_statements(text)
    assert [s.line for s in whole] == [1, 3, 4]
    for chunk in range(1, len(text) + 2):
        assert split_statements(text, chunk=chunk) == whole


def test_an_unterminated_quote_keeps_the_whole_file_one_statement_whatever_the_chunk() -> None:
    text = "SELECT 1;\nSELECT 2;\nSELECT 'oops;\n"
    for chunk in (1, 5, 12, 10**6):
        assert [(s.sql, s.line) for s in split_statements(text, chunk=chunk)] == [(text.strip(), 1)]


def test_begin_atomic_is_split_by_the_parser_whatever_the_chunk() -> None:
    text = ("SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\n"
            "SELECT 3;\n")
    for chunk in (4, 10**6):
        assert [s.line for s in split_statements(text, chunk=chunk)] == [1, 2, 7]


def test_a_big_file_is_scanned_in_pieces_not_all_at_once() -> None:
    """The scanner's tokens cost ~45 bytes a character: a 4 MB file scanned at once peaks near
    200 MB, in pieces of a megabyte near 50 (what keeps a 50 MB seed file at that, not 2 GB)."""
    import tracemalloc

    row = "INSERT INTO seed VALUES ({}, 'a note; with a semicolon', 'x');\n"
    text = "".join(row.format(i) for i in range(64_000))
    assert len(text) > 4_000_000
    tracemalloc.start()
    try:
        stmts = split_statements(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(stmts) == 64_000 and stmts[-1].line == 64_000
    assert peak < 100_000_000, f"{peak / 1e6:.0f} MB"
