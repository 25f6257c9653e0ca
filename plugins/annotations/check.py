"""`build.py check` for annotations, in two phases like Sphinx's glossary:
collect every entry (syntax, schema, ids, references: here), then locate every
quote and term form in the reports (library/resolve.py, the one resolve phase
that every output reads too). Every problem names file:line:column and a fix."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from problems import Problem, closest
from schema_check import Schema

from .model import Annotations, Entry
from .text_rules import check_text, schema_message

MSG_DUPLICATE_KEY = "the field '{key}' appears twice in this file"
MSG_UNKNOWN_FIELD = "unknown field '{field}'"
MSG_MISSING_FIELD = "missing required field '{field}'"
MSG_SCHEMA = "{field}: {message}"
MSG_FILE_NAME = "the file name does not match the id '{id}'"
MSG_DUPLICATE_ID = "the {kind} id '{id}' is already used by {other}"
MSG_UNKNOWN_REF = "'{ref}' is not a known {kind} id"
MSG_BAD_DATE = "'{date}' is not a real date"
MSG_BAD_LINK = "the link '{url}' is not http(s)"
MSG_DEFINITION_LENGTH = "the definition has {count} characters (punctuation not counted); write 40 to {most}"
MSG_NO_SCHEMA_LINE = "the first line should name the schema"

DEFINITION_LEAST, DEFINITION_MOST = 40, 200  # characters, punctuation and spaces not counted
SCHEMA_FILES = {"term": "term.schema.json", "thread": "thread.schema.json", "indicator": "indicator.schema.json"}
MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")


def _problem(entry: Entry, path: tuple, message: str, hint: str = "") -> Problem:
    line, column = entry.where(*path)
    return Problem(entry.path, line, column, message, hint)


def schema_problems(path_shown: str, located, data: dict, validator: Schema) -> list[Problem]:
    """JSON Schema errors as located problems (annotation files and report.yml)."""
    problems = []

    def at(path: tuple, message: str, hint: str) -> Problem:
        line, column = located.where(path)
        return Problem(path_shown, line, column, message, hint)

    for error in validator.iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {})
            # a key need not be text: `? ` alone in YAML is a mapping whose key is null
            for field in sorted(set(error.instance) - set(allowed), key=str):
                problems.append(at(path + (field,), MSG_UNKNOWN_FIELD.format(field=field),
                                   closest(str(field), allowed) or f"allowed fields: {', '.join(allowed)}"))
        elif error.validator == "required":
            field = error.message.split("'")[1]
            problems.append(at(path, MSG_MISSING_FIELD.format(field=field),
                               "see annotations/FORMAT.md for an example"))
        else:
            name = ".".join(str(p) for p in path) or "file"
            hint = error.schema.get("description", "")
            if error.validator == "enum":
                hint = "one of: " + ", ".join(map(str, error.validator_value))
            problems.append(at(path, MSG_SCHEMA.format(field=name, message=schema_message(error)), hint))
    return problems


def _validators(settings: dict) -> dict[str, Schema]:
    root = Path(settings.get("SCHEMAS_PATH", "schemas"))
    return {kind: Schema(json.loads((root / name).read_text(encoding="utf-8")))
            for kind, name in SCHEMA_FILES.items()}


def _collect(ann: Annotations, settings: dict) -> list[Problem]:
    problems: list[Problem] = []
    validators = _validators(settings)
    first_owner: dict[tuple[str, str], Entry] = {}
    for entry in ann.entries:
        for key, line, column in entry.located.duplicate_keys:
            problems.append(Problem(entry.path, line, column, MSG_DUPLICATE_KEY.format(key=key), "keep one of them"))
        if not entry.data:
            problems.append(Problem(entry.path, 1, 1, MSG_SCHEMA.format(field="file", message="is empty or not a mapping"),
                                    "start from `python build.py new " + entry.kind + " <name>`"))
            continue
        problems += schema_problems(entry.path, entry.located, entry.data, validators[entry.kind])
        if not Path(entry.path).read_text(encoding="utf-8").startswith("# yaml-language-server: $schema="):
            problems.append(Problem(entry.path, 1, 1, MSG_NO_SCHEMA_LINE,
                                    f"add '# yaml-language-server: $schema=../../schemas/{SCHEMA_FILES[entry.kind]}'"))
        if entry.id and Path(entry.path).stem != entry.id:
            problems.append(_problem(entry, ("id",), MSG_FILE_NAME.format(id=entry.id),
                                     f"rename the file to {entry.id}.yml, or change the id"))
        key = (entry.kind, entry.id)
        if entry.id and key in first_owner:
            other = first_owner[key]
            problems.append(_problem(entry, ("id",), MSG_DUPLICATE_ID.format(kind=entry.kind, id=entry.id,
                                     other=f"{other.path}:{other.where('id')[0]}"), "choose another id"))
        first_owner.setdefault(key, entry)
        problems += _dates_and_links(entry)
    from .citations import check_citations  # a marker on every definition sentence (issue 15)
    from .sources import check_sources  # cited domains against annotations/sources.yml (issue 15)
    problems += check_text(ann) + check_citations(ann)
    return problems + check_sources(ann, settings)


REFERENCES = {"term": [("related", "term", "terms")],
              "thread": [("indicators", "indicator", "indicators"), ("terms", "term", "terms")],
              "indicator": [("thread", "thread", "threads")]}


def _references(ann: Annotations) -> list[Problem]:
    known = {kind: ann.by_id(kind) for kind in ("terms", "threads", "indicators")}
    return [problem for entry in ann.entries if entry.data
            for field, kind, table in REFERENCES[entry.kind]
            for problem in _check_refs(entry, field, kind, known[table])]


def _dates_and_links(entry: Entry) -> list[Problem]:
    problems = []
    dated = [(("reviewed",), entry.data.get("reviewed"))]
    sources = entry.data.get("sources")  # not a list: the schema says so
    dated += [(("sources", i, "date"), s.get("date")) for i, s in enumerate(sources if isinstance(sources, list) else [])
              if isinstance(s, dict)]
    for path, value in dated:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
            try:
                dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
            except ValueError:
                problems.append(_problem(entry, path, MSG_BAD_DATE.format(date=value), "write YYYY-MM-DD"))
    for field in ("definition", "summary"):
        text = entry.data.get(field)
        if isinstance(text, str):
            for url in MARKDOWN_LINK.findall(text):
                if not re.match(r"https?://", url):
                    problems.append(_problem(entry, (field,), MSG_BAD_LINK.format(url=url), "links must start with https:// or http://"))
    definition = entry.data.get("definition")
    if entry.kind == "term" and isinstance(definition, str):
        count = definition_length(definition)
        if not DEFINITION_LEAST <= count <= DEFINITION_MOST:
            problems.append(_problem(entry, ("definition",), MSG_DEFINITION_LENGTH.format(count=count, most=DEFINITION_MOST),
                                     "say what it is, who launched it and when, what it aims at, how it concerns the report"))
    return problems


def definition_length(text: str) -> int:
    """Characters a reader reads: punctuation, quotes, spaces and the source
    markers ([1], [报告], [推断]: citations.py) do not count."""
    from .citations import strip_markers

    return sum(1 for ch in strip_markers(text) if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _check_refs(entry: Entry, field: str, kind: str, known: dict) -> list[Problem]:
    refs = entry.data.get(field)
    refs = [refs] if isinstance(refs, str) else refs if isinstance(refs, list) else []
    return [_problem(entry, (field, i) if isinstance(entry.data.get(field), list) else (field,),
                     MSG_UNKNOWN_REF.format(ref=ref, kind=kind), closest(str(ref), known))
            for i, ref in enumerate(refs) if ref not in known]


_checked: dict[tuple, list[Problem]] = {}  # the files' own problems, found beside, by the files' state


def check_beside(settings: dict) -> None:
    """Start reading and checking every annotation file in a forked process
    (plugins/beside.py), for a fresh build that has Pelican to import and the
    reports to parse meanwhile. The next load_annotations keeps what the child
    read as if read here (a file changed since is read again: its key
    differs), and check_annotations takes the problems the child found in the
    same state of the files. The child's errors (our bugs) come with beside.join()."""
    from beside import Failed, value_beside

    from . import model

    def work() -> tuple:
        loaded = model.load_annotations(settings)
        return model.files_read(), loaded.signature, _collect(loaded, settings)

    made = value_beside("reading and checking the annotation files", work, lambda value: None)

    def keep() -> None:
        try:
            files, signature, problems = made()
        except Failed:  # read and checked here instead; join() says what went wrong there
            return
        model.keep_files_read(files)
        _checked.clear()
        _checked[signature] = problems

    model.before_next_load(keep)


def _file_problems(loaded: Annotations, settings: dict) -> list[Problem]:
    found = _checked.pop(loaded.signature, None)
    return found if found is not None else _collect(loaded, settings)


def check_annotations(settings: dict) -> list[Problem]:
    """Problems of the annotation files themselves (syntax, schema, ids, dates,
    links), then those the resolve phase found locating them in the reports."""
    from library.resolve import resolve

    library = resolve(settings)
    # references only between well-formed entries (`related: [[x]]` has its schema problem)
    problems = library.loaded.problems + _file_problems(library.loaded, settings) + _references(library.annotations)
    if library.report_problems:  # quotes cannot be placed in a report that did not load: fix that first
        return problems
    return problems + library.problems
