"""Migration names: any alphabet in descriptions, hints that name a correct target, Flyway's
V/U/R prefixes, dbmate's one-file format, and files that are not what they seem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures.projects import write_migration
from hypothesis import given
from hypothesis import strategies as st

from lockgate.discovery import discover, scan
from lockgate.errors import MigrationFileError
from lockgate.names import NAME, suggested_name


@pytest.mark.parametrize("name", ["0001_créer_utilisateurs.up.sql", "0002_добавить_поле.up.sql",
                                  "0003_ユーザー追加.up.sql", "0004_add users table.up.sql"])
def test_descriptions_may_hold_any_letter_and_spaces(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("SELECT 1;\n", encoding="utf-8")
    [m] = discover(tmp_path)
    assert m.ident == name[: -len(".up.sql")]


@pytest.mark.parametrize(("name", "target"), [
    ("V1__init.sql", "0001_init.up.sql"),
    ("V1__init.up.sql", "0001_init.up.sql"),
    ("v12__add_users.sql", "0012_add_users.up.sql"),
    ("U3__drop_name.sql", "0003_drop_name.down.sql"),
    ("0020_add_users.sql", "0020_add_users.up.sql"),
    ("0020_add_users.down.SQL", "0020_add_users.down.sql"),
    ("20240101120000-create-users.sql", "20240101120000_create-users.up.sql"),
    ("init.up.sql", "0001_init.up.sql"),
])
def test_a_misnamed_files_hint_names_a_correct_target(tmp_path: Path, name: str, target: str) -> None:
    assert suggested_name(name) == target
    assert NAME.match(target), target  # the target really is a name lockgate reads
    (tmp_path / name).write_text("SELECT 1;\n")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert target in (info.value.hint or ""), info.value.hint
    assert ".up.up." not in (info.value.hint or "")


def test_flyway_files_are_recognised_in_the_hint(tmp_path: Path) -> None:
    (tmp_path / "V1__init.sql").write_text("CREATE TABLE a (id int);\n")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "Flyway" in (info.value.hint or "") and "lockgate convert --from flyway" in (info.value.hint or "")


def test_a_flyway_repeatable_migration_says_it_is_not_supported_yet(tmp_path: Path) -> None:
    (tmp_path / "R__views.sql").write_text("CREATE OR REPLACE VIEW v AS SELECT 1;\n")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "repeatable" in (info.value.hint or "") and "not support" in (info.value.hint or "")


def test_a_migrations_path_that_is_a_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "migrations"
    path.write_text("")
    with pytest.raises(MigrationFileError, match="is a file, not a folder"):
        discover(path)


def test_a_dangling_symlink_is_an_error_not_skipped(tmp_path: Path) -> None:
    write_migration(tmp_path, "0001_a", "SELECT 1;")
    os.symlink(tmp_path / "gone.sql", tmp_path / "0002_b.up.sql")
    with pytest.raises(MigrationFileError, match=r"0002_b\.up\.sql is a symlink to .*gone\.sql, which does not exist"):
        discover(tmp_path)


def test_a_folder_named_like_a_migration_is_an_error_not_skipped(tmp_path: Path) -> None:
    write_migration(tmp_path, "0001_a", "SELECT 1;")
    (tmp_path / "0002_b.up.sql").mkdir()
    with pytest.raises(MigrationFileError, match=r"0002_b\.up\.sql is a folder"):
        scan(tmp_path)


def test_a_utf16_file_is_recognised_by_its_bom(tmp_path: Path) -> None:
    (tmp_path / "0001_a.up.sql").write_bytes("CREATE TABLE a (id int);\n".encode("utf-16"))
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "UTF-16" in info.value.message and "iconv -f utf-16 -t utf-8" in (info.value.hint or "")


DBMATE = "-- migrate:up\nCREATE TABLE u (id int);\n\n-- migrate:down\nDROP TABLE u;\n"


def test_dbmates_one_file_migrations_sit_beside_pairs(tmp_path: Path) -> None:
    write_migration(tmp_path, "20240101120000_create_users", "CREATE TABLE users (id int);", "DROP TABLE users;")
    (tmp_path / "20240202120000_add_u.sql").write_text(DBMATE)
    first, second = discover(tmp_path)
    assert second.ident == "20240202120000_add_u" and second.one_file
    assert second.up.text.strip() == "-- migrate:up\nCREATE TABLE u (id int);"
    assert second.down is not None and second.down.text.strip() == "-- migrate:down\nDROP TABLE u;"
    assert second.down.text.count("\n", 0, second.down.text.index("DROP")) == 4  # line 5, as in the file
    assert second.up.checksum == second.down.checksum  # the file's


def test_a_dbmate_file_without_a_down_section_has_no_down(tmp_path: Path) -> None:
    (tmp_path / "20240202120000_add_u.sql").write_text("-- migrate:up transaction:false\nVACUUM;\n")
    [m] = discover(tmp_path)
    assert m.down is None and m.up.no_transaction


def test_a_dbmate_file_and_a_pair_with_one_version_are_refused(tmp_path: Path) -> None:
    write_migration(tmp_path, "0001_a", "SELECT 1;")
    (tmp_path / "0001_b.sql").write_text(DBMATE)
    with pytest.raises(MigrationFileError, match="used twice"):
        discover(tmp_path)


def test_new_writes_a_name_in_any_alphabet_that_discovery_reads(tmp_path: Path) -> None:
    from lockgate.scaffold import write_new

    up, _ = write_new(tmp_path, "créer utilisateurs")
    assert up.name == "0001_créer_utilisateurs.up.sql"
    assert [m.ident for m in discover(tmp_path)] == ["0001_créer_utilisateurs"]


@given(st.text(min_size=1, max_size=30).filter(lambda t: "/" not in t and "\0" not in t),
       st.sampled_from([".sql", ".up.sql", ".down.sql", ".SQL"]))
def test_every_suggested_name_is_one_lockgate_reads(stem: str, ext: str) -> None:
    target = suggested_name(stem + ext)
    assert target is None or NAME.match(target), target
    assert target is None or ".up.up." not in target and ".down.up." not in target
