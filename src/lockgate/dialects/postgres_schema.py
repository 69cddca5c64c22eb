"""PostgreSQL's catalog read as schema objects, for ``lockgate schema`` and the drift check.

Every object comes back as ``(kind, name, text)``: the text is what the server itself
prints for it (``pg_get_constraintdef``, ``pg_get_indexdef``, ``pg_get_viewdef``,
``pg_get_functiondef``, ``pg_get_triggerdef``), so the description is as normalised as
PostgreSQL makes it, and never holds an OID, a sequence's current value or a row count:
the same database reads the same twice. System schemas, objects an extension owns and
lockgate's own ledger tables (with their sequences, indexes and triggers) are left out.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

_USER = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'"


def _not_extension(catalog: str, oid: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass"
            f" AND e.objid = {oid} AND e.deptype = 'e')")


def schema_objects(query: Query, own: Sequence[int]) -> list[tuple[str, str, str]]:
    """Every user object of the database, lockgate's tables (their OIDs in ``own``) left out.

    Run with only pg_catalog on the search_path, so that every name the server prints is qualified.
    """
    own = list(own)
    rels = query("SELECT c.oid, format('%%I.%%I', n.nspname, c.relname), c.relkind::text FROM pg_class c"
                 " JOIN pg_namespace n ON n.oid = c.relnamespace"
                 f" WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {_USER} AND {_not_extension('pg_class', 'c.oid')}"
                 " AND c.oid <> ALL(%s::oid[])", (own,))
    oids = [int(r[0]) for r in rels]
    out: list[tuple[str, str, str]] = []
    out += _tables(query, [(int(o), str(n)) for o, n, k in rels if k in ("r", "p")], oids)
    for oid, name, kind in rels:
        if kind in ("v", "m"):
            (definition,) = query("SELECT pg_get_viewdef(%s::oid, true)", (oid,))[0]
            what = "view" if kind == "v" else "materialized view"
            out.append((what, str(name), f"CREATE {what.upper()} {name} AS\n{str(definition).rstrip().rstrip(';')};"))
    out += [("index", str(n), f"{d};" + ("  -- INVALID" if not valid else "")) for n, d, valid in query(
        "SELECT format('%%I.%%I', n.nspname, ic.relname), pg_get_indexdef(i.indexrelid), i.indisvalid FROM pg_index i"
        " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace"
        " WHERE i.indrelid = ANY(%s::oid[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
        "  WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))", (oids,))]
    out += [("trigger", str(n), f"{d};") for n, d in query(
        "SELECT format('%%I ON %%I.%%I', t.tgname, n.nspname, c.relname), pg_get_triggerdef(t.oid, true)"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE NOT t.tgisinternal AND t.tgrelid = ANY(%s::oid[])", (oids,))]
    out += [("function", str(n), str(d).strip() + ";") for n, d in query(
        "SELECT format('%%I.%%I(%%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),"
        " pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        f" WHERE p.prokind IN ('f', 'p') AND {_USER} AND {_not_extension('pg_proc', 'p.oid')}", ())]
    out += [("enum", str(n), f"CREATE TYPE {n} AS ENUM ({labels});") for n, labels in query(
        "SELECT format('%%I.%%I', n.nspname, t.typname),"
        " string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)"
        " FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace"
        f" WHERE {_USER} AND {_not_extension('pg_type', 't.oid')} GROUP BY 1", ())]
    out += [("sequence", str(r[0]), _sequence(r)) for r in query(
        "SELECT format('%%I.%%I', n.nspname, c.relname), format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
        " s.seqmin, s.seqmax, s.seqcache, s.seqcycle,"
        " (SELECT format('%%I.%%I.%%I', tn.nspname, tc.relname, a.attname) FROM pg_depend d"
        "  JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
        "  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
        "  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass"
        "  AND d.deptype = 'a' LIMIT 1)"
        " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_USER} AND {_not_extension('pg_class', 'c.oid')}"
        # an identity column's sequence is part of the column; the history table's id sequence is lockgate's
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
        "  AND (d.deptype = 'i' OR d.refobjid = ANY(%s::oid[])))", (own,))]
    return out


def _tables(query: Query, tables: list[tuple[int, str]], oids: list[int]) -> list[tuple[str, str, str]]:
    if not tables:
        return []
    lines: dict[int, list[str]] = {oid: [] for oid, _ in tables}
    for rel, name, typ, notnull, default, identity, generated in query(
            "SELECT a.attrelid, format('%%I', a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull,"
            " pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text FROM pg_attribute a"
            " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE a.attrelid = ANY(%s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
            " ORDER BY a.attrelid, a.attnum", ([o for o, _ in tables],)):
        col = f"    {name} {typ}"
        if generated == "s":
            col += f" GENERATED ALWAYS AS ({default}) STORED"
        elif default is not None:
            col += f" DEFAULT {default}"
        if identity in ("a", "d"):
            col += f" GENERATED {'ALWAYS' if identity == 'a' else 'BY DEFAULT'} AS IDENTITY"
        if notnull:
            col += " NOT NULL"
        lines[int(rel)].append(col)
    # contype 'n' (PostgreSQL 18's NOT NULL constraints) is already the column's NOT NULL
    for rel, name, definition in query(
            "SELECT conrelid, format('%%I', conname), pg_get_constraintdef(oid, true) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::oid[]) AND contype <> 'n' ORDER BY conrelid, conname",
            ([o for o, _ in tables],)):
        lines[int(rel)].append(f"    CONSTRAINT {name} {definition}")
    return [("table", name, f"CREATE TABLE {name} (\n" + ",\n".join(lines[oid]) + "\n);") for oid, name in tables]


def _sequence(r: tuple[Any, ...]) -> str:
    name, typ, start, inc, lo, hi, cache, cycle, owner = r
    text = (f"CREATE SEQUENCE {name} AS {typ} START {start} INCREMENT {inc} MINVALUE {lo} MAXVALUE {hi}"
            f" CACHE {cache}{' CYCLE' if cycle else ''}")
    return text + (f" OWNED BY {owner};" if owner else ";")
