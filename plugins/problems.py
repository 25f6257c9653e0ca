"""Errors as values with a location: what `build.py check` prints.

Every check returns a list of Problem; nothing raises for bad input. Message
texts are constants next to the check that uses them, so tests can assert them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


def report(problems: list[Problem]) -> str:
    """All problems, sorted by place, with a count line an editor can act on."""
    ordered = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.message))
    lines = [str(p) for p in ordered]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"{len(problems)} {noun} found; nothing was published.")
    return "\n".join(lines)
