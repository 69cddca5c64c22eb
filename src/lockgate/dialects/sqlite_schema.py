"""SQLite's schema read as schema objects, for ``lockgate schema`` and the drift check.

SQLite keeps each object's CREATE statement as written (``sqlite_master.sql``) and edits
it in place on ALTER TABLE. A table is described from ``PRAGMA table_xinfo`` and
``PRAGMA foreign_key_list`` (one line per column and per foreign key, so a diff names the
column), followed by its statement with the whitespace collapsed, which carries what the
pragmas do not show (CHECK, UNIQUE, STRICT, WITHOUT ROWID). Indexes, views and triggers are
their statements. SQLite's own ``sqlite_*`` tables, the indexes it makes for constraints and
lockgate's ledger tables are left out.
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

from .base import quote_ident


def schema_objects(conn: sqlite3.Connection, own_tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """Every object of the main database, the tables named in ``own_tables`` (and what hangs on them) left out."""
    own = set(own_tables)
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE sql IS NOT NULL"
                        " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
    out: list[tuple[str, str, str]] = []
    for kind, name, table, sql in rows:
        if str(table) in own:
            continue
        flat = " ".join(str(sql).split())
        if kind == "table":
            out.append(("table", str(name), _table(conn, str(name), flat)))
        elif kind in ("index", "view", "trigger"):
            out.append((str(kind), str(name), flat + ";"))
    return out


def _table(conn: sqlite3.Connection, name: str, flat: str) -> str:
    lines = []
    for _cid, col, typ, notnull, default, pk, hidden in conn.execute(
            f"PRAGMA main.table_xinfo({quote_ident(name)})").fetchall():
        line = f"    {quote_ident(str(col))} {typ or ''}".rstrip()
        if hidden in (2, 3):
            line += " GENERATED"
        if notnull:
            line += " NOT NULL"
        if default is not None:
            line += f" DEFAULT {default}"
        if pk:
            line += " PRIMARY KEY" + (f" (key column {pk})" if pk > 1 else "")
        lines.append(line)
    keys: dict[int, list[tuple[str, str, str, str, str]]] = {}
    for fid, _seq, parent, src, dst, on_update, on_delete, _match in conn.execute(
            f"PRAGMA main.foreign_key_list({quote_ident(name)})").fetchall():
        keys.setdefault(int(fid), []).append((str(parent), str(src), str(dst), str(on_update), str(on_delete)))
    for parts in sorted(keys.values()):
        cols = ", ".join(p[1] for p in parts)
        refs = ", ".join(p[2] for p in parts)
        lines.append(f"    FOREIGN KEY ({cols}) REFERENCES {parts[0][0]} ({refs})"
                     f" ON UPDATE {parts[0][3]} ON DELETE {parts[0][4]}")
    return f"CREATE TABLE {quote_ident(name)} (\n" + ",\n".join(lines) + f"\n);\n-- as written: {flat}"
