"""A broken content file fails the build with a message naming the file, and
the previous output/ stays exactly as it was."""
from __future__ import annotations

import re

from conftest import run_build


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_broken_front_matter_fails_and_keeps_output(tmp_path, content_copy):
    output = tmp_path / "output"
    assert run_build(output, "--no-pdf", "--content", str(content_copy)).returncode == 0
    before = snapshot(output)
    report = content_copy / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("title: ", "title: [unclosed", 1), encoding="utf-8")
    result = run_build(output, "--no-pdf", "--content", str(content_copy))
    assert result.returncode != 0
    assert re.search(r"report\.md:[23]:\d+: ", result.stderr) and "front matter is not valid YAML" in result.stderr
    assert snapshot(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("output.")] == []


def test_changed_report_text_fails_and_keeps_output(tmp_path, content_copy):
    output = tmp_path / "output"
    assert run_build(output, "--no-pdf", "--content", str(content_copy)).returncode == 0
    before = snapshot(output)
    report = content_copy / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("累计为企业减负1451亿元", "累计为企业减负1541亿元"), encoding="utf-8")
    result = run_build(output, "--no-pdf", "--content", str(content_copy))
    assert result.returncode == 1
    assert "report.md:" in result.stderr and "differs from its source" in result.stderr
    assert "1541" in result.stderr  # the hint shows what the page has instead
    assert snapshot(output) == before
