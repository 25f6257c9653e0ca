"""Read a report's source text, or say exactly why it cannot be used.

The source is published byte for byte, so nothing here repairs it: a BOM, a
legacy encoding or an empty file is refused with the command that fixes it.
Refusals are values (where, message, hint) printed like `build.py check`'s
problems; their texts are constants so tests can assert them.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HAN = re.compile(r"[\u4e00-\u9fff]")

MISSING = "no such file"
MISSING_HINT = "give the path of the report's plain-text source (UTF-8) with --source"
UNREADABLE = "cannot be read ({error})"
UNREADABLE_HINT = "check the file's permissions"
BOM = "starts with a UTF-8 byte-order mark (BOM)"
BOM_HINT = ("the text is published byte for byte, so it must not carry one; remove it with "
            "`tail -c +4 {path} > {fixed}` and use that file")
UTF16 = "UTF-16 text, not UTF-8"
UTF16_HINT = "convert it first: `iconv -f UTF-16 -t UTF-8 {path} > {fixed}`, and use that file"
GB18030 = "not UTF-8; it looks like GB18030/GBK"
GB18030_HINT = "convert it first: `iconv -f GB18030 -t UTF-8 {path} > {fixed}`, and use that file"
NOT_UTF8 = "not UTF-8 text (byte 0x{byte:02x})"
NOT_UTF8_HINT = "save the file as UTF-8 (without BOM) and try again"
EMPTY = "is empty (no text)"
EMPTY_HINT = "give the file that holds the report's text"


@dataclass(frozen=True)
class Refusal:
    """Why a command did nothing, where, and how to fix it."""
    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f"\n    hint: {self.hint}" if self.hint else "")


def shown(path: Path) -> str:
    """The path as the editor typed it or sees it: relative to the working
    folder when inside it (content/reports/…), absolute otherwise."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def fixed_name(path: Path) -> str:
    return shown(path.with_name(f"{path.stem}.utf8{path.suffix or '.txt'}"))


def location(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: NUL bytes (never in UTF-8 text) and an even length
    that decodes in one byte order."""
    if b"\x00" not in data or len(data) % 2:
        return False
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            if "\x00" not in data.decode(encoding):
                return True
        except UnicodeDecodeError:
            pass
    return False


def read_source(path: Path) -> tuple[bytes, str] | Refusal:
    """(bytes, text) of a usable source file, or why it is not usable."""
    where = shown(path)
    if not path.is_file():
        return Refusal(where, MISSING, MISSING_HINT)
    try:
        data = path.read_bytes()
    except OSError as error:
        return Refusal(where, UNREADABLE.format(error=error.strerror or error), UNREADABLE_HINT)
    names = {"path": where, "fixed": fixed_name(path)}
    if data.startswith(UTF8_BOM):
        return Refusal(where, BOM, BOM_HINT.format(**names))
    if data.startswith(UTF16_BOMS) or looks_utf16(data):
        return Refusal(where, UTF16, UTF16_HINT.format(**names))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            looks_gb = bool(HAN.search(data.decode("gb18030")))
        except UnicodeDecodeError:
            looks_gb = False
        if looks_gb:
            return Refusal(where, GB18030, GB18030_HINT.format(**names))
        line, column = location(data, error.start)
        return Refusal(f"{where}:{line}:{column}", NOT_UTF8.format(byte=data[error.start]), NOT_UTF8_HINT)
    if not text.strip():
        return Refusal(where, EMPTY, EMPTY_HINT)
    return data, text


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside, then rename: a reader never sees half a file."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temp.write_bytes(data)
    os.replace(temp, path)
