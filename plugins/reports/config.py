"""Find the library's reports and load each one's report.yml.

A report is a folder `content/reports/<slug>/` holding `report.yml` (everything
true of this report and of no other), the official text (`source.file`) and
`report.md` (generated from both by convert.py). Loading never raises for bad
input: every problem is a located value, as for annotations.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from schema_check import Schema

from problems import Problem

REPORTS_DIR = "reports"
CONFIG_NAME = "report.yml"
MARKDOWN_NAME = "report.md"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
OTHER_ROLE = "other"  # text outside the numbered parts (regions)

MSG_BAD_SLUG = "the folder name '{slug}' is not a valid report slug"
MSG_NO_CONFIG = "the report folder has no report.yml"
MSG_SOURCE_MISSING = "the source file '{file}' does not exist"
MSG_SOURCE_CHANGED = "the source file's SHA-256 is {actual}, not the {expected} that report.yml records"
MSG_STALE_MARKDOWN = "report.md is not what report.yml's structure makes of the source: {reason}"
MSG_DUPLICATE_ROLE = "the part role '{role}' is used twice"
MSG_PART_COUNT = "report.yml lists {listed} parts, the report has {found}"
MSG_UNKNOWN_REGION = "the region '{name}' has no title in `regions`"
MSG_NO_REPORTS = "no report found: content/reports/<slug>/report.yml"


@dataclass
class Report:
    """One report's settings (report.yml), with where each field stands."""

    slug: str
    folder: Path
    path: str  # report.yml as shown in messages
    data: dict
    located: object = None  # yaml_positions.Located
    problems: list[Problem] = field(default_factory=list)

    def get(self, key: str, default=None):
        return self.data.get(key, default)

    @property
    def title(self) -> str:
        return str(self.data.get("title", self.slug))

    @property
    def year(self) -> int:
        year = self.data.get("year")
        return year if isinstance(year, int) else 0

    @property
    def parts(self) -> list[dict]:
        parts = self.data.get("parts")
        return [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []

    @property
    def regions(self) -> dict[str, str]:
        regions = self.data.get("regions")
        return regions if isinstance(regions, dict) else {}

    @property
    def source_path(self) -> Path:
        source = self.data.get("source") if isinstance(self.data.get("source"), dict) else {}
        return self.folder / str(source.get("file", "source.txt"))

    @property
    def markdown_path(self) -> Path:
        return self.folder / MARKDOWN_NAME

    @property
    def url(self) -> str:
        """The report page, relative to the site root."""
        return f"{self.slug}/index.html"

    @property
    def pdf_file(self) -> str:
        pdf = self.data.get("pdf") if isinstance(self.data.get("pdf"), dict) else {}
        return str(pdf.get("file", f"{self.slug}.pdf"))

    def role(self, part_number: int) -> str:
        """The role of part N (1-based); `other` outside the numbered parts."""
        if 1 <= part_number <= len(self.parts):
            return str(self.parts[part_number - 1].get("role", f"part-{part_number}"))
        return OTHER_ROLE

    def part_label(self, role: str) -> str:
        for part in self.parts:
            if part.get("role") == role:
                return str(part.get("label", role))
        return ""

    def view(self) -> dict:
        """Plain data for templates, the PDF and search: report.yml's fields
        plus what the site derives (url, source facts)."""
        data = dict(self.data)
        data.pop("structure", None)
        source = dict(data.get("source") or {})
        if self.source_path.is_file():
            source["bytes"] = self.source_path.stat().st_size
        return {**data, "slug": self.slug, "url": self.url, "source": source, "pdf_file": self.pdf_file,
                "parts": self.parts, "regions": self.regions, "year": self.year, "title": self.title}

    def where(self, *path) -> tuple[int, int]:
        return self.located.where(tuple(path)) if self.located else (1, 1)

    def problem(self, path: tuple, message: str, hint: str = "") -> Problem:
        line, column = self.where(*path)
        return Problem(self.path, line, column, message, hint)


def display_path(path: Path) -> str:
    from input_files import display_path as shown

    return shown(path)


def _validator(settings: dict) -> Schema:
    schema = Path(settings.get("SCHEMAS_PATH", "schemas")) / "report.schema.json"
    return Schema(json.loads(schema.read_text(encoding="utf-8")))


def load_report(folder: Path, settings: dict) -> Report:
    from annotations.check import schema_problems
    from input_files import InputError, read_text
    from yaml_safe import MAX_YAML_BYTES, load_yaml

    config = folder / CONFIG_NAME
    report = Report(folder.name, folder, display_path(config), {})
    if not SLUG.match(folder.name):
        report.problems.append(Problem(display_path(folder), 1, 1, MSG_BAD_SLUG.format(slug=folder.name),
                                       "use lowercase letters, digits and hyphens, e.g. city-2023"))
    if not config.is_file():
        report.problems.append(Problem(display_path(folder), 1, 1, MSG_NO_CONFIG,
                                       "add it with `python build.py new report <slug> --source FILE.txt`, or remove the folder"))
        return report
    try:
        located = load_yaml(read_text(config, folder, MAX_YAML_BYTES, report.path), report.path)
    except InputError as error:
        report.problems.append(error.problem)
        return report
    report.located = located
    report.data = located.data if isinstance(located.data, dict) else {}
    for key, line, column in located.duplicate_keys:
        report.problems.append(Problem(report.path, line, column, f"the field '{key}' appears twice in this file", "keep one of them"))
    report.problems += schema_problems(report.path, located, report.data, _validator(settings))
    report.problems += _consistency(report)
    return report


def _consistency(report: Report) -> list[Problem]:
    from annotations.text_rules import _strings, _text_problems

    # the same text rules as annotations: no control, direction or zero-width characters
    problems = [p for path, text in _strings(report.data) for p in _text_problems(report, path, text)]
    roles = [p.get("role") for p in report.parts]
    for index, role in enumerate(roles):
        if role in roles[:index] or role == OTHER_ROLE:
            problems.append(report.problem(("parts", index, "role"), MSG_DUPLICATE_ROLE.format(role=role),
                                           "give each part its own role (review, goals, tasks …)"))
    source = report.source_path
    if not source.is_file():
        problems.append(report.problem(("source", "file"), MSG_SOURCE_MISSING.format(file=source.name),
                                       "the source file sits in the report's folder"))
        return problems
    from input_files import MAX_CONTENT_BYTES, InputError, read_text

    try:  # through input_files: a link out of the folder is refused unread
        text = read_text(source, report.folder, MAX_CONTENT_BYTES, display_path(source))
    except InputError as error:
        return problems + [error.problem]
    expected = (report.data.get("source") or {}).get("sha256")
    actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if isinstance(expected, str) and expected != actual:
        problems.append(report.problem(("source", "sha256"), MSG_SOURCE_CHANGED.format(actual=actual, expected=expected),
                                       "the published text never changes: restore the official file, or, for a corrected "
                                       "official text, record its new SHA-256 and say why in the commit"))
    return problems


def check_markdown(report: Report) -> list[Problem]:
    """report.md must be exactly what convert.py makes of the source with the
    structure rules (it is generated, never edited by hand)."""
    from .convert import ConvertError, convert

    if not report.source_path.is_file() or not isinstance(report.data.get("structure"), dict):
        return []
    try:
        expected = convert(report.source_path.read_text(encoding="utf-8"), report.data["structure"])
    except ConvertError as error:
        return [report.problem(("structure",), MSG_STALE_MARKDOWN.format(reason=error),
                               "correct the structure rules in report.yml")]
    shown = display_path(report.markdown_path)
    if not report.markdown_path.is_file():
        return [Problem(shown, 1, 1, MSG_STALE_MARKDOWN.format(reason="report.md is missing"),
                        f"run `python build.py convert {report.slug}`")]
    actual = report.markdown_path.read_text(encoding="utf-8")
    if actual == expected:
        return []
    line = next((n for n, (a, b) in enumerate(zip(actual.split("\n"), expected.split("\n")), 1) if a != b),
                min(actual.count("\n"), expected.count("\n")) + 1)
    return [Problem(shown, line, 1, MSG_STALE_MARKDOWN.format(reason=f"line {line} differs"),
                    f"report.md is generated: change report.yml's structure, then run `python build.py convert {report.slug}`")]


def report_folders(content: Path) -> list[Path]:
    root = content / REPORTS_DIR
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []


def load_reports(settings: dict) -> list[Report]:
    """Every report, newest first (year, then issue date, then slug). A report
    whose folder and schema did not change since the last build of a warm
    process (`serve`) is not read again (plugins/warm.py)."""
    import warm

    schema = warm.file_key(Path(settings.get("SCHEMAS_PATH", "schemas")) / "report.schema.json")
    reports = [warm.kept("report", str(folder), (warm.folder_key(folder), schema),
                         lambda folder=folder: load_report(folder, settings))
               for folder in report_folders(Path(settings["PATH"]))]
    return sorted(reports, key=lambda r: (-r.year, str(r.data.get("issued", "")), r.slug), reverse=False)
