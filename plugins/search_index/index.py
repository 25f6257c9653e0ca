"""Build the Lunr index (format 2.3.9, the one lunr.js loads) from documents.

lunr.py has no tokenizer hook for Chinese, but a field given as a list is
indexed element by element: we hand it our tokens. Its default pipeline
(trimmer, English stop words, stemmer) is left out, so index terms are exactly
our tokens. No metadata (positions) is recorded: the browser finds match
offsets in the shipped text, which it needs for snippets anyway.
"""
from __future__ import annotations

from lunr.builder import Builder

from .documents import Document
from .tokenize import tokenize

FIELD = "t"  # one field: titles are ranked by the browser, not by field boosts


def build_index(docs: list[Document]) -> dict:
    """The serialized index; refs are positions in `docs` (short refs, small postings)."""
    if not docs:  # lunr.py would fail with ZeroDivisionError
        raise ValueError("nothing to index")
    builder = Builder()
    builder.ref("ref")
    builder.field(FIELD)
    for number, doc in enumerate(docs):
        builder.add({"ref": str(number), FIELD: tokenize(doc.searchable)})
    return builder.build().serialize()
