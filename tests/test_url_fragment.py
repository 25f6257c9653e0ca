"""A malformed %-escape in the URL (a hand-typed or cut-off link) must not
throw in the page: decodeURIComponent raised URIError, which stopped search.js
part-way (no window.siteSearch) and annotations.js' arrival. Headless Chromium."""
from __future__ import annotations

import threading

import pytest

from conftest import run_build
from serve_http import make_server

BAD_FRAGMENT = "%E0%A4%A"  # the escape of a 3-byte character, cut short


@pytest.fixture(scope="module")
def quick_server(tmp_path_factory):
    """The site without the PDF (the pages and scripts under test), served
    by the preview server."""
    output = tmp_path_factory.mktemp("fragment") / "output"
    result = run_build(output, "--no-pdf")
    assert result.returncode == 0, result.stderr
    server = make_server(output, 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def search_results(page, query: str) -> int:
    return page.evaluate("q => window.siteSearch.ready().then(() => window.siteSearch.search(q).results.length)",
                         query)


def test_a_malformed_escape_in_the_hash_throws_nothing_and_search_still_works(open_page, quick_server):
    page = open_page(f"{quick_server}/taizhou-2022/index.html?hl=%E5%8F%B0#{BAD_FRAGMENT}")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.siteSearch") == "object", page.errors
    assert search_results(page, "台州") > 0
    page.evaluate(f"location.hash = '#{BAD_FRAGMENT}%'")  # hashchange: arrive() and highlightFromUrl() again
    page.evaluate("new Promise(requestAnimationFrame)")
    assert page.errors == []


def test_a_well_formed_escaped_hash_still_highlights(open_page, quick_server):
    page = open_page(f"{quick_server}/taizhou-2022/index.html")
    block = page.evaluate("[...document.querySelectorAll('[data-block=paragraph]')]"
                          ".find(b => b.textContent.includes('台州')).id")
    page.goto(f"{quick_server}/taizhou-2022/index.html?hl=%E5%8F%B0%E5%B7%9E#{block}")
    page.wait_for_selector(f"#{block} mark.search-hit")
    assert page.errors == []
