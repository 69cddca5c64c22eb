"""transaction-control: the file controls the transaction itself, and ``lockgate up`` refuses it.

lockgate runs each migration in one transaction with its ledger row. A ``BEGIN``,
``COMMIT`` or ``ROLLBACK`` anywhere in such a file would end that transaction early
(the ledger row would then be written outside it), so ``up`` refuses the file before
anything runs. One form is understood, golang-migrate's: a plain ``BEGIN;`` as the
first statement and a plain ``COMMIT;`` as the last run as lockgate's one transaction.

Unsafe::

    CREATE TABLE a (id int);
    COMMIT;
    CREATE TABLE b (id int);

Safe: drop the transaction lines, wrap the whole file, or let it manage its own::

    BEGIN;
    CREATE TABLE a (id int);
    CREATE TABLE b (id int);
    COMMIT;
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...txmode import wrapped
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext

# What `up` refuses, as lockgate.sqltext.TRANSACTION_CONTROL reads it (SAVEPOINT and PREPARE TRANSACTION are not).
_CONTROLS = frozenset({"TRANS_STMT_BEGIN", "TRANS_STMT_START", "TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK",
                       "TRANS_STMT_ROLLBACK_TO", "TRANS_STMT_COMMIT_PREPARED", "TRANS_STMT_ROLLBACK_PREPARED"})


class TransactionControl(Rule):
    id = "transaction-control"
    severity = Severity.ERROR
    summary = "BEGIN/COMMIT/ROLLBACK inside a migration that lockgate runs in a transaction"
    safe = ("Remove the BEGIN/COMMIT/ROLLBACK lines, wrap the whole file in one plain BEGIN; ... COMMIT;, or put "
            "`-- lockgate:no-transaction` at the top if it must manage transactions itself.")

    def check_file(self, ctx: FileContext) -> Iterator[Hit]:
        if ctx.no_transaction:
            return
        tops = [st for st in ctx.statements if not st.embedded]
        controls = [st for st in tops if st.kind == "TransactionStmt" and st.node.get("kind") in _CONTROLS]
        if not controls:
            return
        if len(controls) == 2 and controls[0] is tops[0] and controls[1] is tops[-1] and \
                wrapped([(st.kind, st.node) for st in controls]):
            return
        first = controls[0]
        word = " ".join(ctx.source.text[first.start:first.end].split()).rstrip(";")[:20]
        yield Hit(f"{word!r} controls the transaction itself, but lockgate runs this migration in one transaction: "
                  "`lockgate up` refuses the file.", first)
