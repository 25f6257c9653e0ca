"""Output written by a forked process beside the build, on the other core.

Writing the annotation pages (a page per term, thread and indicator, and
each report's terms-data.js) needs nothing the rest of the build makes after
them: `run_beside` forks, the child renders and writes them into the same
(temporary) output folder while the parent writes search, the exports and
the feed. `wait` waits for the child: whatever reads the written site calls
it first (the sitemap, the service worker's hashes, at `finalized`); `join`
(build.py) waits too, before the build may publish. The child's logged errors and any
exception come back through a pipe as BuildErrors, so a failure there fails
the build, with its traceback when it is our bug.

Only work whose results the parent does not need goes here (a value made in
the child, such as a warm-process entry, would be lost with it).
BUILD_FORK=0, or a platform without fork, runs the work in place.
"""
from __future__ import annotations

import logging
import os
import pickle
from typing import Callable

_children: list[tuple[int, int, str]] = []  # (pid, pipe to read, what it does)


def run_beside(what: str, work: Callable[[], None]) -> None:
    """Start `work()` in a forked child now (or run it here: see above)."""
    if not hasattr(os, "fork") or os.environ.get("BUILD_FORK", "") == "0":
        work()
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(work, write)  # never returns
    os.close(write)
    _children.append((pid, read, what))


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

    while _children:
        pid, read, what = _children.pop(0)
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            _errors.extend(pickle.loads(data))
        except Exception:  # noqa: BLE001  (killed before it could say anything)
            _errors.append(BuildError(f"{what}: the process that wrote them ended unexpectedly"))


def join() -> list:
    """Wait for every child; the BuildErrors they sent (one for a child that
    died without a word)."""
    wait()
    errors = list(_errors)
    _errors.clear()
    return errors
