"""W3C Web Annotation selectors on a plain text: make them, and apply them.

A TextQuoteSelector is given just enough prefix and suffix that it matches
once in the text (at least CONTEXT characters of each, where the text has
them): applied to the same text it lands on exactly the annotated span.
"""
from __future__ import annotations

CONTEXT = 32  # characters of prefix and suffix, as hypothes.is uses


def quote_selector(text: str, start: int, end: int, context: int = CONTEXT) -> dict:
    width = context
    while True:
        prefix, suffix = text[max(0, start - width):start], text[end:end + width]
        if len(quote_matches(text, text[start:end], prefix, suffix)) == 1:
            break
        if start - width <= 0 and end + width >= len(text):
            break  # the whole text: nothing more to add
        width *= 2
    return {"type": "TextQuoteSelector", "exact": text[start:end], "prefix": prefix, "suffix": suffix}


def position_selector(start: int, end: int) -> dict:
    return {"type": "TextPositionSelector", "start": start, "end": end}


def quote_matches(text: str, exact: str, prefix: str = "", suffix: str = "") -> list[int]:
    """Every start of `exact` in `text` with `prefix` right before it and `suffix` right after."""
    if not exact:
        return []
    # the three together: a common word's every occurrence was tried, each one
    # a call (0.17 s of str.find for the exports of 100 reports)
    needle = prefix + exact + suffix
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at + len(prefix))
        at = text.find(needle, at + 1)
    return found


def apply_quote(text: str, selector: dict) -> tuple[int, int] | None:
    """The span a TextQuoteSelector selects, or None when it matches zero or several times."""
    exact = selector.get("exact", "")
    found = quote_matches(text, exact, selector.get("prefix", ""), selector.get("suffix", ""))
    return (found[0], found[0] + len(exact)) if len(found) == 1 else None


def apply_position(text: str, selector: dict) -> tuple[int, int] | None:
    start, end = selector.get("start"), selector.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return None
    return start, end


def selectors_of(annotation: dict) -> dict[str, dict]:
    target = annotation["target"]
    chosen = target.get("selector", [])
    return {s["type"]: s for s in (chosen if isinstance(chosen, list) else [chosen])}
