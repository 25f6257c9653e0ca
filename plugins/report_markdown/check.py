"""Check content files: each report's text against its source (the
faithful-text rule) and block ids; the other pages' front matter.

The faithful-text rule: a report's blocks, concatenated, are exactly its
source text (whitespace aside). A typo fixed in the Markdown, a dropped line or
Markdown syntax that eats a character all fail here before anything is built.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from input_files import MAX_CONTENT_BYTES, InputError, outside_links, read_text
from problems import Problem

from .front_matter import ContentError, check_front_matter, split_front_matter

MSG_DUPLICATE_ID = "block id '{id}' is used twice"
MSG_TEXT_DIFFERS = "the report text differs from its source {source} at source character {offset}"
MSG_NO_REPORTS = "there is no report to publish: no content/reports/<slug>/report.yml"
WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return WHITESPACE.sub("", text)


def _first_difference(rendered: str, source: str) -> int:
    for index, (a, b) in enumerate(zip(rendered, source)):
        if a != b:
            return index
    return min(len(rendered), len(source))


def check_page(path: Path, shown: str, settings: dict) -> list[Problem]:
    """A page (about, guide …): readable, its front matter parses and says what a page needs."""
    try:
        text = read_text(path, Path(settings["PATH"]), MAX_CONTENT_BYTES, shown)
        split_front_matter(text, shown)
    except InputError as error:
        return [error.problem]
    except ContentError as error:
        where, _, message = str(error).partition(": ")
        line = int(where.split(":")[1]) if where.count(":") >= 2 else 1
        return [Problem(shown, line, 1, message)]
    return check_front_matter(text, shown, settings)


def check_report_text(parsed) -> list[Problem]:
    """Block ids unique; the blocks together are the source, character for character."""
    report = parsed.report
    if not parsed.has_markdown or not report.source_path.is_file():
        return []  # reported by reports.config (missing report.md or source)
    shown = _shown(report.markdown_path)
    problems = []
    seen: set[str] = set()
    for block in parsed.blocks:
        if block["id"] in seen:
            problems.append(Problem(shown, 1, 1, MSG_DUPLICATE_ID.format(id=block["id"]), "remove the explicit {#id} or change it"))
        seen.add(block["id"])
    rendered = squash("".join(b["text"] for b in parsed.blocks))
    try:
        original = squash(read_text(report.source_path, report.folder, MAX_CONTENT_BYTES))
    except InputError as error:
        return problems + [error.problem]
    if rendered != original:
        offset = _first_difference(rendered, original)
        text = report.markdown_path.read_text(encoding="utf-8")
        line = _line_of(text, rendered[max(0, offset - 12):offset])
        start = max(0, offset - 6)
        got, want = rendered[start:offset + 20], original[start:offset + 20]
        hint = f"the page has “{got}” where the source has “{want}”"
        close = difflib.SequenceMatcher(None, got[offset - start:], want[offset - start:]).ratio()
        if close < 0.3:
            hint += "; a Markdown character may need a backslash, or a line was lost"
        problems.append(Problem(shown, line, 1, MSG_TEXT_DIFFERS.format(source=report.source_path.name, offset=offset), hint))
    return problems


def _line_of(text: str, fragment: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if fragment and fragment in squash(line.replace("\\", "").replace("**", "")):
            return number
    return 1


def _shown(path: Path) -> str:
    from reports.config import display_path

    return display_path(path)


def check_content(settings: dict) -> list[Problem]:
    from library.resolve import resolve
    from reports.config import REPORTS_DIR

    content = Path(settings["PATH"])
    problems: list[Problem] = []
    for path in sorted(content.rglob("*.md")):
        if REPORTS_DIR not in path.relative_to(content).parts[:1]:
            problems += check_page(path, _shown(path), settings)
    library = resolve(settings)
    if not library.reports:
        problems.append(Problem(_shown(content), 1, 1, MSG_NO_REPORTS,
                                "add one with `python build.py new report <slug> --source FILE.txt`"))
    problems += library.report_problems
    for parsed in library.reports:
        problems += check_report_text(parsed)
    return list(dict.fromkeys(problems + outside_links(content, show=str)))  # a page link: once
