"""Lint long runs in forked worker processes, with exactly the results of a sequential run.

Files are linted in order because one file can depend on facts an earlier one left
(a column's type, a validated ``CHECK (col IS NOT NULL)``, an index's table). The
parent lints the first slice of the files itself while each forked child lints
another slice from an empty :class:`~.context.SchemaState` with a
:class:`~.context.Journal` attached, recording, per file, every fact it read that
the file did not write itself, and every fact it wrote. The parent then takes the
slices in order: a file whose recorded reads match the parent's state at that
point gets the child's findings and its writes are replayed; a file whose reads
differ (it needed a fact from an earlier slice) is linted again, in the parent.

Only plain runs go parallel: no live database (its answers belong to one
connection) and not cumulative. ``os.fork`` keeps it cheap (the children inherit
the imported parser, ~1 ms each; ``multiprocessing`` would cost ~90 ms of imports
and pool start), so this is used only where fork is safe and available: Linux.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import FileJob, Run
    from .finding import Finding
    from .report import FileResult

#: Below this many files per worker, a fork costs more than it saves.
FILES_PER_WORKER = 60
MAX_WORKERS = 16

Outcome = tuple[list["Finding"], "FileResult", list[str], list[tuple[str, Any, Any]], list[tuple[str, Any, Any]]]


def worker_count(files: int, jobs: int | None) -> int:
    """How many processes to use for ``files`` files; ``jobs`` None means automatic."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    if jobs is not None:
        return max(1, min(jobs, files))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_WORKERS, files // FILES_PER_WORKER))


def lint_in_parallel(run: Run, work: list[FileJob], workers: int) -> None:
    import pickle

    from ._pgparser import parser

    parser()  # loaded once here, inherited by the children (else each would load it again)
    size = -(-len(work) // workers)
    slices = [work[i:i + size] for i in range(0, len(work), size)]
    children: list[tuple[int, int, list[FileJob]]] = []
    for part in slices[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: lint, send, and leave without running the parent's exit handlers
            status = 0
            try:
                os.close(read_end)
                try:
                    payload: tuple[str, Any] = ("ok", _lint_slice(run, part))
                except BaseException as exc:  # noqa: BLE001 - reported to the parent, which lints the slice itself
                    payload = ("error", f"{type(exc).__name__}: {exc}")
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001
                status = 1
            finally:
                os._exit(status)
        os.close(write_end)
        children.append((pid, read_end, part))
    try:
        for job in slices[0]:
            run.lint_job(job)
    finally:
        results = []
        for pid, read_end, part in children:
            with os.fdopen(read_end, "rb") as src:
                data = src.read()
            os.waitpid(pid, 0)
            results.append((data, part))
    for data, part in results:
        outcomes: Any
        try:
            verdict, outcomes = pickle.loads(data) if data else ("error", "worker died")
        except Exception:  # a truncated payload: lint the slice here
            verdict, outcomes = "error", None
        if verdict != "ok":
            for job in part:
                run.lint_job(job)
            continue
        for job, outcome in zip(part, outcomes, strict=True):
            _merge(run, job, outcome)


def _lint_slice(parent: Run, part: list[FileJob]) -> list[Outcome]:
    from .context import Journal
    from .engine import Run

    run = Run(parent.options, None, False)
    out: list[Outcome] = []
    for job in part:
        journal = run.state.journal = Journal()
        n_findings, n_notes = len(run.findings), len(run.notes)
        run.lint_job(job)
        out.append((run.findings[n_findings:], run.files[-1], run.notes[n_notes:], journal.reads, journal.writes))
    return out


def _merge(run: Run, job: FileJob, outcome: Outcome) -> None:
    findings, result, notes, reads, writes = outcome
    facts = run.state.facts
    if any(facts[table].get(key) != value for table, key, value in reads):
        run.lint_job(job)  # it depended on a fact from an earlier slice: redo it with the real state
        return
    for table, key, value in writes:
        if value is None:
            facts[table].pop(key, None)
        else:
            facts[table][key] = value
    run.findings.extend(findings)
    run.files.append(result)
    run.notes.extend(notes)
