"""Pelican reader for Markdown rendered by markdown-it-py.

Reads `.md` files. A report's HTML and blocks come from the resolved library
(library/resolve.py: each report parsed once); its metadata from report.yml,
with the blocks as `page.metadata["blocks"]`. Other pages: YAML front matter
becomes metadata, the body is rendered by the parser built from
`MARKDOWN_IT_PLUGINS`. A file that cannot be read raises, and build.py turns
Pelican's error log into a failed build.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from pelican import signals
from pelican.readers import BaseReader

from input_files import MAX_CONTENT_BYTES, read_text

from .blocks import table_of_contents
from .front_matter import ContentError, split_front_matter
from .parser import build_parser


class ReportMarkdownReader(BaseReader):
    """Markdown via markdown-it-py. enabled: always; file_extensions: md.

    A report (`reports/<slug>/report.md`) comes from the resolved library:
    parsed once, marked, its metadata from report.yml. Any other page is
    rendered here, with its front matter as metadata."""

    enabled = True
    file_extensions = ["md"]

    def read(self, source_path: str):
        from labels import labels
        from reports.config import MARKDOWN_NAME, REPORTS_DIR

        path = Path(source_path)
        if path.name == MARKDOWN_NAME and path.parent.parent.name == REPORTS_DIR:
            return read_report(self.settings, path.parent.name)
        text = read_text(path, Path(self.settings["PATH"]), MAX_CONTENT_BYTES)
        meta, body = split_front_matter(text, source_path)
        env: dict = {"source_path": source_path, "is_report": False, "labels": labels(self.settings)}
        html = build_parser(self.settings).render(body, env)
        metadata = {}
        for key, value in meta.items():
            if isinstance(value, (dt.date, dt.datetime)):
                value = value.isoformat()
            metadata[key.lower()] = self.process_metadata(key.lower(), value) if key.lower() in ("date", "modified", "tags", "category", "author", "authors", "status") else value
        return html, metadata


def read_report(settings: dict, slug: str) -> tuple[str, dict]:
    from annotations.mark import report_html
    from labels import labels
    from library.resolve import resolve

    library = resolve(settings)
    parsed = library.report(slug)
    if parsed is None:  # the check reports why; Pelican must not publish a half page
        raise ContentError(f"the report '{slug}' could not be loaded")
    html = report_html(library, parsed, build_parser(settings), labels(settings))
    view = parsed.report.view()
    return html, {"title": view["title"], "slug": slug, "save_as": parsed.report.url, "url": parsed.report.url,
                  "template": "report", "lang": "zh-cn", "summary": view.get("summary", ""),
                  "report": view, "blocks": parsed.blocks, "toc": table_of_contents(parsed.blocks)}


def add_reader(readers) -> None:
    readers.reader_classes["md"] = ReportMarkdownReader


def forget_disabled_markdown(generator) -> None:
    """Pelican warns about every .md file when python-markdown is missing, even
    though our reader handles them; drop its disabled reader."""
    for extension in ReportMarkdownReader.file_extensions:
        generator.readers.disabled_readers.pop(extension, None)


def register() -> None:
    # readers_init: replace Pelican's own Markdown reader for .md files
    signals.readers_init.connect(add_reader)
    # generator_init: silence the "install markdown" warning for files we read
    signals.generator_init.connect(forget_disabled_markdown)
