"""Terms in headings (issue 15): marked on the site without changing a
character of the heading, and in the PDF never footnoted inside a heading
(its text is the bookmark): the first occurrence below gets the footnote."""
from __future__ import annotations

import lxml.html

HEADING = '<h3 id="p2-s3" data-block="heading">（三）建设<a class="term" data-term="sx" href="../terms/sx.html">“双循环”</a>节点城市。</h3>'
PARAGRAPH = '<p id="p2-s3-1" data-block="paragraph">融入<a class="term" data-term="sx" href="../terms/sx.html">“双循环”</a>格局。</p>'


def test_the_pdf_footnotes_the_first_occurrence_outside_headings():
    from report_pdf.print_html import _fragment, _mark_terms

    root = _fragment(HEADING + PARAGRAPH)
    seen = _mark_terms(root, {"sx": {"id": "sx", "term": "双循环", "short": "新发展格局。"}})
    heading, paragraph = root.find("h3"), root.find("p")
    assert heading.text_content() == "（三）建设“双循环”节点城市。"  # the bookmark text, as written
    assert heading.find(".//span[@class='footnote']") is None
    assert paragraph.find(".//span[@class='footnote']") is not None
    assert seen == {"sx": ["t-sx-1", "t-sx-2"]}  # both pages count for the glossary


def test_the_site_marks_a_heading_term_and_every_member_of_a_combined_name(report_html):
    from html_blocks import blocks

    heading = next(b for b in blocks(report_html) if b["id"] == "p2-s3")
    assert "“双循环”重要节点城市" in heading["text"]
    page = lxml.html.fromstring(report_html)
    assert page.xpath('//h3[@id="p2-s3"]//a[@data-term="shuangxunhuan"]')
    members = {a.text_content() for a in page.xpath('//a[@data-term="san-jia-zhizao"]')}
    assert members == {"“数字+制造”", "“创新+制造”", "“品牌+制造”"}


def test_every_form_that_occurs_is_marked_at_least_once(report_html):
    """Issue 15: each member of a combined name (六医统筹 beside 三医联动,
    潮店经济 beside 首店经济 …) is a link somewhere in the report."""
    from build import load_settings
    from library.resolve import resolve

    from conftest import TAIZHOU

    library = resolve(load_settings())
    parsed = library.report(TAIZHOU)
    page = lxml.html.fromstring(report_html)
    linked = {(a.get("data-term"), a.text_content()) for a in page.xpath('//a[@data-term]')}
    wanted = set()
    for term in library.annotations.terms:
        if term.get("mark") == "none" or term.get("occurrences"):
            continue
        for hit in library.term_hits.get(term["id"], []):
            if hit.report == TAIZHOU:
                wanted.add((term["id"], parsed.by_id[hit.block]["text"][hit.start:hit.end]))
    assert len(wanted) > 150 and wanted - linked == set()
