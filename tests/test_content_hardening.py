"""Hostile or careless content files (hardening issue, items 2, 3 and 7):
a PDF name that leaves the report's folder, markup in titles, invisible
characters in report.yml. Each is refused or escaped, located, with no
traceback; `check` and `build` agree."""
from __future__ import annotations

import re

import pytest

from conftest import TAIZHOU, run_build

import build


def check(capsys, content) -> tuple[int, str]:
    status = build.main(["check", "--content", str(content)])
    return status, capsys.readouterr().err


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("name", ["../../somewhere/NAME.pdf", "/tmp/NAME.pdf", "a/b.pdf", "..pdf"])
def test_a_pdf_name_that_leaves_the_report_folder_is_refused(capsys, content_copy, name):
    config = content_copy / "reports" / TAIZHOU / "report.yml"
    edit(config, "file: taizhou-2022-government-work-report.pdf", f"file: {name}")
    status, err = check(capsys, content_copy)
    assert status == 1
    assert re.search(rf"reports/{TAIZHOU}/report\.yml:\d+:\d+: pdf\.file: .* does not match", err), err
    assert "Traceback" not in err


def test_markup_in_titles_is_text_on_every_page(tmp_path, content_copy):
    hostile = 'x</title><meta http-equiv=refresh content="0;url=http://example.invalid/">'
    edit(content_copy / "pages" / "about.md", "title: 关于本站", f"title: '{hostile}'")
    edit(content_copy / "reports" / TAIZHOU / "report.yml", "title: 台州市2022年政府工作报告",
         f"title: '台州{hostile}'")
    output = tmp_path / "output"
    result = run_build(output, "--no-pdf", "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    for page in ("about.html", "index.html", f"{TAIZHOU}/index.html", "glossary.html"):
        html = (output / page).read_text(encoding="utf-8")
        assert not re.search(r"<meta\s+http-equiv=[\"']?refresh", html, re.I), page  # text, never a tag
    assert "x&lt;/title&gt;&lt;meta http-equiv=refresh" in (output / "about.html").read_text(encoding="utf-8")


def test_invisible_characters_in_report_yml_are_located(capsys, content_copy):
    config = content_copy / "reports" / TAIZHOU / "report.yml"
    edit(config, "issuer: 台州市人民政府", 'issuer: "台州市\\u202e人民政府"')
    status, err = check(capsys, content_copy)
    assert status == 1
    assert re.search(rf"reports/{TAIZHOU}/report\.yml:\d+:\d+: issuer contains the invisible character U\+202E", err), err


@pytest.mark.parametrize("template", ["report", "library", "base"])
def test_a_page_cannot_borrow_a_template_only_the_generator_can_fill(capsys, content_copy, template):
    edit(content_copy / "pages" / "about.md", "template: about", f"template: {template}")
    status, err = check(capsys, content_copy)
    assert status == 1
    assert f"pages/about.md:4:1: the template '{template}' is not for pages" in err
