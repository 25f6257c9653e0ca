"""Pelican plugin: each report's annotations as a W3C Web Annotation
collection, `<slug>/annotations.jsonld` (export.py), beside its page."""
from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import same_files

from .export import EXPORT_NAME, export_bytes


class WebAnnotationsGenerator(Generator):
    def generate_context(self) -> None:
        from library.resolve import resolve

        self.slugs = resolve(self.settings).slugs
        self.context["ANNOTATION_EXPORT"] = EXPORT_NAME  # templates link it from each report page

    def generate_output(self, writer) -> None:
        import warm
        from beside import share_beside

        jobs = [self._export_job(slug) for slug in self.slugs]
        if warm.keeping():  # serve's process: made here, kept for its next build (warm.py)
            for job in jobs:
                job()
        else:  # a one-shot build: shared with a forked process (plugins/beside.py)
            share_beside("the Web Annotation exports", jobs)

    def _export_job(self, slug: str):
        def write() -> None:
            target = Path(self.output_path) / slug / EXPORT_NAME
            target.parent.mkdir(parents=True, exist_ok=True)
            same_files.write_bytes(target, export_bytes(self.settings, slug))
        return write


def get_generators(pelican) -> type:
    return WebAnnotationsGenerator


def register() -> None:
    # get_generators: write each report's export beside its page
    signals.get_generators.connect(get_generators)
