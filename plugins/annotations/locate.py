"""Find annotation text in the report: quotes (with optional prefix/suffix, the
idea of the W3C Web Annotation TextQuoteSelector) and term forms. Anchors are
found by what they say, never by position, so they survive restructuring."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    block: str  # block id
    start: int  # offsets in the block's text
    end: int


def find_quote(blocks: list[dict], quote: str, prefix: str = "", suffix: str = "") -> list[Hit]:
    hits = []
    needle = prefix + quote + suffix
    for block in blocks:
        text = block["text"]
        start = text.find(needle)
        while start >= 0:
            hits.append(Hit(block["id"], start + len(prefix), start + len(prefix) + len(quote)))
            start = text.find(needle, start + 1)
    return hits


def nearest_text(blocks: list[dict], quote: str) -> tuple[str, str]:
    """The report text most like `quote`, and its block id: the hint for a quote
    that is not found."""
    best = (0.0, "", "")
    for block in blocks:
        text = block["text"]
        matcher = difflib.SequenceMatcher(None, quote, text, autojunk=False)
        match = matcher.find_longest_match(0, len(quote), 0, len(text))
        if match.size == 0:
            continue
        start = max(0, match.b - match.a)
        window = text[start:start + len(quote)]
        score = difflib.SequenceMatcher(None, quote, window, autojunk=False).ratio()
        if score > best[0]:
            best = (score, window, block["id"])
    return best[1], best[2]


def form_pattern(forms: list[str]) -> re.Pattern | None:
    """One regex over all forms, longest first: at each position the longest
    form wins, and matches never overlap. The forms are grouped by their
    first character (`发(?:展方式|展)`): at a position only one group can
    match, where a flat list made the engine try every form (half the time
    of finding the terms in a report)."""
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    groups: dict[str, list[str]] = {}
    for form in ordered:
        groups.setdefault(form[0], []).append(form[1:])  # longest first within a group too
    alternatives = (re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in rests) + ")"
                    for first, rests in groups.items())
    return re.compile("|".join(alternatives)) if ordered else None


def term_forms(term: dict) -> list[str]:
    forms = term.get("match") or [term.get("term", "")]
    return [f for f in forms if isinstance(f, str) and f]


SENTENCE_MARKS = "。！？；"
SENTENCE_END = re.compile(f"[{SENTENCE_MARKS}]")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence that holds text[start:end], for backlinks."""
    # the last mark before start, looked for backwards: scanning every sentence
    # of the block up to start took most of the term views' time
    left = max(text.rfind(mark, 0, start) for mark in SENTENCE_MARKS) + 1
    right = SENTENCE_END.search(text, end)
    return text[left:right.end() if right else len(text)]
