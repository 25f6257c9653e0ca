#!/usr/bin/env python3
"""Print the site's figures: build wall time (median of 5 full builds), output
size, and the report page's transfer size (HTML + CSS + JS, gzip), then run
the other bench scripts in this folder (search, PDF). Figures, not pass/fail.

    make bench        (or: .venv/bin/python bench/run.py [--runs N])
"""
from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_times(runs: int, output: Path) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--output", str(output)],
                       check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def page_transfer(output: Path, page: str = "taizhou-2022/index.html") -> dict[str, int]:
    """gzip bytes of a page and the CSS and JS it loads (what a first visit fetches)."""
    html_path = output / page
    html = html_path.read_text(encoding="utf-8")
    sizes = {"html": len(gzip.compress(html.encode("utf-8"), 9))}
    for kind, pattern in (("css", r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"'), ("js", r'<script[^>]+src="([^"]+)"')):
        total = 0
        for ref in re.findall(pattern, html):
            path = (html_path.parent / ref.split("?")[0]).resolve()
            if path.exists():
                total += len(gzip.compress(path.read_bytes(), 9))
        sizes[kind] = total
    sizes["total"] = sum(sizes.values())
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        output = Path(temp) / "output"
        times = build_times(args.runs, output)
        files = [p for p in output.rglob("*") if p.is_file()]
        print(f"build wall time: median {statistics.median(times):.2f} s over {len(times)} runs "
              f"(min {min(times):.2f}, max {max(times):.2f})")
        print(f"output: {len(files)} files, {sum(p.stat().st_size for p in files) / 1024:.0f} KiB")
        sizes = page_transfer(output)
        print("report page transfer (gzip): " + ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in sizes.items()))
    for script in sorted((ROOT / "bench").glob("*.py")):
        if script.name != "run.py":
            print(f"\n== {script.name}")
            subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
