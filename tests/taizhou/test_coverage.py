"""The annotation content cannot silently shrink: counts, the share of the
report's quoted names that have a term, and threads across every review
section and goal area."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT, TAIZHOU

MIN_TERMS, MIN_THREADS, MIN_INDICATORS = 130, 24, 25
MIN_QUOTED_NAME_SHARE = 0.98


@pytest.fixture(scope="module")
def ann():
    from annotations.model import load_annotations

    return load_annotations({"ANNOTATIONS_PATH": str(ROOT / "annotations")})


@pytest.fixture(scope="module")
def blocks():
    from build import load_settings
    from library.resolve import resolve

    return resolve(load_settings()).report(TAIZHOU).blocks


def test_counts(ann):
    counts = (len(ann.terms), len(ann.threads), len(ann.indicators))
    print(f"terms {counts[0]}, threads {counts[1]}, indicators {counts[2]}")
    assert counts[0] >= MIN_TERMS and counts[1] >= MIN_THREADS and counts[2] >= MIN_INDICATORS, counts


def test_quoted_names_have_terms(ann, source_text):
    from annotations.locate import term_forms

    quoted = sorted(set(re.findall(r"“([^”]+)”", source_text)))
    names = [q for q in quoted if q not in ann.emphasis]
    forms = [form for term in ann.terms for form in term_forms(term)]

    def covered(name: str) -> bool:
        # a form that holds the name (“2211”培育工程), or most of it
        return any(name in form or (form in name and 2 * len(form) >= len(name)) for form in forms)

    missing = [n for n in names if not covered(n)]
    share = 1 - len(missing) / len(names)
    print(f"quoted names with a term: {len(names) - len(missing)}/{len(names)} ({share:.1%}); missing: {missing}")
    assert len(names) > 100  # the emphasis list must stay a short list of exceptions
    assert share >= MIN_QUOTED_NAME_SHARE, missing


def test_every_review_section_and_goal_area_has_a_thread(ann, blocks):
    from annotations.locate import find_quote

    anchored = set()
    for thread in ann.threads:
        for anchor in thread.get("anchors", []):
            for hit in find_quote(blocks, anchor["quote"], anchor.get("prefix", ""), anchor.get("suffix", "")):
                anchored.add("-".join(hit.block.split("-")[:2]))
    wanted = {f"p1-s{i}" for i in range(1, 7)} | {f"p2-s{i}" for i in range(1, 7)}
    assert wanted - anchored == set()


def test_threads_tie_the_three_parts_together(ann):
    parts = [{a["part"] for a in thread.get("anchors", [])} for thread in ann.threads]
    spanning = sum(1 for p in parts if {"review", "goals", "tasks"} <= p)
    assert spanning >= MIN_THREADS // 2, spanning


def test_every_term_has_an_http_source_and_a_sized_definition(ann):
    from annotations.check import definition_length

    for term in ann.terms:
        sources = term.get("sources") or []
        assert sources or term.get("basis") == "report", term["id"]
        assert all(s["url"].startswith(("https://", "http://")) for s in sources), term["id"]
        assert 40 <= definition_length(term["definition"]) <= 200, term["id"]


def test_every_term_rests_on_an_official_or_media_source_or_says_it_rests_on_the_report(ann):
    """Issue 15: no spam or scraper site, and a reader can tell what each term rests on."""
    from collections import Counter

    from annotations.sources import best_grade, load_registry

    registry = load_registry({"ANNOTATIONS_PATH": str(ROOT / "annotations"), "SCHEMAS_PATH": str(ROOT / "schemas")})
    assert registry.problems == []
    best = {term["id"]: best_grade(term, registry) for term in ann.terms}
    urls = Counter(registry.grade(s["url"]) or "unlisted" for term in ann.terms for s in term.get("sources") or [])
    terms = Counter(best.values())
    print(f"terms by best source: official {terms['official']}, media {terms['media']}, reprint {terms['reprint']}, "
          f"report only (marked) {terms['report']}; source URLs: official {urls['official']}, media {urls['media']}, "
          f"reprint {urls['reprint']}, untrusted {urls['untrusted']}, unlisted {urls['unlisted']}")
    assert urls["untrusted"] == 0 and urls["unlisted"] == 0, urls
    assert [t for t, grade in best.items() if grade not in ("official", "media", "report")] == []


def test_every_definition_sentence_says_what_supports_it(ann):
    """Issue 15: each sentence cites a source ([1]), the report ([报告]) or is
    marked as the editor's inference ([推断]); counts printed for the record."""
    from collections import Counter

    from annotations.citations import INFERENCE, REPORT, sentences

    kinds: Counter = Counter()
    for term in ann.terms:
        for sentence in sentences(term["definition"]):
            assert sentence.markers, (term["id"], sentence.text)
            found = {m.kind for m in sentence.markers}
            kinds["source" if "source" in found else REPORT if REPORT in found else INFERENCE] += 1
            kinds["with inference"] += INFERENCE in found
    total = kinds["source"] + kinds[REPORT] + kinds[INFERENCE]
    print(f"definition sentences {total}: citing a source {kinds['source']}, the report only {kinds[REPORT]}, "
          f"inference only {kinds[INFERENCE]}; carrying an inference marker {kinds['with inference']}")
    assert total >= 3 * MIN_TERMS and kinds["source"] > kinds[INFERENCE]
