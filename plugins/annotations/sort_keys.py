"""Glossary order: each term's pinyin, remembered between builds.

pypinyin's phrase dictionary costs 0.2 s to import and its conversion another
0.08 s for 300 terms (measured, issue 12), on every build, for keys that change
only when a term's name does. The keys are kept in one JSON file (text → key);
pypinyin is imported only for a name not seen before.

The file keeps the names of other builds too (the test library, a copy of
the annotations, bench/): kept to the current names only, it was rewritten
by each of them in turn and every other build imported pypinyin again. Past
MAX_KEYS names (about 0.5 MB) it keeps only the current ones.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

MAX_KEYS = 10_000
_known: dict[str, str] = {}  # text → key, for the names of this build


def pinyin_key(text: str) -> str:
    """The key itself: the name's letters and digits in toneless pinyin."""
    from pypinyin import Style, lazy_pinyin  # only for a new name (see the module docstring)

    plain = "".join(ch for ch in text if ch.isalnum())
    return " ".join(lazy_pinyin(plain, style=Style.NORMAL)).lower()


def sort_key(text: str) -> str:
    if text not in _known:
        _known[text] = pinyin_key(text)
    return _known[text]


def remember(texts: list[str], cache_file: Path) -> None:
    """Load the keys of `texts` from `cache_file`, compute the missing ones,
    and write the file back with them added (when it changed)."""
    try:
        stored = json.loads(cache_file.read_text(encoding="utf-8"))
        stored = {k: v for k, v in stored.items() if isinstance(v, str)} if isinstance(stored, dict) else {}
    except (OSError, ValueError):
        stored = {}
    wanted = sorted({t for t in texts if isinstance(t, str)})
    keys = {t: stored[t] if t in stored else sort_key(t) for t in wanted}
    _known.update(keys)
    keys = {**stored, **keys} if len(stored) + len(keys) <= MAX_KEYS else keys
    if keys != stored:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(keys, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        partial.replace(cache_file)  # two builds writing at once: either file is whole
