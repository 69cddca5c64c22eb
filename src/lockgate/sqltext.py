"""Split migration SQL into top-level statements with the real PostgreSQL lexer.

pglast's scanner is PostgreSQL's own: comments, string literals, dollar-quoted
bodies (DO blocks, functions) and quoted identifiers are single tokens, so a
``;`` or ``BEGIN`` inside them is never mistaken for code. One scan splits the
file at top-level semicolons; a file with a SQL-standard ``BEGIN ATOMIC ... END``
function body, whose inner semicolons only the grammar can place, is split by
the parser instead. A file the scanner rejects (an unterminated quote) is one
statement, so the server reports the error with its position.
"""

from __future__ import annotations

from typing import Any

from .model import Statement

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
TRANSACTION_CONTROL = frozenset({"BEGIN_P", "START", "COMMIT", "ROLLBACK", "END_P", "ABORT_P"})


def _tokens(sql: str) -> list[Any] | None:
    from pglast import parser  # lazy: 50 ms of import that status and a no-op up never pay

    try:
        return list(parser.scan(sql))
    except Exception:  # pglast.parser.ParseError from the scanner: an unterminated quote or comment
        return None


def split_statements(text: str) -> list[Statement]:
    """Top-level statements with their offset, line and first keyword; comment-only text gives []."""
    toks = _tokens(text)
    if toks is None:
        return [Statement(sql=text.strip(), line=_line_of(text, len(text) - len(text.lstrip())),
                          offset=len(text) - len(text.lstrip()))] if text.strip() else []
    if any(t.name == "ATOMIC" for t in toks):
        return _split_with_parser(text)
    out: list[Statement] = []
    depth = 0
    first: Any = None
    last: Any = None
    for tok in toks:
        name = tok.name
        if name in _COMMENT_TOKENS:
            continue
        if name == "ASCII_59" and depth == 0:
            if first is not None:
                out.append(_statement(text, first, last))
            first = last = None
            continue
        if name == "ASCII_40":
            depth += 1
        elif name == "ASCII_41" and depth > 0:
            depth -= 1
        if first is None:
            first = tok
        last = tok
    if first is not None:
        out.append(_statement(text, first, last))
    return out


def _statement(text: str, first: Any, last: Any) -> Statement:
    # Token offsets are str indexes; `end` is inclusive.
    return Statement(sql=text[first.start:last.end + 1], line=_line_of(text, first.start), offset=first.start,
                     keyword=first.name)


def _split_with_parser(text: str) -> list[Statement]:
    from pglast import parser

    try:
        slices = list(parser.split(text, with_parser=True, only_slices=True))
    except Exception:  # a syntax error: one statement per scanner split is the best guess
        slices = list(parser.split(text, with_parser=False, only_slices=True))
    out = []
    for sl in slices:
        chunk = text[sl]
        toks = [t for t in (_tokens(chunk) or []) if t.name not in _COMMENT_TOKENS]
        if not toks:
            continue
        start = sl.start + toks[0].start
        out.append(Statement(sql=text[start:sl.start + toks[-1].end + 1], line=_line_of(text, start),
                             offset=start, keyword=toks[0].name))
    return out


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def first_token(sql: str) -> tuple[int, str] | None:
    """Offset and scanner name of the first non-comment token, or None for comment-only text."""
    toks = _tokens(sql)
    if toks is None:
        stripped = sql.lstrip()
        return (len(sql) - len(stripped), "") if stripped else None
    for tok in toks:
        if tok.name not in _COMMENT_TOKENS:
            return int(tok.start), str(tok.name)
    return None


def is_transaction_control(stmt: Statement) -> bool:
    return stmt.keyword in TRANSACTION_CONTROL


def statement_at(statements: list[Statement], offset: int) -> Statement | None:
    """The statement that contains character ``offset`` of the file."""
    found = None
    for st in statements:
        if st.offset <= offset:
            found = st
        else:
            break
    return found
