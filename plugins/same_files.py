"""Files the build writes that are already published are linked, not written.

A build writes into a fresh folder beside `output/` (publish.py) and swaps it
in at the end. Creating a file is a new inode, and on some disks (this
project's 2-core VM among them) that costs 0.05–1 ms per file, against ~15 µs
for a hard link: a 100-report site has ~2 700 files, nearly all unchanged by
an edit. So every file the build writes goes through `write_bytes` (or the
Pelican writer below): when `output/` holds the same path with the same bytes,
the new folder gets a hard link to that file; otherwise a new file.

Why this is safe for the atomic swap: a linked inode is never written again.
`write_bytes` removes whatever is at its path before writing a new file, so a
second write of the same path in one build makes a new inode and leaves the
published one alone. The rule for code that writes into the build's folder:
through this module, never `open(path, "w")` on a path it may have written
(tests/test_same_files.py holds the published site unchanged until the swap).

Outside a build (`building` not entered), or where links are not possible
(another filesystem, FAT), files are written as usual.
"""
from __future__ import annotations

import io
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_pair: list[tuple[str, str]] = []  # (the folder being built, the published output), while building


@contextmanager
def building(folder: Path, published: Path) -> Iterator[None]:
    """Files written under `folder` during the block are compared with
    `published` (the same relative path)."""
    _pair.append((os.path.abspath(folder) + os.sep, os.path.abspath(published) + os.sep))
    try:
        yield
    finally:
        _pair.pop()


def _twin(path: str) -> str | None:
    """The published file at `path`'s place, or None."""
    if not _pair:
        return None
    folder, published = _pair[-1]
    path = os.path.abspath(path)
    return published + path[len(folder):] if path.startswith(folder) else None


def _same(twin: str, data: bytes) -> bool:
    try:
        info = os.lstat(twin)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(twin, "rb") as file:
            return file.read(len(data) + 1) == data
    except OSError:
        return False


def write_bytes(path: Path | str, data: bytes) -> None:
    """Write `data` at `path` as a new file, or as a link to the published twin
    holding the same bytes."""
    path = os.fspath(path)
    try:
        os.unlink(path)  # never write into an inode that may be linked
    except FileNotFoundError:
        pass
    twin = _twin(path)
    if twin is not None and _same(twin, data):
        try:
            os.link(twin, path)
            return
        except OSError:  # another filesystem, no hard links: write it
            pass
    with open(path, "wb") as file:
        file.write(data)


def write_text(path: Path | str, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def copy_file(source: Path | str, path: Path | str) -> None:
    write_bytes(path, Path(source).read_bytes())


class _TextFile(io.StringIO):
    """What Pelican's writer writes into; goes out through `write_bytes` when closed."""

    def __init__(self, path: str, encoding: str) -> None:
        super().__init__()
        self.path, self.encoding_out = path, encoding

    def close(self) -> None:
        if not self.closed:
            data = self.getvalue().encode(self.encoding_out)
            super().close()
            write_bytes(self.path, data)


_writer: list[type] = []


def pelican_writer(pelican: object) -> type:
    """get_writer: Pelican's writer, with its files written through this module.
    Leans on `Writer._open_w` (pelican 4.x, pinned in requirements.lock), the one
    place where Pelican opens a file to write a page or a feed: what Pelican
    refuses or skips (a second write of a path) still goes to Pelican's own."""
    if not _writer:
        from pelican.writers import Writer

        class LinkingWriter(Writer):
            def _open_w(self, filename, encoding, override=False):
                if filename in self._overridden_files or (filename in self._written_files and not override):
                    return super()._open_w(filename, encoding, override)
                if override:
                    self._overridden_files.add(filename)
                self._written_files.add(filename)
                return _TextFile(filename, encoding)

        _writer.append(LinkingWriter)
    return _writer[0]
