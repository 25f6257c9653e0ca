"""Pelican reader for Markdown rendered by markdown-it-py.

Reads `.md` files: YAML front matter becomes metadata, the body is rendered
by the parser built from `MARKDOWN_IT_PLUGINS`. The blocks recorded by the
`block_ids` rule are kept as `page.metadata["blocks"]` for the search index,
the PDF and the annotation pages. A file that cannot be read raises, and
build.py turns Pelican's error log into a failed build.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pelican import signals
from pelican.readers import BaseReader

from input_files import MAX_CONTENT_BYTES, read_text
from yaml_safe import load_yaml

from .parser import build_parser


class ContentError(Exception):
    """A content file that cannot be published, with its location."""


def split_front_matter(text: str, path: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ContentError(f"{path}:1:1: front matter opened with --- is never closed; add a line '---' after it")
    meta = load_yaml(text[4:end], path, first_line=2, what="front matter").data or {}  # raises InputError
    if not isinstance(meta, dict):
        raise ContentError(f"{path}:2:1: front matter must be a mapping of field: value")
    meta = {str(key): value for key, value in meta.items()}
    body_start = text.count("\n", 0, end + 5)
    # keep line numbers of the body aligned with the file for error messages
    return meta, "\n" * body_start + text[end + 5:]


class ReportMarkdownReader(BaseReader):
    """Markdown via markdown-it-py. enabled: always; file_extensions: md."""

    enabled = True
    file_extensions = ["md"]

    def read(self, source_path: str):
        text = read_text(Path(source_path), Path(self.settings["PATH"]), MAX_CONTENT_BYTES)
        meta, body = split_front_matter(text, source_path)
        md = build_parser(self.settings)
        # annotation rules apply to report pages only (those with a source_file)
        env: dict = {"source_path": source_path, "is_report": "source_file" in meta}
        html = md.render(body, env)
        metadata = {}
        for key, value in meta.items():
            if isinstance(value, (dt.date, dt.datetime)):
                value = value.isoformat()
            metadata[key.lower()] = self.process_metadata(key.lower(), value) if key.lower() in ("date", "modified", "tags", "category", "author", "authors", "status") else value
        metadata["blocks"] = env.get("blocks", [])
        for key in ("annotations", "term_hits", "anchor_hits"):
            if key in env:
                metadata[key] = env[key]
        if "source_file" in metadata:
            source = Path(self.settings["PATH"]) / metadata["source_file"]
            metadata["source_sha256"] = hashlib.sha256(source.read_bytes()).hexdigest()
            metadata["source_bytes"] = source.stat().st_size
        return html, metadata


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
