"""Wrap ranges of a block's text in new inline tokens without changing a
character. Works on the markdown-it inline token stream: text tokens are split
at range edges, open/close tokens are inserted, and a range that would cross a
`<strong>` edge is split into pieces (spans) or dropped (links: a link is never
cut in two). Partly overlapping ranges are resolved by priority.

Two steps: choose() decides what is kept, from the block's formatting edges
alone (mark.py asks it which anchors every report can show before it marks
any report); wrap() makes the tokens."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from markdown_it.token import Token


@dataclass
class Range:
    start: int
    end: int
    tag: str  # "a" or "span"
    attrs: dict[str, str]
    priority: int  # higher wins a partial overlap
    splittable: bool = False  # may be cut at formatting edges (spans) or not (links)
    key: object = None  # caller's handle, reported back when the range is applied
    pieces: list = field(default_factory=list)


def _edges(children: list[Token]) -> tuple[list[tuple[int, int, int]], set[int]]:
    """Text tokens as (index, start, end) offsets, and offsets where formatting opens/closes."""
    texts, edges, offset = [], set(), 0
    for index, token in enumerate(children):
        if token.type == "text":
            texts.append((index, offset, offset + len(token.content)))
            offset += len(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            offset += 1
            edges.add(offset)
        elif token.type == "code_inline":
            # treat as atomic text: never split inside it
            texts.append((index, offset, offset + len(token.content)))
            edges.update((offset, offset + len(token.content)))
            offset += len(token.content)
        else:
            edges.add(offset)
    return texts, edges


def choose(ranges: list[Range], edges: set[int]) -> list[Range]:
    """Keep ranges that nest properly. A span is cut at formatting edges and at
    the edges of spans kept before it, so two overlapping quotes both show;
    a link that would be cut, or would hold or sit in another link, is dropped."""
    kept: list[Range] = []
    span_edges: set[int] = set()  # where the spans kept so far start and end
    for candidate in sorted(ranges, key=lambda r: (-r.priority, r.start, -(r.end - r.start))):
        start, end = candidate.start, candidate.end
        cut_at = edges | span_edges if candidate.splittable else edges
        cuts = sorted(e for e in cut_at if start < e < end)
        if cuts and not candidate.splittable:
            continue
        bounds = [start, *cuts, end]
        pieces = list(zip(bounds, bounds[1:]))
        if all(_fits(a, b, candidate.tag, kept) for a, b in pieces):
            candidate.pieces = pieces
            kept.append(candidate)
            if candidate.splittable:
                span_edges.update((start, end))
    return kept


def _fits(start: int, end: int, tag: str, kept: list[Range]) -> bool:
    """A piece [start, end) nests with every piece kept (and no link holds a link)."""
    for other in kept:
        for a, b in other.pieces:
            if not (start < b and a < end):
                continue
            nested = (a <= start and end <= b) or (start <= a and b <= end)
            if not nested or (tag == "a" and other.tag == "a"):
                return False
    return True


def formatting_edges(children: list[Token]) -> set[int]:
    """Where formatting opens or closes in a block's text: what choose() cuts at."""
    return _edges(children)[1]


def wrap(children: list[Token], kept: list[Range]) -> list[Token]:
    """The inline tokens with the kept ranges (choose()) wrapped in."""
    if not kept:
        return children
    texts, _formatting = _edges(children)
    opens: dict[int, list[tuple[int, Range, int]]] = {}
    closes: dict[int, list[tuple[int, Range, int]]] = {}
    for r in kept:
        for n, (a, b) in enumerate(r.pieces):
            opens.setdefault(a, []).append((b, r, n))
            closes.setdefault(b, []).append((a, r, n))
    # at each offset: close inner (shorter, later-opened) first, then open outer (longer) first
    for here in closes.values():
        if len(here) > 1:  # most offsets hold one edge: nothing to sort
            here.sort(key=lambda x: -x[0])
    for here in opens.values():
        if len(here) > 1:
            here.sort(key=lambda x: (-x[0], -x[1].priority))
    cut_points = sorted(set(opens) | set(closes))  # each text token takes its own by bisection

    def emit_at(offset: int, out: list[Token]) -> None:
        for _a, r, _n in closes.get(offset, ()):
            out.append(Token(f"annotation_{r.tag}_close", r.tag, -1))
        for _b, r, n in opens.get(offset, ()):
            # only the first piece carries the id
            attrs = {name: value for name, value in r.attrs.items() if name != "id"} if n else dict(r.attrs)
            out.append(Token(f"annotation_{r.tag}_open", r.tag, 1, attrs=attrs))

    out: list[Token] = []
    text_at = {index: (start, end) for index, start, end in texts}
    done: set[int] = set()
    for index, token in enumerate(children):
        span = text_at.get(index)
        if span is None:
            out.append(token)
            continue
        start, end = span
        points = cut_points[bisect_left(cut_points, start):bisect_right(cut_points, end)]
        if not points:
            out.append(token)
            continue
        if token.type == "code_inline":
            if points[0] == start and start not in done:
                emit_at(start, out)
                done.add(start)
            out.append(token)
            continue
        previous = start
        for p in points:
            if p > previous:
                out.append(Token("text", "", 0, content=token.content[previous - start:p - start]))
                previous = p
            if p not in done and not (p == end and p != start and _more_text_follows(text_at, index, p)):
                emit_at(p, out)
                done.add(p)
        if previous < end:
            out.append(Token("text", "", 0, content=token.content[previous - start:]))
    for p in cut_points:
        if p not in done:
            emit_at(p, out)
    return out


def _more_text_follows(text_at: dict, index: int, offset: int) -> bool:
    """An edge at the end of this text token that the next text token starts at
    is emitted there instead (after any formatting token in between)."""
    return any(start == offset and i > index for i, (start, _end) in text_at.items())
