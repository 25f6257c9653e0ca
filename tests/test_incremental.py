"""What `serve`'s warm build process keeps between edits, and that an edit
is always seen: only changed inputs are read and worked again (issue 12)."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_REPORT, GOOD_TERM, ROOT, library_sources


def test_annotation_files_are_read_again_only_when_they_change(annotations_folder):
    from annotations import model

    model.forget()
    first, second = annotations_folder / "terms" / "tenglong.yml", annotations_folder / "terms" / "other.yml"
    first.write_text(GOOD_TERM, encoding="utf-8")
    second.write_text(GOOD_TERM.replace("id: tenglong", "id: other"), encoding="utf-8")
    before = {e.id: e for e in model._load(annotations_folder).entries}

    second.write_text(GOOD_TERM.replace("id: tenglong", "id: other").replace("腾笼换鸟", "腾笼换鸟鸟"), encoding="utf-8")
    after = {e.id: e for e in model._load(annotations_folder).entries}
    assert after["tenglong"].located is before["tenglong"].located  # unchanged: not parsed again
    assert after["other"].located is not before["other"].located and after["other"].data["term"] == "腾笼换鸟鸟"

    stat = first.stat()  # same size, new time: read again
    first.write_text(GOOD_TERM.replace("腾笼换鸟", "腾笼换凤"), encoding="utf-8")
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert {e.id: e.data["term"] for e in model._load(annotations_folder).entries}["tenglong"] == "腾笼换凤"

    second.unlink()  # gone from the files, gone from what is kept
    assert [e.id for e in model._load(annotations_folder).entries] == ["tenglong"]
    assert not any(path.endswith("other.yml") for path in model._files)


def test_a_file_that_stops_loading_is_a_problem_again_each_time(annotations_folder):
    from annotations import model

    model.forget()
    path = annotations_folder / "terms" / "tenglong.yml"
    path.write_text(GOOD_TERM + "  bad: [\n", encoding="utf-8")
    assert len(model._load(annotations_folder).problems) == 1
    assert len(model._load(annotations_folder).problems) == 1  # kept, and still reported
    path.write_text(GOOD_TERM, encoding="utf-8")
    loaded = model._load(annotations_folder)
    assert not loaded.problems and [e.id for e in loaded.entries] == ["tenglong"]


# ---- warm rebuilds give what a cold build gives ------------------------------------

@pytest.fixture(scope="module")
def warm_library(tmp_path_factory):
    """A copy of the test library and labels that the edits below change in turn:
    its reports, and only the annotations edited (a build of the whole set
    takes three times as long, and the test makes 15)."""
    folder = tmp_path_factory.mktemp("warm")
    content, annotations = library_sources(folder)
    for path in [*annotations.glob("terms/*.yml"), *annotations.glob("threads/*.yml"), *annotations.glob("indicators/*.yml")]:
        if path.stem not in ("rcep", "rd-across-reports"):
            path.unlink()
    shutil.copytree(ROOT / "theme", folder / "theme")
    labels = folder / "theme" / "labels.yml"
    return content, annotations, labels


def in_process_build(output: Path, content: Path, annotations: Path, labels: Path) -> None:
    """One rebuild as serve's warm process makes it (build.build, no PDF)."""
    import build
    import warm

    overrides = {"PATH": str(content), "ANNOTATIONS_PATH": str(annotations), "LABELS_PATH": str(labels),
                 "THEME": str(labels.parent),
                 "PLUGINS": [p for p in build.load_settings()["PLUGINS"] if p != "report_pdf"]}
    out, err = io.StringIO(), io.StringIO()
    warm.keep_between_builds()  # as serve's process does
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = build.build(output, overrides, quiet=True)
    finally:
        warm.keep_between_builds(False)
    assert status == 0, err.getvalue()


@contextlib.contextmanager
def cold():
    """Everything a warm process keeps, put aside for one build and then restored."""
    import warm
    from annotations import model
    from library import resolve

    saved = (dict(warm._kept), dict(resolve._cache), dict(model._cache), dict(model._files))
    warm._kept.clear(), resolve._cache.clear(), model.forget()
    try:
        yield
    finally:
        for live, kept in zip((warm._kept, resolve._cache, model._cache, model._files), saved):
            live.clear()
            live.update(kept)


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    stat = path.stat()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, max(path.stat().st_mtime_ns, stat.st_mtime_ns + 1_000_000)))


# name → (file under the library folder, text, replacement; what the warm rebuild
# must not make again, what it must make again)
EDITS = {
    "a term's definition": ("annotations/terms/rcep.yml", "definition: |\n  ", "definition: |\n  新的一句。[推断]",
                            {"parse", "report-html", "anchors-shown"}, {"export"}),
    "a term's forms": ("annotations/terms/rcep.yml", "match:\n", "match:\n  - 高水平开放\n",
                       {"parse", "anchors-shown"}, {"report-html"}),
    "a thread's title": ("annotations/threads/rd-across-reports.yml", "title: ", "title: 新",
                         {"parse", "anchors-shown"}, {"report-html"}),
    "an indicator's name": ("annotations/indicators/rd-across-reports.yml", "name: ", "name: 新",
                            {"parse", "anchors-shown"}, {"report-html"}),
    "a report's title": (f"content/reports/{FIXTURE_REPORT}/report.yml", "title: ", "title: 新",
                         {"parse", "anchors-shown"}, {"report"}),
    "a thread's anchors": ("annotations/threads/rd-across-reports.yml", "indicators:",
                           "  - report: taizhou-2022\n    quote: 数字经济核心产业增加值年均增长15.1%\n    note: 五年回顾。\nindicators:",
                           {"parse"}, {"report-html", "anchors-shown"}),
    "a template": ("theme/templates/base.html", '<footer class="site-footer">', '<footer class="site-footer edited">',
                   {"parse", "report-html", "anchors-shown", "export"}, set()),
    "a label": ("theme/labels.yml", "thread: ", "thread: 新", {"parse", "anchors-shown", "export"}, {"report-html"}),
}


def test_each_warm_rebuild_is_byte_identical_to_a_cold_build(warm_library, tmp_path):
    import warm

    content, annotations, labels = warm_library
    folder = content.parent
    in_process_build(tmp_path / "first", content, annotations, labels)
    for name, (path, old, new, not_again, again) in EDITS.items():
        rewrite(folder / path, old, new)
        warm.counts.clear()
        in_process_build(tmp_path / "warm", content, annotations, labels)
        made = {kind for (kind, what), n in warm.counts.items() if what == "made"}
        with cold():
            in_process_build(tmp_path / "cold", content, annotations, labels)
        warm_files, cold_files = files_of(tmp_path / "warm"), files_of(tmp_path / "cold")
        assert warm_files.keys() == cold_files.keys(), name
        differ = [f for f in warm_files if warm_files[f] != cold_files[f]]
        assert not differ, (name, differ[:5])
        assert not made & not_again and again <= made, (name, dict(warm.counts))


def test_kept_by_key_and_dropped_when_a_good_build_asks_for_others():
    import warm

    warm.reset()
    with warm.one_build():
        warm.kept("report", "a", 1, lambda: "A1")
        warm.kept("report", "b", 1, lambda: "B1")
        warm.kept("report-html", "a", 1, lambda: "<p>")
    warm.done()
    with warm.one_build():
        assert warm.kept("report", "a", 1, lambda: "made again") == "A1"  # same key: kept
        assert warm.kept("report", "b", 2, lambda: "B2") == "B2"  # another key: made
    warm.done()
    assert ("report-html", "a") in warm._kept  # not asked for at all: served from above, still current
    with warm.one_build():
        warm.kept("report", "a", 1, lambda: "made again")
    warm.done()
    assert ("report", "b") not in warm._kept  # b's folder is gone
    with warm.one_build():  # a build that fails (no done()): nothing dropped
        warm.kept("report", "c", 1, lambda: "C")
    assert ("report", "a") in warm._kept
    warm.reset()
