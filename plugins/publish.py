"""Publish a finished build as `output/` in one atomic step, one build at a time.

    with Publisher(output) as publisher:      # lock, clear leftovers, fresh folder
        build_into(publisher.folder)
        publisher.publish()                   # one rename(2)-class step

Readers of `output/` (a browser on file://, a static server, rsync) see the old
complete site or the new complete site, never a mix and never nothing:

- the site is built in `output.tmp-<pid>/` beside `output/` (same filesystem);
- `renameat2(RENAME_EXCHANGE)` swaps the two folders in one system call; the old
  site, now at the temporary name, is removed afterwards. `output/` stays a real
  folder (not a symlink), so tools that walk or delete it keep working;
- where the exchange is unsupported (not Linux, or a filesystem without it),
  two renames; a build killed between them leaves `output.old-<pid>/`, which
  the next build puts back before anything else;
- `output.lock` (flock) lets one build at a time write beside `output/`; the
  lock holder removes the leftovers of killed builds, which nobody else owns;
- Ctrl-C or SIGTERM removes the unfinished folder; from the swap on they are
  held back (the new site is out: the build finishes and says it was interrupted).

A process whose working directory is inside `output/` keeps the old folder
(as with any rename): serve by path, as `build.py serve` does.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import glob
import os
import shutil
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Iterator

MSG_BUSY = "another build is writing {name}/ (pid {pid}); wait for it or stop it"
MSG_WAITING = "waiting for another build writing {name}/ (pid {pid}) …"
MSG_INTERRUPTED = "build interrupted; {name}/ is unchanged"
MSG_INTERRUPTED_AFTER_SWAP = "build interrupted after {name}/ was replaced; {name}/ is the new complete site"
# How long a second build waits for the first before refusing: a --no-pdf
# build takes ~1.5 s, so a preview rebuild racing a `make` usually just waits.
LOCK_WAIT_SECONDS = 3.0
LOCK_WAIT_ENV = "BUILD_LOCK_WAIT"  # seconds; tests and CI scripts may change it
# Test hook: BUILD_TEST_PAUSE_<POINT>=<dir> makes the build write <dir>/<point>.waiting
# (holding its pid) and wait for <dir>/<point>.go, so a test can kill it right there.
PAUSE_ENV = "BUILD_TEST_PAUSE_{point}"
PAUSE_TIMEOUT = 120.0
POLL = 0.02

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h
UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


class Busy(Exception):
    """Another live build holds the lock."""

    def __init__(self, output: Path, pid: str) -> None:
        super().__init__(MSG_BUSY.format(name=output.name, pid=pid))


class Interrupted(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs."""


# ---- signals: Ctrl-C and SIGTERM, held back from the swap on -----------------

@dataclass
class _SignalState:
    holding: bool = False
    pending: int = 0  # a signal that arrived while holding


_signals = _SignalState()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _signals.holding:
        _signals.pending = signum
        return
    raise KeyboardInterrupt if signum == signal.SIGINT else Interrupted(signum)


@contextmanager
def interrupts() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt (SIGTERM would otherwise kill
    the process without clean-up), except while `held()`."""
    # a signal ignored on entry stays ignored (SIGINT in a shell's background job)
    wanted = [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) is not signal.SIG_IGN]
    previous = {s: signal.signal(s, _on_signal) for s in wanted}
    _signals.holding, _signals.pending = False, 0
    try:
        yield
    finally:
        _signals.holding = False
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for the block (a clean-up that must finish)."""
    _signals.holding, _signals.pending = True, 0
    try:
        yield
    finally:
        _signals.holding = False


def hold_from_now() -> None:
    """Hold Ctrl-C and SIGTERM back until `interrupts()` ends: once the new
    site is out, an interrupt must not be reported as "unchanged"."""
    _signals.holding, _signals.pending = True, 0


def interrupted_while_held() -> bool:
    return bool(_signals.pending)


# ---- the lock ---------------------------------------------------------------

def lock_path(output: Path) -> Path:
    return output.with_name(f"{output.name}.lock")


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 32).decode(errors="replace").strip() or "?"


def _still_linked(fd: int, path: Path) -> bool:
    """The lock file is removed on release; a waiter that opened the removed
    file must lock the new one instead, or two builds would both "hold" it."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def lock_wait() -> float:
    try:
        return float(os.environ.get(LOCK_WAIT_ENV, LOCK_WAIT_SECONDS))
    except ValueError:
        return LOCK_WAIT_SECONDS


@contextmanager
def build_lock(output: Path, wait: float) -> Iterator[None]:
    """Hold `output.lock` (with our pid in it) for the block; wait up to
    `wait` seconds for another build, then raise Busy."""
    path = lock_path(output)
    deadline, announced = time.monotonic() + wait, False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise Busy(output, pid) from None
            if not announced:
                print(MSG_WAITING.format(name=output.name, pid=pid), file=sys.stderr, flush=True)
                announced = True
            time.sleep(POLL)
            continue
        except BaseException:
            os.close(fd)
            raise
        if _still_linked(fd, path):
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        path.unlink(missing_ok=True)  # while still holding it: see _still_linked
        os.close(fd)


# ---- the swap ----------------------------------------------------------------

def temp_folder(output: Path) -> Path:
    return output.with_name(f"{output.name}.tmp-{os.getpid()}")


def _leftovers(output: Path, kind: str) -> list[Path]:
    return sorted(output.parent.glob(f"{glob.escape(output.name)}.{kind}-*"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def remove_leftovers(output: Path) -> list[Path]:
    """Folders of killed builds (call with the lock held: no live build owns
    them). A fallback swap killed between its renames left no `output/`: its
    `output.old-*` (the last published site) goes back first."""
    olds = _leftovers(output, "old")
    if olds and not output.exists():
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        newest.rename(output)
        olds.remove(newest)
    removed = olds + _leftovers(output, "tmp")
    for leftover in removed:
        _remove(leftover)
    return removed


def _libc_renameat2():
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc ≥ 2.28
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
    return function


_renameat2 = _libc_renameat2() if sys.platform.startswith("linux") else None


class ExchangeUnsupported(OSError):
    pass


def exchange(a: Path, b: Path) -> None:
    """Swap two existing paths in one step (renameat2 RENAME_EXCHANGE)."""
    if _renameat2 is None:
        raise ExchangeUnsupported(errno.ENOSYS, "renameat2 is not available")
    if _renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        kind = ExchangeUnsupported if code in UNSUPPORTED else OSError
        raise kind(code, os.strerror(code), str(a), None, str(b))


def swap(new: Path, output: Path) -> Path | None:
    """Make `new` the output; return where the old site now is (to remove)."""
    if not output.exists():
        new.rename(output)
        return None
    try:
        exchange(new, output)
        return new
    except ExchangeUnsupported:
        old = output.with_name(f"{output.name}.old-{os.getpid()}")
        output.rename(old)
        new.rename(output)  # killed before this line: remove_leftovers puts `old` back
        return old


def pause(point: str) -> None:
    """The test hook (see PAUSE_ENV); does nothing unless the variable is set."""
    folder = os.environ.get(PAUSE_ENV.format(point=point.upper()))
    if not folder:
        return
    Path(folder, f"{point}.waiting").write_text(f"{os.getpid()}\n", encoding="utf-8")
    deadline = time.monotonic() + PAUSE_TIMEOUT
    while not Path(folder, f"{point}.go").exists() and time.monotonic() < deadline:
        time.sleep(POLL)


class Publisher:
    """The lock, a fresh folder to build into, and the swap (see the module
    docstring). Leaving the block without `publish()` removes the folder."""

    def __init__(self, output: Path, wait: float | None = None) -> None:
        self.output = output
        self.folder = temp_folder(output)
        self.wait = lock_wait() if wait is None else wait
        self.published = False
        self._lock = build_lock(output, self.wait)

    def __enter__(self) -> "Publisher":
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._lock.__enter__()
        try:
            remove_leftovers(self.output)
            self.folder.mkdir()
        except BaseException:
            self._lock.__exit__(*sys.exc_info())
            raise
        return self

    def publish(self) -> None:
        pause("before_swap")
        hold_from_now()
        old = swap(self.folder, self.output)
        self.published = True
        pause("after_swap")
        if old is not None:
            _remove(old)

    def __exit__(self, *exc) -> None:
        try:
            if not self.published:
                with held():  # a second Ctrl-C must not leave half a folder behind
                    _remove(self.folder)
        finally:
            self._lock.__exit__(*exc)
