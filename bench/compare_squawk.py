#!/usr/bin/env python3
"""Precision and recall of lockgate and of squawk on the labelled corpus (tests/lint/corpus).

The corpus holds 94 realistic migrations from five projects, each labelled by hand
with the lockgate rule ids it should trigger (``labels.toml``). squawk's findings
are mapped to lockgate's rule ids (table below); squawk rules with no lockgate
counterpart (prefer-bigint-over-int, require-statement-timeout, ...) are left out
of the count, neither right nor wrong. Scores are over (file, rule) pairs:

* **all rules**: every label; squawk has no rule for some (unbounded-dml,
  missing-down, empty-migration, contract-without-tag, mixed-phase), which costs it recall.
* **shared rules**: only the rule ids both tools have.

squawk runs twice: as installed (``--pg-version``), and with
``--assume-in-transaction`` (lockgate runs each migration in a transaction, so this
is the setting a fair user would choose); the better of the two is reported first.

Usage::

    python bench/compare_squawk.py            # table
    python bench/compare_squawk.py --json
    python bench/compare_squawk.py --details  # every disagreement, per tool
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Sequence

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path[:0] = [str(REPO_DIR / "src"), str(REPO_DIR / "tests" / "lint"), str(BENCH_DIR)]

from bench_lint import WORK_DIR, BenchError, squawk_binary  # noqa: E402
from lint_corpuslib import CORPUS, Score, labels, projects, score  # noqa: E402

#: squawk rule -> lockgate rule.
SQUAWK_TO_LOCKGATE = {
    "ban-drop-table": "drop-table",
    "ban-drop-column": "drop-column",
    "ban-truncate-cascade": "truncate",
    "require-concurrent-index-creation": "index-not-concurrent",
    "require-concurrent-index-deletion": "drop-index-not-concurrent",
    "adding-required-field": "add-column-not-null-no-default",
    "adding-field-with-default": "add-column-volatile-default",
    "constraint-missing-not-valid": "constraint-not-valid",
    "adding-foreign-key-constraint": "constraint-not-valid",
    "disallowed-unique-constraint": "unique-constraint-without-index",
    "adding-serial-primary-key-field": "unique-constraint-without-index",
    "adding-not-nullable-field": "set-not-null",
    "changing-column-type": "change-column-type",
    "renaming-column": "rename",
    "renaming-table": "rename",
    "require-lock-timeout": "missing-lock-timeout",
    "ban-concurrent-index-creation-in-transaction": "concurrently-in-transaction",
    "prefer-robust-stmts": "non-idempotent",
    "syntax-error": "parse-error",
}
SHARED = set(SQUAWK_TO_LOCKGATE.values())


def lint_with_lockgate(pg_version: int) -> dict[str, set[str]]:
    from lockgate.lint import LintOptions, lint_paths

    found: dict[str, set[str]] = {}
    for project in projects():
        report = lint_paths([project], LintOptions(pg_version=pg_version))
        for result in report.files:
            found.setdefault(result.file.relative_to(CORPUS).as_posix(), set())
        for f in report.active:
            found[f.file.relative_to(CORPUS).as_posix()].add(f.rule)
    return found


def lint_with_squawk(binary: Path, pg_version: int, in_transaction: bool) -> tuple[dict[str, set[str]], set[str]]:
    files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.up.sql"))
    cmd = [str(binary), "--reporter", "json", f"--pg-version={pg_version}"]
    if in_transaction:
        cmd.append("--assume-in-transaction")
    proc = subprocess.run(cmd + files, cwd=CORPUS, capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise BenchError(f"squawk failed ({proc.returncode}): {proc.stderr.strip()[-300:]}")
    found: dict[str, set[str]] = {f: set() for f in files}
    unmapped: set[str] = set()
    for item in json.loads(proc.stdout):
        rule = SQUAWK_TO_LOCKGATE.get(item["rule_name"])
        if rule is None:
            unmapped.add(item["rule_name"])
            continue
        found.setdefault(Path(item["file"]).as_posix(), set()).add(rule)
    return found, unmapped


def _row(name: str, s: Score) -> dict[str, object]:
    return {"tool": name, "precision": round(s.precision, 3), "recall": round(s.recall, 3), "tp": s.tp,
            "fp": s.fp, "fn": s.fn}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pg-version", type=int, default=14)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true", help="list every false positive and false negative")
    args = ap.parse_args(argv)
    try:
        binary = squawk_binary(WORK_DIR)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    expected = labels()
    ours = lint_with_lockgate(args.pg_version)
    runs = {}
    unmapped: set[str] = set()
    for in_tx in (False, True):
        found, extra = lint_with_squawk(binary, args.pg_version, in_tx)
        unmapped |= extra
        runs["squawk --assume-in-transaction" if in_tx else "squawk"] = found
    table = []
    details = {}
    for scope, rules in (("all rules", None), ("shared rules", SHARED)):
        rows = [_row("lockgate", score(ours, expected, rules))]
        details[(scope, "lockgate")] = score(ours, expected, rules)
        squawk_rows = []
        for name, found in runs.items():
            s = score(found, expected, rules)
            details[(scope, name)] = s
            squawk_rows.append(_row(name, s))
        squawk_rows.sort(key=lambda r: -(float(r["precision"]) + float(r["recall"])))  # type: ignore[arg-type]
        table.append({"scope": scope, "rows": rows + squawk_rows})
    figures = {"squawk": version, "files": len(expected), "labels": sum(len(v) for v in expected.values()),
               "pg_version": args.pg_version, "scores": table, "squawk_rules_not_counted": sorted(unmapped)}
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['files']} migrations, {figures['labels']} expected findings; {version}; pg {args.pg_version}")
    for block in table:
        print(f"\n{block['scope']}:")
        for row in block["rows"]:  # type: ignore[attr-defined]
            print(f"  {row['tool']:32s} precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
                  f"(tp {row['tp']}, fp {row['fp']}, fn {row['fn']})")
    print(f"\nsquawk rules with no lockgate counterpart (not counted): {', '.join(sorted(unmapped))}")
    if args.details:
        for (scope, name), s in details.items():
            if scope != "shared rules":
                continue
            print(f"\n{name} ({scope}) false positives:")
            for file, rule in s.false_positives:
                print(f"  {file}: {rule}")
            print(f"{name} ({scope}) false negatives:")
            for file, rule in s.false_negatives:
                print(f"  {file}: {rule}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
