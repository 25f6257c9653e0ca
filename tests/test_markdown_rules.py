"""The markdown-it rules (block ids, sections, regions, safe attributes), as
mdit-py-plugins tests its plugins: fixture files of input Markdown and the
HTML expected, in tests/fixtures/markdown/. To add a case, append one there."""
from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
CASES = [(path.name, *case) for path in sorted(FIXTURES.glob("*.md")) for case in read_fixture_file(path)]


@pytest.fixture(scope="module")
def render():
    from build import load_settings
    from labels import labels
    from report_markdown.parser import build_parser

    settings = load_settings()
    md = build_parser(settings)
    words = labels({"LABELS_PATH": str(ROOT / "theme" / "labels.yml")})
    return lambda text: md.render(text, {"labels": words})


@pytest.mark.parametrize("name,line,title,source,expected", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_fixture(render, name, line, title, source, expected):
    assert render(source).rstrip("\n") == expected.rstrip("\n"), f"{name}:{line}: {title}"


def test_the_fixtures_are_read():
    assert len(CASES) >= 8
