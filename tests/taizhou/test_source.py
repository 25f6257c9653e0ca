"""The committed copy of the Taizhou source is the one published, its
report.yml records that checksum, and report.md is exactly what the converter
makes of it with report.yml's structure rules."""
from __future__ import annotations

import hashlib

import yaml

from conftest import ROOT, TAIZHOU

SOURCE_SHA256 = "3f34b684611ef42c9630c72bd86b8e64b9326ac8af583dc3d5d5ccd1be8e35c0"  # shared/source/README.md
FOLDER = ROOT / "content" / "reports" / TAIZHOU


def test_source_copy_has_the_published_checksum():
    assert hashlib.sha256((FOLDER / "source.txt").read_bytes()).hexdigest() == SOURCE_SHA256
    config = yaml.safe_load((FOLDER / "report.yml").read_text(encoding="utf-8"))
    assert config["source"]["sha256"] == SOURCE_SHA256


def test_conversion_reproduces_the_committed_markdown():
    from reports.convert import convert

    config = yaml.safe_load((FOLDER / "report.yml").read_text(encoding="utf-8"))
    made = convert((FOLDER / "source.txt").read_text(encoding="utf-8"), config["structure"])
    assert made == (FOLDER / "report.md").read_text(encoding="utf-8")
