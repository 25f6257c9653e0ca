"""Pelican side of search: a generator that builds the index from the resolved
library beside the build, tells the templates where the search files are, and
writes them.

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


def groups_of(settings: dict, kinds: dict[str, str]) -> list[Group]:
    """The annotations, then every report in library order (newest first),
    from the resolved library: the blocks its report pages show."""
    from library.resolve import resolve

    library = resolve(settings)
    ann = library.annotations
    groups = [Group("", "", 0, "", annotation_documents(ann.terms, ann.threads, ann.indicators, kinds))]
    for parsed in library.reports:
        report = parsed.report.view()
        docs = report_documents(parsed.blocks, parsed.report.url, "", report["regions"])
        groups.append(Group(parsed.slug, report["title"], report["year"], parsed.report.url, docs))
    return [g for g in groups if g.docs]


class SearchGenerator(Generator):
    """Made before any page is read: a forked process (plugins/beside.py)
    builds the index from the resolved library and writes its files, while
    this one reads and renders the pages. generate_context waits for the
    manifest's name only, which every page carries."""

    def __init__(self, *args, **kwargs) -> None:
        from beside import value_beside

        super().__init__(*args, **kwargs)
        self.files: dict[str, str] = {}
        self.manifest = value_beside("the search index", self._build, self._write_files)

    def _build(self) -> str:
        from labels import labels

        self.files, manifest = build(groups_of(self.settings, labels(self.settings)["search_kinds"]))
        return manifest

    def generate_context(self) -> None:
        from labels import labels

        words = labels(self.settings)
        # templates: base.html passes these to search.js as data attributes
        self.context["SEARCH_FILES"] = {"manifest": self.manifest(), "labels": json.dumps(
            {**words["search"], "kinds": words["search_kinds"]}, ensure_ascii=False, separators=(",", ":"))}

    def _write_files(self, manifest: str) -> None:
        for path, text in self.files.items():
            target = Path(self.output_path) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            same_files.write_text(target, text)


def get_generators(pelican) -> type:
    return SearchGenerator


def register() -> None:
    # get_generators: our generator is made when Pelican starts (its index is
    # built beside from then on) and gives the manifest before any template is rendered
    signals.get_generators.connect(get_generators)
