"""Which web sites a term may cite: `annotations/sources.yml` grades every
cited domain (official, media, reprint, untrusted) and says why.

Issue 15 found 101 of 274 cited URLs on spam and content-scraper sites, one
copy of the report page alone cited 51 times: a source is now accepted only
when its domain is graded, and never when it is graded untrusted. A URL takes
the grade of the longest listed domain that is its host or a parent of it, so
a planted page on a government subdomain can be graded apart from its parent.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from schema_check import Schema

from problems import Problem

from .model import Annotations, Entry, display_path

REGISTRY_FILE = "sources.yml"
GRADES = ("official", "media", "reprint", "untrusted")
# What a reader sees next to a source (term page, popover).
GRADE_LABELS_KEY = "source_grades"  # theme/labels.yml: 官方 / 媒体 / 转载
# A term whose meaning is known only from the report itself.
BASIS_REPORT = "report"
BASIS_REPORT_NOTE_KEY = "basis_report"  # theme/labels.yml: the marker readers see

MSG_UNKNOWN_DOMAIN = "the source's domain '{domain}' is not in annotations/sources.yml"
HINT_UNKNOWN_DOMAIN = "add it to annotations/sources.yml with a grade and reason, or cite another source"
MSG_UNTRUSTED = "the source's domain '{domain}' is graded untrusted: {reason}"
HINT_UNTRUSTED = "cite the original page (official first, then established media), or mark the term basis: report"
MSG_NO_SOURCE = "the term has no source"
HINT_NO_SOURCE = ("cite an official or media page; when the report is the only basis, "
                  f"add 'basis: {BASIS_REPORT}' (readers then see that the meaning is taken from the report)")
MSG_NO_REGISTRY = "the source registry annotations/sources.yml is missing"
HINT_NO_REGISTRY = "create it: 'domains:' with one 'host: {grade: ..., reason: ...}' per cited domain"
MSG_REGISTRY_SCHEMA = "{field}: {message}"
MSG_DUPLICATE_DOMAIN = "the domain '{domain}' is listed twice"


@dataclass
class Registry:
    domains: dict[str, dict] = field(default_factory=dict)  # host -> {grade, reason}
    problems: list[Problem] = field(default_factory=list)

    def lookup(self, url: str) -> tuple[str, dict] | None:
        """The listed domain that covers the URL's host (longest first), and its entry."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        labels = host.split(".")
        for i in range(len(labels) - 1):
            domain = ".".join(labels[i:])
            if domain in self.domains:
                return domain, self.domains[domain]
        return None

    def grade(self, url: str) -> str:
        found = self.lookup(url)
        return found[1].get("grade", "") if found else ""


def load_registry(settings: dict) -> Registry:
    path = Path(settings.get("ANNOTATIONS_PATH", "annotations")) / REGISTRY_FILE
    shown = display_path(path)
    if not path.exists():
        return Registry(problems=[Problem(shown, 1, 1, MSG_NO_REGISTRY, HINT_NO_REGISTRY)])
    from input_files import InputError, read_text
    from yaml_safe import MAX_YAML_BYTES, load_yaml

    try:  # as every input: inside its folder, UTF-8, no aliases or tags
        located = load_yaml(read_text(path, path.parent, MAX_YAML_BYTES, shown), shown)
    except InputError as error:
        return Registry(problems=[error.problem])
    schema_path = Path(settings.get("SCHEMAS_PATH", "schemas")) / "sources.schema.json"
    validator = Schema(json.loads(schema_path.read_text(encoding="utf-8")))
    problems = [Problem(shown, line, column, MSG_DUPLICATE_DOMAIN.format(domain=key), "keep one entry, with one grade")
                for key, line, column in located.duplicate_keys]
    for error in validator.iter_errors(located.data):
        where = tuple(error.absolute_path)
        line, column = located.where(where)
        name = ".".join(str(p) for p in where) or "file"
        problems.append(Problem(shown, line, column, MSG_REGISTRY_SCHEMA.format(field=name, message=error.message),
                                error.schema.get("description", "")))
    data = located.data if isinstance(located.data, dict) else {}
    domains = {str(k).lower(): v for k, v in (data.get("domains") or {}).items() if isinstance(v, dict)}
    return Registry(domains, problems)


def check_sources(ann: Annotations, settings: dict) -> list[Problem]:
    """Every term's sources against the registry; a term with no source must
    say the report is its basis."""
    registry = load_registry(settings)
    problems = list(registry.problems)
    if registry.problems and not registry.domains:
        return problems  # without a registry every source would be 'unknown': say it once
    for entry in ann.entries:
        if entry.kind == "term" and entry.data:
            problems += _term_problems(entry, registry)
    return problems


def _term_problems(entry: Entry, registry: Registry) -> list[Problem]:
    sources = entry.data.get("sources")
    if not sources and entry.data.get("basis") != BASIS_REPORT:
        line, column = entry.where("sources") if "sources" in entry.data else entry.where("id")
        return [Problem(entry.path, line, column, MSG_NO_SOURCE, HINT_NO_SOURCE)]
    problems = []
    for i, source in enumerate(sources if isinstance(sources, list) else []):
        url = source.get("url") if isinstance(source, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue  # the schema says what is wrong with it
        line, column = entry.where("sources", i, "url")
        found = registry.lookup(url)
        if found is None:
            host = (urlsplit(url).hostname or url).lower()
            problems.append(Problem(entry.path, line, column, MSG_UNKNOWN_DOMAIN.format(domain=host), HINT_UNKNOWN_DOMAIN))
        elif found[1].get("grade") == "untrusted":
            problems.append(Problem(entry.path, line, column,
                                    MSG_UNTRUSTED.format(domain=found[0], reason=found[1].get("reason", "")), HINT_UNTRUSTED))
    return problems


def best_grade(term: dict, registry: Registry) -> str:
    """The term's strongest source grade, or 'report' for a marked term with no
    official or media source, or '' when it has neither."""
    grades = {registry.grade(s.get("url", "")) for s in term.get("sources") or [] if isinstance(s, dict)}
    for grade in ("official", "media"):
        if grade in grades:
            return grade
    if term.get("basis") == BASIS_REPORT:
        return BASIS_REPORT
    return "reprint" if "reprint" in grades else ("untrusted" if "untrusted" in grades else "")


def grade_term_views(terms: list[dict], settings: dict) -> None:
    """What readers see of the grades: each source's label (官方/媒体/转载) on the
    term page, the basis note on the page and in the popover, and whether a term
    has an official source (the glossary lists those that do not). Sources are
    copied: the loaded annotations are shared and read-only."""
    from labels import labels

    registry = load_registry(settings)
    words = labels(settings)
    for term in terms:
        sources = [dict(s, grade=registry.grade(s.get("url", ""))) for s in term.get("sources") or [] if isinstance(s, dict)]
        for source in sources:
            source["grade_label"] = words[GRADE_LABELS_KEY].get(source["grade"], "")
        term["sources"] = sources
        term["has_official_source"] = any(s["grade"] == "official" for s in sources)
        term["basis_note"] = words[BASIS_REPORT_NOTE_KEY] if term.get("basis") == BASIS_REPORT else ""
