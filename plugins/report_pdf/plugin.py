"""Pelican plugin: the archival PDF of the report (`<pdf_slug>.pdf`).

Rendered once every page is read and annotated (all_generators_finalized), so
that the downloads page and the header link can state its size, page count
and SHA-256; written into the output folder Pelican builds into (finalized),
which build.py swaps in only when the whole build succeeded. A WeasyPrint
failure raises, and the build fails.
"""
from __future__ import annotations

import logging

from pelican import signals

from .archive import build_pdf

LOGGER = logging.getLogger(__name__)
_pending: dict = {}  # the rendered PDF between the two signals; reset in finalized


def _report_page(pages):
    return next((p for p in pages if p.metadata.get("pdf_slug")), None)


def render(generators) -> None:
    context = generators[0].context
    page = _report_page(context.get("pages", []))
    if page is None:
        return
    built = build_pdf(context, page.metadata, page.content, context.get("annotations"), page.source_path)
    for message in built.log:
        LOGGER.warning("WeasyPrint: %s", message)
    context["PDF"] = built.facts
    _pending["built"] = built


def write(pelican) -> None:
    from pathlib import Path

    built = _pending.pop("built", None)
    if built is None:
        return
    output = Path(pelican.output_path)
    output.mkdir(parents=True, exist_ok=True)
    (output / built.name).write_bytes(built.pdf)
    lines = [f"{built.facts['sha256']}  {built.name}"]
    (output / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def register() -> None:
    # all_generators_finalized: pages are read and annotated; pages not yet written,
    # so the facts reach the downloads page and the header of every page
    signals.all_generators_finalized.connect(render)
    # finalized: write the PDF into the folder this build writes to
    signals.finalized.connect(write)
