"""Shared fixtures: one real build of the library for the whole session, a
local HTTP server for it, and headless Chromium (Debian's, driven by Playwright).

The library built is every report in content/ plus the made-up report in
tests/fixtures/reports/ (a one-year review and tasks, no notice), with
annotations/ plus tests/fixtures/annotations/ (a thread and an indicator that
span two reports): the generator tests hold for any set of reports, and the
Taizhou edition is one of them."""
from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Chromium's own background traffic is refused on a closed network; keep it quiet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))


FIXTURES = ROOT / "tests" / "fixtures"
TAIZHOU = "taizhou-2022"  # the report the Taizhou edition's tests look at
FIXTURE_REPORT = "qingyu-2023"  # the made-up one
REPORT = f"{TAIZHOU}/index.html"  # its page, relative to the site root


BROWSER_FIXTURES = {"browser", "open_page"}
_selected = {"pdf": True}  # whether a selected test needs the PDF in the session's site


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("pdf"):  # `make test` (-n, --dist loadgroup): PDF tests on one worker,
            item.add_marker(pytest.mark.xdist_group("pdf"))  # so no two builds prune each other's PDF cache


def pytest_collection_finish(session) -> None:
    _selected["pdf"] = any(item.get_closest_marker("pdf") for item in session.items)


def run_build(output: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--output", str(output), *extra],
                          capture_output=True, text=True, cwd=ROOT)


def run_main(*args: str) -> subprocess.CompletedProcess:
    """`build.py ARGS` in this process (no interpreter start-up, no re-import):
    its exit status and what it printed, shaped like subprocess.run's result."""
    import contextlib
    import io

    import build
    from annotations import model
    from library import resolve

    model.forget()  # a file rewritten within the same tick keeps its size and mtime
    resolve._cache.clear()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = build.main(list(args))
    return subprocess.CompletedProcess(["build.py", *args], status, out.getvalue(), err.getvalue())


def library_sources(folder: Path) -> tuple[Path, Path]:
    """content/ and annotations/ with the test fixtures added, in `folder`."""
    content, annotations = folder / "content", folder / "annotations"
    shutil.copytree(ROOT / "content", content)
    for report in (FIXTURES / "reports").iterdir():
        shutil.copytree(report, content / "reports" / report.name)
    shutil.copytree(ROOT / "annotations", annotations)
    shutil.copytree(FIXTURES / "annotations", annotations, dirs_exist_ok=True)
    (annotations / "README.md").unlink()
    return content, annotations


def once_per_run(tmp_path_factory, name: str, make) -> Path:
    """A folder `make(folder)` fills once for the whole test run: under
    pytest-xdist (`make test` runs -n auto) the first worker makes it, under a
    lock, and the others wait and use it, instead of each building the site."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    folder = tmp_path_factory.getbasetemp().parent / name  # shared by the run's workers
    with open(f"{folder}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".made").touch()
    return folder


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> tuple[Path, Path]:
    folder = once_per_run(tmp_path_factory, "library", library_sources)
    return folder / "content", folder / "annotations"


@pytest.fixture(scope="session")
def site(tmp_path_factory, library) -> Path:
    """The library as `build.py build` makes it, in a temporary folder: with
    the PDFs when a selected test is marked `pdf`, else without (test-fast)."""
    content, annotations = library
    no_pdf = [] if _selected["pdf"] else ["--no-pdf"]

    def make(folder: Path) -> None:
        result = run_build(folder / "output", "--content", str(content), "--annotations", str(annotations), *no_pdf)
        assert result.returncode == 0, result.stderr

    return once_per_run(tmp_path_factory, "site", make) / "output"


@pytest.fixture(scope="session")
def report_html(site) -> str:
    return (site / REPORT).read_text(encoding="utf-8")


def report_source(slug: str = TAIZHOU) -> Path:
    folder = ROOT / "content" / "reports" / slug
    if not folder.exists():
        folder = FIXTURES / "reports" / slug
    return folder / "source.txt"


@pytest.fixture(scope="session")
def source_text() -> str:
    return report_source().read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """Open a page at a viewport; collect console errors and failed requests."""
    contexts = []

    def _open(url: str, width: int = 1280, height: int = 800, touch: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch,
                                      is_mobile=touch, device_scale_factor=2 if touch else 1)
        contexts.append(context)
        page = watched(context.new_page())
        page.goto(url)
        return page

    yield _open
    for context in contexts:
        context.close()


def watched(page):
    """The page, collecting console errors, page errors, failed requests and HTTP errors in `page.errors`."""
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("requestfailed", lambda req: page.errors.append(f"request failed: {req.url}"))
    page.on("response", lambda res: page.errors.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None)
    return page


# Resolves once the page is still: no finite animation running and the same
# scroll position for two frames (a smooth scroll, a popover sliding in).
SETTLED_JS = """() => new Promise(resolve => {
  let last = NaN, still = 0;
  const step = () => {
    const moving = document.getAnimations().some(a => a.playState === "running"
      && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
    still = (!moving && window.scrollY === last) ? still + 1 : 0;
    last = window.scrollY;
    if (still >= 2) resolve(true); else requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


# page.wait_for_function: give a function ("() => …"), not a bare expression. Playwright
# evals the string in the page: a function once, then calls it at each poll; an expression
# at every poll. The site's CSP has no 'unsafe-eval', and one run in eight failed with
# "EvalError … violates the following Content Security Policy directive" while polling an
# expression (test_popover_opens_on_focus…); a function is evaluated once, at the start.


def settle(page) -> None:
    """Wait until the page has stopped moving (a condition, not a fixed time)."""
    page.evaluate(SETTLED_JS)


def save_artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


# A term that passes the check: the starting point of the check-message tests.
GOOD_TERM = """\
# yaml-language-server: $schema=../../schemas/term.schema.json
id: tenglong
term: 腾笼换鸟
match:
  - 腾笼换鸟、凤凰涅槃
category: slogan
short: 淘汰落后产能、引入新兴产业的产业升级方针。
definition: |
  浙江省推动产业转型升级的提法：把落后、低效的产能腾出空间，引进和培育高质量的产业与企业，实现结构优化。[1]报告把它与凤凰涅槃并提，作为2022年推动高质量发展的抓手。[报告]
sources:
  - title: 示例出处
    url: https://www.zj.gov.cn/
    publisher: 浙江省人民政府
reviewed: 2026-11-28
"""


@pytest.fixture
def annotations_folder(tmp_path) -> Path:
    """An annotations/ folder with no entries yet, beside the real side files."""
    root = tmp_path / "annotations"
    for kind in ("terms", "threads", "indicators"):
        (root / kind).mkdir(parents=True)
    for name in ("categories.yml", "templates.yml", "sources.yml"):
        shutil.copy(ROOT / "annotations" / name, root)
    return root
