#!/usr/bin/env python3
"""A library of N synthetic reports, for measuring search at scale. Nothing of
it is content: it goes into a scratch folder.

    .venv/bin/python bench/corpus.py N DIR [--build]

Report 1 is every report of content/ as it is; the others are made from
Taizhou's source: each keeps the lines that carry the structure (notice,
title, part and section headings, salutations, signatures) in place and
replaces every other paragraph by a paragraph drawn from the same part,
with every number in it renumbered, so that texts differ from report to
report. Each gets a report.yml (its own slug, title, year, source SHA-256)
and the report.md that convert() makes of it. Annotations are copied; thread
anchors and indicator values name `report: taizhou-2022`, as their quotes
may now stand in several reports (see bench/many_reports.py). With --build, the
library is built without PDFs into DIR/output.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

from many_reports import SLUG, copy_annotations  # noqa: E402
from reports.convert import convert  # noqa: E402

REPORT_SCHEMA = "# yaml-language-server: $schema=../../../schemas/report.schema.json\n"
PART = re.compile(r"^[一二三四五六七八九十]+、")
KEEP = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|各位代表|抄送|台州市人民政府关于)")
NUMBER = re.compile(r"\d+")
MIN_PARAGRAPH = 60  # characters: shorter lines are headings, signatures, dates


def paragraphs_by_part(lines: list[str]) -> dict[int, list[str]]:
    part, found = 0, {}
    for line in lines:
        if PART.match(line):
            part += 1
        elif len(line) >= MIN_PARAGRAPH and not KEEP.match(line.strip()):
            found.setdefault(part, []).append(line)
    return found


def renumber(text: str, rng: random.Random) -> str:
    """Every number changed (same number of digits), so the text is new."""
    def change(match: re.Match) -> str:
        digits = match.group(0)
        first = str(rng.randint(1, 9)) if len(digits) > 1 else str(rng.randint(0, 9))
        return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])
    return NUMBER.sub(change, text)


def synthetic_source(lines: list[str], pool: dict[int, list[str]], rng: random.Random) -> str:
    part, out = 0, []
    for line in lines:
        if PART.match(line):
            part += 1
        if len(line) >= MIN_PARAGRAPH and not KEEP.match(line.strip()) and pool.get(part):
            line = renumber(rng.choice(pool[part]), rng)
        out.append(line)
    return "".join(out)


def write_report(folder: Path, slug: str, number: int, source: str, config: dict) -> None:
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text(source, encoding="utf-8")
    data = dict(config)
    year = 2022 - (number % 30)
    data.update(title=f"合成报告第{number}号（{year}年）", year=year,
                source={**config["source"], "sha256": hashlib.sha256(source.encode("utf-8")).hexdigest()},
                pdf={**config.get("pdf", {}), "file": f"{slug}.pdf"})
    data.pop("aliases", None)
    (folder / "report.yml").write_text(REPORT_SCHEMA + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    (folder / "report.md").write_text(convert(source, data["structure"]), encoding="utf-8")


def write_library(count: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    content, annotations = folder / "content", folder / "annotations"
    shutil.copytree(ROOT / "content", content)
    base = content / "reports" / SLUG
    config = yaml.safe_load((base / "report.yml").read_text(encoding="utf-8"))
    lines = (base / "source.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    pool = paragraphs_by_part(lines)
    for number in range(2, count + 1):
        rng = random.Random(seed * 100_003 + number)
        slug = f"synth-{number:03d}"
        write_report(content / "reports" / slug, slug, number, synthetic_source(lines, pool, rng), config)
    copy_annotations(annotations)  # bench/many_reports.py: anchors and values name Taizhou
    return content, annotations


def build(content: Path, annotations: Path, output: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--no-pdf", "--output", str(output),
                    "--content", str(content), "--annotations", str(annotations)], check=True, cwd=ROOT,
                   capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?")
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    if args.count is None or args.folder is None:  # bench/run.py runs every script bare: a tool, not figures
        parser.print_usage()
        return 0
    content, annotations = write_library(args.count, args.folder)
    if args.build:
        build(content, annotations, args.folder / "output")
    print(f"{args.count} reports in {content}" + (f", built into {args.folder / 'output'}" if args.build else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
