"""What a long build is doing, and how far it is, on a terminal only.

    progress.say("pdf", "taizhou-2022: layout 2")    # one status line
    progress.count("pages", 12, 218)                 # a counter, rewritten in place

Shown when stderr is a terminal (an editor running `make`, `make serve`);
silent otherwise (CI logs, tests, the bench), and with BUILD_PROGRESS=0.
BUILD_PROGRESS=1 forces it on (for a terminal that is not a tty). Lines go to
stderr, so stdout keeps only the build's result.
"""
from __future__ import annotations

import os
import sys
import time

ENV = "BUILD_PROGRESS"
_state = {"open": False, "last": 0.0}
REDRAW_SECONDS = 0.05  # a counter redrawn at most 20 times a second


def silence() -> None:
    """No progress from this process (a forked helper: plugins/beside.py)."""
    os.environ[ENV] = "0"


def enabled() -> bool:
    setting = os.environ.get(ENV, "")
    if setting in ("0", "1"):
        return setting == "1"
    return sys.stderr.isatty()


def _write(text: str, final: bool) -> None:
    stream = sys.stderr
    if stream.isatty():  # rewrite one line in place
        stream.write("\r\033[K" + text + ("\n" if final else ""))
        _state["open"] = not final
    else:
        stream.write(text + "\n")
    stream.flush()


def say(stage: str, what: str) -> None:
    """A step that starts now (a PDF layout pass): a line of its own, since
    several processes may be saying things at once."""
    if enabled():
        done()
        sys.stderr.write(f"{stage}: {what}\n")
        sys.stderr.flush()


def count(stage: str, done: int, total: int = 0) -> None:
    """n of N things done (N = 0: not known in advance); drawn in place, at
    most every REDRAW_SECONDS; off a terminal only the last count is written."""
    if not enabled():
        return
    now = time.monotonic()
    last = total > 0 and done >= total
    if not last and now - _state["last"] < REDRAW_SECONDS:
        return
    _state["last"] = now
    if sys.stderr.isatty() or last:
        _write(f"{stage}: {done}/{total}" if total else f"{stage}: {done}", final=last)


def done() -> None:
    """End an open status line (before ordinary output)."""
    if _state["open"] and enabled():
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
        _state["open"] = False
