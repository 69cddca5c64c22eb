"""Small readers over libpg_query's JSON parse tree (plain dicts), shared by the rules.

The tree keeps PostgreSQL's names: a statement is ``{"AlterTableStmt": {...}}``,
an unquoted identifier is already folded to lower case, and zero or false fields
are simply absent (``{"ival": {}}`` is the integer 0).

>>> from lockgate.lint.source import parse_source
>>> stmt = parse_source('ALTER TABLE app."Users" ADD COLUMN n int DEFAULT random()').statements[0]
>>> table_of(stmt.node["relation"]).display, volatile_call(first_default(alter_cmds(stmt.node)[0]["def"]["ColumnDef"]))
('app."Users"', 'random')
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, NamedTuple

Node = dict[str, Any]


class TableRef(NamedTuple):
    """A table as a statement names it; unqualified names are taken to be in ``public``."""

    schema: str | None
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema or "public", self.name)

    @property
    def display(self) -> str:
        return f"{_quote(self.schema)}.{_quote(self.name)}" if self.schema else _quote(self.name)


def _quote(name: str) -> str:
    plain = name.isidentifier() and name.isascii() and name.islower()
    return name if plain else '"' + name.replace('"', '""') + '"'


def table_of(range_var: Node) -> TableRef:
    """A RangeVar (``{"relname": ..., "schemaname": ...}``) as a TableRef."""
    return TableRef(range_var.get("schemaname"), str(range_var.get("relname", "")))


def name_list(items: list[Node] | None) -> list[str]:
    """``[{"String": {"sval": "public"}}, {"String": {"sval": "t"}}]`` -> ``["public", "t"]``."""
    out: list[str] = []
    for item in items or ():
        if "String" in item:
            out.append(str(item["String"].get("sval", "")))
        elif "List" in item:
            out.extend(name_list(item["List"].get("items")))
    return out


def object_names(drop: Node) -> list[list[str]]:
    """The objects of a DropStmt, each as its name parts."""
    out: list[list[str]] = []
    for obj in drop.get("objects", ()):
        if "List" in obj:
            out.append(name_list(obj["List"].get("items")))
        elif "String" in obj:
            out.append([str(obj["String"].get("sval", ""))])
        elif "ObjectWithArgs" in obj:
            out.append(name_list(obj["ObjectWithArgs"].get("objname")))
        elif "TypeName" in obj:
            out.append(name_list(obj["TypeName"].get("names")))
    return out


def table_from_parts(parts: list[str]) -> TableRef:
    return TableRef(parts[-2] if len(parts) >= 2 else None, parts[-1] if parts else "")


def alter_cmds(alter: Node) -> list[Node]:
    """The AlterTableCmd bodies of an AlterTableStmt."""
    return [c["AlterTableCmd"] for c in alter.get("cmds", ()) if "AlterTableCmd" in c]


def added_columns(cmds: Iterable[Node]) -> Iterator[Node]:
    """The ColumnDef of every ``ADD COLUMN`` among an ALTER TABLE's commands."""
    for cmd in cmds:
        if cmd.get("subtype") == "AT_AddColumn":
            yield cmd.get("def", {}).get("ColumnDef", {})


def constraints_of(coldef: Node) -> list[Node]:
    return [c["Constraint"] for c in coldef.get("constraints", ()) if "Constraint" in c]


def first_default(coldef: Node) -> Node | None:
    """The DEFAULT expression of a ColumnDef, or None."""
    for con in constraints_of(coldef):
        if con.get("contype") == "CONSTR_DEFAULT":
            expr = con.get("raw_expr")
            return expr if isinstance(expr, dict) else None
    raw = coldef.get("raw_default")
    return raw if isinstance(raw, dict) else None


def is_null_const(expr: Node | None) -> bool:
    """``NULL`` or ``NULL::type``."""
    while expr is not None and "TypeCast" in expr:
        expr = expr["TypeCast"].get("arg")
    return bool(expr and "A_Const" in expr and expr["A_Const"].get("isnull"))


def walk(node: Any) -> Iterator[tuple[str, Node]]:
    """Every (kind, fields) pair below ``node``, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, dict):
                    if key[:1].isupper():
                        yield key, value
                    stack.append(value)
                elif isinstance(value, list):
                    stack.extend(value)
        elif isinstance(item, list):
            stack.extend(item)


# -- types -----------------------------------------------------------------------------------

_SERIAL = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
_ALIASES = {"int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8", "character varying": "varchar",
            "character": "bpchar", "char": "bpchar", "decimal": "numeric", "bool": "boolean",
            "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
            "float8": "float8", "double precision": "float8", "real": "float4"}


class TypeInfo(NamedTuple):
    """A column type as written: ``varchar(20)`` -> ``TypeInfo("varchar", (20,), False)``."""

    name: str
    mods: tuple[int | None, ...]
    array: bool = False

    @property
    def display(self) -> str:
        mods = f"({', '.join('?' if m is None else str(m) for m in self.mods)})" if self.mods else ""
        return f"{self.name}{mods}{'[]' if self.array else ''}"


def type_info(type_name: Node | None) -> TypeInfo | None:
    if not type_name:
        return None
    parts = name_list(type_name.get("names"))
    if not parts:
        return None
    name = parts[-1].lower()
    name = _ALIASES.get(name, name)
    mods: list[int | None] = []
    for mod in type_name.get("typmods", ()):
        const = mod.get("A_Const")
        if const is not None and "ival" in const:
            mods.append(int(const["ival"].get("ival", 0)))
        else:
            mods.append(None)
    return TypeInfo(name, tuple(mods), bool(type_name.get("arrayBounds")))


def type_info_of_sql(type_sql: str) -> TypeInfo | None:
    """A type as the database writes it (``character varying(20)``, ``numeric(10,2)``), read by the parser.

    >>> type_info_of_sql("character varying(20)")
    TypeInfo(name='varchar', mods=(20,), array=False)
    """
    from .source import parse_statement

    parsed = parse_statement(f"SELECT NULL::{type_sql}")
    if parsed is None:
        return None
    for target in parsed[1].get("targetList", ()):
        cast = target.get("ResTarget", {}).get("val", {}).get("TypeCast")
        if cast:
            return type_info(cast.get("typeName"))
    return None


def is_serial(coldef: Node) -> bool:
    info = type_info(coldef.get("typeName"))
    return bool(info and info.name in _SERIAL and not info.array)


def safe_type_change(old: TypeInfo | None, new: TypeInfo, *, using: bool) -> bool:
    """True when ``ALTER COLUMN ... TYPE new`` rewrites nothing and scans nothing.

    Known-safe: varchar(n) -> text / varchar / a longer varchar(m), numeric(p, s) -> a
    wider numeric with the same scale or plain numeric, varbit(n) -> a longer one,
    cidr -> inet, and the same type. When the old type is not known (the table was
    created outside the files linted), a change to text, plain varchar or plain
    numeric without USING is assumed to be the widening it usually is.
    """
    if new.array or (old is not None and old.array):
        return old is not None and old == new
    if old is None:
        return not using and not new.mods and new.name in ("text", "varchar", "numeric")
    if old == new:
        return True
    if old.name == "varchar" and new.name in ("text", "varchar"):
        return not new.mods or (bool(old.mods) and _wider(old.mods[0], new.mods[0]))
    if old.name == "text" and new.name == "varchar":
        return not new.mods
    if old.name == "numeric" and new.name == "numeric":
        if not new.mods:
            return True
        if len(old.mods) >= 1 and len(new.mods) >= 1:
            old_scale = old.mods[1] if len(old.mods) > 1 else 0
            new_scale = new.mods[1] if len(new.mods) > 1 else 0
            return old_scale == new_scale and _wider(old.mods[0], new.mods[0])
        return False
    if old.name == "varbit" and new.name == "varbit":
        return not new.mods or (bool(old.mods) and _wider(old.mods[0], new.mods[0]))
    return old.name == "cidr" and new.name == "inet"


def _wider(old: int | None, new: int | None) -> bool:
    return old is not None and new is not None and new >= old


# -- volatility ------------------------------------------------------------------------------

#: Functions whose value changes per row: a DEFAULT using one makes ADD COLUMN rewrite the table.
VOLATILE_FUNCTIONS = frozenset({
    "random", "random_normal", "setseed", "clock_timestamp", "timeofday", "gen_random_uuid", "uuidv4", "uuidv7",
    "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3", "uuid_generate_v4", "uuid_generate_v5",
    "nextval", "currval", "lastval", "setval", "gen_random_bytes", "gen_salt", "crypt", "txid_current",
    "pg_current_xact_id", "uuid_generate_v7", "ulid", "gen_ulid", "generate_ulid",
})

#: Immutable or stable built-ins seen in defaults: evaluated once for ADD COLUMN, no rewrite.
STABLE_FUNCTIONS = frozenset({
    "now", "transaction_timestamp", "statement_timestamp", "current_timestamp", "current_date", "localtimestamp",
    "current_setting", "current_user", "current_schema", "session_user", "timezone", "date_trunc", "date_part",
    "to_timestamp", "to_date", "to_char", "make_interval", "make_date", "make_timestamp", "make_timestamptz",
    "lower", "upper", "concat", "concat_ws", "length", "replace", "substr", "substring", "trim", "btrim",
    "ltrim", "rtrim", "md5", "encode", "decode", "abs", "round", "floor", "ceil", "greatest", "least",
    "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array", "to_jsonb", "to_json",
    "array_fill", "array_length", "jsonb_object", "json_object", "uuid_nil", "inet", "int4range", "int8range",
    "numrange", "tstzrange", "tsrange", "daterange", "point", "interval", "timestamptz", "date", "text",
    "coalesce", "nullif", "pg_catalog", "extract", "age", "format", "left", "right", "repeat", "chr",
    "to_tsvector", "setweight", "array_to_string", "string_to_array", "ts_rank", "sha256", "sha512",
})


def volatile_call(expr: Node | None) -> str | None:
    """The name of the first volatile (or unknown, hence presumed VOLATILE) function in ``expr``."""
    if not expr:
        return None
    for kind, fields in walk({"root": expr}):
        if kind == "FuncCall":
            parts = name_list(fields.get("funcname"))
            name = parts[-1].lower() if parts else ""
            if name in VOLATILE_FUNCTIONS:
                return name
            if name not in STABLE_FUNCTIONS:
                return name  # user-defined functions are VOLATILE unless declared otherwise
        elif kind == "SubLink":
            return "a subquery"
    return None


def const_text(expr: Node | None) -> str | None:
    """The value of a string or number constant (through casts), else None."""
    while expr is not None and "TypeCast" in expr:
        expr = expr["TypeCast"].get("arg")
    if not expr or "A_Const" not in expr:
        return None
    const = expr["A_Const"]
    if "sval" in const:
        return str(const["sval"].get("sval", ""))
    if "ival" in const:
        return str(const["ival"].get("ival", 0))
    if "fval" in const:
        return str(const["fval"].get("fval", "0"))
    return None
