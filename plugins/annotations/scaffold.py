"""`build.py new term 腾笼换鸟`: write a new annotation file from the skeletons
in annotations/templates.yml, with a pinyin id, and say what to do next."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from input_files import InputError, read_text
from yaml_safe import MAX_YAML_BYTES, load_yaml

FOLDERS = {"term": "terms", "thread": "threads", "indicator": "indicators"}


def slug(name: str) -> str:
    words = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: list(chars))
    text = "-".join(w.lower() for w in words)
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return re.sub(r"-+", "-", text).strip("-") or "entry"


def tone_pinyin(name: str) -> str:
    return " ".join(w for w in lazy_pinyin(name, style=Style.TONE, errors="ignore") if w.strip())


def scaffold(kind: str, name: str, entry_id: str | None = None, root: Path = Path("annotations")) -> int:
    entry_id = entry_id or slug(name)
    target = root / FOLDERS[kind] / f"{entry_id}.yml"
    if target.exists():
        print(f"{target} already exists; choose another id with --id", file=sys.stderr)
        return 1
    try:
        skeletons = load_yaml(read_text(root / "templates.yml", root, MAX_YAML_BYTES), str(root / "templates.yml")).data
    except InputError as error:
        print(error.problem, file=sys.stderr)
        return 1
    text = skeletons[kind].format(id=entry_id, name=name, pinyin=tone_pinyin(name), today=dt.date.today().isoformat())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}\nnext: fill in the fields, then run `python build.py check` (or `make serve` to preview)")
    return 0
