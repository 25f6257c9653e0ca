"""Mark annotations in each report on its markdown-it token stream.

From the resolved library (library/resolve.py), never by searching again, it
wraps in every paragraph
- term occurrences (by the term's `mark` policy) in
  `<a class="term" data-term="<id>" href="../terms/<id>.html">`,
- thread anchors' quotes in `<span class="anchor" data-thread="<id>" id="<id>-<n>">`,
- numbers that state an indicator value in
  `<a class="indicator-value" data-indicator="<id>" href="../indicators.html#<id>">`,
never changing a character (see ranges.py). A term is marked in a heading too
(“双循环” in a part-二 heading): there it does not use up its section's first
mark, so the paragraph below still gets one (and, in the PDF, the footnote).

Before any report is rendered, mark_library decides which anchors can be
shown in every report: an anchor that could not (it would break the markup)
gets no links to it, from any report. A report's marks are then chosen and
wrapped in its tokens when it is rendered (report_html).
After each paragraph that anchors a thread, the paragraph's cross-references
are rendered (site UI, marked data-ui) by the `xrefs_plugin` render rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markdown_it import MarkdownIt

import warm
from report_markdown.blocks import block_opener

from . import ranges

ROOT = "../"  # report pages live in <slug>/, one level below the site root


@dataclass
class Marked:
    """What marking will place, for the pages and the PDF."""

    anchors: set[str] = field(default_factory=set)  # ids of anchors shown
    # made once, read for every report: a thread's shown anchors in library order, and
    # the threads with an anchor shown in each report
    by_thread: dict[str, list] = field(default_factory=dict)
    threads_in: dict[str, list[str]] | None = None


def _term_ranges(library, parsed) -> dict[str, list[ranges.Range]]:
    """Occurrences to mark, by the term's policy. "First per section" counts
    each form apart, so that every member of a combined name (“数字+制造”
    “创新+制造”“品牌+制造”) is marked, not only the first one read."""
    marked: dict[str, list[ranges.Range]] = {}
    for term in library.annotations.terms:
        hits = library.hits_by_report.get((parsed.slug, term.get("id")))
        if not hits:  # most terms stand in a few reports only
            continue
        policy = term.get("mark", "first-per-section")
        chosen = set(term.get("occurrences") or [])
        seen_sections: set[tuple[str, str]] = set()
        seen_forms: set[str] = set()  # the forms in seen_sections, for "first"
        attrs = {"class": "term", "data-term": term.get("id"), "href": f"{ROOT}terms/{term.get('id')}.html"}
        for number, hit in enumerate(hits, 1):
            block = parsed.by_id[hit.block]
            if block["kind"] not in ("paragraph", "heading") or policy == "none":
                continue
            form = block["text"][hit.start:hit.end]
            heading = block["kind"] == "heading"
            if chosen:
                take = number in chosen
            elif policy == "all" or heading:
                take = True
            elif policy == "first":
                take = form not in seen_forms
            else:
                take = (block["section"], form) not in seen_sections
            if not take:
                continue
            if not heading:
                seen_sections.add((block["section"], form))
                seen_forms.add(form)
            marked.setdefault(hit.block, []).append(ranges.Range(
                hit.start, hit.end, "a", attrs, priority=1, key=("term", term["id"])))
    return marked


def _anchor_ranges(library, parsed) -> dict[str, list[ranges.Range]]:
    marked: dict[str, list[ranges.Range]] = {}
    for anchor in library.anchors_by_report.get(parsed.slug, []):
        place = anchor.place
        marked.setdefault(place.block, []).append(ranges.Range(
            place.start, place.end, "span",
            {"class": "anchor", "data-thread": anchor.thread, "data-anchor": str(anchor.n), "id": anchor.id},
            priority=3, splittable=True, key=("anchor", anchor.id)))
    return marked


def _value_ranges(library, parsed, labels: dict) -> dict[str, list[ranges.Range]]:
    marked: dict[str, list[ranges.Range]] = {}
    names = {i["id"]: i.get("name", "") for i in library.annotations.indicators if isinstance(i.get("id"), str)}
    for value in library.numbers_by_report.get(parsed.slug, []):
        number = value.number
        kind = labels["value_kinds"].get(value.data.get("kind"), "") if value.data.get("kind") == "target" else ""
        label = labels["value_title"].format(name=names.get(value.indicator, ""), year=value.data.get("year"), kind=kind)
        marked.setdefault(number.block, []).append(ranges.Range(
            number.start, number.end, "a",
            {"class": "indicator-value", "data-indicator": value.indicator,
             "href": f"{ROOT}indicators.html#{value.indicator}", "title": label},
            priority=2, key=("indicator", value.indicator)))
    return marked


def _by_block(parsed, wanted: dict[str, list[ranges.Range]]):
    """(index of the inline token, ranges to choose from) for each block with ranges wanted."""
    for index, token in enumerate(parsed.tokens):
        block_id = token.meta.get("block_id") if token.type in ("paragraph_open", "heading_open") else None
        if block_id and block_id in wanted:
            # in a heading only terms: an anchor there would carry its cross-references
            # (“参见第N页”) into the heading, and so into the PDF bookmark
            yield index + 1, [r for r in wanted[block_id] if token.type == "paragraph_open" or r.key[0] == "term"]


def mark_library(library, labels: dict) -> Marked:
    """Which anchors every report can show, once per library. Anchors are
    chosen first (ranges.choose takes the highest priority first), so their
    fate does not depend on the terms and values marked around them, which
    report_html chooses when it renders the report."""
    if getattr(library, "marked", None) is not None:
        return library.marked
    result = Marked()
    for parsed in library.reports:
        if parsed.slug not in library.anchors_by_report:
            continue  # no anchor: its tokens need no walk
        anchors = _anchor_ranges(library, parsed)

        def shown(parsed=parsed, anchors=anchors) -> set[str]:
            found: set[str] = set()
            for index, items in _by_block(parsed, anchors):
                kept = ranges.choose(items, ranges.formatting_edges(parsed.tokens[index].children or []))
                found |= {r.key[1] for r in kept}
            return found

        # decided by the tokens and the anchors' ranges only (kept by a warm build, warm.py)
        key = (parsed.key, repr(sorted(anchors.items())))
        result.anchors |= warm.kept("anchors-shown", parsed.slug, key, shown)
    library.marked = result
    return result


def _wanted(library, parsed, labels: dict) -> dict[str, list[ranges.Range]]:
    """The terms, anchors and values to wrap in a report, by block."""
    wanted: dict[str, list[ranges.Range]] = {}
    for found in (_term_ranges(library, parsed), _anchor_ranges(library, parsed), _value_ranges(library, parsed, labels)):
        for block, items in found.items():
            wanted.setdefault(block, []).extend(items)
    return wanted


def mark_report(library, parsed, labels: dict, wanted: dict[str, list[ranges.Range]] | None = None) -> None:
    """Wrap a report's terms, anchors and values in its tokens."""
    wanted = _wanted(library, parsed, labels) if wanted is None else wanted
    for index, items in _by_block(parsed, wanted):
        inline = parsed.tokens[index]
        children = inline.children or []
        inline.children = ranges.wrap(children, ranges.choose(items, ranges.formatting_edges(children)))


def shown_anchors(library, thread_id: str) -> list:
    """A thread's anchors that marking could place, in library order (newest
    report first, then report order)."""
    marked = getattr(library, "marked", None)
    if marked is not None and thread_id in marked.by_thread:
        return marked.by_thread[thread_id]
    if getattr(library, "block_order", None) is None:  # once per library: it was once per call (reports² × blocks)
        library.block_order = ({slug: i for i, slug in enumerate(library.slugs)},
                               {r.slug: {b["id"]: i for i, b in enumerate(r.blocks)} for r in library.reports})
    order, blocks = library.block_order
    anchors = [a for a in library.anchors.get(thread_id, []) if marked is None or a.id in marked.anchors]
    shown = sorted(anchors, key=lambda a: (order[a.place.report], blocks[a.place.report].get(a.place.block, 0), a.n))
    if marked is not None:
        marked.by_thread[thread_id] = shown
    return shown


def _threads_in(library, marked: Marked, slug: str) -> list[str]:
    """The threads with an anchor shown in a report, in library.anchors order."""
    if marked.threads_in is None:
        marked.threads_in = {}
        for thread_id in library.anchors:
            for report in dict.fromkeys(a.place.report for a in shown_anchors(library, thread_id)):
                marked.threads_in.setdefault(report, []).append(thread_id)
    return marked.threads_in.get(slug, [])


def xrefs_for(library, parsed, labels: dict) -> dict[str, list[dict]]:
    """Each paragraph that anchors a thread: its notes there and links to the
    thread's other anchors (in any report), by block id."""
    titles = {t["id"]: t.get("title", t["id"]) for t in library.annotations.threads if isinstance(t.get("id"), str)}
    reports = library.by_slug
    marked = mark_library(library, labels)  # the anchors shown, and their threads' order
    by_block: dict[str, list[dict]] = {}
    for thread_id in _threads_in(library, marked, parsed.slug):  # was every thread, for every report
        ordered = shown_anchors(library, thread_id)
        for block in dict.fromkeys(a.place.block for a in ordered if a.place.report == parsed.slug):
            here = [a for a in ordered if a.place.report == parsed.slug and a.place.block == block]
            others = []
            for other in ordered:
                if other in here:
                    continue
                same = other.place.report == parsed.slug
                report = reports[other.place.report].report
                label = report.part_label(other.role) or labels["other_part"]
                others.append({"href": f"#{other.id}" if same else f"{ROOT}{report.url}#{other.id}",
                               "label": label if same else f"{report.year} {label}", "quote": other.quote})
            by_block.setdefault(block, []).append({"thread": thread_id, "title": titles.get(thread_id, thread_id),
                                                  "notes": [a.note for a in here if a.note], "others": others})
    return by_block


def shorten(text: str, most: int = 18) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def xrefs_html(entries: list[dict], labels: dict) -> str:
    """The cross-references shown after a paragraph: site UI, so marked data-ui."""
    if not entries:
        return ""
    items = []
    for entry in entries:
        # the other anchors: part and a short quote; their notes live on the thread page
        links = "".join(
            f'<li><a data-xref href="{escape(o["href"])}"><span class="xref-part">{escape(o["label"])}</span>'
            f'<span class="xref-quote">{escape(shorten(o["quote"]))}</span></a></li>'
            for o in entry["others"])
        notes = "".join(f'<p class="xref-here">{escape(note)}</p>' for note in entry["notes"])
        items.append(
            f'<details class="xref" data-thread="{escape(entry["thread"])}"><summary>'
            f'<span class="xref-label">{escape(labels["thread"])}</span>{escape(entry["title"])}</summary>'
            + notes
            + f'<ol>{links}</ol><a class="xref-thread" href="{ROOT}threads/{escape(entry["thread"])}.html">'
            f'{escape(labels["whole_thread"])}</a></details>')
    # a plain div, not <aside>: fifty landmarks would clutter screen-reader navigation
    return f'<div class="xrefs" data-ui>{"".join(items)}</div>\n'


def xrefs_plugin(md: MarkdownIt) -> None:
    """Render each paragraph's cross-references (env["xrefs"], by block id) after it."""
    close_paragraph = md.renderer.rules["paragraph_close"]

    def render_close(self, tokens, idx, options, env) -> str:
        opener = block_opener(tokens, idx)
        html = close_paragraph(tokens, idx, options, env)
        entries = env.get("xrefs", {}).get(opener.meta.get("block_id"), [])
        return html + (xrefs_html(entries, env["labels"]) if entries else "")

    md.add_render_rule("paragraph_close", render_close)


def marks_plugin(md: MarkdownIt) -> None:
    """Render the marks' tags (ranges.py's annotation_* tokens) as markdown-it's
    renderToken does, each distinct opening tag escaped once: the same term link
    stands a few times in every report (a quarter of a report's render time)."""
    opening: dict[tuple, str] = {}

    def render_open(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        key = (token.tag, *token.attrs.items())
        if key not in opening:
            if len(opening) > 10_000:  # a long `serve` session: forget old annotations
                opening.clear()
            opening[key] = f"<{token.tag}{self.renderAttrs(token)}>"
        return opening[key]

    def render_close(self, tokens, idx, options, env) -> str:
        return f"</{tokens[idx].tag}>"

    for tag in ("a", "span"):
        md.add_render_rule(f"annotation_{tag}_open", render_open)
        md.add_render_rule(f"annotation_{tag}_close", render_close)


def report_html(library, parsed, md: MarkdownIt, labels: dict) -> str:
    """The report's HTML, marked; rendered once per library. Marked here, not
    all reports at once: made together, the new tokens (~1 000 a report) grew
    the heap, and each growth cost a full garbage collection. Every output
    reads the HTML from then on, so the tokens are let go: kept, a report's
    ~1 500 tokens were scanned by every later collection of the build (0.2 s
    of collections at 100 reports)."""
    if "html" not in parsed.env:
        mark_library(library, labels)  # which anchors every report shows, before any cross-reference
        wanted = _wanted(library, parsed, labels)
        parsed.env["xrefs"] = xrefs_for(library, parsed, labels)
        parsed.env["labels"] = labels

        def render() -> str:
            mark_report(library, parsed, labels, wanted)
            return md.renderer.render(parsed.tokens, md.options, parsed.env)

        # The HTML is made of the tokens (the parse's key), the marks, the
        # cross-references and the labels, and of nothing else: with the same
        # four, serve's warm process keeps the HTML of its last build (warm.py).
        key = (parsed.key, repr(sorted(wanted.items())), repr(parsed.env["xrefs"]), repr(labels))
        parsed.env["html"] = warm.kept("report-html", parsed.slug, key, render)
        parsed.tokens = []
    return parsed.env["html"]
