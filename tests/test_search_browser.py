"""Search in headless Chromium: the search page (?q=), the dropdown on every
page, arrival on a highlighted paragraph, odd input, and file://."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from conftest import REPORT, save_artifact
from html_blocks import blocks
from search_index.tokenize import fold

ODD_INPUTS = ["养老:", "^", "~1", "+", "-养老", "*", "“共同富裕”", "碳~1", "养老^", "\\", "<img src=x>"]


def search_page(open_page, base: str, query: str):
    page = open_page(f"{base}/search.html?q={quote(query)}")
    page.wait_for_function("() => document.querySelector('.search-status').textContent.indexOf('正在加载') < 0"
                           " && window.SEARCH_PACKS && Object.keys(window.SEARCH_PACKS).length === 2")
    page.wait_for_timeout(50)  # the second pack re-renders the list
    return page


def report_hits(page) -> list[tuple[str, str]]:
    """(report slug, block id) of the report results, in result order."""
    hrefs = page.eval_on_selector_all(".search-result-link", "links => links.map(a => a.getAttribute('href'))")
    hits = [h.split("?")[0].split("#")[0].split("/")[-2:] + [h.split("#", 1)[1]] for h in hrefs
            if "/index.html" in h and "#" in h]
    return [(slug, block) for slug, _page, block in hits]


def blocks_containing(site, phrase: str) -> set[tuple[str, str]]:
    """Every block of every report in the site that holds the phrase."""
    found = set()
    for page in site.glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        found |= {(page.parent.name, b["id"]) for b in blocks(html) if fold(phrase) in fold(b["text"])}
    return found


def test_tenglong_huanniao_returns_its_paragraphs_and_its_term(open_page, server, site):
    page = search_page(open_page, server, "腾笼换鸟")
    expected = blocks_containing(site, "腾笼换鸟")
    assert {slug for slug, _ in expected} == {"taizhou-2022", "qingyu-2023"}  # found in every report
    assert expected and set(report_hits(page)) == expected
    first = page.locator(".search-result").first
    assert first.locator(".search-kind").inner_text() == "术语"
    assert "腾笼换鸟" in first.locator(".search-title").inner_text()
    assert "/terms/" in first.locator("a").get_attribute("href")
    assert page.locator(".search-result mark").count() >= len(expected)
    page.screenshot(path=str(save_artifact("search-tenglong.png")), full_page=True)
    assert page.errors == []


@pytest.mark.parametrize("phrase", ["高铁", "碳", "小巨人", "亩均税收", "双减", "PM2.5", "2211", "5G"])
def test_every_paragraph_containing_the_phrase_is_found(open_page, server, site, phrase):
    page = search_page(open_page, server, phrase)
    expected = blocks_containing(site, phrase)
    assert expected, f"the report should contain {phrase}"
    assert set(report_hits(page)) == expected
    assert page.errors == []


@pytest.mark.parametrize("query", ODD_INPUTS)
def test_odd_input_never_throws_and_is_taken_as_text(open_page, server, query):
    page = search_page(open_page, server, query)
    outcome = page.evaluate("q => { const o = window.siteSearch.search(q);"
                            " return {exact: o.exact, texts: o.results.map(d => d.title + '\\n' + d.text)} }", query)
    pieces = page.evaluate("q => window.siteSearch.plan(q).pieces", query)
    for text in outcome["texts"]:  # every result contains the query, or failing that every piece of it
        folded = fold(text)
        assert (fold(query).strip() in folded) if outcome["exact"] else all(p in folded for p in pieces)
    if "养老" in query:
        assert outcome["texts"], "养老 is in the report: the punctuation must not hide it"
    if query == "+":
        assert outcome["texts"] and all("+" in t for t in outcome["texts"])  # 5+4, 6+1 …
    if not outcome["texts"]:
        assert page.locator(".search-help").count() == 1  # the no-result state helps
    assert page.locator(".search-results img").count() == 0  # input is text, never HTML
    assert page.errors == []


def test_no_result_state_suggests_a_shorter_query_and_terms(open_page, server):
    page = search_page(open_page, server, "腾笼换鸟计划")
    assert "没有找到" in page.inner_text(".search-status")
    help_text = page.inner_text(".search-help")
    assert "腾笼换鸟" in help_text  # the longest part that is found, and the term
    assert page.locator(".search-help a[href*='terms/']").count() >= 1


def test_empty_query_shows_examples(open_page, server):
    page = search_page(open_page, server, "")
    assert page.locator(".search-examples a").count() >= 3
    assert page.errors == []


def test_clicking_a_result_lands_on_the_paragraph_and_highlights_it(open_page, server, report_html):
    page = search_page(open_page, server, "高铁")
    before = {b["id"]: b["text"] for b in blocks(report_html)}
    link = page.locator(".search-result-link[href*='taizhou-2022/index.html']").first
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_url(f"**/index.html?hl=*#{target}")
    page.wait_for_selector(f"#{target} mark.search-hit")
    marks = page.eval_on_selector_all(f"#{target} mark.search-hit", "ms => ms.map(m => m.textContent)")
    assert marks and all(m == "高铁" for m in marks)
    text = page.evaluate("""id => { const b = document.getElementById(id).cloneNode(true);
        b.querySelectorAll('[data-ui]').forEach(e => e.remove()); return b.textContent; }""", target)
    assert text == before[target]  # not one character added or lost
    top = page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
    assert 0 <= top < 400
    page.screenshot(path=str(save_artifact("search-arrival.png")))
    assert page.errors == []


def test_dropdown_as_you_type_with_keyboard(open_page, server):
    page = open_page(f"{server}/{REPORT}")
    page.keyboard.press("/")
    page.keyboard.type("双减")
    listbox = page.locator("#site-search-listbox")
    listbox.locator("[role=option]").first.wait_for()
    box = page.locator("#site-search-input")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "true"
    assert "双减" in listbox.locator("[role=option] mark").first.inner_text()
    page.screenshot(path=str(save_artifact("search-dropdown.png")))
    page.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    href = page.locator(f"#{active} a").get_attribute("href")
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    assert page.errors == []


def test_search_works_from_file_urls(open_page, site):
    page = search_page(open_page, site.as_uri(), "高铁")
    assert set(report_hits(page)) == blocks_containing(site, "高铁")
    assert page.errors == []


def test_the_report_page_does_not_load_the_index_until_search_is_used(open_page, server):
    page = open_page(f"{server}/{REPORT}")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.lunr") == "undefined"
    page.focus("#site-search-input")
    page.wait_for_function("() => window.SEARCH_PACKS && Object.keys(window.SEARCH_PACKS).length === 2")
    assert page.errors == []
