"""What `serve`'s warm build process keeps from one build to the next, so that
an edit re-works only what depends on it (issue 12).

`kept(kind, name, key, make)` returns the value made for `(kind, name)` by
an earlier build when `key` (a tuple of everything the value depends on) is
unchanged, and `make()` otherwise. Each caller names its dependencies in its
key: a report's parse depends on its files, its marked HTML on its parse and
on what the annotations place in it, and so on; tests/test_incremental.py
holds every warm rebuild to a fresh build of the same files, byte for byte.

After a build that succeeded (`one_build()`, then `done()`), the entries of
a kind it asked for under other names are dropped (a report removed): what is
kept is only what the current inputs can reuse. A failed build drops nothing
(it may have stopped before asking).
"""
from __future__ import annotations

import os
import stat
from collections import Counter
from contextlib import contextmanager
from typing import Callable, Hashable, Iterator, TypeVar

T = TypeVar("T")

_kept: dict[tuple[str, str], tuple[Hashable, object]] = {}
_asked: set[tuple[str, str]] | None = None  # during one_build(): what this build asked for
counts: Counter = Counter()  # (kind, "made" | "kept") → how often, since the last reset(): tests, `serve`'s log


def kept(kind: str, name: str, key: Hashable, make: Callable[[], T]) -> T:
    """The value for (kind, name) that `key` stands for: kept, or made now."""
    slot = (kind, name)
    if _asked is not None:
        _asked.add(slot)
    entry = _kept.get(slot)
    if entry is not None and entry[0] == key:
        counts[kind, "kept"] += 1
        return entry[1]  # type: ignore[return-value]
    value = make()
    _kept[slot] = (key, value)
    counts[kind, "made"] += 1
    return value


@contextmanager
def one_build() -> Iterator[None]:
    """A build: what it asks for is noted, for `done()`."""
    global _asked
    if _asked is not None:  # a build inside a build (tests): one scope
        yield
        return
    _asked = set()
    _this_build.clear()
    try:
        yield
    finally:
        _this_build.clear()
        _last_asked.clear()
        _last_asked.update(_asked)
        _asked = None


_last_asked: set[tuple[str, str]] = set()
_this_build: dict[str, dict] = {}


def this_build(name: str) -> dict | None:
    """A dict that lives as long as the current build (None outside one): for
    facts of the file system that one build may take as fixed, such as where
    a folder's links lead (plugins/input_files.py asked for each file)."""
    return None if _asked is None else _this_build.setdefault(name, {})


def done() -> None:
    """The last build succeeded: drop what it did not ask for, of the kinds it
    asked for (a kind it did not ask for at all was served from a cache above
    it, the resolved library, and is still current)."""
    kinds = {kind for kind, _name in _last_asked}
    for slot in set(_kept) - _last_asked:
        if slot[0] in kinds:
            del _kept[slot]


def file_key(path) -> tuple:
    """What says a file changed: its link's and its target's time, size and
    inode (a link re-pointed is a change too); None parts for a missing file."""
    try:
        link = os.lstat(path)
    except OSError:
        return (str(path), None)
    try:
        target = os.stat(path)
    except OSError:
        target = link
    return (str(path), link.st_mtime_ns, link.st_size, link.st_ino, target.st_mtime_ns, target.st_size, target.st_ino)


def folder_key(folder) -> tuple:
    """file_key of every file in a folder, and of the folder itself."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return (str(folder), None)
    return (file_key(folder),) + tuple(file_key(os.path.join(folder, name)) for name in names)


def regular_files(paths) -> tuple:
    """(path, time, size) of each regular file among `paths`, sorted: one stat
    a file (is_file() and two stat() calls made three)."""
    found = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


_keeping = [False]


def keep_between_builds(keep: bool = True) -> None:
    """This process builds again and again (serve's): what a build makes is
    worth making here, where the next build finds it, not in a forked process
    (plugins/beside.py) where it would be lost."""
    _keeping[0] = keep


def keeping() -> bool:
    return _keeping[0]


def reset() -> None:
    """Forget everything (tests)."""
    _kept.clear()
    counts.clear()
