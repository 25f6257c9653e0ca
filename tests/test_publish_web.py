"""Publishing for real (issue 14): the Web Annotation export and the tool that
reads it back, `make publish`'s absolute URLs (canonical links, Open Graph,
sitemap, robots.txt, _headers, social images), revisions and the feed from git
history (and a build without it), and reading offline in Chromium."""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURE_REPORT, ROOT, TAIZHOU, QuietHandler, once_per_run

import build
from annotation_history.git_log import file_revisions, parse_log
from web_annotations.export import EXPORT_NAME, report_collection
from web_annotations.reanchor import items, reanchor
from web_annotations.selectors import apply_position, apply_quote, selectors_of
from web_annotations.text import report_text
from web_publish.offline import manifest

SITE = "https://reports.example.org"


# ---- builds ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def quick_site(site) -> Path:
    """The local build of the test library, from folders outside any git
    repository: the session's site (PDFs or not, nothing here reads them)."""
    return site


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """`make publish` without PDFs: the repository's own content, with its git
    history; made once for all workers (conftest.once_per_run)."""
    def make(folder: Path) -> None:
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-pdf", "--settings", "publishconf.py",
                                 "--output", str(folder / "output")], capture_output=True, text=True, cwd=ROOT,
                                env={**os.environ, "SITEURL": SITE})
        assert result.returncode == 0, result.stderr

    return once_per_run(tmp_path_factory, "published", make) / "output"


@pytest.fixture(scope="module")
def resolved(library):
    from library.resolve import resolve

    content, annotations = library
    return resolve(build.load_settings({"PATH": str(content), "ANNOTATIONS_PATH": str(annotations)}))


# ---- the Web Annotation export ------------------------------------------------------

MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
               "identifying", "linking", "moderating", "questioning", "replying", "tagging"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def model_problems(collection: dict) -> list[str]:
    """What the W3C Web Annotation Data Model requires of what we use (§3, §4)."""
    problems = []
    need = lambda ok, what: problems.append(what) if not ok else None  # noqa: E731
    need("http://www.w3.org/ns/anno.jsonld" in collection["@context"], "collection: @context")
    need(collection.get("id") and collection.get("type") == "AnnotationCollection", "collection: id, type")
    page = collection.get("first") or {}
    need(page.get("id") and page.get("type") == "AnnotationPage" and isinstance(page.get("items"), list), "page")
    need(collection.get("total") == len(page.get("items", [])), "collection: total")
    for a in page.get("items", []):
        where = a.get("id", "?")
        need(a.get("id") and a.get("type") == "Annotation", f"{where}: id, type")
        need(a.get("motivation") in MOTIVATIONS, f"{where}: motivation")
        target = a.get("target") or {}
        need(target.get("source"), f"{where}: target source")
        chosen = selectors_of(a)
        quote, position = chosen.get("TextQuoteSelector", {}), chosen.get("TextPositionSelector", {})
        need(isinstance(quote.get("exact"), str) and quote["exact"], f"{where}: TextQuoteSelector exact")
        need(all(isinstance(position.get(k), int) and position[k] >= 0 for k in ("start", "end")),
             f"{where}: TextPositionSelector start, end")
        for body in a.get("body", []):
            need(body.get("type") in ("TextualBody", "Text"), f"{where}: body type")
            need(body.get("purpose") in MOTIVATIONS, f"{where}: body purpose")
            need("value" in body if body["type"] == "TextualBody" else body.get("id"), f"{where}: body value or id")
            for key in ("created", "modified"):
                need(key not in body or DATETIME.match(body[key]), f"{where}: body {key} is an xsd:dateTime")
    return problems


def test_every_selector_of_every_export_lands_on_its_span(resolved):
    for parsed in resolved.reports:
        text, starts = report_text(parsed.blocks)
        collection = report_collection(resolved, parsed.slug, SITE, "site")
        assert model_problems(collection) == []
        expected = {}  # the resolve phase's places, as spans of the report text
        for term_id, hits in resolved.term_hits.items():
            for n, hit in enumerate([h for h in hits if h.report == parsed.slug], 1):
                expected[f"term-{term_id}-{n}"] = (starts[hit.block] + hit.start, starts[hit.block] + hit.end)
        for anchors in resolved.anchors.values():
            for anchor in anchors:
                if anchor.place.report == parsed.slug:
                    p = anchor.place
                    expected[f"thread-{anchor.id}"] = (starts[p.block] + p.start, starts[p.block] + p.end)
        found = {}
        for annotation in items(collection):
            chosen = selectors_of(annotation)
            span = apply_quote(text, chosen["TextQuoteSelector"])
            assert span is not None and span == apply_position(text, chosen["TextPositionSelector"]), annotation["id"]
            assert text[span[0]:span[1]] == chosen["TextQuoteSelector"]["exact"]
            assert annotation["target"]["source"] == f"{SITE}/{parsed.slug}/index.html"
            found[annotation["id"].split("#", 1)[1]] = span
        assert found == expected and found, parsed.slug


def test_term_and_anchor_bodies_carry_definition_sources_review_and_note(resolved):
    collection = report_collection(resolved, TAIZHOU, SITE)
    by_id = {a["id"].split("#")[1]: a for a in items(collection)}
    term = by_id["term-5a-jingqu-1"]
    assert term["motivation"] == "describing"
    described = term["body"][0]
    assert described["type"] == "TextualBody" and "5A级" in described["value"] and described["modified"].startswith("2026-")
    assert {b["id"] for b in term["body"][1:]} >= {f"{SITE}/terms/5a-jingqu.html",
                                                  "http://www.zjsql.com.cn/index.php?m=content&c=index&a=show&catid=14&id=47573"}
    anchor = next(a for key, a in by_id.items() if key.startswith("thread-rd-across-reports-"))
    assert anchor["motivation"] == "linking" and anchor["body"][0]["id"] == f"{SITE}/threads/rd-across-reports.html"
    assert anchor["body"][1]["value"] == "2022年的目标。"


def test_the_build_writes_and_links_each_export(quick_site, resolved):
    for slug in (TAIZHOU, FIXTURE_REPORT):
        written = json.loads((quick_site / slug / EXPORT_NAME).read_text(encoding="utf-8"))
        assert written == report_collection(resolved, slug, "", "政府工作报告 · 注释版")
        assert written["first"]["items"][0]["target"]["source"] == "../" + f"{slug}/index.html"
        page = (quick_site / slug / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="alternate" type="application/ld+json" href="../{slug}/{EXPORT_NAME}"' in page


def test_the_text_selectors_count_in_is_the_pages_block_text(quick_site, resolved):
    """The README's definition, read from the page as a browser would: the
    `data-block` elements' text without `data-ui`, joined with newlines."""
    from html_blocks import parse

    for parsed in resolved.reports:
        page = parse((quick_site / parsed.slug / "index.html").read_text(encoding="utf-8"))
        assert "\n".join(b["text"] for b in page.blocks) == report_text(parsed.blocks)[0]


def test_reanchor_moves_annotations_to_a_new_version_and_lists_the_lost(resolved):
    parsed = resolved.report(FIXTURE_REPORT)
    text, _starts = report_text(parsed.blocks)
    collection = report_collection(resolved, FIXTURE_REPORT, SITE)
    same = reanchor(collection, text)
    assert set(same.status.values()) == {"kept"} and same.collection["first"]["items"] == items(collection)
    # a new edition: a line added at the top, and one annotated phrase reworded
    lost = items(collection)[-1]
    exact = selectors_of(lost)["TextQuoteSelector"]["exact"]
    new_text = "（修订稿）\n" + text.replace(exact, "〔删〕")
    outcome = reanchor(collection, new_text)
    assert outcome.status[lost["id"]] == "orphaned"
    assert outcome.count("moved") + outcome.count("fuzzy") == len(items(collection)) - outcome.count("orphaned")
    for annotation in items(outcome.collection):
        chosen = selectors_of(annotation)
        span = apply_quote(new_text, chosen["TextQuoteSelector"])
        assert span == apply_position(new_text, chosen["TextPositionSelector"])
    assert outcome.collection["total"] == len(items(outcome.collection))


def test_reanchor_command_reads_a_built_export(quick_site, resolved, tmp_path):
    text = "（修订稿）\n" + report_text(resolved.report(FIXTURE_REPORT).blocks)[0]  # a line added at the top
    (tmp_path / "new.txt").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "reanchor.py"), str(quick_site / FIXTURE_REPORT / EXPORT_NAME),
                             "--text", str(tmp_path / "new.txt"), "--output", str(tmp_path / "out.jsonld")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))
    assert f"reanchor: 0 kept, {written['total']} moved, 0 fuzzy, 0 orphaned" in result.stderr
    for annotation in items(written):
        chosen = selectors_of(annotation)
        assert apply_quote(text, chosen["TextQuoteSelector"]) == apply_position(text, chosen["TextPositionSelector"])


def test_reanchor_command_reads_a_report_folder(quick_site, library, tmp_path):
    content, _annotations = library
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "reanchor.py"), str(quick_site / TAIZHOU / EXPORT_NAME),
                             "--report", str(content / "reports" / TAIZHOU), "--output", str(tmp_path / "out.jsonld")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert re.search(r"reanchor: (\d+) kept, 0 moved, 0 fuzzy, 0 orphaned", result.stderr)


# ---- make publish --------------------------------------------------------------------

def test_publish_build_has_absolute_urls_canonical_links_and_social_metadata(published):
    page = (published / TAIZHOU / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE}/{TAIZHOU}/index.html">' in page
    assert f'<link rel="stylesheet" href="{SITE}/theme/css/site.css">' in page
    assert f'<meta property="og:image" content="{SITE}/{TAIZHOU}/social.png">' in page
    assert '<meta property="og:title" content="台州市2022年政府工作报告">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    for path, title in (("terms/5a-jingqu.html", "国家5A级旅游景区"), ("threads.html", None)):
        html = (published / path).read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{SITE}/{path}">' in html
        if title:
            assert f'<meta property="og:title" content="{title}">' in html
    thread = next((published / "threads").glob("*.html")).read_text(encoding="utf-8")
    assert '<meta property="og:type" content="article">' in thread and f'content="{SITE}/threads/' in thread
    export = json.loads((published / TAIZHOU / EXPORT_NAME).read_text(encoding="utf-8"))
    assert export["id"] == f"{SITE}/{TAIZHOU}/{EXPORT_NAME}"


def test_social_images_are_png_of_the_open_graph_size(published):
    from PIL import Image

    for path in (f"{TAIZHOU}/social.png", "social.png"):
        with Image.open(published / path) as image:
            assert image.format == "PNG" and image.size == (1200, 630)


def test_sitemap_lists_every_page_with_absolute_urls_and_robots_points_to_it(published):
    tree = etree.parse(str(published / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert tree.getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=ns)
    pages = sorted(p.relative_to(published).as_posix() for p in published.rglob("*.html"))
    assert locs == [f"{SITE}/{p}" for p in pages] and f"{SITE}/{TAIZHOU}/index.html" in locs
    assert len(locs) <= 50000 and all(u.count("://") == 1 for u in locs)
    assert f"Sitemap: {SITE}/sitemap.xml" in (published / "robots.txt").read_text(encoding="utf-8")
    assert (published / "_headers").read_bytes() == (ROOT / "deploy" / "_headers").read_bytes()


def test_local_build_stays_relative_without_sitemap_or_canonical(quick_site):
    page = (quick_site / TAIZHOU / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page and "og:url" not in page and "https://reports" not in page
    assert '<link rel="stylesheet" href="../theme/css/site.css">' in page
    assert not (quick_site / "sitemap.xml").exists() and not (quick_site / "_headers").exists()


# ---- revisions and the feed -------------------------------------------------------------

def test_revisions_and_feed_come_from_git_history(published):
    if file_revisions(ROOT / "annotations") is None:
        pytest.skip("this copy of the project has no git history (a tarball): see the test below")
    git = subprocess.run(["git", "log", "-1", "--format=%h %s", "--", "annotations/terms/5a-jingqu.yml"],
                         capture_output=True, text=True, cwd=ROOT).stdout.split(" ", 1)
    page = (published / "terms" / "5a-jingqu.html").read_text(encoding="utf-8")
    assert f'<li id="5a-jingqu-rev-{git[0]}">' in page and git[1].strip() in page
    feed = etree.parse(str(published / "feeds" / "annotations.atom.xml"))
    atom = {"a": "http://www.w3.org/2005/Atom"}
    links = feed.xpath("//a:entry/a:link/@href", namespaces=atom)
    assert 0 < len(links) <= 100 and all(link.startswith(f"{SITE}/") for link in links)  # FEED_MAX_ITEMS
    for link in links:  # each entry lands on its revision, on the entry's page
        path, revision = link[len(SITE) + 1:].split("#")
        assert f'id="{revision}"' in (published / path).read_text(encoding="utf-8")
    newest = subprocess.run(["git", "log", "-1", "--no-merges", "--format=%h", "--", "annotations"],
                            capture_output=True, text=True, cwd=ROOT).stdout.strip()
    assert links[0].endswith(f"-rev-{newest}")
    assert f'href="{SITE}/feeds/annotations.atom.xml"' in page


def test_a_build_without_git_history_says_so(quick_site):
    page = (quick_site / "terms" / "5a-jingqu.html").read_text(encoding="utf-8")
    assert "修订记录不可用" in page
    assert "修订记录不可用" in (quick_site / "indicators.html").read_text(encoding="utf-8")
    assert not (quick_site / "feeds").exists() and "application/atom+xml" not in page


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=e@example.org", *args], cwd=folder,
                   check=True, capture_output=True)


def test_one_git_log_gives_each_files_revisions_newest_first(tmp_path):
    (tmp_path / "annotations" / "terms").mkdir(parents=True)
    term = tmp_path / "annotations" / "terms" / "a.yml"
    git(tmp_path, "init", "-q")
    term.write_text("id: a\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "terms: add a")
    term.write_text("id: a\nshort: 更正\n", encoding="utf-8")
    git(tmp_path, "commit", "-qam", "terms: correct a")
    revisions = file_revisions(tmp_path / "annotations")
    assert [r.summary for r in revisions["terms/a.yml"]] == ["terms: correct a", "terms: add a"]
    assert re.match(r"\d{4}-\d{2}-\d{2}$", revisions["terms/a.yml"][0].date)


def test_history_is_unavailable_without_a_repository_or_a_git_binary(tmp_path):
    assert file_revisions(tmp_path) is None  # a tarball: no .git
    git(tmp_path, "init", "-q")
    assert file_revisions(tmp_path, git=str(tmp_path / "no-such-git")) is None
    assert file_revisions(tmp_path) == {}  # a repository with nothing committed yet
    assert parse_log("") == {}


# ---- offline ----------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def offline_site(library, tmp_path_factory) -> tuple[Path, int]:
    """A publishing build of the test library (it holds the service worker), for
    a local server at a port chosen beforehand: its SITEURL."""
    content, annotations = library
    port = free_port()
    output = tmp_path_factory.mktemp("offline") / "output"
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-pdf", "--settings", "publishconf.py",
                             "--content", str(content), "--annotations", str(annotations), "--output", str(output)],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "SITEURL": f"http://127.0.0.1:{port}"})
    assert result.returncode == 0, result.stderr
    return output, port


def serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A server the test stops: then nothing reaches the network, whatever the
    browser's offline emulation covers (a service worker's own requests included)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def stop(httpd: http.server.ThreadingHTTPServer) -> None:
    httpd.shutdown()
    httpd.server_close()


def test_worker_version_changes_with_what_it_caches(offline_site, tmp_path):
    import shutil

    site, _port = offline_site
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    before = manifest(copy, [TAIZHOU, FIXTURE_REPORT])
    assert f"{TAIZHOU}/{EXPORT_NAME}" in before["reports"][TAIZHOU]
    assert any(p.startswith("search/") for p in before["shell"]) and "search.html" in before["shell"]
    (copy / TAIZHOU / EXPORT_NAME).write_text("{}", encoding="utf-8")
    assert manifest(copy, [TAIZHOU, FIXTURE_REPORT])["version"] != before["version"]
    worker = (site / "sw.js").read_text(encoding="utf-8")
    assert worker.startswith("self.OFFLINE = {") and f'"{TAIZHOU}/terms-data.js"' in worker


def test_a_report_reads_and_searches_offline_after_one_visit(browser, offline_site):
    site, port = offline_site
    base = f"http://127.0.0.1:{port}"
    httpd = serve(site, port)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}/{TAIZHOU}/index.html")
        page.wait_for_selector("html[data-offline=ready]")
        stop(httpd)
        context.set_offline(True)
        page.reload()
        assert "过去五年工作回顾" in page.locator("#p1").inner_text()
        # its annotations: the popovers' data and the export, from the worker's cache
        fetched = page.evaluate("() => Promise.all(['terms-data.js', 'annotations.jsonld'].map("
                                "name => fetch(name).then(r => r.text())))")
        assert fetched[0].startswith("window.TERMS = ") and json.loads(fetched[1])["type"] == "AnnotationCollection"
        page.goto(f"{base}/search.html?q=%E8%85%BE%E7%AC%BC%E6%8D%A2%E9%B8%9F")  # 腾笼换鸟
        page.wait_for_selector(".search-result-link")
        hrefs = page.eval_on_selector_all(".search-result-link", "links => links.map(a => a.getAttribute('href'))")
        assert any(TAIZHOU in h for h in hrefs)
        # and a result opens its paragraph, highlighted (the page from the cache, whatever its ?hl=)
        page.locator(f".search-result-link[href*='{TAIZHOU}/index.html']").first.click()
        page.wait_for_selector("mark.search-hit")
    finally:
        context.close()
        stop(httpd)


def test_a_new_build_replaces_the_offline_copy_on_the_next_visit(browser, tmp_path, offline_site):
    import shutil

    from web_publish.offline import write_worker

    site, port = offline_site
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    httpd = serve(copy, port)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/{TAIZHOU}/index.html")
        page.wait_for_selector("html[data-offline=ready]")
        # a new build is published: a corrected page, so a new worker with a new version
        report = copy / TAIZHOU / "index.html"
        report.write_text(report.read_text(encoding="utf-8").replace("</main>", "<p id=new-build>新</p></main>"), encoding="utf-8")
        version = write_worker(copy, ROOT / "theme" / "offline" / "service-worker.js", [TAIZHOU, FIXTURE_REPORT])["version"]
        page.reload()
        page.wait_for_function("""async version => {
            const names = await caches.keys();
            if (names.length !== 1 || names[0] !== "reports-offline-" + version) return false;
            const page = await (await caches.open(names[0])).match("index.html");
            return page && (await page.text()).includes("id=new-build");
        }""", arg=version)
    finally:
        context.close()
        stop(httpd)


def test_no_worker_in_a_local_build_for_file_urls(open_page, quick_site):
    assert not (quick_site / "sw.js").exists()
    html = (quick_site / TAIZHOU / "index.html").read_text(encoding="utf-8")
    assert "offline.js" not in html
    page = open_page((quick_site / TAIZHOU / "index.html").as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.getAttribute('data-offline')") is None
    assert page.errors == []


def test_a_log_started_early_is_the_one_read_and_a_stale_one_is_replaced(tmp_path):
    from annotation_history import git_log

    folder = tmp_path / "annotations"
    folder.mkdir()
    git(folder, "init", "-q")
    (folder / "a.yml").write_text("id: a\n", encoding="utf-8")
    git(folder, "add", "a.yml")
    git(folder, "commit", "-q", "-m", "first")
    git_log.start(folder)  # a build that stopped before it read the log
    (folder / "b.yml").write_text("id: b\n", encoding="utf-8")
    git(folder, "add", "b.yml")
    git(folder, "commit", "-q", "-m", "second")
    git_log.start(folder)  # the next build
    assert set(git_log.file_revisions(folder)) == {"a.yml", "b.yml"}
    assert not git_log._started
