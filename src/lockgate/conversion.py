"""Rewrite another tool's migrations folder into lockgate's layout (``lockgate convert``).

* **dbmate**: each ``{version}_{name}.sql`` is split at ``-- migrate:down`` into
  ``{version}_{name}.up.sql`` and ``.down.sql``; ``transaction:false`` becomes
  ``-- lockgate:no-transaction``. (lockgate also runs dbmate's files as they are.)
* **Flyway**: ``V1__init.sql`` becomes ``0001_init.up.sql`` and ``U1__init.sql`` its
  ``0001_init.down.sql``. Repeatable ``R__`` migrations and dotted versions (``V1.1__``)
  are not supported yet: the plan lists them and nothing is changed while they are there.
* **golang-migrate**: its layout is lockgate's; only names lockgate does not read are renamed.

The ledger identifiers are the ones baseline maps the tool's table to, so a database
adopted with ``lockgate baseline`` and the converted folder agree. :func:`convert`
returns the plan; with ``apply=True`` it carries it out (new files first, refusing to
overwrite any, then the old ones removed).

Example::

    plan = lockgate.convert("db/migrations", "flyway")          # what would change
    [(s.source.name, [t.name for t in s.targets]) for s in plan.steps]
    # -> [('V1__init.sql', ['0001_init.up.sql'])]
    lockgate.convert("db/migrations", "flyway", apply=True)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .discovery import has_up_section, split_sections
from .errors import ConfigError, MigrationFileError
from .names import NAME, ONE_FILE, flyway_description, flyway_kind, flyway_version, suggested_name
from .txmode import is_no_transaction_marker

TOOLS = ("dbmate", "flyway", "golang-migrate")


@dataclass(frozen=True)
class ConvertStep:
    """One file's change: ``rename`` it, or ``split`` it into an up and a down file."""

    action: str
    source: Path
    targets: tuple[Path, ...]
    texts: tuple[str, ...] = ()  # for a split: the targets' contents

    def to_dict(self) -> dict[str, object]:
        return {"action": self.action, "source": str(self.source), "targets": [str(t) for t in self.targets]}


@dataclass(frozen=True)
class ConvertPlan:
    """What ``convert`` does (``applied`` False) or did to a folder."""

    tool: str
    directory: Path
    steps: tuple[ConvertStep, ...]
    problems: tuple[str, ...] = ()  # files it cannot convert: nothing is applied while there are any
    notes: tuple[str, ...] = ()
    applied: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"tool": self.tool, "directory": str(self.directory), "applied": self.applied,
                "steps": [s.to_dict() for s in self.steps], "problems": list(self.problems),
                "notes": list(self.notes)}


def _dbmate_split(path: Path) -> ConvertStep:
    text = path.read_text(encoding="utf-8")
    up, down = split_sections(text)

    def section(part: str, word: str) -> str:
        lines = part.splitlines(keepends=True)
        out = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("--") and stripped[2:].lstrip().lower().startswith(word):
                if is_no_transaction_marker(stripped[2:]):
                    out.append("-- lockgate:no-transaction\n")
                continue
            out.append(line)
        return "".join(out).strip("\n") + "\n"

    stem = path.name[: -len(".sql")]
    targets = [path.with_name(f"{stem}.up.sql")]
    texts = [section(up, "migrate:up")]
    if down is not None:
        targets.append(path.with_name(f"{stem}.down.sql"))
        texts.append(section(down.lstrip("\n"), "migrate:down"))
    return ConvertStep("split", path, tuple(targets), tuple(texts))


def _plan_dbmate(directory: Path, names: list[str]) -> tuple[list[ConvertStep], list[str]]:
    steps, problems = [], []
    for name in names:
        if NAME.match(name):
            continue
        if ONE_FILE.match(name) and has_up_section((directory / name).read_text(encoding="utf-8", errors="replace")):
            steps.append(_dbmate_split(directory / name))
        else:
            problems.append(f"{name}: not a dbmate migration (no {{version}}_{{name}}.sql with `-- migrate:up`)")
    return steps, problems


def _plan_flyway(directory: Path, names: list[str]) -> tuple[list[ConvertStep], list[str]]:
    steps, problems = [], []
    ups: dict[str, str] = {}  # version -> lockgate stem, from the V files (a U file takes its V's name)
    for name in names:
        if flyway_kind(name) == "V" and (version := flyway_version(name)) is not None and version.isdigit():
            ups[version] = f"{int(version):04d}_{flyway_description(name)}"
    for name in names:
        kind, version = flyway_kind(name), flyway_version(name)
        if kind is None:
            if not NAME.match(name):
                problems.append(f"{name}: not a Flyway migration (V1__name.sql, U1__name.sql)")
            continue
        if kind == "R":
            problems.append(f"{name}: repeatable migrations (R__) are not supported yet; move it out of the folder")
        elif version is None or not version.isdigit():
            problems.append(f"{name}: dotted version {version}: rename it to a whole number first (V2__...)")
        elif kind == "U" and version not in ups:
            problems.append(f"{name}: an undo without its V{version}__ migration")
        else:
            suffix = "up" if kind == "V" else "down"
            steps.append(ConvertStep("rename", directory / name, (directory / f"{ups[version]}.{suffix}.sql",)))
    return steps, problems


def _plan_golang_migrate(directory: Path, names: list[str]) -> tuple[list[ConvertStep], list[str]]:
    steps, problems = [], []
    for name in names:
        if NAME.match(name):
            continue
        target = suggested_name(name)
        if target is None or not (name.endswith((".up.sql", ".down.sql"))):
            problems.append(f"{name}: not a golang-migrate migration ({{version}}_{{title}}.up.sql / .down.sql)")
        else:
            steps.append(ConvertStep("rename", directory / name, (directory / target,)))
    return steps, problems


def convert(directory: str | os.PathLike[str], tool: str, *, apply: bool = False) -> ConvertPlan:
    """The plan to rewrite ``directory`` from ``tool``'s layout into lockgate's; ``apply``: carry it out.

    Raises :class:`ConfigError` for an unknown tool, :class:`MigrationFileError` when asked to
    apply a plan with problems or one whose new files already exist (nothing is changed then).
    """
    key = tool.lower()
    if key not in TOOLS:
        raise ConfigError(f"convert --from {tool!r}: unknown tool.", hint=f"Use one of {', '.join(TOOLS)}.")
    folder = Path(directory)
    if not folder.is_dir():
        raise MigrationFileError(f"Migrations folder {folder} does not exist or is not a folder.", paths=[folder])
    names = sorted(e.name for e in os.scandir(folder) if e.name.lower().endswith(".sql") and e.is_file())
    planner = {"dbmate": _plan_dbmate, "flyway": _plan_flyway, "golang-migrate": _plan_golang_migrate}[key]
    steps, problems = planner(folder, names)
    notes: tuple[str, ...] = ()
    if key == "dbmate" and steps:
        notes = ("checksums change with the split: migrations lockgate already applied from the one-file form need "
                 "`lockgate repair VERSION --accept-checksum`; a database dbmate migrated is adopted with "
                 "`lockgate baseline` as before",)
    plan = ConvertPlan(key, folder, tuple(steps), tuple(problems), notes)
    if apply:
        _apply(plan)
        return ConvertPlan(key, folder, plan.steps, plan.problems, notes, applied=True)
    return plan


def _apply(plan: ConvertPlan) -> None:
    if plan.problems:
        raise MigrationFileError(f"convert --from {plan.tool}: {len(plan.problems)} file(s) cannot be converted "
                                 f"({plan.problems[0]}); nothing was changed.",
                                 hint="Deal with them as listed by `lockgate convert --dry-run`, then run it again.")
    targets = [t for s in plan.steps for t in s.targets]
    clash = sorted({t.name for t in targets if t.exists()} | {t.name for t in targets if targets.count(t) > 1})
    if clash:
        raise MigrationFileError(f"convert --from {plan.tool}: {', '.join(clash)} would be overwritten; "
                                 "nothing was changed.", hint="Rename or remove those files first.")
    for step in plan.steps:  # new files first: a failure half-way leaves every original in place
        if step.action == "split":
            for target, text in zip(step.targets, step.texts):
                target.write_text(text, encoding="utf-8")
    for step in plan.steps:
        if step.action == "rename":
            os.rename(step.source, step.targets[0])
        else:
            step.source.unlink()


__all__ = ["ConvertPlan", "ConvertStep", "TOOLS", "convert"]
