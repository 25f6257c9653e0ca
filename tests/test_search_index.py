"""The search index as the build makes it: documents, the lunr.py index, its
packing, and the packing read back by search.js with lunr.js in node."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from search_index.documents import Document, annotation_documents, report_documents
from search_index.index import build_index
from search_index.pack import pack_index, read_pack_script
from search_index.plugin import MSG_NO_LUNR, lunr_script
from search_index.tokenize import tokenize

ROOT = Path(__file__).resolve().parent.parent
SEARCH_JS = ROOT / "theme" / "static" / "js" / "search.js"
LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.js"

DOCS = [
    Document("paragraph", "index.html#a", "", "一、回顾", "推动低碳发展，PM2.5平均浓度下降。"),
    Document("paragraph", "index.html#b", "", "一、回顾", "培育专精特新“小巨人”企业32家，5G基站建成。"),
    Document("paragraph", "index.html#c", "", "二、目标", "碳达峰碳中和，高铁通车。"),
    Document("term", "terms/x.html", "腾笼换鸟", "术语", "淘汰落后产能、引进高端产业。"),
]

# search.js's own search(), in node, over packs written by pack_index.
NODE_SEARCH = """
const api = require(process.argv[1]);
const lunr = require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const packs = input.packs.map(p => api.unpack(p, lunr));
const out = {};
for (const q of input.queries) out[q] = api.search(packs, q, lunr).results.map(d => d.url);
process.stdout.write(JSON.stringify(out));
"""


def node_search(packs: list[dict], queries: list[str]) -> dict:
    result = subprocess.run(["node", "-e", NODE_SEARCH, str(SEARCH_JS), str(LUNR_JS)],
                            input=json.dumps({"packs": packs, "queries": queries}),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def pack_of(docs: list[Document]) -> dict:
    return {"index": pack_index(build_index(docs)), "docs": [[d.kind, d.url, d.title, d.path, d.text] for d in docs]}


def test_index_terms_are_our_tokens_without_positions():
    index = build_index(DOCS)
    terms = {term for term, _ in index["invertedIndex"]}
    assert terms == {t for d in DOCS for t in tokenize(d.searchable)}
    assert index["pipeline"] == []  # no stemmer, no stop words
    postings = [meta for _, entry in index["invertedIndex"] for meta in entry["t"].values()]
    assert postings and all(meta == {} for meta in postings)  # no positions recorded
    assert {ref for _, entry in index["invertedIndex"] for ref in entry["t"]} == {"0", "1", "2", "3"}


def test_an_empty_index_is_refused_with_a_message():
    with pytest.raises(ValueError, match="nothing to index"):
        build_index([])


def test_pack_keeps_every_posting():
    index = build_index(DOCS)
    pack = pack_index(index)
    assert pack["count"] == len(index["invertedIndex"])
    assert len(pack["postings"].split(";")) == pack["count"]
    decoded = list(pack["singles"]) + [g[0] + c for g in pack["bigrams"].split(" ") for c in g[1:]]
    decoded += pack["words"].split(" ")
    assert sorted(decoded) == sorted(term for term, _ in index["invertedIndex"])


def test_packed_index_answers_in_lunr_js():
    results = node_search([pack_of(DOCS)], ["碳", "低碳", "小巨人", "pm2.5", "2.5", "5g", "高铁", "腾笼换鸟",
                                           "碳 高铁", "养老", "“小巨人”"])
    assert results["碳"] == ["index.html#c", "index.html#a"]  # 碳达峰碳中和 has it twice
    assert results["低碳"] == ["index.html#a"]
    assert results["小巨人"] == ["index.html#b"]
    assert results["pm2.5"] == results["2.5"] == ["index.html#a"]
    assert results["5g"] == ["index.html#b"]
    assert results["腾笼换鸟"] == ["terms/x.html"]
    assert results["碳 高铁"] == ["index.html#c"]  # both pieces, as no text has the phrase
    assert results["养老"] == []
    assert results["“小巨人”"] == ["index.html#b"]


def test_report_documents_follow_the_blocks():
    blocks = [{"id": "p1", "kind": "heading", "text": "一、回顾", "region": "", "path": []},
              {"id": "p1-1", "kind": "paragraph", "text": "正文", "region": "", "path": ["一、回顾"]},
              {"id": "notice-1", "kind": "paragraph", "text": "通知", "region": "notice", "path": []}]
    docs = report_documents(blocks, "r/index.html", "某市报告", {"notice": "印发通知"})
    assert [d.url for d in docs] == ["r/index.html#p1", "r/index.html#p1-1", "r/index.html#notice-1"]
    # the path starts with the report's name; a region is named as report.yml names it
    assert [d.path for d in docs] == ["某市报告", "某市报告 › 一、回顾", "某市报告 › 印发通知"]


def test_annotation_documents_carry_definitions_without_markdown():
    docs = annotation_documents(
        [{"id": "t", "term": "双减", "short": "减轻负担。", "definition": "**双减**见[文件](https://x.cn)。"}],
        [{"id": "th", "title": "研发", "summary": "研发投入", "anchors": [{"note": "提高"}]}],
        [{"id": "i", "name": "PM2.5浓度", "unit": "微克/立方米"}],
        {"term": "术语", "thread": "线索", "indicator": "指标"})
    assert [(d.kind, d.url, d.title) for d in docs] == [
        ("term", "terms/t.html", "双减"), ("thread", "threads/th.html", "研发"),
        ("indicator", "indicators.html#i", "PM2.5浓度")]
    assert "双减见文件。" in docs[0].text and "**" not in docs[0].text and "https" not in docs[0].text


def test_missing_lunr_is_an_actionable_error(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        lunr_script({"SEARCH_LUNR_PATH": str(tmp_path / "lunr")})
    assert str(error.value) == MSG_NO_LUNR.format(path=tmp_path / "lunr" / "lunr.min.js", version="2.3.9")


def test_built_site_has_search_files_and_every_page_loads_them(site):
    lunr = site / "search" / "lunr-2.3.9.min.js"
    assert lunr.read_bytes() == (ROOT / "node_modules" / "lunr" / "lunr.min.js").read_bytes()
    packs = sorted(p.name for p in (site / "search").glob("*.js") if p != lunr)
    assert [re.sub(r"\.[0-9a-f]{10}\.js$", "", p) for p in packs] == ["annotations", "report"]
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        tag = re.search(r'<script src="[^"]*theme/js/search\.js" data-root="[^"]*" data-lunr="([^"]+)" '
                        r'data-packs="([^"]+)" data-examples="[^"]*"></script>', html)
        assert tag, f"{page} does not load search.js"
        assert tag.group(1) == "search/lunr-2.3.9.min.js"
        assert sorted(Path(p).name for p in tag.group(2).split()) == packs
        assert "<script>" not in html  # no inline script


def test_report_pack_has_every_block_of_every_report(site):
    pack_file = next((site / "search").glob("report.*.js"))
    data = read_pack_script(pack_file.read_text(encoding="utf-8"))
    expected = []
    for page in sorted(site.glob("*/index.html")):
        ids = re.findall(r'id="([^"]+)" data-block=', page.read_text(encoding="utf-8"))
        expected += [f"{page.parent.name}/index.html#{b}" for b in ids]
    assert sorted(doc[1] for doc in data["docs"]) == sorted(expected)
    assert {doc[1].split("/")[0] for doc in data["docs"]} == {"taizhou-2022", "qingyu-2023"}


NODE_PLAN = """
const api = require(process.argv[1]);
const queries = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(queries.map(q => api.plan(q))));
"""


def test_query_plan_puts_wildcards_only_where_a_token_may_continue():
    queries = ["碳", "高铁", "保、城", "1.", "30个", "养老:", "+", " ＰＭ２.５ "]
    result = subprocess.run(["node", "-e", NODE_PLAN, str(SEARCH_JS)], input=json.dumps(queries),
                            capture_output=True, text=True, check=True)
    plans = dict(zip(queries, json.loads(result.stdout)))
    both, leading, trailing = 3, 1, 2
    assert plans["碳"]["exact"] == [{"term": "碳", "wildcard": both}]
    assert plans["高铁"]["exact"] == [{"term": "高铁", "wildcard": 0}]
    assert plans["保、城"]["exact"] == [{"term": "保", "wildcard": leading}, {"term": "城", "wildcard": trailing}]
    assert plans["保、城"]["loose"] == [{"term": "保", "wildcard": both}, {"term": "城", "wildcard": both}]
    assert plans["1."]["exact"] == [{"term": "1", "wildcard": both}]  # 1.85
    assert plans["30个"]["exact"] == [{"term": "30", "wildcard": leading}, {"term": "个", "wildcard": trailing}]
    assert plans["养老:"]["pieces"] == ["养老"] and plans["养老:"]["phrase"] == "养老:"
    assert plans["+"]["exact"] == [] and plans["+"]["phrase"] == "+"
    assert plans[" ＰＭ２.５ "]["phrase"] == "pm2.5"
