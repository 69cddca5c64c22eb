"""Split migration SQL into top-level statements with the real PostgreSQL lexer.

pglast's scanner is PostgreSQL's own: comments, string literals, dollar-quoted
bodies (DO blocks, functions) and quoted identifiers are single tokens, so a
``;`` or ``BEGIN`` inside them is never mistaken for code. The parser splits
first (it knows ``BEGIN ATOMIC ... END`` bodies); the scanner alone is the
fallback for files the parser rejects, so the server reports the syntax error
with its line.
"""

from __future__ import annotations

from .model import Statement

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
TRANSACTION_CONTROL = frozenset({"BEGIN_P", "START", "COMMIT", "ROLLBACK", "END_P", "ABORT_P"})


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def split_statements(text: str) -> list[Statement]:
    """Top-level statements with the line of their first token; comment-only text gives []."""
    from pglast import parser  # lazy: 50 ms of import that status and no-op up never pay

    try:
        slices = list(parser.split(text, with_parser=True, only_slices=True))
    except Exception:  # pglast.parser.ParseError: let the server name the error
        try:
            slices = list(parser.split(text, with_parser=False, only_slices=True))
        except Exception:
            return [Statement(sql=text, line=1)] if _has_code(text) else []
    out: list[Statement] = []
    for sl in slices:
        # pglast's slices and token offsets are str indexes.
        chunk = text[sl]
        first = _first_token_offset(chunk)
        if first is None:
            continue
        out.append(Statement(sql=chunk, line=_line_of(text, sl.start + first)))
    return out


def _tokens(sql: str) -> list[object]:
    from pglast import parser

    try:
        return list(parser.scan(sql))
    except Exception:  # an unterminated quote: treat the text as code, the server will say why
        return []


def _first_token_offset(sql: str) -> int | None:
    toks = _tokens(sql)
    if not toks and sql.strip():
        return 0 if _has_code(sql) else None
    for tok in toks:
        if getattr(tok, "name") not in _COMMENT_TOKENS:
            return int(getattr(tok, "start"))
    return None


def _has_code(sql: str) -> bool:
    toks = _tokens(sql)
    if toks:
        return any(getattr(t, "name") not in _COMMENT_TOKENS for t in toks)
    # The scanner refused it (e.g. an unterminated quote): there is something there that is not a comment.
    return bool(sql.strip()) and not sql.lstrip().startswith("--")


def first_keyword(sql: str) -> str | None:
    """The scanner's name for the first non-comment token, e.g. ``BEGIN_P``."""
    for tok in _tokens(sql):
        name = str(getattr(tok, "name"))
        if name not in _COMMENT_TOKENS:
            return name
    return None


def is_transaction_control(stmt: Statement) -> bool:
    return first_keyword(stmt.sql) in TRANSACTION_CONTROL
