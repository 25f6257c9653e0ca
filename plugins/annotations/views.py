"""Shape the resolved library for the templates: terms with their uses report
by report, threads with their anchors grouped by report and part, indicators
with their values across reports and the growth each target needs. Plain
data out (dicts, and named tuples for what is listed once per report); no
Pelican here, so the PDF and search use it too."""
from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

from markdown_it import MarkdownIt

from annotations.locate import sentence_around

from .side_files import load_categories
from .sort_keys import sort_key  # pinyin, remembered between builds

_md = MarkdownIt("commonmark", {"html": False})
KIND_ORDER = {"baseline": 0, "actual": 1, "target": 2}


# Named tuples, not dicts, for what a term page lists for every report (terms ×
# reports rows): Jinja reads a dict's key only after an attribute lookup has
# failed, and that cost 0.12 s of the term pages at 100 reports (0.27 → 0.15 s).
class ReportRef(NamedTuple):
    """A report as the annotation pages link to it."""

    slug: str
    title: str
    year: int
    url: str


class Occurrence(NamedTuple):
    """One place a term stands in a report, as its page quotes it."""

    report: str
    block: str
    href: str
    sentence: str
    text: str  # the form, as written there
    before: str  # the sentence around the form's first place in it: the page marks the form there
    after: str
    path: str
    where: str  # path, or the block id where there is none


class Use(NamedTuple):
    """A term's occurrences in one report."""

    report: ReportRef
    occurrences: list[Occurrence]


def markdown(text: str) -> str:
    """Annotation Markdown: raw HTML off, so editors cannot inject markup."""
    return _md.render(text or "")


def definition_renderers(labels: dict) -> dict[str, MarkdownIt]:
    """A definition three ways (citations.py): source markers linked to the
    term page's source list, plain superscripts for the PDF glossary, and
    dropped for the popover, which has no source list to point to."""
    from .citations import LINKED, PLAIN, STRIPPED, citations_plugin

    renderers = {}
    for mode in (LINKED, PLAIN, STRIPPED):
        md = MarkdownIt("commonmark", {"html": False})
        citations_plugin(md, mode=mode, labels=labels)
        renderers[mode] = md
    return renderers


def definition_html(renderers: dict[str, MarkdownIt], text: str) -> dict[str, str]:
    """A definition rendered by each of definition_renderers, from one parse:
    the modes differ only in how a marker is rendered (a third of the time)."""
    from .citations import LINKED, PLAIN, STRIPPED

    tokens = renderers[LINKED].parse(text or "", {})
    html = {mode: md.renderer.render(tokens, md.options, {}) for mode, md in renderers.items()}
    return {"definition_html": html[LINKED],  # term page
            "definition_print_html": html[PLAIN],  # PDF glossary
            "definition_plain_html": html[STRIPPED]}  # popover


def initial(text: str) -> str:
    key = sort_key(text)
    return key[0].upper() if key and key[0].isalpha() else "#"


def block_paths(parsed) -> dict[str, str]:
    """Where each block stands, as readers see it: 一、… › （一）…, or the region's title."""
    regions = parsed.report.regions
    return {b["id"]: " › ".join(b.get("path") or []) or regions.get(b.get("region", ""), b.get("region", ""))
            for b in parsed.blocks}


def _paths_when_asked(reports: dict):
    """block_paths by report slug, made for the reports asked about only
    (threads and indicators stand in a few reports, not in all)."""
    made: dict[str, dict[str, str]] = {}

    def paths(slug: str) -> dict[str, str]:
        if slug not in made:
            made[slug] = block_paths(reports[slug])
        return made[slug]

    return paths


def category_labels(root: Path) -> dict[str, str]:
    """Category ids to their labels, in glossary order (annotations/categories.yml)."""
    return load_categories(root)[0]  # its problems are reported by `check`


def _report_ref(parsed) -> ReportRef:
    report = parsed.report
    return ReportRef(report.slug, report.title, report.year, report.url)


def term_views(library, labels: dict[str, str], cite_labels: dict | None = None) -> list[dict]:
    names = {t["id"]: t.get("term", t["id"]) for t in library.annotations.terms if isinstance(t.get("id"), str)}
    reports = {r.slug: r for r in library.reports}
    refs = {r.slug: _report_ref(r) for r in library.reports}  # once per report, not per term
    paths = {r.slug: block_paths(r) for r in library.reports}
    render = definition_renderers(cite_labels or {})
    views = []
    for term in library.annotations.terms:
        if not isinstance(term.get("id"), str):
            continue
        uses = []
        for slug, parsed in reports.items():
            hits = library.hits_by_report.get((slug, term["id"]))
            if not hits:
                continue
            occurrences = []
            for hit in hits:
                text = parsed.by_id[hit.block]["text"]
                sentence, form = sentence_around(text, hit.start, hit.end), text[hit.start:hit.end]
                # split here, not in the template: the sentence always holds the form
                before, _form, after = sentence.partition(form)
                path = paths[slug].get(hit.block, "")
                occurrences.append(Occurrence(slug, hit.block, f"{parsed.report.url}#{hit.block}", sentence, form,
                                              before, after, path, path or hit.block))
            uses.append(Use(refs[slug], occurrences))
        views.append({
            **term,
            "sort": sort_key(term.get("term", "")),
            "initial": initial(term.get("term", "")),
            "category_label": labels.get(term.get("category"), term.get("category", "")),
            **definition_html(render, term.get("definition", "")),
            "uses": uses,
            "occurrences": [o for use in uses for o in use.occurrences],
            "reports": [use.report.slug for use in uses],
            "related_terms": [{"id": r, "term": names[r]} for r in term.get("related") or [] if r in names],
            "url": f"terms/{term['id']}.html",
        })
    return sorted(views, key=lambda v: (v["sort"], v["id"]))


def categories(terms: list[dict], labels: dict[str, str]) -> list[dict]:
    order = list(labels) + sorted({t.get("category", "") for t in terms} - set(labels))
    return [{"id": c, "label": labels.get(c, c), "terms": [t for t in terms if t.get("category") == c]}
            for c in order if any(t.get("category") == c for t in terms)]


def thread_views(library, ui: dict) -> list[dict]:
    """Threads with their anchors by report (oldest first: a promise, then its
    outcome) and, in each report, by the report's own parts."""
    from .mark import shown_anchors

    reports = {r.slug: r for r in library.reports}
    paths = _paths_when_asked(reports)
    chronological = sorted(library.reports, key=lambda r: (r.report.year, str(r.report.get("issued", ""))))
    first_seen = {}
    views = []
    for thread in library.annotations.threads:
        if not isinstance(thread.get("id"), str):
            continue
        anchors = []
        for anchor in shown_anchors(library, thread["id"]):
            parsed = reports[anchor.place.report]
            anchors.append({"n": anchor.n, "id": anchor.id, "report": parsed.slug, "block": anchor.place.block,
                            "href": f"{parsed.report.url}#{anchor.id}", "part": anchor.role,
                            "part_label": parsed.report.part_label(anchor.role) or ui["other_part"],
                            "quote": anchor.quote, "note": anchor.note,
                            "path": paths(parsed.slug).get(anchor.place.block, "")})
        by_report: dict[str, list[dict]] = {}
        for anchor in anchors:
            by_report.setdefault(anchor["report"], []).append(anchor)
        groups = []
        for parsed in chronological:
            mine = by_report.get(parsed.slug)
            if not mine:
                continue
            columns = [{**part, "anchors": [a for a in mine if a["part"] == part.get("role")]} for part in parsed.report.parts]
            groups.append({"report": _report_ref(parsed), "columns": columns,
                           "other": [a for a in mine if a["part"] not in {p.get("role") for p in parsed.report.parts}]})
        first = anchors[0] if anchors else None
        first_seen[thread["id"]] = (library.slugs.index(first["report"]), _block_index(reports[first["report"]], first["block"])) if first else (len(reports), 0)
        views.append({**thread, "summary_html": markdown(thread.get("summary", "")), "anchors_in_order": anchors,
                      "groups": groups, "reports": [g["report"].slug for g in groups],
                      "url": f"threads/{thread['id']}.html"})
    return sorted(views, key=lambda v: (first_seen[v["id"]], v["id"]))


def _block_index(parsed, block_id: str) -> int:
    return next((i for i, b in enumerate(parsed.blocks) if b["id"] == block_id), 0)


POINTS, GAP, COMPOUND, NONE = "points", "gap", "compound", "none"  # an indicator's `growth`


def growth_kind(indicator: dict) -> str:
    """How a target is compared with the value before it (the indicator's
    `growth`): percentage points a year for a share, a compound rate otherwise."""
    unit = str(indicator.get("unit", "")).strip()
    default = POINTS if unit in ("%", "个百分点") or unit.endswith("%") else COMPOUND
    return indicator.get("growth") or default


def _points(step: float) -> str:
    return f"{abs(step):.2f}".rstrip("0").rstrip(".")


def growth_needed(kind: str, start: dict, target: dict, ui: dict) -> str:
    """What a target asks for. A yearly rate (GDP growth 6.4% → 7%) is compared
    in percentage points, once: 'a yearly growth of the growth rate' means
    nothing. A share moves by points a year; anything else by a compound rate."""
    years = target["year"] - start["year"]
    if kind == NONE or years <= 0 or start["value"] is None:
        return ""
    step = target["value"] - start["value"]
    direction = ui["growth_up"] if step >= 0 else ui["growth_down"]
    if kind == GAP:
        return ui["growth_gap"].format(year=start["year"], direction=direction, step=_points(step))
    if kind == POINTS:
        return ui["growth_points"].format(direction=direction, step=_points(step / years))
    if start["value"] <= 0 or target["value"] < 0:
        return ""
    rate = (math.pow(target["value"] / start["value"], 1 / years) - 1) * 100
    return ui["growth_rate"].format(rate=f"{rate:.1f}")


def indicator_views(library, ui: dict) -> list[dict]:
    reports = {r.slug: r for r in library.reports}
    paths = _paths_when_asked(reports)
    located = {(v.indicator, v.index): v for values in library.values.values() for v in values}
    views = []
    for indicator in library.annotations.indicators:
        if not isinstance(indicator.get("id"), str):
            continue
        values = []
        for index, value in enumerate(indicator.get("values") or []):
            found = located.get((indicator["id"], index))
            place = found.place if found else None
            parsed = reports.get(place.report) if place else None
            values.append(dict(value, block=place.block if place else "", report=place.report if place else "",
                               href=f"{parsed.report.url}#{place.block}" if parsed else "",
                               report_year=parsed.report.year if parsed else 0,
                               path=paths(place.report).get(place.block, "") if place else "",
                               kind_label=ui["value_kinds"].get(value.get("kind"), "")))
        values.sort(key=lambda v: (v.get("year", 0), KIND_ORDER.get(v.get("kind"), 9), v["report_year"]))
        known = [v for v in values if v.get("kind") in ("baseline", "actual")]
        for value in values:
            if value.get("kind") == "target":
                earlier = [k for k in known if k["year"] < value["year"]]
                value["growth"] = growth_needed(value.get("growth") or growth_kind(indicator), earlier[-1], value, ui) if earlier else ""
        views.append({**indicator, "values_sorted": values, "reports": sorted({v["report"] for v in values if v["report"]})})
    # in the order the library first states them (newest report first, then report order)
    order = {(r.slug, b["id"]): (i, j) for i, r in enumerate(library.reports) for j, b in enumerate(r.blocks)}
    last = (len(order), 0)
    return sorted(views, key=lambda v: min((order.get((x["report"], x["block"]), last) for x in v["values_sorted"]), default=last))
