#!/usr/bin/env python3
"""Print the archival PDF's figures: build time (median of 3), peak memory,
size and pages. Figures, not pass/fail (targets in issue 6: ≤ 4 s, ≤ 1.5 MB).

Each run is a fresh process doing the real build (Pelican + annotations +
PDF) into a temporary folder; the PDF step is timed inside it. "warm" runs
reuse the font subset and the page numbers of the previous layout (the
usual case: .cache/) but render again; the "cold" run starts from an empty
cache, as a first build after a text change does (font cut + two or three
layouts); a build whose inputs did not change reuses the rendered PDF.

    .venv/bin/python bench/pdf.py [--runs N]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def once(output: Path, cache: str | None, reuse: bool) -> dict:
    """One build in this process; the figures of its PDF step."""
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "plugins"))
    import build
    import report_pdf.plugin as plugin

    figures: dict = {}
    real = plugin.build_pdf

    def timed(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        built = real(*args, **kwargs)
        figures.update(seconds=time.perf_counter() - started, cpu=time.process_time() - cpu,
                       layouts=built.layouts, bytes=len(built.pdf), pages=built.pages.total)
        return built

    plugin.build_pdf = timed
    overrides = {"PDF_REUSE_RENDERED": reuse, **({"PDF_CACHE_PATH": cache} if cache else {})}
    started = time.perf_counter()
    status = build.build(output, overrides, quiet=True)
    figures["build_seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["status"] = status
    return figures


def run(cache: str | None, reuse: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, __file__, "--once", str(Path(folder) / "output")]
        if cache:
            command += ["--cache", cache]
        if reuse:
            command += ["--reuse"]
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if result.returncode != 0:
            raise SystemExit(f"build failed:\n{result.stderr[-2000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--once", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(Path(args.once), args.cache, args.reuse)))
        return 0
    with tempfile.TemporaryDirectory() as empty:
        cold = run(str(Path(empty) / "cache"))
    run(None, reuse=True)  # make sure .cache/ holds this text's fonts, page numbers and PDF
    warm = [run(None) for _ in range(args.runs)]
    reused = run(None, reuse=True)
    median = statistics.median(r["seconds"] for r in warm)
    print(f"pdf: build {median:.2f} s (median of {args.runs} warm runs; CPU "
          f"{statistics.median(r['cpu'] for r in warm):.2f} s; {warm[0]['layouts']} layout)"
          f" · cold {cold['seconds']:.2f} s ({cold['layouts']} layouts + font cut)")
    print(f"pdf: peak memory {max(r['peak_rss_mb'] for r in warm):.0f} MB (whole build process)"
          f" · size {warm[0]['bytes'] / 1e6:.2f} MB ({warm[0]['bytes']:,} bytes) · {warm[0]['pages']} pages")
    print(f"pdf: unchanged inputs reuse the rendered PDF: {reused['seconds']:.2f} s (PDF step), "
          f"{reused['build_seconds']:.2f} s whole build")
    print(f"pdf: whole build {statistics.median(r['build_seconds'] for r in warm):.2f} s (median)"
          f" · load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
