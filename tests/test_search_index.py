"""The split search index as the build makes it (plugins/search_index/shards.py),
read back by search.js in node: every term in one shard, postings exact, the
same results from many shards as from a single index and as a plain substring
scan, and a query loading only the shards of its terms."""
from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest

from search_index.documents import Document, annotation_documents, report_documents
from search_index.shards import Group, build, fnv1a, postings, read_script
from search_index.tokenize import fold, terms

ROOT = Path(__file__).resolve().parent.parent
SEARCH_JS = ROOT / "theme" / "static" / "js" / "search-core.js"
SEARCH_UI = ROOT / "theme" / "static" / "js" / "search.js"

NOTES = [Document("term", "terms/x.html", "腾笼换鸟", "术语", "淘汰落后产能、引进高端产业。"),
         Document("term", "terms/y.html", "碳达峰", "术语", "二氧化碳排放达到峰值。")]
OLD = [Document("paragraph", "old/index.html#a", "", "一、回顾", "推动低碳发展，PM2.5平均浓度下降。"),
       Document("paragraph", "old/index.html#b", "", "一、回顾", "培育专精特新“小巨人”企业32家，5G基站建成。")]
NEW = [Document("heading", "new/index.html#p1", "", "", "一、目标"),
       Document("paragraph", "new/index.html#p1-1", "", "一、目标", "碳达峰碳中和，高铁通车，腾笼换鸟。"),
       Document("paragraph", "new/index.html#p1-2", "", "一、目标", "“2211”培育工程，亩均 税收，R&D经费。")]
GROUPS = [Group("", "", 0, "", NOTES), Group("new", "新报告", 2023, "new/index.html", NEW),
          Group("old", "旧报告", 2022, "old/index.html", OLD)]

# search.js in node over built files: querySync (every result) or query (what a
# page does), with the keys of every file it loaded.
NODE_SEARCH = """
const api = require(process.argv[1]);
const vm = require("vm");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const loaded = [];
function loadData(key, path) {
  loaded.push(key);
  const context = {self: {}};
  vm.runInNewContext(input.files[path], context);
  return Promise.resolve(context.self.SEARCH_DATA[key]);
}
(async () => {
  const manifest = await loadData("manifest", input.manifest);
  const store = new api.Store(manifest, loadData);
  const out = {};
  if (input.mode === "all") {
    await store.loadAll();
    for (const [q, scope] of input.queries) {
      const o = api.querySync(store, q, scope);
      out[q + "|" + scope] = {exact: o.exact, urls: o.results.map(d => d.url)};
    }
  } else {
    for (const [q, scope] of input.queries) {
      loaded.length = 0;
      const o = await api.query(store, q, scope, {notes: 3, blocks: 10});
      out[q + "|" + scope] = {loaded: loaded.slice(), total: o.total(), exact: o.exact,
        urls: o.notes.shown.concat(o.blocks.shown).map(d => d.url),
        shards: api.plan(q).exact.map(t => store.shardOf(t))};
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""


def node_search(files: dict[str, str], manifest: str, queries: list, mode: str = "all") -> dict:
    queries = [q if isinstance(q, (list, tuple)) else (q, "") for q in queries]
    result = subprocess.run(["node", "-e", NODE_SEARCH, str(SEARCH_JS)],
                            input=json.dumps({"files": files, "manifest": manifest, "queries": queries, "mode": mode}),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def scan(groups: list[Group], phrase: str, scope: str = "") -> list[str]:
    """Ground truth: every document whose text holds the phrase, in the order
    shown: notes whose name is the phrase, then those whose name holds it,
    then the other notes; then each report's blocks, newest report first."""
    needle = fold(phrase).strip()
    found = [(g, d) for g in groups if not scope or not g.slug or g.slug == scope
             for d in g.docs if needle in fold(d.searchable)]
    named = [d for g, d in found if not g.slug and needle in fold(d.title)]
    named.sort(key=lambda d: fold(d.title) != needle)  # stable: in order otherwise
    return [d.url for d in named] + [d.url for g, d in found if g.slug or needle not in fold(d.title)]


def test_every_term_is_in_exactly_one_shard_with_its_postings():
    files, manifest_path = build(GROUPS, shards=4)
    _, manifest = read_script(files[manifest_path])
    assert manifest["shards"] == 4 and manifest["docs"] == 7
    every = [d for g in GROUPS for d in g.docs]
    seen = {}
    for k in range(4):
        path = f"search/index-{k}.{manifest['index']}.js"
        key, data = read_script(files[path])
        assert key == f"index-{k}"
        for term, encoded in zip(data["terms"].split(" "), data["postings"].split(";")):
            assert fnv1a(term) % 4 == k and term not in seen
            ids, doc = [], 0
            for delta in encoded.split(","):
                doc += int(delta, 36)
                ids.append(doc)
            seen[term] = ids
    assert seen == reference_postings(every)
    # chunks: the documents of each group, in order, under the group's hash
    assert [g["chunks"] for g in manifest["groups"]] == [[2], [3], [2]]
    assert manifest["groups"][0]["names"] == ["腾笼换鸟", "碳达峰"]
    key, records = read_script(files[f"search/text-new-0.{manifest['groups'][1]['hash']}.js"])
    assert key == "text-new-0" and [r[1] for r in records] == ["p1", "p1-1", "p1-2"]


def reference_postings(docs: list[Document]) -> dict[str, list[int]]:
    """The straightforward way: terms() of each document, in turn."""
    expected: dict[str, list[int]] = {}
    for number, doc in enumerate(docs):
        for term in terms(doc.searchable):
            expected.setdefault(term, []).append(number)
    return expected


# What the fast postings treat apart: case and full width (one term from
# several spellings), white space of every kind, a lone character, pairs of
# code points above U+FFFF, U+0000 in a pair, odd and even lengths.
EDGES = ["A", "a", "Ａ a", "ＰＭ２．５ pm2.5 Pm", "全角　空格\u3000x", "x\u00a0y\u2028z\u202f\tw\r\n",
         "𠀀", "𠀀𠀁字", "a\x00b", "\x00", "ab", "abc", "", " ", "，。“”,.", "Ａ　ｂ"]


def test_postings_are_those_of_terms_for_every_document():
    vectors = json.loads((ROOT / "tests" / "search_vectors.json").read_text(encoding="utf-8"))
    texts = EDGES + [v["text"] for v in vectors["terms"]] + [v["text"] for v in vectors["fold"]]
    docs = [d for g in GROUPS for d in g.docs] + [Document("term", "t", "", "", text) for text in texts]
    docs += [Document("term", "t", title, "", text) for title, text in zip(EDGES, reversed(EDGES))]
    assert postings(docs) == reference_postings(docs)


def test_postings_of_the_built_site_are_those_of_terms(site):
    docs = [d for g in site_groups(site) for d in g.docs]
    assert postings(docs) == reference_postings(docs)


def test_names_change_with_the_content():
    files, manifest = build(GROUPS)
    changed = [GROUPS[0], GROUPS[1], Group("old", "旧报告", 2022, "old/index.html", OLD[:1])]
    files2, manifest2 = build(changed)
    assert manifest != manifest2
    assert {p for p in files if "text-new-" in p} == {p for p in files2 if "text-new-" in p}  # unchanged group: same names
    assert {p for p in files if "text-old-" in p}.isdisjoint(p for p in files2 if "text-old-" in p)
    assert build(GROUPS) == (files, manifest)  # deterministic


QUERIES = ["碳", "低碳", "碳达峰", "小巨人", "pm2.5", "PM2.5", "2.5", "5g", "5G", "2211", "“2211”", "高铁", "腾笼换鸟",
           "碳 高铁", "养老", "“小巨人”", "亩均 税收", "亩均税收", "r&d", "、", "达峰碳中和，高铁通车，腾笼换鸟。"]


@pytest.mark.parametrize("shards", [1, 2, 8])
def test_every_shard_count_gives_exactly_the_texts_that_hold_the_phrase(shards):
    files, manifest = build(GROUPS, shards=shards)
    results = node_search(files, manifest, QUERIES)
    for query in QUERIES:
        expected = scan(GROUPS, query)
        got = results[query + "|"]
        if expected:
            assert got == {"exact": True, "urls": expected}, query
    # names first among notes; then reports, newest first, in reading order
    assert results["碳|"]["urls"] == ["terms/y.html", "new/index.html#p1-1", "old/index.html#a"]
    assert results["腾笼换鸟|"]["urls"] == ["terms/x.html", "new/index.html#p1-1"]
    # no text holds the phrase: every word of it, marked as not exact
    assert results["碳 高铁|"] == {"exact": False, "urls": ["new/index.html#p1-1"]}
    assert results["养老|"] == {"exact": True, "urls": []}


def test_the_report_filter_keeps_notes_and_that_report_only():
    files, manifest = build(GROUPS, shards=2)
    results = node_search(files, manifest, [("碳", "old"), ("碳", "new"), ("高铁", "old")])
    assert results["碳|old"]["urls"] == ["terms/y.html", "old/index.html#a"] == scan(GROUPS, "碳", "old")
    assert results["碳|new"]["urls"] == ["terms/y.html", "new/index.html#p1-1"]
    assert results["高铁|old"]["urls"] == []


def test_a_query_loads_the_manifest_then_only_its_shards_and_the_chunks_it_shows():
    files, manifest = build(GROUPS, shards=16)
    results = node_search(files, manifest, ["碳", "亩均税收"], mode="page")
    for query in ("碳", "亩均税收"):
        got = results[query + "|"]
        shards = {f"index-{k}" for k in got["shards"]}
        assert {k for k in got["loaded"] if k.startswith("index-")} == shards
        assert len(shards) < 16
        assert got["urls"] == scan(GROUPS, query)
    # 碳 is one term: its postings are its results, counted before any text is read
    assert results["碳|"]["total"] == 3
    assert not any(k.startswith("text-old") for k in results["亩均税收|"]["loaded"])  # no result there, no text


def test_report_documents_follow_the_blocks():
    blocks = [{"id": "p1", "kind": "heading", "text": "一、回顾", "region": "", "path": []},
              {"id": "p1-1", "kind": "paragraph", "text": "正文", "region": "", "path": ["一、回顾"]},
              {"id": "notice-1", "kind": "paragraph", "text": "通知", "region": "notice", "path": []}]
    docs = report_documents(blocks, "r/index.html", "", {"notice": "印发通知"})
    assert [d.url for d in docs] == ["r/index.html#p1", "r/index.html#p1-1", "r/index.html#notice-1"]
    # a region is named as report.yml names it; the report's name is the group's
    assert [d.path for d in docs] == ["", "一、回顾", "印发通知"]


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


def test_an_empty_library_is_refused_with_a_message():
    with pytest.raises(ValueError, match="nothing to index"):
        build([Group("", "", 0, "", [])])


# ---- the built site (the test library: every report in content/ plus qingyu-2023) ----

def site_files(site: Path) -> tuple[dict[str, str], str]:
    files = {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in (site / "search").glob("*.js")}
    manifest = next(p for p in files if p.startswith("search/manifest."))
    return files, manifest


def site_groups(site: Path) -> list[Group]:
    """The documents the site's search holds, read back from its chunks."""
    files, manifest_path = site_files(site)
    _, manifest = read_script(files[manifest_path])
    groups = []
    for g in manifest["groups"]:
        docs = []
        for n in range(len(g["chunks"])):
            name = g["slug"] or "-notes"
            _, records = read_script(files[f"search/text-{name}-{n}.{g['hash']}.js"])
            docs += [Document(r[0], f"{g['url']}#{r[1]}" if g["slug"] else r[1], r[2], r[3], r[4]) for r in records]
        groups.append(Group(g["slug"], g["title"], g["year"], g["url"], docs))
    return groups


def test_built_site_has_search_files_and_every_page_loads_them(site):
    files, manifest = site_files(site)
    names = {re.sub(r"\.[0-9a-f]{10}\.js$", "", Path(p).name) for p in files}
    assert "manifest" in names and "index-0" in names and "text--notes-0" in names
    assert not (site / "search" / "lunr-2.3.9.min.js").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        tag = re.search(r'<script src="[^"]*theme/js/search-core\.js"></script>\n'
                        r'<script src="[^"]*theme/js/search\.js" data-root="[^"]*" data-manifest="([^"]+)"'
                        r'(?: data-report="([^"]+)")? data-labels="[^"]+" data-examples="[^"]*"></script>', html)
        assert tag, f"{page} does not load search.js"
        assert tag.group(1) == manifest
        # a report page names its report: its search box searches it first
        assert tag.group(2) == (page.parent.name if page.name == "index.html" and page.parent != site else None), page
        assert "<script>" not in html  # no inline script


def test_search_holds_every_block_of_every_report_newest_first(site):
    groups = site_groups(site)
    assert [g.slug for g in groups] == ["", "qingyu-2023", "taizhou-2022"]
    assert [g.title for g in groups[1:]] == ["青屿市2023年政府工作报告", "台州市2022年政府工作报告"]
    for group in groups[1:]:
        html = (site / group.url).read_text(encoding="utf-8")
        ids = re.findall(r'id="([^"]+)" data-block=', html)
        assert [d.url for d in group.docs] == [f"{group.url}#{b}" for b in ids]


def sample(groups: list[Group], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [d.text for g in groups if g.slug for d in g.docs]
    queries = set()
    while len(queries) < count:
        text = rng.choice(texts)
        length = rng.choice([1, 2, 3, 4, 6])
        start = rng.randrange(0, max(1, len(text) - length + 1))
        if text[start:start + length].strip():
            queries.add(text[start:start + length])
    return sorted(queries)


def test_the_sites_shards_answer_as_a_single_index_and_as_a_scan(site):
    """The same results from the built shards as from one index of the same
    documents, and both exactly the documents holding the phrase."""
    groups = site_groups(site)
    queries = sample(groups, 150, 11) + ["碳", "窨井", "PM2.5", "5G", "2211", "腾笼换鸟", "发展", "亩均税收", "“", "+"]
    files, manifest = site_files(site)
    _, data = read_script(files[manifest])
    assert data["shards"] > 1
    sharded = node_search(files, manifest, queries)
    single_files, single_manifest = build(groups, shards=1)
    single = node_search(single_files, single_manifest, queries)
    assert sharded == single
    for query in queries:
        expected = scan(groups, query)
        assert sharded[query + "|"]["urls"] == expected or not expected, query
        assert sharded[query + "|"]["exact"], query


def test_search_js_holds_no_interface_words_and_every_label_it_uses_exists():
    import yaml

    code = "\n".join(line.split("//")[0] for path in (SEARCH_JS, SEARCH_UI)
                     for line in path.read_text(encoding="utf-8").splitlines())
    assert not re.search(r"[\u4e00-\u9fff]", code), "interface words belong in theme/labels.yml"
    words = yaml.safe_load((ROOT / "theme" / "labels.yml").read_text(encoding="utf-8"))
    used = set(re.findall(r"\bL\.(\w+)", code))
    assert used and used <= set(words["search"]) | {"kinds"}, used - set(words["search"])


def test_term_documents_leave_out_citation_markers():
    from search_index.documents import term_document

    doc = term_document({"id": "t", "term": "双减", "definition": "减轻负担。[1] 据报告。[报告] 推断如此。[推断]"},
                        {"term": "术语"})
    assert "减轻负担。" in doc.text and "[" not in doc.text and "推断如此。" in doc.text
