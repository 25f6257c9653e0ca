"""Claim-level support in definitions (annotations/citations.py, issue 15):
the renderer as mdit-py-plugins tests its plugins (fixture file of Markdown in,
HTML out: tests/fixtures/citations/render.md, first line of each input = the
mode), and the check on fixture terms, exact `file:line:column: message` out."""
from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "citations"
CASES = read_fixture_file(FIXTURES / "render.md")
LABELS = {"report_title": "据报告原文", "inference_title": "编辑推断"}


@pytest.mark.parametrize("line,title,source,expected", CASES, ids=[f"render.md:{c[0]}" for c in CASES])
def test_render_fixture(line, title, source, expected):
    from annotations.citations import citations_plugin

    mode, text = source.split("\n", 1)
    md = MarkdownIt("commonmark", {"html": False})
    citations_plugin(md, mode=mode, labels=LABELS)
    assert md.render(text).rstrip("\n") == expected.rstrip("\n"), f"render.md:{line}: {title}"


@pytest.mark.parametrize("line,title,source,expected", CASES, ids=[f"render.md:{c[0]}" for c in CASES])
def test_one_parse_renders_each_mode_as_its_own_parser_does(line, title, source, expected):
    """views.definition_html parses once and renders three ways: the same HTML."""
    from annotations.views import definition_html, definition_renderers

    _mode, text = source.split("\n", 1)
    renderers = definition_renderers(LABELS)
    assert definition_html(renderers, text) == {
        "definition_html": renderers["linked"].render(text), "definition_print_html": renderers["plain"].render(text),
        "definition_plain_html": renderers["stripped"].render(text)}, f"render.md:{line}: {title}"


def problems_in(root: Path) -> list[str]:
    from annotations.citations import check_citations
    from annotations.model import load_annotations

    found = check_citations(load_annotations({"ANNOTATIONS_PATH": str(root)}))
    return sorted(f"{Path(p.path).name}:{p.line}:{p.column}: {p.message}" for p in found)


def test_check_names_each_unmarked_sentence_and_each_missing_source():
    from annotations.citations import MSG_MARKER_NO_SOURCE as NO_SOURCE
    from annotations.citations import MSG_SENTENCE_UNMARKED as UNMARKED

    assert problems_in(FIXTURES) == sorted([
        "dangling.yml:6:51: " + NO_SOURCE.format(marker="2", n=2, count=1, s=""),
        "dangling.yml:6:70: " + NO_SOURCE.format(marker="1，3", n=3, count=1, s=""),
        "nosource.yml:7:66: " + NO_SOURCE.format(marker="1", n=1, count=0, s="s"),
        "unmarked.yml:8:12: " + UNMARKED.format(n=3, sentence="这一句没有标记！"),
        "unmarked.yml:8:20: " + UNMARKED.format(n=4, sentence="最后一句也没有"),
    ])


def test_sentences_end_outside_quotation_marks_and_keep_their_markers():
    from annotations.citations import sentences

    found = sentences("他说“好。再来”，然后走了。[1] 第二句！[报告][推断]\n")
    assert [(s.text, [m.text for m in s.markers]) for s in found] == [
        ("他说“好。再来”，然后走了。", ["[1]"]), ("第二句！", ["[报告]", "[推断]"])]


def test_markers_do_not_count_towards_the_definition_length():
    from annotations.check import definition_length

    assert definition_length("报告提出。[报告] 二者相关。[1,2][推断]") == definition_length("报告提出。二者相关。") == 8


def test_every_taizhou_definition_sentence_is_marked():
    from annotations.citations import check_citations
    from annotations.model import load_annotations

    assert check_citations(load_annotations({"ANNOTATIONS_PATH": str(ROOT / "annotations")})) == []
