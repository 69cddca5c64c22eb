"""lint's cache of each file's result: a run with the cache gives exactly the result of a run without it.

Every test compares a cached ("warm") run with an uncached ("cold") one on the same
files: findings, files, notes and the rendered JSON. Files are real, the database is
real, nothing of lockgate's is replaced.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from fixtures.projects import Project, clean_env, one_line_error
from lint_caselib import CASES
from lint_corpuslib import projects
from lockgate.discovery import discover
from lockgate.lint import LintOptions, LintReport, lint_migrations, lint_paths, lint_project, render
from lockgate.lint.finding import Severity
from lockgate.lint.parallel import FILES_PER_WORKER, worker_count

CACHEDIR_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"


# -- helpers ------------------------------------------------------------------------------------

def assert_same(warm: LintReport, cold: LintReport, context: str = "") -> None:
    """The cached run's report is the uncached one's, to the byte of its JSON rendering."""
    assert warm.findings == cold.findings, f"findings differ {context}\nwarm: {brief(warm)}\ncold: {brief(cold)}"
    assert warm.files == cold.files, f"files differ {context}"
    assert warm.notes == cold.notes, f"notes differ {context}"
    assert warm.pg_version == cold.pg_version, context
    assert render(warm, "json") == render(cold, "json"), context


def brief(report: LintReport) -> list[tuple[str, int, str, str]]:
    return [(f.file.name, f.line, f.rule, f.severity.value) for f in report.findings]


def rules_in(report: LintReport, name: str) -> set[str]:
    """The rules of the active findings of the file called ``name``."""
    return {f.rule for f in report.active if f.file.name == name}


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("lint-*.json"))


def lint_warm(paths: Sequence[Path], options: LintOptions, cache: Path, *, jobs: int | None = 1,
              context: str = "") -> LintReport:
    """Lint with the cache and assert that the result is the uncached one; returns the uncached report."""
    cold = lint_paths(paths, options, jobs=1)
    warm = lint_paths(paths, options, jobs=jobs, cache_dir=cache)
    assert_same(warm, cold, context)
    return cold


def write_migrations(folder: Path, files: dict[str, str], downs: Sequence[str] | None = None) -> None:
    """``{name}.up.sql`` per entry, with a ``.down.sql`` for each name in ``downs`` (default: all)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.up.sql").write_text(text, encoding="utf-8")
        if downs is None or name in downs:
            (folder / f"{name}.down.sql").write_text("SELECT 1;\n", encoding="utf-8")


def rewrite_keeping_stamp(path: Path, text: str) -> None:
    """New content of the same size, with the old mtime put back (an edit a stamp alone cannot see)."""
    st_before = os.stat(path)
    assert len(text.encode()) == st_before.st_size, "the edit must keep the size"
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
    st_after = os.stat(path)
    assert (st_after.st_size, st_after.st_mtime_ns) == (st_before.st_size, st_before.st_mtime_ns)


def loaded_modules(code: str, cwd: Path) -> tuple[str, set[str]]:
    """Run ``code`` in a fresh interpreter: (its stdout, which heavy modules it ended up importing)."""
    probe = code + "\nsys.stderr.write('LOADED=' + ','.join(m for m in ('pglast', 'lockgate.lint.checker') " \
                   "if m in sys.modules) + '\\n')\n"
    proc = subprocess.run([sys.executable, "-c", "import sys\n" + probe], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True, timeout=60)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("LOADED=")]
    assert line, proc.stderr
    return proc.stdout, {m for m in line[-1][len("LOADED="):].split(",") if m}


def entry_key(file: Path, cache: Path) -> str:
    """How the cache names a file: relative to the folder that holds the cache when below it."""
    base = os.path.join(os.path.abspath(cache.parent), "")
    return str(file)[len(base):] if str(file).startswith(base) else str(file)



def corpus_targets() -> list[list[Path]]:
    return [[p] for p in projects()] + [[CASES]]


# -- 1. warm == cold on the corpus and the cases --------------------------------------------------

@pytest.mark.parametrize("pg_version", [None, 10])
def test_warm_runs_equal_cold_runs_on_the_corpus_and_the_cases(tmp_path: Path, pg_version: int | None) -> None:
    options = LintOptions(pg_version=pg_version)
    cache = tmp_path / "cache"
    for round_ in ("first (records)", "second (reuses)"):
        for target in corpus_targets():
            lint_warm(target, options, cache, context=f"{round_}: {target}")
    assert len(cache_files(cache)) == 1
    data = json.loads(cache_files(cache)[0].read_text(encoding="utf-8"))
    linted = {entry_key(r.file, cache) for target in corpus_targets() for r in lint_paths(target, options).files}
    assert linted <= set(data["entries"]), "every linted file has its entry"
    assert "*" in (cache / ".gitignore").read_text().splitlines()
    assert (cache / "CACHEDIR.TAG").read_text().startswith(CACHEDIR_SIGNATURE)


def test_lint_migrations_warm_equals_cold_on_the_corpus(tmp_path: Path) -> None:
    # lint_migrations hands the files' text over (the CLI's default path): cached by content alone.
    options = LintOptions()
    for project in projects():
        migrations = discover(project)
        cold = lint_migrations(migrations, options, jobs=1)
        for _ in range(2):
            assert_same(lint_migrations(discover(project), options, jobs=1, cache_dir=tmp_path / "c"), cold,
                        str(project))


def test_a_warm_run_does_not_import_the_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    targets = [str(p) for p in projects()] + [str(CASES)]
    cold = lint_paths([Path(t) for t in targets], LintOptions())
    monkeypatch.chdir(tmp_path)  # where the subprocess runs: JSON shows paths relative to it
    code = ("from pathlib import Path\nfrom lockgate.lint import LintOptions, lint_paths, render\n"
            f"report = lint_paths([Path(t) for t in {targets!r}], LintOptions(), cache_dir={str(cache)!r})\n"
            "sys.stdout.write(render(report, 'json'))")
    out, loaded = loaded_modules(code, tmp_path)  # cold cache: everything is parsed
    assert "pglast" in loaded and out == render(cold, "json")
    out, loaded = loaded_modules(code, tmp_path)  # warm: answered from the cache alone
    assert loaded == set(), "a warm run with no file changed must not import the parser or the rules"
    assert out == render(cold, "json")


def test_a_checkout_moved_elsewhere_keeps_its_cache(tmp_path: Path) -> None:
    """Entries below the cache's folder are keyed relative to it: a CI runner's new workspace still hits."""
    first = tmp_path / "workspace-1"
    write_migrations(first / "migrations", {
        "0001_create": "CREATE TABLE t (c varchar(10));",
        "0002_widen": WIDEN,
        "0003_index": "-- lockgate:ignore truncate not here\nCREATE INDEX i ON t (c);",  # a note naming the file
    })
    code = ("from pathlib import Path\nfrom lockgate.lint import LintOptions, lint_paths, render\n"
            "here = Path.cwd()\n"
            "report = lint_paths([here / 'migrations'], LintOptions(), cache_dir=here / '.lockgate_cache')\n"
            "sys.stdout.write(render(report, 'json'))")
    loaded_modules(code, first)
    second = tmp_path / "workspace-2"
    shutil.copytree(first, second)  # copy2: contents and mtimes, as a restored cache and a fresh checkout
    out, loaded = loaded_modules(code, second)
    assert loaded == set(), "the moved cache was not used"
    cold = lint_paths([second / "migrations"], LintOptions())
    assert json.loads(out)["notes"] and all("workspace-2" in n or n.startswith("migrations/")
                                            for n in json.loads(out)["notes"])
    assert out == subprocess.run([sys.executable, "-c", "import sys\n" + code.replace(
        "cache_dir=here / '.lockgate_cache'", "cache_dir=None")], cwd=second, env=clean_env(),
        capture_output=True, text=True, timeout=60).stdout
    assert [f.rule for f in cold.active] == [f["rule"] for f in json.loads(out)["findings"] if not f["suppressed"]]


# -- 2. invalidation ------------------------------------------------------------------------------

SAME_SIZE_BEFORE = "CREATE TABLE t (c varchar(10));\n"
SAME_SIZE_AFTER = "CREATE TABLE t (c numeric(10));\n"  # same byte count; numeric -> varchar is a rewrite
WIDEN = "ALTER TABLE t ALTER COLUMN c TYPE varchar(20);\n"


def test_a_same_size_edit_under_the_same_mtime_is_caught_while_the_stamp_is_racy(tmp_path: Path) -> None:
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0001_create": SAME_SIZE_BEFORE, "0002_widen": WIDEN})
    before = lint_warm([folder], LintOptions(), cache)
    assert "change-column-type" not in rules_in(before, "0002_widen.up.sql")
    # Written just now: its mtime is not 2 s older than the run that recorded it, so it is not trusted.
    rewrite_keeping_stamp(folder / "0001_create.up.sql", SAME_SIZE_AFTER)
    after = lint_warm([folder], LintOptions(), cache)
    assert "change-column-type" in rules_in(after, "0002_widen.up.sql")
    lint_warm([folder], LintOptions(), cache)  # and again, from what this run recorded


def test_a_file_matching_its_trusted_stamp_is_not_read_again(tmp_path: Path) -> None:
    """The other side of the 2 s rule: an old file whose size and mtime_ns are unchanged is taken
    as unchanged without being read (git's index does the same). Touching it makes it read again."""
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0001_create": SAME_SIZE_BEFORE, "0002_widen": WIDEN})
    first = folder / "0001_create.up.sql"
    old_ns = time.time_ns() - 60 * 10**9
    os.utime(first, ns=(old_ns, old_ns))
    before = lint_warm([folder], LintOptions(), cache)
    rewrite_keeping_stamp(first, SAME_SIZE_AFTER)
    stale = lint_paths([folder], LintOptions(), cache_dir=cache)
    assert_same(stale, before, "the trusted stamp matched: the stored result is reused")
    os.utime(first, ns=(old_ns + 1000, old_ns + 1000))  # touched: the stamp no longer matches
    after = lint_warm([folder], LintOptions(), cache)
    assert "change-column-type" in rules_in(after, "0002_widen.up.sql")


def test_a_file_recorded_too_young_is_trusted_once_it_is_old_enough(tmp_path: Path) -> None:
    """Linted right after a checkout, every stamp is too young to trust; a later run that finds the
    files old enough stores their stamps once, so the runs after it read nothing."""
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0001_create": SAME_SIZE_BEFORE, "0002_widen": WIDEN})
    first = folder / "0001_create.up.sql"

    def stored_sizes() -> list[Any]:
        (path,) = cache_files(cache)
        return [entry[1] for entry in json.loads(path.read_text())["entries"].values()]

    before = lint_warm([folder], LintOptions(), cache)
    assert stored_sizes() == [None, None]  # just written: not trusted
    old_ns = time.time_ns() - 60 * 10**9
    for path in folder.glob("*.up.sql"):
        os.utime(path, ns=(old_ns, old_ns))
    assert_same(lint_paths([folder], LintOptions(), cache_dir=cache), before)
    assert sorted(stored_sizes()) == sorted(p.stat().st_size for p in folder.glob("*.up.sql"))
    rewrite_keeping_stamp(first, SAME_SIZE_AFTER)  # unseen now: proof that the file is no longer read
    assert_same(lint_paths([folder], LintOptions(), cache_dir=cache), before)


def test_a_down_file_added_or_removed_changes_missing_down(tmp_path: Path) -> None:
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0001_create": SAME_SIZE_BEFORE, "0002_widen": WIDEN}, downs=["0002_widen"])
    down = folder / "0001_create.down.sql"
    for _ in range(2):
        assert "missing-down" in rules_in(lint_warm([folder], LintOptions(), cache), "0001_create.up.sql")
        down.write_text("DROP TABLE t;\n")
        assert "missing-down" not in rules_in(lint_warm([folder], LintOptions(), cache), "0001_create.up.sql")
        down.unlink()
    # The same through lint_migrations (the CLI's path), which learns has_down from discovery.
    for has_down in (False, True, False):
        if has_down:
            down.write_text("DROP TABLE t;\n")
        elif down.exists():
            down.unlink()
        cold = lint_migrations(discover(folder), LintOptions(), jobs=1)
        assert ("missing-down" in rules_in(cold, "0001_create.up.sql")) is not has_down
        assert_same(lint_migrations(discover(folder), LintOptions(), cache_dir=cache), cold, f"has_down={has_down}")


OPTION_SQL = {
    "0001_orders": "SET lock_timeout = '1s';\nALTER TABLE orders ADD COLUMN IF NOT EXISTS n int DEFAULT 0;\n",
    "0002_index": "SET lock_timeout = '1s';\nCREATE INDEX IF NOT EXISTS orders_n ON orders (n);\n",
}
OPTION_SETS: dict[str, LintOptions] = {
    "default": LintOptions(),
    "pg10": LintOptions(pg_version=10),
    "pg15": LintOptions(pg_version=15),
    "index-off": LintOptions.from_config({"rules": {"index-not-concurrent": "off"}}),
    "index-warning": LintOptions.from_config({"rules": {"index-not-concurrent": "warning"}}),
}


def test_results_follow_the_options_and_each_option_set_has_its_own_cache_file(tmp_path: Path) -> None:
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, OPTION_SQL)
    seen: dict[str, LintReport] = {}
    for round_ in range(2):  # interleaved, twice: each set must find its own results, not another's
        for name, options in OPTION_SETS.items():
            seen[name] = lint_warm([folder], options, cache, context=f"{name}, round {round_}")
    assert len(cache_files(cache)) == len(OPTION_SETS)

    def severity(name: str, rule: str) -> set[str]:
        return {f.severity.value for f in seen[name].active if f.rule == rule}

    assert severity("pg10", "add-column-volatile-default") == {"error"}
    assert severity("pg15", "add-column-volatile-default") == set()
    assert severity("default", "add-column-volatile-default") == set()
    assert severity("default", "index-not-concurrent") == {"error"}
    assert severity("index-off", "index-not-concurrent") == set()
    assert severity("index-warning", "index-not-concurrent") == {"warning"}
    assert seen["pg10"].pg_version == 10 and seen["pg15"].pg_version == 15


# -- 3. facts across files --------------------------------------------------------------------------

# (files, the file to edit, its new text, the later file whose findings must follow, rule, present after?)
CROSS_FILE = {
    "column-type": (
        {"0001_create": "CREATE TABLE t (c varchar(10));", "0002_widen": WIDEN},
        "0001_create", "CREATE TABLE t (c integer);", "0002_widen", "change-column-type", True),
    "column-type-back": (
        {"0001_create": "CREATE TABLE t (c integer);", "0002_widen": WIDEN},
        "0001_create", "CREATE TABLE t (c varchar(10));", "0002_widen", "change-column-type", False),
    "added-column-type": (
        {"0001_create": "CREATE TABLE t (id int);", "0002_add": "ALTER TABLE t ADD COLUMN c varchar(5);",
         "0003_widen": WIDEN},
        "0002_add", "ALTER TABLE t ADD COLUMN c int;", "0003_widen", "change-column-type", True),
    "validated-check": (
        {"0001_check": "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;",
         "0002_validate": "ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;",
         "0003_not_null": "ALTER TABLE t ALTER COLUMN c SET NOT NULL;"},
        "0002_validate", "ALTER TABLE t VALIDATE CONSTRAINT t_x_nn;", "0003_not_null", "set-not-null", True),
    "check-on-another-column": (
        {"0001_check": "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL);",
         "0002_not_null": "ALTER TABLE t ALTER COLUMN c SET NOT NULL;"},
        "0001_check", "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (d IS NOT NULL);", "0002_not_null",
        "set-not-null", True),
    "index-table": (
        {"0001_index": "CREATE INDEX CONCURRENTLY u_c_idx ON u (c);",
         "0002_recreate": "CREATE TABLE u (c int);\nDROP INDEX u_c_idx;"},
        "0001_index", "CREATE INDEX CONCURRENTLY u_c_idx ON v (c);", "0002_recreate",
        "drop-index-not-concurrent", True),
    "renamed-index": (
        {"0001_index": "CREATE INDEX CONCURRENTLY u_c_idx ON u (c);",
         "0002_rename": "ALTER INDEX u_c_idx RENAME TO u_c2_idx;",
         "0003_recreate": "CREATE TABLE u (c int);\nDROP INDEX u_c2_idx;"},
        "0001_index", "CREATE INDEX CONCURRENTLY u_c_idx ON v (c);", "0003_recreate",
        "drop-index-not-concurrent", True),
    "renamed-column": (
        {"0001_create": "CREATE TABLE t (c varchar(10));", "0002_rename": "ALTER TABLE t RENAME COLUMN c TO d;",
         "0003_widen": "ALTER TABLE t ALTER COLUMN d TYPE varchar(20);"},
        "0001_create", "CREATE TABLE t (c integer);", "0003_widen", "change-column-type", True),
    "renamed-column-check": (
        {"0001_check": "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL);",
         "0002_rename": "ALTER TABLE t RENAME COLUMN c TO d;",
         "0003_not_null": "ALTER TABLE t ALTER COLUMN d SET NOT NULL;"},
        "0001_check", "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (x IS NOT NULL);", "0003_not_null",
        "set-not-null", True),
    "renamed-table": (
        {"0001_create": "CREATE TABLE customers (email varchar(10));",
         "0002_rename": "ALTER TABLE customers RENAME TO clients;",
         "0003_widen": "ALTER TABLE clients ALTER COLUMN email TYPE varchar(30);"},
        "0001_create", "CREATE TABLE customers (email integer);", "0003_widen", "change-column-type", True),
    "rename-edited": (
        {"0001_create": "CREATE TABLE customers (email varchar(10));",
         "0002_rename": "ALTER TABLE customers RENAME TO clients;",
         "0003_widen": "ALTER TABLE clients ALTER COLUMN email TYPE varchar(30);"},
        "0002_rename", "ALTER TABLE customers RENAME TO patrons;", "0003_widen", "change-column-type", True),
    "name-freed-by-a-rename": (
        {"0001_create": "CREATE TABLE t (c varchar(10));", "0002_rename": "ALTER TABLE t RENAME TO t_old;",
         "0003_create": "CREATE TABLE t (id int);", "0004_widen": WIDEN},
        "0002_rename", "SELECT 1;", "0004_widen", "change-column-type", False),
    "set-schema": (
        {"0001_create": "CREATE TABLE t (c varchar(10));", "0002_move": "ALTER TABLE t SET SCHEMA crm;",
         "0003_widen": "ALTER TABLE crm.t ALTER COLUMN c TYPE varchar(20);"},
        "0002_move", "ALTER TABLE t SET SCHEMA other;", "0003_widen", "change-column-type", True),
    "dropped-column": (
        {"0001_create": "CREATE TABLE t (c integer);", "0002_drop": "SELECT 1;",
         "0003_to_text": "ALTER TABLE t ALTER COLUMN c TYPE text;"},
        "0002_drop", "ALTER TABLE t DROP COLUMN c;", "0003_to_text", "change-column-type", False),
    "comment-only": (
        {"0001_create": "CREATE TABLE t (c integer);", "0002_widen": WIDEN},
        "0001_create", "-- the same table, a comment more\nCREATE TABLE t (c integer);", "0002_widen",
        "change-column-type", True),
}


@pytest.mark.parametrize("case", list(CROSS_FILE), ids=list(CROSS_FILE))
def test_a_later_file_follows_an_edit_of_an_earlier_one(tmp_path: Path, case: str) -> None:
    files, edited, new_text, later, rule, present = CROSS_FILE[case]
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, files)
    before = lint_warm([folder], LintOptions(), cache, context="recording")
    lint_warm([folder], LintOptions(), cache, context="warm")
    (folder / f"{edited}.up.sql").write_text(new_text, encoding="utf-8")
    after = lint_warm([folder], LintOptions(), cache, context="after the edit")
    assert (rule in rules_in(after, f"{later}.up.sql")) is present, brief(after)
    if case != "comment-only":
        assert (rule in rules_in(before, f"{later}.up.sql")) is not present, "the edit must matter"
    lint_warm([folder], LintOptions(), cache, context="warm after the edit")
    (folder / f"{edited}.up.sql").write_text(files[edited], encoding="utf-8")  # and back again
    assert_same(lint_paths([folder], LintOptions(), cache_dir=cache), before, "reverted")


def test_inserting_deleting_and_reordering_files(tmp_path: Path) -> None:
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0010_create": "CREATE TABLE t (c integer);",
                              "0030_widen": WIDEN})
    narrow = "ALTER TABLE t ALTER COLUMN c TYPE varchar(10);\n"

    def step(context: str, unsafe_0030: bool) -> None:
        report = lint_warm([folder], LintOptions(), cache, context=context)
        assert ("change-column-type" in rules_in(report, "0030_widen.up.sql")) is unsafe_0030, (context, brief(report))
        lint_warm([folder], LintOptions(), cache, context=context + " (warm)")

    step("start: integer -> varchar(20)", True)
    write_migrations(folder, {"0020_narrow": narrow})  # inserted in the middle
    step("inserted: varchar(10) -> varchar(20)", False)
    (folder / "0020_narrow.up.sql").unlink()
    (folder / "0020_narrow.down.sql").unlink()
    step("deleted again", True)
    write_migrations(folder, {"0020_narrow": narrow})
    step("inserted again (its old entry is reused)", False)
    for suffix in (".up.sql", ".down.sql"):  # renamed to come after 0030: the order changes
        (folder / f"0020_narrow{suffix}").rename(folder / f"0040_narrow{suffix}")
    step("reordered", True)
    for suffix in (".up.sql", ".down.sql"):
        (folder / f"0040_narrow{suffix}").rename(folder / f"0005_narrow{suffix}")
    step("moved before the table exists", True)
    (folder / "0005_narrow.up.sql").unlink()
    (folder / "0010_create.up.sql").write_text("CREATE TABLE t (c varchar(3));")
    step("the first file edited after all that", False)
    (folder / "0010_create.up.sql").unlink()  # the first file gone: 0030 alters a column of unknown type
    report = lint_warm([folder], LintOptions(), cache, context="first file deleted")
    assert [r.file.name for r in report.files] == ["0030_widen.up.sql"]
    lint_warm([folder], LintOptions(), cache, context="first file deleted (warm)")


def test_linting_a_subset_reuses_nothing_it_should_not(tmp_path: Path) -> None:
    # The same cache for the whole folder and for one file alone: the file's stored reads (made after
    # 0001) do not hold when it is linted on its own.
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0001_create": "CREATE TABLE t (c varchar(10));", "0002_widen": WIDEN,
                              "0003_narrow": "ALTER TABLE t ALTER COLUMN c TYPE varchar(5);"})
    for paths in ([folder], [folder / "0003_narrow.up.sql"], [folder / "0002_widen.up.sql"],
                  [folder / "0001_create.up.sql", folder / "0003_narrow.up.sql"], [folder]):
        lint_warm(paths, LintOptions(), cache, context=str([p.name for p in paths]))


# -- 4. any sequence of edits --------------------------------------------------------------------------

POOL = (
    "CREATE TABLE t (c varchar(10), d integer);",
    "CREATE TABLE t (c integer, d varchar(5));",
    "ALTER TABLE t ALTER COLUMN c TYPE varchar(20);",
    "ALTER TABLE t ALTER COLUMN d TYPE varchar(50);",
    "ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;",
    "ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;",
    "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
    "ALTER TABLE t ADD CONSTRAINT t_d_nn CHECK (d IS NOT NULL);",
    "ALTER TABLE t ALTER COLUMN d SET NOT NULL;",
    "CREATE INDEX t_c_idx ON t (c);",
    "CREATE INDEX CONCURRENTLY t_c_idx ON u (c);",
    "DROP INDEX t_c_idx;",
    "ALTER TABLE t RENAME COLUMN c TO d;",
    "ALTER TABLE t RENAME COLUMN d TO c;",
    "ALTER TABLE t DROP COLUMN c;",
    "ALTER TABLE t ADD COLUMN c varchar(5);",
    "CREATE TABLE u (c int);",
    "ALTER TABLE t RENAME TO u;",
    "ALTER TABLE u RENAME TO t;",
    "ALTER TABLE u SET SCHEMA s;",
    "ALTER TABLE s.u RENAME TO t;",
    "ALTER TABLE u ALTER COLUMN c TYPE varchar(20);",
)

FILE = st.tuples(st.lists(st.sampled_from(POOL), min_size=1, max_size=3), st.booleans())  # (statements, has down)
EDIT = st.tuples(st.sampled_from(["replace", "insert", "delete", "toggle-down"]), st.integers(0, 50), FILE)
_MTIMES = itertools.count()


class Folder:
    """Migrations as (version, statements, has_down), kept on disk; versions leave gaps for inserts."""

    def __init__(self, path: Path, files: list[tuple[list[str], bool]], old_mtimes: bool) -> None:
        self.path = path
        self.old_mtimes = old_mtimes
        self.files = [(1000 * (n + 1), stmts, down) for n, (stmts, down) in enumerate(files)]
        path.mkdir()

    def apply(self, edit: tuple[str, int, tuple[list[str], bool]]) -> None:
        kind, at, (stmts, down) = edit
        files = self.files
        if kind == "insert" or not files:
            k = at % (len(files) + 1)
            low = files[k - 1][0] if k else 0
            high = files[k][0] if k < len(files) else low + 2000
            version = (low + high) // 2
            if version in (low, high):  # no gap left there: append instead
                version, k = files[-1][0] + 1000, len(files)
            files.insert(k, (version, stmts, down))
            return
        k = at % len(files)
        version, old_stmts, old_down = files[k]
        if kind == "replace":
            files[k] = (version, stmts, old_down)
        elif kind == "delete":
            del files[k]
        else:
            files[k] = (version, old_stmts, not old_down)

    def sync(self) -> None:
        """Make the folder hold exactly ``files``, writing only what changed (as an editor would)."""
        want = {}
        for version, stmts, down in self.files:
            want[f"{version:06d}_m.up.sql"] = "\n".join(stmts) + "\n"
            if down:
                want[f"{version:06d}_m.down.sql"] = "SELECT 1;\n"
        for path in self.path.iterdir():
            if path.name not in want:
                path.unlink()
        for name, text in want.items():
            path = self.path / name
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            path.write_text(text, encoding="utf-8")
            if self.old_mtimes:  # an old, distinct mtime per write: stamps are trusted and every edit moves them
                ns = time.time_ns() - 3600 * 10**9 + next(_MTIMES) * 1000
                os.utime(path, ns=(ns, ns))


@hsettings(max_examples=40, deadline=None)
@given(files=st.lists(FILE, min_size=1, max_size=6), edits=st.lists(EDIT, min_size=1, max_size=3),
       old_mtimes=st.booleans(), jobs=st.sampled_from([1, 2]), pg_version=st.sampled_from([None, 11]))
def test_any_sequence_of_edits_gives_the_uncached_result(files: list[tuple[list[str], bool]],
                                                         edits: list[tuple[str, int, tuple[list[str], bool]]],
                                                         old_mtimes: bool, jobs: int, pg_version: int | None) -> None:
    options = LintOptions(pg_version=pg_version)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Folder(Path(tmp) / "m", files, old_mtimes)
        cache = Path(tmp) / "cache"
        folder.sync()
        lint_warm([folder.path], options, cache, jobs=jobs, context="recording")
        lint_warm([folder.path], options, cache, jobs=jobs, context="warm")
        for n, edit in enumerate(edits):
            folder.apply(edit)
            folder.sync()
            lint_warm([folder.path], options, cache, jobs=jobs, context=f"after edit {n} {edit}: {folder.files}")


# -- 5. parallel runs with part of the cache warm ------------------------------------------------------

def _parallel_file(n: int) -> str:
    """Groups of 7 files per table, so that groups straddle the workers' slices."""
    g, k = divmod(n, 7)
    return [
        f"CREATE TABLE t{g} (c varchar(10), d integer);",
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS t{g}_c_idx ON t{g} (c);",
        f"ALTER TABLE t{g} ALTER COLUMN c TYPE varchar(20);",
        f"ALTER TABLE t{g} ADD CONSTRAINT t{g}_nn CHECK (d IS NOT NULL) NOT VALID;",
        f"ALTER TABLE t{g} VALIDATE CONSTRAINT t{g}_nn;",
        f"ALTER TABLE t{g} ALTER COLUMN d SET NOT NULL;",
        f"DROP INDEX t{g}_c_idx;",
    ][k]


def test_parallel_runs_with_a_partly_warm_cache(tmp_path: Path) -> None:
    count = 3 * FILES_PER_WORKER + 30
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {f"{n + 1:04d}_f": _parallel_file(n) for n in range(count)})
    paths = sorted(folder.glob("*.up.sql"))
    if sys.platform.startswith("linux"):
        assert worker_count(count, 2) == 2, "big enough for two workers"
    # The first half only: the second half is linted by the workers, starting after cached files.
    half = lint_paths(paths[: count // 2], LintOptions(), jobs=1)
    assert_same(lint_paths(paths[: count // 2], LintOptions(), jobs=2, cache_dir=cache), half, "first half")
    before = lint_warm([folder], LintOptions(), cache, jobs=2, context="half warm")
    lint_warm([folder], LintOptions(), cache, jobs=2, context="all warm")
    # A few edits in earlier files that change what later files (some in other slices) are told.
    for n in (0, 2 * 7 + 4, 10 * 7, 20 * 7 + 4, count - 7):
        text = _parallel_file(n).replace("c varchar(10)", "c integer")
        text = text.replace("VALIDATE CONSTRAINT t", "VALIDATE CONSTRAINT other_t")
        (folder / f"{n + 1:04d}_f.up.sql").write_text(text, encoding="utf-8")
    for n in range(count - 40, count, 3):  # and a run of later files rewritten outright
        (folder / f"{n + 1:04d}_f.up.sql").write_text(_parallel_file(n + 1), encoding="utf-8")
    after = lint_warm([folder], LintOptions(), cache, jobs=2, context="edited")
    assert {f.rule for f in before.active}.isdisjoint({"change-column-type", "set-not-null"})
    assert {f.rule for f in after.active} >= {"change-column-type", "set-not-null"}, "the edits must matter"
    lint_warm([folder], LintOptions(), cache, jobs=2, context="warm after the edits")


# -- 6. a damaged or unwritable cache ------------------------------------------------------------------

def _garbage(data: bytes) -> bytes:
    return b"\x00\xffnot json at all{{{"


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _a_list(data: bytes) -> bytes:
    return b"[1, 2, 3]"


def _entries_a_list(data: bytes) -> bytes:
    loaded = json.loads(data)
    loaded["entries"] = [1, 2]
    return json.dumps(loaded).encode()


def _each_entry_a_number(data: bytes) -> bytes:
    loaded = json.loads(data)
    loaded["entries"] = {path: 7 for path in loaded["entries"]}
    return json.dumps(loaded).encode()


def _each_entry_an_object(data: bytes) -> bytes:
    loaded = json.loads(data)
    loaded["entries"] = {path: {"x": 1} for path in loaded["entries"]}
    return json.dumps(loaded).encode()


def _nested_json_damaged(data: bytes) -> bytes:
    """Every JSON text stored inside an entry (the facts a file read and wrote) cut short."""
    loaded = json.loads(data)
    for entry in loaded["entries"].values():
        for n, value in enumerate(entry):
            if isinstance(value, str) and value.startswith("["):
                entry[n] = value[: len(value) // 2]
    return json.dumps(loaded).encode()


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage": _garbage, "truncated": _truncated, "a-list": _a_list, "entries-a-list": _entries_a_list,
    "entry-a-number": _each_entry_a_number, "entry-an-object": _each_entry_an_object,
    "nested-json-damaged": _nested_json_damaged,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {"0001_create": "CREATE TABLE t (c varchar(10));", "0002_widen": WIDEN,
                              "0003_index": "CREATE INDEX t_c ON t (c);"})
    lint_warm([folder], LintOptions(), cache)
    (path,) = cache_files(cache)
    path.write_bytes(DAMAGE[damage](path.read_bytes()))
    # An earlier file edited: the later ones must be checked against the (damaged) facts stored for them.
    (folder / "0001_create.up.sql").write_text("CREATE TABLE t (c integer);", encoding="utf-8")
    after = lint_warm([folder], LintOptions(), cache, context=damage)
    assert "change-column-type" in rules_in(after, "0002_widen.up.sql")
    data = json.loads(path.read_text(encoding="utf-8"))  # rewritten, whole
    assert {entry_key(r.file, cache) for r in after.files} <= set(data["entries"])
    lint_warm([folder], LintOptions(), cache, context=damage + ", warm again")


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file"])
def test_an_unwritable_cache_folder_is_skipped_with_a_warning(tmp_path: Path, where: str) -> None:
    # A path below a regular file cannot be created even by root (chmod would not stop root).
    folder = tmp_path / "m"
    write_migrations(folder, {"0001_create": "CREATE TABLE t (c integer);", "0002_widen": WIDEN}, downs=[])
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder\n")
    cache = blocker / "cache" if where == "under-a-file" else blocker
    for jobs in (1, 2):
        cold = lint_warm([folder], LintOptions(), cache, jobs=jobs)
        assert cold.exit_code() == 1 and "change-column-type" in rules_in(cold, "0002_widen.up.sql")
    assert blocker.read_text() == "not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "m"]
    warned = lint_paths([folder], LintOptions(), cache_dir=cache)
    assert len(warned.warnings) == 1 and str(cache) in warned.warnings[0]
    assert lint_paths([folder], LintOptions()).warnings == ()
    # On the command line: one warning on stderr, the same report and exit status as without a cache.
    command = [sys.executable, "-m", "lockgate", "lint", str(folder), "--format", "json"]
    plain = subprocess.run(command + ["--no-cache"], env=clean_env(), capture_output=True, text=True, timeout=60)
    run = subprocess.run(command + ["--cache-dir", str(cache)], env=clean_env(), capture_output=True, text=True,
                         timeout=60)
    assert (run.returncode, run.stdout) == (plain.returncode, plain.stdout) == (1, plain.stdout)
    assert run.stderr.startswith("warning: lint cache not written to") and run.stderr.count("\n") == 1


# -- 7. the command line ------------------------------------------------------------------------------

CLI_FILES = {
    "0001_create": ("CREATE TABLE t (c varchar(10));", "DROP TABLE t;"),
    "0002_widen": (WIDEN, "SELECT 1;"),
    "0003_check": ("ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;", None),
    "0004_validate": ("ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;", "SELECT 1;"),
    "0005_not_null": ("SET lock_timeout = '1s';\nALTER TABLE t ALTER COLUMN c SET NOT NULL;", "SELECT 1;"),
    "0006_index": ("CREATE INDEX t_c_idx ON t (c);", "DROP INDEX t_c_idx;"),
}


def add_cli_files(project: Project) -> None:
    for name, (up, down) in CLI_FILES.items():
        project.add(name, up, down)


def test_cli_default_cache_folder_and_identical_output(sqlite_project: Project) -> None:
    p = sqlite_project
    add_cli_files(p)
    cache = p.dir / ".lockgate_cache"
    for fmt in ("json", "text"):
        cold = p.cli("lint", "--format", fmt, "--no-cache")
        assert cold.returncode == 1, cold
        if fmt == "json":
            assert not cache.exists(), "--no-cache neither reads nor writes"
        first = p.cli("lint", "--format", fmt)
        assert cache.is_dir()
        second = p.cli("lint", "--format", fmt)
        for run in (first, second):
            assert (run.returncode, run.stdout, run.stderr) == (cold.returncode, cold.stdout, cold.stderr), fmt
    assert "*" in (cache / ".gitignore").read_text().splitlines()
    assert (cache / "CACHEDIR.TAG").read_text().startswith(CACHEDIR_SIGNATURE)
    assert len(cache_files(cache)) == 1
    # An edit of an earlier file: the warm CLI run still says what a cold one says.
    (p.migrations / "0001_create.up.sql").write_text("CREATE TABLE t (c integer);")
    cold = p.cli("lint", "--format", "json", "--no-cache")
    warm = p.cli("lint", "--format", "json")
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    assert any(f["rule"] == "change-column-type" for f in json.loads(warm.stdout)["findings"])


def test_cli_warm_run_does_not_import_the_parser(sqlite_project: Project) -> None:
    p = sqlite_project
    add_cli_files(p)
    cold = p.cli("lint", "--format", "json", "--no-cache")
    code = ("import runpy\n"
            f"sys.argv = ['lockgate', '--database-url', {p.url!r}, 'lint', '--format', 'json']\n"
            "try:\n    runpy.run_module('lockgate', run_name='__main__')\nexcept SystemExit:\n    pass\n")
    out, loaded = loaded_modules(code, p.dir)
    assert "pglast" in loaded and out == cold.stdout  # the first run parses
    out, loaded = loaded_modules(code, p.dir)
    assert "pglast" not in loaded and "lockgate.lint.checker" not in loaded
    assert out == cold.stdout


def test_cli_cache_dir_flag_and_environment_variable(sqlite_project: Project, tmp_path: Path) -> None:
    p = sqlite_project
    add_cli_files(p)
    cold = p.cli("lint", "--format", "json", "--no-cache")
    for args, env, where in (
        (["--cache-dir", "out/lint"], None, p.dir / "out" / "lint"),
        (["--cache-dir", str(tmp_path / "flag")], None, tmp_path / "flag"),
        ([], {"LOCKGATE_CACHE_DIR": str(tmp_path / "env")}, tmp_path / "env"),
    ):
        for _ in range(2):
            run = p.cli("lint", "--format", "json", *args, env=env)
            assert (run.returncode, run.stdout) == (cold.returncode, cold.stdout)
        assert len(cache_files(where)) == 1, where
        assert (where / "CACHEDIR.TAG").exists() and (where / ".gitignore").exists()
        assert not (p.dir / ".lockgate_cache").exists()
    p.cli("lint", "--no-cache", env={"LOCKGATE_CACHE_DIR": str(tmp_path / "env-off")})
    assert not (tmp_path / "env-off").exists(), "--no-cache wins over LOCKGATE_CACHE_DIR"


def test_an_existing_folder_used_as_cache_is_not_marked_as_one(sqlite_project: Project) -> None:
    """Only a folder lockgate creates gets the `*` .gitignore: `--cache-dir .` must not hide a project from git."""
    p = sqlite_project
    add_cli_files(p)
    cold = p.cli("lint", "--format", "json", "--no-cache")
    for folder in (".", "migrations"):
        run = p.cli("lint", "--format", "json", "--cache-dir", folder)
        assert (run.returncode, run.stdout) == (cold.returncode, cold.stdout)
        where = p.dir / folder
        assert len(cache_files(where)) == 1
        assert not (where / ".gitignore").exists() and not (where / "CACHEDIR.TAG").exists(), folder


def test_a_relative_cache_dir_flag_is_taken_from_the_working_directory(sqlite_project: Project,
                                                                      tmp_path: Path) -> None:
    p = sqlite_project
    add_cli_files(p)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (p.dir / "lockgate.toml").write_text('migrations_dir = "migrations"\n')
    command = [sys.executable, "-m", "lockgate", "--config", str(p.dir / "lockgate.toml"), "--database-url", p.url,
               "lint", "--format", "json", "--cache-dir", "c"]
    run = subprocess.run(command, cwd=elsewhere, env=clean_env(), capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stderr
    assert len(cache_files(elsewhere / "c")) == 1
    assert not (p.dir / "c").exists()


@pytest.mark.parametrize("setting, folder", [("false", None), ('"build/lint-cache"', "build/lint-cache")])
def test_cli_lint_cache_setting(sqlite_project: Project, setting: str, folder: str | None) -> None:
    p = sqlite_project
    add_cli_files(p)
    cold = p.cli("lint", "--format", "json", "--no-cache")
    (p.dir / "lockgate.toml").write_text(f"[lint]\ncache = {setting}\n")
    before = set(p.dir.rglob("*"))
    for _ in range(2):
        run = p.cli("lint", "--format", "json")
        assert (run.returncode, run.stdout) == (cold.returncode, cold.stdout)
    created = {x.relative_to(p.dir).as_posix() for x in set(p.dir.rglob("*")) - before}
    if folder is None:
        assert created == set(), "cache = false writes nothing"
    else:
        assert not (p.dir / ".lockgate_cache").exists()
        assert len(cache_files(p.dir / folder)) == 1
        assert all(c == "build" or c.startswith(folder) for c in created), created


def test_cli_bad_cache_setting_is_a_configuration_error(sqlite_project: Project) -> None:
    p = sqlite_project
    add_cli_files(p)
    (p.dir / "lockgate.toml").write_text("[lint]\ncache = 3\n")
    assert "lint.cache" in one_line_error(p.cli("lint"), 2)
    assert "lint.cache" in one_line_error(p.cli("lint", "migrations", database_url=False), 2)
    assert not (p.dir / ".lockgate_cache").exists()


@pytest.mark.parametrize("config, folder", [
    (None, ".lockgate_cache"),
    # A config that cannot be resolved (its database URL is unset): explicit files are still linted, with its [lint].
    ('database_url = "${DATABASE_URL}"\n', ".lockgate_cache"),
    ('database_url = "${DATABASE_URL}"\n[lint]\ncache = "lint-cache"\n', "lint-cache"),
    ('database_url = "${DATABASE_URL}"\n[lint]\ncache = false\n', None),
], ids=["no-config", "unresolved-config", "unresolved-config-folder", "unresolved-config-off"])
def test_cli_explicit_paths_cache_in_the_working_directory(tmp_path: Path, config: str | None,
                                                           folder: str | None) -> None:
    sql = tmp_path / "sql"
    write_migrations(sql, {"0001_create": "CREATE TABLE t (c integer);", "0002_widen": WIDEN})
    work = tmp_path / "work"
    work.mkdir()
    if config is not None:
        (work / "lockgate.toml").write_text(config)
    command = [sys.executable, "-m", "lockgate", "lint", str(sql), "--format", "json"]
    outputs = [subprocess.run(command + extra, cwd=work, env=clean_env(), capture_output=True, text=True,
                              timeout=60) for extra in (["--no-cache"], [], [])]
    assert {(o.returncode, o.stdout) for o in outputs} == {(1, outputs[0].stdout)}, outputs
    assert "change-column-type" in outputs[0].stdout
    made = sorted(p.name for p in work.iterdir() if p.name != "lockgate.toml")
    assert made == ([] if folder is None else [folder])
    if folder is not None:
        assert len(cache_files(work / folder)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sql", "work"]
    assert not any(p.is_dir() for p in sql.iterdir())


def test_lint_project_cache_argument(sqlite_project: Project, tmp_path: Path) -> None:
    p = sqlite_project
    add_cli_files(p)
    settings = p.settings()
    cold = lint_project(settings, cache=False)
    assert not (p.dir / ".lockgate_cache").exists()
    for cache, where in ((tmp_path / "api", tmp_path / "api"), (True, p.dir / ".lockgate_cache")):
        for _ in range(2):
            assert_same(lint_project(settings, cache=cache), cold, str(cache))
        assert len(cache_files(where)) == 1


# -- 8. live and cumulative runs are never cached -------------------------------------------------------

def test_pending_and_up_write_no_cache(pg_project: Project) -> None:
    p = Project(pg_project.dir, pg_project.url, lint=True)
    p.add("0001_create", "CREATE TABLE IF NOT EXISTS t (c varchar(10));", "DROP TABLE IF EXISTS t;")
    p.cli("up", check=0)
    cache = p.dir / ".lockgate_cache"
    assert not cache.exists(), "up lints against the live database: never cached"
    p.add("0002_widen", "SET lock_timeout = '1s';\n" + WIDEN, "SELECT 1;")
    pending = p.cli("lint", "--pending", "--format", "json")
    assert [Path(f["file"]).name for f in json.loads(pending.stdout)["files"]] == ["0002_widen.up.sql"], pending
    assert not cache.exists(), "lint --pending is never cached"
    p.cli("lint", "--pending", "--cache-dir", "explicit")
    assert not (p.dir / "explicit").exists(), "not even with --cache-dir"
    p.cli("lint", "--format", "json")
    assert cache.is_dir(), "a plain lint of the same project is"


def test_live_and_cumulative_api_runs_write_no_cache(pg_project: Project, tmp_path: Path) -> None:
    from lockgate.session import open_session

    pg_project.execute("CREATE TABLE t (c varchar(10)); INSERT INTO t VALUES ('a'); ANALYZE t;")
    pg_project.add("0001_widen", WIDEN, "SELECT 1;")
    pg_project.add("0002_index", "CREATE INDEX t_c_idx ON t (c);", "SELECT 1;")
    settings = pg_project.settings()
    options = LintOptions()
    migrations = discover(settings.migrations_dir)
    with open_session(settings, on_event=None, lock=False, log=False) as session:
        live = session.adapter
        cold = lint_migrations(migrations, options, live=live)
        assert any(f.notes for f in cold.findings), "the live database was asked (a small table)"
        for _ in range(2):
            assert_same(lint_migrations(migrations, options, live=live, cache_dir=tmp_path / "live"), cold)
        cold = lint_migrations(migrations, options, live=live, cumulative=True)
        assert_same(lint_migrations(migrations, options, live=live, cumulative=True, cache_dir=tmp_path / "both"),
                    cold)
    cold = lint_migrations(migrations, options, cumulative=True)
    assert_same(lint_migrations(migrations, options, cumulative=True, cache_dir=tmp_path / "cumulative"), cold)
    assert not any((tmp_path / name).exists() for name in ("live", "both", "cumulative"))
    lint_migrations(migrations, options, cache_dir=tmp_path / "plain")
    assert len(cache_files(tmp_path / "plain")) == 1, "the same files linted plainly are cached"


def test_every_part_of_a_finding_survives_the_cache(tmp_path: Path) -> None:
    # Every severity, a suppressed finding (with its reason), a note and non-ASCII text survive the cache's JSON.
    folder, cache = tmp_path / "m", tmp_path / "cache"
    write_migrations(folder, {
        "0001_mixed": "-- lockgate:ignore drop-table dropped long ago, nobody reads it\nDROP TABLE legacy;\n"
                      "-- lockgate:ignore truncate nothing here to match\n"
                      "CREATE INDEX i ON t (c);\nDROP INDEX i2;\nSELECT 'é ünïcødé \U0001f600';\n",
    }, downs=[])
    options = LintOptions.from_config({"rules": {"missing-down": "info"}})
    cold = lint_warm([folder], options, cache)
    lint_warm([folder], options, cache)
    assert {f.severity for f in cold.findings} == {Severity.ERROR, Severity.WARNING, Severity.INFO}
    assert any(f.suppressed is not None for f in cold.findings) and cold.notes


def test_the_same_code_installed_afresh_keeps_the_cache_and_other_code_does_not(tmp_path: Path) -> None:
    """A CI runner installs lockgate anew on every run (new mtimes): only content may decide."""
    src = Path(__file__).resolve().parents[2] / "src"
    code = ("import sys\nfrom lockgate.lint.cache import LintCache\nfrom lockgate.lint import LintOptions\n"
            f"print(LintCache({str(tmp_path / 'c')!r}, LintOptions())._settings)")

    def settings_with(source: Path) -> str:
        env = clean_env() | {"PYTHONPATH": str(source)}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                              timeout=60).stdout

    copy = tmp_path / "fresh" / "src"
    shutil.copytree(src, copy, copy_function=shutil.copy, ignore=shutil.ignore_patterns("__pycache__"))
    later = time.time() + 60
    for f in (copy / "lockgate" / "lint").rglob("*.py"):
        os.utime(f, (later, later))  # a new install: every mtime new
    assert settings_with(copy) == settings_with(src)
    rule = copy / "lockgate" / "lint" / "rules" / "drop_table.py"
    rule.write_text(rule.read_text() + "\n# edited\n")
    assert settings_with(copy) != settings_with(src)
