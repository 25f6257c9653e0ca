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
        for slug in self.slugs:
            target = Path(self.output_path) / slug / EXPORT_NAME
            target.parent.mkdir(parents=True, exist_ok=True)
            same_files.write_bytes(target, export_bytes(self.settings, slug))


def get_generators(pelican) -> type:
    return WebAnnotationsGenerator


def register() -> None:
    # get_generators: write each report's export beside its page
    signals.get_generators.connect(get_generators)
