"""`build.py serve`: the live preview rebuilds when an annotation changes, and
a change that breaks the check keeps the last good site."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_serve_rebuilds_on_annotation_change_and_keeps_last_good_site(tmp_path):
    annotations = tmp_path / "annotations"
    shutil.copytree(ROOT / "annotations", annotations)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--no-pdf",
         "--annotations", str(annotations), "--output", str(tmp_path / "output")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = f"http://127.0.0.1:{port}/terms/rcep.html"
        assert wait_for(lambda: "RCEP" in fetch(page)), "the preview never served the term page"
        term = annotations / "terms" / "rcep.yml"
        original = term.read_text(encoding="utf-8")
        marker = "预览测试标记"
        term.write_text(original.replace("definition: |\n  ", f"definition: |\n  {marker}", 1), encoding="utf-8")
        assert wait_for(lambda: marker in fetch(page)), "the edit never reached the preview"
        term.write_text(original.replace("id: rcep", "id: RCEP!"), encoding="utf-8")
        time.sleep(6)  # a failed rebuild must leave the last good page in place
        assert marker in fetch(page)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "rebuilt" in output and "kept the last good site" in output, output
