"""`lockgate init` and `lockgate new`: files a project starts from."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .config import DEFAULT_URL
from .names import NAME, ONE_FILE
from .errors import ConfigError, MigrationFileError
from .urls import DatabaseUrl

_CONFIG = """\
# lockgate configuration. Values may use ${{VAR}} so secrets stay in the environment.
# Precedence: this file < --env-file < environment (DATABASE_URL, LOCKGATE_*) < command-line flags.
database_url = "{url}"
# database_url = "${{DATABASE_URL}}"        # e.g. postgresql://app@db.internal:5432/shop
migrations_dir = "migrations"
log_file = "logs/migrations.jsonl"
lock_wait = 60           # seconds to wait for another runner's lock
auto_recover = true      # run the down file of a dirty migration before going on

# Several databases? Declare components and pass --component NAME (or all):
# [components.operational]
# database_url = "${{DB_URL}}"
# migrations_dir = "db/migrations/operational"
"""

_EXAMPLE_UP = """\
-- Migration: Create example table
-- Version: 0001
-- Description: A first table to show the layout; replace it with your own.

CREATE TABLE IF NOT EXISTS example (
  id {id_column},
  name TEXT NOT NULL
);
"""

_EXAMPLE_DOWN = """\
-- Rollback Migration: Create example table
-- Version: 0001

DROP TABLE IF EXISTS example;
"""


def write_init(directory: Path, *, database_url: str | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    config = directory / "lockgate.toml"
    if config.exists():
        raise ConfigError(f"{config} already exists; nothing was changed.",
                          hint="Edit it, or run lockgate init in another folder.")
    url = database_url or DEFAULT_URL
    if database_url and DatabaseUrl.parse(database_url).password:
        # Never write a password into a file that lands in git: read the URL from the environment.
        url = "${DATABASE_URL}"
    config.write_text(_CONFIG.format(url=url), encoding="utf-8")
    created.append(config)
    migrations = directory / "migrations"
    migrations.mkdir(exist_ok=True)
    if not any(migrations.glob("*.sql")):
        engine = DatabaseUrl.parse(database_url).engine if database_url else "sqlite"
        id_column = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" if engine == "postgresql" else "INTEGER PRIMARY KEY"
        up_text = _EXAMPLE_UP.replace("{id_column}", id_column)
        for name, text in (("0001_create_example.up.sql", up_text), ("0001_create_example.down.sql", _EXAMPLE_DOWN)):
            (migrations / name).write_text(text, encoding="utf-8")
            created.append(migrations / name)
    gitignore = directory / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    wanted = [w for w in ("logs/", "*.db", "*.lockgate-lock", ".lockgate_cache/") if w not in lines]
    if wanted:
        with gitignore.open("a", encoding="utf-8") as fh:
            if lines and lines[-1] != "":
                fh.write("\n")
            fh.write("# lockgate\n" + "\n".join(wanted) + "\n")
        created.append(gitignore)
    return created


def _slug(name: str) -> str:
    slug = "_".join(name.strip().split()).replace("/", "_")
    # Letters of any alphabet, as discovery (lockgate.names) and golang-migrate read them.
    if not slug or not all(c.isalnum() or c in "_-." for c in slug):
        raise ConfigError(f"Migration name {name!r} must use letters, digits, _, - and . only.",
                          hint="For example: lockgate new add_products")
    return slug


def write_new(migrations_dir: Path, name: str, *, timestamp: bool | None = None) -> tuple[Path, Path]:
    if not migrations_dir.is_dir():
        raise MigrationFileError(f"Migrations folder {migrations_dir} does not exist.", paths=[migrations_dir],
                                 hint="Create it with `lockgate init`, or point --migrations-dir at it.")
    slug = _slug(name)
    # Pairs and dbmate's one-file migrations alike set the numbering style and the next number.
    heads = [m["version"] for m in (NAME.match(p.name) or ONE_FILE.match(p.name) for p in migrations_dir.glob("*.sql"))
             if m is not None]
    numbers = [int(h) for h in heads]
    digits = [len(h) for h in heads]
    use_ts = timestamp if timestamp is not None else bool(digits) and max(digits) >= 12
    now = datetime.now(timezone.utc)
    if use_ts:
        version = now.strftime("%Y%m%d%H%M%S")
        if numbers and int(version) <= max(numbers):
            version = str(max(numbers) + 1)
    else:
        width = max(digits, default=4)
        version = str(max(numbers, default=0) + 1).zfill(width)
    ident = f"{version}_{slug}"
    up = migrations_dir / f"{ident}.up.sql"
    down = migrations_dir / f"{ident}.down.sql"
    description = slug.replace("_", " ")
    up.write_text(f"-- Migration: {description}\n-- Version: {version}\n-- Description: what it changes and why\n\n",
                  encoding="utf-8")
    down.write_text(f"-- Rollback Migration: {description}\n-- Version: {version}\n"
                    f"-- Description: how it undoes {ident}.up.sql\n\n", encoding="utf-8")
    return up, down
