"""Find, name-check and checksum migration files; read their header directives.

The layout is golang-migrate's: ``{version}_{description}.up.sql`` and
``.down.sql``. The version is a zero-padded number or a timestamp, ordered as an
integer and never parsed as a date; the description holds letters, digits,
``_``, ``-`` and ``.``.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import MigrationFileError
from .model import Migration, MigrationFile

# File names, not SQL: the pattern only splits a name into version, description and direction.
_NAME = re.compile(r"^(?P<version>[0-9]+)_(?P<desc>[A-Za-z0-9_.\-]+?)\.(?P<dir>up|down)\.sql$")
NO_TRANSACTION = "lockgate:no-transaction"


def header_directives(text: str) -> set[str]:
    """The ``-- lockgate:...`` words in the leading comment block of a file."""
    found: set[str] = set()
    if "lockgate:" not in text:
        return found
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        word = stripped[2:].strip().split(" ", 1)[0] if stripped[2:].strip() else ""
        if word.startswith("lockgate:"):
            found.add(word)
    return found


def read_migration_file(path: Path) -> MigrationFile:
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MigrationFileError(
            f"Migration file {path.name} is not UTF-8 (bad byte at offset {exc.start}).", paths=[path],
            hint="Re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return MigrationFile(path=path, text=text, checksum=hashlib.sha256(data).hexdigest(),
                         no_transaction=NO_TRANSACTION in header_directives(text))


@dataclass(frozen=True)
class _Name:
    version: int
    description: str
    direction: str
    path: Path


def parse_name(path: Path) -> _Name | None:
    m = _NAME.match(path.name)
    if m is None:
        return None
    return _Name(int(m["version"]), m["desc"], m["dir"], path)


@dataclass(frozen=True)
class MigrationPaths:
    """A migration's files, found and name-checked but not read (see :func:`scan`)."""

    version: int
    description: str
    up: Path
    down: Path | None

    @property
    def ident(self) -> str:
        return self.up.name[: -len(".up.sql")]


def discover(directory: Path) -> list[Migration]:
    """Every migration in ``directory``, ordered by integer version, read and checksummed.

    Raises :class:`MigrationFileError` naming the file(s) for: a ``.sql`` file whose
    name breaks the pattern, two files with one version, a down without an up, a
    file that is not UTF-8.
    """
    return [Migration(version=m.version, description=m.description, up=read_migration_file(m.up), down_path=m.down)
            for m in scan(directory)]


def scan(directory: Path) -> list[MigrationPaths]:
    """Every migration in ``directory``, ordered by integer version, without reading the files.

    The same checks as :func:`discover` but the UTF-8 one: for the linter, which reads
    (or finds in its cache) only what it needs.
    """
    if not directory.is_dir():
        raise MigrationFileError(
            f"Migrations folder {directory} does not exist.", paths=[directory],
            hint="Create it with `lockgate init`, or point --migrations-dir (migrations_dir in lockgate.toml) at it.")
    ups: dict[int, list[_Name]] = {}
    downs: dict[int, list[_Name]] = {}
    bad: list[Path] = []
    # os.scandir and plain-string sorting: a folder of a thousand files is read in a few ms.
    with os.scandir(directory) as it:
        entries = sorted((e.name for e in it if e.name.lower().endswith(".sql") and e.is_file()))
    for entry in entries:
        path = directory / entry
        name = parse_name(path)
        if name is None:
            bad.append(path)
            continue
        (ups if name.direction == "up" else downs).setdefault(name.version, []).append(name)
    if bad:
        names = ", ".join(p.name for p in bad)
        raise MigrationFileError(
            f"Migration file name {names} does not match {{version}}_{{description}}.up.sql / .down.sql.",
            paths=bad,
            hint="Rename it, e.g. 0020_add_users.sql -> 0020_add_users.up.sql (with a 0020_add_users.down.sql).")
    for table in (ups, downs):
        for version, names_ in table.items():
            if len(names_) > 1:
                listed = ", ".join(n.path.name for n in names_)
                raise MigrationFileError(f"Migration version {version} is used twice: {listed}.",
                                         paths=[n.path for n in names_],
                                         hint="Give one of them the next free version number.")
    for version, names_ in downs.items():
        same = ups.get(version)
        if same is None or same[0].description != names_[0].description:
            raise MigrationFileError(
                f"Down migration {names_[0].path.name} has no matching up file.", paths=[names_[0].path],
                hint=f"Add {names_[0].path.name[:-len('.down.sql')]}.up.sql, or delete the stray down file.")
    found = []
    for version in sorted(ups):
        up = ups[version][0]
        down = downs.get(version)
        found.append(MigrationPaths(version, up.description, up.path, down[0].path if down else None))
    return found
