"""Precision and recall on the labelled corpus of realistic migrations: both must reach 0.95."""

from __future__ import annotations

from lint_corpuslib import CORPUS, labels, projects, score

from lockgate.lint import LintOptions, lint_paths

TARGET = 0.95


def lint_corpus() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for project in projects():
        report = lint_paths([project], LintOptions())
        for result in report.files:
            found.setdefault(result.file.relative_to(CORPUS).as_posix(), set())
        for f in report.active:
            found[f.file.relative_to(CORPUS).as_posix()].add(f.rule)
    return found


def test_every_corpus_migration_is_labelled() -> None:
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.up.sql")}
    assert files == set(labels())
    assert len(files) >= 90


def test_precision_and_recall_reach_the_target() -> None:
    result = score(lint_corpus(), labels())
    report = (f"precision {result.precision:.3f}, recall {result.recall:.3f} "
              f"(tp {result.tp}, fp {result.fp}, fn {result.fn})\n"
              f"false positives: {list(result.false_positives)}\nfalse negatives: {list(result.false_negatives)}")
    assert result.precision >= TARGET and result.recall >= TARGET, report
