"""Work done by forked processes beside the build (plugins/beside.py): the
annotation pages and exports shared with the build, the search index sent
back as a value, the annotation files read and checked while a fresh build
imports. What they write is there when the build publishes, what they send
is what the build would have made itself, and whatever goes wrong in them
fails the build as it would have in place."""
from __future__ import annotations

import logging
import os
import select
from pathlib import Path

import pytest

import beside
from conftest import run_main


def test_the_child_writes_while_the_parent_goes_on_and_join_waits(tmp_path):
    read, write = os.pipe()

    def work() -> None:
        os.read(read, 1)  # until the parent has gone on past run_beside
        (tmp_path / "page.html").write_text("written", encoding="utf-8")

    beside.run_beside("pages", work)
    assert not (tmp_path / "page.html").exists()
    os.write(write, b"x")
    assert beside.join() == []
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == "written"


def test_an_exception_in_the_child_is_a_bug_with_its_traceback():
    def work() -> None:
        raise ValueError("broken template data")

    beside.run_beside("pages", work)
    [error] = beside.join()
    assert error.is_bug and "ValueError: broken template data" in error.message
    assert "in work" in error.traceback


def test_an_error_logged_in_the_child_comes_back():
    beside.run_beside("pages", lambda: logging.getLogger("pelican.writers").error("Could not write page"))
    assert [e.message for e in beside.join()] == ["Could not write page"]


def test_a_child_that_dies_is_reported():
    beside.run_beside("the annotation pages", lambda: os._exit(3))
    [error] = beside.join()
    assert "the annotation pages" in error.message and "ended unexpectedly" in error.message


def test_a_bug_in_the_annotation_pages_fails_the_build_and_keeps_the_site(site, library, tmp_path, monkeypatch):
    import shutil

    from annotations import pages

    content, annotations = library
    output = tmp_path / "output"
    shutil.copytree(site, output)  # the last good build
    before = (output / "glossary.html").read_bytes()

    real = pages.AnnotationPagesGenerator._page_jobs

    def broken(self, writer) -> list:
        def fails() -> None:
            raise KeyError("term")

        jobs = real(self, writer)
        return jobs[:len(jobs) // 2] + [fails] + jobs[len(jobs) // 2:]

    monkeypatch.setattr(pages.AnnotationPagesGenerator, "_page_jobs", broken)
    for fork in ("1", "0"):  # taken by either process, or all written in place
        monkeypatch.setenv("BUILD_FORK", fork)
        result = run_main("build", "--no-pdf", "--output", str(output), "--content", str(content),
                          "--annotations", str(annotations))
        assert result.returncode == 1 and "KeyError" in result.stderr and "bug" in result.stderr
        assert (output / "glossary.html").read_bytes() == before
    assert beside._children == [] and beside._helping == []


def test_shared_jobs_are_each_done_once_by_one_of_the_two(tmp_path):
    log = tmp_path / "done"

    def done() -> list[tuple[int, int]]:
        return [tuple(map(int, line.split())) for line in log.read_text(encoding="utf-8").splitlines()]

    for count, help_out in ((200, False), (40_000, True)):  # 40 000: more numbers than a pipe holds
        log.write_text("", encoding="utf-8")
        fd = os.open(log, os.O_WRONLY | os.O_APPEND)

        def job(n: int):
            return lambda: os.write(fd, f"{n} {os.getpid()}\n".encode())

        beside.share_beside("pages", [job(n) for n in range(count)])
        if help_out:
            beside.wait()  # this process joins in
        assert beside.join() == []  # (without wait: joined without helping, the child did them all)
        os.close(fd)
        assert sorted(n for n, _pid in done()) == list(range(count))
        doers = {pid for _n, pid in done()}
        assert len(doers) <= 2 and (help_out or os.getpid() not in doers)  # (who takes how many: the scheduler's)


def test_the_parent_takes_the_jobs_the_child_has_not_taken():
    parent = os.getpid()
    started_r, started_w = os.pipe()
    gate_r, gate_w = os.pipe()

    def job() -> None:
        os.write(started_w, os.getpid().to_bytes(4, "little"))
        if os.getpid() == parent:
            os.write(gate_w, b"x")  # the child may finish now
        else:  # the child holds its job until the parent has taken one (a minute at most: no hang)
            select.select([gate_r], [], [], 60)

    beside.share_beside("pages", [job, job])
    first = int.from_bytes(os.read(started_r, 4), "little")  # the child has taken one
    beside.wait()  # and this process takes the other
    second = int.from_bytes(os.read(started_r, 4), "little")
    assert beside.join() == []
    assert first != parent and second == parent
    for fd in (started_r, started_w, gate_r, gate_w):
        os.close(fd)


def test_wait_lets_a_reader_of_the_site_see_every_page_and_keeps_the_errors_for_join(tmp_path):
    read, write = os.pipe()

    def work() -> None:
        os.read(read, 1)
        (tmp_path / "late.html").write_text("written", encoding="utf-8")
        logging.getLogger("pelican.writers").error("one page failed")

    beside.run_beside("pages", work)
    os.write(write, b"x")
    beside.wait()  # as web_publish's sitemap does, at finalized
    assert (tmp_path / "late.html").exists()
    assert [e.message for e in beside.join()] == ["one page failed"]
    assert beside.join() == []


def test_a_value_comes_back_before_the_child_has_finished(tmp_path):
    read, write = os.pipe()

    def then(value: str) -> None:
        os.read(read, 1)  # until the parent has its value
        (tmp_path / value).write_text("written", encoding="utf-8")

    manifest = beside.value_beside("the search index", lambda: "manifest.1.js", then)
    assert manifest() == "manifest.1.js" and not (tmp_path / "manifest.1.js").exists()
    os.write(write, b"x")
    assert beside.join() == [] and manifest() == "manifest.1.js"
    assert (tmp_path / "manifest.1.js").exists()


def test_a_value_that_fails_is_an_error_and_a_bug_report():
    def make() -> str:
        raise KeyError("regions")

    manifest = beside.value_beside("the search index", make, lambda value: None)
    with pytest.raises(beside.Failed, match="the search index"):
        manifest()
    errors = beside.join()
    assert len(errors) == 1 and "KeyError" in errors[0].message + (errors[0].traceback or "")


def test_a_value_not_asked_for_is_read_by_join():
    manifest = beside.value_beside("the search index", lambda: "x" * 200_000, lambda value: None)
    assert beside.join() == [] and manifest() == "x" * 200_000  # larger than a pipe's buffer


def test_the_search_index_written_beside_is_the_one_written_in_place(site, library, tmp_path, monkeypatch):
    """The session's site was built by a fresh process, its index beside; this one in place."""
    made, value = [], beside.value_beside
    monkeypatch.setattr(beside, "value_beside", lambda what, *args: (made.append(what), value(what, *args))[1])
    monkeypatch.setenv("BUILD_FORK", "0")
    content, annotations = library
    output = tmp_path / "output"
    result = run_main("build", "--no-pdf", "--content", str(content), "--annotations", str(annotations),
                      "--output", str(output))
    assert result.returncode == 0, result.stderr

    def files(folder):
        return {p.name: p.read_bytes() for p in (folder / "search").iterdir()}

    assert made == ["the search index"]
    assert files(output) == files(site) and len(files(site)) > 10


# ---- the annotation files read and checked beside a fresh process's imports (annotations/check.py) ----

def _broken_copy(library, tmp_path) -> dict:
    import shutil

    content, annotations = library
    broken = tmp_path / "annotations"
    shutil.copytree(annotations, broken)
    term = next((broken / "terms").glob("*.yml"))
    term.write_text(term.read_text(encoding="utf-8") + "extra_field: 1\n", encoding="utf-8")
    return {"PATH": str(content), "ANNOTATIONS_PATH": str(broken)}


def test_annotations_read_and_checked_beside_are_what_doing_it_here_gives(library, tmp_path, monkeypatch):
    import build
    from annotations import check, model

    settings = build.load_settings(_broken_copy(library, tmp_path))
    model.forget()
    here = model.load_annotations(settings)
    problems_here = check.check_annotations(settings)
    model.forget()
    check.check_beside(settings)

    def not_here(*args, **kwargs):
        raise AssertionError("done again in the parent")

    monkeypatch.setattr(model, "load_yaml", not_here)  # the child forked with the real ones
    monkeypatch.setattr(check, "_collect", not_here)
    kept = model.load_annotations(settings)
    problems = check.check_annotations(settings)
    assert beside.join() == []
    assert [(e.path, e.data, e.located.positions) for e in kept.entries] == \
           [(e.path, e.data, e.located.positions) for e in here.entries] and len(kept.entries) > 10
    assert problems == problems_here and any("extra_field" in p.message for p in problems)
    model.forget()


def test_a_bug_in_the_check_beside_is_reported_and_the_files_are_read_and_checked_here(library, monkeypatch):
    import build
    from annotations import check, model

    content, annotations = library
    settings = build.load_settings({"PATH": str(content), "ANNOTATIONS_PATH": str(annotations)})
    model.forget()
    real = check._collect
    monkeypatch.setattr(check, "_collect", lambda *args: 1 / 0)
    check.check_beside(settings)  # the child has the broken one
    monkeypatch.setattr(check, "_collect", real)
    assert len(model.load_annotations(settings).entries) > 10 and check.check_annotations(settings) == []
    errors = beside.join()
    assert len(errors) == 1 and "ZeroDivisionError" in errors[0].message + errors[0].traceback
    model.forget()


def test_a_fresh_build_and_check_report_the_same_problems(library, tmp_path):
    """A fresh process checks the annotations beside (build.py): its problems are the check's."""
    import subprocess
    import sys

    from conftest import ROOT

    content, _annotations = library
    broken = Path(_broken_copy(library, tmp_path)["ANNOTATIONS_PATH"])
    output = tmp_path / "output"
    output.mkdir()
    (output / "kept.html").write_text("before", encoding="utf-8")
    results = [subprocess.run([sys.executable, str(ROOT / "build.py"), command, *extra, "--content", str(content),
                               "--annotations", str(broken)], capture_output=True, text=True, cwd=ROOT)
               for command, extra in (("check", []), ("build", ["--no-pdf", "--output", str(output)]))]
    assert [r.returncode for r in results] == [1, 1]
    assert "extra_field" in results[0].stderr and results[1].stderr == results[0].stderr
    assert (output / "kept.html").read_text(encoding="utf-8") == "before"
