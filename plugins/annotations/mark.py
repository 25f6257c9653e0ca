"""Mark annotations in the report on the markdown-it token stream.

A core rule after `block_ids`: in every paragraph it wraps
- term occurrences (by the term's `mark` policy) in
  `<a class="term" data-term="<id>" href="terms/<id>.html">`,
- thread anchors' quotes in `<span class="anchor" data-thread="<id>" id="<id>-<n>">`,
- numbers that state an indicator value in
  `<a class="indicator-value" data-indicator="<id>" href="indicators.html#<id>">`,
never changing a character (see ranges.py). Headings are left plain.

It records in `env` what the pages need: every term occurrence with its
sentence (backlinks), where each anchor landed, and each paragraph's threads,
so the paragraph can show its cross-references (rendered after the block, as
site UI marked data-ui).
"""
from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from . import ranges
from .check import format_number
from .locate import find_quote, sentence_around, term_occurrences
from .model import PART_LABELS, load_annotations



def _section_key(block_id: str) -> str:
    """The section a block belongs to: `p1-s2-3` → `p1-s2`; `notice-2` → `notice`."""
    parts = block_id.split("-")
    return "-".join(parts[:2]) if block_id.startswith("p") else parts[0]


def _term_ranges(terms: list[dict], blocks: list[dict]) -> tuple[dict, dict]:
    """Which occurrences to mark, by block, and every occurrence for backlinks."""
    paragraphs = [b for b in blocks if b["kind"] == "paragraph"]
    occurrences = term_occurrences(blocks, terms)
    text_of = {b["id"]: b["text"] for b in blocks}
    paragraph_ids = {b["id"] for b in paragraphs}
    marked: dict[str, list[ranges.Range]] = {}
    hits: dict[str, list[dict]] = {}
    for term in terms:
        found = occurrences.get(term["id"], [])
        hits[term["id"]] = [{"block": h.block, "sentence": sentence_around(text_of[h.block], h.start, h.end),
                             "text": text_of[h.block][h.start:h.end]} for h in found]
        policy = term.get("mark", "first-per-section")
        chosen = set(term.get("occurrences") or [])
        seen_sections: set[str] = set()
        for number, hit in enumerate(found, 1):
            if hit.block not in paragraph_ids or policy == "none":
                continue
            if chosen:
                take = number in chosen
            elif policy == "all":
                take = True
            elif policy == "first":
                take = not seen_sections
            else:
                take = _section_key(hit.block) not in seen_sections
            if not take:
                continue
            seen_sections.add(_section_key(hit.block))
            marked.setdefault(hit.block, []).append(ranges.Range(
                hit.start, hit.end, "a",
                {"class": "term", "data-term": term["id"], "href": f"terms/{term['id']}.html"},
                priority=1, key=("term", term["id"])))
    return marked, hits


def _anchor_ranges(threads: list[dict], blocks: list[dict]) -> tuple[dict, dict]:
    marked: dict[str, list[ranges.Range]] = {}
    landed: dict[str, list[dict]] = {}
    for thread in threads:
        for n, anchor in enumerate(thread.get("anchors") or [], 1):
            found = find_quote(blocks, anchor.get("quote", ""), anchor.get("prefix", ""), anchor.get("suffix", ""))
            if len(found) != 1:
                continue  # the check reports it; the build refuses before we get here
            hit = found[0]
            anchor_id = f"{thread['id']}-{n}"
            landed.setdefault(thread["id"], []).append({
                "n": n, "id": anchor_id, "block": hit.block, "part": anchor.get("part", "other"),
                "quote": anchor.get("quote", ""), "note": anchor.get("note", "")})
            marked.setdefault(hit.block, []).append(ranges.Range(
                hit.start, hit.end, "span",
                {"class": "anchor", "data-thread": thread["id"], "data-anchor": str(n), "id": anchor_id},
                priority=3, splittable=True, key=("anchor", thread["id"], n)))
    return marked, landed


def _indicator_ranges(indicators: list[dict], blocks: list[dict]) -> dict:
    marked: dict[str, list[ranges.Range]] = {}
    for indicator in indicators:
        for value in indicator.get("values") or []:
            found = find_quote(blocks, value.get("quote", ""), value.get("prefix", ""), value.get("suffix", ""))
            written = value.get("written") or format_number(value.get("value"))
            if len(found) != 1 or not written:
                continue
            hit = found[0]
            text = next(b["text"] for b in blocks if b["id"] == hit.block)
            # the number as written, not inside a longer number (1.85 in 11.85)
            pattern = re.compile(r"(?<![\d.])" + re.escape(written) + r"(?![\d])")
            match = pattern.search(text, hit.start, hit.end)
            if not match:
                continue
            label = f"{indicator.get('name', '')}：{value.get('year')}年{'目标' if value.get('kind') == 'target' else ''}"
            marked.setdefault(hit.block, []).append(ranges.Range(
                match.start(), match.end(), "a",
                {"class": "indicator-value", "data-indicator": indicator["id"],
                 "href": f"indicators.html#{indicator['id']}", "title": label},
                priority=2, key=("indicator", indicator["id"])))
    return marked


def annotate(state: StateCore, annotations) -> None:
    blocks = state.env.get("blocks", [])
    if not blocks or not state.env.get("is_report"):
        return
    terms = [t for t in annotations.terms if isinstance(t.get("id"), str) and t.get("in_report", True)]
    term_marks, term_hits = _term_ranges(terms, blocks)
    anchor_marks, landed = _anchor_ranges(annotations.threads, blocks)
    indicator_marks = _indicator_ranges(annotations.indicators, blocks)
    applied: list[tuple] = []
    tokens = state.tokens
    for index, token in enumerate(tokens):
        block_id = token.meta.get("block_id") if token.type == "paragraph_open" else None
        if not block_id:
            continue
        wanted = term_marks.get(block_id, []) + anchor_marks.get(block_id, []) + indicator_marks.get(block_id, [])
        if wanted:
            inline = tokens[index + 1]
            inline.children, kept = ranges.apply(inline.children or [], wanted)
            applied += [(block_id, r.key) for r in kept]
    shown = {key for _block, key in applied}
    # an anchor that could not be shown (it would break the markup) gets no links to it
    landed = {thread: [a for a in anchors if ("anchor", thread, a["n"]) in shown] for thread, anchors in landed.items()}
    state.env["term_hits"] = term_hits
    state.env["anchor_hits"] = landed
    state.env["marked"] = applied
    _attach_xrefs(state, annotations.threads, landed)


def _attach_xrefs(state: StateCore, threads: list[dict], landed: dict) -> None:
    """Give each paragraph that anchors a thread the list of the thread's other
    anchors, rendered after the paragraph by `xrefs_html`."""
    titles = {t["id"]: t.get("title", t["id"]) for t in threads}
    order = {b["id"]: i for i, b in enumerate(state.env.get("blocks", []))}
    by_block: dict[str, list[dict]] = {}
    for thread_id, anchors in landed.items():
        ordered = sorted(anchors, key=lambda a: (order.get(a["block"], 0), a["n"]))
        for block in dict.fromkeys(a["block"] for a in ordered):
            # one note per thread per paragraph: its anchors here, links to those elsewhere
            here = [a for a in ordered if a["block"] == block]
            others = [dict(o, label=PART_LABELS.get(o["part"], o["part"])) for o in ordered if o["block"] != block]
            by_block.setdefault(block, []).append({
                "thread": thread_id, "title": titles.get(thread_id, thread_id), "here": here, "others": others})
    state.env["xrefs"] = by_block


def shorten(text: str, most: int = 18) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def xrefs_html(entries: list[dict]) -> str:
    """The cross-references shown after a paragraph: site UI, so marked data-ui."""
    if not entries:
        return ""
    items = []
    for entry in entries:
        # the other anchors: part and a short quote; their notes live on the thread page
        links = "".join(
            f'<li><a data-xref href="#{escape(o["id"])}"><span class="xref-part">{escape(o["label"])}</span>'
            f'<span class="xref-quote">{escape(shorten(o["quote"]))}</span></a></li>'
            for o in entry["others"])
        notes = "".join(f'<p class="xref-here">{escape(a["note"])}</p>' for a in entry["here"] if a.get("note"))
        items.append(
            f'<details class="xref" data-thread="{escape(entry["thread"])}"><summary>'
            f'<span class="xref-label">线索</span>{escape(entry["title"])}</summary>'
            + notes
            + f'<ol>{links}</ol><a class="xref-thread" href="threads/{escape(entry["thread"])}.html">整条线索</a></details>')
    # a plain div, not <aside>: fifty landmarks would clutter screen-reader navigation
    return f'<div class="xrefs" data-ui>{"".join(items)}</div>\n'


def annotations_plugin(md: MarkdownIt, settings: dict) -> None:
    """Load the annotations once per parser, register the marking rule, and
    render each paragraph's cross-references after it."""
    annotations = load_annotations(settings)
    md.core.ruler.after("block_ids", "annotations", lambda state: annotate(state, annotations))
    close_paragraph = md.renderer.rules["paragraph_close"]

    def render_close(self, tokens, idx, options, env) -> str:
        opener = next(t for t in reversed(tokens[:idx]) if t.type == "paragraph_open" and t.level == tokens[idx].level)
        html = close_paragraph(tokens, idx, options, env)
        return html + xrefs_html(env.get("xrefs", {}).get(opener.meta.get("block_id"), []))

    md.add_render_rule("paragraph_close", render_close)
