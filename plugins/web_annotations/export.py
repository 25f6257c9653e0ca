"""A report's annotations as a W3C Web Annotation collection (JSON-LD).

One annotation per term occurrence and per thread anchor in the report, taken
from the resolve phase (library.hits_by_report, library.anchors_by_report:
never searched again). Each targets the report page's canonical URL with a TextQuoteSelector
and a TextPositionSelector over the report's text (text.py defines it). The
body of a term occurrence (motivation `describing`) is its definition, its
page, its sources and its review date; the body of an anchor (motivation
`linking`) is the thread's page and the anchor's note.

The output is stable byte for byte (no build time in it): it is attached to
the PDF, whose bytes must not change when nothing changed.
"""
from __future__ import annotations

import hashlib
import json

from .selectors import position_selector, quote_selector
from .text import DEFINITION, report_text

EXPORT_NAME = "annotations.jsonld"
CONTEXT = ["http://www.w3.org/ns/anno.jsonld",
           {"textDefinition": "dcterms:description", "textSha256": "http://spdx.org/rdf/terms#checksumValue"}]


def _datetime(date) -> str:
    """A YAML date (kept as an ISO string) as the xsd:dateTime the model asks for."""
    text = str(date or "")
    return f"{text}T00:00:00+08:00" if len(text) == 10 else text  # dates are written in Beijing time


def _sources(entry: dict) -> list[dict]:
    bodies = []
    for source in entry.get("sources") or []:
        if not isinstance(source, dict) or not source.get("url"):
            continue
        body = {"id": source["url"], "type": "Text", "format": "text/html", "purpose": "linking",
                "title": source.get("title", "")}
        if source.get("publisher"):
            body["creator"] = {"type": "Organization", "name": source["publisher"]}
        if source.get("date"):  # as written: a year or a month is not an xsd:dateTime
            body["dcterms:issued"] = str(source["date"])
        bodies.append(body)
    return bodies


def _textual(value: str, purpose: str, reviewed=None, media: str = "text/markdown") -> dict:
    body = {"type": "TextualBody", "purpose": purpose, "value": value, "format": media, "language": "zh-CN"}
    if reviewed:
        body["modified"] = _datetime(reviewed)
    return body


def _page(url: str, title: str, purpose: str) -> dict:
    return {"id": url, "type": "Text", "format": "text/html", "purpose": purpose, "title": title}


def report_collection(library, slug: str, site_url: str = "", site_name: str = "") -> dict:
    """The collection for one report. `site_url` is the absolute site root
    (publishconf.py); without one (a local build) every URL is relative to
    the export's own place, `<slug>/annotations.jsonld`."""
    parsed = library.report(slug)
    text, starts = report_text(parsed.blocks)
    root = f"{site_url.rstrip('/')}/" if site_url else "../"
    own = f"{root}{slug}/{EXPORT_NAME}" if site_url else EXPORT_NAME
    source = f"{root}{parsed.report.url}"
    terms = library.annotations.by_id("terms")
    threads = library.annotations.by_id("threads")
    creator = {"type": "Organization", "name": site_name} if site_name else None
    items: list[tuple[int, int, dict]] = []

    def target(block: str, start: int, end: int) -> tuple[int, int, dict]:
        at = starts[block]
        return at + start, at + end, {"source": source, "selector": [
            quote_selector(text, at + start, at + end), position_selector(at + start, at + end)]}

    made = _made_once(library, root)
    for term_id in library.term_hits:
        mine = library.hits_by_report.get((slug, term_id))
        if not mine:
            continue
        term = terms.get(term_id)
        # one body for all of the term's occurrences, in every report: made once per library
        body = made(("term", term_id), lambda: [
            _textual(term.get("definition", ""), "describing", term.get("reviewed")),
            _page(f"{root}terms/{term_id}.html", term.get("term", term_id), "identifying"), *_sources(term)])
        for n, hit in enumerate(mine, 1):
            start, end, aim = target(hit.block, hit.start, hit.end)
            items.append((start, end, {"id": f"{own}#term-{term_id}-{n}", "type": "Annotation",
                                       "motivation": "describing", "body": body, "target": aim}))
    for anchor in library.anchors_by_report.get(slug, []):
        thread_id = anchor.thread
        thread = threads.get(thread_id, {})
        place = anchor.place
        start, end, aim = target(place.block, place.start, place.end)
        body = [_page(f"{root}threads/{thread_id}.html", thread.get("title", thread_id), "linking")]
        if thread.get("reviewed"):
            body[0]["modified"] = _datetime(thread["reviewed"])
        if anchor.note:
            body.append(_textual(anchor.note, "commenting", thread.get("reviewed"), "text/plain"))
        body += made(("thread sources", thread_id), lambda: _sources(thread))
        items.append((start, end, {"id": f"{own}#thread-{anchor.id}", "type": "Annotation",
                                   "motivation": "linking", "body": body, "target": aim}))
    annotations = [a for _s, _e, a in sorted(items, key=lambda item: (item[0], item[1], item[2]["id"]))]
    for annotation in annotations:
        if creator:
            annotation["creator"] = creator
    return {
        "@context": CONTEXT,
        "id": own,
        "type": "AnnotationCollection",
        "label": parsed.report.title,
        "textDefinition": DEFINITION,
        "textSha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "total": len(annotations),
        "first": {"id": f"{own}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": annotations},
    }


def _made_once(library, root: str):
    """made(key, make): a part of the export that is the same in every report
    (a term's body, a thread's sources), made once per library and root URL.
    Shared, never changed: json.dumps only reads it."""
    kept = library.__dict__.setdefault("export_parts", {})

    def made(key: tuple, make):
        key = (root, *key)
        if key not in kept:
            kept[key] = make()
        return kept[key]

    return made


def dumps(collection: dict) -> bytes:
    """Compact JSON: it is read by programs, and indenting it cost ~50 ms a report."""
    return (json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _digests(library) -> dict[tuple[str, str], str]:
    """Each term's and thread's data as one string, once per library (export keys)."""
    if getattr(library, "export_digests", None) is None:
        library.export_digests = {
            (kind, item["id"]): json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
            for kind in ("terms", "threads") for item in getattr(library.annotations, kind)
            if isinstance(item.get("id"), str)}
    return library.export_digests


def export_key(library, slug: str, site_url: str, site_name: str) -> tuple:
    """Everything report_collection reads for one report: its text (the parse's
    key), title and URL, its term hits with their terms' data, its anchors with
    their threads' data. An edit to a term that the report does not hold
    leaves its export as it was (serve's warm process keeps it, warm.py)."""
    parsed = library.report(slug)
    digests = _digests(library)
    hits = tuple((term_id, tuple(mine), digests.get(("terms", term_id)))
                 for term_id in library.term_hits if (mine := library.hits_by_report.get((slug, term_id))))
    anchors = tuple((a.id, a.place, a.note, digests.get(("threads", a.thread)))
                    for a in library.anchors_by_report.get(slug, []))
    return parsed.key, parsed.report.url, parsed.report.title, site_url, site_name, hits, anchors


def export_bytes(settings: dict, slug: str) -> bytes:
    """The export of one report for this build's settings, made once per
    library (the generator writes it; the PDF attaches the same bytes)."""
    import warm
    from library.resolve import resolve

    library = resolve(settings)
    site_url, site_name = site_root(settings), settings.get("SITENAME", "")
    key = export_key(library, slug, site_url, site_name)
    return warm.kept("export", f"{slug} {site_url}", key,
                     lambda: dumps(report_collection(library, slug, site_url, site_name)))


def site_root(settings: dict) -> str:
    """The absolute site URL of a publishing build, or "" for a local one."""
    url = str(settings.get("SITEURL") or "")
    return url.rstrip("/") if url.startswith(("http://", "https://")) else ""
