"""Every lint rule, one module per rule id, run in the order of :data:`RULES`.

To add a rule: a module named for its id (``drop_table.py`` for ``drop-table``)
with one :class:`~lockgate.lint.rules.base.Rule` subclass whose docstring shows
the unsafe and the safe form, an entry here, and ``.sql`` cases in
``tests/lint/cases/``.
"""

from __future__ import annotations

from .add_column_not_null_no_default import AddColumnNotNullNoDefault
from .add_column_volatile_default import AddColumnVolatileDefault
from .base import Hit, Rule
from .change_column_type import ChangeColumnType
from .concurrently_in_transaction import ConcurrentlyInTransaction
from .constraint_not_valid import ConstraintNotValid
from .contract_without_tag import ContractWithoutTag
from .drop_column import DropColumn
from .drop_index_not_concurrent import DropIndexNotConcurrent
from .drop_table import DropTable
from .empty_migration import EmptyMigration
from .index_not_concurrent import IndexNotConcurrent
from .missing_down import MissingDown
from .missing_lock_timeout import MissingLockTimeout
from .mixed_phase import MixedPhase
from .non_idempotent import NonIdempotent
from .parse_error import ParseError
from .rename import Rename
from .set_not_null import SetNotNull
from .transaction_control import TransactionControl
from .truncate import Truncate
from .unbounded_dml import UnboundedDml
from .unique_constraint_without_index import UniqueConstraintWithoutIndex
from .unknown_directive import UnknownDirective

RULES: tuple[Rule, ...] = (
    ParseError(),
    EmptyMigration(),
    DropTable(),
    DropColumn(),
    Truncate(),
    UnboundedDml(),
    IndexNotConcurrent(),
    DropIndexNotConcurrent(),
    AddColumnNotNullNoDefault(),
    AddColumnVolatileDefault(),
    ConstraintNotValid(),
    UniqueConstraintWithoutIndex(),
    SetNotNull(),
    ChangeColumnType(),
    Rename(),
    ConcurrentlyInTransaction(),
    TransactionControl(),
    UnknownDirective(),
    MissingLockTimeout(),
    NonIdempotent(),
    MissingDown(),
    ContractWithoutTag(),
    MixedPhase(),
)

def rule_doc(rule: Rule) -> str:
    """The rule module's docstring: what is wrong, the unsafe form, the safe form."""
    import sys

    return (sys.modules[type(rule).__module__].__doc__ or rule.summary).strip()


def rule_markdown(rule: Rule) -> str:
    """:func:`rule_doc` as Markdown, for code-scanning UIs: its ``Unsafe::`` blocks become SQL
    code fences and ````code```` spans single backticks (the docstrings are reStructuredText)."""
    out: list[str] = []
    block: list[str] | None = None  # the indented lines of a literal block being read

    def close() -> None:
        assert block is not None
        while block and not block[-1].strip():
            block.pop()
        out.extend(["```sql", *block, "```", ""])

    for line in rule_doc(rule).splitlines():
        if block is not None:
            if not line.strip() or line.startswith("    "):
                if block or line.strip():  # the blank line after "::" is not code
                    block.append(line[4:])
                continue
            close()
            block = None
        if line.rstrip().endswith("::"):
            out.extend([line.rstrip()[:-1].replace("``", "`"), ""])
            block = []
            continue
        out.append(line.replace("``", "`"))
    if block is not None:
        close()
    return "\n".join(out).strip()


RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULE_IDS: frozenset[str] = frozenset(RULES_BY_ID)

__all__ = ["RULES", "RULES_BY_ID", "RULE_IDS", "Hit", "Rule", "rule_doc", "rule_markdown"]
