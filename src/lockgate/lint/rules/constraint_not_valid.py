"""constraint-not-valid: a FOREIGN KEY or CHECK added to an existing table without ``NOT VALID`` scans it under lock.

Unsafe::

    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
        FOREIGN KEY (customer_id) REFERENCES customers (id);

While every row is checked, writes wait (SHARE ROW EXCLUSIVE for a foreign key, on
both tables; ACCESS EXCLUSIVE for a CHECK: reads wait too).

Safe: add it ``NOT VALID`` (instant; new rows are checked), and validate it in the
*next* migration, where ``VALIDATE CONSTRAINT`` takes only a SHARE UPDATE EXCLUSIVE
lock::

    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
        FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    -- next migration:
    ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

Validating in the same transactional migration gains nothing: the lock taken by
the ADD is held until commit, through the whole scan. That case is reported as a
warning at the VALIDATE (unless the file is ``-- lockgate:no-transaction``, where
each statement commits on its own). A REFERENCES or CHECK written on an
``ADD COLUMN`` of an existing table is reported too: PostgreSQL still scans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .. import nodes
from ..finding import Severity
from .base import Hit, Rule

if TYPE_CHECKING:
    from ..context import FileContext
    from ..source import Stmt

_KINDS = {"CONSTR_FOREIGN": "FOREIGN KEY", "CONSTR_CHECK": "CHECK"}
_SUBTYPES = frozenset({"AT_AddConstraint", "AT_AddColumn", "AT_ValidateConstraint"})


class ConstraintNotValid(Rule):
    id = "constraint-not-valid"
    severity = Severity.ERROR
    summary = "FOREIGN KEY or CHECK added to an existing table without NOT VALID scans it while blocking writes"
    safe = ("ADD CONSTRAINT ... NOT VALID now, then ALTER TABLE ... VALIDATE CONSTRAINT in the next migration "
            "(it takes only a SHARE UPDATE EXCLUSIVE lock).")
    kinds = frozenset({"AlterTableStmt"})
    lock_related = True

    def check(self, stmt: Stmt, ctx: FileContext) -> Iterator[Hit]:
        table = stmt.relation
        if table is None or not stmt.subtypes & _SUBTYPES:
            return
        new = ctx.is_new(table)
        for cmd in stmt.cmds:
            sub = cmd.get("subtype")
            if sub == "AT_AddConstraint" and not new:
                con = cmd.get("def", {}).get("Constraint", {})
                label = _KINDS.get(con.get("contype", ""))
                if label and not con.get("skip_validation"):
                    name = con.get("conname") or "(unnamed)"
                    if label == "CHECK":
                        lock = "an ACCESS EXCLUSIVE lock (reads and writes wait)"
                    else:
                        lock = "a SHARE ROW EXCLUSIVE lock on both tables (writes wait)"
                    yield Hit(f"ADD CONSTRAINT {name} {label} on existing table {table.display} checks every row "
                              f"while holding {lock}.", stmt, table)
            elif sub == "AT_AddColumn" and not new:
                col = cmd.get("def", {}).get("ColumnDef", {})
                for con in nodes.constraints_of(col):
                    label = _KINDS.get(con.get("contype", ""))
                    if label and not con.get("skip_validation"):
                        yield Hit(f"ADD COLUMN {col.get('colname', '')} with an inline {label} on existing table "
                                  f"{table.display} validates it against every row while holding the lock.",
                                  stmt, table,
                                  safe="Add the column alone, then ADD CONSTRAINT ... NOT VALID, then VALIDATE "
                                       "CONSTRAINT in the next migration.")
            elif sub == "AT_ValidateConstraint" and ctx.in_transaction(stmt):
                name = str(cmd.get("name", ""))
                if (table.key, name) in ctx.not_valid_here:
                    yield Hit(f"VALIDATE CONSTRAINT {name} runs in the same transaction as the ADD CONSTRAINT "
                              f"... NOT VALID on {table.display}: that lock is held until commit, through the whole "
                              "scan, so NOT VALID gains nothing.", stmt, table,
                              safe="Move the VALIDATE CONSTRAINT to the next migration (or mark this one "
                                   "`-- lockgate:no-transaction`, so each statement commits on its own).",
                              severity=Severity.WARNING)
