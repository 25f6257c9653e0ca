"""Read an input file (annotation, content page, source text) as UTF-8 text,
or say exactly why not, as a located Problem.

Every file we read comes from a pull request, so a bad file must give an
editor a fix, never a traceback: random bytes, GBK or UTF-16 text, a byte
order mark, NUL bytes, a directory or fifo named `x.yml`, a dangling link,
a file too big to be an annotation. A link that resolves outside the folder
being read is refused without reading it: `check` prints parts of what it
reads (YAML errors, quotes, hints), and a link to a secret file would put the
secret into CI logs. No message here ever quotes the file's content.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import warm
from problems import Problem

MAX_CONTENT_BYTES = 1024 * 1024  # a Markdown page or source text; the report is 47 KB

MSG_MISSING = "the file does not exist"
MSG_BAD_NAME = "the file name cannot be read (it contains a NUL character)"
MSG_DANGLING_LINK = "this is a link to a file that does not exist"
MSG_LINK_OUTSIDE = "this is a link to a file outside {root}; it was not read"
MSG_OUTSIDE = "this file is outside {root}; it was not read"
MSG_DIRECTORY = "this is a directory, not a file"
MSG_NOT_REGULAR = "this is not a regular file"
MSG_UNREADABLE = "the file cannot be read ({reason})"
MSG_TOO_BIG = "the file has {size} bytes; at most {limit} are allowed"
MSG_BOM = "the file starts with a byte order mark (BOM)"
MSG_NUL = "the file contains a NUL byte"
MSG_ENCODING = "the file is not UTF-8: it looks like {encoding}"
MSG_NOT_TEXT = "the file is not UTF-8 text (byte 0x{byte:02X})"

HINT_LINK = "replace the link by a regular file inside the repository"
HINT_NOT_A_FILE = "remove it or rename it: files named *.yml or *.md are read as input"
HINT_TOO_BIG = "split the file, or check that it is the file you meant to add"
HINT_BOM = "save the file as UTF-8 without BOM (in VS Code: 'Save with Encoding' → UTF-8)"
HINT_NUL = "the file is probably binary or UTF-16; save it as UTF-8 text"
HINT_ENCODING = "convert it: iconv -f {iconv} -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}"
HINT_NOT_TEXT = "the file is probably binary; save the text as UTF-8"

UTF16_BOMS = {b"\xff\xfe": "UTF-16LE", b"\xfe\xff": "UTF-16BE"}
UTF8_BOM = b"\xef\xbb\xbf"


class InputError(Exception):
    """A file that cannot be used as input; `problem` says where and how to fix it."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def display_path(path: Path) -> str:
    """The path an editor typed, relative to the working folder when inside it.
    The folder is resolved, the file itself is not: a link is named, not its target."""
    try:
        shown = Path(_realpath(str(path.parent))) / path.name
        return str(shown.relative_to(_realpath(os.getcwd())))
    except (ValueError, OSError):
        return str(path)


def _realpath(folder: str) -> str:
    """os.path.realpath of a folder, once per build for each (it stats every
    part of the path; asked for every input file, it was ~1 500 stats a build)."""
    known = warm.this_build("realpath")
    if known is None:
        return os.path.realpath(folder)
    if folder not in known:
        known[folder] = os.path.realpath(folder)
    return known[folder]


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte `offset`."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly ASCII or CJK shows NUL bytes on one side of the pairs."""
    sample = data[:4096]
    if len(sample) < 4 or b"\0" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= half * 0.3 and even < half * 0.05:
        return "UTF-16LE"
    if even >= half * 0.3 and odd < half * 0.05:
        return "UTF-16BE"
    return None


def _guess_encoding(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "GB18030 (GBK)" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else None


def _encoding_problem(shown: str, encoding: str, iconv: str, line: int = 1, column: int = 1) -> Problem:
    return Problem(shown, line, column, MSG_ENCODING.format(encoding=encoding),
                   HINT_ENCODING.format(iconv=iconv, path=shown))


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text without BOM and NUL bytes, or InputError."""
    for bom, encoding in UTF16_BOMS.items():
        if data.startswith(bom):
            found = f"{encoding} (it starts with a UTF-16 byte order mark)"
            raise InputError(_encoding_problem(shown, found, "UTF-16"))
    if data.startswith(UTF8_BOM):
        raise InputError(Problem(shown, 1, 1, MSG_BOM, HINT_BOM))
    utf16 = _utf16_without_bom(data)
    if utf16:
        raise InputError(_encoding_problem(shown, utf16, utf16))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        guess = _guess_encoding(data)
        if guess:  # GBK text often starts with byte pairs that are valid UTF-8: name its first non-ASCII one
            first = next(i for i, byte in enumerate(data) if byte >= 0x80)
            raise InputError(_encoding_problem(shown, guess, "GB18030", *_position(data, first))) from None
        message = MSG_NOT_TEXT.format(byte=data[error.start])
        raise InputError(Problem(shown, line, column, message, HINT_NOT_TEXT)) from None
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _position(data, nul)
        raise InputError(Problem(shown, line, column, MSG_NUL, HINT_NUL))
    return text


def read_text(path: Path, root: Path, limit: int, shown: str | None = None) -> str:
    """The text of `path`, a regular file (or a link to one) inside `root`, at most
    `limit` bytes, in UTF-8; otherwise InputError with a located Problem."""
    path = Path(path)
    shown = shown or display_path(path)

    def refuse(message: str, hint: str = "") -> InputError:
        return InputError(Problem(shown, 1, 1, message, hint))

    try:
        link = path.is_symlink()
        # a file that is not a link lies where its folder leads (no stat of every part again)
        target = os.path.realpath(path) if link else os.path.join(_realpath(str(path.parent)), path.name)
        info = os.stat(path)
    except ValueError:
        raise refuse(MSG_BAD_NAME, "rename the file") from None
    except FileNotFoundError:
        raise (refuse(MSG_DANGLING_LINK, HINT_LINK) if link else refuse(MSG_MISSING)) from None
    except OSError as error:  # a link loop, a permission
        raise (refuse(MSG_DANGLING_LINK, HINT_LINK) if link else
               refuse(MSG_UNREADABLE.format(reason=error.strerror or type(error).__name__))) from None
    if not _inside(target, _realpath(str(root))):
        message = MSG_LINK_OUTSIDE if link else MSG_OUTSIDE  # a linked folder, or source_file: ../../x
        raise refuse(message.format(root=display_path(Path(root))), HINT_LINK)
    if stat.S_ISDIR(info.st_mode):
        raise refuse(MSG_DIRECTORY, HINT_NOT_A_FILE)
    if not stat.S_ISREG(info.st_mode):  # a fifo would block the build, a device never end
        raise refuse(MSG_NOT_REGULAR, HINT_NOT_A_FILE)
    if info.st_size > limit:
        raise refuse(MSG_TOO_BIG.format(size=info.st_size, limit=limit), HINT_TOO_BIG)
    try:
        with open(target, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise refuse(MSG_UNREADABLE.format(reason=error.strerror or type(error).__name__)) from None
    if len(data) > limit:  # grew since stat
        raise refuse(MSG_TOO_BIG.format(size=len(data), limit=limit), HINT_TOO_BIG)
    return decode(data, shown)


def outside_links(root: Path, show=display_path) -> list[Problem]:
    """Links under `root` that point outside it or nowhere. Pelican copies static
    files (content/source/) into the site as they resolve: a link to a secret
    would be published. `show` names a path as the caller's other problems do."""
    problems = []
    real_root = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if not path.is_symlink():
                continue
            shown = show(path)
            if not os.path.exists(path):
                problems.append(Problem(shown, 1, 1, MSG_DANGLING_LINK, HINT_LINK))
            elif not _inside(os.path.realpath(path), real_root):
                problems.append(Problem(shown, 1, 1, MSG_LINK_OUTSIDE.format(root=display_path(Path(root))), HINT_LINK))
    return problems
