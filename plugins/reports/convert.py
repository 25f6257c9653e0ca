"""Convert a plain-text government work report into structured Markdown.

The result (content/reports/<slug>/report.md) is committed and never edited
by hand: structure is corrected in report.yml's `structure` rules, and
`python build.py convert <slug>` writes it again. `build.py check` proves
that the Markdown renders every source character in order.

The general shape it knows: parts start with 一、二、… ; sections with （一）… ;
a section line that runs on past its first 。 is a run-in heading (the heading
sentence and its body share a line). Everything specific to one report
(region boundaries, line classes) comes from report.yml.
"""
from __future__ import annotations

import re

PART = re.compile(r"^[一二三四五六七八九十]+、")
SECTION = re.compile(r"^（[一二三四五六七八九十]+）")
# Characters that would start Markdown syntax if left bare.
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
ORDERED_LIST_START = re.compile(r"^(\d+)([.)])")
BULLET_START = re.compile(r"^([-+])(\s)")


def escape(text: str) -> str:
    text = MD_SPECIAL.sub(r"\\\1", text)
    text = ORDERED_LIST_START.sub(r"\1\\\2", text)
    return BULLET_START.sub(r"\\\1\2", text)


def first_sentence(text: str) -> tuple[str, str]:
    head, sep, rest = text.partition("。")
    return (head + sep, rest) if sep else (text, "")


def topic_marked(text: str, limit: int) -> str:
    """`**topic**。rest` — the 。 stays outside: CommonMark will not close `**`
    after punctuation when a letter follows."""
    sentence, rest = first_sentence(text)
    body = sentence[:-1]
    if rest and 0 < len(body) <= limit and "，" not in body and "“" not in body:
        return f"**{escape(body)}**。{escape(rest)}"
    return escape(text)


def block(text: str, cls: str | None) -> str:
    return (f"{{.{cls}}}\n" if cls else "") + text


class ConvertError(Exception):
    """The structure rules do not fit the source (a region start not found …).
    `where` names the rule at fault (structure.regions[2]) or is empty for the
    source itself, so a caller can print `report.yml: structure.regions[2]: …`."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


def convert(source: str, structure: dict) -> str:
    """The report's Markdown body, from its source text and the `structure`
    rules of its report.yml."""
    lines = [line.strip() for line in source.split("\n") if line.strip()]
    classes: dict[str, str] = structure.get("classes") or {}
    limit = int(structure.get("topic_sentence_max", 20))
    regions = structure.get("regions") or []

    first_part = next((i for i, line in enumerate(lines) if PART.match(line)), None)
    if first_part is None:
        raise ConvertError("no part heading (a line starting 一、) was found in the source")
    # regions after the parts begin only after the last part or section heading
    last_heading = max(i for i, line in enumerate(lines) if SECTION.match(line) or PART.match(line))
    starts: list[tuple[int, dict]] = []
    cursor = 0
    for k, region in enumerate(regions):
        if region.get("after_parts"):
            cursor = max(cursor, last_heading)
        index = next((i for i in range(cursor, len(lines)) if lines[i].startswith(region["starts"])), None)
        if index is None:
            raise ConvertError(f"region '{region['name']}': no line starting “{region['starts']}” "
                               f"after line {cursor + 1} of the source's non-empty lines", f"structure.regions[{k}]")
        starts.append((index, region))
        cursor = index + 1

    out: list[str] = []
    region_at = dict(starts)
    region_end = {s: (starts[k + 1][0] if k + 1 < len(starts) else len(lines)) for k, (s, _) in enumerate(starts)}
    i = 0
    in_section = False
    while i < len(lines):
        if i in region_at:
            region = region_at[i]
            end = region_end[i]
            if not region.get("after_parts"):
                end = min(end, first_part)
            out.append(f"::: {region['name']}")
            n = int(region.get("heading_lines", 0))
            if n:
                level = "#" * int(region.get("heading_level", 2))
                out += [f"{level} {escape(''.join(lines[i:i + n]))}", ""]
            for line in lines[i + n:end]:
                out += [block(escape(line), classes.get(line)), ""]
            out += [":::", ""]
            i = end
            continue
        line = lines[i]
        if PART.match(line):
            out += [f"## {escape(line)}", ""]
            in_section = False
        elif SECTION.match(line):
            heading, rest = first_sentence(line)
            if rest:
                out += ["{.run-in}", f"### {escape(heading)}", "", escape(rest), ""]
            else:
                out += [f"### {escape(line)}", ""]
            in_section = True
        else:
            text = topic_marked(line, limit) if in_section else escape(line)
            out += [block(text, classes.get(line)), ""]
        i += 1
    return "\n".join(out).rstrip() + "\n"
