"""Text for the plan (``lockgate plan``, ``up --dry-run``), the rehearsal and the post-checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..safety.locks import relation_display

if TYPE_CHECKING:
    from .render import Renderer

_MODE_COLOUR = {"ACCESS EXCLUSIVE": "red", "EXCLUSIVE": "red", "SHARE ROW EXCLUSIVE": "yellow", "SHARE": "yellow"}
_MODE_EFFECT = {"ACCESS EXCLUSIVE": "blocks reads and writes", "EXCLUSIVE": "blocks writes and locking reads",
                "SHARE ROW EXCLUSIVE": "blocks writes", "SHARE": "blocks writes"}


def render_plan(r: Renderer, plan: Any) -> None:
    """``plan``: a lockgate.safety.plan.Plan."""
    if r.json_mode:
        r.emit_json(plan.to_dict())
        return
    verb = "apply" if plan.direction == "up" else "roll back"
    if plan.recovered:
        r.out(f"Would recover dirty: {', '.join(plan.recovered)}")
    if not plan.migrations:
        r.out(f"Nothing to {verb} ({plan.component}, {plan.database}).")
    else:
        r.out(f"Would {verb} {len(plan.migrations)} migration(s) on {plan.database} (nothing changed):")
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
        r.out(f"check {data.get('name')}: {data.get('status')} {data.get('detail', '')}".rstrip())
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
