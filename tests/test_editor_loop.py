"""The editor's loop (issue 12), unit by unit: glossary sort keys remembered
between builds, the PDF cache pruned to what current inputs reuse, the
number of PDF processes, progress only on a terminal, which edits need a new
build process."""
from __future__ import annotations

import json
import os

from annotations import sort_keys


def test_sort_keys_are_remembered_and_kept_within_a_bound(tmp_path, monkeypatch):
    cache = tmp_path / "sort-keys.json"
    sort_keys.remember(["腾笼换鸟", "台州"], cache)
    assert json.loads(cache.read_text(encoding="utf-8")) == {"台州": "tai zhou", "腾笼换鸟": "teng long huan niao"}

    def no_pinyin(text: str) -> str:
        raise AssertionError(f"pypinyin was needed for {text}")

    monkeypatch.setattr(sort_keys, "pinyin_key", no_pinyin)
    monkeypatch.setattr(sort_keys, "_known", {})
    sort_keys.remember(["台州"], cache)  # every key known: no pypinyin
    assert sort_keys.sort_key("台州") == "tai zhou"
    # a name of another build stays: building two libraries in turn needs no pypinyin
    assert json.loads(cache.read_text(encoding="utf-8")) == {"台州": "tai zhou", "腾笼换鸟": "teng long huan niao"}
    monkeypatch.setattr(sort_keys, "MAX_KEYS", 2)
    monkeypatch.setattr(sort_keys, "pinyin_key", lambda text: "key")
    sort_keys.remember(["新名"], cache)  # past the bound: only the current names
    assert json.loads(cache.read_text(encoding="utf-8")) == {"新名": "key"}


def test_prune_keeps_what_this_build_used_and_leaves_other_reports(tmp_path):
    from report_pdf.archive import prune  # here, not at collection: it imports WeasyPrint (0.6 s a worker)

    cache = tmp_path
    (cache / "charts").mkdir()
    names = ["pdf-taizhou-2022-aaa.pdf", "pdf-taizhou-2022-aaa.json", "pdf-taizhou-2022-old.pdf",
             "pdf-taizhou-2022-old.json", "pages-taizhou-2022-bbb.json", "pages-taizhou-2022-old.json",
             "pdf-other-ccc.pdf", "noto-serif-sc-400-now.otf", "charts/chart-now.svg"]
    names += [f"noto-serif-sc-400-old{n}.otf" for n in range(3)]
    for name in names:
        (cache / name).write_text(name)
    for n in range(3):  # older and older
        os.utime(cache / f"noto-serif-sc-400-old{n}.otf", (1000 - n, 1000 - n))
    used = {cache / n for n in ("pdf-taizhou-2022-aaa.pdf", "pdf-taizhou-2022-aaa.json", "pages-taizhou-2022-bbb.json",
                                "noto-serif-sc-400-now.otf", "charts/chart-now.svg")}
    prune(cache, used, {"taizhou-2022"}, keep_other=1)
    left = sorted(str(p.relative_to(cache)) for p in cache.rglob("*") if p.is_file())
    assert left == ["charts/chart-now.svg", "noto-serif-sc-400-now.otf", "noto-serif-sc-400-old0.otf",
                    "pages-taizhou-2022-bbb.json", "pdf-other-ccc.pdf", "pdf-taizhou-2022-aaa.json",
                    "pdf-taizhou-2022-aaa.pdf"]


def test_one_pdf_process_per_core_at_most_one_per_report(monkeypatch):
    from report_pdf.plugin import workers

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.delenv("PDF_WORKERS", raising=False)
    assert (workers(1), workers(2), workers(9)) == (1, 2, 4)
    monkeypatch.setenv("PDF_WORKERS", "1")
    assert workers(9) == 1


def test_progress_is_silent_off_a_terminal_unless_asked(capsys, monkeypatch):
    import progress

    monkeypatch.delenv(progress.ENV, raising=False)
    progress.say("pdf", "taizhou-2022: layout pass 1")
    progress.count("pdf", 1, 1)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv(progress.ENV, "1")
    progress.say("pdf", "taizhou-2022: layout pass 1")
    progress.count("pdf", 1, 2)  # off a terminal: only the last count
    progress.count("pdf", 2, 2)
    assert capsys.readouterr().err == "pdf: taizhou-2022: layout pass 1\npdf: 2/2\n"


def test_only_a_code_edit_needs_a_new_build_process(tmp_path):
    from live.rebuild import needs_new_process

    code = [tmp_path / "plugins", tmp_path / "pelicanconf.py"]
    assert needs_new_process([tmp_path / "plugins" / "annotations" / "views.py"], code)
    assert needs_new_process([tmp_path / "pelicanconf.py"], code)
    assert not needs_new_process([tmp_path / "annotations" / "terms" / "rcep.yml"], code)
    assert not needs_new_process([tmp_path / "plugins" / "live" / "reload.js"], code)
