"""The PDF cache keys cover what shapes the PDF's bytes (report_pdf.environment):
a changed library, subsetter or font file means a new render."""
from __future__ import annotations

import os
import re
import shlex

import pytest

from conftest import ROOT
from report_pdf import environment
from report_pdf.fonts import SOURCES


@pytest.fixture
def font(tmp_path):
    path = tmp_path / "NotoSerifCJK-Regular.ttc"
    path.write_bytes(b"font")
    return path


@pytest.mark.parametrize("name, value", [("harfbuzz_version", lambda: "99.0.0"), ("pango_version", lambda: "1.99.0"),
                                         ("hb_subset_available", lambda: False),
                                         ("package_version", lambda name: f"{name}-99")])
def test_the_fingerprint_changes_with_each_library(monkeypatch, font, name, value):
    before = environment.fingerprint([font])
    monkeypatch.setattr(environment, name, value)
    assert environment.fingerprint([font]) != before


def test_the_fingerprint_changes_with_the_font_file(font):
    before = environment.fingerprint([font])
    os.utime(font, ns=(0, 0))  # a reinstalled font package
    assert environment.fingerprint([font]) != before
    assert environment.fingerprint([font]) == environment.fingerprint([font])


def test_the_facts_are_read_from_this_machine():
    facts = environment.describe(SOURCES.values())
    assert re.fullmatch(r"\d+\.\d+\.\d+", facts["harfbuzz"]) and re.fullmatch(r"\d+\.\d+\.\d+", facts["pango"])
    assert all(v != environment.UNKNOWN for v in facts["packages"].values()), facts


def test_the_build_installs_harfbuzz_subset_and_weasyprint_uses_it():
    script = (ROOT / "tools" / "setup_system.sh").read_text(encoding="utf-8")
    build_packages = shlex.split(re.search(r"^build_pkgs=\((.*)\)$", script, re.M).group(1))
    assert "libharfbuzz-subset0" in build_packages
    assert environment.hb_subset_available(), "libharfbuzz-subset0 is missing: run `make`, which installs it"
