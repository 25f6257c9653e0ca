"""Warm rebuilds for `build.py serve`, and the PDF after them.

`Builder` keeps one build process alive between edits: Pelican, the plugins
and the Markdown parser are imported once, and a rebuild after an annotation
edit costs the build itself (0.65 s for Taizhou, against 1.1 s for a fresh
`build.py build --no-pdf`, measured in issue 12). An edit to Python code
(plugins/, pelicanconf.py, build.py) starts a new process, so new code always
runs. Every rebuild checks and builds the whole site without the PDF, then
`PdfBuild` runs a full `build.py build` in the background: reports whose
inputs did not change reuse their PDF from the cache, the others render in
parallel processes; a new edit stops it first.
"""
from __future__ import annotations

import io
import multiprocessing
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CODE_SUFFIXES = (".py",)  # an edit here needs a new build process


@dataclass
class Outcome:
    ok: bool
    seconds: float
    output: str  # what the build printed (its problems, when it failed)


class _Tee(io.TextIOBase):
    """The terminal still sees everything; the page gets a copy of it."""

    def __init__(self, stream) -> None:
        self.stream, self.copy = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def _serve_builds(connection, root: str, output: str, overrides: dict) -> None:
    """The build process: one build per request, until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the serve loop, which stops us
    sys.path[:0] = [root, str(Path(root) / "plugins")]
    import logging

    import build

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    import warm

    warm.keep_between_builds()  # each report's export is made here, and kept, not in a forked process
    build.warm_up(overrides)
    connection.send("ready")
    while connection.recv():
        started = time.perf_counter()
        tee_out, tee_err = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = tee_out, tee_err
        try:
            status = build.build(Path(output), overrides, quiet=True)
        except Exception:  # our bug: shown like any other problem, the loop goes on
            import traceback

            traceback.print_exc()
            status = 1
        finally:
            sys.stdout, sys.stderr = tee_out.stream, tee_err.stream
        connection.send(Outcome(status == 0, time.perf_counter() - started, tee_err.copy.getvalue()))


class Builder:
    """The warm build process (see the module docstring)."""

    def __init__(self, root: Path, output: Path, overrides: dict) -> None:
        self.args = (str(root), str(output), overrides)
        self.process = None
        self.connection = None
        self.ready = False

    def start(self) -> None:
        """A new build process; it imports everything, then says "ready"."""
        context = multiprocessing.get_context("spawn")  # a clean interpreter: new code, no inherited state
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve_builds, args=(child, *self.args), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def build(self) -> Outcome:
        try:
            if self.process is None or not self.process.is_alive():
                self.start()
            if not self.ready:
                self.connection.recv()  # "ready"
                self.ready = True
            self.connection.send(True)
            return self.connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):  # the process died (a crash in native code)
            self.stop()
            return Outcome(False, 0.0, "the build process ended unexpectedly; it restarts with the next edit")

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.connection.send(False)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.process = None


def needs_new_process(changed: list[Path], code_roots: list[Path]) -> bool:
    return any(p.suffix in CODE_SUFFIXES and any(p.is_relative_to(r) for r in code_roots) for p in changed)


MSG_PDF_READY = "PDF ready ({seconds:.1f} s after the site)"
MSG_PDF_FAILED = "the PDF build failed (see above); the site without it stays up"


class PdfBuild:
    """A full build (PDFs included) in the background, stopped by a new edit.
    `done` is called with its exit status when it ends by itself."""

    def __init__(self, command: list[str], root: Path, done=None) -> None:
        self.command, self.root = command, root
        self.done = done or self._say
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _say(status: int, seconds: float) -> None:
        print(MSG_PDF_READY.format(seconds=seconds) if status == 0 else MSG_PDF_FAILED, flush=True)

    def start(self) -> None:
        self.stop()
        started = time.perf_counter()
        # its own session: the terminal's Ctrl-C goes to serve, which stops it cleanly
        process = subprocess.Popen(self.command, cwd=self.root, start_new_session=True)
        with self._lock:
            self.process = process
        threading.Thread(target=self._wait, args=(process, started), daemon=True).start()

    def _wait(self, process: subprocess.Popen, started: float) -> None:
        status = process.wait()
        with self._lock:
            stopped = self.process is not process  # stopped by an edit: nothing to say
            if not stopped:
                self.process = None
        if not stopped:
            self.done(status, time.perf_counter() - started)

    def running(self) -> bool:
        with self._lock:
            return self.process is not None

    def stop(self) -> None:
        with self._lock:
            process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()  # SIGTERM: the build removes its temporary folder
            process.wait()
