"""`build.py check` for annotations, in two phases like Sphinx's glossary:
collect every entry (syntax, schema, ids), then resolve every reference and
quote against the report. Every problem names file:line:column and a fix."""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from pathlib import Path

from jsonschema import Draft202012Validator

from problems import Problem

from .locate import find_quote, form_pattern, nearest_text, report_blocks, term_forms, term_occurrences
from .model import Annotations, Entry, load_annotations
from .text_rules import check_text, schema_message
from .well_formed import resolvable

MSG_DUPLICATE_KEY = "the field '{key}' appears twice in this file"
MSG_UNKNOWN_FIELD = "unknown field '{field}'"
MSG_MISSING_FIELD = "missing required field '{field}'"
MSG_SCHEMA = "{field}: {message}"
MSG_FILE_NAME = "the file name does not match the id '{id}'"
MSG_DUPLICATE_ID = "the {kind} id '{id}' is already used by {other}"
MSG_UNKNOWN_REF = "'{ref}' is not a known {kind} id"
MSG_QUOTE_MISSING = "the quote is not in the report: “{quote}”"
MSG_QUOTE_AMBIGUOUS = "the quote occurs {count} times in the report (blocks {blocks})"
MSG_FORM_MISSING = "the form “{form}” does not occur in the report"
MSG_FORM_SHARED = "the form “{form}” is also a form of the term '{other}'"
MSG_NOT_IN_REPORT = "no form of this term occurs in the report"
MSG_VALUE_NOT_IN_QUOTE = "the value {value} is not written in its quote"
MSG_BAD_DATE = "'{date}' is not a real date"
MSG_BAD_LINK = "the link '{url}' is not http(s)"
MSG_DEFINITION_LENGTH = "the definition has {count} characters (punctuation not counted); write 40 to {most}"
MSG_OCCURRENCE_RANGE = "occurrence {n} does not exist: the term occurs {count} times"
MSG_PART_MISMATCH = "the quote stands in part '{actual}', not '{part}'"
MSG_NO_SCHEMA_LINE = "the first line should name the schema"

DEFINITION_LEAST, DEFINITION_MOST = 40, 200  # characters, punctuation and spaces not counted
SCHEMA_FILES = {"term": "term.schema.json", "thread": "thread.schema.json", "indicator": "indicator.schema.json"}
PART_NAMES = {1: "review", 2: "goals", 3: "tasks"}
MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")


def _problem(entry: Entry, path: tuple, message: str, hint: str = "") -> Problem:
    line, column = entry.where(*path)
    return Problem(entry.path, line, column, message, hint)


def _closest(word: str, options) -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f"did you mean '{match[0]}'?" if match else ""


def _schema_problems(entry: Entry, validator: Draft202012Validator) -> list[Problem]:
    problems = []
    for error in validator.iter_errors(entry.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {})
            for field in sorted(set(error.instance) - set(allowed)):
                problems.append(_problem(entry, path + (field,), MSG_UNKNOWN_FIELD.format(field=field),
                                         _closest(field, allowed) or f"allowed fields: {', '.join(allowed)}"))
        elif error.validator == "required":
            field = error.message.split("'")[1]
            problems.append(_problem(entry, path, MSG_MISSING_FIELD.format(field=field),
                                     "see annotations/FORMAT.md for an example"))
        else:
            name = ".".join(str(p) for p in path) or "file"
            hint = error.schema.get("description", "")
            if error.validator == "enum":
                hint = "one of: " + ", ".join(map(str, error.validator_value))
            problems.append(_problem(entry, path, MSG_SCHEMA.format(field=name, message=schema_message(error)), hint))
    return problems


def _validators(settings: dict) -> dict[str, Draft202012Validator]:
    root = Path(settings.get("SCHEMAS_PATH", "schemas"))
    return {kind: Draft202012Validator(json.loads((root / name).read_text(encoding="utf-8")))
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
        problems += _schema_problems(entry, validators[entry.kind])
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
    problems += check_text(ann)
    return problems


def _dates_and_links(entry: Entry) -> list[Problem]:
    problems = []
    dated = [(("reviewed",), entry.data.get("reviewed"))]
    dated += [(("sources", i, "date"), s.get("date")) for i, s in enumerate(entry.data.get("sources") or [])
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
    """Characters a reader reads: punctuation, quotes and spaces do not count."""
    return sum(1 for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def _check_refs(entry: Entry, field: str, kind: str, known: dict) -> list[Problem]:
    refs = entry.data.get(field)
    refs = [refs] if isinstance(refs, str) else refs if isinstance(refs, list) else []
    return [_problem(entry, (field, i) if isinstance(entry.data.get(field), list) else (field,),
                     MSG_UNKNOWN_REF.format(ref=ref, kind=kind), _closest(str(ref), known))
            for i, ref in enumerate(refs) if ref not in known]


def _check_quote(entry: Entry, path: tuple, item: dict, blocks: list[dict]) -> tuple[list[Problem], list]:
    quote = item.get("quote")
    if not isinstance(quote, str) or not quote:
        return [], []
    hits = find_quote(blocks, quote, item.get("prefix") or "", item.get("suffix") or "")
    if not hits:
        if find_quote(blocks, quote):
            hint = "the quote exists, but not with this prefix/suffix: check them against the report"
        else:
            near, block = nearest_text(blocks, quote)
            hint = f"nearest text in the report ({block}): “{near}”" if near else "copy the text from the report"
        return [_problem(entry, path + ("quote",), MSG_QUOTE_MISSING.format(quote=quote), hint)], []
    if len(hits) > 1:
        ids = ", ".join(h.block for h in hits)
        return [_problem(entry, path + ("quote",), MSG_QUOTE_AMBIGUOUS.format(count=len(hits), blocks=ids),
                         "add a prefix or suffix (the text right before or after it), or quote more")], []
    return [], hits


def _resolve(ann: Annotations, blocks: list[dict]) -> list[Problem]:
    problems: list[Problem] = []
    known = {kind: ann.by_id(kind) for kind in ("terms", "threads", "indicators")}
    block_part = {b["id"]: PART_NAMES.get(b["part"], "other") for b in blocks}
    occurrences = term_occurrences(blocks, [t for t in ann.terms if isinstance(t.get("id"), str)])
    all_text = "\n".join(b["text"] for b in blocks)
    form_owner: dict[str, str] = {}
    for entry in ann.entries:
        data = entry.data
        if entry.kind == "term":
            problems += _check_refs(entry, "related", "term", known["terms"])
            forms = term_forms(data) if isinstance(data.get("match", []), list) else []
            for i, form in enumerate(forms):
                path = ("match", i) if data.get("match") else ("term",)
                if form in form_owner and form_owner[form] != entry.id:
                    problems.append(_problem(entry, path, MSG_FORM_SHARED.format(form=form, other=form_owner[form]),
                                             "keep the form in one term; link the other with `related`"))
                form_owner.setdefault(form, entry.id)
                if data.get("in_report", True) and form not in all_text:
                    near, block = nearest_text(blocks, form)
                    problems.append(_problem(entry, path, MSG_FORM_MISSING.format(form=form),
                                             f"nearest text ({block}): “{near}”; or set in_report: false"))
            count = len(occurrences.get(entry.id, []))
            if data.get("in_report", True) and forms and all(f in all_text for f in forms) and count == 0:
                problems.append(_problem(entry, ("match",), MSG_NOT_IN_REPORT,
                                         "a longer form of another term covers every occurrence; change the forms"))
            for i, n in enumerate(data.get("occurrences") or []):
                if isinstance(n, int) and n > count:
                    problems.append(_problem(entry, ("occurrences", i), MSG_OCCURRENCE_RANGE.format(n=n, count=count),
                                             "number occurrences from 1 in report order"))
        elif entry.kind == "thread":
            problems += _check_refs(entry, "indicators", "indicator", known["indicators"])
            problems += _check_refs(entry, "terms", "term", known["terms"])
            for i, anchor in enumerate(data.get("anchors") or []):
                if not isinstance(anchor, dict):
                    continue
                found, hits = _check_quote(entry, ("anchors", i), anchor, blocks)
                problems += found
                if hits and anchor.get("part") in ("review", "goals", "tasks", "other"):
                    actual = block_part.get(hits[0].block, "other")
                    if actual != anchor["part"]:
                        problems.append(_problem(entry, ("anchors", i, "part"),
                                                 MSG_PART_MISMATCH.format(actual=actual, part=anchor["part"]),
                                                 f"write part: {actual}"))
        elif entry.kind == "indicator":
            problems += _check_refs(entry, "thread", "thread", known["threads"])
            for i, value in enumerate(data.get("values") or []):
                if not isinstance(value, dict):
                    continue
                found, _ = _check_quote(entry, ("values", i), value, blocks)
                problems += found
                quote = value.get("quote") or ""
                written = value.get("written") or format_number(value.get("value"))
                if isinstance(quote, str) and written and written not in quote:
                    problems.append(_problem(entry, ("values", i, "value"), MSG_VALUE_NOT_IN_QUOTE.format(value=written),
                                             "quote the words that state the value, or set `written` to how the report writes it"))
    return problems


def format_number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def check_annotations(settings: dict, blocks: list[dict] | None = None) -> list[Problem]:
    ann = load_annotations(settings)
    problems = ann.problems + _collect(ann, settings)
    if blocks is None:
        blocks = report_blocks(settings)
    return problems + _resolve(resolvable(ann, settings), blocks)
