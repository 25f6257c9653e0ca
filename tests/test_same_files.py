"""Files a build writes that are already published are hard links to them
(plugins/same_files.py), and the published site is never written through one."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, library_sources


@pytest.fixture
def folders(tmp_path):
    published, folder = tmp_path / "output", tmp_path / "output.tmp-1"
    published.mkdir(), folder.mkdir()
    return published, folder


def test_the_same_bytes_are_a_link_to_the_published_file(folders):
    import same_files

    published, folder = folders
    (published / "same.html").write_bytes(b"<p>same</p>")
    (published / "changed.html").write_bytes(b"<p>old</p>")
    with same_files.building(folder, published):
        same_files.write_bytes(folder / "same.html", b"<p>same</p>")
        same_files.write_text(folder / "changed.html", "<p>new</p>")
        same_files.write_text(folder / "new.html", "<p>new</p>")
    assert (folder / "same.html").stat().st_ino == (published / "same.html").stat().st_ino
    assert (folder / "changed.html").stat().st_ino != (published / "changed.html").stat().st_ino
    assert (folder / "changed.html").read_bytes() == b"<p>new</p>"
    assert (published / "changed.html").read_bytes() == b"<p>old</p>"
    assert (folder / "new.html").read_text(encoding="utf-8") == "<p>new</p>"


def test_writing_a_linked_path_again_leaves_the_published_file_alone(folders):
    import same_files

    published, folder = folders
    (published / "page.html").write_bytes(b"v1")
    with same_files.building(folder, published):
        same_files.write_bytes(folder / "page.html", b"v1")  # linked
        same_files.write_bytes(folder / "page.html", b"v2")  # a second write of the path: a new file
    assert (published / "page.html").read_bytes() == b"v1"
    assert (folder / "page.html").read_bytes() == b"v2"


def test_same_size_other_bytes_a_symlink_or_no_build_are_written(folders, tmp_path):
    import same_files

    published, folder = folders
    (published / "size.html").write_bytes(b"abc")
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_bytes(b"linked?")
    (published / "symlink.html").symlink_to(elsewhere)
    with same_files.building(folder, published):
        same_files.write_bytes(folder / "size.html", b"abd")
        same_files.write_bytes(folder / "symlink.html", b"linked?")
        same_files.write_bytes(tmp_path / "outside.html", b"abc")  # not under the folder being built
    assert (folder / "size.html").read_bytes() == b"abd"
    assert not (folder / "symlink.html").is_symlink() and (folder / "symlink.html").stat().st_ino != elsewhere.stat().st_ino
    assert (tmp_path / "outside.html").read_bytes() == b"abc"
    (published / "plain.html").write_bytes(b"x")
    same_files.write_bytes(folder / "plain.html", b"x")  # outside `building`: written
    assert (folder / "plain.html").stat().st_ino != (published / "plain.html").stat().st_ino


def test_pelicans_writer_writes_through_it_and_keeps_its_rules(folders):
    from pelican.writers import FileOverwriteFailedError  # the error Pelican's own writer raises

    import same_files

    published, folder = folders
    (published / "index.html").write_text("首页", encoding="utf-8")
    writer = same_files.pelican_writer(None)(str(folder), settings={})
    with same_files.building(folder, published):
        with writer._open_w(str(folder / "index.html"), "utf-8") as page:
            page.write("首页")
        with pytest.raises(FileOverwriteFailedError):  # a second write without override: Pelican's rule
            writer._open_w(str(folder / "index.html"), "utf-8")
        with writer._open_w(str(folder / "index.html"), "utf-8", override=True) as page:
            page.write("新首页")
    assert (folder / "index.html").read_text(encoding="utf-8") == "新首页"
    assert (published / "index.html").read_text(encoding="utf-8") == "首页"


# ---- a real rebuild -------------------------------------------------------------

def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_links_what_did_not_change_and_the_published_site_stays_whole(tmp_path, monkeypatch):
    import build
    import publish

    content, annotations = library_sources(tmp_path / "library")
    for path in annotations.glob("*/*.yml"):  # two annotations: a build of the whole set takes 3× as long
        if path.parent.name in ("terms", "threads", "indicators") and path.stem not in ("rcep", "rd-across-reports"):
            path.unlink()
    overrides = {"PATH": str(content), "ANNOTATIONS_PATH": str(annotations),
                 "PLUGINS": [p for p in build.load_settings()["PLUGINS"] if p != "report_pdf"]}
    output = tmp_path / "output"

    def quiet_build(into: Path) -> None:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            assert build.build(into, overrides, quiet=True) == 0, err.getvalue()

    quiet_build(output)
    before = files_of(output)
    inodes = {name: (output / name).stat().st_ino for name in before}
    term = annotations / "terms" / "rcep.yml"
    term.write_text(term.read_text(encoding="utf-8").replace("definition: |\n  ", "definition: |\n  新的一句。[推断]", 1),
                    encoding="utf-8")

    seen_before_swap = {}
    real_pause = publish.pause

    def pause(point: str) -> None:
        if point == "before_swap":  # the new site is complete and its links made: the old one is as it was
            seen_before_swap.update(files_of(output))
        real_pause(point)

    monkeypatch.setattr(publish, "pause", pause)
    quiet_build(output)
    assert seen_before_swap == before

    after = files_of(output)
    kept = {name for name in after if name in inodes and (output / name).stat().st_ino == inodes[name]}
    changed = {name for name in after if before.get(name) != after[name]}
    # every page names the search manifest by its hash, so a definition changes the pages; the
    # report's source text, the other terms' data and most of the search index stay as they were
    assert "terms/rcep.html" in changed and "taizhou-2022/source.txt" in kept and len(kept) > len(after) / 4, len(kept)
    assert kept == set(after) - changed - {name for name in after if name.startswith("theme/")}  # Pelican copies the theme

    shutil.rmtree(output)  # and what it published is what a build into nothing publishes
    quiet_build(output)
    assert files_of(output) == after
