"""Lint settings: the ``[lint]`` table of lockgate.toml (``[tool.lockgate.lint]`` of pyproject.toml), and flags.

.. code-block:: toml

    [lint]
    fail_on = "error"              # error | warning | info
    pg_version = 15                # default: the server's with --pending, else 14
    small_table_rows = 10000       # live lint: smaller tables get warnings, not errors
    cache = true                   # false ("off"), or a folder (default .lockgate_cache, beside lockgate.toml)
    start_after = "0042"           # report nothing for migrations up to this version (still read, in order)
    rules = { "non-idempotent" = "off", "missing-down" = "error" }

>>> LintOptions.from_config({"rules": {"drop-table": "warning"}}).severity_for("drop-table")
<Severity.WARNING: 'warning'>
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from ..errors import ConfigError
from .finding import Severity

#: Assumed server major version when neither a flag, the config nor a live server says.
#: Anything from 11 on treats a constant ADD COLUMN default as safe; 12 adds the
#: CHECK-then-SET NOT NULL shortcut; 14 is the oldest release still supported.
DEFAULT_PG_VERSION = 14

_KEYS = ("fail_on", "pg_version", "small_table_rows", "rules", "cache", "start_after")
_LEVELS = ("error", "warning", "info", "off")


@dataclass(frozen=True)
class LintOptions:
    """How to lint: the failing threshold, the target server, per-rule severities."""

    fail_on: Severity = Severity.ERROR
    pg_version: int | None = None  # major version; None: the live server's, else DEFAULT_PG_VERSION
    small_table_rows: int = 10_000
    rules: Mapping[str, Severity | None] = field(default_factory=dict)  # None: rule off
    cache: bool | str = True  # keep results of unchanged files (see .cache); a str names the folder
    #: Migrations with a version up to this one are linted (what they create informs later files)
    #: but not reported: strong_migrations' start_after, for adopting the linter on an old project.
    start_after: int | None = None
    #: The lock_timeout (seconds) ``lockgate up`` will run these files with (the project's
    #: ``lock_timeout``); 0: not known to, so a file must set its own (missing-lock-timeout).
    runner_lock_timeout: float = 0.0

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> LintOptions:
        """Build from the ``[lint]`` table; raises :class:`~lockgate.errors.ConfigError` on bad values.

        The messages name the setting (``lint.fail_on``) but not the file, which the table no longer
        knows: :meth:`lockgate.config.ProjectConfig.settings` checks it first and puts the file in front.
        """
        table = dict(table or {})
        for key in table:
            if key not in _KEYS:
                raise ConfigError(f"Unknown setting lint.{key}{_did_you_mean(key, _KEYS)}",
                                  hint=f"Known: {', '.join(_KEYS)}.")
        fail_on = Severity.ERROR
        if "fail_on" in table:
            fail_on = _severity(table["fail_on"], "lint.fail_on", levels=_LEVELS[:3])
        pg_version = parse_pg_version(table["pg_version"], "lint.pg_version") if "pg_version" in table else None
        small = table.get("small_table_rows", 10_000)
        if isinstance(small, bool) or not isinstance(small, int) or small < 0:
            raise ConfigError(f"Setting lint.small_table_rows must be a whole number >= 0, not {small!r}.")
        raw_rules = table.get("rules", {})
        if not isinstance(raw_rules, Mapping):
            raise ConfigError("Setting lint.rules must be a table, e.g. rules = { \"drop-table\" = \"warning\" }.")
        rules: dict[str, Severity | None] = {}
        for rule_id, level in raw_rules.items():
            from .rules import RULE_IDS  # only when rules are configured: a cached lint never loads them

            if rule_id not in RULE_IDS:
                raise ConfigError(f"Unknown lint rule {rule_id!r} in lint.rules{_did_you_mean(rule_id, RULE_IDS)}",
                                  hint="`lockgate lint --list-rules` lists the rule ids.")
            if isinstance(level, str) and level.strip().lower() == "off":
                rules[rule_id] = None
            else:
                rules[rule_id] = _severity(level, f"lint.rules.{rule_id}")
        cache = _cache_setting(table.get("cache", True))
        start_after = parse_version(table["start_after"], "Setting lint.start_after") if "start_after" in table else None
        return cls(fail_on=fail_on, pg_version=pg_version, small_table_rows=small, rules=rules, cache=cache,
                   start_after=start_after)

    def with_runner(self, settings: Any) -> LintOptions:
        """These options for files ``lockgate up`` runs with ``settings``: its lock_timeout where it
        sets one (PostgreSQL, or a URL not known yet as when CI lints without a database)."""
        url = settings.database_url_or_error
        engine = getattr(url, "engine", "postgresql")
        return replace(self, runner_lock_timeout=settings.lock_timeout if engine == "postgresql" else 0.0)

    def severity_for(self, rule_id: str, default: Severity | None = None) -> Severity | None:
        """The configured severity of ``rule_id``; None when it is off."""
        if rule_id in self.rules:
            return self.rules[rule_id]
        if default is None:
            from .rules import RULES_BY_ID

            return RULES_BY_ID[rule_id].severity
        return default

    def replace(self, **changes: Any) -> LintOptions:
        return replace(self, **changes)

    def excluding(self, rule_ids: Iterable[str]) -> LintOptions:
        """These rules turned off (``--exclude``); :class:`~lockgate.errors.ConfigError` for an unknown id.

        >>> LintOptions().excluding(["non-idempotent"]).severity_for("non-idempotent") is None
        True
        """
        from .rules import RULE_IDS

        rules = dict(self.rules)
        for rule_id in rule_ids:
            if rule_id not in RULE_IDS:
                raise ConfigError(f"Unknown lint rule {rule_id!r} in --exclude{_did_you_mean(rule_id, RULE_IDS)}",
                                  hint="`lockgate lint --list-rules` lists the rule ids.")
            rules[rule_id] = None
        return replace(self, rules=rules)


def parse_version(value: Any, where: str = "--start-after") -> int:
    """A migration version from ``42``, ``"0042"`` or ``"0042_add_index"``.

    >>> parse_version("0042_add_index"), parse_version(20240101120000)
    (42, 20240101120000)
    """
    head = str(value).strip().split("_", 1)[0]
    if isinstance(value, bool) or not head.isdigit():
        raise ConfigError(f"{where} must be a migration version like 0042, not {value!r}.")
    return int(head)


def parse_pg_version(value: Any, where: str = "--pg-version") -> int:
    """A server major version from ``15``, ``"15"``, ``"15.4"``, ``"9.6"`` or a server_version_num ``150004``."""
    text = str(value).strip()
    if isinstance(value, bool):
        raise ConfigError(f"Setting {where} must be a PostgreSQL major version like 15, not {value!r}.")
    try:
        if isinstance(value, int) or text.isdigit():
            number = int(text)
            major = number // 10000 if number >= 90000 else number
        else:
            major = int(text.split(".", 1)[0])
    except ValueError:
        raise ConfigError(f"Setting {where} must be a PostgreSQL major version like 15, not {value!r}.") from None
    if not 9 <= major <= 99:
        raise ConfigError(f"Setting {where} must be a PostgreSQL major version between 9 and 99, not {value!r}.")
    return major


def _cache_setting(value: Any) -> bool | str:
    """``lint.cache``: true, false, or a folder; "on"/"true" and "off"/"false" (any case) are the booleans,
    as ``log_file = "off"`` is no log (a folder of that name is spelt "./off").

    >>> _cache_setting("OFF"), _cache_setting("True"), _cache_setting("build/lint-cache")
    (False, True, 'build/lint-cache')
    """
    if isinstance(value, str) and value.strip().lower() in ("on", "true", "off", "false"):
        return value.strip().lower() in ("on", "true")
    if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
        return value
    raise ConfigError(f"Setting lint.cache must be true, false or a folder, not {value!r}.",
                      hint='Write cache = false (or "off") for no cache, or name a folder.')


def _severity(value: Any, where: str, levels: tuple[str, ...] = _LEVELS) -> Severity:
    if isinstance(value, str):
        try:
            return Severity.parse(value)
        except ValueError:
            pass
    raise ConfigError(f"Setting {where} must be one of {', '.join(levels)}, not {value!r}.")


def _did_you_mean(word: str, choices: Any) -> str:
    import difflib

    close = difflib.get_close_matches(str(word), sorted(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else "."
