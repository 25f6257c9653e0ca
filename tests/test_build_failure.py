"""A broken content file fails the build with a message naming the file, and
the previous output/ stays exactly as it was. In process (`build.main`)."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, TAIZHOU, run_main


@pytest.fixture
def no_annotations(tmp_path):
    """Only the side files: these failures are in content/, and the build is
    then a third of the time."""
    folder = tmp_path / "annotations"
    folder.mkdir()
    for side_file in (ROOT / "annotations").glob("*.yml"):
        shutil.copy(side_file, folder)
    return folder


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_broken_report_yml_fails_and_keeps_output(tmp_path, content_copy, no_annotations):
    output = tmp_path / "output"
    assert run_main("build", "--output", str(output), "--no-pdf", "--content", str(content_copy),
                    "--annotations", str(no_annotations)).returncode == 0
    before = snapshot(output)
    config = content_copy / "reports" / TAIZHOU / "report.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\ntitle: ", "\ntitle: [unclosed", 1), encoding="utf-8")
    result = run_main("build", "--output", str(output), "--no-pdf", "--content", str(content_copy),
                    "--annotations", str(no_annotations))
    assert result.returncode != 0
    assert re.search(r"reports/taizhou-2022/report\.yml:\d+:\d+: this is not valid YAML", result.stderr), result.stderr
    assert "problem found" in result.stderr  # one problem: quotes are not checked against a report that did not load
    assert snapshot(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("output.")] == []


def test_changed_report_text_fails_and_keeps_output(tmp_path, content_copy, no_annotations):
    output = tmp_path / "output"
    assert run_main("build", "--output", str(output), "--no-pdf", "--content", str(content_copy),
                    "--annotations", str(no_annotations)).returncode == 0
    before = snapshot(output)
    report = content_copy / "reports" / TAIZHOU / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("累计为企业减负1451亿元", "累计为企业减负1541亿元"), encoding="utf-8")
    result = run_main("build", "--output", str(output), "--no-pdf", "--content", str(content_copy),
                    "--annotations", str(no_annotations))
    assert result.returncode == 1
    assert "report.md:" in result.stderr and "differs from its source" in result.stderr
    assert "1541" in result.stderr  # the hint shows what the page has instead
    assert snapshot(output) == before
