"""The result of a lint run: every finding (suppressed ones too) and every file's phase.

>>> report = LintReport(findings=(), files=(), pg_version=16)
>>> report.failing("error"), report.exit_code()
([], 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .classify import Phase
from .finding import Finding, Severity


@dataclass(frozen=True)
class FileResult:
    """One linted file: its migration identifier and its expand/contract phase."""

    file: Path
    ident: str
    phase: Phase
    no_transaction: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"file": str(self.file), "ident": self.ident, "phase": self.phase.value,
                "no_transaction": self.no_transaction}


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]
    files: tuple[FileResult, ...]
    pg_version: int
    notes: tuple[str, ...] = ()  # unknown rules in directives, directives that matched nothing...
    #: About the run, not the files (a cache that could not be written): shown on stderr, in no format.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def without(self, files: set[Path]) -> LintReport:
        """This report with nothing about ``files``: their findings, results and notes left out."""
        if not files:
            return self
        prefixes = tuple(f"{f}:" for f in files)
        return LintReport(tuple(f for f in self.findings if f.file not in files),
                          tuple(r for r in self.files if r.file not in files), self.pg_version,
                          tuple(n for n in self.notes if not n.startswith(prefixes)), self.warnings)

    def joined(self, other: LintReport) -> LintReport:
        """This report followed by ``other`` (files linted apart, reported together)."""
        return LintReport(self.findings + other.findings, self.files + other.files, self.pg_version,
                          self.notes + other.notes, self.warnings + other.warnings)

    @property
    def active(self) -> list[Finding]:
        """Findings that count (not suppressed)."""
        return [f for f in self.findings if f.suppressed is None]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is not None]

    def failing(self, fail_on: Severity | str = Severity.ERROR) -> list[Finding]:
        """Active findings at or above ``fail_on``: any of them means exit status 1."""
        threshold = Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on
        return [f for f in self.active if f.severity.at_least(threshold)]

    def exit_code(self, fail_on: Severity | str = Severity.ERROR) -> int:
        return 1 if self.failing(fail_on) else 0

    def phase_of(self, file: Path) -> Phase | None:
        for result in self.files:
            if result.file == file:
                return result.phase
        return None

    def counts(self) -> dict[str, int]:
        active = self.active
        return {
            "files": len(self.files),
            "error": sum(f.severity is Severity.ERROR for f in active),
            "warning": sum(f.severity is Severity.WARNING for f in active),
            "info": sum(f.severity is Severity.INFO for f in active),
            "suppressed": len(self.findings) - len(active),
        }

    def to_dict(self, fail_on: Severity | str = Severity.ERROR) -> dict[str, object]:
        threshold = Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on
        summary: dict[str, object] = dict(self.counts())
        summary["failing"] = len(self.failing(threshold))
        summary["fail_on"] = threshold.value
        summary["phases"] = {p.value: sum(r.phase is p for r in self.files) for p in Phase}
        return {
            "pg_version": self.pg_version,
            "summary": summary,
            "files": [r.to_dict() for r in self.files],
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }
