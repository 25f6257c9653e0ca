"""Build the print HTML: the report page's own HTML, made for paper.

The site's report HTML is the single source; for print it is changed only
around the text, never in it:
- site UI (`data-ui`: permalinks, cross-reference boxes) is dropped;
- a term's first occurrence gets a footnote with the term's `short` text;
  every marked occurrence gets an id, so the glossary can give its page;
- a thread anchor gets “（参见第N页）” pointing at its counterparts: in the
  body, not in a footnote, since WeasyPrint silently drops a footnote with
  `target-counter()` when the footnote has to move to the next page;
- links that lead to site pages are unwrapped (a PDF has no glossary.html);
- a zero-width space goes before “ and after ”: Pango will not break a line
  next to them otherwise, and leaves holes of up to 75 pt. It is not extracted
  by pdftotext and not copied.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

ZWSP = "\u200b"
APPENDICES = ("glossary", "threads", "indicators", "sources")  # their titles: theme/labels.yml


@dataclass
class PageLabels:
    """The printed page number of each anchor, from a previous layout.

    Page numbers are written into the HTML as text rather than asked of
    WeasyPrint with target-counter(): every forward target-counter makes
    WeasyPrint lay pages out again (measured: 3.6 s without them, 24 s with
    the table of contents and n / N), and text lets the glossary drop repeated
    numbers. archive.py lays out until the numbers it wrote are the numbers
    it gets; numbers sit in fixed-width boxes so they do not move the text."""

    pages: dict[str, int] = field(default_factory=dict)  # anchor → 0-based page index
    front: int = 0  # pages before the report (cover, front matter)
    total: int = 0  # pages in all

    PLACEHOLDER = "0"

    def label(self, anchor: str) -> str:
        index = self.pages.get(anchor)
        return self.PLACEHOLDER if index is None else str(index - self.front + 1)

    def distinct(self, anchors: list[str], exclude: str = "") -> list[tuple[str, str]]:
        """(label, anchor) for each anchor on a page not listed before."""
        seen, result = {exclude} if exclude and exclude != self.PLACEHOLDER else set(), []
        for anchor in anchors:
            label = self.label(anchor)
            if label not in seen:
                seen.add(label)
                result.append((label, anchor))
        return result

    @property
    def last(self) -> str:
        return str(max(self.total - self.front, 0))


@dataclass
class PrintInput:
    """What the print HTML is made from: plain data, no Pelican objects."""

    report: dict  # the report page's metadata (title, issuer, issued, blocks …)
    content: str  # the report page's HTML as the site renders it
    terms: list[dict] = field(default_factory=list)  # annotation views (annotations/views.py)
    threads: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    created: str = ""  # W3C datetimes for the PDF metadata
    modified: str = ""
    source_sha256: str = ""
    charts: dict[str, dict] = field(default_factory=dict)  # indicator id → {url, alt} (charts.write_charts)
    labels: dict = field(default_factory=dict)  # the interface's words (theme/labels.yml)


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _break_quotes(root: lxml.html.HtmlElement) -> None:
    def fix(text: str | None) -> str | None:
        return text.replace("“", ZWSP + "“").replace("”", "”" + ZWSP) if text else text

    # not in headings: they become PDF bookmarks, whose text is copied as is
    headings = HEADINGS
    for element in root.iter():
        inside_heading = any(a.tag in headings for a in element.iterancestors()) or element.tag in headings
        if not inside_heading:
            element.text = fix(element.text)
        if element is not root and not any(a.tag in headings for a in element.iterancestors()):
            element.tail = fix(element.tail)


def _footnote(term: dict) -> lxml.html.HtmlElement:
    note = lxml.html.Element("span", {"class": "footnote", "data-ui": ""})
    name = etree.SubElement(note, "span", {"class": "fn-term"})
    name.text = term.get("term", "")
    name.tail = "　" + term.get("short", "")
    return note


def _mark_terms(root: lxml.html.HtmlElement, terms: dict[str, dict]) -> dict[str, list[str]]:
    """Footnote each term's first occurrence; return the ids of every marked
    occurrence by term, for the glossary's page numbers."""
    seen: dict[str, list[str]] = {}
    footnoted: set[str] = set()
    for link in list(root.iter("a")):
        term_id = link.get("data-term")
        if not term_id:
            continue
        ids = seen.setdefault(term_id, [])
        occurrence_id = f"t-{term_id}-{len(ids) + 1}"
        ids.append(occurrence_id)
        span = lxml.html.Element("span", {"class": "term", "data-term": term_id, "id": occurrence_id})
        span.text, span.tail = link.text, link.tail
        for child in list(link):
            span.append(child)
        # never in a heading: its text is the PDF bookmark, copied as is; the
        # first occurrence in the text below gets the footnote instead
        in_heading = any(a.tag in HEADINGS for a in link.iterancestors())
        if not in_heading and term_id not in footnoted and term_id in terms and terms[term_id].get("short"):
            footnoted.add(term_id)
            span.append(_footnote(terms[term_id]))
        link.getparent().replace(link, span)
    return seen


def _counterparts(spans: list, here) -> list[str]:
    """The anchors a reader should turn to from `here`: in each other part of
    the report (review, goals, tasks), the nearest anchor of the same thread.
    All of a thread's anchors would bury the text in numbers (tried: up to
    nine per anchor); the threads appendix lists them all."""
    order = {id(span): index for index, span in enumerate(spans)}  # spans.index() made this quadratic
    position = order[id(here)]
    nearest: dict[str, tuple[int, int, str]] = {}
    for span in spans:
        if span is here or span.get("data-thread") != here.get("data-thread"):
            continue
        part = span.get("data-part", "")
        distance = abs(order[id(span)] - position)
        if part != here.get("data-part", "") and (part not in nearest or distance < nearest[part][0]):
            nearest[part] = (distance, order[id(span)], span.get("id"))
    return [anchor for _, _, anchor in sorted(nearest.values(), key=lambda n: n[1])]


def _cross_refs(root: lxml.html.HtmlElement, pages: PageLabels, parts: dict[str, str], labels: dict) -> None:
    """After each thread anchor: “（参见第N、M页）” to its counterparts."""
    before, _, after = labels["see_pages"].partition("{pages}")
    spans = [s for s in root.iter("span") if s.get("data-thread") and s.get("id")]
    for span in spans:
        span.set("data-part", parts.get(span.get("id"), ""))
    for span in spans:
        targets = pages.distinct(_counterparts(spans, span), exclude=pages.label(span.get("id")))
        if not targets:
            continue
        ref = lxml.html.Element("span", {"class": "xref", "data-ui": ""})
        ref.text = before
        for number, (label, target) in enumerate(targets):
            link = etree.SubElement(ref, "a", {"class": "pageno", "href": f"#{target}"})
            link.text = label
            link.tail = labels["see_pages_separator"] if number < len(targets) - 1 else after
        ref.tail = span.tail
        span.tail = None
        span.addnext(ref)
    for span in spans:
        span.attrib.pop("data-part", None)


def report_body(content: str, terms: list[dict], pages: PageLabels, parts: dict[str, str] | None = None,
                labels: dict | None = None) -> tuple[str, dict[str, list[str]], set[str]]:
    """The report HTML for print, the ids of term occurrences by term, and
    every id in it (links must not point anywhere else)."""
    root = _fragment(content)
    for element in list(root.iter()):
        if element is not root and element.get("data-ui") is not None:
            element.drop_tree()  # site UI; its tail is report text and stays
    occurrences = _mark_terms(root, {t["id"]: t for t in terms})
    _cross_refs(root, pages, parts or {}, labels or {"see_pages": "({pages})", "see_pages_separator": ", "})
    for link in list(root.iter("a")):
        href = link.get("href", "")
        if not href.startswith("#"):
            link.drop_tag()  # keeps every character of the text
    for element in root.iter():
        element.attrib.pop("aria-describedby", None)
    _break_quotes(root)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    return (root.text or "") + html, occurrences, ids


def _toc(blocks: list[dict], regions: dict[str, str]) -> list[dict]:
    """Parts and sections by their headings; a region's heading by the title
    report.yml gives the region (印发通知 …)."""
    entries = []
    for block in blocks:
        if block["kind"] != "heading":
            continue
        if block["region"] and block["id"] == block["region"]:
            entries.append({"id": block["id"], "text": regions.get(block["region"], block["text"]), "level": 1})
        elif not block["region"] and block["level"] in (2, 3):
            entries.append({"id": block["id"], "text": block["text"], "level": block["level"] - 1})
    return entries


def sources(terms: list[dict]) -> list[dict]:
    """Every source cited by a term, once, with the terms that cite it."""
    by_key: dict[str, dict] = {}
    for term in terms:
        for source in term.get("sources") or []:
            key = source.get("url") or source.get("title", "")
            entry = by_key.setdefault(key, {**source, "terms": []})
            entry["terms"].append(term.get("term", ""))
    return sorted(by_key.values(), key=lambda s: (s.get("publisher", ""), str(s.get("date", "")), s.get("title", "")))


def _environment(template_dir: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(template_dir)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def build_print_html(data: PrintInput, template_dir: Path, pages: PageLabels | None = None) -> str:
    pages = pages or PageLabels()
    parts = {a["id"]: a.get("part", "") for t in data.threads for a in t.get("anchors_in_order", []) if "id" in a}
    body, occurrences, ids = report_body(data.content, data.terms, pages, parts, data.labels)
    report = data.report
    terms = [dict(t, occurrence_ids=occurrences.get(t["id"], [])) for t in data.terms]
    # an anchor the marking could not place (overlapping another) has no id to point at
    threads = [dict(t, anchors_in_order=[dict(a, present=a.get("id") in ids) for a in t.get("anchors_in_order", [])])
               for t in data.threads]
    appendices = [{"id": key, "title": data.labels["appendices"][key]} for key in APPENDICES
                  if (key != "threads" or data.threads) and (key != "indicators" or data.indicators)
                  and (key not in ("glossary", "sources") or data.terms)]
    indicators = [dict(i, chart=data.charts.get(i.get("id"))) for i in data.indicators]
    template = _environment(template_dir).get_template("report.html")
    return template.render(
        report=report, body=Markup(body), toc=_toc(report.get("blocks", []), report.get("regions") or {}), terms=terms,
        threads=threads, indicators=indicators, sources=sources(data.terms), appendices=appendices,
        pages=pages, created=data.created, modified=data.modified, source_sha256=data.source_sha256,
        issued=_chinese_date(report.get("issued", "")), delivered=_chinese_date(report.get("delivered", "")),
    )


def _chinese_date(value) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日"
