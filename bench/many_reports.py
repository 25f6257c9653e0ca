#!/usr/bin/env python3
"""Build time per extra report, without PDFs: the Taizhou report and N-1
copies of it (each its own folder and slug, the same text), with every
annotation; thread anchors and indicator values name the Taizhou report, as an
editor would once a quote stands in several reports. Figures, not pass/fail.

    .venv/bin/python bench/many_reports.py [--sizes 1,2,5,10] [--runs 3]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SLUG = "taizhou-2022"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"


def library(folder: Path, copies: int) -> tuple[Path, Path]:
    content, annotations = folder / "content", folder / "annotations"
    shutil.copytree(ROOT / "content", content)
    for n in range(1, copies):
        shutil.copytree(content / "reports" / SLUG, content / "reports" / f"copy-{n:03d}")
    copy_annotations(annotations)
    return content, annotations


def copy_annotations(annotations: Path) -> None:
    """annotations/ with every thread anchor and indicator value naming the
    Taizhou report: with copies beside it, its quotes stand in several reports."""
    shutil.copytree(ROOT / "annotations", annotations)
    for kind, items in (("thread", "anchors"), ("indicator", "values")):
        for path in (annotations / f"{kind}s").glob("*.yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for item in data.get(items) or []:
                item.setdefault("report", SLUG)
            path.write_text(SCHEMA_LINE.format(kind=kind) + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")


def build_time(content: Path, annotations: Path, output: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-pdf", "--output", str(output),
                    "--content", str(content), "--annotations", str(annotations)],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,2,5,10")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    figures = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as temp:
            content, annotations = library(Path(temp), size)
            times = [build_time(content, annotations, Path(temp) / "output") for _ in range(args.runs)]
            figures[size] = statistics.median(times)
            print(f"{size:3d} report(s): build without PDF {figures[size]:.2f} s (median of {args.runs})")
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(f"each extra report adds {(figures[last] - figures[first]) / (last - first):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
