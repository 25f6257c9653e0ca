"""Faithful text: every character of the source, in order, in the built page."""
from __future__ import annotations

import re

from html_blocks import blocks

WS = re.compile(r"\s+")


def squash(text: str) -> str:
    return WS.sub("", text)


def test_every_source_line_is_in_a_block_in_order(report_html, source_text):
    page = squash("".join(b["text"] for b in blocks(report_html)))
    position = 0
    for number, line in enumerate(source_text.split("\n"), 1):
        if not line.strip():
            continue
        found = page.find(squash(line), position)
        assert found >= 0, f"source line {number} is missing or out of order: {line.strip()[:40]}"
        position = found + len(squash(line))


def test_blocks_concatenated_are_the_source(report_html, source_text):
    assert squash("".join(b["text"] for b in blocks(report_html))) == squash(source_text)


def test_blocks_hold_only_source_text_when_the_site_adds_ui(report_html):
    # the permalink ¶ is site text: it must sit in a data-ui element
    assert "¶" not in "".join(b["text"] for b in blocks(report_html))
    assert report_html.count("data-ui") >= len(blocks(report_html))


def test_topic_sentences_and_run_in_headings_are_marked(report_html):
    assert '<strong>市场主体活力持续激发</strong>。' in report_html
    parsed = {b["id"]: b for b in blocks(report_html)}
    assert parsed["p2-s1"]["kind"] == "heading"
    assert parsed["p2-s1"]["text"].startswith("（一）强化创新驱动") and parsed["p2-s1"]["text"].endswith("。")
    assert parsed["p2-s1-1"]["text"].startswith("融入我省全球创新策源地布局")
