"""`build.py check` on bad annotations: every problem as path:line:column,
the reason and a hint; all problems in one run; non-zero exit; and a build with
problems leaves the last good output/ as it was. Run in process (`build.main`),
as an editor's `build.py check` would print it."""
from __future__ import annotations

import subprocess
import textwrap

import pytest

from conftest import GOOD_TERM, run_main



def write(folder, kind, name, text):
    path = folder / kind / f"{name}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check(annotations) -> subprocess.CompletedProcess:
    return run_main("check", "--annotations", str(annotations))


@pytest.fixture
def folder(annotations_folder):
    return annotations_folder


def lines_for(result, name):
    return [line for line in result.stderr.splitlines() if line.startswith(str(name))]


def test_a_good_entry_passes(folder):
    write(folder, "terms", "tenglong", GOOD_TERM)
    result = check(folder)
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout


def test_malformed_yaml_names_file_line_and_column(folder):
    path = write(folder, "terms", "tenglong", GOOD_TERM.replace("category: slogan", "category: [slogan"))
    result = check(folder)
    assert result.returncode == 1
    [line] = lines_for(result, path)
    assert line.startswith(f"{path}:7:") and "this is not valid YAML" in line


def test_unknown_field_suggests_the_known_one(folder):
    path = write(folder, "terms", "tenglong", GOOD_TERM.replace("category: slogan", "categroy: slogan"))
    result = check(folder)
    assert f"{path}:6:1: unknown field 'categroy'\n    hint: did you mean 'category'?" in result.stderr
    assert f"{path}:2:1: missing required field 'category'" in result.stderr


@pytest.mark.parametrize("value", ["1", "'x'", "{title: a}", "true"])
def test_sources_that_are_not_a_list_are_a_located_problem(folder, value):
    """Found by the fuzz test: `sources: 1` crashed the date check (a bug, with traceback)."""
    path = write(folder, "terms", "tenglong", GOOD_TERM.replace(
        "sources:\n  - title: 示例出处\n    url: https://www.zj.gov.cn/\n    publisher: 浙江省人民政府\n", f"sources: {value}\n"))
    result = check(folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{path}:10:1: sources: " in result.stderr and "is not of type 'array'" in result.stderr


def test_duplicate_id_names_both_files(folder):
    write(folder, "terms", "tenglong", GOOD_TERM)
    other = write(folder, "terms", "tenglong2", GOOD_TERM.replace("  - 腾笼换鸟、凤凰涅槃", "  - 亩均论英雄"))
    result = check(folder)
    assert f"{other}:2:1: the file name does not match the id 'tenglong'" in result.stderr
    assert f"{other}:2:1: the term id 'tenglong' is already used by " in result.stderr
    assert "tenglong.yml:2" in result.stderr


def test_quote_not_in_report_shows_the_nearest_text(folder):
    path = write(folder, "threads", "rd", """\
        # yaml-language-server: $schema=../../schemas/thread.schema.json
        id: rd
        title: 研发投入
        summary: 研发经费支出占生产总值比重的变化。
        anchors:
          - part: review
            quote: 研发经费支出占生产总值比重达到3.4%以下
            note: 写错了的引文。
          - part: tasks
            quote: 累计为企业减负1451亿元
            note: 放错部分的引文。
        """)
    result = check(folder)
    assert result.returncode == 1
    assert f"{path}:7:5: the quote is not in the report: “研发经费支出占生产总值比重达到3.4%以下”" in result.stderr
    assert "hint: nearest text in the report (p2-2): “研发经费支出占生产总值比重达到3.4%以上”" in result.stderr
    assert f"{path}:9:5: the quote stands in part 'review', not 'tasks'\n    hint: write part: review" in result.stderr


def test_ambiguous_quote_asks_for_prefix_or_suffix(folder):
    path = write(folder, "threads", "gdp", """\
        # yaml-language-server: $schema=../../schemas/thread.schema.json
        id: gdp
        title: 生产总值
        summary: 生产总值的变化与目标。
        anchors:
          - part: review
            quote: 生产总值
            note: 出现多次。
          - part: goals
            quote: 全市生产总值达到8000亿元
            note: 目标。
        """)
    result = check(folder)
    [line, hint] = result.stderr.split(f"{path}:7:5: ")[1].splitlines()[:2]
    assert line.startswith("the quote occurs ") and " times in the report (blocks " in line
    assert "add a prefix or suffix" in hint


def test_misspelt_reference_suggests_the_closest_id(folder):
    write(folder, "terms", "tenglong", GOOD_TERM)
    path = write(folder, "terms", "mujun", GOOD_TERM.replace("id: tenglong", "id: mujun")
                 .replace("  - 腾笼换鸟、凤凰涅槃", "  - 亩均论英雄").replace("reviewed:", "related: [tenglon]\nreviewed:"))
    result = check(folder)
    assert f"{path}:14:11: 'tenglon' is not a known term id\n    hint: did you mean 'tenglong'?" in result.stderr


def test_unsafe_link_bad_date_and_all_problems_in_one_run(folder):
    path = write(folder, "terms", "tenglong", GOOD_TERM.replace("https://www.zj.gov.cn/", "javascript:alert(1)")
                 .replace("reviewed: 2026-11-28", "reviewed: 2026-02-30")
                 .replace("结构优化。", "结构优化[点此](ftp://example.com)。"))
    result = check(folder)
    assert result.returncode == 1
    assert f"{path}:12:5: sources.0.url: 'javascript:alert(1)' does not match" in result.stderr
    assert f"{path}:14:1: 'reviewed' is not a real date" not in result.stderr  # the message quotes the value
    assert f"{path}:14:1: '2026-02-30' is not a real date" in result.stderr
    assert f"{path}:8:1: the link 'ftp://example.com' is not http(s)" in result.stderr
    assert "3 problems found; nothing was published." in result.stderr


def test_form_missing_from_report(folder):
    path = write(folder, "terms", "tenglong", GOOD_TERM.replace("  - 腾笼换鸟、凤凰涅槃", "  - 腾笼换鸟，凤凰涅槃"))
    result = check(folder)
    assert f"{path}:5:5: the form “腾笼换鸟，凤凰涅槃” does not occur in any report" in result.stderr


def test_build_with_bad_annotations_keeps_the_last_good_output(folder, tmp_path):
    write(folder, "terms", "tenglong", GOOD_TERM)
    output = tmp_path / "output"
    assert run_main("build", "--output", str(output), "--no-pdf", "--annotations", str(folder)).returncode == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    write(folder, "terms", "tenglong", GOOD_TERM.replace("id: tenglong", "id: Teng Long"))
    result = run_main("build", "--output", str(output), "--no-pdf", "--annotations", str(folder))
    assert result.returncode == 1 and "nothing was published" in result.stderr
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_new_scaffolds_a_file_that_names_its_schema(folder, tmp_path):
    from annotations.scaffold import scaffold

    assert scaffold("term", "亩均论英雄", root=folder) == 0
    text = (folder / "terms" / "mu-jun-lun-ying-xiong.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/term.schema.json\nid: mu-jun-lun-ying-xiong\n")
    assert "pinyin: mǔ jūn lùn yīng xióng" in text
    assert scaffold("term", "亩均论英雄", root=folder) == 1  # never overwrites
