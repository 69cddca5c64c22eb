"""Migration file names: the pattern, and the name a misnamed file should have.

lockgate's layout is golang-migrate's, ``{version}_{description}.up.sql`` and
``.down.sql``: the version is a number (ordered as an integer), the description
any letters (of any alphabet), digits, spaces, ``_``, ``-`` and ``.``. dbmate's
one-file ``{version}_{description}.sql`` holding ``-- migrate:up`` is read as it is
(see :mod:`lockgate.discovery`).

>>> suggested_name("V1__init.sql")
'0001_init.up.sql'
>>> suggested_name("U2__add_users.sql")
'0002_add_users.down.sql'
>>> suggested_name("0020_add_users.sql")
'0020_add_users.up.sql'
"""

from __future__ import annotations

import re

# File names, not SQL: the patterns only split a name into version, description and direction.
# \w is Unicode-aware on str patterns: golang-migrate takes any description, so ä, ñ, ж and 名 pass.
NAME = re.compile(r"^(?P<version>[0-9]+)_(?P<desc>[\w .\-]+?)\.(?P<dir>up|down)\.sql$")
ONE_FILE = re.compile(r"^(?P<version>[0-9]+)_(?P<desc>[\w .\-]+?)\.sql$")  # dbmate's
_FLYWAY = re.compile(r"^(?P<kind>[VUR])(?P<version>[0-9]+(?:[._][0-9]+)*)?__(?P<desc>.+)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?P<version>[0-9]+)[_\-.]*(?P<desc>.*)$")
_UNSAFE = re.compile(r"[^\w .\-]+")
PAD = 4  # lockgate new's width: 0001


def _description(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text.replace("__", "_")).strip(" _.-")
    return cleaned or "migration"


def flyway_kind(name: str) -> str | None:
    """``V`` (versioned), ``U`` (undo) or ``R`` (repeatable) for a Flyway file name; None otherwise."""
    stem = name[:-4] if name.lower().endswith(".sql") else name
    m = _FLYWAY.match(stem)
    if m is None or (m["kind"].upper() != "R" and m["version"] is None):
        return None
    return m["kind"].upper()


def flyway_version(name: str) -> str | None:
    """The version of a Flyway ``V``/``U`` file name as Flyway writes it in its table (``1.1`` for ``V1_1__x``)."""
    stem = name[:-4] if name.lower().endswith(".sql") else name
    m = _FLYWAY.match(stem)
    if m is None or m["version"] is None:
        return None
    return ".".join(str(int(p)) for p in re.split(r"[._]", m["version"]))


def flyway_description(name: str) -> str:
    stem = name[:-4] if name.lower().endswith(".sql") else name
    m = _FLYWAY.match(stem)
    return _description(m["desc"]) if m else _description(stem)


def suggested_name(name: str) -> str | None:
    """A name lockgate reads for a misnamed ``.sql`` file; None for a Flyway repeatable (``R__``)
    migration or a dotted Flyway version (``V1.1__``), which have none (see ``lockgate convert``)."""
    stem = name[:-4] if name.lower().endswith(".sql") else name
    direction = "up"
    for d in ("up", "down"):
        if stem.lower().endswith("." + d):
            stem, direction = stem[: -len(d) - 1], d
    fly = _FLYWAY.match(stem)
    if fly is not None and (fly["version"] is not None or fly["kind"].upper() == "R"):
        if fly["kind"].upper() == "R" or not fly["version"].isdigit():
            return None
        direction = "down" if fly["kind"].upper() == "U" else "up"
        return f"{int(fly['version']):0{PAD}d}_{_description(fly['desc'])}.{direction}.sql"
    numbered = _NUMBERED.match(stem)
    if numbered is not None:
        return f"{numbered['version']}_{_description(numbered['desc'])}.{direction}.sql"
    return f"{1:0{PAD}d}_{_description(stem)}.{direction}.sql"


def rename_hint(name: str) -> str:
    """What to do with one misnamed ``.sql`` file, as the error's hint says it."""
    kind = flyway_kind(name)
    if kind == "R":
        return (f"{name} is a Flyway repeatable migration (R__): lockgate does not support repeatable migrations"
                " yet; make it a versioned one (a new version each time it changes), or keep it outside the"
                " migrations folder.")
    target = suggested_name(name)
    if target is None:
        return (f"{name} is a Flyway migration with a dotted version: `lockgate convert --from flyway` numbers"
                " them in order (preview with --dry-run).")
    if kind is not None:
        return (f"{name} is a Flyway file: rename it to {target}, or convert the whole folder with"
                " `lockgate convert --from flyway` (preview with --dry-run).")
    if target.endswith(".up.sql"):
        return f"Rename it, e.g. {name} -> {target} (with a {target[:-len('.up.sql')]}.down.sql)."
    return f"Rename it, e.g. {name} -> {target}."
