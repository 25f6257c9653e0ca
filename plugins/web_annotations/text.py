"""The text that the export's selectors count in: a report as a reader sees it.

Definition (also in the export's `textDefinition` and the README): the text of
each block of the report (heading or paragraph, as report_markdown/blocks.py
records it in `env["blocks"]`: the characters a reader sees, without anything
the site adds, which is marked `data-ui`), in document order, joined with one
"\\n" between blocks. Positions count Unicode code points from 0 (a Python
`str` index; not UTF-16 code units as in a JavaScript string), end exclusive,
as the W3C TextPositionSelector does.
"""
from __future__ import annotations

SEPARATOR = "\n"
DEFINITION = ("The text of each block of the report (its headings and paragraphs, as a reader sees "
              "them; nothing the site adds), in document order, joined with one newline between "
              "blocks. Positions count Unicode code points from 0; end is exclusive.")


def report_text(blocks: list[dict]) -> tuple[str, dict[str, int]]:
    """The report's text and where each block starts in it, by block id."""
    starts: dict[str, int] = {}
    parts, at = [], 0
    for block in blocks:
        starts[block["id"]] = at
        parts.append(block["text"])
        at += len(block["text"]) + len(SEPARATOR)
    return SEPARATOR.join(parts), starts
