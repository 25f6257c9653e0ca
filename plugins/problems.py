"""Errors as values with a location: what `build.py check` prints.

Every check returns a list of Problem; nothing raises for bad input. Message
texts are constants next to the check that uses them, so tests can assert them.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

# Messages quote what editors wrote. One problem stays on one line (CI parses
# `path:line:col: `), and text that reorders or hides itself (U+202E, U+200B)
# cannot disguise a log line: such characters are shown as escapes.
_HIDDEN = [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x2060, 0xFEFF, *range(0x202A, 0x202F),
           *range(0x2066, 0x206A)]
_ESCAPES = {code: ascii(chr(code))[1:-1] for code in [*range(0x20), *range(0x7F, 0xA0), *_HIDDEN] if code != 0x09}


def one_line(text: str) -> str:
    return text.translate(_ESCAPES)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{one_line(self.path)}:{self.line}:{self.column}: {one_line(self.message)}"
        return text + (f"\n    hint: {one_line(self.hint)}" if self.hint else "")


def report(problems: list[Problem]) -> str:
    """All problems, sorted by place, with a count line an editor can act on."""
    ordered = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.message))
    lines = [str(p) for p in ordered]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"{len(problems)} {noun} found; nothing was published.")
    return "\n".join(lines)


def closest(word: str, options) -> str:
    """A hint naming the option most like a misspelt word, or ""."""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f"did you mean '{match[0]}'?" if match else ""
