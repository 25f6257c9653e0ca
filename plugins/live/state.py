"""What the open pages are told: the number of the last good site, and
whether the last build succeeded (with its problems when not).

The serve loop publishes; each /__live/events connection waits for the next
change (a Condition, no polling) and sends it as a server-sent event.
"""
from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class BuildState:
    site: int = 0  # how many good builds so far: a page loaded at an older one reloads
    ok: bool = True
    problems: str = ""  # the located problems of a failed build, as the terminal shows them

    def event(self) -> bytes:
        return f"data: {json.dumps(asdict(self), ensure_ascii=False)}\n\n".encode()


class LiveState:
    def __init__(self) -> None:
        self._state = BuildState()
        self._changed = threading.Condition()
        self.closed = False

    @property
    def current(self) -> BuildState:
        return self._state

    def built(self, ok: bool, problems: str = "") -> BuildState:
        with self._changed:
            site = self._state.site + 1 if ok else self._state.site
            self._state = BuildState(site, ok, "" if ok else problems)
            self._changed.notify_all()
            return self._state

    def wait(self, seen: BuildState, timeout: float) -> BuildState:
        """The state once it differs from `seen` (or `seen` after `timeout`)."""
        with self._changed:
            self._changed.wait_for(lambda: self._state != seen or self.closed, timeout)
            return self._state

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()
