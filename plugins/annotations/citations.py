"""Claim-level support in a term's definition (issue 15), as encyclopaedias do:
every sentence ends with a marker that says what supports it.

    浙江省2021年提出的改革。[1] 报告把它列为当年的任务。[报告] 二者相关。[推断]

- `[1]`, `[1,2]`: the 1-based positions of the supporting entries in the
  term's `sources`;
- `[报告]`: the report itself says it (the term page links to the term's
  occurrences in the report);
- `[推断]`: the editor's inference from the report.

A sentence is the text up to 。！？ outside quotation marks (“…。” does not end
one), with the markers right after it; a marker may also stand inside a
sentence, after the clause it supports. `citations_plugin` renders markers as
superscripts: linked to the source list (term page), plain (PDF glossary), or
dropped (popover, which has no source list for a number to point to).
`check_citations` finds every sentence without a marker and every marker that
names a source the term does not have.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from problems import Problem

from .model import Annotations, Entry

REPORT, INFERENCE = "报告", "推断"  # the words editors write in a marker
# [1] [1,2] [1，2] [报告] [推断]; never a link's text ([1](https://…))
MARKER = re.compile(r"\[(\d{1,2}(?:\s*[,，]\s*\d{1,2})*|" + REPORT + "|" + INFERENCE + r")\](?!\()")
SENTENCE_END = "。！？"
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}
LINKED, PLAIN, STRIPPED = "linked", "plain", "stripped"
LABELS_KEY = "citations"  # theme/labels.yml: what readers see for [报告] and [推断]

MSG_SENTENCE_UNMARKED = "sentence {n} of the definition has no source reference or inference marker: “{sentence}”"
HINT_SENTENCE_UNMARKED = (f"end it with [1] (the source that says it: its position in sources), [{REPORT}] "
                          f"(the report says it) or [{INFERENCE}] (your inference from the report), or remove it")
MSG_MARKER_NO_SOURCE = "the marker [{marker}] names source {n}, but the term has {count} source{s}"
HINT_MARKER_NO_SOURCE = "number the sources from 1 in the order of the sources list, or cite the page there"
SHOWN = 24  # characters of a sentence quoted in a message


@dataclass(frozen=True)
class Marker:
    text: str  # as written, brackets included
    refs: tuple[int, ...]  # source positions, 1-based; empty for [报告] / [推断]
    kind: str  # "source" | REPORT | INFERENCE
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    text: str  # without its markers
    start: int  # offset in the definition
    markers: tuple[Marker, ...]


def parse_marker(match: re.Match) -> Marker:
    inner = match.group(1)
    if inner in (REPORT, INFERENCE):
        return Marker(match.group(0), (), inner, match.start(), match.end())
    refs = tuple(int(n) for n in re.split(r"\s*[,，]\s*", inner))
    return Marker(match.group(0), refs, "source", match.start(), match.end())


def strip_markers(text: str) -> str:
    """The definition as prose: what the length rule counts and search indexes."""
    return MARKER.sub("", text or "")


def sentences(text: str) -> list[Sentence]:
    """Split at 。！？ outside quotation marks; the markers right after a
    sentence's end (and any inside it) belong to it."""
    markers = [parse_marker(m) for m in MARKER.finditer(text)]
    at = {m.start: m for m in markers}
    found: list[Sentence] = []
    start, i, open_quotes = 0, 0, []
    own: list[Marker] = []
    while i < len(text):
        if i in at:
            own.append(at[i])
            i = at[i].end
            continue
        ch = text[i]
        if open_quotes and ch == open_quotes[-1]:
            open_quotes.pop()
        elif ch in QUOTES:
            open_quotes.append(QUOTES[ch])
        elif ch in SENTENCE_END and not open_quotes:
            i += 1
            while True:  # the markers after the end, spaces between them allowed
                j = i
                while j < len(text) and text[j] in " \t":
                    j += 1
                if j in at:
                    own.append(at[j])
                    i = at[j].end
                else:
                    break
            found.append(_sentence(text, start, i, own))
            start, own = i, []
            continue
        i += 1
    if strip_markers(text[start:]).strip():
        found.append(_sentence(text, start, len(text), own))
    elif own and found:  # markers after the last end with nothing after them
        last = found.pop()
        found.append(Sentence(last.text, last.start, last.markers + tuple(own)))
    return found


def _sentence(text: str, start: int, end: int, own: list[Marker]) -> Sentence:
    body = text[start:end]
    lead = len(body) - len(body.lstrip())
    return Sentence(strip_markers(body).strip(), start + lead, tuple(own))


# -- check ---------------------------------------------------------------------------------------


def check_citations(ann: Annotations) -> list[Problem]:
    problems: list[Problem] = []
    for entry in ann.entries:
        definition = entry.data.get("definition") if entry.kind == "term" else None
        if isinstance(definition, str):
            problems += definition_problems(entry, definition)
    return problems


def definition_problems(entry: Entry, definition: str) -> list[Problem]:
    sources = entry.data.get("sources")
    count = len(sources) if isinstance(sources, list) else 0
    locate = _locator(entry, definition)
    problems = []
    for n, sentence in enumerate(sentences(definition), 1):
        if not sentence.markers:
            shown = sentence.text if len(sentence.text) <= SHOWN else sentence.text[:SHOWN] + "…"
            problems.append(Problem(entry.path, *locate(sentence.start), MSG_SENTENCE_UNMARKED.format(n=n, sentence=shown),
                                    HINT_SENTENCE_UNMARKED))
        for marker in sentence.markers:
            for ref in marker.refs:
                if not 1 <= ref <= count:
                    problems.append(Problem(entry.path, *locate(marker.start),
                                            MSG_MARKER_NO_SOURCE.format(marker=marker.text[1:-1], n=ref, count=count,
                                                                        s="" if count == 1 else "s"),
                                            HINT_MARKER_NO_SOURCE))
    return problems


def _locator(entry: Entry, definition: str):
    """file line:column of an offset in the definition: each line of the
    definition is found in the file's text at or after the field's key."""
    line, column = entry.where("definition")
    try:
        file_lines = Path(entry.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        file_lines = []
    rows, number = {}, line
    for row, text in enumerate(definition.split("\n")):
        while text.strip() and number <= len(file_lines) and text not in file_lines[number - 1]:
            number += 1
        if number <= len(file_lines) and text.strip():
            rows[row] = (number, file_lines[number - 1].index(text))

    def locate(offset: int) -> tuple[int, int]:
        before = definition[:offset]
        row = before.count("\n")
        if row not in rows:
            return line, column
        number, indent = rows[row]
        return number, indent + offset - (before.rfind("\n") + 1) + 1

    return locate


# -- render --------------------------------------------------------------------------------------


def _rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = MARKER.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("cite", "sup", 0)
        marker = parse_marker(match)
        token.meta = {"refs": marker.refs, "kind": marker.kind}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def citations_plugin(md: MarkdownIt, *, mode: str = LINKED, labels: dict | None = None,
                     href: str = "#src-{n}", report_href: str = "#occ-heading") -> None:
    """Markers as superscripts.

    `浙江省的方针。[1,2]` → `浙江省的方针。<sup class="cite"><a href="#src-1">1</a>,<a href="#src-2">2</a></sup>`
    (mode linked), `<sup class="cite">1,2</sup>` (plain), nothing (stripped).
    `labels` gives what readers see for [报告] and [推断] and their titles."""
    words = {"report": REPORT, "inference": INFERENCE, "report_title": "", "inference_title": "", **(labels or {})}
    md.inline.ruler.before("link", "cite", _rule)

    def render(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        if mode == STRIPPED:
            return ""
        kind = token.meta["kind"]
        if kind == "source":
            refs = token.meta["refs"]
            inner = ",".join(f'<a href="{escape(href.format(n=n))}">{n}</a>' if mode == LINKED else str(n) for n in refs)
            return f'<sup class="cite">{inner}</sup>'
        key = "report" if kind == REPORT else "inference"
        word, title = escape(words[key]), escape(words[key + "_title"])
        title_attr = f' title="{title}"' if title else ""
        if kind == REPORT and mode == LINKED:
            return f'<sup class="cite cite-{key}"><a href="{escape(report_href)}"{title_attr}>{word}</a></sup>'
        return f'<sup class="cite cite-{key}"{title_attr}>{word}</sup>'

    md.add_render_rule("cite", render)
