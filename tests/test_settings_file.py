"""`check` reads the settings file without Pelican (plugins/settings_file.py);
the build lets Pelican read it. Both must give every setting our code reads
the same value, or check and build would not accept the same inputs."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT

SETTING_READ = re.compile(r"""settings(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_our_code_reads() -> set[str]:
    names = set()
    for path in [*(ROOT / "plugins").rglob("*.py"), ROOT / "build.py"]:
        names |= set(SETTING_READ.findall(path.read_text(encoding="utf-8")))
    return names


def test_the_code_reads_settings_this_test_can_find():
    assert {"PATH", "ANNOTATIONS_PATH", "SCHEMAS_PATH", "LABELS_PATH", "THEME", "DEFAULT_LANG"} <= settings_our_code_reads()


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
@pytest.mark.parametrize("override", [{}, {"PATH": "tests/fixtures", "ANNOTATIONS_PATH": "/tmp/a", "SITENAME": "x"}])
def test_both_readers_agree_on_every_setting_the_code_reads(settings_file, override, monkeypatch):
    from pelican.settings import read_settings as pelican_read

    import settings_file as light

    monkeypatch.chdir(ROOT)
    ours = light.read_settings(ROOT / settings_file, dict(override))
    theirs = pelican_read(str(ROOT / settings_file), override=dict(override))
    for name in sorted(settings_our_code_reads()):
        assert ours.get(name) == theirs.get(name), name
    for name, value in ours.items():  # and every plain value the file sets
        if type(value).__module__ == "builtins" and name != "JINJA_ENVIRONMENT":
            assert theirs.get(name) == value, name


def test_check_does_not_import_pelican():
    code = ("import sys, build; status = build.main(['check']); "
            "sys.exit(10 + status if any(m == 'pelican' or m.startswith('pelican.') for m in sys.modules) else status)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
