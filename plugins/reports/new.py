"""`build.py new report <slug> --source FILE.txt` and `build.py convert <slug>`.

`new_report` makes content/reports/<slug>/ (source.txt, a byte copy; report.yml,
the detected structure and metadata guesses; report.md, the conversion) and
says what it found and what the editor should check. `convert_report` writes
report.md again from source.txt and report.yml's `structure`: that is how an
editor applies a corrected structure.

A user mistake gets one message (where: what, then a hint), exit status 1, no
traceback, and no change on disk: the new folder is written under a temporary
name and renamed into place only when complete.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from reports.convert import ConvertError, convert
from reports.detect import Detection, detect
from reports.report_yml import render
from reports.source import MISSING, Refusal, read_source, shown, write_atomic

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"

BAD_SLUG = "not a valid report slug"
BAD_SLUG_HINT = "use lowercase ASCII letters, digits and single hyphens, e.g. the city and year: qingyu-2023"
NO_CONTENT = "no such content folder"
NO_CONTENT_HINT = "give an existing folder with --content (the default is the project's content/)"
EXISTS = "already exists"
EXISTS_HINT = ("choose another slug, or remove the folder first; to rewrite its report.md from its "
               "report.yml, run `python build.py convert {slug}`")
NO_PARTS = "no part heading found (a line starting 一、)"
NO_PARTS_HINT = ("a work report's parts start with 一、二、… at the beginning of a line; check that this "
                 "is the report's text, with its line breaks")
NOT_DETECTED = "the detected structure does not convert: {error}"
NOT_DETECTED_HINT = "this is a bug in reports/detect.py; please report it with the source file"
NO_FOLDER = "no such report folder"
NO_FOLDER_HINT = "create it with `python build.py new report {slug} --source FILE.txt`"
NO_YML = "no such file"
NO_YML_HINT = "every report folder has a report.yml; `python build.py new report` writes one"
NO_SOURCE_HINT = "a report folder keeps its source text beside report.yml, named by report.yml's source.file"
BAD_YAML = "not valid YAML: {problem}"
BAD_YAML_HINT = "fix the YAML syntax (an editor with the YAML extension shows it as you type)"
BAD_STRUCTURE = "{error}"
BAD_STRUCTURE_HINT = "see `structure` in schemas/report.schema.json"
BAD_START = "{error}"
BAD_START_HINT = ("`starts` is the beginning of a line of {source}, copied exactly (spaces and punctuation "
                  "included); regions are searched in order, `after_parts` ones after the last part heading; "
                  "fix it, then run `python build.py convert {slug}` again")
NEXT_STEPS = """next:
  1. read {yml}: correct the guesses listed above, the summary, and the parts' labels;
     after changing its `structure`, run `python build.py convert {slug}`
  2. python build.py check
  3. make"""


def refuse(refusal: Refusal) -> int:
    print(refusal, file=sys.stderr)
    return 1


def check_slug(slug: str) -> Refusal | None:
    return None if SLUG.match(slug) else Refusal(slug, BAD_SLUG, BAD_SLUG_HINT)


def new_report(slug: str, source: Path, content_root: Path) -> int:
    if (refusal := check_slug(slug)):
        return refuse(refusal)
    if not content_root.is_dir():  # a mistyped --content must not grow a stray tree
        return refuse(Refusal(shown(content_root), NO_CONTENT, NO_CONTENT_HINT))
    reports = content_root / "reports"
    folder = reports / slug
    if folder.exists():
        return refuse(Refusal(shown(folder), EXISTS, EXISTS_HINT.format(slug=slug)))
    read = read_source(source)
    if isinstance(read, Refusal):
        return refuse(read)
    data, text = read
    detection = detect(text)
    if not detection.parts:
        return refuse(Refusal(shown(source), NO_PARTS, NO_PARTS_HINT))
    try:
        markdown = convert(text, detection.structure)
    except ConvertError as error:
        return refuse(Refusal(shown(source), NOT_DETECTED.format(error=error), NOT_DETECTED_HINT))
    report_yml = render(slug, detection, hashlib.sha256(data).hexdigest())
    made_reports = not reports.exists()
    reports.mkdir(exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{slug}.tmp-", dir=reports))
    try:
        (temp / "source.txt").write_bytes(data)
        (temp / "report.yml").write_text(report_yml, encoding="utf-8")
        (temp / "report.md").write_text(markdown, encoding="utf-8")
        temp.chmod(0o755)  # mkdtemp makes it private; a report folder is not
        temp.rename(folder)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        if made_reports and not folder.exists():
            reports.rmdir()
    print(summary(folder, detection))
    return 0


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def summary(folder: Path, detection: Detection) -> str:
    meta = detection.metadata
    lines = [f"wrote {shown(folder)}/ (source.txt, report.yml, report.md)", "", "found:"]
    regions = ", ".join(f"{name} ({plural(n, 'line')})" for name, n in detection.region_lines.items())
    lines.append(f"  regions: {regions or 'none'}")
    for part in detection.parts:
        run_in = f" ({part.run_in} run-in)" if part.run_in else ""
        lines.append(f"  {part.heading} → {part.role} “{part.label}”: "
                     f"{plural(len(part.sections), 'section')}{run_in}, {plural(part.paragraphs, 'paragraph')}")
        lines += [f"      {heading}" for heading in part.sections]
    counts = detection.counts
    lines.append("  " + ", ".join(plural(counts[key], key[:-1]) for key in ("parts", "sections", "paragraphs")))
    for key in ("title", "year", "issuer", "speaker", "occasion", "delivered", "issued", "release"):
        lines.append(f"  {key}: {meta[key] if meta[key] is not None else '(not found)'}")
    if detection.review:
        lines += ["", "to review (also listed at the top of report.yml):"]
        lines += [f"  - {item}" for item in detection.review]
    lines += ["", NEXT_STEPS.format(yml=shown(folder / "report.yml"), slug=folder.name)]
    return "\n".join(lines)


def structure_errors(where: str, data: object) -> list[Refusal]:
    """`structure` checked against the report schema before converting, so a
    missing key is a located message rather than a KeyError."""
    from jsonschema import Draft202012Validator  # only this command needs it

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema = {**schema, "required": ["structure"]}
    structure = data.get("structure") if isinstance(data, dict) else None
    refusals = []
    for error in Draft202012Validator(schema).iter_errors({"structure": structure}):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
        refusals.append(Refusal(f"{where}: {path or 'structure'}", BAD_STRUCTURE.format(error=error.message),
                                BAD_STRUCTURE_HINT))
    return refusals


def convert_report(slug: str, content_root: Path) -> int:
    if (refusal := check_slug(slug)):
        return refuse(refusal)
    folder = content_root / "reports" / slug
    if not folder.is_dir():
        return refuse(Refusal(shown(folder), NO_FOLDER, NO_FOLDER_HINT.format(slug=slug)))
    yml = folder / "report.yml"
    where = shown(yml)
    if not yml.is_file():
        return refuse(Refusal(where, NO_YML, NO_YML_HINT))
    try:
        data = yaml.safe_load(yml.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        place = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        problem = getattr(error, "problem", None) or str(error)
        return refuse(Refusal(place, BAD_YAML.format(problem=problem), BAD_YAML_HINT))
    if (refusals := structure_errors(where, data)):
        print("\n".join(map(str, refusals)), file=sys.stderr)
        return 1
    source = data.get("source")
    source_name = source.get("file") if isinstance(source, dict) else None
    source_name = source_name if isinstance(source_name, str) and source_name else "source.txt"
    read = read_source(folder / source_name)
    if isinstance(read, Refusal):
        return refuse(dataclasses.replace(read, hint=NO_SOURCE_HINT) if read.message == MISSING else read)
    try:
        markdown = convert(read[1], data["structure"])
    except ConvertError as error:
        place = f"{where}: {error.where}" if error.where else shown(folder / source_name)
        hint = BAD_START_HINT.format(source=source_name, slug=slug) if error.where else NO_PARTS_HINT
        return refuse(Refusal(place, BAD_START.format(error=error.message), hint))
    target = folder / "report.md"
    if target.is_file() and target.read_text(encoding="utf-8") == markdown:
        print(f"{shown(target)} is up to date")
        return 0
    write_atomic(target, markdown.encode("utf-8"))
    print(f"wrote {shown(target)}\nnext: python build.py check")
    return 0
