"""Block ids: readable, unique, stable across builds; every TOC link resolves."""
from __future__ import annotations

import re

from conftest import REPORT, run_build
from html_blocks import blocks, parse

ID_SCHEME = re.compile(r"^(p\d+(-s\d+)?(-\d+)?|[a-z]+(-\d+)?)$")


def test_ids_are_unique_and_follow_the_scheme(report_html):
    ids = [b["id"] for b in blocks(report_html)]
    assert len(ids) > 80
    assert len(ids) == len(set(ids))
    assert all(ID_SCHEME.match(i) for i in ids), [i for i in ids if not ID_SCHEME.match(i)]
    assert len(parse(report_html).ids) == len(set(parse(report_html).ids))


def test_structure_ids(report_html):
    by_id = {b["id"]: b for b in blocks(report_html)}
    assert by_id["p1"]["text"] == "一、过去五年工作回顾"
    assert by_id["p1-s2"]["text"] == "（二）发展动能稳步增强。"
    assert by_id["p3-s3"]["kind"] == "heading"
    assert by_id["p1-s1-1"]["text"].startswith("市场主体活力持续激发。")
    assert by_id["notice"]["kind"] == "heading"
    assert by_id["cc-1"]["text"].startswith("抄送：")
    assert [b["id"] for b in blocks(report_html) if b["kind"] == "heading" and b["id"].startswith("p")] == [
        "p1", *[f"p1-s{i}" for i in range(1, 7)], "p2", *[f"p2-s{i}" for i in range(1, 7)], "p3", "p3-s1", "p3-s2", "p3-s3"]


def test_ids_are_identical_across_two_builds(report_html, tmp_path, library):
    content, annotations = library
    result = run_build(tmp_path / "again", "--no-pdf", "--content", str(content), "--annotations", str(annotations))
    assert result.returncode == 0, result.stderr
    again = (tmp_path / "again" / REPORT).read_text(encoding="utf-8")
    assert [b["id"] for b in blocks(again)] == [b["id"] for b in blocks(report_html)]


def test_every_toc_link_resolves(report_html):
    toc = report_html[report_html.index('<nav class="toc"'):report_html.index("</nav>", report_html.index('<nav class="toc"'))]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) >= 18
    ids = set(parse(report_html).ids)
    assert [t for t in targets if t not in ids] == []


def test_html_is_chinese_and_semantic(report_html):
    assert '<html lang="zh-CN">' in report_html
    for tag in ("<main", "<article", "<nav"):
        assert tag in report_html
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", report_html)]
    # headings never skip a level on the way down
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
