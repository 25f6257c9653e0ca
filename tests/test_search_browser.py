"""Search in headless Chromium: the search page (?q=, ?report=), results
grouped by report, the dropdown on every page (a report page searches its
report first), arrival on a highlighted paragraph, odd input, file://, and
the split index loaded only as a query needs it (requests counted)."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from conftest import FIXTURE_REPORT, REPORT, TAIZHOU, save_artifact, watched
from html_blocks import blocks
from search_index.tokenize import fold

ODD_INPUTS = ["养老:", "^", "~1", "+", "-养老", "*", "“共同富裕”", "碳~1", "养老^", "\\", "<img src=x>"]
DONE = ".search-page[data-search=done]"


def search_page(open_page, base: str, query: str, report: str = ""):
    page = open_page(f"{base}/search.html?q={quote(query)}" + (f"&report={report}" if report else ""))
    page.wait_for_selector(DONE, state="attached")
    return page


@pytest.fixture(scope="module")
def tab(browser):
    """One page for the tests that only ask queries: each is a new navigation
    in it, with the HTTP cache warm, where a page of its own costs a renderer
    process and every shard again (about a second a test). Tests that count
    requests, or need a fresh page, open their own."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield watched(context.new_page())
    context.close()


def search_in(tab, base: str, query: str):
    """The search page for `query`, in the shared tab (its errors from this visit only)."""
    tab.goto("about:blank")
    tab.errors.clear()
    tab.goto(f"{base}/search.html?q={quote(query)}")
    tab.wait_for_selector(DONE, state="attached")
    return tab


def show_everything(page) -> None:
    """Click "more" until every result is shown."""
    while page.locator(".search-more").count():
        page.locator(".search-more").first.click()
        page.wait_for_selector(DONE, state="attached")


def hits(urls: list[str]) -> list[tuple[str, str]]:
    """(report slug, block id) of report results, in order."""
    found = []
    for url in urls:
        match = re.search(r"([a-z0-9-]+)/index\.html(?:\?[^#]*)?#(.+)$", url)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def page_hits(page) -> list[tuple[str, str]]:
    return hits(page.eval_on_selector_all(".search-result-link", "links => links.map(a => a.getAttribute('href'))"))


def every_result(page, query: str, report: str = "") -> dict:
    """Every result, as siteSearch.search gives it once the whole index is in."""
    return page.evaluate("""([q, r]) => window.siteSearch.ready().then(() => {
        const o = window.siteSearch.search(q, r);
        return {exact: o.exact, urls: o.results.map(d => d.url), texts: o.results.map(d => d.title + '\\n' + d.text)};
    })""", [query, report])


def blocks_containing(site, phrase: str) -> list[tuple[str, str]]:
    """Every block of every report that holds the phrase: newest report first, in reading order."""
    found = []
    for slug in (FIXTURE_REPORT, TAIZHOU):  # 2023, then 2022
        html = (site / slug / "index.html").read_text(encoding="utf-8")
        found += [(slug, b["id"]) for b in blocks(html) if fold(phrase) in fold(b["text"])]
    return found


def test_tenglong_huanniao_gives_its_term_first_then_each_report_newest_first(open_page, server, site):
    page = search_page(open_page, server, "腾笼换鸟")
    expected = blocks_containing(site, "腾笼换鸟")
    assert {slug for slug, _ in expected} == {TAIZHOU, FIXTURE_REPORT}  # found in every report
    first = page.locator(".search-result").first
    assert first.locator(".search-kind").inner_text() == "术语"
    assert "腾笼换鸟" in first.locator(".search-title").inner_text()
    assert "/terms/" in first.locator("a").get_attribute("href")
    show_everything(page)
    assert page_hits(page) == expected
    # one section per report, newest first, each headed with its report's name
    groups = page.eval_on_selector_all(".search-group[data-group]", "gs => gs.map(g => g.dataset.group)")
    assert groups == ["", FIXTURE_REPORT, TAIZHOU]
    titles = page.eval_on_selector_all(".search-group-title", "hs => hs.map(h => h.firstChild.textContent)")
    assert titles[1:] == ["青屿市2023年政府工作报告", "台州市2022年政府工作报告"]
    assert page.locator(".search-result mark").count() >= len(expected)
    page.screenshot(path=str(save_artifact("search-tenglong.png")), full_page=True)
    assert page.errors == []


@pytest.mark.parametrize("phrase", ["高铁", "碳", "小巨人", "亩均税收", "双减", "PM2.5", "2211", "5G", "窨井"])
def test_every_paragraph_containing_the_phrase_is_found(tab, server, site, phrase):
    page = search_in(tab, server, phrase)
    expected = blocks_containing(site, phrase)
    assert expected, f"the reports should contain {phrase}"
    shown = page_hits(page)
    assert shown and shown == expected[:len(shown)]  # the first page: the first results, in order
    result = every_result(page, phrase)
    assert result["exact"] and hits(result["urls"]) == expected
    assert page.errors == []


def test_more_shows_the_rest_in_order(open_page, server, site):
    page = search_page(open_page, server, "发展")
    first = page_hits(page)
    expected = blocks_containing(site, "发展")
    assert len(first) < len(expected) and first == expected[:len(first)]
    assert f"找到 {len(every_result(page, '发展')['urls'])} 处" in page.inner_text(".search-status")
    show_everything(page)
    assert page_hits(page) == expected
    assert page.errors == []


@pytest.mark.parametrize("query", ODD_INPUTS)
def test_odd_input_never_throws_and_is_taken_as_text(tab, server, query):
    page = search_in(tab, server, query)
    outcome = every_result(page, query)
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


def test_the_report_filter_searches_one_report_and_offers_all(open_page, server, site):
    page = search_page(open_page, server, "腾笼换鸟", report=FIXTURE_REPORT)
    expected = blocks_containing(site, "腾笼换鸟")
    assert {slug for slug, _ in expected} == {TAIZHOU, FIXTURE_REPORT}
    show_everything(page)
    assert page_hits(page) == [hit for hit in expected if hit[0] == FIXTURE_REPORT]
    assert "青屿市2023年政府工作报告" in page.inner_text(".search-scope")
    assert hits(every_result(page, "腾笼换鸟", FIXTURE_REPORT)["urls"]) == page_hits(page)
    page.click(".search-scope-all")  # every report again
    page.wait_for_selector(DONE, state="attached")
    show_everything(page)
    assert page_hits(page) == expected
    assert "report=" not in page.url
    assert page.errors == []


def test_clicking_a_result_lands_on_the_paragraph_and_highlights_it(open_page, server, report_html):
    page = search_page(open_page, server, "高铁")
    before = {b["id"]: b["text"] for b in blocks(report_html)}
    link = page.locator(f".search-result-link[href*='{TAIZHOU}/index.html']").first
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


def test_dropdown_on_a_report_page_searches_that_report_and_offers_all(open_page, server):
    page = open_page(f"{server}/{FIXTURE_REPORT}/index.html")
    page.keyboard.press("/")
    page.keyboard.type("腾笼换鸟")
    listbox = page.locator("#site-search-listbox")
    listbox.locator("#site-search-option-all").wait_for()
    box = page.locator("#site-search-input")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "true"
    hrefs = listbox.locator("[role=option] a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    report_links = [h for h in hrefs if "/index.html" in h and "#" in h]
    assert report_links and all(f"/{FIXTURE_REPORT}/index.html" in h for h in report_links)
    assert f"report={FIXTURE_REPORT}" in listbox.locator("#site-search-option-all a").get_attribute("href")
    everywhere = listbox.locator("#site-search-option-everywhere a").get_attribute("href")
    assert "q=" in everywhere and "report=" not in everywhere
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


def test_dropdown_elsewhere_searches_every_report(open_page, server):
    page = open_page(f"{server}/glossary.html")
    page.focus("#site-search-input")
    page.keyboard.type("腾笼换鸟")
    page.locator("#site-search-option-all").wait_for()
    hrefs = page.locator("#site-search-listbox [role=option] a").evaluate_all("ls => ls.map(a => a.getAttribute('href'))")
    assert any(f"/{FIXTURE_REPORT}/" in h for h in hrefs) and any(f"/{TAIZHOU}/" in h for h in hrefs)
    assert page.locator("#site-search-option-everywhere").count() == 0
    assert page.errors == []


def test_search_works_from_file_urls(open_page, site):
    page = search_page(open_page, site.as_uri(), "高铁")
    show_everything(page)
    assert page_hits(page) == blocks_containing(site, "高铁")
    assert page.errors == []


def search_requests(page) -> list[str]:
    return [u.split("/search/")[1] for u in page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)") if "/search/" in u]


def test_nothing_is_loaded_until_search_is_used(open_page, server):
    page = open_page(f"{server}/{REPORT}")
    page.wait_for_load_state("load")
    assert search_requests(page) == []
    page.focus("#site-search-input")
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/search/manifest.'))")
    assert [name.split(".")[0] for name in search_requests(page)] == ["manifest"]  # focus: the manifest only
    assert page.errors == []


@pytest.mark.parametrize("query", ["碳", "亩均税收", "窨井"])
def test_a_query_loads_only_its_shards_and_the_texts_it_shows(open_page, server, site, query):
    page = search_page(open_page, server, query)
    loaded = search_requests(page)
    store = page.evaluate("""q => { const s = window.siteSearch.store();
        return {shards: s.shardCount, chunks: s.chunks.map(c => [c.key, c.start, c.end]),
                mine: window.siteSearch.plan(q).exact.map(t => 'index-' + s.shardOf(t))}; }""", query)
    shards = sorted({n.split(".")[0] for n in loaded if n.startswith("index-")})
    assert shards == sorted(set(store["mine"])) and len(shards) < store["shards"]
    shown = page.eval_on_selector_all(".search-result-link", "ls => ls.map(a => a.href)")
    texts = {n.split(".")[0] for n in loaded if n.startswith("text-")}
    assert shown and len(texts) <= len(shown)  # a chunk only for results shown (or confirmed on the way)
    assert len(texts) < len(store["chunks"]) / 2
    assert len(loaded) == len(set(loaded))  # nothing fetched twice
    assert page.errors == []


@pytest.mark.parametrize("url", ["search.html?q=%E8%85%BE%E7%AC%BC%E6%8D%A2%E9%B8%9F",  # 腾笼换鸟: notes and two reports
                                 f"search.html?q=%E5%8F%91%E5%B1%95&report={TAIZHOU}"])  # 发展, one report, "more"
def test_axe_finds_no_serious_violations_in_results(browser, server, url):
    from pathlib import Path

    # axe goes in as an inline script, which the CSP refuses: this context bypasses it
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/{url}")
        page.wait_for_selector(DONE, state="attached")
        page.add_script_tag(path=str(Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"))
        found = page.evaluate("""async () => (await axe.run(document)).violations
          .filter(v => ['serious', 'critical'].includes(v.impact))
          .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))""")
    finally:
        context.close()
    assert found == []
