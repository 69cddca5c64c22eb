"""Migration files: names, ordering, checksums, directives (no database needed)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures.projects import write_migration
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lockgate.discovery import discover
from lockgate.errors import LockgateError, MigrationFileError


def test_orders_by_integer_version_not_text(tmp_path: Path) -> None:
    # Text order would put 0100 before 20 and the 14-digit timestamp before 9.
    for name in ("20241110663911_late", "0100_hundred", "20_twenty", "9_nine", "000056_upgrade_channels_v6.0",
                 "20240917172257_billing-entities"):
        write_migration(tmp_path, name, "SELECT 1;")
    found = [m.ident for m in discover(tmp_path)]
    assert found == ["9_nine", "20_twenty", "000056_upgrade_channels_v6.0", "0100_hundred",
                     "20240917172257_billing-entities", "20241110663911_late"]


def test_timestamp_version_that_is_no_date_is_accepted(tmp_path: Path) -> None:
    # 20241110663911: minute 66 and second 39... would fail any date parser.
    write_migration(tmp_path, "20241110663911_add_thing", "SELECT 1;")
    [m] = discover(tmp_path)
    assert m.version == 20241110663911
    assert m.ident == "20241110663911_add_thing"


def test_description_may_hold_dash_and_dot(tmp_path: Path) -> None:
    write_migration(tmp_path, "000056_upgrade_channels_v6.0", "SELECT 1;", "SELECT 1;")
    write_migration(tmp_path, "20240917172257_billing-entities", "SELECT 1;")
    idents = [(m.ident, m.description, m.down is not None) for m in discover(tmp_path)]
    assert idents == [("000056_upgrade_channels_v6.0", "upgrade_channels_v6.0", True),
                      ("20240917172257_billing-entities", "billing-entities", False)]


def test_checksum_is_sha256_of_the_file_bytes(tmp_path: Path) -> None:
    # CRLF line ends and a BOM must be hashed as they are on disk, so sha256sum agrees.
    path = tmp_path / "0001_crlf.up.sql"
    data = b"\xef\xbb\xbfCREATE TABLE t (id int);\r\n-- caf\xc3\xa9\r\n"
    path.write_bytes(data)
    [m] = discover(tmp_path)
    assert m.checksum == hashlib.sha256(data).hexdigest()
    if shutil.which("sha256sum"):
        out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
        assert out.split()[0] == m.checksum


@pytest.mark.parametrize("name", ["0020_add_users.sql", "add_users.up.sql", "0020.up.sql",
                                  "v0020_add_users.up.sql", "0020_add_users.UP.sql", "0020_add_users.up.SQL"])
def test_sql_file_with_a_bad_name_is_refused_by_name(tmp_path: Path, name: str) -> None:
    write_migration(tmp_path, "0010_ok", "SELECT 1;")
    (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert name in str(info.value)
    assert info.value.exit_code == 2


def test_the_hint_renames_the_file_itself(tmp_path: Path) -> None:
    (tmp_path / "0020_add_users.sql").write_text("CREATE TABLE users (id int);\n")
    with pytest.raises(MigrationFileError) as plain:
        discover(tmp_path)
    assert plain.value.hint == ("Rename it, e.g. 0020_add_users.sql -> 0020_add_users.up.sql "
                                "(with a 0020_add_users.down.sql).")


def test_files_that_are_not_sql_are_ignored(tmp_path: Path) -> None:
    write_migration(tmp_path, "0010_ok", "SELECT 1;")
    (tmp_path / "README.md").write_text("# notes")
    (tmp_path / ".gitkeep").write_text("")
    assert [m.ident for m in discover(tmp_path)] == ["0010_ok"]


def test_two_files_with_one_version_are_refused_naming_both(tmp_path: Path) -> None:
    write_migration(tmp_path, "0010_add_products", "SELECT 1;")
    write_migration(tmp_path, "010_add_orders", "SELECT 1;")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "0010_add_products.up.sql" in str(info.value)
    assert "010_add_orders.up.sql" in str(info.value)


def test_down_without_up_is_refused_by_name(tmp_path: Path) -> None:
    write_migration(tmp_path, "0010_add_products", "SELECT 1;")
    (tmp_path / "0011_add_orders.down.sql").write_text("DROP TABLE orders;")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "0011_add_orders.down.sql" in str(info.value)


def test_down_whose_description_differs_from_its_up_is_refused(tmp_path: Path) -> None:
    write_migration(tmp_path, "0010_add_products", "SELECT 1;")
    (tmp_path / "0010_add_product.down.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "0010_add_product.down.sql" in str(info.value)


def test_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    write_migration(tmp_path, "0010_ok", "SELECT 1;")
    (tmp_path / "0011_latin1.up.sql").write_bytes("INSERT INTO t VALUES ('caf\xe9');".encode("latin-1"))
    with pytest.raises(MigrationFileError) as info:
        discover(tmp_path)
    assert "0011_latin1.up.sql" in str(info.value)
    assert "UTF-8" in str(info.value)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LockgateError) as info:
        discover(tmp_path / "nope")
    assert "nope" in str(info.value)
    assert info.value.exit_code == 2


def test_no_transaction_directive_is_read_from_the_header(tmp_path: Path) -> None:
    write_migration(tmp_path, "0001_plain", "SELECT 1;")
    write_migration(tmp_path, "0002_concurrent", "CREATE INDEX CONCURRENTLY i ON t (x);", no_transaction=True)
    (tmp_path / "0003_late_directive.up.sql").write_text("SELECT 1;\n-- lockgate:no-transaction\n")
    (tmp_path / "0004_after_comments.up.sql").write_text("-- Migration: x\n\n-- lockgate:no-transaction\nSELECT 1;\n")
    flags = {m.ident: m.up.no_transaction for m in discover(tmp_path)}
    assert flags == {"0001_plain": False, "0002_concurrent": True, "0003_late_directive": False,
                     "0004_after_comments": True}


@hsettings(max_examples=60, deadline=None)
@given(st.sets(st.integers(min_value=1, max_value=10**15), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=6))
def test_any_set_of_versions_comes_back_in_integer_order(tmp_path_factory: pytest.TempPathFactory,
                                                          versions: set[int], pad: int) -> None:
    folder = tmp_path_factory.mktemp("m")
    for v in versions:
        write_migration(folder, f"{str(v).zfill(pad)}_m{v}", "SELECT 1;")
    assert [m.version for m in discover(folder)] == sorted(versions)
