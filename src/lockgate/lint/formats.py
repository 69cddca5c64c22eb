"""Render a :class:`~lockgate.lint.report.LintReport` as text, json, SARIF 2.1.0 or GitHub annotations.

Every renderer returns a string; printing is the CLI's business. Colour in the text
format is plain ANSI SGR, asked for by the caller (the CLI does on a terminal
without ``NO_COLOR``), so no terminal library is needed.

>>> from lockgate.lint import LintOptions, lint_text
>>> report = lint_text("DROP TABLE legacy;", LintOptions(), path="0003_drop.up.sql")
>>> print(render(report, "github").splitlines()[0][:60])
::error file=0003_drop.up.sql,line=1,col=1,title=lockgate dr
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

from .. import __version__
from .classify import Phase
from .finding import Finding, Severity
from .report import LintReport

FORMATS = ("text", "json", "sarif", "github")
INFORMATION_URI = "https://github.com/lockgate/lockgate#lockgate-lint"

_SGR = {"error": "1;31", "warning": "1;33", "info": "1;36", "rule": "35", "safe": "32", "path": "1", "dim": "2",
        "ok": "1;32"}


def render(report: LintReport, fmt: str, *, fail_on: Severity | str = Severity.ERROR, color: bool = False,
           verbose: bool = False, quiet: bool = False) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    threshold = Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on
    if fmt == "text":
        return render_text(report, fail_on=threshold, color=color, verbose=verbose, quiet=quiet)
    if fmt == "json":
        return render_json(report, fail_on=threshold)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "github":
        return render_github(report)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


class _Paths:
    """Paths as every format shows them: relative to the working directory when below it, with
    forward slashes. The working directory is asked once and each path worked out once, for a
    report can name a thousand files."""

    def __init__(self) -> None:
        self.here = os.path.join(os.getcwd(), "")
        self._shown: dict[object, str] = {}

    def __call__(self, path: Path | str) -> str:
        shown = self._shown.get(path)
        if shown is None:
            text = os.fspath(path)
            if text.startswith(self.here):
                text = text[len(self.here):]
            shown = self._shown[path] = text.replace(os.sep, "/") if os.sep != "/" else text
        return shown

    def note(self, note: str) -> str:
        """A note starts with the file it is about: shown the way findings show it."""
        return note[len(self.here):] if note.startswith(self.here) else note


# -- text --------------------------------------------------------------------------------------

def render_text(report: LintReport, *, fail_on: Severity = Severity.ERROR, color: bool = False,
                verbose: bool = False, quiet: bool = False) -> str:
    """One block per finding: ``file:line:col: severity[rule] message``, then the safe way.

    Info findings are listed only with ``fail_on=info`` or ``verbose``; otherwise counted.
    ``quiet``: only the findings at or above ``fail_on``, a line each, and nothing else.
    """
    def paint(style: str, text: str) -> str:
        return f"\x1b[{_SGR[style]}m{text}\x1b[0m" if color else text

    show = _Paths()
    if quiet:
        failing = report.failing(fail_on)
        return "".join(f"{paint('path', f'{show(f.file)}:{f.line}:{f.column}:')} "
                       f"{paint(f.severity.value, f.severity.value)}[{paint('rule', f.rule)}] {f.message}\n"
                       for f in failing)

    show_info = verbose or fail_on is Severity.INFO
    lines: list[str] = []
    hidden_info = 0
    for f in report.active:
        if f.severity is Severity.INFO and not show_info:
            hidden_info += 1
            continue
        where = paint("path", f"{show(f.file)}:{f.line}:{f.column}:")
        lines.append(f"{where} {paint(f.severity.value, f.severity.value)}"
                     f"[{paint('rule', f.rule)}] {f.message}")
        lines.append(f"  {paint('safe', 'safe:')} {f.safe}")
        for note in f.notes:
            lines.append(f"  {paint('dim', 'note:')} {note}")
    if verbose:
        for f in report.suppressed:
            assert f.suppressed is not None
            lines.append(paint("dim", f"{show(f.file)}:{f.line}:{f.column}: suppressed[{f.rule}] by "
                                      f"{f.suppressed.kind} (line {f.suppressed.line})"
                                      + (f": {f.suppressed.reason}" if f.suppressed.reason else "")))
    for note in report.notes:
        lines.append(f"{paint('dim', 'note:')} {show.note(note)}")
    by_phase = {p: [r for r in report.files if r.phase is p] for p in Phase}
    for phase in (Phase.CONTRACT, Phase.MIXED):
        if by_phase[phase]:
            names = ", ".join(r.ident for r in by_phase[phase])
            lines.append(f"{phase.value}: {names}")
    if verbose and by_phase[Phase.EXPAND]:
        lines.append("expand: " + ", ".join(r.ident for r in by_phase[Phase.EXPAND]))
    lines.append(_summary(report, fail_on, hidden_info, paint))
    return "\n".join(lines) + "\n"


def _summary(report: LintReport, fail_on: Severity, hidden_info: int, paint: Callable[[str, str], str]) -> str:
    c = report.counts()
    files = f"{c['files']} file{'s' if c['files'] != 1 else ''}"
    phases = ", ".join(f"{n} {p.value}" for p in Phase if (n := sum(r.phase is p for r in report.files)))
    where = f"{files} ({phases})" if phases else files
    extra = []
    if c["suppressed"]:
        extra.append(f"{c['suppressed']} suppressed")
    if hidden_info:
        extra.append(f"{hidden_info} info not listed (--fail-on info lists them)")
    tail = "".join(f"; {e}" for e in extra)
    parts = [f"{c[s]} {s}{'s' if c[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info") if c[s]]
    if not parts:
        return paint("ok", "No problems") + f" in {where}{tail}."
    failing = len(report.failing(fail_on))
    verdict = (paint("error", f"{failing} at or above {fail_on.value}: exit 1") if failing
               else paint("ok", f"none at or above {fail_on.value}"))
    return f"{', '.join(parts)} in {where}{tail}. {verdict}."


# -- json --------------------------------------------------------------------------------------

def render_json(report: LintReport, *, fail_on: Severity = Severity.ERROR) -> str:
    """Everything, suppressed findings included (with their reason), for machines."""
    data: dict[str, object] = {"tool": "lockgate", "version": __version__}
    body = report.to_dict(fail_on)
    # Paths as the other formats show them: relative to the working directory when below it.
    show = _Paths()
    for item in (*body["files"], *body["findings"]):  # type: ignore[misc]
        item["file"] = show(item["file"])
    body["notes"] = [show.note(n) for n in report.notes]
    data.update(body)
    # One line: json's C encoder works only without indent (three times faster); pipe to jq to read.
    return json.dumps(data, ensure_ascii=False) + "\n"


# -- SARIF 2.1.0 -------------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(report: LintReport) -> str:
    """SARIF 2.1.0 for code scanning; suppressed findings carry an inSource suppression."""
    from .rules import RULES, rule_doc, rule_markdown

    index = {rule.id: n for n, rule in enumerate(RULES)}
    rules = [{
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_doc(rule).replace("``", "")},
        # Code scanning shows help.markdown beside an alert: the rule's unsafe and safe forms as code.
        "help": {"text": f"Safe: {rule.safe}", "markdown": f"{rule_markdown(rule)}\n\n**Safe:** {rule.safe}"},
        "helpUri": f"{INFORMATION_URI}",
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    } for rule in RULES]
    results = []
    show = _Paths()
    for f in report.findings:
        result: dict[str, object] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message} Safe: {f.safe}" + "".join(f" {n}" for n in f.notes)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": show(f.file)},
                "region": {"startLine": f.line, "startColumn": f.column},
            }}],
        }
        if f.suppressed is not None:
            result["suppressions"] = [{"kind": "inSource", "justification":
                                       f"{f.suppressed.kind}: {f.suppressed.reason}".rstrip(": ")}]
        results.append(result)
    # Notes (an ignore naming an unknown rule, ...) are about the run's input, not findings:
    # SARIF's place for them is the invocation's notifications.
    notifications = []
    for file, line, text in _notes(report):
        notification: dict[str, object] = {"level": "note", "message": {"text": text}}
        if file is not None:
            region = {"region": {"startLine": line}} if line is not None else {}
            notification["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": show(file)}, **region}}]
        notifications.append(notification)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "lockgate", "version": __version__, "informationUri": INFORMATION_URI,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(sarif, ensure_ascii=False) + "\n"


# -- GitHub workflow commands ------------------------------------------------------------------

_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: LintReport) -> str:
    """``::error file=...,line=...::message`` lines; suppressed findings are left out."""
    lines = []
    show = _Paths()
    for f in report.active:
        props = (f"file={_gh_prop(show(f.file))},line={f.line},col={f.column},"
                 f"title={_gh_prop('lockgate ' + f.rule)}")
        body = f"{f.message}\nSafe: {f.safe}" + "".join(f"\n{n}" for n in f.notes)
        lines.append(f"::{_GH_LEVEL[f.severity]} {props}::{_gh_data(body)}")
    for file, line, text in _notes(report):
        where = "" if file is None else f" file={_gh_prop(show(file))}" + (f",line={line}" if line is not None else "")
        lines.append(f"::notice{where}{',' if where else ' '}title={_gh_prop('lockgate note')}::{_gh_data(text)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _notes(report: LintReport) -> list[tuple[Path | None, int | None, str]]:
    """Each note as (its file, its line, the rest); a note names its file first: ``path:line: text``."""
    files = sorted({r.file for r in report.files}, key=lambda p: -len(str(p)))  # longest first: a/b.sql before b.sql
    out: list[tuple[Path | None, int | None, str]] = []
    for note in report.notes:
        for file in files:
            prefix = f"{file}:"
            if note.startswith(prefix):
                rest = note[len(prefix):]
                head, sep, tail = rest.partition(": ")
                if sep and head.isdigit():
                    out.append((file, int(head), tail))
                else:
                    out.append((file, None, rest.lstrip()))
                break
        else:
            out.append((None, None, note))
    return out


def finding_line(f: Finding) -> str:
    """A one-line form, for logs and events: ``file:line:col severity rule message``."""
    return f"{_Paths()(f.file)}:{f.line}:{f.column} {f.severity.value} {f.rule} {f.message}"
