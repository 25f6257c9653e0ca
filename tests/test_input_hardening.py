"""Hostile and broken input files give located problems, never tracebacks,
hangs or leaks: small files in, exact `path:line:col: message` + hint out.
All in process (`build.main(["check", ...])`), no subprocess."""
from __future__ import annotations

import os
import textwrap
import time

import pytest

from conftest import GOOD_TERM

import build  # noqa: E402  (conftest puts the repository root on sys.path)
import input_files as inp
import yaml_safe
from annotations import side_files, text_rules

SECRET = "s3cr3t-token-value"


@pytest.fixture
def folder(annotations_folder):
    return annotations_folder


def write(folder, kind, name, text: str | bytes):
    path = folder / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check(capsys, annotations=None, content=None) -> tuple[int, str]:
    args = ["check"]
    if annotations:
        args += ["--annotations", str(annotations)]
    if content:
        args += ["--content", str(content)]
    status = build.main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return status, captured.err


def located(path, line, column, message, hint=""):
    return f"{path}:{line}:{column}: {message}" + (f"\n    hint: {hint}" if hint else "")


# 1. YAML: the alias bomb, tags, size ------------------------------------------------

def alias_bomb() -> str:
    """Nine levels of nine references: 9**9 (387 million) strings once expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_once(folder, capsys):
    path = write(folder, "terms", "x.yml", alias_bomb())
    started = time.perf_counter()
    status, err = check(capsys, folder)
    assert time.perf_counter() - started < 5  # was 30 s and MemoryError
    assert status == 1
    assert located(path, 1, 4, yaml_safe.MSG_ALIAS, yaml_safe.HINT_ALIAS) in err
    assert "YAML anchors and aliases (&name, *name) are not allowed\n    hint: write the value out in full" in err


def test_a_lone_alias_is_refused_where_it_stands(folder, capsys):
    path = write(folder, "terms", "tenglong.yml", GOOD_TERM.replace("reviewed: 2026-11-28", "reviewed: *when"))
    status, err = check(capsys, folder)
    assert located(path, 14, 11, yaml_safe.MSG_ALIAS, yaml_safe.HINT_ALIAS) in err


def test_the_legacy_loader_refuses_aliases_too():
    from annotations import yaml_positions

    with pytest.raises(yaml_positions.YamlError) as raised:
        yaml_positions.load(alias_bomb())
    assert (raised.value.line, raised.value.column, str(raised.value)) == (1, 4, yaml_safe.MSG_ALIAS)


def test_python_object_tag_is_refused_with_its_place(folder, capsys):
    path = write(folder, "terms", "tenglong.yml",
                 GOOD_TERM.replace("category: slogan", "category: !!python/object/apply:os.system [echo hi]"))
    status, err = check(capsys, folder)
    assert status == 1
    assert located(path, 6, 11, "YAML tags (!!python/object/apply:os.system) are not allowed", yaml_safe.HINT_TAG) in err


def test_any_tag_is_refused():
    with pytest.raises(inp.InputError) as raised:
        yaml_safe.load_yaml("a:\n  b: !custom [1]\n", "f.yml")
    assert str(raised.value.problem) == located("f.yml", 2, 6, "YAML tags (!custom) are not allowed", yaml_safe.HINT_TAG)


def test_deep_nesting_and_huge_numbers_are_refused():
    with pytest.raises(inp.InputError) as raised:
        yaml_safe.load_yaml("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)), "f.yml")
    assert str(raised.value.problem) == located("f.yml", 33, 65, "lists and mappings are nested more than 32 levels deep",
                                                yaml_safe.HINT_TOO_DEEP)
    with pytest.raises(inp.InputError) as raised:
        yaml_safe.load_yaml("year: " + "9" * 5000, "f.yml")  # int() would raise ValueError
    assert str(raised.value.problem) == located("f.yml", 1, 7, "this number has 5000 digits; at most 1000 are allowed",
                                                yaml_safe.HINT_LONG_NUMBER)


def test_a_file_over_the_size_cap_is_not_parsed(folder, capsys):
    path = write(folder, "terms", "big.yml", "# " + "x" * 300_000 + "\n")
    status, err = check(capsys, folder)
    assert located(path, 1, 1, "the file has 300003 bytes; at most 262144 are allowed", inp.HINT_TOO_BIG) in err


# 2. Files that are not UTF-8 text, or not files -----------------------------------

@pytest.mark.parametrize("data, line, column, message, hint", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(0x80, 0x100)), 1, 1, "the file is not UTF-8 text (byte 0x89)", inp.HINT_NOT_TEXT),
    ("id: x\nterm: 台州市政府工作报告\n".encode("gbk"), 2, 7, "the file is not UTF-8: it looks like GB18030 (GBK)",
     "convert it: iconv -f GB18030 -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}"),
    ("id: x\nterm: 台州\n".encode("utf-16"), 1, 1,
     "the file is not UTF-8: it looks like UTF-16LE (it starts with a UTF-16 byte order mark)",
     "convert it: iconv -f UTF-16 -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}"),
    ("id: x\nterm: 台州\n".encode("utf-16-le"), 1, 1, "the file is not UTF-8: it looks like UTF-16LE",
     "convert it: iconv -f UTF-16LE -t UTF-8 {path} > {path}.utf8 && mv {path}.utf8 {path}"),
    ("\ufeffid: x\n".encode("utf-8"), 1, 1, inp.MSG_BOM, inp.HINT_BOM),
    (b"id: x\nterm: a\x00b\n", 2, 8, inp.MSG_NUL, inp.HINT_NUL),
], ids=["random-bytes", "gbk", "utf16-bom", "utf16le", "utf8-bom", "nul"])
def test_undecodable_files_name_the_encoding_and_the_fix(folder, capsys, data, line, column, message, hint):
    path = write(folder, "terms", "x.yml", data)
    status, err = check(capsys, folder)
    assert status == 1
    assert located(path, line, column, message, hint.format(path=path)) in err


def test_dangling_link_directory_and_fifo_are_located(folder, capsys):
    os.symlink(folder / "nowhere.yml", folder / "terms" / "gone.yml")
    (folder / "terms" / "dir.yml").mkdir()
    os.mkfifo(folder / "terms" / "pipe.yml")  # opening it would block the check forever
    status, err = check(capsys, folder)
    assert status == 1
    assert located(folder / "terms" / "gone.yml", 1, 1, inp.MSG_DANGLING_LINK, inp.HINT_LINK) in err
    assert located(folder / "terms" / "dir.yml", 1, 1, inp.MSG_DIRECTORY, inp.HINT_NOT_A_FILE) in err
    assert located(folder / "terms" / "pipe.yml", 1, 1, inp.MSG_NOT_REGULAR, inp.HINT_NOT_A_FILE) in err


def test_a_link_outside_the_folder_is_not_read_nor_echoed(folder, tmp_path, capsys):
    secret = tmp_path / "credentials.json"
    secret.write_text('{"api_token": "%s", "password": "%s"}' % (SECRET, SECRET), encoding="utf-8")
    os.symlink(secret, folder / "terms" / "leak.yml")
    status, err = check(capsys, folder)
    assert status == 1
    assert located(folder / "terms" / "leak.yml", 1, 1, f"this is a link to a file outside {folder}; it was not read",
                   inp.HINT_LINK) in err
    assert SECRET not in err and "api_token" not in err and "password" not in err


def test_a_link_inside_the_folder_is_read(folder, capsys):
    (folder / "shared").mkdir()
    write(folder, "shared", "tenglong.yml", GOOD_TERM)
    os.symlink(folder / "shared" / "tenglong.yml", folder / "terms" / "tenglong.yml")
    status, err = check(capsys, folder)
    assert (status, err) == (0, "")


# coverage.yml and categories.yml ---------------------------------------------------

@pytest.mark.parametrize("name, text, line, column, message, hint", [
    ("coverage.yml", "- 零\n- 稳\n", 1, 1, "coverage.yml must be a mapping of field: value", side_files.HINT_COVERAGE),
    ("coverage.yml", "emphasis: 零\n", 1, 1, side_files.MSG_EMPHASIS_NOT_LIST, side_files.HINT_COVERAGE),
    ("coverage.yml", "emphasis:\n  - 零\n  - 2211\n", 3, 5, side_files.MSG_EMPHASIS_ITEM, 'quote it: - "2211"'),
    ("coverage.yml", "emphasis: [零]\nemphasize: [稳]\n", 2, 1, "unknown field 'emphasize' in coverage.yml",
     side_files.HINT_COVERAGE),
    ("coverage.yml", "emphasis: !!python/object:os.system x\n", 1, 11,
     "YAML tags (!!python/object:os.system) are not allowed", yaml_safe.HINT_TAG),
    ("categories.yml", "- policy\n- programme\n", 1, 1, "categories.yml must be a mapping of field: value",
     side_files.HINT_CATEGORIES),
    ("categories.yml", "policy: 政策与方略\nslogan:\n  - 口号\n", 2, 1, "the label of category 'slogan' must be text",
     side_files.HINT_CATEGORIES),
    ("categories.yml", "policy: 政策与方略\n2211: 工程\n", 2, 1, "the category id 2211 must be lowercase ASCII text",
     side_files.HINT_CATEGORIES),
], ids=["coverage-list", "emphasis-text", "emphasis-number", "coverage-unknown", "coverage-tag",
        "categories-list", "category-label", "category-id"])
def test_side_files_are_checked_by_shape(folder, capsys, name, text, line, column, message, hint):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    status, err = check(capsys, folder)
    assert status == 1
    assert located(path, line, column, message, hint) in err


def test_a_malformed_categories_file_leaves_the_build_usable_labels(folder):
    from annotations.views import category_labels

    (folder / "categories.yml").write_text("policy: 政策与方略\nslogan: [口号]\n", encoding="utf-8")
    assert category_labels(folder) == {"policy": "政策与方略"}
    (folder / "categories.yml").write_text("just text\n", encoding="utf-8")
    assert category_labels(folder) == {}


def test_scaffold_with_a_broken_templates_file_says_where(folder, capsys):
    from annotations.scaffold import scaffold

    (folder / "templates.yml").write_text("term: &t x\nthread: *t\n", encoding="utf-8")
    assert scaffold("term", "亩均论英雄", root=folder) == 1
    assert located(folder / "templates.yml", 1, 7, yaml_safe.MSG_ALIAS, yaml_safe.HINT_ALIAS) in capsys.readouterr().err


# content pages ---------------------------------------------------------------------

def test_a_gbk_page_is_located(content_copy, capsys):
    page = content_copy / "pages" / "about.md"
    page.write_bytes(page.read_text(encoding="utf-8").encode("gb18030"))
    status, err = check(capsys, content=content_copy)
    assert status == 1
    assert located(page, 2, 8, "the file is not UTF-8: it looks like GB18030 (GBK)",
                   f"convert it: iconv -f GB18030 -t UTF-8 {page} > {page}.utf8 && mv {page}.utf8 {page}") in err


def test_front_matter_aliases_are_refused_at_the_file_line(content_copy, capsys):
    page = content_copy / "pages" / "about.md"
    page.write_text("---\ntitle: &t 关于本站\nslug: about\nsummary: *t\n---\n正文\n", encoding="utf-8")
    status, err = check(capsys, content=content_copy)
    assert located(page, 2, 8, yaml_safe.MSG_ALIAS, yaml_safe.HINT_ALIAS) in err


def test_front_matter_syntax_error_keeps_its_wording(content_copy, capsys):
    page = content_copy / "pages" / "about.md"
    page.write_text("---\ntitle: [unclosed\nslug: about\n---\n正文\n", encoding="utf-8")
    status, err = check(capsys, content=content_copy)
    assert located(page, 3, 5, "front matter is not valid YAML: did not find expected ',' or ']'",
                   yaml_safe.HINT_YAML_SYNTAX) in err


def test_a_directory_named_like_a_page_is_located(content_copy, capsys):
    (content_copy / "pages" / "extra.md").mkdir()
    status, err = check(capsys, content=content_copy)
    assert located(content_copy / "pages" / "extra.md", 1, 1, inp.MSG_DIRECTORY, inp.HINT_NOT_A_FILE) in err


def test_source_file_outside_the_report_folder_is_not_read(content_copy, tmp_path, capsys):
    (tmp_path / "secret.txt").write_text(SECRET * 10, encoding="utf-8")
    folder = content_copy / "reports" / "taizhou-2022"
    (folder / "source.txt").unlink()
    os.symlink(tmp_path / "secret.txt", folder / "source.txt")
    status, err = check(capsys, content=content_copy)
    assert status == 1
    assert located(folder / "source.txt", 1, 1, f"this is a link to a file outside {folder}; it was not read",
                   inp.HINT_LINK) in err
    assert SECRET not in err


def test_the_reader_raises_a_located_error_for_a_gbk_page(content_copy):
    from report_markdown.plugin import ReportMarkdownReader

    page = content_copy / "pages" / "about.md"
    page.write_bytes("---\ntitle: 关于\n---\n正文\n".encode("gb18030"))
    reader = ReportMarkdownReader(build.load_settings({"PATH": str(content_copy)}))
    with pytest.raises(inp.InputError) as raised:
        reader.read(str(page))
    assert str(raised.value).startswith(f"{page}:2:8: the file is not UTF-8: it looks like GB18030 (GBK)")


# 3. Text rules and length limits ---------------------------------------------------

@pytest.mark.parametrize("old, new, line, column, message, hint", [
    ("结构优化。", "结构优化。![图](http://host/x.png)", 8, 1,
     "definition shows an image (http://host/x.png); images are not allowed", text_rules.HINT_IMAGE),
    ("short: 淘汰落后产能、", 'short: "淘汰落后产能\\0、', 7, 1, "short contains the control character U+0000",
     text_rules.HINT_CONTROL),
    ("short: 淘汰落后产能、", 'short: "淘汰落后产能\\e[31m、', 7, 1, "short contains the control character U+001B",
     text_rules.HINT_CONTROL),
    ("short: 淘汰落后产能、", 'short: "淘汰落后产能\\x85、', 7, 1, "short contains the control character U+0085",
     text_rules.HINT_CONTROL),
    ("term: 腾笼换鸟", "term: 腾笼换鸟\u202e", 3, 1,
     "term contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)", text_rules.HINT_INVISIBLE),
    ("  - 腾笼换鸟、凤凰涅槃", "  - 腾笼换鸟、\u200b凤凰涅槃", 5, 5,
     "match.0 contains the invisible character U+200B (ZERO WIDTH SPACE)", text_rules.HINT_INVISIBLE),
    ("    publisher: 浙江省人民政府", "    publisher: 浙江省\u2066人民政府", 13, 5,
     "sources.0.publisher contains the invisible character U+2066 (LEFT-TO-RIGHT ISOLATE)", text_rules.HINT_INVISIBLE),
    ("reviewed:", "related: [mujun, tenglong]\nreviewed:", 14, 18, text_rules.MSG_SELF_RELATED,
     "remove 'tenglong' from related"),
    ("term: 腾笼换鸟", "term: " + "腾" * 41, 3, 1, "term: is 41 characters long; at most 40 are allowed", ""),
], ids=["image", "nul", "escape", "c1", "rlo", "zero-width", "isolate", "self-related", "too-long"])
def test_text_rules(folder, capsys, old, new, line, column, message, hint):
    assert old in GOOD_TERM
    text = GOOD_TERM.replace(old, new, 1)
    if new.startswith('short: "'):
        text = text.replace("升级方针。\n", '升级方针。"\n', 1)
    path = write(folder, "terms", "tenglong.yml", text)
    status, err = check(capsys, folder)
    assert status == 1
    assert located(path, line, column, message, hint) in err


def test_a_huge_wrong_value_is_not_quoted_in_full(folder, capsys):
    path = write(folder, "terms", "tenglong.yml", GOOD_TERM.replace("reviewed: 2026-11-28", "reviewed: " + "x" * 100_000))
    status, err = check(capsys, folder)
    assert status == 1
    assert all(len(line) < 400 for line in err.splitlines())
    assert f"{path}:14:1: reviewed: '{'x' * 59}… is not valid under any of the given schemas" in err


def test_the_real_annotations_pass_the_new_rules(capsys):
    status, err = check(capsys)
    assert (status, err) == (0, "")


# 4. Wrong types reach only the collect phase ----------------------------------------

def test_an_entry_with_wrong_types_is_reported_not_resolved(folder, capsys):
    """Found by tests/test_fuzz.py: `thread: [a]` crashed the resolve phase
    (TypeError: unhashable type: 'list'), `values: 5` too."""
    term = write(folder, "terms", "tenglong.yml", GOOD_TERM.replace("reviewed:", "related: [[mujun]]\nreviewed:"))
    indicator = write(folder, "indicators", "gdp.yml", """\
        # yaml-language-server: $schema=../../schemas/indicator.schema.json
        id: gdp
        name: 生产总值
        unit: 亿元
        values: 5
        thread: [economy]
        """)
    thread = write(folder, "threads", "rd.yml", """\
        # yaml-language-server: $schema=../../schemas/thread.schema.json
        id: rd
        title: 研发投入
        summary: 研发经费支出占生产总值比重的变化。
        anchors:
          - part: goals
            quote: 研发经费支出占生产总值比重达到3.4%以上
            note: 一处。
          - part: review
            quote: 累计为企业减负1451亿元
            note: 两处。
        terms: [tenglong]
        indicators: [gdp]
        """)
    status, err = check(capsys, folder)
    assert status == 1
    assert located(term, 14, 11, "related.0: ['mujun'] is not of type 'string'",
                   "ASCII slug: lowercase letters, digits, hyphens") in err
    assert located(indicator, 5, 1, "values: 5 is not of type 'array'") in err
    assert located(indicator, 6, 1, "thread: ['economy'] is not of type 'string'",
                   "ASCII slug: lowercase letters, digits, hyphens") in err
    assert str(thread) not in err  # its references to the broken entries are known ids
    assert err.endswith("3 problems found; nothing was published.\n")


# 5. Front matter that the build would refuse ---------------------------------------

@pytest.mark.parametrize("front, line, message, hint", [
    ("slug: about\n", 2, "the page has no title", "write `title: …` between the --- lines"),
    ("title: 关于\ndate: 5\n", 3, "'date' is not a date", "write YYYY-MM-DD"),
    ("title: 关于\ndate: 2026-02-30\n", 3, "'date' is not a date", "write YYYY-MM-DD"),
    ("title: 关于\nstatus: 7\n", 3, "'status' must be text", "quote it"),
    ("title: 关于\nstatus: public\n", 3, "status must be one of: published, hidden, draft", ""),
    ("title: 关于\nslug: {a: 1}\n", 3, "'slug' must be text", "quote it"),
    ("title: 关于\nsave_as: ../../escape.html\n", 3, "'save_as' must be a path inside the site, without '..'",
     "for example: about.html"),
    ("title: 关于\ntemplate: nonexistent\n", 3, "there is no template 'nonexistent' in the theme",
     "use a file name of theme/templates/ without .html"),
    ("title: 关于\nlang: zh-CN\n", 3, "lang 'zh-CN' is not the site's language 'zh-cn': the page would not be published",
     "write lang: zh-cn"),
], ids=["no-title", "date-number", "date-unreal", "status-number", "status-unknown", "slug-mapping", "save-as-outside",
        "template", "lang"])
def test_front_matter_the_build_would_refuse(content_copy, capsys, front, line, message, hint):
    page = content_copy / "pages" / "about.md"
    page.write_text(f"---\n{front}---\n正文\n", encoding="utf-8")
    status, err = check(capsys, content=content_copy)
    assert status == 1
    assert located(page, line, 1, message, hint) in err


def test_a_page_without_front_matter_has_no_title(content_copy, capsys):
    page = content_copy / "pages" / "about.md"
    page.write_text("正文\n", encoding="utf-8")
    status, err = check(capsys, content=content_copy)
    assert located(page, 1, 1, "the page has no title", "start the file with three lines: ---, title: …, ---") in err


def test_links_out_of_the_content_folder_are_refused(content_copy, tmp_path, capsys):
    """A link in content/ could be copied into the site as it resolves: a link
    to a secret would be published. A page linked outside is reported once."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", content_copy / "pages" / "notes.txt")
    os.symlink(tmp_path / "secret.txt", content_copy / "pages" / "leak.md")
    os.symlink(tmp_path / "nowhere.txt", content_copy / "pages" / "gone.txt")
    status, err = check(capsys, content=content_copy)
    outside = f"this is a link to a file outside {content_copy}; it was not read"
    assert located(content_copy / "pages" / "notes.txt", 1, 1, outside, inp.HINT_LINK) in err
    assert err.count(located(content_copy / "pages" / "leak.md", 1, 1, outside, inp.HINT_LINK)) == 1
    assert located(content_copy / "pages" / "gone.txt", 1, 1, inp.MSG_DANGLING_LINK, inp.HINT_LINK) in err
    assert SECRET not in err and err.endswith("3 problems found; nothing was published.\n")
