"""The one place the linter imports pglast's parser, on first use.

``lockgate --help`` and every command but ``lint`` never load pglast (40 ms); a
parallel lint loads it once, before forking, so its workers inherit it.
"""

from __future__ import annotations

from types import ModuleType


def parser() -> ModuleType:
    from pglast import parser as pg_parser

    return pg_parser
