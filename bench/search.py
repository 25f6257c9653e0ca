#!/usr/bin/env python3
"""Search figures at scale, measured in headless Chromium on a local server,
beside Pagefind's on the same built HTML. Figures, not pass/fail.

    .venv/bin/python bench/search.py [--sizes 1,10,100] [--samples 300] [--no-pagefind]

For each library size N (bench/corpus.py writes N synthetic reports and builds
them without PDFs) it prints: the index's total size (every search file, raw
and gzip -9 each); for a common (发展), a rare (窨井) and a one-character (碳)
query, the bytes fetched before the first result shows (every request the page
made until then, the page itself included, each gzip -9 as a server would send
it; KB = 1000 bytes) and the time from navigation start to that first result
(the median of 5 visits, each with an empty cache); the median query time with the data already fetched (first page: what a reader waits for while
typing; full: every result confirmed); recall and precision of substring
queries against a plain scan of every document. Pagefind (npm, bench/pagefind/,
installed with `npm ci --prefix bench/pagefind` when missing) indexes each
built site's <main> elements; its recall and precision are per report page
(it finds pages, not paragraphs).
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
sys.path.insert(0, str(ROOT / "bench"))

from corpus import build, write_library  # noqa: E402
from search_index.shards import read_script  # noqa: E402
from search_index.tokenize import fold  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGEFIND = ROOT / "bench" / "pagefind"
QUERY_CLASSES = {"common": "发展", "rare": "窨井", "one-char": "碳"}
EXAMPLES = ["亩均税收", "高铁", "双减", "碳", "PM2.5", "2211", "腾笼换鸟", "小巨人", "5G", "RCEP", "养老", "共同富裕"]
TARGETS = {1: (100_000, 2.0, None), 100: (150_000, 5.0, 300)}  # bytes, median ms, first result ms

# Runs before the page's own scripts: note when the first result appears.
FIRST_RESULT_PROBE = """
new MutationObserver(function (records, observer) {
  if (document.querySelector('.search-result')) {
    window.__firstResult = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

# Our search, everything fetched: per query the time of the first page (what
# the page does) and of the full search, each repeated until 5 ms have passed
# (timers are coarse, 0.1 ms, without cross-origin isolation); and every result.
TIME_OURS = """
async (queries) => {
  await window.siteSearch.ready();
  async function per(fn) {
    let n = 0;
    const t0 = performance.now();
    do { await fn(); n++; } while (performance.now() - t0 < 5 && n < 2000);
    return (performance.now() - t0) / n;
  }
  const page = [], full = [], results = {};
  for (const q of queries) {
    const o = window.siteSearch.search(q);
    results[q] = {exact: o.exact, urls: o.results.map(d => d.url)};
    page.push(await per(() => window.siteSearch.query(q)));
    full.push(await per(() => window.siteSearch.search(q)));
  }
  return {page, full, results};
}
"""

# Pagefind, the same way: a search and the data of its first 10 results,
# once to fetch what it needs, then timed; and the pages of every result.
TIME_PAGEFIND = """
async (queries) => {
  const pagefind = window.__pagefind;
  const times = [], results = {}, failed = [];
  for (const q of queries) {
    try {  // its WebAssembly traps on some input (RuntimeError: unreachable): counted, not fatal
      const first = await pagefind.search(q);
      results[q] = (await Promise.all(first.results.map(r => r.data()))).map(d => d.url);
      const runs = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const s = await pagefind.search(q);
        await Promise.all(s.results.slice(0, 10).map(r => r.data()));
        runs.push(performance.now() - t0);
      }
      runs.sort((x, y) => x - y);
      times.push(runs[1]);
    } catch (error) {
      results[q] = [];
      failed.push(q + ": " + String(error).split("\\n")[0]);
    }
  }
  return {times, results, failed};
}
"""

PAGEFIND_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="theme/css/site.css"><link rel="stylesheet" href="theme/css/search.css"></head>
<body><main class="search-page"><ol class="search-results"></ol></main>
<script type="module" src="pagefind-bench.js"></script></body></html>
"""

# The smallest page that shows Pagefind's first result the way ours is shown.
PAGEFIND_SCRIPT = """
const pagefind = await import("./_pagefind/pagefind.js");
window.__pagefind = pagefind;
const q = new URLSearchParams(location.search).get("q");
if (q) {
  const search = await pagefind.search(q);
  const list = document.querySelector(".search-results");
  for (const result of search.results.slice(0, 10)) {
    const data = await result.data();
    const item = document.createElement("li");
    item.className = "search-result";
    item.textContent = data.url + " " + data.excerpt.replace(/<[^>]+>/g, "");
    list.appendChild(item);
  }
}
window.__pagefindReady = true;
"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def serve(site: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".wasm": "application/wasm"}

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-transfer: not news
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


def docs_of(site: Path) -> list[dict]:
    """Every document of our index, read back from its text chunks."""
    files = {p.name: p for p in (site / "search").glob("*.js")}
    _, manifest = read_script(next(p for n, p in files.items() if n.startswith("manifest.")).read_text(encoding="utf-8"))
    docs = []
    for g in manifest["groups"]:
        for n in range(len(g["chunks"])):
            name = f"text-{g['slug'] or '-notes'}-{n}.{g['hash']}.js"
            _, records = read_script(files[name].read_text(encoding="utf-8"))
            for kind, ref, title, path, text in records:
                docs.append({"kind": kind, "url": f"{g['url']}#{ref}" if g["slug"] else ref, "slug": g["slug"],
                             "text": text, "folded": fold(f"{title}\n{text}" if title else text)})
    return docs


def sample_queries(docs: list[dict], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [d["text"] for d in docs if d["slug"]]
    weights = [len(t) for t in texts]
    queries = set()
    while len(queries) < count:
        text = rng.choices(texts, weights)[0]
        length = rng.choice([1, 2, 2, 3, 3, 4, 4])
        start = rng.randrange(0, max(1, len(text) - length + 1))
        query = text[start:start + length]
        if query.strip():
            queries.add(query)
    return sorted(queries) + [q for q in EXAMPLES if q not in queries]


def first_result(browser, site: Path, url: str, runs: int = 5) -> tuple[float, int, int]:
    """(ms from navigation start to the first result, gzip bytes fetched by then,
    requests): the median of `runs` visits, each in a new context (empty cache)."""
    visits = []
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(FIRST_RESULT_PROBE)
        visits.append(visit(context, site, url))
        context.close()
    return sorted(visits)[runs // 2]


def visit(context, site: Path, url: str) -> tuple[float, int, int]:
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.__firstResult !== undefined", timeout=60_000)
    first = page.evaluate("window.__firstResult")
    entries = page.evaluate("""first => [{name: location.href, end: 0}].concat(
        performance.getEntriesByType('resource').map(e => ({name: e.name, end: e.responseEnd})))
        .filter(e => e.end <= first)""", first)
    total = sum(gz((site / (unquote(urlparse(e["name"]).path).lstrip("/") or "index.html")).read_bytes())
                for e in entries)
    page.close()
    return first, total, len(entries)


def index_size(folder: Path) -> tuple[int, int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(gz(p.read_bytes()) for p in files), len(files)


def warm_up(browser, url: str) -> None:
    """One throw-away visit: Chromium's own start-up is not the site's cost
    (each measured visit still gets a new context, with an empty cache)."""
    context = browser.new_context()
    context.new_page().goto(url)
    context.close()


def measure_ours(browser, site: Path, base: str, queries: list[str], docs: list[dict]) -> dict:
    figures = {"index": index_size(site / "search")}
    warm_up(browser, f"{base}/index.html")
    for name, query in QUERY_CLASSES.items():
        figures[name] = first_result(browser, site, f"{base}/search.html?q={quote(query)}")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search.html")
    timing = page.evaluate(TIME_OURS, queries)
    context.close()
    figures["median_page"] = statistics.median(timing["page"])
    figures["median_full"] = statistics.median(timing["full"])
    page, full = sorted(timing["page"]), sorted(timing["full"])
    figures["spread"] = (f"query time p95 {page[int(len(page) * .95)]:.3f} / {full[int(len(full) * .95)]:.3f} ms, "
                         f"slowest {page[-1]:.2f} / {full[-1]:.2f} ms (first page / full)")
    found = expected_total = shown_total = 0
    misses = []
    for query in queries:
        phrase = fold(query).strip()
        expected = {d["url"] for d in docs if phrase in d["folded"]}
        result = timing["results"][query]
        shown = set(result["urls"]) if result["exact"] else set()
        found, expected_total, shown_total = found + len(expected & shown), expected_total + len(expected), shown_total + len(shown)
        if shown != expected and len(misses) < 3:
            misses.append(f"{query!r}: missing {sorted(expected - shown)[:2]}, extra {sorted(shown - expected)[:2]}")
    figures["recall"] = found / max(expected_total, 1)
    figures["precision"] = found / max(shown_total, 1)
    figures["misses"] = misses
    return figures


def install_pagefind() -> Path:
    binary = PAGEFIND / "node_modules" / ".bin" / "pagefind"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--prefix", str(PAGEFIND), "--no-audit", "--no-fund"], check=True)
    return binary


def measure_pagefind(browser, site: Path, base: str, queries: list[str], docs: list[dict]) -> dict:
    subprocess.run([str(install_pagefind()), "--site", str(site), "--root-selector", "main",
                    "--output-subdir", "_pagefind", "--silent"], check=True)
    (site / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    (site / "pagefind-bench.js").write_text(PAGEFIND_SCRIPT, encoding="utf-8")
    figures = {"index": index_size(site / "_pagefind")}
    warm_up(browser, f"{base}/index.html")
    for name, query in QUERY_CLASSES.items():
        figures[name] = first_result(browser, site, f"{base}/pagefind-bench.html?q={quote(query)}")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/pagefind-bench.html")
    page.wait_for_function("() => window.__pagefindReady === true")
    timing = page.evaluate(TIME_PAGEFIND, queries)
    context.close()
    figures["median_page"] = statistics.median(timing["times"])
    figures["median_full"] = None
    found = expected_total = shown_total = 0
    for query in queries:
        phrase = fold(query).strip()
        expected = {d["slug"] for d in docs if d["slug"] and phrase in d["folded"]}
        shown = {urlparse(u).path.strip("/").split("/")[0] for u in timing["results"][query]}
        shown = {s for s in shown if (site / s / "index.html").exists() and s}
        found, expected_total, shown_total = found + len(expected & shown), expected_total + len(expected), shown_total + len(shown)
    figures["recall"] = found / max(expected_total, 1)
    figures["precision"] = found / max(shown_total, 1)
    figures["misses"] = [f"{len(timing['failed'])} queries failed, e.g. {timing['failed'][:3]}"] if timing["failed"] else []
    return figures


def row(label: str, n: int, f: dict) -> str:
    raw, packed, count = f["index"]
    cells = [f"{label:9}", f"{n:4d}", f"{packed / 1000:9.0f} KB ({count} files)"]
    for name in QUERY_CLASSES:
        ms, size, _ = f[name]
        cells.append(f"{size / 1000:6.1f} KB {ms:5.0f} ms")
    full = f"{f['median_full']:.3f}" if f["median_full"] is not None else "–"
    cells.append(f"{f['median_page']:6.3f} / {full:>5} ms")
    cells.append(f"{f['recall']:.3f} / {f['precision']:.3f}")
    return " | ".join(cells)


def verdict(n: int, f: dict) -> str:
    if n not in TARGETS:
        return ""
    max_bytes, max_ms, max_first = TARGETS[n]
    worst = max(f[name][1] for name in QUERY_CLASSES)
    slowest = max(f[name][0] for name in QUERY_CLASSES)
    checks = [f"bytes ≤ {max_bytes // 1000} KB: {'met' if worst <= max_bytes else 'NOT met'} ({worst / 1000:.1f} KB)",
              f"median ≤ {max_ms} ms: {'met' if f['median_page'] <= max_ms else 'NOT met'}",
              f"recall = precision = 1: {'met' if f['recall'] == f['precision'] == 1 else 'NOT met'}"]
    if max_first:
        checks.append(f"first result ≤ {max_first} ms: {'met' if slowest <= max_first else 'NOT met'} ({slowest:.0f} ms)")
    return f"  targets at N = {n}: " + "; ".join(checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-pagefind", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    lines = []
    header = ("engine    |    N |     index (gzip)      | "
              + " | ".join(f"{name} {q}: fetched, first result".ljust(26) for name, q in QUERY_CLASSES.items())
              + " | median query page/full | recall / precision")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as temp:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in [int(s) for s in args.sizes.split(",")]:
            folder = Path(temp) / f"n{n}"
            content, annotations = write_library(n, folder)
            site = folder / "output"
            build(content, annotations, site)
            docs = docs_of(site)
            queries = sample_queries(docs, args.samples, args.seed)
            base, httpd = serve(site)
            ours = measure_ours(browser, site, base, queries, docs)
            lines.append(row("ours", n, ours))
            print(lines[-1], flush=True)
            lines.append(f"  {ours['spread']}")
            print(lines[-1], flush=True)
            for miss in ours["misses"]:
                print(f"    {miss}")
            if verdict(n, ours):
                lines.append(verdict(n, ours))
                print(lines[-1], flush=True)
            if not args.no_pagefind:
                theirs = measure_pagefind(browser, site, base, queries, docs)
                lines.append(row("pagefind", n, theirs))
                print(lines[-1], flush=True)
                for miss in theirs["misses"]:
                    print(f"    {miss}")
            httpd.shutdown()
        browser.close()
    print(f"\n{len(queries)} substring queries per size (random 1–4 character substrings of the reports plus "
          "examples); bytes: every request before the first result, gzip -9; times: headless Chromium, local server")
    print(header)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
