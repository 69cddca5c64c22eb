"""The labelled corpus: realistic migrations from five projects and the rules each must trigger.

``corpus/labels.toml`` maps ``project/file.up.sql`` to the rule ids expected for it,
written by hand from the rule definitions. Scoring counts (file, rule) pairs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


def labels() -> dict[str, set[str]]:
    data = tomllib.loads((CORPUS / "labels.toml").read_text(encoding="utf-8"))
    return {key: set(value) for key, value in data.items()}


def projects() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    false_positives: tuple[tuple[str, str], ...]
    false_negatives: tuple[tuple[str, str], ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(found: dict[str, set[str]], expected: dict[str, set[str]], rules: set[str] | None = None) -> Score:
    """Compare (file, rule) pairs; ``rules`` restricts the comparison to those rule ids."""
    def keep(rule: str) -> bool:
        return rules is None or rule in rules

    want = {(f, r) for f, rs in expected.items() for r in rs if keep(r)}
    got = {(f, r) for f, rs in found.items() for r in rs if keep(r) and f in expected}
    return Score(len(want & got), len(got - want), len(want - got), tuple(sorted(got - want)),
                 tuple(sorted(want - got)))
