"""Find, name-check and checksum migration files; read their header directives.

The layout is golang-migrate's: ``{version}_{description}.up.sql`` and
``.down.sql``. The version is a zero-padded number or a timestamp, ordered as an
integer and never parsed as a date; the description holds letters of any
alphabet, digits, spaces, ``_``, ``-`` and ``.`` (see :mod:`lockgate.names`).

dbmate's one-file migrations sit beside them: ``{version}_{description}.sql`` whose
``-- migrate:up`` section is the up and ``-- migrate:down`` section the down. Their
ledger identifier is the file name without ``.sql``, as for a pair, so the versions
dbmate recorded name the same migrations; the checksum is the whole file's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import MigrationContentError, MigrationFileError
from .header import directive, header_comments
from .names import NAME, ONE_FILE, rename_hint
from .txmode import no_transaction_marker

if TYPE_CHECKING:
    from .model import Migration, MigrationFile

_NAME = NAME
NO_TRANSACTION = "lockgate:no-transaction"
CHECK_SUFFIX = ".check.sql"


def header_directives(text: str) -> set[str]:
    """The ``-- lockgate:...`` words in the leading comment block of a file."""
    return set(header_values(text))


def header_values(text: str) -> dict[str, str]:
    """The ``-- lockgate:WORD value`` directives of the leading comment block, word -> value:
    ``-- lockgate:lock-timeout 3s`` gives ``{"lockgate:lock-timeout": "3s"}``."""
    found: dict[str, str] = {}
    for _, body in header_comments(text):
        d = directive(body)  # any case, a space after the colon or not
        if d is not None:
            found[d[0]] = d[1]
    return found


def _is_section_line(line: str, word: str) -> bool:
    """dbmate's section marker: a line starting ``-- migrate:up`` (``--migrate:up`` too), as dbmate reads it."""
    return line.startswith("--") and line[2:].lstrip().lower().startswith(word)


def has_up_section(text: str) -> bool:
    """Whether a ``.sql`` file is dbmate's one-file format: a ``-- migrate:up`` line."""
    return any(_is_section_line(line, "migrate:up") for line in text.splitlines())


def split_sections(text: str) -> tuple[str, str | None]:
    """dbmate's file as (up, down): the down keeps its line numbers (the up's lines are blank);
    None without a ``-- migrate:down`` line."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if _is_section_line(line, "migrate:down"):
            head = text[:offset]
            return head, "\n" * head.count("\n") + text[offset:]
        offset += len(line)
    return text, None


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows editors and PowerShell's > write these
            raise MigrationContentError(
                f"Migration file {path.name} is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8.",
                paths=[path], hint=f"Re-save it as UTF-8, e.g. iconv -f utf-16 -t utf-8 {path.name} > fixed.sql"
                                   f" && mv fixed.sql {path.name}") from None
        raise MigrationContentError(
            f"Migration file {path.name} is not UTF-8 (bad byte at offset {exc.start}).", paths=[path],
            hint="Re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).") from None
    return text[1:] if text.startswith("\ufeff") else text


def read_migration_file(path: Path, *, section: str | None = None) -> MigrationFile:
    """One file, read and checksummed; ``section`` ``"up"``/``"down"``: that part of dbmate's one-file format
    (the checksum stays the whole file's)."""
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
    text = _decode(path, data)
    if section is not None:
        up, down = split_sections(text)
        text = up if section == "up" else (down or "")
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
    one_file: bool = False  # dbmate's {version}_{description}.sql: up is the file, down its -- migrate:down part

    @property
    def down(self) -> Path | None:
        return self.up.with_name(self.down_name) if self.down_name else None

    @property
    def ident(self) -> str:
        return self.up.name[: -len(".sql" if self.one_file else ".up.sql")]


def discover(directory: Path) -> list[Migration]:
    """Every migration in ``directory``, ordered by integer version, read and checksummed.

    Raises :class:`MigrationFileError` naming the file(s) for: a ``.sql`` file whose
    name breaks the pattern, two files with one version, a down without an up, a
    file that is not UTF-8, a dangling symlink or a folder named like a migration.
    """
    from .model import Migration

    return [Migration(version=m.version, description=m.description,
                      up=read_migration_file(m.up, section="up" if m.one_file else None), down_path=m.down,
                      one_file=m.one_file)
            for m in scan(directory)]


def _misnamed(bad: list[Path]) -> MigrationFileError:
    """The error for .sql files whose names break the pattern, with the first one's right name in the hint."""
    names = ", ".join(p.name for p in bad)
    if len(bad) == 1:
        message = f"Migration file name {names} does not match {{version}}_{{description}}.up.sql / .down.sql."
    else:
        message = f"Migration file names {names} do not match {{version}}_{{description}}.up.sql / .down.sql."
    return MigrationFileError(message, paths=bad, hint=rename_hint(bad[0].name))


def _not_a_file(directory: Path, entry: os.DirEntry[str]) -> MigrationFileError:
    path = directory / entry.name
    if entry.is_symlink() and not entry.is_dir():
        target = os.readlink(path)
        return MigrationFileError(f"Migration file {entry.name} is a symlink to {target}, which does not exist.",
                                  paths=[path], hint="Point the symlink at the migration file, or delete it.")
    return MigrationFileError(f"Migration file {entry.name} is a folder, not a file.", paths=[path],
                              hint="Move its migrations into the migrations folder itself, or rename the folder.")


def _one_file(path: Path) -> bool:
    """dbmate's one-file format: named {version}_{description}.sql, with a `-- migrate:up` line."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return has_up_section(f.read())
    except OSError:
        return False


def _folder(directory: Path) -> None:
    if directory.is_dir():
        return
    if directory.exists():
        raise MigrationFileError(
            f"Migrations folder {directory} is a file, not a folder.", paths=[directory],
            hint="Point --migrations-dir (migrations_dir in lockgate.toml) at the folder that holds it.")
    raise MigrationFileError(
        f"Migrations folder {directory} does not exist.", paths=[directory],
        hint="Create it with `lockgate init`, or point --migrations-dir (migrations_dir in lockgate.toml) at it.")


def scan(directory: Path) -> list[MigrationPaths]:
    """Every migration in ``directory``, ordered by integer version, without reading the files
    (but the few named like dbmate's one-file format, to find their ``-- migrate:up``).

    The same checks as :func:`discover` but the UTF-8 one: for the linter, which reads
    (or finds in its cache) only what it needs.
    """
    _folder(directory)
    # Names as strings until the end: only the up files become Paths.
    ups: dict[int, list[tuple[str, str]]] = {}  # version -> [(description, file name)]
    downs: dict[int, list[tuple[str, str]]] = {}
    single: set[str] = set()  # dbmate's one-file migrations
    bad: list[Path] = []
    # os.scandir and plain-string sorting: a folder of a thousand files is read in a few ms.
    with os.scandir(directory) as it:
        sql = [e for e in it if e.name.lower().endswith(".sql")]
    for e in sql:
        if not e.is_file():  # a dangling symlink or a folder: never skipped without a word
            raise _not_a_file(directory, e)
    entries = sorted(e.name for e in sql)
    # {ident}.check.sql: a migration's post-check query (lockgate.safety.postchecks), paired below.
    checks = [e for e in entries if e.endswith(CHECK_SUFFIX)]
    entries = [e for e in entries if not e.endswith(CHECK_SUFFIX)]
    match = _NAME.match
    for entry in entries:
        m = match(entry)
        if m is None:
            one = ONE_FILE.match(entry)
            if one is not None and _one_file(directory / entry):
                single.add(entry)
                ups.setdefault(int(one["version"]), []).append((one["desc"], entry))
                continue
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
        if same is None or same[0][0] != named[0][0] or same[0][1] in single:
            stray = named[0][1]
            raise MigrationFileError(
                f"Down migration {stray} has no matching up file.", paths=[directory / stray],
                hint=f"Add {stray[:-len('.down.sql')]}.up.sql, or delete the stray down file.")
    found = []
    for version in sorted(ups):
        description, up = ups[version][0]
        if up in single:
            has_down = _down_section(directory / up)
            found.append(MigrationPaths(version, description, directory / up, up if has_down else None, True))
            continue
        down = downs.get(version)
        found.append(MigrationPaths(version, description, directory / up, down[0][1] if down else None))
    idents = {m.ident for m in found}
    for check in checks:
        if check[:-len(CHECK_SUFFIX)] not in idents:
            raise MigrationFileError(f"Check file {check} has no migration of that name.", paths=[directory / check],
                                     hint=f"Name it after its migration's up file ({{version}}_{{description}}"
                                          f"{CHECK_SUFFIX}), or delete it.")
    return found


def _down_section(path: Path) -> bool:
    with open(path, encoding="utf-8", errors="replace") as f:
        return split_sections(f.read())[1] is not None
