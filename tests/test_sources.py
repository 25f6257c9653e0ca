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


def test_a_domain_listed_twice_is_located(tmp_path):
    (tmp_path / "terms").mkdir()
    (tmp_path / "sources.yml").write_text("domains:\n  zj.gov.cn: {grade: official, reason: 浙江省人民政府}\n"
                                          "  zj.gov.cn: {grade: media, reason: 重复}\n", encoding="utf-8")
    assert problems_in(tmp_path) == ["sources.yml:3:3: the domain 'zj.gov.cn' is listed twice\n    hint: keep one entry, with one grade"]


@pytest.mark.parametrize("grade", ["official", "media", "reprint", "untrusted"])
def test_the_project_registry_uses_every_grade_with_a_reason(grade):
    from annotations.sources import load_registry

    registry = load_registry(settings(ROOT / "annotations"))
    assert registry.problems == []
    assert any(v["grade"] == grade and v["reason"] for v in registry.domains.values())


@pytest.fixture
def graded_views():
    from annotations import views
    from annotations.model import load_annotations
    from annotations.sources import grade_term_views

    from library.resolve import Library

    terms = views.term_views(Library([], load_annotations(settings(FIXTURES))), {"concept": "概念"})
    grade_term_views(terms, settings(FIXTURES))
    return {t["id"]: t for t in terms}


def render(template: str, **context) -> str:
    from jinja2 import Environment, FileSystemLoader

    from labels import labels

    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")))
    words = labels({"LABELS_PATH": str(ROOT / "theme" / "labels.yml")})
    return env.get_template(template).render(SITEURL="", SITENAME="台州", LABELS=words, **context)


def test_the_term_page_shows_each_source_grade_and_the_basis_note(graded_views):
    page = render("term.html", term=graded_views["official"])
    assert '<span class="source-grade grade-official">官方</span> <a href="https://www.zj.gov.cn/art/1.html"' in page
    assert '<span class="source-grade grade-reprint">转载</span> <a href="http://www.zjaba.cn/news?id=1"' in page
    assert "含义未见公开说明" not in page
    marked = render("term.html", term=graded_views["marked"])
    assert '<p class="basis-note">含义未见公开说明，以下据报告原文</p>' in marked
    assert "本条没有网络出处：释义据报告原文。" in marked


def test_the_glossary_lists_the_terms_without_an_official_source(graded_views):
    from annotations import views

    terms = sorted(graded_views.values(), key=lambda t: t["sort"])
    data = {"terms": terms, "categories": views.categories(terms, {"concept": "概念"}), "initials": sorted({t["initial"] for t in terms})}
    page = render("glossary.html", annotations=data)
    section = page.split('<h2 id="no-official">尚无官方出处的术语</h2>')[1].split("</section>")[0]
    assert 'href="#no-official"' in page
    assert 'href="/terms/marked.html">示例</a> <span class="badge">据报告原文</span>' in section
    listed = {term_id for term_id in graded_views if f'href="/terms/{term_id}.html"' in section}
    assert listed == {"bare", "marked", "planted", "reprinted", "spam"}  # all but the one with an official source


def test_the_popover_data_carries_the_basis_note(graded_views):
    from annotations.pages import terms_data_js

    term = dict(graded_views["marked"], occurrences=[{"block": "p1"}])
    assert '"basis_note":"含义未见公开说明，以下据报告原文"' in terms_data_js([term])
