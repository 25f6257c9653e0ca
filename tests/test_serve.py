"""`build.py serve`: the live preview rebuilds when an annotation changes,
tells open pages (server-sent events) so that they reload where the reader
was, shows a failed rebuild's problems in the page and keeps the last good
site. Every wait is on an event (the preview's own event stream, a page's
load), never a fixed sleep."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT

WAIT = 60.0  # seconds: the longest any event here may take (a rebuild takes about 1 s)
MARKER = "预览测试标记"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


class Events:
    """The preview's event stream, as a page's EventSource reads it."""

    def __init__(self, base: str) -> None:
        deadline = time.monotonic() + WAIT
        while True:  # the server is up before the first build; the process may still be starting
            try:
                self.stream = urllib.request.urlopen(f"{base}/__live/events", timeout=WAIT)
                break
            except OSError:
                assert time.monotonic() < deadline, "the preview never answered"
                time.sleep(0.05)

    def next(self) -> dict:
        for raw in self.stream:
            line = raw.decode("utf-8").strip()
            if line.startswith("data: "):
                return json.loads(line[len("data: "):])
        raise AssertionError("the event stream ended")

    def until(self, predicate) -> dict:
        while not predicate(state := self.next()):
            pass
        return state


@contextmanager
def preview(tmp_path: Path, *extra: str):
    """`build.py serve --no-pdf` on a copy of annotations/; yields (base URL, annotations, output lines)."""
    annotations = tmp_path / "annotations"
    shutil.copytree(ROOT / "annotations", annotations)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--no-pdf",
         "--annotations", str(annotations), "--output", str(tmp_path / "output"), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    try:
        yield f"http://127.0.0.1:{port}", annotations, log
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
        log.append(output)


def edit_definition(term: Path, original: str) -> None:
    term.write_text(original.replace("definition: |\n  ", f"definition: |\n  {MARKER}", 1), encoding="utf-8")


def test_serve_rebuilds_on_annotation_change_and_keeps_last_good_site(tmp_path):
    with preview(tmp_path) as (base, annotations, log):
        events = Events(base)
        first = events.until(lambda s: s["site"] >= 1)
        page = f"{base}/terms/rcep.html"
        assert "RCEP" in fetch(page)
        term = annotations / "terms" / "rcep.yml"
        original = term.read_text(encoding="utf-8")
        edit_definition(term, original)
        events.until(lambda s: s["site"] > first["site"])
        assert MARKER in fetch(page)
        term.write_text(original.replace("id: rcep", "id: RCEP!"), encoding="utf-8")
        failed = events.until(lambda s: not s["ok"])
        assert f"{term}:2:1: id: 'RCEP!' does not match" in failed["problems"]
        assert MARKER in fetch(page)  # the last good page stays
        assert '<script src="/__live/reload.js?site=2" defer></script></head>' in fetch(page)
    built = [p for p in (tmp_path / "output").rglob("*") if p.is_file()]
    assert built and not [p for p in built if b"__live" in p.read_bytes()]  # only the preview adds it
    assert "rebuilt" in log[0] and "kept the last good site" in log[0], log[0]


@pytest.mark.browser
def test_an_edit_reloads_the_open_page_where_it_was_and_a_failure_shows_in_it(tmp_path, open_page):
    with preview(tmp_path) as (base, annotations, log):
        events = Events(base)
        events.until(lambda s: s["site"] >= 1)
        page = open_page(f"{base}/terms/rcep.html", height=300)
        page.evaluate("window.scrollTo(0, 200)")
        term = annotations / "terms" / "rcep.yml"
        original = term.read_text(encoding="utf-8")
        with page.expect_event("load", timeout=WAIT * 1000):
            edit_definition(term, original)
        page.wait_for_function("() => window.scrollY === 200", timeout=WAIT * 1000)
        assert MARKER in page.content()
        term.write_text(original.replace("id: rcep", "id: RCEP!"), encoding="utf-8")
        panel = page.wait_for_selector("#live-problems", timeout=WAIT * 1000)
        assert f"{term}:2:1: id: 'RCEP!' does not match" in panel.text_content()
        with page.expect_event("load", timeout=WAIT * 1000):
            term.write_text(original, encoding="utf-8")
        assert page.query_selector("#live-problems") is None and MARKER not in page.content()
        # nothing refused by the CSP, no failed request (but the event stream a reload ends)
        assert [e for e in page.errors if "/__live/events" not in e] == []


def test_the_warm_build_process_builds_again_after_a_restart(tmp_path):
    """A code edit restarts the build process (live/rebuild.py): the new one
    must build like the first, problems and all."""
    from conftest import FIXTURE_REPORT, FIXTURES
    from live.rebuild import Builder

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copytree(FIXTURES / "reports" / FIXTURE_REPORT, content / "reports" / FIXTURE_REPORT)
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    for side_file in (ROOT / "annotations").glob("*.yml"):
        shutil.copy(side_file, annotations)
    builder = Builder(ROOT, tmp_path / "output", {"PATH": str(content), "ANNOTATIONS_PATH": str(annotations),
                                                   "PLUGINS": ["report_markdown", "reports", "annotations", "search_index"]})
    try:
        assert builder.build().ok
        builder.restart()
        (content / "reports" / FIXTURE_REPORT / "report.yml").write_text("title: [", encoding="utf-8")
        outcome = builder.build()
        assert not outcome.ok and f"{FIXTURE_REPORT}/report.yml:2:1: this is not valid YAML" in outcome.output
    finally:
        builder.stop()
    assert (tmp_path / "output" / "index.html").is_file()
