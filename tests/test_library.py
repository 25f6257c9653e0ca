"""The generator with more than one report: the made-up report
(tests/fixtures/reports/qingyu-2023) built beside Taizhou's, with annotations
that span both (tests/fixtures/annotations). Home page, old links, terms,
threads and indicators across reports, one PDF each with only its own
annotations, and quotes located in their own report."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap

import pikepdf
import pytest

from conftest import FIXTURE_REPORT, REPORT, ROOT, TAIZHOU, library_sources

import build


def read(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# ---- the home page and the URLs ------------------------------------------------

@pytest.mark.pdf
def test_home_lists_every_report_newest_first_with_issuer_date_and_pdf(site):
    home = read(site, "index.html")
    links = re.findall(r'<a href="\./([^"]+)" data-report="([^"]+)">', home)
    assert links == [(f"{FIXTURE_REPORT}/index.html", FIXTURE_REPORT), (REPORT, TAIZHOU)]  # 2023, then 2022
    for slug, issuer, date in ((FIXTURE_REPORT, "青屿市人民政府", "2023-01-10"), (TAIZHOU, "台州市人民政府", "2022-04-11")):
        item = home[home.index(f'data-report="{slug}"'):]
        item = item[:item.index("</li>")]
        assert issuer in item and date in item
        pdf = next(site.glob(f"{slug}/*.pdf"))
        assert f'href="./{slug}/{pdf.name}"' in item


@pytest.mark.pdf
def test_every_report_has_its_folder_page_source_and_pdf(site):
    for slug in (TAIZHOU, FIXTURE_REPORT):
        folder = site / slug
        assert (folder / "index.html").is_file() and (folder / "source.txt").is_file()
        assert (folder / "terms-data.js").is_file() and len(list(folder.glob("*.pdf"))) == 1


def test_old_links_to_the_site_root_reach_the_taizhou_block(open_page, server):
    page = open_page(f"{server}/index.html?hl=%E8%85%BE%E7%AC%BC#p1-s1-1")
    page.wait_for_url(f"**/{REPORT}?hl=*#p1-s1-1")
    page.wait_for_selector("#p1-s1-1")
    home = open_page(f"{server}/index.html")
    assert home.url.endswith("/index.html") and home.locator("[data-report]").count() == 2
    assert page.errors == [] and home.errors == []


def test_report_pages_keep_the_block_contracts(site):
    for slug in (TAIZHOU, FIXTURE_REPORT):
        html = read(site, f"{slug}/index.html")
        assert re.search(r'<p id="[^"]+" data-block="paragraph"', html)
        assert re.search(r'<h2 id="p1" data-block="heading"', html)
        assert 'class="permalink" href="#p1" data-ui' in html


# ---- nothing of one report on another's pages ---------------------------------------

def test_no_report_words_on_another_reports_page(site):
    made_up, taizhou = read(site, f"{FIXTURE_REPORT}/index.html"), read(site, REPORT)
    assert "台州" not in made_up and "青屿" not in taizhou
    assert "报告原文由青屿市人民政府发布" in made_up and "报告原文由台州市人民政府发布（此件公开发布）" in taizhou
    data = read(site, f"{FIXTURE_REPORT}/terms-data.js")
    assert "qingyu-kechuangyuan" in data and "qingyu-kechuangyuan" not in read(site, f"{TAIZHOU}/terms-data.js")


@pytest.mark.pdf
def test_each_pdf_carries_only_its_own_report_and_annotations(site):
    made_up = read(site, f"{FIXTURE_REPORT}/index.html")
    with pikepdf.open(next((site / FIXTURE_REPORT).glob("*.pdf"))) as pdf:
        meta = pdf.open_metadata()
        fields = " ".join(str(meta.get(k, "")) for k in ("dc:title", "dc:creator", "dc:description", "pdf:Keywords"))
        assert "青屿" in fields and "台州" not in fields
        bundle = json.loads(pdf.attachments["annotations.json"].get_file().read_bytes())
    assert bundle["report"] == FIXTURE_REPORT
    assert {t["id"] for t in bundle["terms"]} == set(re.findall(r'data-term="([^"]+)"', made_up)) - {""}
    assert [t["id"] for t in bundle["threads"]] == ["rd-across-reports"]
    text = subprocess.run(["pdftotext", str(next((site / FIXTURE_REPORT).glob("*.pdf"))), "-"],
                          capture_output=True, text=True, check=True).stdout
    body = text[:text.index("附录一", text.index("附录一") + 1)]  # cover, contents and the report itself
    assert "台州" not in body and "青屿科创园" in body


# ---- annotations across reports -----------------------------------------------------

def test_a_term_page_lists_its_uses_report_by_report(site):
    page = read(site, "terms/guishang-gongye.html")
    assert re.findall(r'<section class="term-use" data-report="([^"]+)"', page) == [FIXTURE_REPORT, TAIZHOU]
    assert f'href="../{FIXTURE_REPORT}/index.html#p1-s1-1"' in page and f'href="../{TAIZHOU}/index.html#' in page


def test_a_thread_spans_reports_promise_then_outcome(site):
    page = read(site, "threads/rd-across-reports.html")
    assert re.findall(r'<section class="thread-report" data-report="([^"]+)"', page) == [TAIZHOU, FIXTURE_REPORT]
    made_up = read(site, f"{FIXTURE_REPORT}/index.html")
    # the note after the made-up report's paragraph leads to the Taizhou target
    assert f'href="../{TAIZHOU}/index.html#rd-across-reports-1"' in made_up
    assert 'href="#rd-across-reports-3"' in made_up  # and to its own 2023 target


def test_an_indicator_takes_values_from_several_reports(site):
    page = read(site, "indicators.html")
    section = page[page.index('id="rd-across-reports"'):]
    section = section[:section.index("</section>")]
    assert f'href="./{TAIZHOU}/index.html#p3-' in section and f'href="./{FIXTURE_REPORT}/index.html#p1-s1-2"' in section


def test_search_covers_every_report(site):
    from search_index.shards import read_script

    manifest = read_script(next((site / "search").glob("manifest.*.js")).read_text(encoding="utf-8"))[1]
    titles = {g["slug"]: g["title"] for g in manifest["groups"] if g["slug"]}
    assert titles[FIXTURE_REPORT] == "青屿市2023年政府工作报告" and titles[TAIZHOU] == "台州市2022年政府工作报告"
    slugs = [g["slug"] for g in manifest["groups"] if g["slug"]]
    assert slugs == [FIXTURE_REPORT, TAIZHOU]  # newest first


# ---- quotes in their own report (the check, in process) ---------------------------

THREAD = """\
    # yaml-language-server: $schema=../../schemas/thread.schema.json
    id: salutation
    title: 称呼
    summary: 测试：两份报告都有的一句话。
    anchors:
      - quote: 各位代表：
        note: 哪一份？
      - {report}part: review
        quote: R&D经费支出占GDP比重达到2.6%
        note: 只在一份报告里。
    """


@pytest.fixture
def sources(tmp_path):
    return library_sources(tmp_path)


def check(capsys, content, annotations) -> tuple[int, str]:
    status = build.main(["check", "--content", str(content), "--annotations", str(annotations)])
    return status, capsys.readouterr().err


def test_a_quote_two_reports_hold_asks_which_report(capsys, sources):
    content, annotations = sources
    path = annotations / "threads" / "salutation.yml"
    path.write_text(textwrap.dedent(THREAD.format(report="")), encoding="utf-8")
    status, err = check(capsys, content, annotations)
    assert status == 1
    assert f"{path}:6:5: the quote occurs in 2 reports ({FIXTURE_REPORT}, {TAIZHOU})" in err
    assert f"hint: add `report: <slug>` to say which one ({FIXTURE_REPORT} or {TAIZHOU})" in err
    assert err.count(str(path)) == 1  # the second anchor stands in one report only: no report needed


def test_a_named_report_places_the_quote_and_an_unknown_one_is_located(capsys, sources):
    content, annotations = sources
    path = annotations / "threads" / "salutation.yml"
    text = textwrap.dedent(THREAD.format(report="report: qingyu-2032\n        ")).replace(
        "  - quote: 各位代表：", f"  - report: {TAIZHOU}\n    quote: 各位代表：")
    path.write_text(text, encoding="utf-8")
    status, err = check(capsys, content, annotations)
    assert status == 1
    assert f"{path}:9:5: 'qingyu-2032' is not a known report\n    hint: did you mean '{FIXTURE_REPORT}'?" in err
    assert err.count(str(path)) == 1


def test_a_part_is_checked_against_the_reports_own_roles(capsys, sources):
    content, annotations = sources
    path = annotations / "threads" / "salutation.yml"
    text = textwrap.dedent(THREAD.format(report="")).replace("part: review", "part: goals").replace(
        "  - quote: 各位代表：", f"  - report: {TAIZHOU}\n    quote: 各位代表：")
    path.write_text(text, encoding="utf-8")
    status, err = check(capsys, content, annotations)
    assert status == 1
    assert f"{path}:9:5: the quote stands in part 'review', not 'goals'\n    hint: write part: review" in err


def test_report_md_out_of_step_with_report_yml_is_located(capsys, sources):
    content, annotations = sources
    markdown = content / "reports" / FIXTURE_REPORT / "report.md"
    markdown.write_text(markdown.read_text(encoding="utf-8").replace("{.speaker}\n", ""), encoding="utf-8")
    status, err = check(capsys, content, annotations)
    assert status == 1
    assert re.search(rf"reports/{FIXTURE_REPORT}/report\.md:\d+:1: report\.md is not what report\.yml's structure makes "
                     rf"of the source: line \d+ differs\n    hint: .*python build\.py convert {FIXTURE_REPORT}", err)


def test_a_changed_source_is_refused_by_its_checksum(capsys, sources):
    content, annotations = sources
    source = content / "reports" / FIXTURE_REPORT / "source.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("林远", "林近"), encoding="utf-8")
    status, err = check(capsys, content, annotations)
    assert status == 1
    assert f"reports/{FIXTURE_REPORT}/report.yml:" in err and "the source file's SHA-256 is" in err


@pytest.mark.parametrize("text", ["?\n", "? \n", "1: a\n", "true: x\n"])
def test_a_report_yml_key_that_is_not_text_is_an_unknown_field(capsys, sources, text):
    """Found by the fuzz test: `?` alone (a null key) crashed the hint for an unknown field."""
    content, annotations = sources
    (content / "reports" / FIXTURE_REPORT / "report.yml").write_text(text, encoding="utf-8")
    status, err = check(capsys, content, annotations)
    assert status == 1 and "Traceback" not in err, err
    assert f"reports/{FIXTURE_REPORT}/report.yml:1:1: unknown field '" in err


def test_no_report_at_all_is_a_clear_problem(capsys, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    status, err = check(capsys, content, ROOT / "annotations")
    assert status == 1 and "there is no report to publish" in err and "build.py new report" in err


# ---- marking --------------------------------------------------------------------

def test_first_per_section_counts_the_part_before_its_sections_once(report_html):
    """三大历史任务 is in p2-1 and p2-2 (part 二 before its first section): one section, one mark."""
    marked = re.findall(r'<p id="(p2-\d+)"[^>]*>(?:(?!</p>).)*data-term="san-da-lishi-renwu"', report_html, re.S)
    assert marked == ["p2-1"]


def test_one_command_adds_a_report_that_then_builds_beside_taizhou(capsys, tmp_path, content_copy):
    """What a new user does: `build.py new report`, then `make` (here --no-pdf)."""
    source = ROOT / "tests" / "fixtures" / "sources" / "qingyu-2023.txt"
    assert build.main(["new", "report", "qingyu-2023", "--source", str(source), "--content", str(content_copy)]) == 0
    assert "parts" in capsys.readouterr().out
    assert build.main(["check", "--content", str(content_copy)]) == 0, capsys.readouterr().err
    output = tmp_path / "output"
    assert build.main(["build", "--no-pdf", "--content", str(content_copy), "--output", str(output)]) == 0
    home = (output / "index.html").read_text(encoding="utf-8")
    assert 'data-report="qingyu-2023"' in home and f'data-report="{TAIZHOU}"' in home
    made_up = (output / "qingyu-2023" / "index.html").read_text(encoding="utf-8")
    assert 'data-term="' in made_up and "台州" not in made_up
