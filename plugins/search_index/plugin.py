"""Pelican side of search: a generator that collects the documents once every
page is read, tells the templates where the search files are, and writes them.

Output (relative to the site root), all named by content hash (shards.py):
  search/manifest.<hash>.js      the groups (annotations, then reports newest first), shard and chunk names
  search/index-<k>.<hash>.js     postings of the terms that hash to k
  search/text-<group>-<n>.<hash>.js  the texts of consecutive documents
The browser loads the manifest on first use, then only the shards of the
query's terms and the chunks of the results it shows.
"""
from __future__ import annotations

import json
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

import same_files

from .documents import annotation_documents, report_documents
from .shards import Group, build


def load_library(settings: dict):
    from library.resolve import resolve

    return resolve(settings)


def report_pages(pages: list) -> dict:
    """Report pages by slug."""
    return {p.metadata["report"]["slug"]: p for p in pages
            if getattr(p, "template", "") == "report" and p.metadata.get("blocks")}


def groups_of(settings: dict, pages: list, kinds: dict[str, str]) -> list[Group]:
    """The annotations, then every report in library order (newest first)."""
    library = load_library(settings)
    ann = library.annotations
    groups = [Group("", "", 0, "", annotation_documents(ann.terms, ann.threads, ann.indicators, kinds))]
    by_slug = report_pages(pages)
    for parsed in library.reports:
        page = by_slug.get(parsed.slug)
        if page is None:
            continue
        report = page.metadata["report"]
        docs = report_documents(page.metadata["blocks"], page.save_as, "", report["regions"])
        groups.append(Group(parsed.slug, report["title"], report["year"], page.save_as, docs))
    return [g for g in groups if g.docs]


FORK_FROM_FILES = 300  # measured: at 1 report (88 files) forking was 30 ms slower, at 100 (2 053) 0.4 s faster


class SearchGenerator(Generator):
    """generate_context: runs after the pages generator, so every block is known.
    generate_output: writes the files the templates were told about."""

    def generate_context(self) -> None:
        from labels import labels

        words = labels(self.settings)
        self.files, manifest = build(groups_of(self.settings, self.context.get("pages", []), words["search_kinds"]))
        # templates: base.html passes these to search.js as data attributes
        self.context["SEARCH_FILES"] = {"manifest": manifest, "labels": json.dumps(
            {**words["search"], "kinds": words["search_kinds"]}, ensure_ascii=False, separators=(",", ":"))}

    def generate_output(self, writer) -> None:
        # Many files by a forked process (plugins/beside.py): creating ~20 files a
        # report was up to a second of a 100-report build, while the parent writes
        # the exports. A few (one report: ~90) are written here: a fork costs more.
        from beside import run_beside

        if len(self.files) > FORK_FROM_FILES:
            run_beside("the search index", self._write_files)
        else:
            self._write_files()

    def _write_files(self) -> None:
        for path, text in self.files.items():
            target = Path(self.output_path) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            same_files.write_text(target, text)


def get_generators(pelican) -> type:
    return SearchGenerator


def register() -> None:
    # get_generators: our generator runs after Pelican's page generator, whose
    # blocks it indexes, and before any template is rendered
    signals.get_generators.connect(get_generators)
