"""Pelican plugin: one archival PDF per report (`<slug>/<pdf.file>`).

Rendered once every page is read and annotated (all_generators_finalized), so
that the home page, the downloads page and the header can state each PDF's
size, page count and SHA-256; written into the output folder Pelican builds
into (finalized), which build.py swaps in only when the whole build
succeeded. A WeasyPrint failure raises, and the build fails. Each PDF carries
only the annotations that occur in its report.
"""
from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from .archive import build_pdf

LOGGER = logging.getLogger(__name__)
_pending: dict = {}  # the rendered PDFs between the two signals; reset in finalized


def report_pages(pages) -> list:
    return [p for p in pages if p.metadata.get("report")]


def own_annotations(annotations: dict, slug: str) -> dict:
    """The annotations that occur in one report: its terms, its threads with
    their anchors in it, its indicators with the values it states."""
    threads = [dict(t, anchors_in_order=[a for a in t["anchors_in_order"] if a["report"] == slug])
               for t in annotations.get("threads", []) if slug in t.get("reports", [])]
    indicators = [dict(i, values_sorted=[v for v in i["values_sorted"] if v.get("report") == slug])
                  for i in annotations.get("indicators", []) if slug in i.get("reports", [])]
    return {"terms": [t for t in annotations.get("terms", []) if slug in t.get("reports", [])],
            "threads": threads, "indicators": indicators}


def render(generators) -> None:
    context = generators[0].context
    from labels import labels

    facts, built = {}, []
    for page in report_pages(context.get("pages", [])):
        view = page.metadata["report"]
        report = {**view, "blocks": page.metadata["blocks"]}
        pdf = build_pdf(context, report, page.content, own_annotations(context.get("annotations") or {}, view["slug"]),
                        labels(context))
        for message in pdf.log:
            LOGGER.warning("WeasyPrint (%s): %s", view["slug"], message)
        facts[view["slug"]] = pdf.facts
        built.append((view["slug"], pdf))
    context["PDFS"] = facts
    _pending["built"] = built


def write(pelican) -> None:
    built = _pending.pop("built", [])
    if not built:
        return
    output = Path(pelican.output_path)
    lines = []
    for slug, pdf in built:
        (output / slug).mkdir(parents=True, exist_ok=True)
        (output / slug / pdf.name).write_bytes(pdf.pdf)
        lines.append(f"{pdf.facts['sha256']}  {slug}/{pdf.name}")
    (output / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def register() -> None:
    # all_generators_finalized: pages are read and annotated; pages not yet written,
    # so the facts reach the home page, the downloads page and every header
    signals.all_generators_finalized.connect(render)
    # finalized: write the PDFs into the folder this build writes to
    signals.finalized.connect(write)
