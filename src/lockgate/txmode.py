"""How a migration file runs: in lockgate's transaction, or outside one, and why.

Three readings, shared by ``up`` (see :mod:`lockgate.prepare`), ``status`` and the linter:

* a header marker says "no transaction": lockgate's own ``-- lockgate:no-transaction``
  or a peer's, read as the peer reads it (:func:`no_transaction_marker`);
* a file that holds only statements PostgreSQL refuses inside a transaction block
  (``CREATE INDEX CONCURRENTLY``, ``VACUUM``, ...; :func:`nontransactional`) runs outside
  one without a header, as golang-migrate runs it; ``SET``/``RESET`` may stand beside them
  (the ``lock_timeout`` the linter asks for);
* a file wrapped in a plain ``BEGIN; ... COMMIT;`` (golang-migrate's habit) runs as one
  lockgate transaction with its ledger row, those two statements left out (:func:`wrapped`).

The decisions are pure functions of parsed statements (pglast's JSON nodes, as the
linter has them), never of the SQL text.

>>> nontransactional("IndexStmt", {"concurrent": True}, 150000)
'CREATE INDEX CONCURRENTLY'
>>> no_transaction_marker("-- +goose NO TRANSACTION\\nCREATE INDEX CONCURRENTLY i ON t (a);")
'-- +goose NO TRANSACTION'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .header import directive

Node = Mapping[str, Any]

#: The no-transaction markers understood, as (what the comment says, whose it is).
MARKERS = (
    ("-- lockgate:no-transaction", "lockgate"),
    ("-- migrate:up transaction:false", "dbmate"),
    ("-- +goose NO TRANSACTION", "goose"),
    ("-- +migrate notransaction", "sql-migrate"),
    ("-- atlas:txmode none", "Atlas"),
    ("-- morph:nontransactional", "morph"),
)


def is_no_transaction_marker(body: str) -> bool:
    """Whether a comment's words (after ``--``) say "no transaction" in any tool's dialect."""
    own = directive(body)  # `-- LOCKGATE: no-transaction` too
    if own is not None:
        return own[0] == "lockgate:no-transaction"
    words = body.lower().split()
    if not words:
        return False
    if words[0] == "morph:nontransactional":
        return True
    if words[0] in ("migrate:up", "migrate:down"):  # dbmate: options follow as key:value words
        return "transaction:false" in words[1:]
    return words[:3] == ["+goose", "no", "transaction"] or words[:2] in (["+migrate", "notransaction"],
                                                                         ["atlas:txmode", "none"])


def no_transaction_marker(text: str) -> str | None:
    """The no-transaction marker in the file's leading comment block, as written; None without one."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            return None
        if is_no_transaction_marker(stripped[2:]):
            return stripped
    return None


def nontransactional(kind: str, node: Node, server_version: int) -> str | None:
    """The name of a statement that cannot run inside a transaction block; None when it can.

    ``server_version`` is PostgreSQL's ``server_version_num`` (``ALTER TYPE ... ADD VALUE``
    runs in a transaction from 12 on).
    """
    if kind == "IndexStmt" and node.get("concurrent"):
        return "CREATE INDEX CONCURRENTLY"
    if kind == "DropStmt" and node.get("concurrent"):
        return "DROP INDEX CONCURRENTLY"
    if kind == "ReindexStmt" and any(p.get("DefElem", {}).get("defname") == "concurrently"
                                     for p in node.get("params", ())):
        return "REINDEX CONCURRENTLY"
    if kind == "VacuumStmt" and node.get("is_vacuumcmd"):  # ANALYZE alone runs in a transaction
        return "VACUUM"
    if kind == "AlterEnumStmt" and node.get("newVal") and not node.get("oldVal") and server_version < 120000:
        return "ALTER TYPE ... ADD VALUE"
    if kind == "CreatedbStmt":
        return "CREATE DATABASE"
    if kind == "DropdbStmt":
        return "DROP DATABASE"
    if kind == "AlterSystemStmt":
        return "ALTER SYSTEM"
    if kind == "AlterTableStmt":
        for cmd in node.get("cmds", ()):
            body = cmd.get("AlterTableCmd", {})
            if body.get("subtype") == "AT_DetachPartition" and body.get("def", {}).get("PartitionCmd", {}).get(
                    "concurrent"):
                return "DETACH PARTITION CONCURRENTLY"
    return None


_SESSION_SETTINGS = frozenset({"VariableSetStmt"})


def only_nontransactional(stmts: Iterable[tuple[str, Node]], server_version: int) -> str | None:
    """What makes a whole file run outside a transaction: the names of its statements that
    cannot run in one (``"CREATE INDEX CONCURRENTLY"``), when every other statement is a
    ``SET``/``RESET``; None otherwise."""
    names: list[str] = []
    for kind, node in stmts:
        what = nontransactional(kind, node, server_version)
        if what is not None:
            if what not in names:
                names.append(what)
        elif kind not in _SESSION_SETTINGS:
            return None
    return ", ".join(names) if names else None


def _plain(kind: str, node: Node, wanted: tuple[str, ...]) -> bool:
    # A BEGIN with options (an isolation level, READ ONLY) or COMMIT AND CHAIN means more
    # than "one transaction": those files keep the refusal.
    return kind == "TransactionStmt" and node.get("kind") in wanted and not node.get("options") \
        and not node.get("chain")


def wrapped(stmts: list[tuple[str, Node]]) -> bool:
    """A plain ``BEGIN``/``START TRANSACTION`` first, a plain ``COMMIT``/``END`` last, and no
    other statement that controls the transaction."""
    if len(stmts) < 2:
        return False
    if not _plain(*stmts[0], ("TRANS_STMT_BEGIN", "TRANS_STMT_START")) or \
            not _plain(*stmts[-1], ("TRANS_STMT_COMMIT",)):
        return False
    return all(kind != "TransactionStmt" for kind, _ in stmts[1:-1])


@dataclass(frozen=True)
class TxMode:
    """How a file runs: ``transaction`` False means outside one, guarded by a dirty row."""

    transaction: bool
    reason: str = ""  # "header -- +goose NO TRANSACTION", "only CREATE INDEX CONCURRENTLY", "own BEGIN/COMMIT"

    def describe(self) -> str:
        """One phrase for status and plan: ``no transaction (only CREATE INDEX CONCURRENTLY)``."""
        head = "transaction" if self.transaction else "no transaction"
        return f"{head} ({self.reason})" if self.reason else head

    def to_dict(self) -> dict[str, object]:
        return {"transaction": self.transaction, "reason": self.reason or None}
