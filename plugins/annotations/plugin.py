"""Pelican plugin: annotation pages. The marking of the report itself is a
markdown-it rule (mark.py), registered through MARKDOWN_IT_PLUGINS."""
from __future__ import annotations

from pelican import signals

from .pages import AnnotationPagesGenerator


def get_generators(pelican):
    return AnnotationPagesGenerator


def register() -> None:
    # get_generators: add the glossary, term, thread and indicator pages
    signals.get_generators.connect(get_generators)
