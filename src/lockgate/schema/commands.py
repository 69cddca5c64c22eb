"""The API of ``lockgate schema dump`` and ``lockgate schema check``, and the run steps that
keep the schema file and the drift fingerprint up to date after ``up`` and ``down``.

Example::

    import lockgate
    s = lockgate.load_settings(".", database_url="sqlite:///app.db")
    lockgate.schema_dump(s).path              # schema.sql written
    lockgate.schema_check(s).differences      # () while the database matches it
    lockgate.schema_drift(s).drifted          # changed by hand since the last run?
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SchemaFileError
from .describe import describe
from .diff import Difference, diff
from .drift import Drift, fingerprint
from .drift import drift as live_drift
from .render import parse, render

if TYPE_CHECKING:
    from ..config import Settings
    from ..run import Run

_DUMP_HINT = "Run `lockgate schema dump` to write it (schema_file in lockgate.toml sets where)."


@dataclass(frozen=True)
class SchemaDump:
    component: str
    path: Path
    fingerprint: str  # sha256 of the text written
    objects: int
    changed: bool  # the file's content differs from what was there before

    def to_dict(self) -> dict[str, Any]:
        return {"component": self.component, "path": str(self.path), "fingerprint": self.fingerprint,
                "objects": self.objects, "changed": self.changed}


@dataclass(frozen=True)
class SchemaCheck:
    component: str
    path: Path
    differences: tuple[Difference, ...]  # '-' as the file has it, '+' as the database has it

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {"component": self.component, "path": str(self.path), "ok": self.ok,
                "differences": [d.to_dict() for d in self.differences]}


def _path(settings: "Settings", path: str | Path | None) -> Path:
    if path is not None:
        p = Path(path).expanduser()
        return p if p.is_absolute() else Path.cwd() / p
    return settings.schema_file or settings.project_dir / "schema.sql"


def schema_dump(settings: "Settings", *, path: str | Path | None = None) -> SchemaDump:
    """Write the live schema's normalised description to ``schema_file`` (or ``path``).

    Tables, columns, types, defaults, constraints, indexes, views, functions, triggers, enums and
    sequences, lockgate's own tables left out; the same database writes the same bytes twice.
    """
    from ..session import open_session

    target = _path(settings, path)
    with open_session(settings, on_event=None, lock=False, log=False) as s:
        schema = describe(s.adapter)
    text = render(schema)
    changed = write_text(target, text)
    return SchemaDump(settings.component, target, fingerprint(text), len(schema.objects), changed)


def write_text(target: Path, text: str) -> bool:
    """Replace ``target`` with ``text`` in one step (a reader never sees half a file); True if it changed."""
    try:
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SchemaFileError(target, f"cannot be written ({exc.strerror or exc})",
                              hint="Check that its folder exists and is writable, or set schema_file in "
                                   "lockgate.toml.") from None
    return True


def schema_check(settings: "Settings", *, path: str | Path | None = None) -> SchemaCheck:
    """Compare the live schema with ``schema_file`` (or ``path``), object by object; ``ok`` when they match."""
    from ..session import open_session

    target = _path(settings, path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaFileError(target, "does not exist", hint=_DUMP_HINT) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise SchemaFileError(target, f"cannot be read ({why})", hint=_DUMP_HINT) from None
    expected = parse(text)
    if not expected.objects and text.strip() and not text.startswith("-- Schema of a "):
        raise SchemaFileError(target, "is not a lockgate schema dump", hint=_DUMP_HINT)
    with open_session(settings, on_event=None, lock=False, log=False) as s:
        live = describe(s.adapter)
    return SchemaCheck(settings.component, target, diff(expected, live))


def schema_drift(settings: "Settings") -> Drift:
    """The live schema against the fingerprint the last ``up``/``down`` left (see :mod:`lockgate.schema.drift`)."""
    from ..session import open_session

    with open_session(settings, on_event=None, lock=False, log=False) as s:
        return live_drift(s.adapter)


# -- run steps (lockgate.run.AFTER_STEPS) -----------------------------------------------
def record_schema(run: "Run") -> None:
    """After a successful run that changed something (or the first one): store the schema it left."""
    from .drift import record

    s = run.session
    # Nothing ran: keep the fingerprint, so a change by hand still shows as drift; and where there
    # is no ledger (down on a fresh database) create nothing.
    if not run.results and (s.adapter.recorded_schema() is not None or s.adapter.read_ledger() is None):
        return
    try:
        value = record(s.adapter, s.ctx.run_id)
    except Exception as exc:  # the migrations are committed: a missing fingerprint must not fail the run
        if not s.adapter.is_driver_error(exc):
            raise
        s.emit("schema_not_recorded", f"Schema fingerprint not recorded: {s.adapter.describe_error(exc)}",
               level="warn")
        return
    s.emit("schema_recorded", "Recorded the schema fingerprint", level="info", fingerprint=value)


def dump_after_run(run: "Run") -> None:
    """``schema_dump_on_up = true``: rewrite ``schema_file`` with the schema the run left."""
    s = run.session
    if not s.settings.schema_dump_on_up:
        return
    target = _path(s.settings, None)
    try:
        changed = write_text(target, render(describe(s.adapter)))
    except SchemaFileError as exc:  # the run itself went well: say so, do not turn it into a failure
        s.emit("schema_not_dumped", exc.message, level="warn", path=str(target))
        return
    except Exception as exc:
        if not s.adapter.is_driver_error(exc):
            raise
        s.emit("schema_not_dumped", f"Schema not written to {target}: {s.adapter.describe_error(exc)}",
               level="warn", path=str(target))
        return
    if changed:
        s.emit("schema_dumped", f"Wrote the schema to {target}", level="info", path=str(target))
