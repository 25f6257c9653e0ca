#!/usr/bin/env python3
"""Search figures, measured on a real build in headless Chromium.

    python bench/search.py [--site output] [--samples 1500] [--seed 5]

Prints: the size of every search file (raw and gzip -9); bytes fetched before
the first result is shown (gzip), on the search page and in the dropdown;
time from page load to first result; median and p95 query time; recall and
precision of substring queries (random 1-4 character substrings of the report
plus the issue's examples) against a plain substring scan of every document;
and how often a term's own entry ranks first when its name is searched.
Without --site it builds the site into a temporary folder first.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from search_index.pack import read_pack_script  # noqa: E402
from search_index.tokenize import fold  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXAMPLES = ["亩均税收", "高铁", "双减", "碳", "PM2.5", "2211", "腾笼换鸟", "小巨人", "5G", "RCEP", "养老",
            "共同富裕", "数字经济", "低碳", "碳达峰"]
TARGET_BYTES = 100_000
TARGET_MEDIAN_MS = 2.0

# Runs before the page's own scripts: note when the first result appears.
FIRST_RESULT_PROBE = """
new MutationObserver(function (records, observer) {
  if (document.querySelector('.search-result, #site-search-listbox [role=option]')) {
    window.__firstResult = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

# Each query 7 times; its time is the median run, so that a garbage-collection
# pause in one run does not count as the query's cost (max shows those pauses).
TIME_QUERIES = """
(queries) => {
  const times = [], results = {};
  let max = 0;
  for (const q of queries) {
    const o = window.siteSearch.search(q);
    results[q] = {exact: o.exact, urls: o.results.map(d => d.url)};
    const runs = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      window.siteSearch.search(q);
      runs.push(performance.now() - t0);
    }
    runs.sort((a, b) => a - b);
    times.push(runs[3]);
    max = Math.max(max, runs[6]);
  }
  return {times, results, max};
}
"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def pack_docs(site: Path) -> list[dict]:
    docs = []
    for name in ("report", "annotations"):
        path = next((site / "search").glob(f"{name}.*.js"), None)
        if path:
            data = read_pack_script(path.read_text(encoding="utf-8"))
            docs += [{"kind": d[0], "url": d[1], "title": d[2], "text": d[4],
                      "folded": fold(f"{d[2]}\n{d[4]}" if d[2] else d[4])} for d in data["docs"]]
    return docs


def sample_queries(docs: list[dict], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [d["text"] for d in docs if d["kind"] in ("paragraph", "heading")]
    weights = [len(t) for t in texts]
    queries = set()
    while len(queries) < count:
        text = rng.choices(texts, weights)[0]
        length = rng.choice([1, 2, 2, 3, 3, 4, 4])
        start = rng.randrange(0, max(1, len(text) - length + 1))
        query = text[start:start + length]
        if query.strip():
            queries.add(query)
    return sorted(queries) + EXAMPLES


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


def fetched_before_first_result(page, site: Path, base: str) -> tuple[float, list[tuple[str, int, int]]]:
    page.wait_for_function("() => window.__firstResult !== undefined")
    first = page.evaluate("window.__firstResult")
    entries = page.evaluate("""first => [{name: location.href, end: 0}].concat(
        performance.getEntriesByType('resource').map(e => ({name: e.name, end: e.responseEnd})))
        .filter(e => e.end <= first)""", first)
    files = []
    for entry in entries:
        path = unquote(urlparse(entry["name"]).path).lstrip("/") or "index.html"
        data = (site / path).read_bytes()
        files.append((path, len(data), gz(data)))
    return first, files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", help="a built site (default: build one into a temporary folder)")
    parser.add_argument("--samples", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    temp = None
    if args.site:
        site = Path(args.site).resolve()
    else:
        temp = tempfile.TemporaryDirectory()
        site = Path(temp.name) / "output"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--output", str(site)], check=True)

    print("search files (bytes: raw / gzip -9)")
    for path in sorted((site / "search").glob("*.js")) + [site / "theme/js/search.js", site / "theme/css/search.css"]:
        data = path.read_bytes()
        print(f"  {path.relative_to(site)}: {len(data):,} / {gz(data):,}")

    docs = pack_docs(site)
    queries = sample_queries(docs, args.samples, args.seed)
    queries += sorted({d["title"] for d in docs if d["kind"] == "term"} - set(queries))
    base, httpd = serve(site)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()
        context.add_init_script(FIRST_RESULT_PROBE)

        page = context.new_page()
        page.goto(f"{base}/search.html?q={quote('高铁')}")
        first, files = fetched_before_first_result(page, site, base)
        total = sum(f[2] for f in files)
        print(f"\nsearch page (search.html?q=高铁): first result {first:.0f} ms after navigation start")
        print(f"  fetched before the first result: {total:,} bytes gzip "
              f"(target ≤ {TARGET_BYTES:,}: {'met' if total <= TARGET_BYTES else 'NOT met'})")
        for path, raw, packed in files:
            print(f"    {path}: {packed:,}")
        page.wait_for_function("() => window.SEARCH_PACKS && Object.keys(window.SEARCH_PACKS).length === 2")
        everything = sum(gz((site / p).read_bytes()) for p in {f[0] for f in files} |
                         {str(p.relative_to(site)) for p in (site / "search").glob("*.js")})
        print(f"  fetched once the annotation pack is in too: {everything:,} bytes gzip")

        page2 = context.new_page()
        page2.goto(f"{base}/index.html")
        page2.wait_for_timeout(300)
        started = page2.evaluate("performance.now()")
        page2.focus("#site-search-input")
        page2.keyboard.type("高铁")
        shown, files2 = fetched_before_first_result(page2, site, base)
        search_bytes = sum(f[2] for f in files2 if f[0].startswith(("search/", "theme/js/search", "theme/css/search")))
        print(f"dropdown on index.html: first result {shown - started:.0f} ms after focusing the box; "
              f"search files fetched before it: {search_bytes:,} bytes gzip")

        timing = page.evaluate(TIME_QUERIES, queries)
        browser.close()
    httpd.shutdown()

    times = sorted(timing["times"])
    median = statistics.median(times)
    print(f"\nquery time over {len(queries)} queries: median {median:.3f} ms, "
          f"p95 {times[int(len(times) * .95)]:.3f} ms, slowest query {times[-1]:.3f} ms, "
          f"slowest single run {timing['max']:.1f} ms "
          f"(target median ≤ {TARGET_MEDIAN_MS} ms: {'met' if median <= TARGET_MEDIAN_MS else 'NOT met'})")

    found = expected_total = shown_total = perfect = 0
    misses = []
    for query in queries:
        phrase = fold(query).strip()
        expected = {d["url"] for d in docs if phrase in d["folded"]}
        result = timing["results"][query]
        shown = set(result["urls"]) if result["exact"] else set()
        hit = len(expected & shown)
        found, expected_total, shown_total = found + hit, expected_total + len(expected), shown_total + len(shown)
        if shown == expected:
            perfect += 1
        elif len(misses) < 5:
            misses.append(f"{query!r}: missing {sorted(expected - shown)[:3]}, extra {sorted(shown - expected)[:3]}")
    print(f"substring queries: recall {found / expected_total:.4f}, precision {found / max(shown_total, 1):.4f}, "
          f"{perfect}/{len(queries)} queries with exactly the expected documents")
    for miss in misses:
        print(f"  {miss}")

    names = [d for d in docs if d["kind"] == "term"]
    first = sum(1 for d in names if timing["results"][d["title"]]["urls"][:1] == [d["url"]])
    print(f"term names searched: the term's own entry ranks first for {first}/{len(names)}")
    if temp:
        temp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
