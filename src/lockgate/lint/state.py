"""Facts one file leaves for the next within a lint run, and a journal of who read and wrote them.

Kept apart from :mod:`.context` (one file's view, with the rules' helpers) because
merging results linted elsewhere (:mod:`.parallel`, :mod:`.cache`) needs only this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .nodes import TableRef

Key = tuple[str, str]
#: What a table's facts are kept under: its key, or, once renamed, another (see ``table_identity``).
TableId = tuple[str, ...]


#: The facts one file leaves for the next: name -> {key: value}.
FACT_TABLES = ("column_type", "proven_not_null", "pending_not_null", "index_table", "table_identity")


class SchemaState:
    """Facts carried from one file to the next within one lint run.

    ``facts`` holds what later files may ask about: ``column_type`` ((table, column) ->
    its typeName node), ``proven_not_null`` ((table, column) -> True: a validated CHECK (col IS
    NOT NULL)), ``pending_not_null`` ((table, constraint) -> column: added NOT VALID),
    ``index_table`` (index name -> table), ``table_identity`` (table -> the :data:`TableId`, as a
    list, that its facts are kept under since a rename; absent: the table's own key). The
    ``table`` of the first three is that identity. With a :class:`Journal` attached, every read
    of a fact another file wrote, and every write, is recorded: a worker process lints
    a slice of the files and the parent replays the writes in order, re-linting a file
    whose reads turn out different (see :mod:`.parallel`).
    """

    def __init__(self, cumulative: bool = False) -> None:
        self.cumulative = cumulative
        self.new_tables: set[Key] = set()  # created by earlier files (cumulative runs only)
        self.new_indexes: set[str] = set()
        self.facts: dict[str, dict[Any, Any]] = {name: {} for name in FACT_TABLES}
        self.exists_cache: dict[Key, bool] = {}
        self.rows_cache: dict[Key, int | None] = {}
        self.columns_cache: dict[Key, dict[str, tuple[Any, bool]]] = {}  # live: column -> (TypeInfo, NOT NULL)
        self.checked_cache: dict[Key, set[str]] = {}  # live: columns a validated CHECK proves NOT NULL
        self.live_names: dict[Key, TableRef] = {}  # live: a table renamed by a pending migration -> its name there
        self.journal: Journal | None = None

    def get(self, table: str, key: Any) -> Any:
        value = self.facts[table].get(key)
        journal = self.journal
        if journal is not None and (table, key) not in journal.written:
            journal.reads.append((table, key, value))
        return value

    def put(self, table: str, key: Any, value: Any) -> None:
        """Set a fact; ``None`` removes it."""
        if value is None:
            self.facts[table].pop(key, None)
        else:
            self.facts[table][key] = value
        journal = self.journal
        if journal is not None:
            journal.writes.append((table, key, value))
            journal.written.add((table, key))


class Journal:
    """One file's reads of earlier files' facts and its own writes, in order."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, Any, Any]] = []
        self.writes: list[tuple[str, Any, Any]] = []
        self.written: set[tuple[str, Any]] = set()
