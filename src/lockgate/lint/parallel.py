"""Lint long runs in forked worker processes, with exactly the results of a sequential run.

Files are linted in order because one file can depend on facts an earlier one left
(a column's type, a validated ``CHECK (col IS NOT NULL)``, an index's table). The
parent lints the first slice of the files itself while each forked child lints
another slice from an empty :class:`~.context.SchemaState` with a
:class:`~.context.Journal` attached, recording, per file, every fact it read that
the file did not write itself, and every fact it wrote. The parent then takes the
files in order: a file whose recorded reads match the parent's state at that
point gets the child's findings and its writes are replayed; a file whose reads
differ (it needed a fact from an earlier slice) is linted again, in the parent.
Results kept by :mod:`.cache` are merged the same way.

Only plain runs go parallel: no live database (its answers belong to one
connection) and not cumulative. ``os.fork`` keeps it cheap (the children inherit
the imported parser, ~1 ms each; ``multiprocessing`` would cost ~90 ms of imports
and pool start), so this is used only where fork is safe and available: Linux.

As Python's documentation advises for fork without exec, the parent's objects are
frozen (:func:`gc.freeze`) before forking, so the children's collections neither
walk nor copy them; they are unfrozen once the children are done (unless the
application had frozen objects itself). Results come
back as plain rows (:func:`.finding.pack`), not pickled :class:`~.finding.Finding`
objects, which cost several times more to load.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from .engine import FileJob, Run
    from .finding import Finding
    from .report import FileResult

#: Below this many files per worker, a fork costs more than it saves.
FILES_PER_WORKER = 60
MAX_WORKERS = 16

#: One file's result with what it read from, and wrote to, the run's state.
Outcome = tuple[list["Finding"], "FileResult", list[str], list[tuple[str, Any, Any]], list[tuple[str, Any, Any]]]
#: An outcome as a child sends it: findings as rows, the result as (phase, no_transaction).
_Packed = tuple[list[Any], str, bool, list[str], list[tuple[str, Any, Any]], list[tuple[str, Any, Any]]]


def worker_count(files: int, jobs: int | None) -> int:
    """How many processes to use for ``files`` files; ``jobs`` None means automatic."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    if jobs is not None:
        return max(1, min(jobs, files))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_WORKERS, files // FILES_PER_WORKER))


class _Child:
    def __init__(self, pid: int, read_end: int, indexes: list[int], jobs: list[FileJob]) -> None:
        self.pid = pid
        self.read_end = read_end
        self.indexes = indexes
        self.jobs = jobs
        self.outcomes: dict[int, Outcome] | None = None

    def collect(self) -> dict[int, Outcome]:
        """Wait for the child; an empty mapping when it failed (its files are then linted by the parent)."""
        if self.outcomes is None:
            import pickle

            with os.fdopen(self.read_end, "rb") as src:
                data = src.read()
            os.waitpid(self.pid, 0)
            self.outcomes = {}
            outcomes: Any = None
            try:
                verdict, outcomes = pickle.loads(data) if data else ("error", None)
                if verdict == "ok" and isinstance(outcomes, list) and len(outcomes) == len(self.indexes):
                    self.outcomes = dict(zip(self.indexes, map(_unpack, outcomes, self.jobs)))
            except Exception:  # a truncated or unexpected payload
                self.outcomes = {}
        return self.outcomes


class Workers:
    """Children linting all but the first slice of ``indexes``; outcomes are collected when first asked for.

    Use as a context manager: leaving it waits for every child, so none is left behind.
    """

    def __init__(self, run: Run, work: Sequence[FileJob], indexes: list[int], workers: int) -> None:
        self._by_index: dict[int, _Child] = {}
        self._children: list[_Child] = []
        self._frozen = False
        if workers <= 1 or len(indexes) < 2:
            return
        from . import checker  # noqa: F401 - loaded once here, inherited by the children
        from ._pgparser import parser

        parser()  # likewise (else each child would load it again)

        # Unfrozen after only if nothing was frozen before: unfreezing would undo the application's own
        # freeze. Where it froze, what this freezes stays frozen; only reference cycles among it could
        # then outlive their use, and a run makes few (lockgate's own program exits right after).
        self._frozen = gc.get_freeze_count() == 0
        gc.freeze()
        size = -(-len(indexes) // workers)
        for start in range(size, len(indexes), size):
            part = indexes[start:start + size]
            jobs = [work[i] for i in part]
            child = _Child(*_fork(run, jobs), part, jobs)
            self._children.append(child)
            for i in part:
                self._by_index[i] = child

    def outcome(self, index: int) -> Outcome | None:
        """A child's outcome for file ``index``; None when the parent lints it itself."""
        child = self._by_index.get(index)
        return None if child is None else child.collect().get(index)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self._children:
            child.collect()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


def _fork(run: Run, part: list[FileJob]) -> tuple[int, int]:
    import pickle

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
    return pid, read_end


def _lint_slice(parent: Run, part: list[FileJob]) -> list[_Packed]:
    from .engine import Run
    from .finding import pack

    run = Run(parent.options, None, False)
    out: list[_Packed] = []
    for job in part:
        findings, result, notes, reads, writes = run.lint_recorded(job)
        out.append((pack(findings), result.phase.value, result.no_transaction, notes, reads, writes))
    return out


def _unpack(packed: _Packed, job: FileJob) -> Outcome:
    from .classify import Phase
    from .finding import unpack
    from .report import FileResult

    rows, phase, no_transaction, notes, reads, writes = packed
    return unpack(rows, job.path), FileResult(job.path, job.ident, Phase(phase), no_transaction), notes, reads, writes
