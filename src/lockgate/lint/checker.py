"""Run the rules over one file: parse, walk its statements in order, turn hits into findings.

>>> from lockgate.lint.options import LintOptions
>>> from lockgate.lint.state import SchemaState
>>> checker = Checker(LintOptions(), pg_version=15)
>>> findings, result, notes = checker.check("DROP TABLE IF EXISTS legacy;", Path("0003_drop.up.sql"), SchemaState(),
...                                         ident="0003_drop", no_transaction=False, has_down=True)
>>> [f.rule for f in findings], result.phase.value
(['drop-table', 'missing-lock-timeout', 'contract-without-tag'], 'contract')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..txmode import only_nontransactional
from .context import FileContext
from .directives import Directives, Ignore, read_directives
from .finding import Finding, Severity, Suppression
from .options import LintOptions
from .report import FileResult
from .rules import RULES, Hit, Rule
from .source import parse_source
from .state import SchemaState

if TYPE_CHECKING:
    from .catalog import LiveCatalog

_RULE_ORDER = {rule.id: n for n, rule in enumerate(RULES)}


class _Outcome(NamedTuple):
    hit: Hit
    rule: Rule


class Checker:
    """The enabled rules, indexed by the statement kinds they look at, for one set of options."""

    def __init__(self, options: LintOptions, pg_version: int, live: LiveCatalog | None = None) -> None:
        self.options = options
        self.pg_version = pg_version
        self.live = live
        self.disabled = frozenset(r for r, level in options.rules.items() if level is None)
        enabled = [r for r in RULES if r.id not in self.disabled]
        self.by_kind: dict[str, list[Rule]] = {}
        for rule in enabled:
            for kind in rule.kinds:
                self.by_kind.setdefault(kind, []).append(rule)
        self.file_rules = [r for r in enabled if type(r).check_file is not Rule.check_file]

    def check(self, text: str, path: Path, state: SchemaState, *, ident: str, no_transaction: bool | None,
              has_down: bool | None) -> tuple[list[Finding], FileResult, list[str]]:
        """(findings, the file's result, notes) for one file; ``state`` is read and advanced."""
        source = parse_source(text, path)
        directives = read_directives(source)
        notes = list(directives.notes)
        no_tx = directives.no_transaction if no_transaction is None else no_transaction
        if not no_tx:  # only CREATE INDEX CONCURRENTLY and the like: `up` runs it outside a transaction
            cut = directives.down_section_from
            no_tx = only_nontransactional([(st.kind, st.node) for st in source.top_level
                                           if cut is None or st.start < cut], self.pg_version * 10000) is not None
        ctx = FileContext(source, options=self.options, pg_version=self.pg_version, state=state,
                          live=self.live, no_transaction=no_tx, ident=ident, has_down=has_down,
                          contract_tag=directives.contract_tag is not None)
        outcomes: list[_Outcome] = []
        cut = directives.down_section_from
        by_kind = self.by_kind
        for stmt in source.statements:
            if cut is not None and stmt.start >= cut:
                break
            for rule in by_kind.get(stmt.kind, ()):
                for hit in rule.check(stmt, ctx):
                    outcomes.append(_Outcome(hit, rule))
            ctx.advance(stmt)
        for rule in self.file_rules:
            for hit in rule.check_file(ctx):
                outcomes.append(_Outcome(hit, rule))
        ctx.finish()
        used: set[int] = set()
        found = [f for f in (self._finding(o, ctx, directives, used) for o in outcomes) if f is not None]
        found.sort(key=lambda f: (f.line, f.column, _RULE_ORDER[f.rule]))
        off = self.disabled
        for n, ignore in enumerate(directives.ignores):
            # An ignore of rules this configuration turns off may still matter where they are on (CI).
            if n not in used and not (ignore.rules and ignore.rules <= off):
                notes.append(f"{path}:{ignore.line}: lockgate:ignore {','.join(sorted(ignore.rules))} "
                             "matched no finding; remove it")
        return found, FileResult(path, ident, ctx.phase, no_tx), notes

    def _finding(self, outcome: _Outcome, ctx: FileContext, directives: Directives, used: set[int]) -> Finding | None:
        hit, rule = outcome.hit, outcome.rule
        if rule.id in self.options.rules:
            severity = self.options.rules[rule.id]
            if severity is None:
                return None
        else:
            severity = hit.severity or rule.severity
        notes: tuple[str, ...] = ()
        lock_related = rule.lock_related if hit.lock_related is None else hit.lock_related
        if lock_related and hit.table is not None and self.live is not None and severity is Severity.ERROR:
            rows = ctx.estimated_rows(hit.table)
            if rows is None and not ctx.is_new(hit.table):
                notes = (f"{hit.table.display} has no row estimate (never analyzed), so it counts as large; "
                         f"if it is small, ANALYZE it and the lock findings on it become warnings.",)
            elif rows is not None and rows < self.options.small_table_rows:
                severity = Severity.WARNING
                note = (f"{hit.table.display} holds about {rows} rows (below small_table_rows = "
                        f"{self.options.small_table_rows}), so the lock is brief: reported as a warning.")
                notes = (note,)
        line = hit.line or (hit.stmt.line if hit.stmt else 1)
        column = hit.column or (hit.stmt.column if hit.stmt else 1)
        suppression = None
        for n, ignore in enumerate(directives.ignores):
            if rule.id in ignore.rules and _covers(ignore, hit):
                suppression = Suppression("ignore", ignore.reason, ignore.line)
                used.add(n)
                break
        destructive = rule.destructive if hit.destructive is None else hit.destructive
        if suppression is None and destructive and directives.contract_tag is not None:
            tag_line, reason = directives.contract_tag
            suppression = Suppression("contract-phase-ok", reason, tag_line)
        return Finding(rule.id, severity, ctx.source.path, line, column, hit.message, hit.safe or rule.safe,
                       suppression, notes)


def _covers(ignore: Ignore, hit: Hit) -> bool:
    if ignore.statement is None:
        return True
    return hit.stmt is not None and hit.stmt.index == ignore.statement
