"""Make the archival PDF from the report page and the annotations: the steps in
order (print HTML → fonts → render), plus the attachments and the facts the
downloads page states. No Pelican here: plugin.py passes plain data in."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit


from .charts import chart_text, write_charts
from .environment import fingerprint
from .fonts import SOURCES, advances, font_face_css, subset_fonts
from .print_html import PageLabels, PrintInput, build_print_html
from .render import Attached, Renderer, RenderError, anchor_pages, document_dates, total_css

BUNDLE_FORMAT = "report-annotations/1"


KEEP_OTHER = 8  # font cuts and charts kept for other sets of reports (see prune)
STALE_PART_SECONDS = 3600  # a .part file this old was left by a killed render
MAX_LAYOUTS = 4  # page numbers settle in two; more means a number moved text
MSG_UNSETTLED = "the page numbers did not settle after {n} layouts; a page number changes the layout"


@dataclass
class Built:
    name: str
    pdf: bytes
    facts: dict  # file, bytes, size, pages, sha256: for the downloads page and the nav
    html: str  # the print HTML, for debugging and tests
    pages: PageLabels
    layouts: int  # how many layouts it took: 1 when the cached page numbers held, 0 when reused
    log: list[str] = field(default_factory=list)  # what WeasyPrint logged
    cache_files: list[Path] = field(default_factory=list)  # what it read or wrote in the cache: kept by prune()


def _labels_from(document, first_report_anchor: str) -> PageLabels:
    pages = anchor_pages(document)
    return PageLabels(pages, pages.get(first_report_anchor, 0), len(document.pages))


def _cached_labels(path: Path) -> PageLabels:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return PageLabels(data["pages"], data["front"], data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return PageLabels()


def annotation_bundle(settings: dict, slug: str, ids: dict[str, set[str]]) -> bytes:
    """The annotation entries that occur in this report (`ids` by kind), as
    their files say them, in one JSON document, stable byte for byte. From the
    resolve phase: the files are not read again."""
    from library.resolve import resolve

    loaded = resolve(settings).annotations
    bundle: dict = {"format": BUNDLE_FORMAT, "report": slug}
    for kind in ("terms", "threads", "indicators"):
        items = sorted((item for item in getattr(loaded, kind) if item.get("id") in ids[kind]), key=lambda i: i["path"])
        bundle[kind] = [{k: v for k, v in item.items() if k != "path"} for item in items]
    return json.dumps(bundle, ensure_ascii=False, indent=1, sort_keys=True, default=str).encode()


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.2f} MiB"


def _attachments(settings: dict, report: dict, annotations: dict, labels: dict) -> list[Attached]:
    from reports.config import MARKDOWN_NAME, REPORTS_DIR
    from web_annotations.export import EXPORT_NAME, export_bytes

    folder = Path(settings["PATH"]) / REPORTS_DIR / report["slug"]
    source_file = folder / report["source"]["file"]
    ids = {kind: {item["id"] for item in annotations.get(kind, [])} for kind in ("terms", "threads", "indicators")}
    bundle = annotation_bundle(settings, report["slug"], ids)
    described = labels["attachments"]
    return [
        Attached(f"{report['slug']}.md", (folder / MARKDOWN_NAME).read_bytes(), described["markdown"], "Source"),
        Attached(f"{report['slug']}.txt", source_file.read_bytes(), described["source"], "Source"),
        Attached("annotations.json", bundle, described["annotations"], "Supplement"),
        # the same W3C Web Annotation export as the site's <slug>/annotations.jsonld
        Attached(EXPORT_NAME, export_bytes(settings, report["slug"]), described["web_annotations"], "Supplement"),
    ]


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def _reuse(cache: Path, key: str) -> tuple[bytes, PageLabels] | None:
    """A PDF rendered before from exactly these inputs (WeasyPrint is
    deterministic: the same inputs give the same bytes, measured in issue 6)."""
    pdf_file, labels_file = cache / f"pdf-{key}.pdf", cache / f"pdf-{key}.json"
    if not (pdf_file.exists() and labels_file.exists()):
        return None
    return pdf_file.read_bytes(), _cached_labels(labels_file)


def _keep(cache: Path, key: str, pdf: bytes, labels: PageLabels) -> None:
    (cache / f"pdf-{key}.json").write_text(_labels_json(labels), encoding="utf-8")
    partial = cache / f"pdf-{key}.{os.getpid()}.part"  # reports render in parallel processes
    partial.write_bytes(pdf)
    partial.replace(cache / f"pdf-{key}.pdf")


def _slug_of(name: str, kind: str) -> str:
    """`pdf-<slug>-<digest>.pdf` → slug (slugs may hold hyphens, digests do not)."""
    return name[len(kind) + 1:].rsplit(".", 1)[0].rsplit("-", 1)[0]


def prune(cache: Path, used: set[Path], slugs: set[str], keep_other: int = KEEP_OTHER) -> list[Path]:
    """Keep what current inputs can reuse. A report of this build keeps only the
    PDF, page numbers and labels it used; font cuts and charts used now are
    kept, and of the others (another set of reports built with the same cache,
    such as the tests') only the `keep_other` newest of each kind. Files of
    reports not in this build are left to the builds that have them."""
    used = {p.resolve() for p in used}
    now = time.time()
    for path in used:  # newest = last used, for the "others" below
        if path.exists():
            os.utime(path, (now, now))
    removed = []
    for kind in ("pdf", "pages"):
        for path in cache.glob(f"{kind}-*"):
            if _slug_of(path.name, kind) in slugs and path.resolve() not in used:
                removed.append(path)
    for pattern in ("noto-serif-sc-*.otf", "charts/chart-*.svg"):
        others = sorted((p for p in cache.glob(pattern) if p.resolve() not in used), key=lambda p: p.stat().st_mtime)
        removed += others[:-keep_other or None]
    removed += [p for p in cache.rglob("*.part") if now - p.stat().st_mtime > STALE_PART_SECONDS]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _labels_json(labels: PageLabels) -> str:
    return json.dumps({"pages": labels.pages, "front": labels.front, "total": labels.total}, sort_keys=True)


def build_pdf(settings: dict, report: dict, content: str, annotations: dict | None, ui: dict) -> Built:
    from progress import say

    root = Path.cwd()
    theme = Path(settings.get("PDF_THEME_PATH", "theme/print"))
    cache = Path(settings.get("PDF_CACHE_PATH", ".cache/pdf"))
    created, modified = document_dates(report["issued"])
    annotations = annotations or {}
    data = PrintInput(report=report, content=content, terms=annotations.get("terms", []),
                      threads=annotations.get("threads", []), indicators=annotations.get("indicators", []),
                      created=created, modified=modified, source_sha256=report["source"].get("sha256", ""), labels=ui)
    plain = build_print_html(data, theme)  # page numbers not yet known
    css = (theme / "print.css").read_text(encoding="utf-8")
    fonts = subset_fonts(plain + css + chart_text(data.indicators), cache)
    stylesheets = [font_face_css(fonts), css]
    # chart labels are placed with the widths of the regular face they are set in
    data.charts = write_charts(data.indicators, advances(next(f.path for f in fonts if f.weight == 400)),
                               cache / "charts")
    attachments = _attachments(settings, report, annotations, ui)
    # page numbers of the last layout of this same text, if any (see PageLabels)
    # the libraries and fonts that lay out and write the PDF (environment.py)
    environment = fingerprint(SOURCES.values())
    slug = report["slug"]
    numbers_file = cache / f"pages-{slug}-{_digest(environment, plain, *stylesheets, json.dumps(data.charts, sort_keys=True))}.json"
    labels = _cached_labels(numbers_file)
    if not labels.pages:  # a changed text: the last layout's numbers are the best first guess
        previous = sorted(cache.glob(f"pages-{slug}-*.json"), key=lambda p: p.stat().st_mtime)
        labels = _cached_labels(previous[-1]) if previous else labels
    html = build_print_html(data, theme, labels)

    def key(html: str) -> str:
        return slug + "-" + _digest(environment, html, *stylesheets, modified,
                       *(part for a in attachments for part in (a.name, a.data, a.description, a.relationship)))

    reused = _reuse(cache, key(html)) if settings.get("PDF_REUSE_RENDERED", True) else None
    layouts, log = 0, []
    if reused:
        pdf, labels = reused
    else:
        with Renderer(base=root, allowed=[cache, theme, Path(settings["PATH"])]) as renderer:
            for layouts in range(1, MAX_LAYOUTS + 1):
                say("pdf", f"{slug}: layout pass {layouts}")
                if layouts > 1:  # the first layout uses the html made above
                    html = build_print_html(data, theme, labels)
                document = renderer.lay_out(html, stylesheets + [total_css(labels.last)])
                found = _labels_from(document, report["blocks"][0]["id"] if report["blocks"] else "")
                if found == labels:
                    break
                labels = found
            else:
                raise RenderError(MSG_UNSETTLED.format(n=MAX_LAYOUTS))
            pdf = renderer.write(document, attachments, modified, labels.front)
        log = renderer.log
        numbers_file.write_text(_labels_json(labels), encoding="utf-8")
        _keep(cache, key(html), pdf, labels)  # html: the one made with the settled numbers
    name = report["pdf_file"]
    facts = {"file": name, "bytes": len(pdf), "size": human_size(len(pdf)), "pages": labels.total,
             "sha256": hashlib.sha256(pdf).hexdigest(), "variant": "PDF/A-3u",
             "attachments": [a.name for a in attachments]}
    used = [f.path for f in fonts] + [numbers_file, cache / f"pdf-{key(html)}.pdf", cache / f"pdf-{key(html)}.json"]
    used += [Path(unquote(urlsplit(c["url"]).path)) for c in data.charts.values()]
    return Built(name, pdf, facts, html, labels, layouts, log, used)
