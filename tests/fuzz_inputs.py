"""Hypothesis strategies for hostile input files, and the in-process runners
that feed them to `check`: shared by tests/test_fuzz.py (a few examples per
test) and bench/fuzz.py (thousands).

An example is the bytes of one annotation file (or one page), drawn from:
real files as they are, real files mutated (cut, spliced, characters
changed), real entries with fields replaced by values of the wrong type or
shape, unknown fields, odd Unicode (controls, direction overrides,
zero-width, lone surrogates), huge strings, deep nesting, aliases and tags,
and plain random bytes.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "plugins"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

KINDS = ("terms", "threads", "indicators")
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: ")
SUMMARY = re.compile(r"^\d+ problems? found; nothing was published\.$")
ODD_CHARACTERS = "\x00\x01\x07\x08\x0b\x0c\x0d\x1b\x7f\x85\x9f\u00a0\u2028\u2029\u200b\u200d\u2060\ufeff" \
                 "\u202a\u202e\u2066\u2069\ud800\udfff\U0001f600\u0301台州\"'\\:#&*!|>-{}[],%@`?"


@lru_cache(maxsize=None)
def real_files(kind: str) -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted((ROOT / "annotations" / kind).glob("*.yml")))


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")  # a lone surrogate gives invalid UTF-8, on purpose


# values of any JSON-like type and shape, to put where a field is expected
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10**30, max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
           | st.text(alphabet=ODD_CHARACTERS, max_size=20) | st.sampled_from(["", "2026-02-30", "0", "~", "yes", "1e999"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4), max_leaves=12)


def _dump(data) -> str:
    # yaml.dump writes &id001 / *id001 for an object met twice: aliases, on purpose
    return yaml.dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)


@st.composite
def wrong_fields(draw, kind: str) -> bytes:
    """A real entry with some fields (top level or nested) replaced, removed or added."""
    data = yaml.safe_load(draw(st.sampled_from(real_files(kind))))
    for _ in range(draw(st.integers(1, 3))):
        target = data
        for _ in range(draw(st.integers(0, 2))):  # walk down into lists and mappings
            if isinstance(target, dict) and target:
                child = target[draw(st.sampled_from(sorted(target, key=str)))]
            elif isinstance(target, list) and target:
                child = draw(st.sampled_from(target))
            else:
                break
            if not isinstance(child, (dict, list)):
                break
            target = child
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target, key=str)))
            if action == "replace":
                target[key] = draw(values)
            elif action == "remove":
                del target[key]
            else:
                target[draw(st.text(min_size=1, max_size=10))] = draw(values)
        elif isinstance(target, list) and target:
            index = draw(st.integers(0, len(target) - 1))
            target[index] = draw(values)
    if draw(st.booleans()):
        shared = draw(values)
        data = {**data, "x_alias_a": shared, "x_alias_b": shared} if isinstance(data, dict) else data
    return encode(_dump(data))


@st.composite
def mutated(draw, kind: str) -> bytes:
    """A real file with a few slices cut, repeated or replaced by odd text."""
    text = draw(st.sampled_from(real_files(kind)))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        insert = draw(st.sampled_from(["", text[start:end] * 2, "\n", "  ", ": ", "- ", "&a ", "*a", "!!str ", "\t"])
                      | st.text(alphabet=ODD_CHARACTERS, max_size=6) | st.text(max_size=6))
        text = text[:start] + insert + text[end:]
    return encode(text)


def _nested(depth: int, mapping: bool) -> str:
    return ("{a: " * depth + "1" + "}" * depth) if mapping else ("[" * depth + "1" + "]" * depth)


def alias_bomb(levels: int) -> str:
    names = [f"n{i}" for i in range(levels + 1)]
    return "n0: &n0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n" for previous, name in zip(names, names[1:]))


hostile = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda n, m: f"id: x\nterm: {_nested(n, m)}\n".encode(), st.integers(1, 2000), st.booleans()),
    st.builds(lambda n: ("definition: " + "长" * n + "\n").encode(), st.sampled_from([2001, 70_000, 300_000])),
    st.builds(lambda t: encode(t), st.text(alphabet=ODD_CHARACTERS, max_size=200)),
    st.builds(lambda n: alias_bomb(n).encode(), st.integers(1, 9)),
    st.sampled_from([b"a: !!python/object/apply:os.system [echo hi]\n", b"!!binary aGk=\n", b"--- 1\n--- 2\n",
                     b"? [a]\n: b\n", b"a: =\n", b"<<: 5\n", b"%YAML 1.1\n---\nid: x\n", b"id: " + b"9" * 5000 + b"\n",
                     "\ufeffid: x\n".encode(), "id: 台州\n".encode("gbk"), "id: x\n".encode("utf-16")]),
)


def annotation_file(kind: str) -> st.SearchStrategy[bytes]:
    valid = st.sampled_from(real_files(kind)).map(encode)
    return st.one_of(valid, mutated(kind), wrong_fields(kind), hostile)


@st.composite
def front_matter_page(draw) -> bytes:
    """A content page: random, mutated or hostile front matter over a short body."""
    choice = draw(st.sampled_from(["values", "mutated", "text", "bytes"]))
    if choice == "values":
        meta = draw(st.dictionaries(st.sampled_from(["title", "slug", "template", "lang", "date", "summary", "source_file",
                                                     "delivered", "x"]) | st.text(max_size=6), values, max_size=6))
        head = _dump(meta)
    elif choice == "mutated":
        head = "title: 关于本站\nslug: about\ntemplate: about\nlang: zh-cn\n"
        start = draw(st.integers(0, len(head)))
        odd = draw(st.text(alphabet=ODD_CHARACTERS, max_size=8) | st.sampled_from(["&a ", "*a", "!!x "]))
        head = head[:start] + odd + head[start:]
    elif choice == "text":
        head = draw(st.text(max_size=80))
    else:
        return b"---\n" + draw(st.binary(max_size=120)) + b"\n---\n\xe6\xad\xa3\xe6\x96\x87\n"
    return encode("---\n" + head + ("" if head.endswith("\n") else "\n") + "---\n正文\n")


ID_LINE = re.compile(rb"^id: ([a-z0-9][a-z0-9-]{0,79})\s*$", re.MULTILINE)


_last_time = [0]


def rewrite(path: Path, data: bytes) -> None:
    """Write `data`, with a modification time later than any earlier rewrite's:
    a file rewritten within one clock tick, its size unchanged, must still look
    changed to what the check keeps between runs (warm.file_key)."""
    path.write_bytes(data)
    stamp = max(path.stat().st_mtime_ns, _last_time[0] + 1_000_000)
    os.utime(path, ns=(stamp, stamp))
    _last_time[0] = stamp


@contextlib.contextmanager
def placed(folder: Path, kind: str, data: bytes):
    """Write `data` as one annotation file, named after its id when it has one
    (so that a valid file can pass: it replaces the real entry), and put the
    folder back as it was afterwards."""
    found = ID_LINE.search(data)
    path = folder / kind / (found.group(1).decode() + ".yml" if found else "fuzz.yml")
    before = path.read_bytes() if path.is_file() else None
    rewrite(path, data)
    try:
        yield path
    finally:
        if before is None:
            path.unlink()
        else:
            rewrite(path, before)


def run_check(args: list[str]) -> tuple[int, str]:
    """`build.py check` in this process; its status and everything it printed.
    What it keeps between runs is kept: files are changed with `rewrite`."""
    import build

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = build.main(["check", *args])
    return status, out.getvalue() + err.getvalue()


def unlocated_lines(output: str) -> list[str]:
    """Lines of check's output that are neither a located problem, its hint, nor a summary."""
    return [line for line in output.splitlines()
            if line and not line.startswith("    hint: ") and line != "check: no problems"
            and not LOCATED.match(line) and not SUMMARY.match(line)]


def problem_kinds(output: str) -> list[str]:
    """Each problem's message with the editor's words and numbers blanked: its kind."""
    kinds = []
    for line in output.splitlines():
        match = LOCATED.match(line)
        if match:
            message = line[match.end():]
            message = re.sub(r"^\S+ (contains|shows) ", r"<field> \1 ", message)
            message = re.sub(r"^\S+: .*? ((is|does|has|should|was) )", r"<field>: <value> \1", message)
            message = re.sub(r"U\+[0-9A-F]+|#x[0-9a-f]+|'[^']*'|“[^”]*”|\([^)]*\)|\d+", "…", message)
            kinds.append(message[:80])
    return kinds


class StageRunner:
    """Load + collect + resolve on one file at a time, without `build.main`'s
    settings and content check: ~100 times faster, for thousands of examples."""

    def __init__(self, folder: Path) -> None:
        import build
        from library.resolve import resolve

        self.folder = folder
        self.settings = build.load_settings({"ANNOTATIONS_PATH": str(folder)})
        self.reports = resolve(self.settings).reports  # parsed once
        for kind in KINDS:
            (folder / kind).mkdir(parents=True, exist_ok=True)

    def run(self, kind: str, data: bytes) -> str:
        from annotations import check, model
        from annotations.well_formed import resolvable
        from library.resolve import locate_annotations
        from problems import report

        with placed(self.folder, kind, data):
            model.forget()  # the fuzzed file may keep its size and time
            ann = model._load(self.folder)
            fit = resolvable(ann, self.settings)
            problems = ann.problems + check._collect(ann, self.settings) + check._references(fit)
            problems += locate_annotations(self.reports, fit).problems
        return report(problems) if problems else "check: no problems"
