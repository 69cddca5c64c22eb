"""A golang-migrate-sized folder: hundreds of files in one run, and back."""

from __future__ import annotations

from fixtures.projects import Project

import lockgate


def test_three_hundred_migrations_up_and_all_the_way_down(project: Project) -> None:
    for i in range(1, 301):
        body = f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO t{i} VALUES ({i}, 'x')"
        if project.engine == "postgresql" and i % 50 == 0:
            body = (f"DO $$ BEGIN EXECUTE 'CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v TEXT)'; END $$;\n"
                    f"INSERT INTO t{i} VALUES ({i}, 'x')")
        project.add(f"{20240101000000 + i}_table_{i}", body, f"DROP TABLE t{i};")
    s = project.settings()
    report = lockgate.up(s)
    assert len(report.steps) == 300
    assert len(project.ledger()) == 300
    assert project.query("SELECT v FROM t300") == [("x",)]
    assert lockgate.up(s).steps == ()
    report = lockgate.down(s, steps=100)
    assert [st.ident for st in report.steps][:2] == ["20240101000300_table_300", "20240101000299_table_299"]
    assert len(project.ledger()) == 200 and "t201" not in project.tables() and "t200" in project.tables()
    lockgate.down(s, to="0")
    assert project.ledger() == {}
