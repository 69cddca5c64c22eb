"""Directives written in SQL comments, found among the scanner's comment tokens.

* ``-- lockgate:ignore RULE[,RULE] reason`` on the line(s) right before a statement
  (or at the end of its last line) suppresses those rules for that statement; in
  the file's leading comment block, separated from the first statement by a blank
  line, or written ``-- lockgate:ignore-file RULE reason`` anywhere, for the whole file.
* ``-- contract-phase-ok[: reason]`` anywhere: the migration is a reviewed contract
  step (expand-contract-runbook.md); the destructive rules are suppressed.
* ``-- lockgate:no-transaction`` in the leading comment block (plain .sql files;
  for migrations the engine's reading is used).
* ``-- migrate:down`` (dbmate), ``-- +goose Down`` (goose), ``-- +migrate Down``
  (sql-migrate): in those single-file layouts the statements after it are the
  rollback and are not linted. The peers' no-transaction markers count as
  ``-- lockgate:no-transaction``: dbmate's ``-- migrate:up transaction:false``, goose's
  ``-- +goose NO TRANSACTION``, sql-migrate's ``-- +migrate notransaction``, Atlas's
  ``-- atlas:txmode none``, morph's ``-- morph:nontransactional`` (see lockgate.txmode).

>>> from lockgate.lint.source import parse_source
>>> src = parse_source("-- lockgate:ignore drop-table legacy, unused since 2023\\nDROP TABLE legacy;")
>>> d = read_directives(src)
>>> [(i.rules, i.reason, i.statement) for i in d.ignores]
[(frozenset({'drop-table'}), 'legacy, unused since 2023', 0)]
"""

from __future__ import annotations

from typing import NamedTuple

from ..header import directive
from ..txmode import is_no_transaction_marker
from .source import Comment, Source, Stmt

IGNORE = "lockgate:ignore"
IGNORE_FILE = "lockgate:ignore-file"
NO_TRANSACTION = "lockgate:no-transaction"
CONTRACT_TAG = "contract-phase-ok"
_OTHER_DOWN = frozenset({"+goose down", "+migrate down"})


class Ignore(NamedTuple):
    rules: frozenset[str]
    reason: str
    line: int
    statement: int | None  # index of the top-level statement it covers; None: the whole file


class Directives(NamedTuple):
    ignores: tuple[Ignore, ...] = ()
    contract_tag: tuple[int, str] | None = None  # (line, reason)
    no_transaction: bool = False
    down_section_from: int | None = None  # str offset where a dbmate `-- migrate:down` section starts
    notes: tuple[str, ...] = ()  # unknown rule ids, directives that cover nothing


def read_directives(source: Source) -> Directives:
    if not source.comments:
        return Directives()
    from .rules import RULE_IDS

    tops = source.top_level
    first_start = tops[0].start if tops else len(source.text)
    comment_lines: set[int] = set()
    for c in source.comments:
        comment_lines.update(range(c.line, c.end_line + 1))
    ignores: list[Ignore] = []
    notes: list[str] = []
    tag: tuple[int, str] | None = None
    no_tx = False
    down_from: int | None = None
    for c in source.comments:
        body = c.body
        word, _, rest = body.partition(" ")
        lowered = word.lower().rstrip(":")
        own = directive(body)  # `-- LOCKGATE: ignore ...` is `-- lockgate:ignore ...`
        if own is not None:
            lowered, rest = own
        if lowered.startswith(CONTRACT_TAG) and tag is None:
            tag = (c.line, body[len(CONTRACT_TAG):].lstrip(": ").strip())
        elif (lowered == "migrate:down" or " ".join(body.lower().split()[:2]) in _OTHER_DOWN) and down_from is None:
            down_from = c.start  # before the no-transaction check: `-- migrate:down transaction:false` is the down's
        elif is_no_transaction_marker(body) and c.start < first_start and down_from is None:
            no_tx = True
        elif lowered in (IGNORE, IGNORE_FILE):
            rules, reason = _rules_and_reason(rest)
            unknown = sorted(r for r in rules if r not in RULE_IDS)
            for r in unknown:
                notes.append(f"{source.path}:{c.line}: unknown rule {r!r} in lockgate:ignore{_did_you_mean(r)}")
            rules = frozenset(r for r in rules if r in RULE_IDS)
            if not rules:
                if not unknown:
                    notes.append(f"{source.path}:{c.line}: lockgate:ignore names no rule "
                                 "(write -- lockgate:ignore RULE[,RULE] reason)")
                continue
            target = None if lowered == IGNORE_FILE else _target(c, tops, comment_lines)
            if target == -1:
                notes.append(f"{source.path}:{c.line}: lockgate:ignore is not next to a statement; "
                             "put it on the line before the statement, or use lockgate:ignore-file")
                continue
            if not reason:  # it still suppresses; the note asks for the trace the README promises
                notes.append(f"{source.path}:{c.line}: lockgate:ignore gives no reason; say why after the rule "
                             "ids, for whoever reads the migration next")
            ignores.append(Ignore(rules, reason, c.line, target))
    return Directives(tuple(ignores), tag, no_tx, down_from, tuple(notes))


def _rules_and_reason(rest: str) -> tuple[frozenset[str], str]:
    """``"drop-table, truncate: old data"`` -> ({drop-table, truncate}, "old data")."""
    rest = rest.strip()
    rules: set[str] = set()
    while rest:
        word, _, tail = rest.partition(" ")
        ends = word.endswith(":")
        word = word.rstrip(":")
        rules.update(p.strip().lower() for p in word.split(",") if p.strip())
        rest = tail.strip()
        if ends:
            break
        if word.endswith(","):
            continue
        if rest.startswith(","):
            rest = rest[1:].strip()
            continue
        break
    return frozenset(rules), rest.lstrip(":").strip()


def _target(c: Comment, tops: tuple[Stmt, ...], comment_lines: set[int]) -> int | None:
    """The statement a comment belongs to; None for the file header; -1 for none."""
    prev = None
    for stmt in tops:
        if stmt.start >= c.end:
            # A comment at the end of the previous statement's last line belongs to it.
            if prev is not None and c.start >= prev.end and prev.end_line == c.line:
                return int(prev.index)
            if all(line in comment_lines for line in range(c.end_line + 1, stmt.line)):
                return int(stmt.index)
            return None if prev is None else -1
        prev = stmt
    if prev is not None and prev.end_line == c.line:
        return int(prev.index)
    return -1


def _did_you_mean(word: str) -> str:
    import difflib

    from .rules import RULE_IDS

    close = difflib.get_close_matches(word, sorted(RULE_IDS), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
