"""Split migration SQL into top-level statements with the real PostgreSQL lexer.

pglast's scanner is PostgreSQL's own: comments, string literals, dollar-quoted
bodies (DO blocks, functions) and quoted identifiers are single tokens, so a
``;`` or ``BEGIN`` inside them is never mistaken for code. One scan splits the
file at top-level semicolons; a file with a SQL-standard ``BEGIN ATOMIC ... END``
function body, whose inner semicolons only the grammar can place, is split by
the parser instead. A file the scanner rejects (an unterminated quote) is one
statement, so the server reports the error with its position.

The work is linear in the file's size: lines are counted once, front to back, and
the file is scanned in chunks of a quarter of a megabyte (the scanner returns every
token of its input at once, ~50 bytes of Python objects per byte of SQL: 2.5 GB for
a 50 MB seed file). A chunk is cut at a line end, and only its statements up to its
last top-level ``;`` are kept: after that token the lexer is back in its initial
state, so the next chunk, scanned from there, sees exactly the tokens one scan of
the whole file would. A cut inside a string, comment or dollar-quoted body makes the
chunk's scan fail, and a chunk with no top-level ``;`` holds less than one
statement: either is scanned again, twice as long.
"""

from __future__ import annotations

from typing import Any

from .model import Statement

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
TRANSACTION_CONTROL = frozenset({"BEGIN_P", "START", "COMMIT", "ROLLBACK", "END_P", "ABORT_P"})
CHUNK = 1 << 18  # characters scanned at once: ~13 MB of tokens, and no slower than larger pieces


def _tokens(sql: str) -> list[Any] | None:
    from pglast import parser  # lazy: 50 ms of import that status and a no-op up never pay

    try:
        return list(parser.scan(sql))
    except Exception:  # pglast.parser.ParseError from the scanner: an unterminated quote or comment
        return None


class LineCounter:
    """1-based line numbers of offsets asked in increasing order, each newline counted once.

    >>> lines = LineCounter("a\\nb\\n\\nc")
    >>> lines.at(0), lines.at(2), lines.at(5)
    (1, 2, 4)
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def at(self, offset: int) -> int:
        if offset < self._offset:  # asked out of order: count from the start (never in one split)
            self._offset, self._line = 0, 1
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


class _Unsplittable(Exception):
    """The scanner rejects the text, or it needs the parser (BEGIN ATOMIC)."""

    def __init__(self, atomic: bool) -> None:
        self.atomic = atomic


def split_statements(text: str, *, chunk: int = CHUNK) -> list[Statement]:
    """Top-level statements with their offset, line and first keyword; comment-only text gives [].

    ``chunk``: how many characters are scanned at once (see the module's docstring).
    """
    try:
        return _split_in_chunks(text, max(chunk, 1))
    except _Unsplittable as why:
        if why.atomic:
            return _split_with_parser(text)
    start = len(text) - len(text.lstrip())
    return [Statement(sql=text.strip(), line=LineCounter(text).at(start), offset=start)] if text.strip() else []


def _split_in_chunks(text: str, chunk: int) -> list[Statement]:
    out: list[Statement] = []
    lines = LineCounter(text)
    pos, size = 0, chunk
    while pos < len(text):
        end = _cut(text, pos + size)
        toks = None  # the last piece's tokens go before the next piece's come
        toks = _tokens(text[pos:end]) if end > pos else []
        last = end >= len(text)
        if toks is None:
            if last:
                raise _Unsplittable(atomic=False)
            size *= 2  # cut inside a string or comment: scan a longer piece
            continue
        if any(t.name == "ATOMIC" for t in toks):
            raise _Unsplittable(atomic=True)
        taken = _statements(text, pos, toks, lines, out, complete=not last)
        if taken is None:  # no top-level ; in the piece: one statement longer than it
            size *= 2
            continue
        pos, size = taken, chunk
    return out


def _cut(text: str, at: int) -> int:
    """Where to cut near ``at``: just after the next line end (between statements, in a seed file
    of one per line, where a cut anywhere lands inside a string half the time), else ``at``."""
    if at >= len(text):
        return len(text)
    nl = text.find("\n", at, at + 4096)
    return at if nl == -1 else nl + 1


def _statements(text: str, base: int, toks: list[Any], lines: LineCounter, out: list[Statement], *,
                complete: bool) -> int | None:
    """Append the statements of ``toks`` (scanned from ``text[base:]``) to ``out``; return where the next
    piece starts. ``complete``: the piece was cut, so only statements ended by a top-level ``;`` count
    (None when it has none: the piece holds less than one statement)."""
    depth = 0
    first: Any = None
    last: Any = None
    resume: int | None = None
    for tok in toks:
        name = tok.name
        if name in _COMMENT_TOKENS:
            continue
        if name == "ASCII_59" and depth == 0:
            if first is not None:
                out.append(_statement(text, base, first, last, lines))
            first = last = None
            resume = base + tok.end + 1
            continue
        if name == "ASCII_40":
            depth += 1
        elif name == "ASCII_41" and depth > 0:
            depth -= 1
        if first is None:
            first = tok
        last = tok
    if complete:
        return resume
    if first is not None:
        out.append(_statement(text, base, first, last, lines))
    return len(text)


def _statement(text: str, base: int, first: Any, last: Any, lines: LineCounter) -> Statement:
    # Token offsets are str indexes into the scanned piece; `end` is inclusive.
    start = base + first.start
    return Statement(sql=text[start:base + last.end + 1], line=lines.at(start), offset=start, keyword=first.name)


def _split_with_parser(text: str) -> list[Statement]:
    from pglast import parser

    try:
        slices = list(parser.split(text, with_parser=True, only_slices=True))
    except Exception:  # a syntax error: one statement per scanner split is the best guess
        slices = list(parser.split(text, with_parser=False, only_slices=True))
    out = []
    lines = LineCounter(text)
    for sl in slices:
        chunk = text[sl]
        toks = [t for t in (_tokens(chunk) or []) if t.name not in _COMMENT_TOKENS]
        if not toks:
            continue
        start = sl.start + toks[0].start
        out.append(Statement(sql=text[start:sl.start + toks[-1].end + 1], line=lines.at(start),
                             offset=start, keyword=toks[0].name))
    return out


def first_token(sql: str) -> tuple[int, str] | None:
    """Offset and scanner name of the first non-comment token, or None for comment-only text."""
    if len(sql) > 4096:  # a long statement: its head is enough, unless a comment or quote is cut there
        found = first_token(sql[:4096])
        if found is not None and found[1] and found[0] < 4000:  # a keyword is never 96 characters long
            return found
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
