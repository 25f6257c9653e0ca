"""The source registry (annotations/sources.yml): fixture files in, the exact
problems out, in process. A source's domain must be graded, and never
untrusted; a term with no source must say the report is its basis."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "sources"


def settings(root: Path) -> dict:
    return {"ANNOTATIONS_PATH": str(root), "SCHEMAS_PATH": str(ROOT / "schemas")}


def problems_in(root: Path) -> list[str]:
    from annotations.model import load_annotations
    from annotations.sources import check_sources

    found = check_sources(load_annotations(settings(root)), settings(root))
    return sorted(str(p).replace(p.path, Path(p.path).name, 1) for p in found)


def test_fixture_problems_are_exact():
    expected = (FIXTURES / "expected.txt").read_text(encoding="utf-8").strip()
    assert "\n".join(problems_in(FIXTURES)) == expected


def test_the_longest_listed_domain_wins():
    from annotations.sources import load_registry

    registry = load_registry(settings(FIXTURES))
    assert registry.lookup("http://orac.hainan.gov.cn/x")[0] == "orac.hainan.gov.cn"
    assert registry.grade("http://www.hainan.gov.cn/x") == "official"
    assert registry.grade("https://tz.zjol.com.cn/a") == "media"
    assert registry.lookup("https://notzjol.com.cn/a") is None  # a suffix of the name is not a parent domain


def test_best_grade():
    from annotations.model import load_annotations
    from annotations.sources import best_grade, load_registry

    registry = load_registry(settings(FIXTURES))
    ann = load_annotations(settings(FIXTURES))
    grades = {t["id"]: best_grade(t, registry) for t in ann.terms}
    assert grades == {"bare": "", "marked": "report", "official": "official", "planted": "media",
                      "reprinted": "reprint", "spam": "untrusted"}


def test_a_missing_registry_is_one_problem(tmp_path):
    (tmp_path / "terms").mkdir()
    (tmp_path / "terms" / "spam.yml").write_text((FIXTURES / "terms" / "spam.yml").read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    assert problems_in(tmp_path) == [
        "sources.yml:1:1: the source registry annotations/sources.yml is missing\n"
        "    hint: create it: 'domains:' with one 'host: {grade: ..., reason: ...}' per cited domain"]


def test_a_bad_grade_is_located(tmp_path):
    (tmp_path / "terms").mkdir()
    (tmp_path / "sources.yml").write_text("domains:\n  zj.gov.cn: {grade: offical, reason: 浙江省人民政府}\n",
                                          encoding="utf-8")
    [problem] = problems_in(tmp_path)
    assert problem.startswith("sources.yml:2:15: domains.zj.gov.cn.grade: 'offical' is not one of")


@pytest.mark.parametrize("grade", ["official", "media", "reprint", "untrusted"])
def test_the_project_registry_uses_every_grade_with_a_reason(grade):
    from annotations.sources import load_registry

    registry = load_registry(settings(ROOT / "annotations"))
    assert registry.problems == []
    assert any(v["grade"] == grade and v["reason"] for v in registry.domains.values())
