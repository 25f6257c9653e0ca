"""Read an export back and move its annotations to another version of the
report's text (a corrected official text, or the next edition).

Each annotation is placed, in this order of trust:
  kept      its TextPositionSelector still selects its exact text, with its context
  moved     its TextQuoteSelector (exact, prefix, suffix) matches once elsewhere
  fuzzy     the exact text matches once when the prefix and suffix are shortened
  orphaned  none of these: listed, left out of the new collection
Placed annotations get fresh selectors for the new text (selectors.py).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .selectors import apply_position, position_selector, quote_matches, quote_selector, selectors_of


@dataclass
class Outcome:
    collection: dict
    status: dict[str, str] = field(default_factory=dict)  # annotation id → kept | moved | fuzzy | orphaned

    def count(self, status: str) -> int:
        return sum(1 for s in self.status.values() if s == status)


def read_collection(path: Path) -> dict:
    collection = json.loads(path.read_text(encoding="utf-8"))
    if collection.get("type") != "AnnotationCollection":
        raise ValueError(f"{path}: not an AnnotationCollection")
    return collection


def items(collection: dict) -> list[dict]:
    return list((collection.get("first") or {}).get("items") or [])


def place(text: str, annotation: dict) -> tuple[str, tuple[int, int] | None]:
    chosen = selectors_of(annotation)
    quote = chosen.get("TextQuoteSelector") or {}
    exact, prefix, suffix = quote.get("exact", ""), quote.get("prefix", ""), quote.get("suffix", "")
    span = apply_position(text, chosen.get("TextPositionSelector") or {})
    if span and text[span[0]:span[1]] == exact and span[0] in quote_matches(text, exact, prefix, suffix):
        return "kept", span
    found = quote_matches(text, exact, prefix, suffix)
    if len(found) == 1:
        return "moved", (found[0], found[0] + len(exact))
    for keep in range(max(len(prefix), len(suffix)) - 1, -1, -1):
        found = quote_matches(text, exact, prefix[len(prefix) - keep:] if keep else "", suffix[:keep])
        if len(found) == 1:
            return "fuzzy", (found[0], found[0] + len(exact))
        if len(found) > 1:
            break  # shorter context only matches more places
    return "orphaned", None


def reanchor(collection: dict, text: str) -> Outcome:
    """`collection` with every annotation that can be placed in `text` re-targeted to it."""
    outcome = Outcome({})
    placed = []
    for annotation in items(collection):
        status, span = place(text, annotation)
        outcome.status[annotation.get("id", "")] = status
        if span is None:
            continue
        moved = json.loads(json.dumps(annotation))
        moved["target"]["selector"] = [quote_selector(text, *span), position_selector(*span)]
        placed.append(moved)
    new = {key: value for key, value in collection.items() if key != "first"}
    new.update(textSha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), total=len(placed))
    new["first"] = {**collection.get("first", {}), "items": placed}
    outcome.collection = new
    return outcome
