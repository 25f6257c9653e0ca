"""The search terms, in Python (the index) and in JavaScript (the query),
against the same vectors: tests/search_vectors.json."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from search_index.shards import fnv1a
from search_index.tokenize import fold, terms

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "search_vectors.json").read_text(encoding="utf-8"))
SEARCH_JS = ROOT / "theme" / "static" / "js" / "search-core.js"
SEARCH_UI = ROOT / "theme" / "static" / "js" / "search.js"

# Runs search.js in node (it exports its pure functions there) on every vector.
NODE_RUNNER = """
const api = require(process.argv[1]);
const vectors = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  terms: vectors.terms.map(v => api.terms(v.text)),
  fold: vectors.fold.map(v => api.fold(v.text)),
  hashes: vectors.terms.flatMap(v => api.terms(v.text)).map(t => api.fnv1a(t)),
}));
"""


@pytest.mark.parametrize("case", VECTORS["terms"], ids=lambda c: c["text"] or "empty")
def test_python_terms(case):
    assert terms(case["text"]) == case["terms"]


@pytest.mark.parametrize("case", VECTORS["fold"], ids=lambda c: c["text"])
def test_python_fold_keeps_length(case):
    assert fold(case["text"]) == case["folded"]
    assert len(fold(case["text"])) == len(case["text"])


@pytest.fixture(scope="module")
def js_results() -> dict:
    result = subprocess.run(["node", "-e", NODE_RUNNER, str(SEARCH_JS)], input=json.dumps(VECTORS),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("number", range(len(VECTORS["terms"])))
def test_js_terms(js_results, number):
    assert js_results["terms"][number] == VECTORS["terms"][number]["terms"]


@pytest.mark.parametrize("number", range(len(VECTORS["fold"])))
def test_js_fold(js_results, number):
    assert js_results["fold"][number] == VECTORS["fold"][number]["folded"]


def test_both_hash_a_term_to_the_same_shard(js_results):
    """A term's shard is fnv1a(term) mod the shard count, on both sides (𠀀: a surrogate pair)."""
    every = [t for case in VECTORS["terms"] for t in terms(case["text"])]
    assert js_results["hashes"] == [fnv1a(t) for t in every]
    assert fnv1a("a") == 0xE40C292C  # the published FNV-1a test vector (one code unit, as UTF-16 "a")


def test_both_agree_on_the_whole_report(source_text):
    """Beyond the vectors: the complete source text gives the same terms."""
    script = NODE_RUNNER.replace("vectors.fold.map(v => api.fold(v.text))", "[]").replace(
        "vectors.terms.flatMap(v => api.terms(v.text)).map(t => api.fnv1a(t))", "[]")
    result = subprocess.run(["node", "-e", script, str(SEARCH_JS)],
                            input=json.dumps({"terms": [{"text": source_text}], "fold": []}),
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["terms"][0] == terms(source_text)
