"""Write report.yml from a Detection, in the layout of the committed ones.

The layout and its comments live in templates/report.yml.tmpl; this module
only turns values into YAML scalars. It writes text rather than calling
yaml.dump so the file keeps its comments and one-line flow mappings, which is
what an editor reads and corrects.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from string import Template

import yaml

from reports.detect import Detection

TEMPLATE = Path(__file__).with_name("templates") / "report.yml.tmpl"
# Characters that end or change a plain YAML scalar (flow context included).
YAML_SPECIAL = re.compile(r"[,\[\]{}#&*!|>'\"%@`]|: |:$|^[-?:]|^\s|\s$")
YEAR_COMMENT_COLUMN = 33
NOT_FOUND = "  # not found: fill it in"
REVIEW_HEAD = "# To review (guesses of `build.py new report`; delete these lines when done):"


def scalar(value: object) -> str:
    """A YAML scalar that loads back as `value`: plain when that is safe,
    double-quoted (JSON syntax is valid YAML) otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text and not YAML_SPECIAL.search(text):
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{key}: {scalar(value)}" for key, value in mapping.items()) + "}"


def field(key: str, value: object, indent: str = "", optional: bool = False) -> str:
    """`key: value`; a missing required value stays empty (null) with a note, so
    `build.py check` stops on it; a missing optional one becomes a comment."""
    if value is None:
        return f"{indent}# {key}: (not found)" if optional else f"{indent}{key}:{NOT_FOUND}"
    return f"{indent}{key}: {scalar(value)}"


def date_field(key: str, value: str | None) -> str:
    # written bare (2022-04-11) like the committed report.yml files
    return f"{key}: {value}" if value else f"{key}:{NOT_FOUND}"


def render(slug: str, detection: Detection, sha256: str) -> str:
    meta = detection.metadata
    year = field("year", meta["year"])
    if meta["year"] is not None:
        year = year.ljust(YEAR_COMMENT_COLUMN) + "# the year the report is for: orders the library, newest first"
    review = ["", REVIEW_HEAD] + [f"# - {item}" for item in detection.review] + [""] if detection.review else []
    parts = [flow({"role": p.role, "label": p.label, **({"gloss": p.gloss} if p.gloss else {})})
             for p in detection.parts]
    structure = detection.structure
    values = {
        "slug": slug,
        "review": "\n".join(review),
        "title": field("title", meta["title"]),
        "year": year,
        "issuer": field("issuer", meta["issuer"]),
        "speaker": field("speaker", meta["speaker"], optional=True),
        "occasion": field("occasion", meta["occasion"], optional=True),
        "delivered": date_field("delivered", meta["delivered"]),
        "issued": date_field("issued", meta["issued"]),
        "release": field("release", meta["release"], optional=True),
        "sha256": sha256,
        "citation": field("citation", meta["citation"], indent="  ", optional=True),
        "summary": field("summary", meta["summary"], optional=True),
        "parts": "\n".join(f"  - {p}" for p in parts),
        "regions": "\n".join(f"  {name}: {scalar(title)}" for name, title in detection.regions.items()) or "  {}",
        "keywords": "[" + ", ".join(scalar(k) for k in meta["keywords"] or ["政府工作报告"]) + "]",
        "structure_regions": "\n".join(f"    - {flow(r)}" for r in structure["regions"]) or "    []",
        "classes": "\n".join(f"    {scalar(line)}: {scalar(cls)}" for line, cls in structure["classes"].items())
                   or "    {}",
        "topic_sentence_max": str(structure["topic_sentence_max"]),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)
