#!/usr/bin/env python3
"""Move a report's exported annotations to a new version of its text.

    .venv/bin/python tools/reanchor.py output/<slug>/annotations.jsonld \\
        --report content/reports/<slug>  [--output new.jsonld]
    .venv/bin/python tools/reanchor.py old.jsonld --text new-text.txt

--report reads a report folder's report.md (as the build parses it) and
counts in its text the way the export does (plugins/web_annotations/text.py);
--text takes that text ready-made. Prints how each annotation fared (kept,
moved, fuzzy, orphaned) and writes the re-targeted collection; exit 1 when
any annotation is orphaned.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))


def text_of_report(folder: Path) -> str:
    from build import load_settings
    from report_markdown.parser import build_parser
    from web_annotations.text import report_text

    env: dict = {"is_report": True, "report": folder.name, "source_path": str(folder / "report.md")}
    build_parser(load_settings()).parse((folder / "report.md").read_text(encoding="utf-8"), env)
    return report_text(env.get("blocks", []))[0]


def main(argv: list[str] | None = None) -> int:
    from web_annotations.export import dumps
    from web_annotations.reanchor import read_collection, reanchor

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", type=Path, help="an annotations.jsonld written by the build")
    new = parser.add_mutually_exclusive_group(required=True)
    new.add_argument("--report", type=Path, help="the new version's report folder (holding report.md)")
    new.add_argument("--text", type=Path, help="the new version's text, as the export counts it")
    parser.add_argument("--output", type=Path, help="where to write the new collection (default: stdout)")
    args = parser.parse_args(argv)
    text = text_of_report(args.report) if args.report else args.text.read_text(encoding="utf-8")
    outcome = reanchor(read_collection(args.export), text)
    for annotation_id, status in outcome.status.items():
        if status != "kept":
            print(f"{status}: {annotation_id}", file=sys.stderr)
    counts = ", ".join(f"{outcome.count(s)} {s}" for s in ("kept", "moved", "fuzzy", "orphaned"))
    print(f"reanchor: {counts}", file=sys.stderr)
    data = dumps(outcome.collection)
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 1 if outcome.count("orphaned") else 0


if __name__ == "__main__":
    sys.exit(main())
