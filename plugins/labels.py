"""The interface's words (theme/labels.yml), read once per build."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=4)
def _load(path: str, mtime: int) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def labels(settings: dict) -> dict:
    path = Path(settings.get("LABELS_PATH", "theme/labels.yml"))
    return _load(str(path.resolve()), path.stat().st_mtime_ns)
