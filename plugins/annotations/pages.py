"""A Pelican generator for the annotation pages: the glossary, one page per
term, the threads index, one page per thread, and the indicators page."""
from __future__ import annotations

import json
from pathlib import Path

from pelican.generators import Generator

import same_files

from . import views
from .sort_keys import remember
from .sources import grade_term_views


class AnnotationPagesGenerator(Generator):
    def generate_context(self) -> None:
        from labels import labels
        from library.resolve import resolve

        from .mark import mark_library

        root = Path(self.settings.get("ANNOTATIONS_PATH", "annotations"))
        ui = labels(self.settings)
        self.library = resolve(self.settings)
        mark_library(self.library, ui)  # which anchors could be placed, before any page lists them
        remember([t.get("term", "") for t in self.library.annotations.terms],
                 Path(self.settings.get("SORT_KEYS_CACHE", ".cache/sort-keys.json")))
        terms = views.term_views(self.library, views.category_labels(root), ui.get("citations"))
        grade_term_views(terms, self.settings)  # source grades and the basis note (issue 15)
        chart = _chart_function()
        indicators = views.indicator_views(self.library, ui)
        for indicator in indicators:
            # one value is a number, not a chart: the page and the PDF show it in the table alone
            indicator["chart_svg"] = chart(indicator) if chart and len(indicator["values_sorted"]) > 1 else ""
        self.context["LABELS"] = ui
        self.context["annotations"] = {
            "terms": terms,
            "categories": views.categories(terms, views.category_labels(root)),
            "initials": sorted({t["initial"] for t in terms}),
            "threads": views.thread_views(self.library, ui),
            "indicators": indicators,
        }

    def generate_output(self, writer) -> None:
        # Shared with a forked process (plugins/beside.py): it starts now, and
        # this one joins in once its own output is written. Not earlier: the
        # pages read context that plugins add up to here (the PDFs' facts, at
        # all_generators_finalized).
        from beside import share_beside

        share_beside("the annotation pages", self._page_jobs(writer))

    def _page_jobs(self, writer) -> list:
        """Each page to write, as a function that writes it."""
        data = self.context["annotations"]
        relative = self.settings.get("RELATIVE_URLS", True)

        def page(name: str, template: str, **extra):
            return lambda: writer.write_file(name, self.get_template(template), self.context,
                                             relative_urls=relative, **extra)

        jobs = [page("glossary.html", "glossary")]
        jobs += [page(f"terms/{term['id']}.html", "term", term=term) for term in data["terms"]]
        jobs.append(page("threads.html", "threads"))
        jobs += [page(f"threads/{thread['id']}.html", "thread", thread=thread) for thread in data["threads"]]
        jobs.append(page("indicators.html", "indicators"))
        # each term's popover is the same in every report: encoded once, not once per report
        popovers = {t["id"]: popover_entry(t) for t in data["terms"]}
        in_report: dict[str, list[dict]] = {slug: [] for slug in self.library.slugs}
        for term in data["terms"]:
            for slug in term["reports"]:
                in_report[slug].append(term)

        def terms_data(slug: str):
            return lambda: write_terms_data(Path(self.output_path) / slug / TERMS_DATA, in_report[slug], popovers)

        return jobs + [terms_data(slug) for slug in self.library.slugs]


TERMS_DATA = "terms-data.js"  # beside each report page: the popovers of the terms in it
POPOVER_FIELDS = ("term", "pinyin", "english", "short", "definition_html", "url", "category_label", "basis_note")
# The popover shows the definition without its source markers: it has no source
# list for a number to point to; its link leads to the term page, which has both.
POPOVER_FROM = {"definition_html": "definition_plain_html"}


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def popover_entry(term: dict) -> str:
    """One term's entry in window.TERMS, `"<id>":{…popover data}`, as compact JSON."""
    data = {k: term.get(POPOVER_FROM.get(k, k), term.get(k, "")) for k in POPOVER_FIELDS}
    return f"{_compact(term['id'])}:{_compact(data)}"


def terms_data_js(terms: list[dict], popovers: dict[str, str] | None = None) -> str:
    """What a report's popovers show, as a script that sets `window.TERMS`:
    loaded with <script src>, so it works from file:// (no fetch). Only terms
    that occur in that report; `<` escaped so the data can never close a tag.
    `popovers`: popover_entry by term id, made once for every report. The object
    is written as json.dumps(sort_keys=True) writes it, keys in sorted order."""
    entries = {t["id"]: (popovers or {}).get(t["id"]) or popover_entry(t) for t in terms}
    text = "{" + ",".join(entries[key] for key in sorted(entries)) + "}"
    text = text.replace("<", "\\u003c")
    return f"window.TERMS = {text};\n"


def write_terms_data(path: Path, terms: list[dict], popovers: dict[str, str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    same_files.write_text(path, terms_data_js(terms, popovers))


def _chart_function():
    try:
        from .chart import indicator_chart
    except ImportError:  # charts are optional for the pages to render
        return None
    return indicator_chart
