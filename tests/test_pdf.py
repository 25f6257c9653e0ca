"""The archival PDF, checked with real tools: pdffonts, pdftotext, pdftoppm
(poppler-utils) and pikepdf. Figures the issue asks for (text fidelity,
flush-line ratio) are printed; run with -s to see them."""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import ROOT, TAIZHOU, report_source, run_build, save_artifact
from html_blocks import blocks

pytestmark = pytest.mark.pdf

REPORT_FOLDER = ROOT / "content" / "reports" / TAIZHOU
PDF_FILE = yaml.safe_load((REPORT_FOLDER / "report.yml").read_text(encoding="utf-8"))["pdf"]["file"]
FONT_NAME = re.compile(r"^[A-Z]{6}\+Noto-Serif-CJK-SC-Print(-Bold)?$")
# The whole Noto Serif CJK SC face is 16 MB of CFF; a true subset of this
# document's ~2,700 characters is far below this.
MAX_FONT_STREAM = 700_000
BODY_MIN_HEIGHT = 13.0  # pt: body text is 10.5 pt (cc 9.5 pt); notes, xrefs, headers are 8.5 pt or less
WS = re.compile(r"\s+")


def squash(text: str) -> str:
    return WS.sub("", text)


@pytest.fixture(scope="session")
def pdf_path(site) -> Path:
    path = site / TAIZHOU / PDF_FILE
    assert path.exists(), f"the build wrote no {path.name}"
    return path


@pytest.fixture(scope="session")
def pdf(pdf_path):
    with pikepdf.open(pdf_path) as document:
        yield document


def outline_entries(pdf) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    entries = []
    with pdf.open_outline() as outline:
        def walk(items, level):
            for item in items:
                target = item.destination[0].objgen if item.destination is not None else None
                entries.append((level, item.title, pages.get(target, -1)))
                walk(item.children, level + 1)
        walk(outline.root, 1)
    return entries


@pytest.fixture(scope="session")
def body_pages(pdf) -> tuple[int, int]:
    """First and last page index (0-based) of the report itself, appendices excluded."""
    entries = outline_entries(pdf)
    first = next(page for level, title, page in entries if "通知" in title)
    appendix = next((page for level, title, page in entries if title.startswith("附录")), len(pdf.pages))
    return first, appendix - 1


def bbox_words(pdf_path: Path, first: int, last: int) -> list[tuple[int, float, float, float, float, str]]:
    xml = subprocess.run(["pdftotext", "-f", str(first + 1), "-l", str(last + 1), "-bbox", str(pdf_path), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = []
    for page_number, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S)):
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page):
            words.append((page_number, float(x0), float(y0), float(x1), float(y1), unescape(word)))
    return words


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def fidelity(source: str, extracted: str) -> float:
    """Share of source characters found, in order, in the extracted text."""
    matcher = difflib.SequenceMatcher(None, source, extracted, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(source)


# --- the file, its link and its facts ---------------------------------------

def test_pdf_is_linked_from_every_page_and_described_on_the_downloads_page(site, pdf_path):
    data = pdf_path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    sums = (site / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert f"{sha}  {TAIZHOU}/{pdf_path.name}" in sums
    assert len(sums) == len(list(site.glob("*/*.pdf")))  # one PDF per report, each listed
    downloads = (site / "downloads.html").read_text(encoding="utf-8")
    assert f'href="./{TAIZHOU}/{pdf_path.name}"' in downloads
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="./{TAIZHOU}/{pdf_path.name}"' in home
    assert f'data-pdf-bytes="{len(data)}"' in downloads and sha in downloads
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True,
                                                             text=True, check=True).stdout)[1])
    assert f'data-pdf-pages="{pages}"' in downloads
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "<header" in html:
            assert re.search(r'<nav class="site-nav".*href="[./]*downloads\.html"', html, re.S), page


# --- fonts ------------------------------------------------------------------

def test_only_noto_serif_sc_embedded_as_true_subsets(pdf_path, pdf):
    lines = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines, "pdffonts lists no font"
    for line in lines:
        fields = line.split()
        name, emb, sub, uni = fields[0], fields[-5], fields[-4], fields[-3]
        assert FONT_NAME.match(name), f"unexpected font: {line}"
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line
    streams = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
            streams[str(font.BaseFont)] = len(stream.read_raw_bytes())
    print(f"\nembedded font streams: {streams}")
    assert len(streams) <= 2 and all(size < MAX_FONT_STREAM for size in streams.values()), streams


# --- text -------------------------------------------------------------------

def test_every_source_character_in_order_in_the_pdf_text(pdf_path, body_pages, source_text):
    """Body-size words of the report pages (notes, cross-references, running
    heads, page numbers are smaller: generated text aside) against the source."""
    words = bbox_words(pdf_path, *body_pages)
    body = squash("".join(w[5] for w in words if w[4] - w[2] >= BODY_MIN_HEIGHT))
    source = squash(source_text)
    ratio = fidelity(source, body)
    print(f"\ntext fidelity: {ratio:.4f} ({len(source)} source characters)")
    assert "\u200b" not in body, "the zero-width spaces around quotes must not be extracted"
    assert ratio == 1.0
    assert body == source, "the report pages hold text that is not in the source"


def test_footnotes_hold_each_terms_short_definition_once(pdf_path, body_pages):
    from annotations.model import load_annotations

    terms = [t for t in load_annotations({"ANNOTATIONS_PATH": str(ROOT / "annotations")}).terms if t.get("short")]
    text = squash(subprocess.run(["pdftotext", "-f", str(body_pages[0] + 1), "-l", str(body_pages[1] + 1),
                                  str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout)
    found = [t for t in terms if squash(t["short"]) in text]
    print(f"\nfootnoted terms: {len(found)} of {len(terms)}")
    assert len(found) >= 0.8 * len(terms)
    assert all(text.count(squash(t["short"])) == 1 for t in found if len(t["short"]) > 12)


def test_thread_anchors_carry_page_references_in_the_body(pdf_path, body_pages):
    text = subprocess.run(["pdftotext", "-f", str(body_pages[0] + 1), "-l", str(body_pages[1] + 1), str(pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout
    refs = re.findall(r"（参见第([\d、\s]+)页）", text)
    assert len(refs) >= 20
    last_report_page = body_pages[1] - body_pages[0] + 1
    for ref in refs:
        for number in re.findall(r"\d+", ref):
            assert 1 <= int(number) <= last_report_page, ref


# --- structure --------------------------------------------------------------

def test_outline_has_notice_parts_sections_and_appendices(pdf, report_html):
    entries = outline_entries(pdf)
    titles = [title for _, title, _ in entries]
    headings = [b for b in blocks(report_html) if b["kind"] == "heading"]
    parts = [b["text"] for b in headings if b["id"].count("-") == 0 and b["id"].startswith("p")]
    sections = [b["text"] for b in headings if re.fullmatch(r"p\d+-s\d+", b["id"])]
    assert parts and sections
    for text in parts + sections:
        assert squash(text) in map(squash, titles), f"no bookmark for {text}"
    levels = {squash(title): level for level, title, _ in entries}
    assert all(levels[squash(t)] == 1 for t in parts) and all(levels[squash(t)] == 2 for t in sections)
    assert any("通知" in t for t in titles) and sum(t.startswith("附录") for t in titles) >= 2
    pages = [page for _, _, page in entries]
    assert pages == sorted(pages) and min(pages) >= 0


def test_page_labels_roman_front_matter_then_arabic_from_the_notice(pdf, body_pages):
    nums = list(pdf.Root.PageLabels.Nums)
    assert nums[0] == 0 and nums[1].S == "/r"
    assert nums[2] == body_pages[0] and nums[3].S == "/D"


def test_xmp_claims_pdfa_3u_with_archival_metadata(pdf):
    meta = pdf.open_metadata()
    assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "U"
    assert meta["dc:title"] == "台州市2022年政府工作报告"
    assert "台州市人民政府" in meta["dc:creator"]
    assert meta["dc:description"] and meta["pdf:Keywords"]
    assert "zh-CN" in meta["dc:language"] and str(pdf.Root.Lang) == "zh-CN"
    assert meta["xmp:CreateDate"].startswith("2022-04-15")  # the issue date, not the build clock
    assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked


def test_sources_and_annotations_attached_with_relationships(pdf, report_html, site):
    attached = {name: spec for name, spec in pdf.attachments.items()}
    markdown, source = f"{TAIZHOU}.md", f"{TAIZHOU}.txt"
    assert set(attached) == {markdown, "annotations.json", source, "annotations.jsonld"}
    assert attached[markdown].get_file().read_bytes() == (REPORT_FOLDER / "report.md").read_bytes()
    assert attached[source].get_file().read_bytes() == report_source().read_bytes()
    bundle = json.loads(attached["annotations.json"].get_file().read_bytes())
    # the annotations that occur in this report, not the whole library's
    terms_here = set(re.findall(r'data-term="([^"]+)"', report_html))
    assert bundle["report"] == TAIZHOU and {t["id"] for t in bundle["terms"]} >= terms_here
    assert "qingyu-kechuangyuan" not in {t["id"] for t in bundle["terms"]}
    # the W3C Web Annotation export, the same bytes as the site's <slug>/annotations.jsonld
    exported = attached["annotations.jsonld"].get_file().read_bytes()
    assert exported == (site / TAIZHOU / "annotations.jsonld").read_bytes()
    relationships = {name: str(spec.obj.AFRelationship) for name, spec in attached.items()}
    assert relationships == {markdown: "/Source", source: "/Source", "annotations.json": "/Supplement",
                             "annotations.jsonld": "/Supplement"}
    assert len(pdf.Root.AF) == 4
    for spec in attached.values():
        params = spec.get_file().obj.Params
        assert str(params.CreationDate) == str(params.ModDate) == "D:20220414160000Z"


# --- reproducibility and logs -----------------------------------------------

def build_with(output: Path, overrides: dict) -> subprocess.CompletedProcess:
    """`build.py build` with settings overrides (the CLI has none for these)."""
    code = ("import json, logging, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import build; "
            "logging.basicConfig(level=logging.WARNING, format='%(levelname)s: %(message)s'); "
            "sys.exit(build.build(Path(sys.argv[2]), json.loads(sys.argv[3])))")
    # one process: the session's site rendered its PDFs in parallel, so this
    # also proves a serial render gives the same bytes
    return subprocess.run([sys.executable, "-c", code, str(ROOT), str(output), json.dumps(overrides)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PDF_WORKERS": "1"})


def test_a_fresh_render_is_byte_identical_and_weasyprint_logs_nothing(tmp_path, pdf_path, library):
    """Rendered again (not reused from .cache/pdf): the same bytes, and no
    line from WeasyPrint or the PDF plugin in the build's output."""
    content, annotations = library
    result = build_with(tmp_path / "output", {"PDF_REUSE_RENDERED": False, "PATH": str(content),
                                              "ANNOTATIONS_PATH": str(annotations)})
    assert result.returncode == 0, result.stderr
    assert not re.search(r"weasyprint|report_pdf", result.stderr, re.I), result.stderr
    assert (tmp_path / "output" / TAIZHOU / pdf_path.name).read_bytes() == pdf_path.read_bytes()


def test_dates_come_from_the_issue_date_or_source_date_epoch():
    from report_pdf.render import document_dates

    assert document_dates("2022-04-15", {}) == ("2022-04-15T00:00:00+08:00", "2022-04-15T00:00:00+08:00")
    assert document_dates("2022-04-15", {"SOURCE_DATE_EPOCH": "1700000000"})[1] == "2023-11-14T22:13:20+00:00"


def test_the_render_reads_no_url_and_fails_loudly(tmp_path):
    from report_pdf.render import Renderer, RenderError

    with Renderer(base=tmp_path, allowed=[tmp_path]) as renderer:
        with pytest.raises(RenderError):
            renderer.lay_out('<p>x<img src="https://example.org/a.png"></p>', [])
        with pytest.raises(RenderError):
            renderer.lay_out('<p>x<img src="file:///etc/hostname"></p>', [])


# --- justification ------------------------------------------------------------

def flush_line_ratio(pdf_path: Path, first: int, last: int) -> tuple[int, int]:
    """(flush, candidates): body lines that continue a paragraph on the next
    line should end at the right edge of the text block."""
    xml = subprocess.run(["pdftotext", "-f", str(first + 1), "-l", str(last + 1), "-bbox-layout", str(pdf_path), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = []
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    for page in root.iter("page"):
        for line in page.iter("line"):
            words = list(line.iter("word"))
            if any(float(w.get("yMax")) - float(w.get("yMin")) >= BODY_MIN_HEIGHT for w in words) and \
                    all(float(w.get("yMax")) - float(w.get("yMin")) >= 9 for w in words[:1]):
                lines.append((float(line.get("xMin")), float(line.get("xMax"))))
    left = min(x0 for x0, _ in lines)
    right = max(x1 for _, x1 in lines)
    flush = candidates = 0
    for (x0, x1), (next_x0, _) in zip(lines, lines[1:]):
        continues = abs(next_x0 - left) < 1.0  # the next line is not indented: same paragraph
        if continues and abs(x0 - left) < 25:
            candidates += 1
            flush += abs(x1 - right) < 1.0
    return flush, candidates


def test_chinese_lines_are_justified(pdf_path, body_pages):
    flush, candidates = flush_line_ratio(pdf_path, *body_pages)
    print(f"\nflush-line ratio: {flush}/{candidates} = {flush / candidates:.3f}")
    assert candidates > 300
    assert flush / candidates >= 0.95


def test_justification_counts_what_pango_adds():
    from report_pdf.justify import expansion_units, spaced_characters

    assert expansion_units("一二三四") == 3  # Pango drops the half spacing at both ends
    assert spaced_characters("ab cd") == []
    # "6" is spaced for the gap 长|6, and Pango gives it half on each side
    assert spaced_characters("增长6.4%") == [0, 1, 2] and expansion_units("增长6.4%") == 2.5
    assert 2 not in spaced_characters("践行\u200b“八八”")  # the zero-width space takes no spacing


# --- charts -------------------------------------------------------------------

def test_chart_labels_start_where_their_anchor_put_them():
    from report_pdf.charts import start_anchored_text

    widths = {"1": 0.5, "0": 0.5, "%": 1.0}
    svg = ('<text class="a" x="40" y="5" text-anchor="end" font-size="12">10</text>'
           '<text x="100.0" y="9" text-anchor="middle" font-size="10">%</text>'
           '<text x="7" y="9" text-anchor="end" font-size="10">亿</text>')
    placed = start_anchored_text(svg, widths)
    assert '<text class="a" x="28.00" y="5" font-size="12">10</text>' in placed  # 40 - 2 × 0.5 × 12
    assert '<text x="95.00" y="9" font-size="10">%</text>' in placed  # 100 - 1.0 × 10 / 2
    assert '<text x="7" y="9" text-anchor="end" font-size="10">亿</text>' in placed  # no width known: left alone


def test_charts_are_figures_with_alt_text_and_no_transparency_groups(pdf):
    figures = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")) for f in figures)
    groups = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
    assert len(groups) < 20, f"{len(groups)} form XObjects: chart labels drawn through transparency groups again?"


# --- pictures for a human look ------------------------------------------------

def test_pngs_of_cover_footnoted_page_and_glossary(pdf_path, pdf, body_pages):
    entries = outline_entries(pdf)
    glossary = next(page for _, title, page in entries if "术语" in title)
    footnoted = body_pages[0] + 2
    for name, page in (("pdf-cover", 0), ("pdf-footnotes", footnoted), ("pdf-glossary", glossary)):
        target = save_artifact(name)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(page + 1), "-l", str(page + 1),
                        str(pdf_path), str(target)], check=True)
        png = target.with_suffix(".png")
        assert png.stat().st_size > 20_000, f"{png} looks blank"
