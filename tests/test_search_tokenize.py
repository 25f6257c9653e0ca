"""The search tokenizer, in Python (the index) and in JavaScript (the query),
against the same vectors: tests/search_vectors.json."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from search_index.tokenize import fold, tokenize

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "search_vectors.json").read_text(encoding="utf-8"))
SEARCH_JS = ROOT / "theme" / "static" / "js" / "search.js"

# Runs search.js in node (it exports its pure functions there) on every vector.
NODE_RUNNER = """
const api = require(process.argv[1]);
const vectors = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  tokenize: vectors.tokenize.map(v => api.tokenize(v.text)),
  fold: vectors.fold.map(v => api.fold(v.text)),
}));
"""


@pytest.mark.parametrize("case", VECTORS["tokenize"], ids=lambda c: c["text"] or "empty")
def test_python_tokenizer(case):
    assert tokenize(case["text"]) == case["tokens"]


@pytest.mark.parametrize("case", VECTORS["fold"], ids=lambda c: c["text"])
def test_python_fold_keeps_length(case):
    assert fold(case["text"]) == case["folded"]
    assert len(fold(case["text"])) == len(case["text"])


@pytest.fixture(scope="module")
def js_results() -> dict:
    result = subprocess.run(["node", "-e", NODE_RUNNER, str(SEARCH_JS)], input=json.dumps(VECTORS),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("number", range(len(VECTORS["tokenize"])))
def test_js_tokenizer(js_results, number):
    assert js_results["tokenize"][number] == VECTORS["tokenize"][number]["tokens"]


@pytest.mark.parametrize("number", range(len(VECTORS["fold"])))
def test_js_fold(js_results, number):
    assert js_results["fold"][number] == VECTORS["fold"][number]["folded"]


def test_both_tokenizers_agree_on_the_whole_report(source_text):
    """Beyond the vectors: the complete source text tokenizes the same way."""
    script = NODE_RUNNER.replace("vectors.fold.map(v => api.fold(v.text))", "[]")
    result = subprocess.run(["node", "-e", script, str(SEARCH_JS)],
                            input=json.dumps({"tokenize": [{"text": source_text}], "fold": []}),
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["tokenize"][0] == tokenize(source_text)
