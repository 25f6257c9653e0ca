#!/usr/bin/env python3
"""The editor's loop and the build's scaling (issue 12), side by side with
vanilla Pelican on the same Markdown. Figures, not pass/fail.

    .venv/bin/python bench/editor_loop.py [--runs N] [--large 100] [--skip-pdf]

- cold build without the PDF, 1 and LARGE reports (copies, as bench/many_reports.py
  makes them), each a fresh process; vanilla Pelican (pinned in
  bench/requirements-vanilla.txt, installed into bench/.venv-vanilla by this
  script, never into .venv) builds the same report.md files as plain pages;
- saving an annotation → the open page reloaded in Chromium under
  `build.py serve --no-pdf` (median of N edits);
- a fresh Taizhou PDF (rendered again, not reused; font cut and page numbers
  cached, as after an edit);
- the PDFs of 2 reports, one process (PDF_WORKERS=1) against one per core.

Targets: ours ≤ 2× vanilla at 1 report; each extra report ≤ 3× what it adds to
vanilla; edit → reload ≤ 1 s; 2 PDFs in parallel ≥ 1.7× faster than serial.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from many_reports import SCHEMA_LINE, SLUG, library  # noqa: E402  (bench/many_reports.py)

VANILLA = ROOT / "bench" / ".venv-vanilla"
REQUIREMENTS = ROOT / "bench" / "requirements-vanilla.txt"
VANILLA_CONF = """\
PATH = "content"
SITENAME = "vanilla"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = None
"""
CHROMIUM = "/usr/bin/chromium"


def vanilla_python() -> Path:
    python = VANILLA / "bin" / "python"
    stamp = VANILLA / ".installed"
    if not stamp.exists() or stamp.read_text() != REQUIREMENTS.read_text():
        print(f"bench: installing vanilla Pelican into {VANILLA.relative_to(ROOT)} from {REQUIREMENTS.name}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VANILLA)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(REQUIREMENTS.read_text())
    return python


def timed(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd, env={**os.environ, **(env or {})})
    return time.perf_counter() - started


def vanilla_site(folder: Path, content: Path) -> Path:
    """The same report.md files as plain Pelican pages (a title line added)."""
    site = folder / "vanilla"
    pages = site / "content" / "pages"
    pages.mkdir(parents=True)
    for report in sorted((content / "reports").iterdir()):
        text = (report / "report.md").read_text(encoding="utf-8")
        (pages / f"{report.name}.md").write_text(f"Title: {report.name}\n\n{text}", encoding="utf-8")
    (site / "pelicanconf.py").write_text(VANILLA_CONF, encoding="utf-8")
    return site


def cpu_timed(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the command and its children).
    On a virtual machine whose host is shared, the CPU time moves less than the
    wall time when the host is busy (time stolen by other guests is in neither)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """Median wall and median CPU time."""
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def cold_builds(runs: int, sizes: list[int]) -> dict[int, tuple[tuple[float, float], tuple[float, float]]]:
    """{size: ((ours wall, ours CPU), (vanilla wall, vanilla CPU))}, ours and
    vanilla measured in turn, so that a busy spell of the host hits both."""
    python = vanilla_python()
    figures = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            content, annotations = library(folder, size)
            site = vanilla_site(folder, content)
            ours_command = [sys.executable, str(ROOT / "build.py"), "build", "--no-pdf", "--output", str(folder / "out"),
                            "--content", str(content), "--annotations", str(annotations)]
            theirs_command = [str(python), "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(site / "out"), "-q"]
            cpu_timed(ours_command), cpu_timed(theirs_command, cwd=site)  # first builds: caches, output folders
            pairs = [(cpu_timed(ours_command), cpu_timed(theirs_command, cwd=site)) for _ in range(runs)]
            figures[size] = (medians([p[0] for p in pairs]), medians([p[1] for p in pairs]))
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_to_reload(runs: int) -> list[float]:
    """Save an annotation; time until the open page has loaded again."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from test_serve import Events  # the preview's event stream, as the tests read it

    with tempfile.TemporaryDirectory() as temp:
        annotations = Path(temp) / "annotations"
        shutil.copytree(ROOT / "annotations", annotations)
        port = free_port()
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--no-pdf", "--port", str(port),
                                   "--annotations", str(annotations), "--output", str(Path(temp) / "out")],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times = []
        try:
            Events(f"http://127.0.0.1:{port}").until(lambda s: s["site"] >= 1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/{SLUG}/index.html")
                term = annotations / "terms" / "rcep.yml"
                original = term.read_text(encoding="utf-8")
                for n in range(runs):
                    with page.expect_event("load", timeout=60_000):
                        started = time.perf_counter()
                        term.write_text(original.replace("definition: |\n  ", f"definition: |\n  第{n}次", 1),
                                        encoding="utf-8")
                    times.append(time.perf_counter() - started)
                browser.close()
        finally:
            server.terminate()
            server.wait()
    return times


def pdf_build(content: Path, annotations: Path, output: Path, cache: Path, workers: int, reuse: bool) -> float:
    code = ("import sys, build; from pathlib import Path; "
            f"sys.exit(build.build(Path({str(output)!r}), {{'PATH': {str(content)!r}, "
            f"'ANNOTATIONS_PATH': {str(annotations)!r}, 'PDF_CACHE_PATH': {str(cache)!r}, "
            f"'PDF_REUSE_RENDERED': {reuse!r}}}, quiet=True))")
    return timed([sys.executable, "-c", code], env={"PDF_WORKERS": str(workers), "BUILD_PROGRESS": "0"})


def twin_library(folder: Path) -> tuple[Path, Path]:
    """Taizhou and one copy with the same PDF work: each thread and indicator
    also has a twin whose quotes name the copy (bench/many_reports.py names Taizhou
    only, which leaves the copy's PDF without those appendices: 4 s against 8 s)."""
    import yaml

    content, annotations = library(folder, 2)
    for kind, items in (("thread", "anchors"), ("indicator", "values")):
        for path in list((annotations / f"{kind}s").glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["id"] = f"{data['id']}-copy"
            for item in data.get(items) or []:
                item["report"] = "copy-001"
            (path.parent / f"{data['id']}.yml").write_text(
                SCHEMA_LINE.format(kind=kind) + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content, annotations


def pdf_figures(no_pdf_build: float) -> dict[str, float]:
    """Fresh renders (PDF_REUSE_RENDERED = False) with the font cut and the
    page numbers of an earlier build in the cache, as after an edit: the
    Taizhou PDF alone, then 2 reports in one process against one per core
    (the same work in both)."""
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        content, annotations = twin_library(folder)
        cache = folder / "cache"
        pdf_build(content, annotations, folder / "out", cache, 0, True)  # fills the cache
        figures = {"serial": pdf_build(content, annotations, folder / "out", cache, 1, False),
                   "parallel": pdf_build(content, annotations, folder / "out", cache, 0, False)}
        shutil.rmtree(content / "reports" / "copy-001")
        for twin in (annotations / "threads").glob("*-copy.yml"):
            twin.unlink()
        for twin in (annotations / "indicators").glob("*-copy.yml"):
            twin.unlink()
        figures["fresh"] = pdf_build(content, annotations, folder / "out", cache, 1, False) - no_pdf_build
        return figures


def _spin(_: int) -> float:
    started, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def cores_free() -> float:
    """How much faster two processes finish two equal pure-CPU tasks than one
    does (2.0 on two idle cores): on a shared machine, read the PDF figures
    against it."""
    import multiprocessing

    started = time.perf_counter()
    _spin(0), _spin(0)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [0, 0])
    return serial / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", type=int, default=100)
    parser.add_argument("--skip-pdf", action="store_true")
    args = parser.parse_args()
    figures = cold_builds(args.runs, [1, args.large])
    print(f"{'':34} {'ours':>9} {'vanilla':>9} {'ratio':>6}   (CPU time: ours, vanilla, ratio)")
    for size, label in ((1, "cold build, no PDF, 1 report"), (args.large, f"cold build, no PDF, {args.large} reports")):
        (ours, ours_cpu), (theirs, theirs_cpu) = figures[size]
        print(f"{label:34} {ours:8.2f}s {theirs:8.2f}s {ours / theirs:5.1f}×   "
              f"({ours_cpu:.2f}s, {theirs_cpu:.2f}s, {ours_cpu / theirs_cpu:.1f}×)")
    (o1, c1), (t1, u1) = figures[1]
    (oN, cN), (tN, uN) = figures[args.large]
    extra = [(b - a) / (args.large - 1) for a, b in ((o1, oN), (t1, tN), (c1, cN), (u1, uN))]
    print(f"{'each extra report adds':34} {extra[0] * 1000:7.0f}ms {extra[1] * 1000:7.0f}ms "
          f"{extra[0] / extra[1] if extra[1] > 0 else float('nan'):5.1f}×   "
          f"({extra[2] * 1000:.0f}ms, {extra[3] * 1000:.0f}ms, {extra[2] / extra[3] if extra[3] > 0 else float('nan'):.1f}×)")
    reloads = edit_to_reload(max(args.runs, 3))
    print(f"{'save annotation → page reloaded':34} {statistics.median(reloads):8.2f}s {'':>9} "
          f" (median of {len(reloads)}; min {min(reloads):.2f}, max {max(reloads):.2f})")
    if not args.skip_pdf:
        before = cores_free()
        pdf = pdf_figures(figures[1][0][0])
        after = cores_free()
        print(f"{'fresh Taizhou PDF (build − no-PDF)':34} {pdf['fresh']:8.2f}s")
        print(f"{'2 reports, PDFs rendered serially':34} {pdf['serial']:8.2f}s")
        print(f"{f'2 reports, PDFs in {min(2, os.cpu_count() or 1)} processes':34} {pdf['parallel']:8.2f}s "
              f"{'':>9} {pdf['serial'] / pdf['parallel']:5.2f}× faster")
        print(f"{'(this machine: 2 CPU-bound processes':34} {'':>9} {'':>9} {before:5.2f}× / {after:.2f}× "
              "faster than 1, before / after the PDFs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
