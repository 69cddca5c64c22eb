"""Text for the plan (``lockgate plan``, ``up --dry-run``), the rehearsal and the post-checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..safety.locks import relation_display

if TYPE_CHECKING:
    from .render import Renderer

_MODE_COLOUR = {"ACCESS EXCLUSIVE": "red", "EXCLUSIVE": "red", "SHARE ROW EXCLUSIVE": "yellow", "SHARE": "yellow"}
_MODE_EFFECT = {"ACCESS EXCLUSIVE": "blocks reads and writes", "EXCLUSIVE": "blocks writes and locking reads",
                "SHARE ROW EXCLUSIVE": "blocks writes", "SHARE": "blocks writes"}


def render_plan(r: Renderer, plan: Any, prefix: str = "") -> None:
    """``plan``: a lockgate.safety.plan.Plan; ``prefix``: ``[component] `` when several are planned."""
    if r.json_mode:
        r.emit_json(plan.to_dict())
        return
    verb = "apply" if plan.direction == "up" else "roll back"
    if plan.recovered:
        r.out(f"{prefix}Would recover dirty: {', '.join(plan.recovered)}")
    if not plan.migrations:
        r.out(f"{prefix}Nothing to {verb} ({plan.component}, {plan.database}).")
    else:
        r.out(f"{prefix}Would {verb} {len(plan.migrations)} migration(s) on {plan.database} (nothing changed):")
    for m in plan.migrations:
        how = ("no transaction: statement by statement, not rehearsable" if m.no_transaction
               else "in one transaction")
        r.out(r.style(m.ident, bold=True) + f"  ({how})")
        for st in m.statements:
            r.out(f"  line {st.line:<4} {st.summary}")
            for lk in st.locks:
                if lk.created:
                    r.out(f"             {lk.mode} on new {lk.kind} {lk.relation} (nobody else sees it yet)")
                    continue
                effect = _MODE_EFFECT.get(lk.mode)
                what = " ".join(w for w in (lk.kind if lk.kind != "table" else "", lk.relation) if w)
                r.out("             " + r.style(lk.mode, _MODE_COLOUR.get(lk.mode)) + f" on {what}"
                      + (f" ({effect})" if effect else ""))
            work = [w for w, on in (("rewrites the table", st.rewrites),
                                    ("scans the table", st.scans and not st.rewrites)) if on]
            if work:
                r.out("             " + r.style(", ".join(work), "yellow"))
        for t in m.tables:
            r.out(f"  table {relation_display(t.schema, t.name)}: {size_text(t.rows, t.bytes, t.source)}")
        for f in m.findings:
            colour = {"error": "red", "warning": "yellow"}.get(f.severity.value)
            r.out(f"  lint {r.style(f'{f.severity.value}[{f.rule}]', colour)} line {f.line}: {f.message}")
        if m.sql is not None:
            r.out("  SQL:")
            for line in m.sql.rstrip("\n").splitlines():
                r.out(f"    {line}")
    for c in plan.checks:
        data = c.to_dict()
        r.out(f"pre-check {data.get('name')}: {data.get('status')} {data.get('message', '')}".rstrip())
    if plan.lint_failing:
        r.out(r.style(f"lockgate up would stop: {plan.lint_failing} lint finding(s) at or above lint.fail_on.",
                      "red"))
    for note in plan.notes:
        r.note(note)


def size_text(rows: int | None, size: int | None, source: str) -> str:
    """``~100,000 rows, 6.5 MB`` / ``not analysed, 6.5 MB on disk`` / ``empty``."""
    disk = f", {_bytes(size)}" if size is not None else ""
    if source == "empty":
        return "empty (never analysed, nothing on disk)"
    if rows is None:
        return f"rows unknown (never analysed){disk} on disk"
    approx = "~" if source == "estimate" else ""
    return f"{approx}{rows:,} rows{disk}"


def _bytes(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} bytes"


def render_rehearsal(r: Renderer, rehearsal: Any, database: str, prefix: str = "") -> None:
    """``rehearsal``: a lockgate.safety.rehearsal.Rehearsal (the CLI's --json prints the whole run report)."""
    done = [m for m in rehearsal.migrations if m.rehearsed]
    r.out(f"{prefix}Rehearsal on {database}: {len(done)} migration(s) applied in one transaction, then rolled back "
          "(nothing changed).")
    for m in rehearsal.migrations:
        if not m.rehearsed:
            r.out(r.style(m.ident, bold=True) + f"  not rehearsable: {m.reason}")
            continue
        limits = ("" if m.lock_timeout is None else
                  f"  (lock_timeout {_seconds(m.lock_timeout)}, statement_timeout {_seconds(m.statement_timeout)})")
        r.out(r.style(m.ident, bold=True) + f"  {m.duration_ms:.1f} ms{limits}")
        for st in m.statements:
            rows = f", {st.rows:,} row{'' if st.rows == 1 else 's'}" if st.rows is not None else ""
            r.out(f"  line {st.line:<4} {st.summary}  ({st.duration_ms:.1f} ms{rows})")
            tables = [o for o in st.observed if o.kind in ("table", "materialized view", "view")]
            if tables:
                r.out("             locked: " + ", ".join(
                    r.style(o.mode, _MODE_COLOUR.get(o.mode)) + f" on {o.relation}" for o in tables))
            for w in st.stronger:
                r.out("             " + r.style(f"warning: pg_locks showed {w.message}", "yellow"))
    if rehearsal.failed is not None:
        f = rehearsal.failed
        r.out(r.style(f"Rehearsal failed: {f.ident} line {f.line}: {f.error} (rolled back; nothing changed).", "red"))
    if not rehearsal.locks_read:
        r.note("Locks: not applicable on SQLite (a write transaction locks the whole database file); "
               "statements were timed and counted.")
    if rehearsal.warnings:
        r.note(r.style(f"warning: {len(rehearsal.warnings)} lock(s) stronger than the plan predicted "
                       "(a function, trigger, dynamic SQL or cascade the parse cannot see).", "yellow", err=True))


def _seconds(value: float | None) -> str:
    return "none" if not value else f"{value:.3g}s"


def render_post_checks(r: Renderer, post: Any) -> None:
    """``post``: a lockgate.safety.postchecks.PostChecks, after the run's summary line."""
    for c in post.counts:
        before = "-" if c.before is None else f"{c.before:,}"
        after = "-" if c.after is None else f"{c.after:,}"
        delta = "" if c.delta is None else f" ({c.delta:+,})"
        r.done(f"  rows {c.relation}: {before} -> {after}{delta} [{c.label}]")
    for check in post.checks:
        if check.passed:
            r.done(f"  {r.style('✓', 'green')} post-check {check.file.rsplit('/', 1)[-1]}")
        else:
            r.out(f"  {r.style('✗', 'red')} post-check {check.file.rsplit('/', 1)[-1]}: {check.reason}")
