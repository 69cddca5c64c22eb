"""Parse one SQL file with pglast into statements with line and column, and its comments.

PostgreSQL's own parser does the work: text inside comments, string literals and
dollar-quoted bodies is never mistaken for code, and quoted identifiers keep their
case. The tree comes from :func:`pglast.parser.parse_sql_json` (libpg_query's parse
tree, serialised), which is about twenty times cheaper than building
:mod:`pglast.ast` objects; rules read it as plain dicts (see :mod:`.nodes`).

The statements of a ``DO`` block run during the migration, so they are parsed too
(:func:`pglast.parser.parse_plpgsql_json`) and come out as ``embedded``
statements at their own lines; a PL/pgSQL body that does not parse is a
:class:`ParseProblem` at the ``DO``. Function bodies run later and are not looked at.

A file the parser rejects is split with the scanner and each piece parsed alone:
the broken piece becomes a :class:`ParseProblem` with its line, the rest is linted.

>>> src = parse_source("-- header\\nCREATE TABLE t (id int);\\n\\nDROP TABLE t;")
>>> [(s.kind, s.line) for s in src.statements]
[('CreateStmt', 2), ('DropStmt', 4)]
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple

from ._pgparser import parser as _parser

if TYPE_CHECKING:
    from .nodes import TableRef

Node = dict[str, Any]

_COMMENT_TOKENS = frozenset({"SQL_COMMENT", "C_COMMENT"})
# Directives live in comments; a file without any of these words has no directive,
# so the scanner pass that finds comment tokens is skipped (it costs as much as parsing).
_DIRECTIVE_WORDS = ("lockgate:", "LOCKGATE:", "Lockgate:", "contract-phase-ok", "CONTRACT-PHASE-OK", "migrate:", "+goose", "+migrate", "atlas:",
                    "morph:")


@dataclass(eq=False)
class Stmt:
    """One statement: its node kind (``"IndexStmt"``), its fields, and where it is. Read-only by convention
    (not frozen: a frozen dataclass costs a slow __setattr__ per field, and files have many statements)."""

    kind: str
    node: Node
    start: int  # str offset of the first token in the file
    end: int  # str offset just past the statement
    line: int
    column: int
    index: int  # position among the file's top-level statements
    end_line: int
    embedded: bool = False  # run from inside a DO block

    # Several rules look at the same parts of an ALTER TABLE: read them once.
    @cached_property
    def relation(self) -> TableRef | None:
        """The table named by the statement's ``relation`` field, if it has one."""
        from .nodes import table_of

        rel = self.node.get("relation")
        return table_of(rel) if isinstance(rel, dict) else None

    @cached_property
    def cmds(self) -> tuple[Node, ...]:
        """The AlterTableCmd bodies of an ALTER TABLE; () for other statements."""
        return tuple(c["AlterTableCmd"] for c in self.node.get("cmds", ()) if "AlterTableCmd" in c)

    @cached_property
    def subtypes(self) -> frozenset[str]:
        """``{"AT_AddColumn", ...}`` for an ALTER TABLE."""
        return frozenset(c.get("subtype", "") for c in self.cmds)


class Comment(NamedTuple):
    """A comment token, as the scanner saw it."""

    text: str
    start: int  # str offsets, end exclusive
    end: int
    line: int
    end_line: int

    @property
    def body(self) -> str:
        """The words inside: ``-- lockgate:ignore x`` -> ``lockgate:ignore x``."""
        text = self.text
        if text.startswith("--"):
            return text[2:].strip()
        if text.startswith("/*") and text.endswith("*/"):
            return text[2:-2].strip(" \t\r\n*")
        return text.strip()


class ParseProblem(NamedTuple):
    message: str
    line: int
    column: int


class Source(NamedTuple):
    """A parsed file: statements in order (with DO-block statements after their DO), comments, problems."""

    path: Path
    text: str
    statements: tuple[Stmt, ...]
    comments: tuple[Comment, ...]
    problems: tuple[ParseProblem, ...] = ()
    locator: "_Locator | None" = None

    def line_of(self, offset: int) -> int:
        """1-based line of a str offset."""
        return (self.locator or _Locator(self.text)).position(offset)[0]

    @property
    def top_level(self) -> tuple[Stmt, ...]:
        return tuple(s for s in self.statements if not s.embedded)


class _Locator:
    """Turn libpg_query's UTF-8 byte offsets into str offsets, lines and columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self._data = b"" if self.ascii else text.encode("utf-8")
        self._starts: tuple[int, ...] | None = None

    @property
    def line_starts(self) -> tuple[int, ...]:
        if self._starts is None:
            text = self.text
            starts = [0]
            pos = text.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            self._starts = tuple(starts)
        return self._starts

    def char_offset(self, byte_offset: int) -> int:
        if self.ascii:
            return byte_offset
        return len(self._data[:byte_offset].decode("utf-8", errors="ignore"))

    def byte_offset(self, char_offset: int) -> int:
        if self.ascii:
            return char_offset
        return len(self.text[:char_offset].encode("utf-8"))

    def position(self, char_offset: int) -> tuple[int, int]:
        if self._starts is None and char_offset < 4096:  # small files: cheaper than indexing every line
            text = self.text
            return text.count("\n", 0, char_offset) + 1, char_offset - text.rfind("\n", 0, char_offset)
        starts = self.line_starts
        line = bisect.bisect_right(starts, char_offset)
        return line, char_offset - starts[line - 1] + 1

    def first_code_column(self, line: int) -> int:
        if not 1 <= line <= len(self.line_starts):
            return 1
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        chunk = self.text[start:end]
        return len(chunk) - len(chunk.lstrip(" \t")) + 1


def parse_source(text: str, path: Path | str = "<sql>") -> Source:
    """Parse ``text``; never raises for bad SQL (see :attr:`Source.problems`)."""
    parser = _parser()  # lazy, and without pglast.enums/ast (see ._pgparser)

    loc = _Locator(text)
    statements: list[Stmt] = []
    problems: list[ParseProblem] = []
    try:
        _collect(parser.parse_sql_json(text), loc, 0, statements)
    except parser.ParseError:
        statements.clear()
        _parse_pieces(text, loc, statements, problems)
    statements = _with_embedded(statements, text, loc, problems)
    comments = _comments(text, loc) if any(w in text for w in _DIRECTIVE_WORDS) else ()
    return Source(path if isinstance(path, Path) else Path(path), text, tuple(statements), comments,
                  tuple(problems), loc)


def parse_statement(sql: str) -> tuple[str, Node] | None:
    """The first statement of ``sql`` as (kind, fields), or None if it does not parse.

    For SQL the database writes (``format_type()``, ``pg_get_constraintdef()``), read
    with the same grammar as the files.
    """
    parser = _parser()
    try:
        stmts = json.loads(parser.parse_sql_json(sql)).get("stmts", ())
    except parser.ParseError:
        return None
    for raw in stmts:
        wrapped = raw.get("stmt")
        if wrapped:
            (kind, node), = wrapped.items()
            return str(kind), node
    return None


def _collect(tree_json: str, loc: _Locator, base_byte: int, out: list[Stmt]) -> None:
    tree = json.loads(tree_json)
    data_len = None
    for raw in tree.get("stmts", ()):
        wrapped = raw.get("stmt")
        if not wrapped:
            continue
        (kind, node), = wrapped.items()
        start_b = base_byte + raw.get("stmt_location", 0)
        if "stmt_len" in raw:
            end_c = loc.char_offset(start_b + raw["stmt_len"])
        else:
            if data_len is None:
                data_len = len(loc.text)
            end_c = data_len
        start_c = loc.char_offset(start_b)
        # stmt_location may point at whitespace before the first token: skip it.
        text = loc.text
        while start_c < end_c and text[start_c] in " \t\r\n":
            start_c += 1
        while end_c > start_c and text[end_c - 1] in " \t\r\n":
            end_c -= 1
        line, column = loc.position(start_c)
        end_line = loc.position(max(end_c - 1, start_c))[0]
        out.append(Stmt(kind, node, start_c, end_c, line, column, len(out), end_line))


def _parse_pieces(text: str, loc: _Locator, out: list[Stmt], problems: list[ParseProblem]) -> None:
    parser = _parser()

    try:
        pieces = list(parser.split(text, with_parser=False, only_slices=True))
    except parser.ParseError as exc:
        problems.append(_problem(exc, 0, len(text), loc))
        return
    # The scanner's split drops an unterminated last statement: take what follows the last piece too.
    tail = pieces[-1].stop if pieces else 0
    if _has_code(text[tail:]):
        pieces.append(slice(tail + 1 if text[tail:tail + 1] == ";" else tail, len(text)))
    for piece in pieces:
        chunk = text[piece]
        try:
            tree_json = parser.parse_sql_json(chunk)
        except parser.ParseError as exc:
            problems.append(_problem(exc, piece.start, len(chunk), loc))
            continue
        _collect(tree_json, loc, loc.byte_offset(piece.start), out)


def _has_code(text: str) -> bool:
    parser = _parser()

    if not text.strip():
        return False
    try:
        return any(tok.name not in _COMMENT_TOKENS for tok in parser.scan(text))
    except parser.ParseError:  # an unterminated quote or comment is code the parser must see
        return True


def _problem(exc: Exception, base_char: int, length: int, loc: _Locator) -> ParseProblem:
    message = str(exc.args[0]) if exc.args else str(exc)
    index = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
    if index is None:  # "at end of input": point at the end of the statement
        index = length
    offset = min(base_char + index, len(loc.text))
    while offset > base_char and (offset >= len(loc.text) or loc.text[offset] in " \t\r\n"):
        offset -= 1  # not past the end, nor on the blank line after the statement
    line, column = loc.position(offset)
    return ParseProblem(message, line, column)


# -- DO blocks -------------------------------------------------------------------------------

def _with_embedded(statements: list[Stmt], text: str, loc: _Locator, problems: list[ParseProblem]) -> list[Stmt]:
    if not any(s.kind == "DoStmt" for s in statements):
        return statements
    out: list[Stmt] = []
    for stmt in statements:
        out.append(stmt)
        if stmt.kind == "DoStmt":
            out.extend(_do_statements(stmt, text, loc, problems))
    return out


def _do_statements(do: Stmt, text: str, loc: _Locator, problems: list[ParseProblem]) -> Iterator[Stmt]:
    parser = _parser()

    body_byte: int | None = None
    for arg in do.node.get("args", ()):
        elem = arg.get("DefElem", {})
        if elem.get("defname") == "language":
            # Another language's body is not PL/pgSQL: neither looked into nor a parse problem.
            if elem.get("arg", {}).get("String", {}).get("sval", "plpgsql").lower() != "plpgsql":
                return
        elif elem.get("defname") == "as":
            body_byte = elem.get("arg_location", elem.get("location"))
    if body_byte is None:
        return
    body_line = loc.position(loc.char_offset(body_byte))[0]
    try:
        tree = json.loads(parser.parse_plpgsql_json(text[do.start:do.end]))
    except parser.ParseError as exc:
        # The server rejects the whole DO, and what it would have run is unknown: say so, or the
        # statements inside (a CREATE INDEX without CONCURRENTLY, say) would pass unseen.
        # libpg_query gives no position inside the body, so the problem sits at the DO.
        reason = (str(exc.args[0]) if exc.args else str(exc)).strip().rstrip(".") or "syntax error"
        problems.append(ParseProblem(f"{reason} in the PL/pgSQL body of this DO block, so the statements "
                                     "inside it were not checked", do.line, do.column))
        return
    for lineno, query in _plpgsql_queries(tree):
        line = body_line + max(lineno, 1) - 1
        try:
            found: list[Stmt] = []
            _collect(parser.parse_sql_json(query), _Locator(query), 0, found)
        except parser.ParseError as exc:
            # The DO fails when it gets there, and what the SQL meant to do went unchecked: say so.
            reason = (str(exc.args[0]) if exc.args else str(exc)).strip().rstrip(".") or "syntax error"
            problems.append(ParseProblem(f"{reason} in SQL this DO block runs, so it was not checked", line,
                                         loc.first_code_column(line)))
            continue
        for inner in found:
            yield Stmt(inner.kind, inner.node, do.start, do.end, line, loc.first_code_column(line), do.index,
                       do.end_line, embedded=True)


def _plpgsql_queries(tree: Any) -> Iterator[tuple[int, str]]:
    """(lineno, SQL) of every static statement, and of EXECUTE with a constant string."""
    parser = _parser()

    stack = [tree]
    found: list[tuple[int, str]] = []
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        execsql = item.get("PLpgSQL_stmt_execsql")
        if execsql is not None:
            query = execsql.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query")
            if isinstance(query, str):
                found.append((int(execsql.get("lineno", 1)), query))
            continue
        dyn = item.get("PLpgSQL_stmt_dynexecute")
        if dyn is not None and not dyn.get("params"):
            expr = dyn.get("query", {}).get("PLpgSQL_expr", {}).get("query")
            if isinstance(expr, str):
                try:
                    const = json.loads(parser.parse_sql_json("SELECT " + expr))
                    val = const["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]
                    sval = val["A_Const"]["sval"]["sval"]
                except (parser.ParseError, KeyError, IndexError, TypeError):
                    sval = None
                if isinstance(sval, str):
                    found.append((int(dyn.get("lineno", 1)), sval))
            continue
        stack.extend(reversed(list(item.values())))
    return iter(found)


# -- comments --------------------------------------------------------------------------------

def _comments(text: str, loc: _Locator) -> tuple[Comment, ...]:
    parser = _parser()

    try:
        tokens = parser.scan(text)
    except parser.ParseError:  # an unterminated quote or comment: the parse problem says where
        return ()
    out = []
    for tok in tokens:
        if tok.name in _COMMENT_TOKENS:
            end = tok.end + 1  # scanner ends are inclusive
            out.append(Comment(text[tok.start:end], tok.start, end, loc.position(tok.start)[0],
                               loc.position(max(end - 1, tok.start))[0]))
    return tuple(out)
