"""Load every annotation file: terms, threads, indicators (and coverage.yml).

Loading never raises for bad input: syntax errors become Problems, and the
entries that parsed are kept, so `build.py check` can report everything in one
run. Dates are kept as the strings the editor wrote.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import warm
from input_files import InputError, display_path, read_text
from problems import Problem
from yaml_safe import MAX_YAML_BYTES, load_yaml

from . import side_files, yaml_positions

KINDS = ("terms", "threads", "indicators")


@dataclass
class Entry:
    kind: str  # term | thread | indicator
    data: dict
    path: str
    located: yaml_positions.Located

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    def where(self, *path) -> tuple[int, int]:
        return self.located.where(tuple(path))


@dataclass
class Annotations:
    terms: list[dict] = field(default_factory=list)
    threads: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    emphasis: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    signature: tuple = ()  # the state of the files it was loaded from

    def by_id(self, kind: str) -> dict[str, dict]:
        return {item["id"]: item for item in getattr(self, kind) if isinstance(item.get("id"), str)}


def _plain(value):
    """YAML dates become ISO strings, so data is JSON-like everywhere."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_cache: dict[tuple, Annotations] = {}


def _signature(root: Path) -> tuple:
    return (str(root.resolve()),) + warm.regular_files(root.rglob("*.y*ml"))


def load_annotations(settings: dict) -> Annotations:
    """Every annotation, loaded once per state of the files: the check, the
    marking rule, the pages, search and the PDF all ask, and a change (in
    `build.py serve`) loads afresh. Treat the result as read-only."""
    while _before_load:
        _before_load.pop(0)()
    root = Path(settings.get("ANNOTATIONS_PATH", "annotations"))
    key = _signature(root)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _load(root)
        _cache[key].signature = key
    return _cache[key]


# One entry per annotation file, kept while the file is unchanged: `serve`'s
# warm build process reads again only the files an edit touched (issue 12).
_files: dict[str, tuple[tuple, object]] = {}


def _load_file(path: Path, root: Path, shown: str):
    """The file's Located data, or the Problem that stops it loading."""
    try:
        located = load_yaml(read_text(path, root, MAX_YAML_BYTES, shown), shown)
    except InputError as error:
        return error.problem
    located.data = _plain(located.data)
    return located


def files_read() -> dict:
    """What is kept of each file read (check.check_beside's child sends it back)."""
    return dict(_files)


def keep_files_read(files: dict) -> None:
    """Keep files read in another process as if read here (a file changed
    since is read again: its key differs)."""
    _files.update(files)


_before_load: list = []  # what must happen before the next load (check.check_beside's keep)


def before_next_load(step) -> None:
    _before_load.append(step)


def forget() -> None:
    """Drop everything kept between loads (tests rewrite a file within one
    clock tick, keeping its size and time)."""
    _cache.clear()
    _files.clear()


def _load(root: Path) -> Annotations:
    result = Annotations()
    seen = set()
    for kind in KINDS:
        for path in sorted((root / kind).glob("*.y*ml")):
            shown = display_path(path)
            key = warm.file_key(path)  # a link re-pointed, or its target appearing, is a change too
            cached = _files.get(shown)
            if cached is None or cached[0] != key:
                cached = _files[shown] = (key, _load_file(path, root, shown))
            seen.add(shown)
            located = cached[1]
            if isinstance(located, Problem):
                result.problems.append(located)
                continue
            entry = Entry(kind[:-1], located.data if isinstance(located.data, dict) else {}, shown, located)
            if isinstance(located.data, dict):
                item = dict(located.data, path=shown)
                getattr(result, kind).append(item)
            result.entries.append(entry)
    for gone in set(_files) - seen:  # keep only what the current files can reuse
        del _files[gone]
    result.emphasis, problems = side_files.load_coverage(root)
    result.problems += problems + side_files.load_categories(root)[1]
    return result
