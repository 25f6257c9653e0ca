"""Fuzzing `check` with Hypothesis: whatever the files hold, `check` returns 0
or 1, prints every problem as `path:line:col: message`, and never a traceback.

A few examples per test here (about a second each; the whole-check tests are
marked `fuzz`, which `make test-fast` skips: the stage test stays in it); `python bench/fuzz.py`
runs thousands. Each example writes one file into a copy of annotations/ (or
content/) and runs `build.main(["check", ...])` in this process, or, for the
many-example test, the loader and both check phases on that file alone.
"""
from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from fuzz_inputs import KINDS, StageRunner, annotation_file, front_matter_page, placed, rewrite, run_check, unlocated_lines

FEW = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def annotations_copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("fuzz") / "annotations"
    shutil.copytree(ROOT / "annotations", target)
    return target


@pytest.fixture(scope="module")
def content_copy_for_fuzz(tmp_path_factory):
    target = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(ROOT / "content", target)
    return target


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stage") / "annotations"
    folder.mkdir()
    for name in ("categories.yml", "coverage.yml", "sources.yml"):
        shutil.copy(ROOT / "annotations" / name, folder)
    return StageRunner(folder)


def assert_located(status: int, output: str) -> None:
    assert status in (0, 1), output
    assert "Traceback" not in output
    assert unlocated_lines(output) == [], output


@pytest.mark.fuzz
@pytest.mark.parametrize("kind", KINDS)
def test_check_on_a_fuzzed_annotation_file(annotations_copy, kind):
    @FEW
    @given(data=annotation_file(kind))
    def run(data: bytes) -> None:
        with placed(annotations_copy, kind, data):
            status, output = run_check(["--annotations", str(annotations_copy)])
        assert_located(status, output)

    run()


@pytest.mark.fuzz
@pytest.mark.parametrize("page", ["pages/about.md", "reports/taizhou-2022/report.yml"])
def test_check_on_fuzzed_front_matter(content_copy_for_fuzz, page):
    path = content_copy_for_fuzz / page
    original = path.read_bytes()

    @FEW
    @given(data=front_matter_page())
    def run(data: bytes) -> None:
        if page.endswith(".yml"):  # the report's settings: the front matter's YAML alone
            data = data.split(b"---\n")[1] if data.count(b"---\n") >= 2 else data
        rewrite(path, data)
        try:
            status, output = run_check(["--content", str(content_copy_for_fuzz)])
        finally:
            rewrite(path, original)
        assert_located(status, output)

    run()


@settings(max_examples=150, deadline=None, database=None)
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_loader_and_check_phases_on_one_fuzzed_file(stage, kind, data):
    output = stage.run(kind, data.draw(annotation_file(kind)))
    assert "Traceback" not in output
    assert unlocated_lines(output) == [], output
