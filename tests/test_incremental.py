"""What `serve`'s warm build process keeps between edits, and that an edit
is always seen: only changed inputs are read and worked again (issue 12)."""
from __future__ import annotations

import os

from conftest import GOOD_TERM


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
