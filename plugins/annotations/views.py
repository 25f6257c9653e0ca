"""Shape annotations for the templates: terms with their occurrences, threads
in report order, indicators with the growth each target needs. Plain dicts
in, plain dicts out; no Pelican here, so the PDF and search can use it too."""
from __future__ import annotations

import math
from pathlib import Path

from markdown_it import MarkdownIt
from pypinyin import Style, lazy_pinyin

from .model import PART_LABELS, Annotations
from .side_files import load_categories

KIND_LABELS = {"baseline": "基期", "actual": "实际", "target": "目标"}
_md = MarkdownIt("commonmark", {"html": False})


def markdown(text: str) -> str:
    """Annotation Markdown: raw HTML off, so editors cannot inject markup."""
    return _md.render(text or "")


def sort_key(text: str) -> str:
    plain = "".join(ch for ch in text if ch.isalnum())
    return " ".join(lazy_pinyin(plain, style=Style.NORMAL)).lower()


def initial(text: str) -> str:
    key = sort_key(text)
    return key[0].upper() if key and key[0].isalpha() else "#"


def _paths(blocks: list[dict]) -> dict[str, str]:
    return {b["id"]: " › ".join(b.get("path") or []) or {"notice": "印发通知", "title": "标题", "opening": "开篇",
            "closing": "结束语", "cc": "抄送"}.get(b.get("region", ""), "") for b in blocks}


def category_labels(root: Path) -> dict[str, str]:
    """Category ids to their labels, in glossary order (annotations/categories.yml)."""
    return load_categories(root)[0]  # its problems are reported by `check`


def term_views(ann: Annotations, report: dict, labels: dict[str, str]) -> list[dict]:
    hits = report.get("term_hits", {})
    paths = _paths(report.get("blocks", []))
    names = {t["id"]: t.get("term", t["id"]) for t in ann.terms if "id" in t}
    views = []
    for term in ann.terms:
        if "id" not in term:
            continue
        views.append({
            **term,
            "sort": sort_key(term.get("term", "")),
            "initial": initial(term.get("term", "")),
            "category_label": labels.get(term.get("category"), term.get("category", "")),
            "definition_html": markdown(term.get("definition", "")),
            "occurrences": [dict(h, path=paths.get(h["block"], "")) for h in hits.get(term["id"], [])],
            "related_terms": [{"id": r, "term": names[r]} for r in term.get("related") or [] if r in names],
            "url": f"terms/{term['id']}.html",
        })
    return sorted(views, key=lambda v: (v["sort"], v["id"]))


def categories(terms: list[dict], labels: dict[str, str]) -> list[dict]:
    order = list(labels) + sorted({t.get("category", "") for t in terms} - set(labels))
    return [{"id": c, "label": labels.get(c, c), "terms": [t for t in terms if t.get("category") == c]}
            for c in order if any(t.get("category") == c for t in terms)]


def thread_views(ann: Annotations, report: dict) -> list[dict]:
    landed = report.get("anchor_hits", {})
    order = {b["id"]: i for i, b in enumerate(report.get("blocks", []))}
    paths = _paths(report.get("blocks", []))
    views = []
    for thread in ann.threads:
        if "id" not in thread:
            continue
        anchors = sorted(landed.get(thread["id"], []), key=lambda a: (order.get(a["block"], 0), a["n"]))
        views.append({
            **thread,
            "summary_html": markdown(thread.get("summary", "")),
            "anchors_in_order": [dict(a, part_label=PART_LABELS.get(a["part"], a["part"]), path=paths.get(a["block"], ""))
                                 for a in anchors],
            "url": f"threads/{thread['id']}.html",
        })
    return sorted(views, key=lambda v: (min((order.get(a["block"], 0) for a in v["anchors_in_order"]), default=0), v["id"]))


def growth_needed(unit: str, start: dict, target: dict) -> str:
    """What a target asks for each year: points for ratios, a compound rate otherwise."""
    years = target["year"] - start["year"]
    if years <= 0 or start["value"] in (0, None):
        return ""
    if unit.strip() in ("%", "个百分点") or unit.endswith("%"):
        step = (target["value"] - start["value"]) / years
        return f"每年需{'提高' if step >= 0 else '降低'}{abs(step):.2f}个百分点"
    if start["value"] < 0 or target["value"] < 0:
        return ""
    rate = (math.pow(target["value"] / start["value"], 1 / years) - 1) * 100
    return f"年均需增长{rate:.1f}%"


def indicator_views(ann: Annotations, report: dict) -> list[dict]:
    paths = _paths(report.get("blocks", []))
    from .locate import find_quote

    blocks = report.get("blocks", [])
    views = []
    kind_order = {"baseline": 0, "actual": 1, "target": 2}
    for indicator in ann.indicators:
        if "id" not in indicator:
            continue
        values = []
        for value in indicator.get("values") or []:
            hits = find_quote(blocks, value.get("quote", ""), value.get("prefix", ""), value.get("suffix", ""))
            block = hits[0].block if len(hits) == 1 else ""
            values.append(dict(value, block=block, path=paths.get(block, ""), kind_label=KIND_LABELS.get(value.get("kind"), "")))
        values.sort(key=lambda v: (v.get("year", 0), kind_order.get(v.get("kind"), 9)))
        known = [v for v in values if v.get("kind") in ("baseline", "actual")]
        for value in values:
            if value.get("kind") == "target":
                earlier = [k for k in known if k["year"] < value["year"]]
                value["growth"] = growth_needed(indicator.get("unit", ""), earlier[-1], value) if earlier else ""
        views.append({**indicator, "values_sorted": values})
    # in the order the report first states them
    order = {b["id"]: i for i, b in enumerate(blocks)}
    return sorted(views, key=lambda v: min((order.get(x["block"], len(order)) for x in v["values_sorted"]), default=len(order)))
