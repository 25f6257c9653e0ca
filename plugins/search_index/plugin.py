"""Pelican side of search: a generator that collects the documents once every
page is read, tells the templates where the search files are, and writes them.

Output (relative to the site root):
  search/lunr-2.3.9.min.js      copied from node_modules (npm, package-lock.json)
  search/report.<hash>.js       the report's blocks: packed index + texts
  search/annotations.<hash>.js  terms, threads, indicators: packed index + texts
The report pack is loaded first, so results for the report show before the
annotation pack has arrived. Hashed names let browsers cache them safely.
"""
from __future__ import annotations

import json
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from .documents import Document, annotation_documents, report_documents
from .index import build_index
from .pack import content_hash, pack_index, pack_script

LUNR_VERSION = "2.3.9"
OUTPUT_DIR = "search"
MSG_NO_LUNR = ("search: {path} is missing; run `npm ci` (or `make`), which installs lunr {version} "
               "from package-lock.json")
MSG_LUNR_VERSION = "search: node_modules has lunr {found}, the index format needs lunr {version}; run `npm ci`"


def lunr_script(settings: dict) -> str:
    package = Path(settings.get("SEARCH_LUNR_PATH", "node_modules/lunr"))
    script = package / "lunr.min.js"
    if not script.exists():
        raise FileNotFoundError(MSG_NO_LUNR.format(path=script, version=LUNR_VERSION))
    found = json.loads((package / "package.json").read_text(encoding="utf-8")).get("version")
    if found != LUNR_VERSION:
        raise RuntimeError(MSG_LUNR_VERSION.format(found=found, version=LUNR_VERSION))
    return script.read_text(encoding="utf-8")


def load_entries(settings: dict) -> tuple[list, list, list]:
    from library.resolve import resolve

    ann = resolve(settings).annotations
    return ann.terms, ann.threads, ann.indicators


def report_pages(pages: list) -> list:
    return [p for p in pages if getattr(p, "template", "") == "report" and p.metadata.get("blocks")]


def pack_file(name: str, docs: list[Document]) -> tuple[str, str]:
    """(file name, script text) of one pack; no file for an empty pack."""
    pack = {"index": pack_index(build_index(docs)),
            "docs": [[d.kind, d.url, d.title, d.path, d.text] for d in docs]}
    script = pack_script(name, pack)
    return f"{OUTPUT_DIR}/{name}.{content_hash(script)}.js", script


class SearchGenerator(Generator):
    """generate_context: runs after the pages generator, so every block is known.
    generate_output: writes the files the templates were told about."""

    def generate_context(self) -> None:
        self.files: dict[str, str] = {}
        from labels import labels

        report = [doc for page in report_pages(self.context.get("pages", []))
                  for doc in report_documents(page.metadata["blocks"], page.save_as, page.metadata["report"]["title"],
                                              page.metadata["report"]["regions"])]
        annotations = annotation_documents(*load_entries(self.settings), labels(self.settings)["search_kinds"])
        packs = []
        for name, docs in (("report", report), ("annotations", annotations)):
            if docs:
                path, script = pack_file(name, docs)
                self.files[path] = script
                packs.append(path)
        lunr_path = f"{OUTPUT_DIR}/lunr-{LUNR_VERSION}.min.js"
        self.files[lunr_path] = lunr_script(self.settings)
        # templates: base.html passes these to search.js as data attributes
        self.context["SEARCH_FILES"] = {"lunr": lunr_path, "packs": packs}

    def generate_output(self, writer) -> None:
        for path, text in self.files.items():
            target = Path(self.output_path) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def get_generators(pelican) -> type:
    return SearchGenerator


def register() -> None:
    # get_generators: our generator runs after Pelican's page generator, whose
    # blocks it indexes, and before any template is rendered
    signals.get_generators.connect(get_generators)
