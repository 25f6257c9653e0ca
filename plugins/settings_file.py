"""The settings file (pelicanconf.py, publishconf.py) read as Pelican reads
it, without importing Pelican.

`check`, the tests and tools/ need a few paths and names from it; importing
Pelican to read them cost 0.12 s of every `check` (issue 12). The build
itself still has Pelican read the file (build.py: pelican_build), and
tests/test_settings_file.py holds both readers to the same values for every
setting the file holds, so `check` and `build` see the same settings.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

# Pelican makes these absolute against the settings file's folder
# (pelican/settings.py: read_settings); THEME only when it names a folder.
RELATIVE_TO_FILE = ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH")
# What Pelican's configure_settings changes in values our settings file sets.
LOWER_CASED = ("DEFAULT_LANG",)


def _module(path: Path):
    # as pelican.settings.load_source: the file runs as a module of its own name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def read_settings(path: str | Path, override: dict | None = None) -> dict:
    """The upper-case names of the settings file, `override` on top, with
    the paths Pelican makes absolute made absolute."""
    path = Path(path)
    module = _module(path)
    settings = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    settings.update(override or {})
    def absolute(value: str) -> str:
        return value if os.path.isabs(value) else os.path.abspath(os.path.normpath(os.path.join(path.parent, value)))

    for name in RELATIVE_TO_FILE:
        value = settings.get(name)
        if value is not None and (name != "THEME" or os.path.exists(absolute(value))):
            settings[name] = absolute(value)
    if settings.get("PLUGIN_PATHS") is not None:
        settings["PLUGIN_PATHS"] = [absolute(p) for p in settings["PLUGIN_PATHS"]]
    for name in LOWER_CASED:
        if isinstance(settings.get(name), str):
            settings[name] = settings[name].lower()
    return settings
