"""Render the print HTML with WeasyPrint: PDF/A-3u, tagged, reproducible.

Reproducibility (measured in issue 6): WeasyPrint ignores SOURCE_DATE_EPOCH
and takes the PDF dates from `<meta name="dcterms.created|modified">`, which
print_html fills from the report's issue date (or SOURCE_DATE_EPOCH); an
attachment without explicit datetimes gets the build clock, so each gets
the document's date here.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import SubElement, fromstring, tostring

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher
from weasyprint.pdf.metadata import NS, DocumentMetadata

from .justify import inter_character_justification

VARIANT = "pdf/a-3u"
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Attached:
    name: str
    data: bytes
    description: str
    relationship: str  # ISO 32000-2 7.11.3: Source, Data, Alternative, Supplement …


class RenderError(Exception):
    """WeasyPrint could not make the PDF; the build must fail."""


def document_dates(issued: str, environ: dict | None = None) -> tuple[str, str]:
    """(created, modified) as W3C datetimes: created is the report's issue day;
    modified is SOURCE_DATE_EPOCH when set (reproducible builds), else the same."""
    environ = os.environ if environ is None else environ
    created = dt.datetime.combine(dt.date.fromisoformat(str(issued)[:10]), dt.time(), CHINA)
    modified = created
    if environ.get("SOURCE_DATE_EPOCH", "").strip():
        modified = dt.datetime.fromtimestamp(int(environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc)
    return created.isoformat(), modified.isoformat()


class LanguageMetadata(DocumentMetadata):
    """WeasyPrint 70 writes /Lang in the catalog but no dc:language in XMP;
    archival checkers look for it there."""

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        if self.lang:
            description = SubElement(rdf, f'{{{NS["rdf"]}}}Description')
            description.attrib[f'{{{NS["rdf"]}}}about'] = ""
            bag = SubElement(SubElement(description, f'{{{NS["dc"]}}}language'), f'{{{NS["rdf"]}}}Bag')
            SubElement(bag, f'{{{NS["rdf"]}}}li').text = self.lang
        return tostring(rdf, encoding="utf-8")


class LocalFetcher(URLFetcher):
    """Reads our own files and nothing else: the build never reaches the
    network, whatever the HTML says; a refused or missing file stops the render."""

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
        self.roots = [p.resolve() for p in allowed]

    def fetch(self, url, headers=None):
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"{url} is outside {', '.join(map(str, self.roots))}")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def _page_labels(front_pages: int):
    """PDF page labels (i, ii, iii … for the cover and front matter, then 1, 2 …),
    and a tidy /AF."""

    def finish(document, pdf) -> None:
        nums = pydyf.Array()
        if front_pages:
            nums.extend([0, pydyf.Dictionary({"S": "/r"})])
        nums.extend([front_pages, pydyf.Dictionary({"S": "/D"})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})
        # WeasyPrint 70 lists each attachment twice in /AF (once inline, from the
        # name tree, once by reference): keep the references, once each
        if "AF" in pdf.catalog:
            unique = []
            for item in pdf.catalog["AF"]:
                if not isinstance(item, dict) and item not in unique:
                    unique.append(item)
            pdf.catalog["AF"] = pydyf.Array(unique or pdf.catalog["AF"])

    return finish


def total_css(last_label: str) -> str:
    """The N of "n / N": the report's last page number, known from the layout."""
    return f'@page report {{ @bottom-center {{ content: counter(page) " / {int(last_label)}"; }} }}\n'


class Renderer:
    """One WeasyPrint session: lay out (as often as archive.py needs), then
    write. Inside it, Chinese lines are justified (justify.py), only local
    files may be read, and what WeasyPrint logs is collected in `log`."""

    def __init__(self, base: Path, allowed: list[Path]) -> None:
        self.base = base
        self.fetcher = LocalFetcher(allowed)
        self.log: list[str] = []
        self._collector = _Collect()
        self._justify = inter_character_justification()

    def __enter__(self) -> "Renderer":
        logging.getLogger("weasyprint").addHandler(self._collector)
        self._justify.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._justify.__exit__(*exc)
        logging.getLogger("weasyprint").removeHandler(self._collector)
        self.log = self._collector.messages

    def lay_out(self, html: str, stylesheets: list[str]):
        try:
            document = weasyprint.HTML(string=html, base_url=str(self.base), url_fetcher=self.fetcher)
            # @font-face needs one FontConfiguration shared by the CSS and the render
            fonts = FontConfiguration()
            css = [weasyprint.CSS(string=text, base_url=str(self.base), url_fetcher=self.fetcher, font_config=fonts)
                   for text in stylesheets]
            return document.render(stylesheets=css, font_config=fonts)
        except RenderError:
            raise
        except (Exception, FatalURLFetchingError) as error:  # any failure stops the build
            cause = f" ({error.__cause__})" if error.__cause__ else ""
            raise RenderError(f"WeasyPrint failed to lay out the PDF: {type(error).__name__}: {error}{cause}") from error

    def write(self, document, attachments: list[Attached], modified: str, front_pages: int) -> bytes:
        # in UTC: WeasyPrint writes attachment dates with a "Z" whatever their zone
        when = dt.datetime.fromisoformat(modified).astimezone(dt.timezone.utc)
        document.metadata = LanguageMetadata(**vars(document.metadata))
        files = [weasyprint.Attachment(file_obj=io.BytesIO(a.data), name=a.name, description=a.description,
                                       created=when, modified=when, relationship=a.relationship)
                 for a in attachments]
        try:
            return document.write_pdf(pdf_variant=VARIANT, pdf_tags=True, attachments=files,
                                      finisher=_page_labels(front_pages))
        except Exception as error:
            raise RenderError(f"WeasyPrint failed to write the PDF: {type(error).__name__}: {error}") from error


def anchor_pages(document) -> dict[str, int]:
    """Anchor id → 0-based index of the page it is on."""
    return {name: index for index, page in enumerate(document.pages) for name in page.anchors}
