"""Secrets in SQL text, found by PostgreSQL's own lexer (pglast's scanner), never by regex.

A string literal, in any of its forms (``'…'``, ``E'…'``, ``U&'…'``, ``$$…$$``,
``$tag$…$tag$``), is a secret when it follows ``PASSWORD`` (``CREATE ROLE …
PASSWORD``, ``OPTIONS (password '…')`` of a user mapping or server) or a
secret-looking name (``api_key = '…'``, ``SET my.token TO '…'``,
``set_config('app.token', '…')``). A literal that is a connection string
(``dblink_connect('host=x password=…')``, ``'postgresql://u:pw@h/db'``) keeps
everything but its password.

Text that is not quite SQL (an error message quoting a statement, ``it's``) is read
as far as the lexer can, and read on after the character it stopped at.
"""

from __future__ import annotations

from typing import Callable, Iterator, NamedTuple

from .text import MASK, may_hold_plain_secret, redact_plain

_LITERALS = frozenset({"SCONST", "USCONST"})
# What may stand between a secret's name and its value: = TO := =>
_GLUE = frozenset({"ASCII_61", "TO", "COLON_EQUALS", "EQUALS_GREATER"})
_COMMENTS = frozenset({"SQL_COMMENT", "C_COMMENT"})


class _Tok(NamedTuple):
    name: str
    start: int
    end: int  # exclusive


class Span(NamedTuple):
    start: int
    end: int  # exclusive
    text: str  # what replaces text[start:end]


def _scan(text: str) -> Iterator[_Tok]:
    """Every token the lexer can read; after a lexer error, one ``UNTERMINATED`` token
    when the error is an unterminated literal, then the tokens after it."""
    from pglast import parser  # lazy: redaction of text without a secret never loads it

    offset = 0
    while offset < len(text):
        chunk = text[offset:]
        try:
            toks = parser.scan(chunk)
        except parser.ParseError as exc:
            loc = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
            loc = max(0, min(loc, len(chunk) - 1))
            try:
                head = parser.scan(chunk[:loc]) if loc else []
            except parser.ParseError:
                head = []
            for t in head:
                yield _Tok(t.name, offset + t.start, offset + t.end + 1)
            if "unterminated quoted string" in str(exc) or "unterminated dollar" in str(exc):
                # The literal runs to the end of the text, as the server would read it.
                yield _Tok("UNTERMINATED", offset + loc, len(text))
                return
            # Trailing junk after a number (0001_add), a stray quote or comment start: skip that word.
            stop = next((i for i in range(loc + 1, len(chunk)) if chunk[i].isspace()), len(chunk))
            offset += stop
            continue
        for t in toks:
            yield _Tok(t.name, offset + t.start, offset + t.end + 1)
        return


def secret_spans(text: str, is_secret_key: Callable[[str], bool]) -> list[Span]:
    """Where ``text`` holds secrets in SQL, and what each becomes."""
    spans: list[Span] = []
    prev: list[_Tok] = []  # the two significant tokens before this one
    for tok in _scan(text):
        if tok.name in _COMMENTS:
            continue
        if tok.name in _LITERALS or tok.name == "UNTERMINATED":
            if _secret_position(text, prev, is_secret_key):
                spans.append(Span(tok.start, tok.end, f"'{MASK}'"))
            else:
                literal = text[tok.start:tok.end]
                if may_hold_plain_secret(literal):
                    masked = _redact_connection_string(literal)
                    if masked != literal:
                        spans.append(Span(tok.start, tok.end, masked))
        prev = [*prev[-1:], tok]
    return spans


def _redact_connection_string(literal: str) -> str:
    """A literal's libpq or URL password masked; a plain '…' literal is read as the server
    reads it (``''`` is one quote), so a quoted libpq value is masked whole."""
    if len(literal) >= 2 and literal[0] == "'" and literal[-1] == "'":
        inner = literal[1:-1].replace("''", "'")
        masked = redact_plain(inner)
        return literal if masked == inner else "'" + masked.replace("'", "''") + "'"
    return redact_plain(literal)


def _secret_position(text: str, prev: list[_Tok], is_secret_key: Callable[[str], bool]) -> bool:
    if not prev:
        return False
    last = prev[-1]
    if last.name == "PASSWORD":
        return True
    if last.name == "ASCII_44" and len(prev) == 2 and prev[0].name in _LITERALS:
        # A name given as a literal, then its value: set_config('app.token', '…'),
        # json_build_object('api_key', '…'), VALUES ('password', '…').
        return is_secret_key(text[prev[0].start + 1:prev[0].end - 1])
    name = last
    if last.name in _GLUE:
        if len(prev) < 2:
            return False
        name = prev[-2]
    if name.name in _LITERALS or not _is_word(text[name.start:name.end]):
        return False
    return is_secret_key(text[name.start:name.end].strip('"'))


def _is_word(word: str) -> bool:
    return bool(word) and (word.strip('"').replace("_", "a").replace("$", "a").isalnum())


def apply_spans(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    out, at = [], 0
    for sp in sorted(spans):
        if sp.start < at:
            continue
        out += [text[at:sp.start], sp.text]
        at = sp.end
    out.append(text[at:])
    return "".join(out)
