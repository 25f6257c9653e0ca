"""Annotations in the reading experience, in headless Chromium: the term
popover (hover, focus + Enter, tap; Escape and tap outside close it), thread
notes that lead across the report's parts, the indicator charts, and axe-core
on every annotation page. Expected values come from the built site itself
(terms-data.js, the report's own markup), never from constants here."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPORT, ROOT, TAIZHOU, save_artifact, settle

from annotations.chart import indicator_chart

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = (1280, 800)
PHONE = (390, 844)


# ---- helpers -----------------------------------------------------------------

def terms_data(site: Path) -> dict:
    text = (site / TAIZHOU / "terms-data.js").read_text(encoding="utf-8")
    assert text.startswith("window.TERMS = ")
    return json.loads(text[len("window.TERMS = "):].rstrip().rstrip(";"))


def plain(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def popover_state(page) -> dict:
    return page.evaluate("""() => {
      const p = document.getElementById('term-dialog');
      const r = p.getBoundingClientRect();
      return {visible: !p.hidden && r.height > 0, role: p.getAttribute('role'),
              title: p.querySelector('.popover-title').textContent,
              definition: p.querySelector('.popover-definition').textContent.replace(/\\s+/g, ''),
              more: p.querySelector('.popover-more').getAttribute('href'),
              sheet: p.classList.contains('is-sheet'), top: r.top, bottom: r.bottom,
              inBody: p.parentElement === document.body, inBlock: !!p.closest('[data-block]'),
              focusInside: p.contains(document.activeElement)};
    }""")


def first_term(page, nth: int = 0):
    link = page.locator(".report a.term[data-term]").nth(nth)
    link.scroll_into_view_if_needed()
    return link


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def serious_violations(browser, url: str, width: int, height: int) -> list[dict]:
    # Playwright injects axe as an inline script, which the site's CSP rightly
    # refuses: this one context bypasses the CSP, the other tests keep it.
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
    finally:
        context.close()
    return [v for v in violations if v["impact"] in ("serious", "critical")]


# ---- terms: the popover --------------------------------------------------------

def test_popover_opens_on_hover_shows_the_definition_and_stays_while_hovered(open_page, server, site):
    data = terms_data(site)
    page = open_page(f"{server}/{REPORT}", *DESKTOP)
    link = first_term(page)
    term = data[link.get_attribute("data-term")]
    link.hover()
    page.locator("#term-dialog").wait_for(state="visible")
    state = popover_state(page)
    assert state["visible"] and state["role"] == "dialog"
    assert state["title"] == term["term"]
    assert plain(term["definition_html"]) in state["definition"]
    assert state["more"] == link.get_attribute("href")
    assert state["inBody"] and not state["inBlock"]  # never inside a report block
    assert not state["focusInside"]  # hover does not steal focus
    # WCAG 1.4.13: the pointer may move onto the popover without it closing
    box = page.locator("#term-dialog").bounding_box()
    page.clock.install()  # the close delay runs on a fake clock: run past it, no real wait
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    page.clock.run_for(600)
    assert popover_state(page)["visible"]
    page.screenshot(path=str(save_artifact("annotations-popover-hover-desktop.png")))
    page.keyboard.press("Escape")
    assert not popover_state(page)["visible"]
    # leaving both the term and the popover closes it
    link.hover()
    page.locator("#term-dialog").wait_for(state="visible")
    page.mouse.move(5, 790, steps=5)
    page.locator("#term-dialog").wait_for(state="hidden")
    assert page.errors == []


def test_popover_opens_on_focus_and_enter_and_escape_returns_focus(open_page, server, site):
    data = terms_data(site)
    page = open_page(f"{server}/{REPORT}", *DESKTOP)
    link = first_term(page, 3)
    term_id = link.get_attribute("data-term")
    page.keyboard.press("Tab")  # a keyboard reader starts tabbing: the term data is fetched
    link.focus()
    # the focused term is described by its one-line gloss
    read_description = ("document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
                        ".textContent")
    page.wait_for_function(f"() => {read_description}")
    assert page.evaluate(read_description) == data[term_id]["short"]
    page.keyboard.press("Enter")
    page.locator("#term-dialog").wait_for(state="visible")
    assert page.url.endswith("/index.html")  # Enter opened the popover instead of leaving
    state = popover_state(page)
    assert state["title"] == data[term_id]["term"] and state["focusInside"]
    assert link.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    state = popover_state(page)
    assert not state["visible"]
    assert page.evaluate("document.activeElement.getAttribute('data-term')") == term_id
    assert link.get_attribute("aria-expanded") == "false"
    assert page.errors == []


def test_popover_is_a_bottom_sheet_on_a_phone_that_leaves_the_sentence_visible(open_page, server, site):
    data = terms_data(site)
    page = open_page(f"{server}/{REPORT}", *PHONE, touch=True)
    assert no_horizontal_scroll(page)
    # a term low on the screen: the sheet would cover it unless the page scrolls
    link = first_term(page, 5)
    page.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().bottom - window.innerHeight + 10)",
                  link.element_handle())
    link.tap()
    page.locator("#term-dialog").wait_for(state="visible")
    settle(page)
    state = popover_state(page)
    assert state["sheet"] and state["title"] == data[link.get_attribute("data-term")]["term"]
    assert plain(data[link.get_attribute("data-term")]["definition_html"]) in state["definition"]
    term_box = page.evaluate("""el => { const r = el.getBoundingClientRect();
        const h = document.querySelector('.site-header').getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, header: h.bottom}; }""", link.element_handle())
    assert term_box["bottom"] <= state["top"], "the sheet covers the term being read"
    assert term_box["top"] >= term_box["header"], "the term went under the header"
    assert abs(state["bottom"] - PHONE[1]) < 2  # anchored to the bottom edge
    page.screenshot(path=str(save_artifact("annotations-sheet-phone.png")))
    assert no_horizontal_scroll(page)
    # tap outside closes it (the blank page margin, above the sheet)
    page.touchscreen.tap(4, int(state["top"]) - 12)
    page.locator("#term-dialog").wait_for(state="hidden")
    # and Escape closes it too
    link.tap()
    page.locator("#term-dialog").wait_for(state="visible")
    page.keyboard.press("Escape")
    assert not popover_state(page)["visible"]
    assert page.errors == []


def test_term_data_loads_on_first_use_only_and_from_file_urls(browser, site):
    """The popover data (the largest script) is fetched when a reader first
    points at a term, not with the page; it also works from file://."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        requested, errors = [], []
        page.on("request", lambda request: requested.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((site / REPORT).as_uri(), wait_until="networkidle")  # every request the page makes by itself
        assert not [url for url in requested if url.endswith("terms-data.js")]
        assert page.evaluate("typeof window.TERMS") == "undefined"
        term = page.locator(".report a.term").first
        term.scroll_into_view_if_needed()
        term.hover()
        page.locator(".term-popover").wait_for(state="visible")
        assert [url for url in requested if url.endswith("terms-data.js")]
        assert page.locator(".term-popover").inner_text().strip()
        assert errors == []
    finally:
        context.close()


def test_without_javascript_a_term_is_a_plain_link(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    try:
        page = context.new_page()
        page.goto(f"{server}/{REPORT}")
        link = page.locator(".report a.term[data-term]").first
        term_id = link.get_attribute("data-term")
        link.click()
        page.wait_for_url(f"**/terms/{term_id}.html")
        assert page.locator("h1").inner_text()
    finally:
        context.close()


# ---- threads: notes across parts ----------------------------------------------

def _follow_a_note_into_another_part(page, phone: bool) -> dict:
    """Open the first note in part 一 that points into another part, follow it."""
    info = page.evaluate("""() => {
      for (const a of document.querySelectorAll('.report div.xrefs a[data-xref]')) {
        if (!a.getAttribute('href').startsWith('#')) continue;  // into another report
        const from = a.closest('div.xrefs').previousElementSibling.closest('[data-block]').id;
        const target = document.getElementById(a.getAttribute('href').slice(1));
        const to = target.closest('[data-block]').id;
        if (from.split('-')[0] !== to.split('-')[0]) {
          a.setAttribute('data-test-pick', '');
          return {from, to, href: a.getAttribute('href'), thread: a.closest('details').dataset.thread};
        }
      }
      return null;
    }""")
    assert info, "no note links two parts of the report"
    link = page.locator("a[data-test-pick]")
    summary = link.locator("xpath=ancestor::details[1]/summary")
    summary.scroll_into_view_if_needed()
    (summary.tap() if phone else summary.click())
    (link.tap() if phone else link.click())
    page.wait_for_url(f"**/index.html{info['href']}")
    settle(page)
    landed = page.evaluate("""href => {
      const t = document.querySelector(href);
      const r = t.getBoundingClientRect();
      const header = document.querySelector('.site-header').getBoundingClientRect();
      const toc = document.querySelector('.toc').getBoundingClientRect();
      const stuck = toc.top <= header.bottom + 1 && toc.height < window.innerHeight / 2;  // phone TOC bar
      const cover = stuck ? toc.bottom : header.bottom;
      return {block: t.closest('[data-block]').id, thread: t.dataset.thread,
              arrived: t.classList.contains('is-arrived') && t.matches(':target'),
              top: r.top, bottom: r.bottom, cover, height: window.innerHeight};
    }""", info["href"])
    assert landed["block"] == info["to"] and landed["thread"] == info["thread"]
    assert landed["arrived"], "the quoted passage is not highlighted on arrival"
    assert landed["top"] >= landed["cover"] - 1 and landed["top"] < landed["height"], "the passage is not in view"
    return info


def test_thread_note_leads_to_the_right_paragraph_in_another_part_desktop(open_page, server):
    page = open_page(f"{server}/{REPORT}", *DESKTOP)
    _follow_a_note_into_another_part(page, phone=False)
    page.screenshot(path=str(save_artifact("annotations-xref-arrival-desktop.png")))
    assert page.errors == []


def test_thread_note_leads_to_the_right_paragraph_in_another_part_phone(open_page, server):
    page = open_page(f"{server}/{REPORT}", *PHONE, touch=True)
    _follow_a_note_into_another_part(page, phone=True)
    page.screenshot(path=str(save_artifact("annotations-xref-arrival-phone.png")))
    assert no_horizontal_scroll(page)
    assert page.errors == []


def test_notes_sit_in_the_margin_beside_their_paragraph_on_wide_screens(open_page, server):
    page = open_page(f"{server}/{REPORT}", 1440, 900)
    boxes = page.evaluate("""() => [...document.querySelectorAll('.report div.xrefs')].map(n => {
      const r = n.getBoundingClientRect(), p = n.previousElementSibling.getBoundingClientRect();
      return {top: r.top, bottom: r.bottom, left: r.left, paraTop: p.top,
              reportRight: document.querySelector('.report').getBoundingClientRect().right};
    })""")
    assert boxes
    assert all(b["left"] >= b["reportRight"] for b in boxes), "a note overlaps the text column"
    assert all(b["top"] >= b["paraTop"] - 1 for b in boxes), "a note starts above its paragraph"
    assert all(a["bottom"] <= b["top"] for a, b in zip(boxes, boxes[1:])), "notes overlap"
    assert boxes[0]["top"] - boxes[0]["paraTop"] < 2  # the first note is level with its paragraph
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(save_artifact("annotations-margin-notes-wide.png")))
    assert page.errors == []


# ---- pages ------------------------------------------------------------------------

def test_glossary_lists_every_term_by_category_with_a_working_jump_bar(open_page, server, site):
    page = open_page(f"{server}/glossary.html", *PHONE, touch=True)
    facts = page.evaluate("""() => ({
      entries: [...document.querySelectorAll('.glossary-category dt a')].map(a => a.getAttribute('href')),
      index: [...document.querySelectorAll('.glossary-index .index-list a')].map(a => a.getAttribute('href')),
      jumps: [...document.querySelectorAll('.jump-bar a')].map(a => a.getAttribute('href')),
      missing: [...document.querySelectorAll('.jump-bar a')].map(a => a.getAttribute('href').slice(1))
                 .filter(id => !document.getElementById(id)),
    })""")
    pages = sorted(f"terms/{p.name}" for p in (site / "terms").glob("*.html"))
    assert sorted(h.removeprefix("./") for h in facts["entries"]) == pages
    assert sorted(h.removeprefix("./") for h in facts["index"]) == pages
    assert facts["jumps"] and facts["missing"] == []
    page.locator(".jump-bar.letters a").last.tap()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(save_artifact("annotations-glossary-phone.png")))
    assert page.errors == []


def test_term_page_links_every_occurrence_to_its_paragraph(open_page, server, site):
    data = terms_data(site)
    report = (site / REPORT).read_text(encoding="utf-8")
    # the term marked most often in the report
    counts = {t: report.count(f'data-term="{t}"') for t in data}
    term_id = max(counts, key=counts.get)
    page = open_page(f"{server}/terms/{term_id}.html", *DESKTOP)
    facts = page.evaluate("""() => ({
      occurrences: [...document.querySelectorAll('.occurrences li')].map(li => ({
        sentence: li.querySelector('.occurrence').textContent,
        href: li.querySelector('.occurrence-where a').getAttribute('href')})),
      sources: [...document.querySelectorAll('.sources a')].map(a => ({href: a.href, rel: a.rel})),
      title: document.querySelector('h1').textContent})""")
    assert facts["title"] == data[term_id]["term"]
    assert len(facts["occurrences"]) >= counts[term_id]
    assert facts["sources"] and all(s["rel"] == "noopener noreferrer" for s in facts["sources"])
    assert all(s["href"].startswith(("http://", "https://")) for s in facts["sources"])
    first = facts["occurrences"][0]
    page.locator(".occurrence-where a").first.click()
    page.wait_for_url("**/index.html#*")
    block_id = first["href"].split("#", 1)[1]
    assert page.evaluate("location.hash") == f"#{block_id}"
    assert first["sentence"].strip()[:20] in page.locator(f"#{block_id}").inner_text()
    assert page.errors == []


def test_thread_page_shows_anchors_side_by_side_in_report_order(open_page, server):
    index = open_page(f"{server}/threads.html", *DESKTOP)
    hrefs = index.evaluate("[...document.querySelectorAll('.thread-item h2 a')].map(a => a.getAttribute('href'))")
    assert hrefs
    # a thread with anchors in all three parts
    for href in hrefs:
        page = open_page(f"{server}/{href}", *DESKTOP)
        columns = page.evaluate("""() => [...document.querySelectorAll('.thread-column')].map(c => ({
          part: [...c.classList].find(k => k.startsWith('part-')), left: c.getBoundingClientRect().left,
          top: c.getBoundingClientRect().top, cards: c.querySelectorAll('.anchor-card').length,
          links: [...c.querySelectorAll('.anchor-card a')].map(a => a.getAttribute('href'))}))""")
        if all(c["cards"] for c in columns):
            break
    else:
        pytest.fail("no thread has anchors in all three parts")
    assert [c["part"] for c in columns] == ["part-review", "part-goals", "part-tasks"]
    assert columns[0]["left"] < columns[1]["left"] < columns[2]["left"]  # side by side
    assert len({round(c["top"]) for c in columns}) == 1
    report = open_page(f"{server}/{REPORT}", *DESKTOP)
    ids = [link.split("#", 1)[1] for c in columns for link in c["links"]]
    parts = report.evaluate("ids => ids.map(id => document.getElementById(id).closest('section.part')"
                            "?.getAttribute('aria-labelledby'))", ids)
    assert parts == sorted(parts), "anchors are not in report order"
    page.screenshot(path=str(save_artifact("annotations-thread-desktop.png")))
    phone = open_page(f"{server}/{href}", *PHONE, touch=True)
    assert no_horizontal_scroll(phone)
    assert page.errors == [] and phone.errors == []


def test_indicator_charts_render_one_mark_per_value(open_page, server):
    page = open_page(f"{server}/indicators.html", *DESKTOP)
    sections = page.evaluate("""() => [...document.querySelectorAll('section.indicator')].map(s => {
      const svg = s.querySelector('svg.chart');
      if (!svg) return {id: s.id, rows: s.querySelectorAll('tbody tr').length, single: !!s.querySelector('.indicator-single'),
                        quotes: [...s.querySelectorAll('td.quote a')].map(a => a.getAttribute('href'))};
      const box = svg.getBoundingClientRect();
      return {id: s.id, rows: s.querySelectorAll('tbody tr').length,
              targets: s.querySelectorAll('tbody tr.kind-target').length,
              dots: svg.querySelectorAll('.chart-point').length, diamonds: svg.querySelectorAll('.chart-target').length,
              role: svg.getAttribute('role'), title: svg.querySelector('title').textContent,
              width: box.width, height: box.height,
              quotes: [...s.querySelectorAll('td.quote a')].map(a => a.getAttribute('href'))};
    })""")
    assert sections
    for s in sections:
        if s["rows"] == 1:  # one value: the number, not a one-point chart
            assert s["single"] and "role" not in s, s["id"]
            continue
        assert s["role"] == "img" and s["title"], s["id"]
        assert s["width"] > 100 and s["height"] > 50, s["id"]
        assert s["diamonds"] == s["targets"] and s["dots"] + s["diamonds"] == s["rows"], s["id"]
    page.locator("section.indicator").first.screenshot(path=str(save_artifact("annotations-indicator-desktop.png")))
    # every value links to a block of the report that exists
    report = open_page(f"{server}/{REPORT}", *DESKTOP)
    links = {href.split("#", 1)[1] for s in sections for href in s["quotes"]}
    assert links
    assert report.evaluate("ids => ids.filter(id => !document.getElementById(id))", sorted(links)) == []
    # and numbers in the report link back to their indicator
    targets = report.evaluate("[...new Set([...document.querySelectorAll('a.indicator-value')]"
                              ".map(a => a.getAttribute('href').split('#')[1]))]")
    assert targets and set(targets) <= {s["id"] for s in sections}
    phone = open_page(f"{server}/indicators.html", *PHONE, touch=True)
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=str(save_artifact("annotations-indicators-phone.png")))
    assert page.errors == [] and report.errors == [] and phone.errors == []


def test_chart_marks_targets_apart_and_is_accessible_svg():
    view = {"id": "demo", "name": "示例", "unit": "%", "values_sorted": [
        {"kind": "baseline", "year": 2016, "value": 1.85, "kind_label": "基期"},
        {"kind": "actual", "year": 2021, "value": 2.45, "kind_label": "实际"},
        {"kind": "target", "year": 2026, "value": 3.2, "comparator": ">=", "kind_label": "目标"}]}
    svg = indicator_chart(view)
    assert "style=" not in svg and "<script" not in svg
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f".//*[@id='{i}']", ns) is not None for i in labelled] == [True, True]
    assert "2026年目标≥3.2%" in root.find("s:desc", ns).text
    assert len(root.findall(".//s:circle[@class='chart-point']", ns)) == 2
    assert len(root.findall(".//s:path[@class='chart-target']", ns)) == 1
    assert root.find(".//s:line[@class='chart-target-line']", ns).get("stroke-dasharray")
    empty = ET.fromstring(indicator_chart({"id": "none", "name": "无", "unit": "", "values_sorted": []}))
    assert empty.find("s:desc", ns).text == "没有可绘制的数值。"


# ---- accessibility ------------------------------------------------------------------

AXE_PAGES = ["index.html", REPORT, "glossary.html", "terms/*.html", "threads.html", "threads/*.html", "indicators.html"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("pattern", AXE_PAGES)  # one test a page: a few seconds each, shared out among workers
def test_axe_finds_no_serious_violations(browser, server, site, viewport, pattern):
    name = sorted(site.glob(pattern))[0].relative_to(site).as_posix()  # the first term or thread page
    assert serious_violations(browser, f"{server}/{name}", *viewport) == []


def test_axe_finds_no_serious_violations_with_the_popover_open(browser, server):
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/{REPORT}")
        first_term(page).click()
        page.locator("#term-dialog").wait_for(state="visible")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => (await axe.run('#term-dialog')).violations
          .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)""")
    finally:
        context.close()
    assert found == []
