"""Work done by a forked process beside the build, on the other core.

Four jobs go there:
- the annotation pages (a page per term, thread and indicator, and each
  report's terms-data.js) need nothing the rest of the build makes after
  them: `share_beside` forks at their generator's output, and the child
  renders and writes them into the same (temporary) output folder while the
  parent writes the exports and the feed; then the parent takes its share;
- the search index (`value_beside`): a child forked when Pelican starts
  builds it from the resolved library and sends back the manifest's name,
  which every page carries, then writes its files;
- each report's Web Annotation export, in a one-shot build (serve's process
  keeps its exports for the next build, so it makes them itself): shared too;
- in a fresh process, the annotation files are read (YAML) and checked by a
  child while the parent imports Pelican and parses the reports
  (annotations/check.py, `check_beside`).

`wait` waits for every child: whatever reads the written site calls it first
(the sitemap, the service worker's hashes, at `finalized`); `join`
(build.py) waits too, before the build may publish. The child's logged errors and any
exception come back through a pipe as BuildErrors, so a failure there fails
the build, with its traceback when it is our bug.

Only work whose results the parent does not need goes here, or a small value
sent back (a value made in the child, such as a warm-process entry, is lost
with it). BUILD_FORK=0, or a platform without fork, runs the work in place.
"""
from __future__ import annotations

import logging
import os
import pickle
from typing import Callable, TypeVar

T = TypeVar("T")

_children: list[tuple[int, int, str, list | None]] = []  # (pid, pipe to read, what it does, its value once read)


def _in_place() -> bool:
    return not hasattr(os, "fork") or os.environ.get("BUILD_FORK", "") == "0"


def run_beside(what: str, work: Callable[[], None]) -> None:
    """Start `work()` in a forked child now (or run it here: see above)."""
    if _in_place():
        work()
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(work, write)  # never returns
    os.close(write)
    _children.append((pid, read, what, None))


def share_beside(what: str, jobs: list[Callable[[], None]]) -> None:
    """Jobs done by a forked child and by this process together: the child
    starts now; this process joins in when it calls wait() (after its own
    work), and each takes the next job nobody has taken, so neither waits
    while there is work (1 report: the parent is free early; 100 reports: the
    child is). The queue is a pipe filled with the jobs' numbers, 4 bytes
    each: a read that small takes whole numbers, one reader at a time."""
    if _in_place() or len(jobs) < 2:
        for job in jobs:
            job()
        return
    queue, fill = os.pipe()
    per = -(-len(jobs) // (_PIPE_NUMBERS - 1))  # jobs a number stands for: the pipe must not fill up
    groups = [jobs[i:i + per] for i in range(0, len(jobs), per)]
    os.write(fill, b"".join(n.to_bytes(4, "little") for n in range(len(groups))))
    os.close(fill)

    def take_jobs() -> None:
        while len(number := os.read(queue, 4)) == 4:
            for job in groups[int.from_bytes(number, "little")]:
                job()

    run_beside(what, take_jobs)
    _helping.append((queue, take_jobs))


_PIPE_NUMBERS = 16_000  # a pipe holds 64 KiB on Linux (the least, and the default)
_helping: list[tuple[int, Callable[[], None]]] = []  # shared queues this process has not joined yet


def _help() -> None:
    while _helping:
        queue, take_jobs = _helping.pop(0)
        try:
            take_jobs()
        finally:
            os.close(queue)


class Failed(Exception):
    """The value a child was to send: it failed to make it (its errors come with join())."""


def value_beside(what: str, make: Callable[[], T], then: Callable[[T], None]) -> Callable[[], T]:
    """Start a child that makes a small value, sends it, then goes on with
    `then(value)` (writing what it made); returns a function that waits for
    the value only. The search index: the pages need its manifest's name,
    the child writes its ~20 files a report while the parent renders them."""
    if _in_place():
        value = make()
        then(value)
        return lambda: value
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)

        def work() -> None:
            try:
                value = make()
            except BaseException:
                os.write(write, _message(Failed))
                raise
            os.write(write, _message(value))
            then(value)

        _child(work, write)  # never returns
    os.close(write)
    got: list = []
    _children.append((pid, read, what, got))

    def value() -> T:
        if not got:
            got.append(_read_message(read))
        if got[0] is Failed:
            raise Failed(f"{what}: not made (the error is below)")
        return got[0]

    return value


# A message is its length (8 bytes) and a pickle; the errors that follow at the
# child's end are read by wait() as the rest of the pipe.
def _message(value) -> bytes:
    data = pickle.dumps(value)
    return len(data).to_bytes(8, "little") + data


def _read_message(read: int):
    def exactly(size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = os.read(read, size - len(data))
            if not part:
                return b""
            data += part
        return data

    head = exactly(8)
    body = exactly(int.from_bytes(head, "little")) if len(head) == 8 else b""
    return pickle.loads(body) if body else Failed  # a child that died before sending


def _child(work: Callable[[], None], write: int) -> None:
    import progress
    from build_errors import ErrorCollector, describe_exception

    progress.silence()  # one progress line: the parent's
    root = logging.getLogger()
    for handler in list(root.handlers):  # the parent's collector is the parent's
        if isinstance(handler, ErrorCollector):
            root.removeHandler(handler)
    collector = ErrorCollector()
    root.addHandler(collector)
    errors = []
    try:
        work()
        errors = collector.errors
    except BaseException as error:  # noqa: BLE001  (sent to the parent, which reports it)
        errors = collector.errors + [describe_exception(error)]
    finally:
        try:
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(errors, pipe)
        finally:
            os._exit(0)  # no atexit, no flushing of the parent's buffers twice


_errors: list = []  # what finished children sent, until join() hands it over


def wait() -> None:
    """Wait for every child. Whatever reads the written site (the sitemap, the
    service worker's hashes, at `finalized`) calls this first: the pages are
    not all there before."""
    from build_errors import BuildError

    _help()
    while _children:
        pid, read, what, got = _children.pop(0)
        if got is not None and not got:  # its value first, then its errors
            got.append(_read_message(read))
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            _errors.extend(pickle.loads(data))
        except Exception:  # noqa: BLE001  (killed before it could say anything)
            _errors.append(BuildError(f"{what}: the process that wrote them ended unexpectedly"))


def join() -> list:
    """Wait for every child; the BuildErrors they sent (one for a child that
    died without a word). A shared queue not joined yet (the build failed
    before it could help) is left to the child."""
    for queue, _take in _helping:
        os.close(queue)
    _helping.clear()
    wait()
    errors = list(_errors)
    _errors.clear()
    return errors
