"""What shapes the PDF's bytes besides our own inputs: the libraries that lay
out, subset, compress and write it, and the font files it is cut from.

Why: the PDF cache (archive.py) reuses a PDF rendered from the same inputs.
On a fresh machine `make` rendered with fontTools subsetting (HarfBuzz-Subset
missing); `make test` then installed chromium, which brought
libharfbuzz-subset0, WeasyPrint switched subsetters, and the cached PDF no
longer matched a fresh render. Everything listed here goes into the cache
keys, so a changed library or font means a new render, not a stale file.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import zlib
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Python packages whose version changes the bytes: layout (weasyprint), the
# PDF writer (pydyf), our font cut (fonttools), images (pillow).
PACKAGES = ("weasyprint", "pydyf", "fonttools", "pillow")
UNKNOWN = "unknown"


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return UNKNOWN


def _c_version(names: Iterable[str], function: str) -> str:
    """A C library's version string; dlopen returns the copy already loaded
    by WeasyPrint (same soname), so this is the one that renders."""
    for name in names:
        path = ctypes.util.find_library(name) or name
        try:
            getter = getattr(ctypes.CDLL(path), function)
        except (OSError, AttributeError):
            continue
        getter.restype = ctypes.c_char_p
        return getter().decode()
    return UNKNOWN


def harfbuzz_version() -> str:
    return _c_version(("harfbuzz", "libharfbuzz.so.0"), "hb_version_string")


def pango_version() -> str:
    return _c_version(("pango-1.0", "libpango-1.0.so.0"), "pango_version_string")


def hb_subset_available() -> bool:
    """WeasyPrint subsets embedded fonts with HarfBuzz when libharfbuzz-subset
    loads, with fontTools otherwise: two different outputs."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None


def font_identity(path: Path) -> str:
    """Path, size and modification time: a new font package changes them, and
    hashing the 2 × 20 MB collections on every build would cost ~0.1 s."""
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def describe(fonts: Iterable[Path]) -> dict:
    """Every fact the fingerprint covers, readable (for a bug report or bench)."""
    return {
        "packages": {name: package_version(name) for name in PACKAGES},
        "pango": pango_version(),
        "harfbuzz": harfbuzz_version(),
        "hb_subset": hb_subset_available(),
        "zlib": zlib.ZLIB_RUNTIME_VERSION,  # pydyf compresses streams with it
        "fonts": [font_identity(Path(f)) for f in fonts],
    }


def fingerprint(fonts: Iterable[Path]) -> str:
    """A short digest of describe(): part of every PDF cache key."""
    text = json.dumps(describe(fonts), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]
