"""Guess the `structure` rules of a plain-text government work report.

`detect(source)` finds the usual shape of such a report — covering notice
(印发通知), title block, salutation, parts 一、…, sections （一）…, closing
(各位代表！…), distribution list (抄送：) — and returns the `structure` dict of
report.yml, which `convert.convert` turns into report.md, plus metadata guesses
(guess.py) and what an editor should check. Only the general shape is known
here: every name, date and place is read from the text itself.

Lines are numbered as convert.py numbers them (non-empty lines, stripped), so a
rule found here is a rule convert.py applies to the same line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from reports import guess
from reports.convert import PART, SECTION, first_sentence

# Titles readers see for each region (report.yml `regions`).
REGION_TITLES = {"notice": "印发通知", "title": "政府工作报告", "opening": "开篇", "closing": "结束语", "cc": "抄送"}
TOPIC_SENTENCE_MAX = 20

# A title line, once spaces are gone: 政府工作报告 (some reports prefix the year).
TITLE = re.compile(r"^(\d{4}年)?政府工作报告$")
# A covering notice's heading ends with 的通知 within its first lines.
NOTICE_HEAD_END = re.compile(r"通知$")
NOTICE_MAX_HEADING_LINES = 3
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
# A sender line under the notice: short, no sentence punctuation, an organisation.
SIGNATURE = re.compile(r"^[^，。：；、]{2,20}(人民政府|办公室|办公厅|委员会)$")
RELEASE = re.compile(r"^[（(](此件[^）)]*)[）)]$")
OCCASION_START = re.compile(r"^[—－-]")
OCCASION_MAX_LINES = 3
SPEAKER_MAX = 30
SALUTATION = re.compile(r"^各位[^，。！：:]{1,8}[：:]")
CLOSING = re.compile(r"^各位[^，。！：:]{1,8}！")
CC = re.compile(r"^抄送[：:]")
# A closing line of official documents (… 2022年4月15日印发) is not a cc continuation.
PRINTED = re.compile(r"印发$")

REVIEW_NO_TITLE = "no title line (政府工作报告) was found before 一、: there is no title region"
REVIEW_BEFORE_TITLE = "{n} line(s) before the title are not a covering notice (…关于印发…的通知): they are in no region"
REVIEW_NOTICE_HEADING = "the covering notice's heading does not end with 通知 within {n} lines: heading_lines is 1"
REVIEW_NO_OCCASION = "no occasion line (—— 2022年4月11日在…会议上) after the title: delivered date and occasion are unknown"
REVIEW_NO_SPEAKER = "no speaker line (…市长  姓名) after the occasion: speaker is unknown"
REVIEW_NO_SALUTATION = "no salutation (各位代表：) before 一、: the lines between the title block and 一、 stay in the title region"
REVIEW_NO_CLOSING = "no closing (a line starting 各位代表！ after the last part): the last lines stay in the last part"
REVIEW_STARTS = "structure.regions[{k}]: `starts` “{starts}” also begins an earlier line: the region would start there"
REVIEW_PRINTED = "line “{line}” in the cc region looks like a printing line (…印发): it has no class"


@dataclass
class Part:
    heading: str
    role: str
    label: str
    gloss: str
    sections: list[str] = field(default_factory=list)
    run_in: int = 0
    paragraphs: int = 0


@dataclass
class Detection:
    structure: dict
    metadata: dict
    parts: list[Part]
    regions: dict[str, str]              # region name → the title readers see
    region_lines: dict[str, int]         # region name → its number of lines
    counts: dict[str, int]               # parts, sections, paragraphs
    review: list[str]                    # every uncertain guess, for the editor


def compact(line: str) -> str:
    return re.sub(r"\s+", "", line)


def find(lines: list[str], pattern: re.Pattern, start: int, stop: int) -> int | None:
    return next((i for i in range(start, stop) if pattern.search(lines[i])), None)


def region(name: str, starts: str, **options: object) -> dict:
    return {"name": name, "starts": starts, **options}


@dataclass
class Found:
    """What the passes below collect: regions by line, line classes, raw facts
    for guess.py, and what the editor should check."""
    regions: list[tuple[int, dict]] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)


def detect(source: str) -> Detection:
    lines = [line.strip() for line in source.split("\n") if line.strip()]
    part_at = [i for i, line in enumerate(lines) if PART.match(line)]
    if not part_at:
        # nothing else can be placed without parts; new.py refuses such a source
        return Detection({}, {}, [], {}, {}, {"parts": 0, "sections": 0, "paragraphs": 0}, [])
    first_part = part_at[0]
    last_heading = max(i for i, line in enumerate(lines) if PART.match(line) or SECTION.match(line))
    found = Found()
    title = find([compact(line) for line in lines], TITLE, 0, first_part)
    if title is None:
        found.review.append(REVIEW_NO_TITLE)
    find_notice(lines, title if title is not None else first_part, found)
    for line in lines[:first_part]:
        if match := RELEASE.match(line):
            found.classes[line] = "release"
            found.facts["release"] = match.group(1)
    body_start = first_part if title is None else find_title_block(lines, title, first_part, found)
    salutation = find(lines, SALUTATION, body_start, first_part)
    if salutation is not None:
        found.regions.append((salutation, region("opening", SALUTATION.match(lines[salutation]).group(0))))
    elif body_start < first_part:
        found.review.append(REVIEW_NO_SALUTATION)
    find_after_parts(lines, last_heading, found)

    regions = found.regions
    for k in misplaced(lines, regions, last_heading):
        found.review.append(REVIEW_STARTS.format(k=k, starts=regions[k][1]["starts"]))
    parts_end = min([start for start, r in regions if r.get("after_parts")] + [len(lines)])
    parts = read_parts(lines, part_at, parts_end)
    ends = [start for start, _ in regions[1:]] + [len(lines)]
    region_lines = {r["name"]: (end if r.get("after_parts") else min(end, first_part)) - start
                    for (start, r), end in zip(regions, ends)}
    structure = {"regions": [r for _, r in regions], "classes": found.classes,
                 "topic_sentence_max": TOPIC_SENTENCE_MAX}
    metadata = guess.metadata(found.facts, [p.heading for p in parts], found.review)
    guess.roles(parts, metadata, found.review)
    counts = {"parts": len(parts), "sections": sum(len(p.sections) for p in parts),
              "paragraphs": sum(p.paragraphs for p in parts)}
    titles = {r["name"]: REGION_TITLES[r["name"]] for _, r in regions}
    return Detection(structure, metadata, parts, titles, region_lines, counts, found.review)


def find_notice(lines: list[str], head_end: int, found: Found) -> None:
    """A covering notice: the lines before the title, when they open with
    …关于印发… or a heading ending 通知; its sender and date lines are signatures."""
    if head_end == 0:
        return
    heading_end = find(lines, NOTICE_HEAD_END, 0, min(head_end, NOTICE_MAX_HEADING_LINES))
    if "关于印发" not in lines[0] and heading_end is None:
        found.review.append(REVIEW_BEFORE_TITLE.format(n=head_end))
        return
    if heading_end is None:
        found.review.append(REVIEW_NOTICE_HEADING.format(n=NOTICE_MAX_HEADING_LINES))
    n = 1 if heading_end is None else heading_end + 1
    found.regions.append((0, region("notice", notice_start(lines[0]), heading_lines=n)))
    found.facts["notice_heading"] = "".join(lines[:n])
    for line in lines[n:head_end]:
        if DATE_LINE.match(line) or SIGNATURE.match(line):
            found.classes[line] = "signature"
            found.facts["notice_date" if DATE_LINE.match(line) else "notice_sender"] = line


def find_title_block(lines: list[str], title: int, first_part: int, found: Found) -> int:
    """The title line, the occasion lines (—— date在…会议上, possibly wrapped)
    and the speaker line; returns the index of the line after them."""
    found.regions.append((title, region("title", lines[title], heading_lines=1, heading_level=1)))
    i = title + 1
    occasion: list[str] = []
    if i < first_part and OCCASION_START.match(lines[i]):
        while i < first_part and len(occasion) < OCCASION_MAX_LINES:
            occasion.append(lines[i])
            i += 1
            if occasion[-1].endswith("上"):
                break
    for line in occasion:
        found.classes[line] = "occasion"
    if occasion:
        found.facts["occasion"] = "".join(occasion)
    else:
        found.review.append(REVIEW_NO_OCCASION)
    if i < first_part and len(lines[i]) <= SPEAKER_MAX and not SALUTATION.match(lines[i]):
        found.classes[lines[i]] = "speaker"
        found.facts["speaker"] = lines[i]
        return i + 1
    found.review.append(REVIEW_NO_SPEAKER)
    return i


def find_after_parts(lines: list[str], last_heading: int, found: Found) -> None:
    """The closing (各位代表！ after the last heading) and the cc list (抄送：)."""
    after = last_heading
    closing = find(lines, CLOSING, after, len(lines))
    if closing is not None:
        found.regions.append((closing, region("closing", CLOSING.match(lines[closing]).group(0), after_parts=True)))
        after = closing + 1
    else:
        found.review.append(REVIEW_NO_CLOSING)
    cc = find(lines, CC, after, len(lines))
    if cc is None:
        return
    found.regions.append((cc, region("cc", CC.match(lines[cc]).group(0), after_parts=True)))
    for line in lines[cc + 1:]:
        if PRINTED.search(line):
            found.review.append(REVIEW_PRINTED.format(line=line))
        else:
            found.classes[line] = "indent"  # the cc list's continuation lines are indented in the source


def notice_start(line: str) -> str:
    """The notice's `starts`: its first line up to 关于印发 (the sender and the
    verb), short enough to read and still unique; the whole line otherwise."""
    head, sep, _ = line.partition("关于印发")
    return head + sep if sep else line


def misplaced(lines: list[str], regions: list[tuple[int, dict]], last_heading: int) -> list[int]:
    """Regions that convert.py would start elsewhere than where they were found:
    it takes the first line beginning with `starts`, searching as below."""
    wrong, cursor = [], 0
    for k, (found, rule) in enumerate(regions):
        if rule.get("after_parts"):
            cursor = max(cursor, last_heading)
        if next(i for i in range(cursor, len(lines)) if lines[i].startswith(rule["starts"])) != found:
            wrong.append(k)
        cursor = found + 1
    return wrong


def read_parts(lines: list[str], part_at: list[int], end: int) -> list[Part]:
    parts: list[Part] = []
    for k, start in enumerate(part_at):
        stop = part_at[k + 1] if k + 1 < len(part_at) else end
        part = Part(heading=lines[start], role="", label="", gloss="")
        for line in lines[start + 1:stop]:
            if SECTION.match(line):
                heading, rest = first_sentence(line)
                part.sections.append(heading)
                if rest:  # a run-in heading: its body is a paragraph of its own
                    part.run_in += 1
                    part.paragraphs += 1
            else:
                part.paragraphs += 1
        parts.append(part)
    return parts
