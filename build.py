#!/usr/bin/env python3
"""One entry point for editors and CI.

    python build.py build [--output DIR]   check, then build site (and PDF) into output/
    python build.py build --settings publishconf.py   the same with absolute URLs, for the web
    python build.py check                  validate content and annotations; exit 1 on problems
    python build.py serve [--port N]       live preview: rebuild on changes, pages reload, PDF in the background
    python build.py new term 腾笼换鸟        scaffold an annotation file (term | thread | indicator)
    python build.py new report SLUG --source FILE.txt   a report folder from its source text
    python build.py convert SLUG           write report.md again from source.txt + report.yml

The build writes into a temporary folder beside the output and swaps it in, in
one atomic step, only when everything succeeded (plugins/publish.py), so a
failed, killed or interrupted build leaves the last good site intact.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

import beside  # noqa: E402  (plugins/ is on the path only from here)
import publish  # noqa: E402
import same_files  # noqa: E402
from build_errors import MSG_BUG, BuildError, ErrorCollector, describe_exception, format_errors  # noqa: E402

MSG_STOPPED = "stopped"  # Ctrl-C outside a build's writing (serve, check, start-up)


SETTINGS_FILE = ROOT / "pelicanconf.py"  # --settings publishconf.py for `make publish`


def load_settings(overrides: dict | None = None) -> dict:
    """The settings as Pelican would read them, without importing Pelican
    (`check` needs no more); the build has Pelican read them for itself."""
    from settings_file import read_settings

    return read_settings(SETTINGS_FILE, override=overrides or {})


def run_checks(settings: dict) -> list:
    from report_markdown.check import check_content

    problems = check_content(settings)
    try:
        from annotations.check import check_annotations
    except ImportError:  # before the annotation model exists
        return problems
    return problems + check_annotations(settings)


_written = {"files": 0}


def count_written(path, context=None) -> None:
    """content_written, once per file Pelican writes (module level: blinker keeps weak references)."""
    import progress

    _written["files"] += 1
    progress.count("pages written", _written["files"])


def end_progress(pelican) -> None:
    """finalized: clear the progress line before Pelican prints its summary."""
    import progress

    progress.done()


def pelican_build(output: Path, overrides: dict | None = None) -> list[BuildError]:
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    import progress

    _written["files"] = 0
    signals.content_written.connect(count_written)
    signals.finalized.connect(end_progress)
    signals.get_writer.connect(same_files.pelican_writer)  # pages linked to published twins (plugins/same_files.py)

    settings = read_settings(str(SETTINGS_FILE), override={**(overrides or {}), "OUTPUT_PATH": str(output),
                                                           "DELETE_OUTPUT_DIRECTORY": False})
    collector = ErrorCollector()
    root_logger = logging.getLogger()
    root_logger.addHandler(collector)
    try:
        Pelican(settings).run()
    except Exception as error:  # a plugin that raises: report it like a logged error
        collector.errors.append(describe_exception(error))
    finally:
        errors = beside.join()  # what the forked writers sent back; none left writing into the folder
        root_logger.removeHandler(collector)
        progress.done()
    return collector.errors + errors


def build(output: Path, overrides: dict | None = None, quiet: bool = False) -> int:
    import warm
    from library.resolve import one_build

    with one_build(), warm.one_build():  # the inputs are stat'ed once per build, not once per report
        status = _build(output, overrides, quiet)
    if status == 0:
        warm.done()  # serve's warm process keeps only what this build's inputs reuse
    return status


def _build(output: Path, overrides: dict | None, quiet: bool) -> int:
    os.chdir(ROOT)
    started = time.perf_counter()
    settings = load_settings(overrides)
    if "pelican" not in sys.modules:  # a fresh process: check the annotations beside, import Pelican here
        from annotations.check import check_beside

        check_beside(settings)
        import_for_build(settings)
    problems = run_checks(settings)  # the reports are parsed before the annotations are asked for
    errors = beside.join()  # the annotations' reader's, if it had a bug
    if errors:
        print(f"build failed; the previous {output.name}/ is untouched:", file=sys.stderr)
        print(format_errors(errors), file=sys.stderr)
        return 1
    if problems:
        from problems import report

        print(report(problems), file=sys.stderr)
        return 1
    try:
        with publish.Publisher(output) as publisher:
            with same_files.building(publisher.folder, output):
                errors = pelican_build(publisher.folder, overrides)
            if errors or not (publisher.folder / "index.html").exists():
                print(f"build failed; the previous {output.name}/ is untouched:", file=sys.stderr)
                print(format_errors(errors or [BuildError("no index.html was written")]), file=sys.stderr)
                return 1
            publisher.publish()
    except publish.Busy as busy:
        print(busy, file=sys.stderr)
        return 1
    if publish.interrupted_while_held():
        print(publish.MSG_INTERRUPTED_AFTER_SWAP.format(name=output.name), file=sys.stderr)
        return 130
    if not quiet:
        print(f"built {output} in {time.perf_counter() - started:.1f} s")
    return 0


def check(overrides: dict | None = None) -> int:
    os.chdir(ROOT)
    from problems import report

    problems = run_checks(load_settings(overrides))
    if problems:
        print(report(problems), file=sys.stderr)
        return 1
    print("check: no problems")
    return 0


def import_for_build(settings: dict) -> None:
    """Import what a build needs (Pelican, the plugins' Pelican side, the parser)."""
    import importlib

    import pelican.generators  # noqa: F401
    import pelican.readers  # noqa: F401
    import pelican.writers  # noqa: F401

    for name in [*settings["PLUGINS"], "report_markdown.check", "annotations.check", "library.resolve"]:
        importlib.import_module(name)
    from report_markdown.parser import build_parser

    build_parser(settings)


def warm_up(overrides: dict | None = None) -> None:
    """Import what a build needs, before the first edit (serve's build process)."""
    import_for_build(load_settings(overrides))


MSG_SERVING = "serving http://127.0.0.1:{port}/ — edits to {watched} rebuild; open pages reload by themselves"
MSG_REBUILT = "rebuilt in {seconds:.2f} s"
MSG_KEPT = "kept the last good site (see the problems above; the open pages show them too)"


def serve(port: int, output: Path, overrides: dict, pdf_command: list[str] | None, watched: list[Path]) -> int:
    """Build without the PDF, serve `output` on localhost with live reload,
    render the PDF in the background, and rebuild on every change (see
    plugins/live/rebuild.py: a warm build process, new after a code edit)."""
    import queue
    import threading

    from live.rebuild import Builder, PdfBuild, needs_new_process
    from live.state import LiveState
    from serve_http import make_server
    from watchfiles import watch

    overrides = {**overrides, "PLUGINS": [p for p in overrides.get("PLUGINS") or load_settings()["PLUGINS"]
                                          if p != "report_pdf"]}
    live = LiveState()
    builder = Builder(ROOT, output, overrides)
    pdf = PdfBuild(pdf_command, ROOT) if pdf_command else None
    code = [ROOT / "plugins", ROOT / "pelicanconf.py", ROOT / "build.py"]

    def rebuild() -> None:
        outcome = builder.build()
        live.built(outcome.ok, outcome.output)
        print(MSG_REBUILT.format(seconds=outcome.seconds) if outcome.ok else MSG_KEPT, flush=True)
        if outcome.ok and pdf:
            pdf.start()

    server = make_server(output, port, live=live)
    threading.Thread(target=server.serve_forever, daemon=True).start()  # before the first build: see serve_http
    changes: queue.Queue = queue.Queue()
    stop = threading.Event()

    def watcher() -> None:  # started before the first build, so no edit falls between them
        # step: how long the watcher waits for more changes before it reports (default 50 ms)
        for found in watch(*[p for p in watched if p.exists()], stop_event=stop, raise_interrupt=False, step=20):
            changes.put({Path(c[1]) for c in found})

    threading.Thread(target=watcher, daemon=True).start()
    try:
        rebuild()
        print(MSG_SERVING.format(port=port, watched=", ".join(p.name for p in watched)), flush=True)
        while True:
            try:
                changed = changes.get(timeout=0.5)  # a timeout: Ctrl-C is seen at once
            except queue.Empty:
                continue
            while not changes.empty():  # edits made during the last build: one rebuild for all
                changed |= changes.get()
            print(f"changed: {', '.join(sorted({p.name for p in changed}))}", flush=True)
            if pdf:
                pdf.stop()
            if needs_new_process(sorted(changed), code):
                builder.restart()
            rebuild()
    finally:
        stop.set()
        live.close()
        server.shutdown()
        if pdf:
            pdf.stop()
        builder.stop()
    return 0


def add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", help="content folder (default: content/)")
    parser.add_argument("--annotations", help="annotations folder (default: annotations/)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (a quicker preview)")


def source_overrides(args: argparse.Namespace) -> dict:
    global SETTINGS_FILE
    if getattr(args, "settings", None):
        SETTINGS_FILE = Path(args.settings).resolve()
    overrides = {}
    if args.content:
        overrides["PATH"] = str(Path(args.content).resolve())
    if args.annotations:
        overrides["ANNOTATIONS_PATH"] = str(Path(args.annotations).resolve())
    if getattr(args, "no_pdf", False):
        overrides["PLUGINS"] = [p for p in load_settings()["PLUGINS"] if p != "report_pdf"]
    return overrides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="check, then build the site and PDF into output/")
    b.add_argument("--output", default="output")
    add_source_options(b)
    c = sub.add_parser("check", help="validate content and annotations")
    add_source_options(c)
    for command in (b, c):
        command.add_argument("--settings", help="settings file (default: pelicanconf.py; publishconf.py for the web)")
    s = sub.add_parser("serve", help="live preview on localhost")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--output", default="output")
    add_source_options(s)
    n = sub.add_parser("new", help="scaffold an annotation file, or a report folder from its source text")
    n.add_argument("kind", choices=["term", "thread", "indicator", "report"])
    n.add_argument("name")
    n.add_argument("--id", help="the file's id (default: pinyin of the name)")
    n.add_argument("--source", help="report: the plain-text source (UTF-8)")
    n.add_argument("--content", help="report: content folder (default: content/)")
    v = sub.add_parser("convert", help="write a report's report.md from its source.txt and report.yml")
    v.add_argument("slug")
    v.add_argument("--content", help="content folder (default: content/)")
    args = parser.parse_args(argv)
    if args.command == "new" and args.kind == "report" and not args.source:
        n.error("new report: --source FILE.txt is required")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    output = (ROOT / getattr(args, "output", "output")).resolve()
    try:
        with publish.interrupts():
            return run_command(args)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the clean-up has run; no traceback
        message = publish.MSG_INTERRUPTED if args.command == "build" else MSG_STOPPED
        print(message.format(name=output.name), file=sys.stderr)
        return 130
    except Exception:  # not the user's files: our bug, with everything needed to fix it
        traceback.print_exc()
        print(MSG_BUG, file=sys.stderr)
        return 1


def run_command(args: argparse.Namespace) -> int:
    if args.command == "build":
        return build((ROOT / args.output).resolve(), source_overrides(args))
    if args.command == "check":
        return check(source_overrides(args))
    if args.command == "serve":
        overrides = source_overrides(args)
        output = (ROOT / args.output).resolve()
        pdf_command = None
        if not args.no_pdf:  # the full build, PDFs included, after each good rebuild
            pdf_command = [sys.executable, str(ROOT / "build.py"), "build", "--output", str(output)]
            for option in ("content", "annotations"):
                if getattr(args, option):
                    pdf_command += [f"--{option}", str(Path(getattr(args, option)).resolve())]
        watched = [Path(overrides.get("PATH", ROOT / "content")), Path(overrides.get("ANNOTATIONS_PATH", ROOT / "annotations"))]
        watched += [ROOT / name for name in ("theme", "plugins", "schemas", "pelicanconf.py", "build.py")]
        return serve(args.port, output, overrides, pdf_command, watched)
    if args.command == "convert" or args.kind == "report":  # paths as typed, from the caller's folder
        from reports.new import convert_report, new_report

        content = Path(args.content) if args.content else ROOT / "content"
        if args.command == "convert":
            return convert_report(args.slug, content)
        return new_report(args.name, Path(args.source), content)
    os.chdir(ROOT)
    from annotations.scaffold import scaffold

    return scaffold(args.kind, args.name, args.id)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C before main() took over the signals: nothing was written yet
        print(MSG_STOPPED, file=sys.stderr)
        sys.exit(130)
