"""What search finds: one document per report block (heading or paragraph) and
one per annotation entry. A document carries the text that is both indexed and
shipped to the browser, where it confirms matches and gives snippets."""
from __future__ import annotations

import re
from dataclasses import dataclass

PATH_SEPARATOR = " › "

# Markdown in annotation prose: keep the words a reader sees, drop the syntax.
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


@dataclass(frozen=True)
class Document:
    kind: str    # heading | paragraph | term | thread | indicator
    url: str     # relative to the site root; report blocks end in #<block id>
    title: str   # the entry's name; "" for report blocks, whose text says it all
    path: str    # where it stands: "一、… › （一）…", or the kind of entry
    text: str    # the searchable text, also used for snippets

    @property
    def searchable(self) -> str:
        """What the index and the browser's confirmation both look at."""
        return f"{self.title}\n{self.text}" if self.title else self.text


def plain(markdown: str) -> str:
    return " ".join(_EMPHASIS.sub("", _LINK.sub(r"\1", markdown or "")).split())


def report_documents(blocks: list[dict], page_url: str, report_title: str = "",
                     regions: dict[str, str] | None = None) -> list[Document]:
    """One document per block; its path starts with the report's title, so a
    result says which report it comes from."""
    regions = regions or {}
    docs = []
    for block in blocks:
        if not block.get("text", "").strip():
            continue
        where = block.get("path") or ([regions.get(block.get("region", ""), block.get("region", ""))]
                                      if block.get("region") else [])
        docs.append(Document(block["kind"], f"{page_url}#{block['id']}", "",
                             PATH_SEPARATOR.join(p for p in [report_title, *where] if p), block["text"]))
    return docs


def term_document(term: dict, kinds: dict[str, str]) -> Document:
    forms = [f for f in term.get("match") or [] if f != term.get("term")]
    # no pinyin: tone marks are not ASCII, so it would only add noise tokens
    from annotations.citations import strip_markers  # [1], [报告], [推断]: not words a reader searches for

    parts = [" ".join(forms), term.get("short", ""), plain(strip_markers(term.get("definition", ""))), term.get("english", "")]
    return Document("term", f"terms/{term['id']}.html", str(term.get("term", term["id"])), kinds["term"],
                    "\n".join(str(p) for p in parts if p))


def thread_document(thread: dict, kinds: dict[str, str]) -> Document:
    notes = [plain(str(a.get("note", ""))) for a in thread.get("anchors") or [] if isinstance(a, dict)]
    return Document("thread", f"threads/{thread['id']}.html", str(thread.get("title", thread["id"])),
                    kinds["thread"], "\n".join(p for p in [plain(thread.get("summary", "")), *notes] if p))


def indicator_document(indicator: dict, kinds: dict[str, str]) -> Document:
    unit = f"（{indicator['unit']}）" if indicator.get("unit") else ""
    return Document("indicator", f"indicators.html#{indicator['id']}", str(indicator.get("name", indicator["id"])),
                    kinds["indicator"], f"{indicator.get('description', '')}{unit}".strip())


def annotation_documents(terms: list[dict], threads: list[dict], indicators: list[dict],
                         kinds: dict[str, str]) -> list[Document]:
    """Entries without an id are skipped: `build.py check` reports them.
    `kinds`: what each kind of entry is called (theme/labels.yml)."""
    docs = [term_document(t, kinds) for t in terms if t.get("id")]
    docs += [thread_document(t, kinds) for t in threads if t.get("id")]
    docs += [indicator_document(i, kinds) for i in indicators if i.get("id")]
    return docs
