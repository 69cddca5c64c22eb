"""Events: the callback the core reports progress through, and the JSONL log sink.

Log lines look like the runbook's::

    {"timestamp": "2026-11-23T10:15:30.123Z", "level": "info", "event": "migration_finish",
     "message": "Migration applied successfully", "version": "0010_add_products", "type": "up",
     "checksum": "...", "duration_ms": 12.3, "component": "default", "run_id": "..."}
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .model import Event
from .redact import redact_mapping, redact_text

EventCallback = Callable[[Event], None]


class Emitter:
    """Fans one event out to the JSONL log and the caller's callback, redacted.

    A callback that raises does not stop the run: a migration half-way through matters
    more than a progress bar. Its first failure is logged as a warning (a ``callback_failed``
    event in the JSONL log, and on the ``lockgate`` logger); it keeps getting the events.
    """

    def __init__(self, *, component: str, run_id: str, log_file: Path | None,
                 callback: EventCallback | None, secrets: tuple[str, ...] = (), create_log: bool = True) -> None:
        self.component = component
        self.run_id = run_id
        self.callback = callback
        self.secrets = secrets
        self._log = JsonlLog(log_file, self._log_failed, create=create_log) if log_file is not None else None
        self._lock = threading.Lock()  # lockgate.safety's watcher reports from its own thread
        self._callback_failed = False

    def _log_failed(self, message: str) -> None:
        if self.callback is not None:
            try:
                self.callback(Event("log_unwritable", "warn", message))
            except Exception as exc:
                self._report_callback(exc, "log_unwritable")

    def close(self) -> None:
        if self._log is not None:
            self._log.close()

    def __call__(self, event: str, message: str = "", *, level: str = "info", **fields: object) -> None:
        clean = redact_mapping(dict(fields), self.secrets)
        msg = redact_text(message, self.secrets)
        with self._lock:
            if self._log is not None:
                self._log.write({"level": level, "message": msg, "event": event, **clean,
                                 "component": self.component, "run_id": self.run_id})
            if self.callback is not None:
                try:
                    self.callback(Event(event, level, msg, clean))
                except Exception as exc:  # not KeyboardInterrupt: Ctrl-C in a callback still stops the run
                    self._report_callback(exc, event)

    def _report_callback(self, exc: Exception, event: str) -> None:
        if self._callback_failed:
            return
        self._callback_failed = True
        message = redact_text(f"The on_event callback raised {type(exc).__name__}: {exc} (on the {event!r} event);"
                              " the run goes on without its report of this event.", self.secrets)
        import logging

        logging.getLogger("lockgate").warning(message)
        if self._log is not None:
            self._log.write({"level": "warn", "message": message, "event": "callback_failed",
                             "error": type(exc).__name__, "component": self.component, "run_id": self.run_id})


class JsonlLog:
    """Appends JSON lines to a file created with mode 0600. A log that cannot be
    written is reported once through ``on_error`` and then left alone: the
    migration matters more than its log. ``create=False`` (a dry run): append to
    the log if it is there, and create neither it nor its folder."""

    def __init__(self, path: Path, on_error: Callable[[str], None], *, create: bool = True) -> None:
        self.path = path
        self.on_error = on_error
        self.create = create
        self._fd: int | None = None
        self._broken = False

    def write(self, record: dict[str, object]) -> None:
        if self._broken:
            return
        if self._fd is None and not self.create and not self.path.is_file():
            self._broken = True  # nothing to append to: a dry run leaves no file behind
            return
        now = datetime.now(timezone.utc)
        line = {"timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z", **record}
        data = (json.dumps(line, default=str, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.write(self._fd, data)
        except OSError as exc:
            self._broken = True
            self.on_error(f"Failed to write to migration log file {self.path}: {exc.strerror or exc}; "
                          "the migration goes on without it.")

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
