"""Check content files: front matter, block ids, and the faithful-text rule.

The faithful-text rule: a report page's blocks, concatenated, are exactly its
source text (whitespace aside). A typo fixed in the Markdown, a dropped line or
Markdown syntax that eats a character all fail here before anything is built.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from input_files import MAX_CONTENT_BYTES, MSG_MISSING, InputError, outside_links, read_text
from problems import Problem

from .front_matter import check_front_matter
from .parser import build_parser
from .plugin import ContentError, split_front_matter

REQUIRED_REPORT_FIELDS = ("title", "delivered", "issued", "issuer", "speaker", "lang", "source", "source_file")
MSG_MISSING_FIELD = "front matter has no '{field}'"
MSG_DUPLICATE_ID = "block id '{id}' is used twice"
MSG_TEXT_DIFFERS = "the report text differs from its source {source} at source character {offset}"
MSG_SOURCE_MISSING = "source_file '{source}' does not exist"
WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return WHITESPACE.sub("", text)


def _first_difference(rendered: str, source: str) -> int:
    for index, (a, b) in enumerate(zip(rendered, source)):
        if a != b:
            return index
    return min(len(rendered), len(source))


def check_file(path: Path, settings: dict) -> list[Problem]:
    name = str(path)
    try:
        text = read_text(path, Path(settings["PATH"]), MAX_CONTENT_BYTES, name)
        meta, body = split_front_matter(text, name)
    except InputError as error:
        return [error.problem]
    except ContentError as error:
        where, _, message = str(error).partition(": ")
        line = int(where.split(":")[1]) if where.count(":") >= 2 else 1
        return [Problem(name, line, 1, message)]
    problems = check_front_matter(text, name, settings)
    if "source_file" not in meta:
        return problems
    problems += [
        Problem(name, 1, 1, MSG_MISSING_FIELD.format(field=field), f"add '{field}: …' between the --- lines")
        for field in REQUIRED_REPORT_FIELDS if field not in meta
    ]
    env: dict = {"source_path": name}
    md = build_parser(settings)
    md.parse(body, env)
    seen: dict[str, int] = {}
    for block in env.get("blocks", []):
        if block["id"] in seen:
            problems.append(Problem(name, 1, 1, MSG_DUPLICATE_ID.format(id=block["id"]), "remove the explicit {#id} or change it"))
        seen[block["id"]] = 1
    source = Path(settings["PATH"]) / str(meta["source_file"])
    try:
        original = squash(read_text(source, Path(settings["PATH"]), MAX_CONTENT_BYTES))
    except InputError as error:
        if error.problem.message == MSG_MISSING:
            return problems + [Problem(name, 1, 1, MSG_SOURCE_MISSING.format(source=meta["source_file"]), "source_file is relative to content/")]
        return problems + [error.problem]
    rendered = squash("".join(b["text"] for b in env.get("blocks", [])))
    if rendered != original:
        offset = _first_difference(rendered, original)
        line = _line_of(text, rendered[max(0, offset - 12):offset])
        start = max(0, offset - 6)
        got, want = rendered[start:offset + 20], original[start:offset + 20]
        hint = f"the page has “{got}” where the source has “{want}”"
        close = difflib.SequenceMatcher(None, got[offset - start:], want[offset - start:]).ratio()
        if close < 0.3:
            hint += "; a Markdown character may need a backslash, or a line was lost"
        problems.append(Problem(name, line, 1, MSG_TEXT_DIFFERS.format(source=meta["source_file"], offset=offset), hint))
    return problems


def _line_of(text: str, fragment: str) -> int:
    squashed_lines = text.split("\n")
    for number, line in enumerate(squashed_lines, 1):
        if fragment and fragment in squash(line.replace("\\", "").replace("**", "")):
            return number
    return 1


def check_content(settings: dict) -> list[Problem]:
    problems: list[Problem] = []
    content = Path(settings["PATH"])
    for path in sorted(content.rglob("*.md")):
        if "source" in path.relative_to(content).parts[:1]:
            continue
        problems += check_file(path, settings)
    return list(dict.fromkeys(problems + outside_links(content, show=str)))  # a page link: once
