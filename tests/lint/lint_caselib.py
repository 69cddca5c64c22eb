"""Read the expectations written in a lint case file.

A case is a ``.sql`` file under ``tests/lint/cases/<rule-id>/``. A comment
``-- expect: RULE[, RULE]`` on a line says those findings are reported at that
line; ``-- expect-suppressed: RULE`` says the finding is there but suppressed.
A header comment ``-- case: pg-version 10`` sets the target server version. Lines
without a marker must have no finding of the rule under test (the folder name;
``_all`` checks every rule). The markers are found among the scanner's comment
tokens, like lockgate's own directives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"


@dataclass
class Case:
    path: Path
    rules: frozenset[str] | None  # None: every rule
    expected: set[tuple[int, str]] = field(default_factory=set)
    suppressed: set[tuple[int, str]] = field(default_factory=set)
    pg_version: int | None = None

    @property
    def id(self) -> str:
        return self.path.relative_to(CASES).as_posix()

    @property
    def target(self) -> Path:
        """What to lint: the file, or its whole sub-folder when the case spans several migrations."""
        return self.path if self.path.parent.parent == CASES else self.path.parent


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    folder = path.relative_to(CASES).parts[0]
    case = Case(path, None)
    for line, body in _comments(text):
        if body.startswith("expect-at "):  # for lines the scanner cannot read: -- expect-at 2: parse-error
            where, _, rules = body[len("expect-at "):].partition(":")
            line, body = int(where), "expect:" + rules
        for key, target in (("expect:", case.expected), ("expect-suppressed:", case.suppressed)):
            if body.startswith(key):
                for rule in body[len(key):].split(","):
                    if rule.strip():
                        target.add((line, rule.strip()))
        if body.startswith("case:"):
            words = body[len("case:"):].split()
            if words[:1] == ["pg-version"]:
                case.pg_version = int(words[1])
    if folder != "_all":
        case.rules = frozenset({folder, "parse-error"} | {r for _, r in case.expected | case.suppressed})
    return case


def _comments(text: str) -> list[tuple[int, str]]:
    """(line, text after --) of every SQL comment; line by line when the whole text does not scan."""
    from pglast import parser

    try:
        chunks = [(0, list(parser.scan(text)))]
    except parser.ParseError:
        chunks = []
        offset = 0
        for raw in text.splitlines(keepends=True):
            try:
                chunks.append((offset, list(parser.scan(raw))))
            except parser.ParseError:
                pass
            offset += len(raw)
    out = []
    for base, tokens in chunks:
        for tok in tokens:
            if tok.name == "SQL_COMMENT":
                start = base + tok.start
                out.append((text.count("\n", 0, start) + 1, text[start:base + tok.end + 1][2:].strip()))
    return out


def all_cases() -> list[Case]:
    return [read_case(p) for p in sorted(CASES.rglob("*.sql")) if not p.name.endswith(".down.sql")]
