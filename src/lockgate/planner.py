"""Pure functions: files + ledger rows -> states and plans. No I/O."""

from __future__ import annotations

from typing import Sequence

from .model import LedgerRow, Migration, MigrationStatus, State


def version_of(ident: str) -> int:
    head = ident.split("_", 1)[0]
    return int(head) if head.isdigit() else -1


def statuses(migrations: Sequence[Migration], rows: Sequence[LedgerRow] | None,
             component: str) -> list[MigrationStatus]:
    """Every migration with its state, in version order; ledger rows without a file are MISSING."""
    by_ident = {r.version: r for r in rows or ()}
    out: list[MigrationStatus] = []
    seen: set[str] = set()
    for m in migrations:
        row = by_ident.get(m.ident)
        seen.add(m.ident)
        if row is None:
            state = State.PENDING
        elif row.dirty:
            state = State.DIRTY
        elif row.checksum != m.checksum:
            state = State.CHECKSUM_MISMATCH
        else:
            state = State.APPLIED
        out.append(MigrationStatus(m.ident, m.version, state, row.applied_at if row else None, m.checksum,
                                   row.checksum if row else None, component, m.up.path))
    for r in rows or ():
        if r.version not in seen:
            out.append(MigrationStatus(r.version, version_of(r.version), State.DIRTY if r.dirty else State.MISSING,
                                       r.applied_at, r.checksum, r.checksum, component, None))
    out.sort(key=lambda s: (s.version, s.ident))
    return out


def resolve_target(target: str, migrations: Sequence[Migration], rows: Sequence[LedgerRow]) -> int:
    """--to accepts a version number (``10``, ``0010``) or an identifier (``0010_add_products``)."""
    from .errors import ConfigError

    text = target.strip()
    known = {m.ident: m.version for m in migrations} | {r.version: version_of(r.version) for r in rows}
    if text in known:
        return known[text]
    head, _, rest = text.partition("_")
    if head.isdigit() and not rest:
        n = int(head)
        if n in known.values() or n == 0:
            return n
    import difflib

    close = difflib.get_close_matches(text, list(known), n=1)
    raise ConfigError(f"Version {text!r} matches no migration." + (f" Did you mean {close[0]!r}?" if close else ""),
                      hint="Run lockgate status to list the versions.")
