"""The reading view in headless Chromium, on a desktop and on a phone."""
from __future__ import annotations

from conftest import REPORT, save_artifact


def test_desktop_has_no_console_errors_and_toc_navigates(open_page, server):
    page = open_page(f"{server}/{REPORT}")
    assert page.locator("#toc-details").get_attribute("open") is not None  # sticky TOC open on wide screens
    page.click("nav.toc a[href='#p3-s2']")
    page.wait_for_function("() => location.hash === '#p3-s2'")
    top = page.evaluate("document.getElementById('p3-s2').getBoundingClientRect().top")
    assert 0 <= top < 200
    page.wait_for_function("() => (document.querySelector(\"nav.toc a[aria-current='true']\") || {}).innerText"
                           "?.startsWith('（二）')")
    page.screenshot(path=str(save_artifact("report-desktop.png")))
    assert page.errors == []


def test_phone_has_no_horizontal_scroll_and_collapsible_toc(open_page, server):
    page = open_page(f"{server}/{REPORT}", 390, 844, touch=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("#toc-details").get_attribute("open") is None
    page.locator("#toc-details summary").tap()
    page.locator("nav.toc a[href='#p2']").tap()
    page.wait_for_function("() => location.hash === '#p2'")
    assert page.locator("#toc-details").get_attribute("open") is None  # closes after a jump
    page.screenshot(path=str(save_artifact("report-phone.png")))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == []


def test_about_page_states_the_source_checksum(open_page, server):
    page = open_page(f"{server}/about.html")
    assert "3f34b684611ef42c9630c72bd86b8e64b9326ac8af583dc3d5d5ccd1be8e35c0" in page.inner_text("main")
    assert page.errors == []
