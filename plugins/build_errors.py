"""What a failed build prints: a located message for a problem in the user's
files or machine, the full traceback for a bug in ours.

Pelican logs an exception raised by a plugin or reader (often without its
traceback: `exc_info=DEBUG`) and carries on; an exception in a signal receiver
escapes `Pelican.run()`. Both reach `describe()`, which keeps the traceback, so
the report says where the bug is instead of only `KeyError: 'no_such_key'`.
"""
from __future__ import annotations

import logging
import sys
import traceback
from dataclasses import dataclass
from types import TracebackType

MSG_BUG = "this is a bug in the publishing tool, not in your files: please report it with the traceback above"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass(frozen=True)
class BuildError:
    message: str
    traceback: str = ""  # set for our own bugs only

    @property
    def is_bug(self) -> bool:
        return bool(self.traceback)


def user_error_text(error: BaseException) -> str | None:
    """The message of an error the user can fix (their files, their machine),
    or None for a bug. Such errors name their place: a file error its path;
    our own error classes say so with `user_error = True` (e.g. a missing font)."""
    if getattr(error, "user_error", False):
        return str(error)
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return None


def describe(message: str, exc_info: ExcInfo | None) -> BuildError:
    if exc_info is None:
        return BuildError(message)
    error = exc_info[1]
    located = user_error_text(error)
    if located is not None:
        return BuildError(located if not message or located in message else f"{message}: {located}")
    return BuildError(message, "".join(traceback.format_exception(*exc_info)))


def describe_exception(error: BaseException) -> BuildError:
    located = user_error_text(error)
    if located is not None:
        return BuildError(located)
    return BuildError(f"{type(error).__name__}: {error}", "".join(traceback.format_exception(error)))


class ErrorCollector(logging.Handler):
    """Pelican logs a failed reader or plugin and carries on; we collect the
    errors so that such a build fails instead of publishing a broken site."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[BuildError] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc_info = record.exc_info if record.exc_info and record.exc_info[0] else None
        if exc_info is None and sys.exc_info()[0] is not None:
            # logged from an `except` block without exc_info (Pelican's
            # "Could not process %s" unless DEBUG): the exception is still current
            exc_info = sys.exc_info()
        self.errors.append(describe(record.getMessage(), exc_info))


def format_errors(errors: list[BuildError]) -> str:
    """Messages first, then each traceback, and the bug line last when any
    error is ours: the line a reader sees first at the bottom of a terminal."""
    lines = [f"  {e.message}" for e in errors if e.message]
    # one bug in a per-page hook fails every page alike: each traceback once
    lines += list(dict.fromkeys(e.traceback.rstrip("\n") for e in errors if e.is_bug))
    if any(e.is_bug for e in errors):
        lines.append(MSG_BUG)
    return "\n".join(lines)
