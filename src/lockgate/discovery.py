"""Find, name-check and checksum migration files; read their header directives.

The layout is golang-migrate's: ``{version}_{description}.up.sql`` and
``.down.sql``. The version is a zero-padded number or a timestamp, ordered as an
integer and never parsed as a date; the description holds letters, digits,
``_``, ``-`` and ``.``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MigrationFileError
from .txmode import no_transaction_marker

if TYPE_CHECKING:
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
    # Imported here: `lockgate lint` only scans (see scan), and these cost ~12 ms to load.
    import hashlib

    from .model import MigrationFile

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
                         no_transaction=no_transaction_marker(text) is not None)


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
    down_name: str | None  # a name, not a Path: a thousand Paths cost milliseconds, and most uses ask "is there one"

    @property
    def down(self) -> Path | None:
        return self.up.with_name(self.down_name) if self.down_name else None

    @property
    def ident(self) -> str:
        return self.up.name[: -len(".up.sql")]


def discover(directory: Path) -> list[Migration]:
    """Every migration in ``directory``, ordered by integer version, read and checksummed.

    Raises :class:`MigrationFileError` naming the file(s) for: a ``.sql`` file whose
    name breaks the pattern, two files with one version, a down without an up, a
    file that is not UTF-8.
    """
    from .model import Migration

    return [Migration(version=m.version, description=m.description, up=read_migration_file(m.up), down_path=m.down)
            for m in scan(directory)]


def _misnamed(bad: list[Path]) -> MigrationFileError:
    """The error for .sql files whose names break the pattern, with the first one renamed as the example."""
    names = ", ".join(p.name for p in bad)
    first = bad[0]
    stem = first.name[: -len(".sql")] if first.name.lower().endswith(".sql") else first.name
    if len(bad) == 1:
        message = f"Migration file name {names} does not match {{version}}_{{description}}.up.sql / .down.sql."
    else:
        message = f"Migration file names {names} do not match {{version}}_{{description}}.up.sql / .down.sql."
    try:  # dbmate keeps both directions in one file: say how to split it, not just how to rename it
        one_file = "-- migrate:down" in first.read_text(encoding="utf-8", errors="replace")
    except OSError:
        one_file = False
    if one_file:
        hint = (f"{first.name} is dbmate's one-file format: split it at `-- migrate:down` into "
                f"{stem}.up.sql and {stem}.down.sql (to lint such files as they are: lockgate lint {first.parent}/).")
    else:
        hint = f"Rename it, e.g. {first.name} -> {stem}.up.sql (with a {stem}.down.sql)."
    return MigrationFileError(message, paths=bad, hint=hint)


def scan(directory: Path) -> list[MigrationPaths]:
    """Every migration in ``directory``, ordered by integer version, without reading the files.

    The same checks as :func:`discover` but the UTF-8 one: for the linter, which reads
    (or finds in its cache) only what it needs.
    """
    if not directory.is_dir():
        raise MigrationFileError(
            f"Migrations folder {directory} does not exist.", paths=[directory],
            hint="Create it with `lockgate init`, or point --migrations-dir (migrations_dir in lockgate.toml) at it.")
    # Names as strings until the end: only the up files become Paths.
    ups: dict[int, list[tuple[str, str]]] = {}  # version -> [(description, file name)]
    downs: dict[int, list[tuple[str, str]]] = {}
    bad: list[Path] = []
    # os.scandir and plain-string sorting: a folder of a thousand files is read in a few ms.
    with os.scandir(directory) as it:
        entries = sorted((e.name for e in it if e.name.lower().endswith(".sql") and e.is_file()))
    match = _NAME.match
    for entry in entries:
        m = match(entry)
        if m is None:
            bad.append(directory / entry)
            continue
        (ups if m["dir"] == "up" else downs).setdefault(int(m["version"]), []).append((m["desc"], entry))
    if bad:
        raise _misnamed(bad)
    for table in (ups, downs):
        for version, named in table.items():
            if len(named) > 1:
                listed = ", ".join(name for _, name in named)
                raise MigrationFileError(f"Migration version {version} is used twice: {listed}.",
                                         paths=[directory / name for _, name in named],
                                         hint="Give one of them the next free version number.")
    for version, named in downs.items():
        same = ups.get(version)
        if same is None or same[0][0] != named[0][0]:
            stray = named[0][1]
            raise MigrationFileError(
                f"Down migration {stray} has no matching up file.", paths=[directory / stray],
                hint=f"Add {stray[:-len('.down.sql')]}.up.sql, or delete the stray down file.")
    found = []
    for version in sorted(ups):
        description, up = ups[version][0]
        down = downs.get(version)
        found.append(MigrationPaths(version, description, directory / up, down[0][1] if down else None))
    return found
