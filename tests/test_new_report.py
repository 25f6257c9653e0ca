"""`build.py new report` and `build.py convert`, in process.

Fixture files: tests/fixtures/sources/<name>.txt are source texts; beside a
source, <name>.yml / <name>.md / <name>.out are what `new report` writes and
prints for it (UPDATE_FIXTURES=1 rewrites them; read the diff before
committing). tests/fixtures/reports/qingyu-2023/ is a report folder made by
the command and then reviewed by hand, which the site tests build.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
import yaml

import build
from reports import detect as detect_module
from reports import guess, new, source
from reports.convert import convert
from reports.detect import detect
from reports.report_yml import scalar

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SOURCES = FIXTURES / "sources"
TAIZHOU = ROOT / "content" / "reports" / "taizhou-2022"
QINGYU = FIXTURES / "reports" / "qingyu-2023"
METADATA = ["title", "year", "issuer", "speaker", "occasion", "delivered", "issued", "release"]


def load_yml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def plain(data: dict) -> dict:
    """report.yml as JSON would hold it: YAML reads bare dates as dates."""
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in data.items()}


def parts_of(data: dict) -> list[dict]:
    return [{"role": p["role"], "label": p["label"]} for p in data["parts"]]


def detected_parts(detection) -> list[dict]:
    return [{"role": p.role, "label": p.label} for p in detection.parts]


def snapshot(path: Path, actual: str) -> None:
    if os.environ.get("UPDATE_FIXTURES"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_FIXTURES=1 rewrites it)"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A working folder with an empty content/, so messages name content/reports/…
    as an editor sees them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    return tmp_path


# --- Taizhou: the committed report is what detection gives ---------------------------

def test_taizhou_detected_structure_converts_to_the_committed_markdown():
    text = (TAIZHOU / "source.txt").read_text(encoding="utf-8")
    detection = detect(text)
    assert detection.structure == load_yml(TAIZHOU / "report.yml")["structure"]
    assert convert(text, detection.structure).encode("utf-8") == (TAIZHOU / "report.md").read_bytes()


def test_taizhou_detected_metadata_is_the_committed_report_yml():
    committed = plain(load_yml(TAIZHOU / "report.yml"))
    detection = detect((TAIZHOU / "source.txt").read_text(encoding="utf-8"))
    assert {key: detection.metadata[key] for key in METADATA} == {key: committed[key] for key in METADATA}
    assert detection.metadata["citation"] == committed["source"]["citation"]
    assert detection.metadata["summary"] == committed["summary"]
    assert detected_parts(detection) == parts_of(committed)
    assert [p.gloss for p in detection.parts] == [p["gloss"] for p in committed["parts"]]
    assert detection.regions == committed["regions"]
    assert detection.counts == {"parts": 3, "sections": 15, "paragraphs": 51}
    assert detection.review == [guess.REVIEW_SUMMARY]


def test_new_report_from_taizhou_source_writes_the_committed_files(workdir, capsys):
    assert new.new_report("taizhou-2022", TAIZHOU / "source.txt", Path("content")) == 0
    folder = workdir / "content" / "reports" / "taizhou-2022"
    assert sorted(p.name for p in folder.iterdir()) == ["report.md", "report.yml", "source.txt"]
    assert (folder / "source.txt").read_bytes() == (TAIZHOU / "source.txt").read_bytes()
    assert (folder / "report.md").read_bytes() == (TAIZHOU / "report.md").read_bytes()
    written, committed = plain(load_yml(folder / "report.yml")), plain(load_yml(TAIZHOU / "report.yml"))
    for key in METADATA + ["lang", "source", "regions", "structure"]:
        assert written[key] == committed[key], key
    assert parts_of(written) == parts_of(committed)
    assert (folder / "report.yml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../../schemas/report.schema.json\n")
    assert written["pdf"] == {"file": "taizhou-2022.pdf", "keywords": ["台州", "政府工作报告", "2022"]}
    out = capsys.readouterr()
    assert out.err == ""
    assert "wrote content/reports/taizhou-2022/ (source.txt, report.yml, report.md)" in out.out
    assert "  二、今后五年发展目标任务 → goals “五年目标”: 6 sections (6 run-in), 9 paragraphs" in out.out
    assert "  3 parts, 15 sections, 51 paragraphs" in out.out
    assert out.out.endswith("  2. python build.py check\n  3. make\n")


# --- Fixture sources: the made-up reports ---------------------------------------------

def test_qingyu_detects_and_converts_to_the_reviewed_fixture():
    text = (SOURCES / "qingyu-2023.txt").read_text(encoding="utf-8")
    reviewed = plain(load_yml(QINGYU / "report.yml"))
    detection = detect(text)
    assert detection.structure == reviewed["structure"]
    assert convert(text, detection.structure) == (QINGYU / "report.md").read_text(encoding="utf-8")
    assert {key: detection.metadata[key] for key in METADATA} == {key: reviewed.get(key) for key in METADATA}
    assert detected_parts(detection) == parts_of(reviewed)
    assert detection.regions == {"title": "政府工作报告", "opening": "开篇", "closing": "结束语"}
    assert [(len(p.sections), p.run_in) for p in detection.parts] == [(2, 0), (2, 2)]
    assert (QINGYU / "source.txt").read_bytes() == (SOURCES / "qingyu-2023.txt").read_bytes()
    assert reviewed["source"]["sha256"] == hashlib.sha256((QINGYU / "source.txt").read_bytes()).hexdigest()


def test_qingyu_fixture_holds_what_the_annotation_tests_look_for():
    text = (QINGYU / "source.txt").read_text(encoding="utf-8")
    review, tasks = text.split("二、2023年工作安排")
    assert 1500 <= len(text) <= 2500
    assert "腾笼换鸟" in review and "腾笼换鸟" in tasks and text.count("腾笼换鸟") == 2
    assert text.count("亩均论英雄") == 1 and text.count("共同富裕") == 1
    assert "\n各位代表：\n" in text
    assert "R&D经费支出占GDP比重达到2.6%" in review and "R&D经费支出占GDP比重提高到2.8%" in tasks
    assert "全年新建5G基站3200个" in review
    assert "印发" not in text and "抄送" not in text


def test_qingyu_fixture_is_valid_against_the_report_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(plain(load_yml(QINGYU / "report.yml")))) == []


@pytest.mark.parametrize("name", ["qingyu-2023", "chenglan-2024", "bare"])
def test_new_report_output_matches_its_fixture_files(name, workdir, capsys):
    """What `new report` writes and prints, for a report without a notice (qingyu),
    one with a notice, a cc list, a printing line and full-width spaces (chenglan),
    and bare parts with nothing around them (bare: every guess fails and says so)."""
    assert new.new_report(name, SOURCES / f"{name}.txt", Path("content")) == 0
    folder = workdir / "content" / "reports" / name
    snapshot(SOURCES / f"{name}.yml", (folder / "report.yml").read_text(encoding="utf-8"))
    # qingyu's Markdown is the reviewed fixture folder's own (review changes only report.yml)
    expected_md = QINGYU / "report.md" if name == "qingyu-2023" else SOURCES / f"{name}.md"
    snapshot(expected_md, (folder / "report.md").read_text(encoding="utf-8"))
    snapshot(SOURCES / f"{name}.out", capsys.readouterr().out)
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(plain(load_yml(folder / "report.yml")))]
    # a value not found is left empty (null), so the schema check stops on it
    expected = [] if name != "bare" else ["None is not of type 'integer'"] + ["None is not of type 'string'"] * 4
    assert sorted(errors) == expected


def test_chenglan_cc_continuation_lines_are_indented_and_the_printing_line_is_flagged():
    detection = detect((SOURCES / "chenglan-2024.txt").read_text(encoding="utf-8"))
    classes = detection.structure["classes"]
    assert classes["市政协办公室，市法院，"] == classes["市检察院。"] == "indent"
    assert classes["澄岚市市长　　周明"] == "speaker"
    assert detection.structure["regions"][1]["starts"] == "政　府　工　作　报　告"
    assert detect_module.REVIEW_PRINTED.format(line="澄岚市人民政府办公室  2024年1月22日印发") in detection.review
    assert [p.gloss for p in detection.parts] == ["2023年已实现", "到2028年的目标", "2024年的安排"]


@pytest.mark.parametrize("heading, expected", [
    ("过去五年工作回顾", ("review", "五年回顾")),
    ("今后五年发展目标任务", ("goals", "五年目标")),
    ("2022年重点工作安排", ("tasks", "2022年任务")),
    ("2022年工作回顾", ("review", "2022年回顾")),
    ("2023年工作安排", ("tasks", "2023年任务")),
])
def test_part_roles_and_labels(heading, expected):
    assert guess.role_of(heading, 2022)[:2] == expected


def test_an_unusual_part_heading_falls_back_to_its_number_and_text():
    parts = [detect_module.Part(heading="一、关于加强基层治理的若干思考", role="", label="", gloss="")]
    review: list[str] = []
    guess.roles(parts, {"delivered": "2023-01-10"}, review)
    assert (parts[0].role, parts[0].label) == ("part-1", "关于加强基层治理")
    assert review == [guess.REVIEW_ROLE.format(k=0, heading=parts[0].heading, role="part-1", label="关于加强基层治理")]


@pytest.mark.parametrize("line, expected, reviewed", [
    ("台州市代市长  吴晓东", ("吴晓东（台州市代市长）", "台州市"), False),
    ("青屿市市长　林远", ("林远（青屿市市长）", "青屿市"), False),
    ("林远  青屿市市长", ("林远（青屿市市长）", "青屿市"), False),
    ("某某县县长 张三", ("张三（某某县县长）", "某某县"), False),
    ("青屿市市长林远", ("林远（青屿市市长）", "青屿市"), True),
    ("市政府负责人", ("市政府负责人", None), True),
])
def test_speaker_lines(line, expected, reviewed):
    review: list[str] = []
    assert guess.speaker(line, review) == expected
    assert review == ([guess.REVIEW_SPEAKER.format(line=line)] if reviewed else [])


@pytest.mark.parametrize("text", ["2022", "yes", "null", "a: b", "#x", "—— 2022年", "政　府", " lead", "[x]", "2022-04-11"])
def test_yaml_scalars_load_back_as_written(text):
    assert yaml.safe_load(f"k: {scalar(text)}") == {"k": text}
    assert yaml.safe_load(f"k: {{a: {scalar(text)}}}") == {"k": {"a": text}}


# --- Refusals: one message, exit 1, nothing created -----------------------------------

QINGYU_TEXT = (SOURCES / "qingyu-2023.txt").read_text(encoding="utf-8")

BAD_SOURCES = {
    "bom.txt": (source.UTF8_BOM + QINGYU_TEXT.encode("utf-8"),
                "bom.txt: " + source.BOM + "\n    hint: " + source.BOM_HINT.format(path="bom.txt", fixed="bom.utf8.txt")),
    "utf16.txt": (QINGYU_TEXT.encode("utf-16"),
                  "utf16.txt: " + source.UTF16 + "\n    hint: "
                  + source.UTF16_HINT.format(path="utf16.txt", fixed="utf16.utf8.txt")),
    "utf16le.txt": ("一、工作回顾\nabc".encode("utf-16-le"),
                    "utf16le.txt: " + source.UTF16 + "\n    hint: "
                    + source.UTF16_HINT.format(path="utf16le.txt", fixed="utf16le.utf8.txt")),
    "gbk.txt": (QINGYU_TEXT.encode("gb18030"),
                "gbk.txt: " + source.GB18030 + "\n    hint: "
                + source.GB18030_HINT.format(path="gbk.txt", fixed="gbk.utf8.txt")),
    "latin1.txt": ("一、工作\nabc".encode("utf-8") + b"\n\xe9t\xe9\n",
                   "latin1.txt:3:1: " + source.NOT_UTF8.format(byte=0xE9) + "\n    hint: " + source.NOT_UTF8_HINT),
    "empty.txt": (b"", "empty.txt: " + source.EMPTY + "\n    hint: " + source.EMPTY_HINT),
    "blank.txt": (b" \n\n\t\n", "blank.txt: " + source.EMPTY + "\n    hint: " + source.EMPTY_HINT),
    "no-parts.txt": ((SOURCES / "no-parts.txt").read_bytes(),
                     "no-parts.txt: " + new.NO_PARTS + "\n    hint: " + new.NO_PARTS_HINT),
}


def assert_nothing_created(workdir: Path) -> None:
    assert list((workdir / "content").iterdir()) == []


@pytest.mark.parametrize("name", BAD_SOURCES)
def test_an_unusable_source_is_refused_and_nothing_is_created(name, workdir, capsys):
    data, message = BAD_SOURCES[name]
    (workdir / name).write_bytes(data)
    assert new.new_report("qingyu-2023", Path(name), Path("content")) == 1
    assert capsys.readouterr() == ("", message + "\n")
    assert_nothing_created(workdir)


@pytest.mark.parametrize("slug", ["Qingyu-2023", "qingyu_2023", "qingyu--2023", "-qingyu", "qingyu-", "青屿-2023", ""])
def test_a_bad_slug_is_refused(slug, workdir, capsys):
    assert new.new_report(slug, SOURCES / "qingyu-2023.txt", Path("content")) == 1
    assert capsys.readouterr() == ("", f"{slug}: {new.BAD_SLUG}\n    hint: {new.BAD_SLUG_HINT}\n")
    assert_nothing_created(workdir)


def test_an_existing_folder_is_refused_and_left_alone(workdir, capsys):
    folder = workdir / "content" / "reports" / "qingyu-2023"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert new.new_report("qingyu-2023", SOURCES / "qingyu-2023.txt", Path("content")) == 1
    hint = new.EXISTS_HINT.format(slug="qingyu-2023")
    assert capsys.readouterr() == ("", f"content/reports/qingyu-2023: {new.EXISTS}\n    hint: {hint}\n")
    assert [p.name for p in folder.parent.iterdir()] == ["qingyu-2023"]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("name", ["missing.txt", "a-folder"])
def test_a_missing_source_is_refused(name, workdir, capsys):
    (workdir / "a-folder").mkdir()
    assert new.new_report("qingyu-2023", Path(name), Path("content")) == 1
    assert capsys.readouterr() == ("", f"{name}: {source.MISSING}\n    hint: {source.MISSING_HINT}\n")
    assert_nothing_created(workdir)


def test_a_missing_content_folder_is_refused(workdir, capsys):
    assert new.new_report("qingyu-2023", SOURCES / "qingyu-2023.txt", Path("contnet")) == 1
    assert capsys.readouterr() == ("", f"contnet: {new.NO_CONTENT}\n    hint: {new.NO_CONTENT_HINT}\n")
    assert not (workdir / "contnet").exists()


def test_a_failed_write_leaves_no_half_folder(workdir, monkeypatch):
    monkeypatch.setattr(new, "render", lambda *args: 1 / 0)  # fails after the checks, before the rename
    with pytest.raises(ZeroDivisionError):
        new.new_report("qingyu-2023", SOURCES / "qingyu-2023.txt", Path("content"))
    assert_nothing_created(workdir)


# --- convert_report: applying a corrected structure -----------------------------------

@pytest.fixture
def qingyu_copy(workdir) -> Path:
    folder = workdir / "content" / "reports" / "qingyu-2023"
    folder.mkdir(parents=True)
    for name in ("source.txt", "report.yml", "report.md"):
        (folder / name).write_bytes((QINGYU / name).read_bytes())
    return folder


def test_convert_report_leaves_an_up_to_date_report_md_alone(qingyu_copy, capsys):
    before = (qingyu_copy / "report.md").stat().st_mtime_ns
    assert new.convert_report("qingyu-2023", Path("content")) == 0
    assert capsys.readouterr() == ("content/reports/qingyu-2023/report.md is up to date\n", "")
    assert (qingyu_copy / "report.md").stat().st_mtime_ns == before


def test_convert_report_applies_a_corrected_structure(qingyu_copy, capsys):
    yml = qingyu_copy / "report.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("\n    - {name: closing, starts: 各位代表！, after_parts: true}", ""),
                   encoding="utf-8")
    assert new.convert_report("qingyu-2023", Path("content")) == 0
    assert capsys.readouterr().out == "wrote content/reports/qingyu-2023/report.md\nnext: python build.py check\n"
    markdown = (qingyu_copy / "report.md").read_text(encoding="utf-8")
    assert "::: closing" not in markdown and markdown.endswith("为建设更加美好的青屿而不懈奋斗！\n")


def test_convert_report_with_a_broken_starts_names_the_rule_and_keeps_report_md(qingyu_copy, capsys):
    yml = qingyu_copy / "report.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("starts: 各位代表！", "starts: 各位委员！"), encoding="utf-8")
    before = (qingyu_copy / "report.md").read_bytes()
    assert new.convert_report("qingyu-2023", Path("content")) == 1
    error = "region 'closing': no line starting “各位委员！” after line 21 of the source's non-empty lines"
    hint = new.BAD_START_HINT.format(source="source.txt", slug="qingyu-2023")
    assert capsys.readouterr() == ("", f"content/reports/qingyu-2023/report.yml: structure.regions[2]: {error}\n"
                                       f"    hint: {hint}\n")
    assert (qingyu_copy / "report.md").read_bytes() == before


def test_convert_report_with_a_region_lacking_starts_is_a_schema_message(qingyu_copy, capsys):
    yml = qingyu_copy / "report.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("{name: opening, starts: 各位代表：}", "{name: opening}"),
                   encoding="utf-8")
    assert new.convert_report("qingyu-2023", Path("content")) == 1
    assert capsys.readouterr().err == ("content/reports/qingyu-2023/report.yml: structure.regions[1]: "
                                       "'starts' is a required property\n"
                                       f"    hint: {new.BAD_STRUCTURE_HINT}\n")


def test_convert_report_with_broken_yaml_gives_its_line(qingyu_copy, capsys):
    yml = qingyu_copy / "report.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  classes:\n", "  classes: [\n"), encoding="utf-8")
    assert new.convert_report("qingyu-2023", Path("content")) == 1
    err = capsys.readouterr().err
    assert err.startswith("content/reports/qingyu-2023/report.yml:") and ": not valid YAML: " in err
    assert err.endswith(f"    hint: {new.BAD_YAML_HINT}\n")


def test_convert_report_without_its_source(qingyu_copy, capsys):
    (qingyu_copy / "source.txt").unlink()
    before = (qingyu_copy / "report.md").read_bytes()
    assert new.convert_report("qingyu-2023", Path("content")) == 1
    assert capsys.readouterr() == ("", f"content/reports/qingyu-2023/source.txt: {source.MISSING}\n"
                                       f"    hint: {new.NO_SOURCE_HINT}\n")
    assert (qingyu_copy / "report.md").read_bytes() == before


def test_convert_report_of_an_unknown_slug(workdir, capsys):
    assert new.convert_report("nowhere-2020", Path("content")) == 1
    hint = new.NO_FOLDER_HINT.format(slug="nowhere-2020")
    assert capsys.readouterr() == ("", f"content/reports/nowhere-2020: {new.NO_FOLDER}\n    hint: {hint}\n")


# --- build.py wiring -------------------------------------------------------------------

def test_build_py_convert_and_new_report(workdir, capsys):
    assert build.main(["convert", "qingyu-2023", "--content", str(FIXTURES)]) == 0
    assert capsys.readouterr().out.endswith("report.md is up to date\n")
    assert build.main(["new", "report", "qingyu-2023", "--source", str(SOURCES / "qingyu-2023.txt"),
                       "--content", "content"]) == 0
    assert (workdir / "content" / "reports" / "qingyu-2023" / "report.md").read_bytes() == (QINGYU / "report.md").read_bytes()
    with pytest.raises(SystemExit) as exit_:
        build.main(["new", "report", "qingyu-2024"])
    assert exit_.value.code == 2
    assert "new report: --source FILE.txt is required" in capsys.readouterr().err


def test_a_starts_that_also_begins_an_earlier_line_is_flagged():
    text = ("某某市人民政府关于印发\n政府工作报告的通知\n政府工作报告已经大会审查通过。\n"
            "政府工作报告\n各位代表：\n开场。\n一、工作回顾\n正文。\n")
    detection = detect(text)
    assert detection.structure["regions"][1] == {"name": "title", "starts": "政府工作报告",
                                                 "heading_lines": 1, "heading_level": 1}
    assert detect_module.REVIEW_STARTS.format(k=1, starts="政府工作报告") in detection.review
    assert detection.metadata["issuer"] == "某某市人民政府"
