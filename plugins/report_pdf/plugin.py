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
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pelican import signals

import same_files

from .archive import Built, build_pdf, prune

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


# The settings build_pdf reads, directly or through the resolve phase and the
# Web Annotation export it attaches: plain data, sent to the worker processes.
PDF_SETTINGS = ("PATH", "ANNOTATIONS_PATH", "PDF_THEME_PATH", "PDF_CACHE_PATH", "PDF_REUSE_RENDERED",
                "SITENAME", "SITEURL", "SITE_ROOT", "RELATIVE_URLS", "LABELS_PATH", "SCHEMAS_PATH",
                "MARKDOWN_IT_PLUGINS")
WORKERS_ENV = "PDF_WORKERS"  # how many processes render PDFs (default: one per core)


def workers(jobs: int) -> int:
    try:
        wanted = int(os.environ.get(WORKERS_ENV, "0"))
    except ValueError:
        wanted = 0
    return max(1, min(jobs, wanted or os.cpu_count() or 1))


def _render_job(job: tuple) -> Built:
    """One report's PDF, in a worker process (WeasyPrint runs per process)."""
    return build_pdf(*job)


def render_all(jobs: list[tuple], processes: int) -> list[Built]:
    """Every PDF, in report order; several reports in parallel processes, one
    per core (a layout is pure Python: threads would share one core). Forked,
    so the workers start with WeasyPrint and the justify patch already imported."""
    from progress import count

    if processes <= 1 or len(jobs) <= 1:
        results = []
        for job in jobs:
            results.append(build_pdf(*job))
            count("pdf", len(results), len(jobs))
        return results
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_render_job, job) for job in jobs]
        results = []
        for n, future in enumerate(futures, 1):
            results.append(future.result())  # a RenderError in a worker is raised here
            count("pdf", n, len(jobs))
        return results


def render(generators) -> None:
    context = generators[0].context
    from labels import labels

    settings = {key: context[key] for key in PDF_SETTINGS if key in context}
    pages = report_pages(context.get("pages", []))
    jobs = []
    for page in pages:
        view = page.metadata["report"]
        report = {**view, "blocks": page.metadata["blocks"]}
        jobs.append((settings, report, page.content, own_annotations(context.get("annotations") or {}, view["slug"]),
                     labels(context)))
    facts, built = {}, []
    for page, pdf in zip(pages, render_all(jobs, workers(len(jobs)))):
        slug = page.metadata["report"]["slug"]
        for message in pdf.log:
            LOGGER.warning("WeasyPrint (%s): %s", slug, message)
        facts[slug] = pdf.facts
        built.append((slug, pdf))
    cache = Path(settings.get("PDF_CACHE_PATH", ".cache/pdf"))
    prune(cache, {f for _, pdf in built for f in pdf.cache_files}, {slug for slug, _ in built})
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
        same_files.write_bytes(output / slug / pdf.name, pdf.pdf)
        lines.append(f"{pdf.facts['sha256']}  {slug}/{pdf.name}")
    same_files.write_text(output / "SHA256SUMS", "\n".join(lines) + "\n")


def register() -> None:
    # all_generators_finalized: pages are read and annotated; pages not yet written,
    # so the facts reach the home page, the downloads page and every header
    signals.all_generators_finalized.connect(render)
    # finalized: write the PDFs into the folder this build writes to
    signals.finalized.connect(write)
