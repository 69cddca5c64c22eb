"""Remember each file's lint result between runs, so an unchanged migration is not parsed again.

Migrations are append-only: once merged, a file never changes, yet CI and
pre-commit lint the whole folder on every run. Like ruff's or mypy's cache, this
keeps each file's result in ``.lockgate_cache/`` (its own ``.gitignore`` keeps it
out of git) and reuses it while nothing it depends on has changed:

* the file itself: its path (relative to the folder that holds the cache, so a
  checkout moved elsewhere keeps it), its text (its size and mtime when recorded
  long enough ago, else a checksum), its migration identifier, whether it runs
  without a transaction, whether it has a down file;
* how it was linted: the rule severities and target PostgreSQL version, the
  lockgate version, the linter's own source files and pglast's (other code starts
  a new cache file; the same code installed afresh, as in every CI run, does not);
* what earlier files told it: the facts it read from the run's
  :class:`~.state.SchemaState` (a column's type, a validated NOT NULL check, an
  index's table). When the files before it are the very ones it was linted after
  (a running checksum of their paths, contents and order says so), those facts are
  the same and nothing is checked: the usual case, a folder that only grew at the
  end. Otherwise the facts it read, stored with the entry, are compared with the
  state this run's earlier files left, exactly as a parallel worker's results are
  (:mod:`.parallel`); a file whose reads differ is linted again.

The cache is JSON, not pickle: a cache restored in CI from another branch can at
worst be wrong about a finding, never run code. Runs against a live database
(``lockgate up``, ``lint --pending``) are never cached: their answers belong to
that database at that moment.
"""

from __future__ import annotations

import errno
import json
import os
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from .. import __version__
from .classify import Phase
from .finding import Finding, pack, unpack
from .report import FileResult
from .files import decode_text, read_bytes
from .state import FACT_TABLES

if TYPE_CHECKING:
    from .engine import FileJob
    from .options import LintOptions
    from .parallel import Outcome

#: The folder name, in the project folder (where lockgate.toml is) or the working directory.
DEFAULT_DIR = ".lockgate_cache"
_FORMAT = 4  # bump when the layout of an entry changes
_KEEP_FILES = 8  # cache files for other settings, newest first, kept beside the current one
_PHASES = {p.value: p for p in Phase}
_TUPLE_VALUES = frozenset({"index_table"})  # facts whose values are table keys, (schema, name)
_RACY_NS = 2_000_000_000
_HERE = "\x00"  # in a stored note: "this file's path, then a colon"
#: An entry: digest, size, mtime_ns, ident, no_transaction, has_down, chain, findings, result, notes, facts.
_ENTRY_LEN = 11

#: What identifies a file's content: [content hash, size, mtime_ns] (size and mtime None: not trusted).
Stamp = list[Any]


class DamagedCache(Exception):
    """A cache file that is valid JSON but not what this module wrote: the run starts again without it."""


class Cached(NamedTuple):
    """A file's stored result, as :meth:`LintCache.probe` finds it."""

    findings: list[Finding]
    result: FileResult
    notes: list[str]
    #: The files before it in this run are exactly those it was linted after (same paths,
    #: contents and order), so the facts it read are unchanged and need no checking.
    same_history: bool
    facts: str  # JSON [reads, writes]: decoded (see :func:`decode_facts`) only when the state is needed


class LintCache:
    """The cache of one folder for one set of options, used for one run.

    :meth:`probe` is called for every file of the run, in order; then :meth:`record`
    or :meth:`confirm` for each file whose stored result was not taken as it was,
    and :meth:`save` at the end.

    >>> import tempfile
    >>> from lockgate.lint.options import LintOptions
    >>> cache = LintCache(tempfile.mkdtemp(), LintOptions())
    >>> cache.path.name.startswith("lint-")
    True
    """

    def __init__(self, directory: Path | str, options: LintOptions) -> None:
        self.directory = Path(directory)
        self._settings = _settings(options)
        # The name only spreads settings over files; the settings stored inside are what is compared.
        self.path = self.directory / f"lint-{zlib.crc32(self._settings.encode()):08x}.json"
        self._entries: dict[str, list[Any]] | None = None
        self._dirty = False
        self._now_ns = time.time_ns()
        self._chain = (0, 1)  # running crc32 and adler32 of every file's identity so far
        self._seen: dict[str, tuple[Stamp, str]] = {}  # key -> (stamp, chain before it), for record()
        # Files below the folder that holds the cache are keyed relative to it, so a checkout
        # moved elsewhere (a CI runner's new workspace) keeps its cache.
        self._base = os.path.join(os.path.abspath(self.directory.parent), "")

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            try:
                with open(self.path, "rb") as fh:
                    data = json.loads(fh.read())
                entries = data["entries"] if data.get("settings") == self._settings else {}
                self._entries = entries if isinstance(entries, dict) else {}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):  # none yet, or damaged: start afresh
                self._entries = {}
        return self._entries

    def probe(self, job: FileJob) -> tuple[Cached | None, FileJob]:
        """(the stored result or None, the job: a miss comes back carrying its text, read once).

        A file whose size and mtime are those recorded is not read again (as git's
        index does; a stamp is trusted only for files that were already 2 s old when
        recorded, so an edit in the same instant cannot hide). Otherwise its text is
        read and compared by a checksum of its content.
        """
        key = self._key(job.path)
        entry = self._load().get(key)
        if entry is not None and not (entry.__class__ is list and len(entry) == _ENTRY_LEN):
            entry = None  # not what this module writes: treated as absent, replaced by record()
        same_job = entry is not None and entry[3:6] == [job.ident, job.no_transaction, job.has_down]
        stamp: Stamp | None = None
        size = mtime = None
        data = b""
        if job.text is None:
            try:
                st = os.stat(job.path)
                size, mtime = st.st_size, st.st_mtime_ns
            except OSError:
                pass  # read_bytes below says what is wrong
            if same_job and mtime is not None and entry is not None and entry[1:3] == [size, mtime]:
                stamp = entry[:3]
            else:
                data = read_bytes(job.path)
                digest = _digest(data)
        else:
            digest = _digest(job.text.encode("utf-8", "surrogatepass"))
        if stamp is None:
            trusted = mtime is not None and mtime < self._now_ns - _RACY_NS
            stamp = [digest, size if trusted else None, mtime if trusted else None]
        chain = self._advance(key, stamp[0], job)
        self._seen[key] = (stamp, chain)
        if not same_job or entry is None or entry[0] != stamp[0]:
            if job.text is None:
                job = job._replace(text=decode_text(data))
            return None, job
        if entry[1:3] != stamp[1:]:
            # The same text, touched (a fresh checkout): the new stamp is kept, but written only with
            # a real change. Rewriting the cache for stamps alone would cost every CI run that restores
            # it into a new checkout, where the next run's checkout has new stamps again.
            # Except once: a file recorded too young to trust its stamp (linted right after a checkout
            # or an edit) would otherwise be read and hashed on every later run.
            if entry[1] is None and stamp[1] is not None:
                self._dirty = True
            entry[:3] = stamp
        try:
            return _decode(job.path, job.ident, entry, chain), job
        except (ValueError, KeyError, TypeError, IndexError):  # a damaged entry: lint the file again
            if job.text is None:
                job = job._replace(text=decode_text(read_bytes(job.path)))
            return None, job

    def _key(self, path: Path) -> str:
        text = os.fspath(path)
        return text[len(self._base):] if text.startswith(self._base) else text

    def _advance(self, key: str, digest: str, job: FileJob) -> str:
        """The chain before this file; then this file is added to it."""
        crc, adler = self._chain
        before = f"{crc:08x}{adler:08x}"
        ident = f"{key}\0{digest}\0{job.ident}\0{job.no_transaction}\0{job.has_down}\n".encode("utf-8", "replace")
        self._chain = (zlib.crc32(ident, crc), zlib.adler32(ident, adler))
        return before

    def record(self, job: FileJob, outcome: Outcome) -> None:
        """Store the outcome of a file linted in this run (at its place in the run's order)."""
        key = self._key(job.path)
        stamp, chain = self._seen[key]
        self._load()[key] = [*stamp, job.ident, job.no_transaction, job.has_down, chain, *_encode(outcome, job.path)]
        self._dirty = True

    def confirm(self, job: FileJob) -> None:
        """A stored result whose reads were checked and hold here: remember this history as its own."""
        key = self._key(job.path)
        entry = self._load().get(key)
        if entry is not None:
            entry[6] = self._seen[key][1]
            self._dirty = True

    def forget(self) -> None:
        """Drop every stored result and start this run's bookkeeping again (see :class:`DamagedCache`)."""
        self._entries = {}
        self._dirty = True
        self._chain = (0, 1)
        self._seen.clear()

    def save(self) -> str | None:
        """Write what changed. A cache that cannot be written is skipped (the run is unaffected): the
        reason is returned, for one warning."""
        if not self._dirty or self._entries is None:
            return None
        seen = self._seen
        base = self._base
        entries = {key: entry for key, entry in self._entries.items()
                   if key in seen or os.path.exists(os.path.join(base, key))}
        try:
            _prepare(self.directory)
            tmp = str(self.directory / f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(json.dumps({"settings": self._settings, "entries": entries},
                                        separators=(",", ":")).encode("utf-8", "surrogatepass"))
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
            _prune(self.directory, self.path)
        except OSError as exc:
            return f"lint cache not written to {self.directory}: {exc.strerror or exc}; linted without it"
        self._dirty = False
        return None


def decode_facts(facts: str) -> tuple[list[tuple[str, Any, Any]], list[tuple[str, Any, Any]]]:
    """(reads, writes) of a :class:`Cached` result; :class:`DamagedCache` if they are not what was stored."""
    try:
        reads, writes = json.loads(facts)
        decoded = _facts(reads), _facts(writes)
        for rows in decoded:
            for table, _, _ in rows:
                if table not in FACT_TABLES:
                    raise ValueError(table)
        return decoded
    except (ValueError, TypeError, AttributeError) as exc:
        raise DamagedCache(str(exc)) from None


def _digest(data: bytes) -> str:
    """Length, CRC-32 and Adler-32 of ``data``: 64 bits of checksum, enough to tell an edited file.

    Not a cryptographic hash on purpose: zlib is already loaded, hashlib's OpenSSL
    costs ~3 ms to load (a tenth of a cached run), and nothing here needs collision
    resistance against an attacker (one who can write the cache can write any result).
    """
    return f"{len(data):x}-{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _encode(outcome: Outcome, path: Path) -> list[Any]:
    findings, result, notes, reads, writes = outcome
    prefix = f"{path}:"  # notes name their file: stored without it, so a moved checkout shows its own path
    return [
        pack(findings),
        [result.phase.value, result.no_transaction],
        [_HERE + n[len(prefix):] if n.startswith(prefix) else n for n in notes],
        # A string inside the JSON: parsing the cache skips over it, and most runs never need it.
        json.dumps([[list(r) for r in reads], [list(w) for w in writes]], separators=(",", ":")),
    ]


def _decode(path: Path, ident: str, entry: list[Any], chain: str) -> Cached:
    raw_findings, (phase, no_tx), notes, facts = entry[7:11]
    findings = unpack(raw_findings, path)
    if not isinstance(facts, str):
        raise TypeError("facts")
    if notes:
        here = f"{path}:"
        notes = [here + n[1:] if n.startswith(_HERE) else str(n) for n in notes]
    return Cached(findings, FileResult(path, ident, _PHASES[phase], bool(no_tx)), notes,
                  entry[6] == chain, facts)


def _facts(rows: Iterable[list[Any]]) -> list[tuple[str, Any, Any]]:
    # JSON has no tuples: keys (and table-valued facts) come back as lists and are made hashable again.
    return [(table, _tuple(key) if key.__class__ is list else key,
             _tuple(value) if table in _TUPLE_VALUES and value.__class__ is list else value)
            for table, key, value in rows]


def _tuple(items: list[Any]) -> tuple[Any, ...]:
    return tuple(_tuple(v) if v.__class__ is list else v for v in items)


def _settings(options: LintOptions) -> str:
    """Everything besides the file that decides its findings, as JSON (stored in the cache file and compared)."""
    from .options import DEFAULT_PG_VERSION

    parts: list[Any] = [_FORMAT, __version__, options.pg_version or DEFAULT_PG_VERSION,
                        sorted((rule, level.value if level else "off") for rule, level in options.rules.items()),
                        options.runner_lock_timeout > 0]
    parts.extend(_code_signature())
    return json.dumps(parts, separators=(",", ":"))


def _code_signature() -> list[Any]:
    """The linter's own source files (size and checksum) and pglast's (its __init__.py, and the sizes of its
    compiled parser): an upgrade or an edit changes it; a reinstall of the same code, with new mtimes
    (a CI runner installs lockgate afresh every time), does not."""
    import importlib.util

    here = Path(__file__).parent
    out: list[Any] = []
    for folder in (here, here / "rules"):
        try:
            with os.scandir(folder) as it:
                for entry in sorted(it, key=lambda e: e.name):
                    if entry.name.endswith(".py") and entry.is_file():
                        data = read_bytes(Path(entry.path))
                        out.append([entry.name, len(data), zlib.crc32(data)])
        except OSError:
            out.append([str(folder), None])
    try:  # how a file runs (in a transaction or not) is decided outside lint/, and changes findings
        data = read_bytes(here.parent / "txmode.py")
        out.append(["txmode.py", len(data), zlib.crc32(data)])
    except OSError:
        out.append(["txmode.py", None])
    spec = importlib.util.find_spec("pglast")  # finds, does not import
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            with os.scandir(location) as it:
                for entry in sorted(it, key=lambda e: e.name):
                    if entry.name == "__init__.py":
                        data = read_bytes(Path(entry.path))
                        out.append(["pglast", len(data), zlib.crc32(data)])
                    elif entry.name.endswith((".so", ".pyd")):
                        out.append([entry.name, entry.stat().st_size])
        except OSError:
            out.append([location, None])
    return out


def _prepare(directory: Path) -> None:
    """Create the folder, marked as a cache, if it is not there; a folder that exists is left as it is.

    (Only a folder lockgate created gets the ``*`` .gitignore: ``--cache-dir .`` must not
    hide a project from git.)
    """
    if directory.is_dir():
        return
    if directory.exists():
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(directory))
    directory.mkdir(parents=True)
    (directory / ".gitignore").write_text("# Created by lockgate lint: a cache, never committed.\n*\n")
    (directory / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n# lockgate lint's cache; see https://bford.info/cachedir/\n")


def _prune(directory: Path, current: Path) -> None:
    """Keep the newest few cache files (for other option sets) beside ``current``."""
    others = []
    with os.scandir(directory) as it:
        for entry in it:
            if entry.name.startswith("lint-") and entry.name.endswith(".json") and entry.path != str(current):
                others.append((entry.stat().st_mtime_ns, entry.path))
    others.sort(reverse=True)
    for _, path in others[_KEEP_FILES - 1:]:
        try:
            os.unlink(path)
        except OSError:
            pass
