"""The committed copy of the source is the one published, and content/report.md
is exactly what the conversion script makes of it."""
from __future__ import annotations

import hashlib
import subprocess
import sys

from conftest import ROOT

SOURCE_SHA256 = "3f34b684611ef42c9630c72bd86b8e64b9326ac8af583dc3d5d5ccd1be8e35c0"


def test_source_copy_has_the_published_checksum():
    source = ROOT / "content/source/taizhou-2022-government-work-report.txt"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == SOURCE_SHA256


def test_conversion_reproduces_the_committed_markdown(tmp_path):
    import yaml

    config = yaml.safe_load((ROOT / "content/source/convert.yml").read_text(encoding="utf-8"))
    config["output"] = str(tmp_path / "report.md")
    config["source"] = str(ROOT / "content/source" / config["source"])
    (tmp_path / "convert.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "tools/convert_report.py"), str(tmp_path / "convert.yml")],
                   check=True, capture_output=True)
    assert (tmp_path / "report.md").read_text(encoding="utf-8") == (ROOT / "content/report.md").read_text(encoding="utf-8")
