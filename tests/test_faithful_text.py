"""Faithful text: every character of each report's source, in order, in its
built page; for every report of the library, the made-up one included."""
from __future__ import annotations

import re

import pytest

from conftest import FIXTURE_REPORT, TAIZHOU, report_source
from html_blocks import blocks

WS = re.compile(r"\s+")
REPORTS = [TAIZHOU, FIXTURE_REPORT]


def squash(text: str) -> str:
    return WS.sub("", text)


def page_of(site, slug: str) -> str:
    return (site / slug / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", REPORTS)
def test_every_source_line_is_in_a_block_in_order(site, slug):
    page = squash("".join(b["text"] for b in blocks(page_of(site, slug))))
    position = 0
    for number, line in enumerate(report_source(slug).read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        found = page.find(squash(line), position)
        assert found >= 0, f"{slug}: source line {number} is missing or out of order: {line.strip()[:40]}"
        position = found + len(squash(line))


@pytest.mark.parametrize("slug", REPORTS)
def test_blocks_concatenated_are_the_source(site, slug):
    source = report_source(slug).read_text(encoding="utf-8")
    assert squash("".join(b["text"] for b in blocks(page_of(site, slug)))) == squash(source)


@pytest.mark.parametrize("slug", REPORTS)
def test_blocks_hold_only_source_text_when_the_site_adds_ui(site, slug):
    html = page_of(site, slug)
    # the permalink ¶ is site text: it must sit in a data-ui element
    assert "¶" not in "".join(b["text"] for b in blocks(html))
    assert html.count("data-ui") >= len(blocks(html))


def test_topic_sentences_and_run_in_headings_are_marked(report_html, site):
    assert '<strong>市场主体活力持续激发</strong>。' in report_html
    parsed = {b["id"]: b for b in blocks(report_html)}
    assert parsed["p2-s1"]["kind"] == "heading"
    assert parsed["p2-s1"]["text"].startswith("（一）强化创新驱动") and parsed["p2-s1"]["text"].endswith("。")
    assert parsed["p2-s1-1"]["text"].startswith("融入我省全球创新策源地布局")
    # the made-up report's part 二 has run-in sections too, and no notice
    made_up = {b["id"]: b for b in blocks(page_of(site, FIXTURE_REPORT))}
    assert made_up["p2-s1"]["text"] == "（一）加快科技创新。" and made_up["p2-s1-1"]["text"].startswith("加大全社会研发投入")
    assert "notice" not in made_up and made_up["title"]["kind"] == "heading"
