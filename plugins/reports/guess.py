"""Metadata and part roles guessed from what detect.py found.

Every guess comes from the text's own lines (the notice heading, the occasion
line, the speaker line, the part headings); a guess that could be wrong adds a
line to `review`, which `build.py new report` prints for the editor.
"""
from __future__ import annotations

import re

# —— 2022年4月11日在某某市第六届人民代表大会第一次会议上
OCCASION = re.compile(r"^[—－-]+\s*((\d{4})年(\d{1,2})月(\d{1,2})日)在(.+?)上?$")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
# 某某市代市长 / 某某县县长 / 某某省省长: the place, then the office.
OFFICE = re.compile(r"^(.+?(?:省|市|县|区|州|旗|盟))(代?(?:省|市|县|区|州|旗|盟)?(?:长|主席))$")
# A speaker line without spaces: the office, then a name of two to four characters.
OFFICE_NAME = re.compile(r"^(.+?(?:省|市|县|区|州|旗|盟)代?(?:省|市|县|区|州|旗|盟)?(?:长|主席))(\S{2,4})$")
ISSUER_SUFFIX = "人民政府"
PLACE_SUFFIX = re.compile(r"(?<=..)[省市县区]$")
YEAR = re.compile(r"(\d{4})年")
# 过去五年 / 今后五年 / 2022年: the period a part heading speaks of.
PERIOD = re.compile(r"(过去|今后|未来|近)?([一二三四五六七八九十]+年|\d{4}年)")
CN_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)}
LABEL_MAX = 8

REVIEW_SPEAKER = "speaker: “{line}” was split as office + name by guess: check 姓名（职务）"
REVIEW_ISSUER = "issuer: not in a covering notice; guessed from the speaker's office as {issuer}"
REVIEW_NO_ISSUER = "issuer: not found (no covering notice, no office in the speaker line): fill it in"
REVIEW_ISSUED = "issued: no dated covering notice; set to the delivered date"
REVIEW_NO_DATES = "delivered, issued: not found (no occasion line, no dated notice): fill them in"
REVIEW_YEAR = "year: no part heading names the year's tasks (2022年…安排); taken from the delivered date"
REVIEW_NO_YEAR = "year: not found: fill it in, and the title"
REVIEW_SUMMARY = "summary: a first draft from the occasion line; say what readers will find"
REVIEW_NO_SUMMARY = "summary: none drafted (no occasion line): say in one sentence what the report is"
REVIEW_CITATION = "source.citation: no covering notice; say where the official text was published"
REVIEW_ROLE = "parts[{k}]: “{heading}” matched no usual heading: role {role}, label {label}"
REVIEW_DUPLICATE = "parts[{k}]: role {role} is used by an earlier part: renamed {renamed}"


def iso(year: str, month: str, day: str) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def metadata(facts: dict[str, str], part_headings: list[str], review: list[str]) -> dict:
    """title, year, issuer, speaker, occasion, delivered, issued, release,
    citation, summary, keywords (None when not found)."""
    meta: dict = dict.fromkeys(["title", "year", "issuer", "speaker", "occasion", "delivered", "issued",
                                "release", "citation", "summary", "keywords"])
    delivered_text = None
    if (match := OCCASION.match(facts.get("occasion", ""))):
        delivered_text = match.group(1)
        meta["delivered"] = iso(*match.group(2, 3, 4))
        meta["occasion"] = match.group(5)
    place = None
    if (line := facts.get("speaker")):
        meta["speaker"], place = speaker(line, review)
    heading = facts.get("notice_heading", "")
    sender = heading.partition("关于")[0] if "关于" in heading else facts.get("notice_sender")
    if sender:
        meta["issuer"] = sender
        place = sender.removesuffix(ISSUER_SUFFIX) if sender.endswith(ISSUER_SUFFIX) else place
    elif place:
        meta["issuer"] = place + ISSUER_SUFFIX
        review.append(REVIEW_ISSUER.format(issuer=meta["issuer"]))
    else:
        review.append(REVIEW_NO_ISSUER)
    meta["release"] = facts.get("release")
    notice_date = facts.get("notice_date")
    if notice_date and (match := DATE.match(notice_date)):
        meta["issued"] = iso(*match.groups())
    elif meta["delivered"]:
        meta["issued"] = meta["delivered"]
        review.append(REVIEW_ISSUED)
    else:
        review.append(REVIEW_NO_DATES)
    meta["year"] = year(part_headings, meta["delivered"], review)
    if place and meta["year"]:
        meta["title"] = f"{place}{meta['year']}年政府工作报告"
        meta["keywords"] = [PLACE_SUFFIX.sub("", place), "政府工作报告", str(meta["year"])]
    if heading and meta["issuer"] and heading.startswith(meta["issuer"]):
        citation = [f"{meta['issuer']}《{heading[len(meta['issuer']):]}》", notice_date, meta["release"]]
        meta["citation"] = "，".join(c for c in citation if c)
    else:
        review.append(REVIEW_CITATION)
    if delivered_text and meta["occasion"]:
        meta["summary"] = f"{delivered_text}在{meta['occasion']}上所作的政府工作报告，附术语注释、交叉引用与指标追踪。"
    review.append(REVIEW_SUMMARY if meta["summary"] else REVIEW_NO_SUMMARY)
    return meta


def speaker(line: str, review: list[str]) -> tuple[str, str | None]:
    """`某某市代市长  张三` → (张三（某某市代市长）, 某某市)."""
    words = line.split()
    if len(words) == 2:
        office, name = words if OFFICE.match(words[0]) or not OFFICE.match(words[1]) else words[::-1]
    elif (match := OFFICE_NAME.match(line)):
        office, name = match.groups()
        review.append(REVIEW_SPEAKER.format(line=line))
    else:
        review.append(REVIEW_SPEAKER.format(line=line))
        return line, None
    match = OFFICE.match(office)
    return f"{name}（{office}）", match.group(1) if match else None


def year(part_headings: list[str], delivered: str | None, review: list[str]) -> int | None:
    for heading in reversed(part_headings):
        if re.search(r"安排|重点工作|任务", heading) and (match := YEAR.search(heading)):
            return int(match.group(1))
    if delivered:
        review.append(REVIEW_YEAR)
        return int(delivered[:4])
    review.append(REVIEW_NO_YEAR)
    return None


def period_years(period: str) -> int | None:
    return CN_DIGITS.get(period[0]) if period[0] in CN_DIGITS and period[1:] == "年" else None


def role_of(text: str, delivered_year: int | None) -> tuple[str, str, str] | None:
    """(role, label, gloss) for the usual part headings, None otherwise."""
    match = PERIOD.search(text)
    prefix, period = (match.group(1) or "", match.group(2)) if match else ("", "")
    if "回顾" in text or prefix == "过去":
        return "review", f"{period}回顾" if period else "工作回顾", f"{prefix}{period}已实现" if period else ""
    multi_year = prefix in ("今后", "未来") and period_years(period)
    if multi_year or ("目标" in text and not YEAR.search(text)):
        gloss = f"到{delivered_year + multi_year - 1}年的目标" if multi_year and delivered_year else ""
        return "goals", f"{period}目标" if period else "发展目标", gloss
    if re.search(r"安排|重点工作|任务|目标", text):
        return "tasks", f"{period}任务" if period else "工作任务", f"{period}的安排" if period else ""
    return None


def roles(parts: list, meta: dict, review: list[str]) -> None:
    """Fill each part's role, label and gloss; roles stay unique (thread anchors use them)."""
    delivered_year = int(meta["delivered"][:4]) if meta.get("delivered") else None
    seen: set[str] = set()
    for k, part in enumerate(parts):
        text = re.sub(r"^[一二三四五六七八九十]+、", "", part.heading)
        found = role_of(text, delivered_year)
        if found:
            part.role, part.label, part.gloss = found
        else:
            part.role, part.label, part.gloss = f"part-{k + 1}", text[:LABEL_MAX], ""
            review.append(REVIEW_ROLE.format(k=k, heading=part.heading, role=part.role, label=part.label))
        if part.role in seen:
            renamed = f"{part.role}-{k + 1}"
            review.append(REVIEW_DUPLICATE.format(k=k, role=part.role, renamed=renamed))
            part.role = renamed
        seen.add(part.role)
