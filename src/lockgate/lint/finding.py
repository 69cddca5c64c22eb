"""What the linter reports: a :class:`Finding` with its :class:`Severity`, and how it was suppressed.

>>> f = Finding("drop-table", Severity.ERROR, Path("0003_drop.up.sql"), 4, 1,
...             'DROP TABLE "legacy" deletes the table and its data.', "Stop using it first.")
>>> f.location
'0003_drop.up.sql:4:1'
>>> f.to_dict()["severity"]
'error'

Findings travel as plain rows (:func:`pack`, :func:`unpack`) where they leave the
process: into the cache's JSON and back from worker processes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, value: str) -> Severity:
        """``"error"`` -> ``Severity.ERROR``; raises ValueError for anything else."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(f"{value!r} is not one of error, warning, info") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Suppression:
    """Why a finding does not count: an ignore directive or the contract-phase tag."""

    kind: str  # "ignore" (-- lockgate:ignore RULE reason) or "contract-phase-ok"
    reason: str
    line: int  # where the directive is

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "reason": self.reason, "line": self.line}


@dataclass(frozen=True)
class Finding:
    """One problem at one place, with the safe way to do the same thing."""

    rule: str
    severity: Severity
    file: Path
    line: int  # 1-based
    column: int  # 1-based
    message: str
    safe: str
    suppressed: Suppression | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def active(self) -> bool:
        """Not suppressed: it counts towards --fail-on."""
        return self.suppressed is None

    def with_changes(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "file": str(self.file),
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "safe": self.safe,
            "suppressed": self.suppressed is not None,
            "suppression": self.suppressed.to_dict() if self.suppressed else None,
            "notes": list(self.notes),
        }


#: A finding without its file, as plain values: what the cache stores (as JSON) and workers send back.
Row = list[Any]


def pack(findings: Iterable[Finding]) -> list[Row]:
    """Findings of one file as plain rows (their file is left out: the reader knows it)."""
    return [[f.rule, f.severity.value, f.line, f.column, f.message, f.safe,
             [f.suppressed.kind, f.suppressed.reason, f.suppressed.line] if f.suppressed else None, list(f.notes)]
            for f in findings]


def unpack(rows: Iterable[Row], file: Path) -> list[Finding]:
    """:func:`pack`'s rows back as findings of ``file``; ValueError, TypeError or KeyError if they are not such rows."""
    severities = _BY_VALUE
    return [Finding(rule, severities[sev], file, line, column, message, safe,
                    Suppression(*sup) if sup else None, tuple(notes))
            for rule, sev, line, column, message, safe, sup, notes in rows]


_BY_VALUE = {s.value: s for s in Severity}
