"""The one resolve phase: every report parsed once, every annotation located
once, into plain data that the check, the marking, the pages, search and the
PDF all read.

    load    report.yml files, annotation files   (problems located)
    parse   each report.md → tokens + blocks      (once per build)
    resolve term occurrences, thread anchors, indicator values → Places

A quote is found in its own report: an anchor or value may name its `report`;
without one, the quote must stand in exactly one report of the library.
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from problems import Problem, closest

from annotations.locate import find_quote, form_pattern, nearest_text, term_forms
from annotations.model import Annotations, Entry, load_annotations
from reports.config import OTHER_ROLE, Report, load_reports


@dataclass(frozen=True)
class Place:
    """A span of one block's text in one report."""

    report: str
    block: str
    start: int
    end: int


@dataclass
class ParsedReport:
    report: Report
    has_markdown: bool = False  # report.md was read and held some Markdown
    env: dict = field(default_factory=dict)
    blocks: list[dict] = field(default_factory=list)
    by_id: dict[str, dict] = field(default_factory=dict)
    key: tuple = ()  # what the parse depends on: the outputs made from it name it in their keys (warm.py)
    _tokens: list | None = None  # released once rendered (annotations/mark.py)
    _parse: object = None  # makes the tokens again, when a warm build kept the blocks only

    @property
    def tokens(self) -> list:
        if self._tokens is None:
            self._tokens = self._parse() if self._parse is not None else []
        return self._tokens

    @tokens.setter
    def tokens(self, tokens: list) -> None:
        self._tokens = tokens

    @property
    def slug(self) -> str:
        return self.report.slug

    def role_of(self, block_id: str) -> str:
        block = self.by_id.get(block_id, {})
        return self.report.role(block.get("part", 0)) if not block.get("region") else OTHER_ROLE


@dataclass
class Anchor:
    thread: str
    n: int  # 1-based position in the thread's file
    place: Place
    role: str  # the role of the part it stands in (from the report's report.yml)
    quote: str
    note: str

    @property
    def id(self) -> str:
        return f"{self.thread}-{self.n}"


@dataclass
class Value:
    indicator: str
    index: int  # 0-based position in the indicator's values
    data: dict
    place: Place  # the quote
    number: Place | None  # the number as written inside the quote, for marking


@dataclass
class Library:
    reports: list[ParsedReport]  # newest first
    annotations: Annotations  # the entries fit to resolve (well_formed.py): what every output reads
    loaded: Annotations | None = None  # every entry as loaded, for the check
    term_hits: dict[str, list[Place]] = field(default_factory=dict)  # every occurrence, library order
    # the same occurrences by (report slug, term id), in report order: marking, the term pages and
    # the export each read one report's hits, and filtering term_hits for it grew with reports²
    hits_by_report: dict[tuple[str, str], list[Place]] = field(default_factory=dict)
    anchors: dict[str, list[Anchor]] = field(default_factory=dict)
    values: dict[str, list[Value]] = field(default_factory=dict)
    # by the report they stand in (a value: its number), in the order above: each output of a
    # report read them all, for every report
    anchors_by_report: dict[str, list[Anchor]] = field(default_factory=dict)
    numbers_by_report: dict[str, list[Value]] = field(default_factory=dict)
    report_problems: list[Problem] = field(default_factory=list)  # report.yml and report.md
    problems: list[Problem] = field(default_factory=list)  # locating annotations in the reports

    def __post_init__(self) -> None:
        self.by_slug = {r.slug: r for r in self.reports}  # the reports are fixed once parsed

    def report(self, slug: str) -> ParsedReport | None:
        return self.by_slug.get(slug)

    @property
    def slugs(self) -> list[str]:
        return [r.slug for r in self.reports]


MSG_QUOTE_MISSING = "the quote is not in the report: “{quote}”"
MSG_QUOTE_AMBIGUOUS = "the quote occurs {count} times in the report (blocks {blocks})"
MSG_QUOTE_IN_REPORTS = "the quote occurs in {count} reports ({reports})"
MSG_UNKNOWN_REPORT = "'{ref}' is not a known report"
MSG_PART_MISMATCH = "the quote stands in part '{actual}', not '{part}'"
MSG_FORM_SHARED = "the form “{form}” is also a form of the term '{other}'"
MSG_FORM_MISSING = "the form “{form}” does not occur in any report"
MSG_NOT_IN_REPORT = "no form of this term occurs in any report"
MSG_OCCURRENCE_RANGE = "occurrence {n} does not exist: the term occurs at most {count} times in a report"
MSG_VALUE_NOT_IN_QUOTE = "the value {value} is not written in its quote"


def format_number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_report(report: Report, md, parser_key: tuple = ()) -> ParsedReport:
    """One parse: tokens (marked and rendered later) and the blocks they hold.
    A warm build (`serve`) keeps the blocks of a report.md that did not change,
    and parses it again only if its tokens are asked for (plugins/warm.py)."""
    import warm

    parsed = ParsedReport(report)
    if not report.markdown_path.is_file():
        return parsed
    base_env = {"source_path": str(report.markdown_path), "is_report": True, "report": report.slug}
    path = report.markdown_path

    def parse(env: dict | None = None) -> list:
        return md.parse(path.read_text(encoding="utf-8"), dict(base_env) if env is None else env)

    def first_parse() -> tuple:
        env = dict(base_env)
        parsed.tokens = parse(env)
        return env, bool(parsed.tokens)

    parsed.key = (warm.file_key(path), report.slug, parser_key)
    env, parsed.has_markdown = warm.kept("parse", str(path), parsed.key, first_parse)
    parsed.env = dict(env)  # outputs add to it (the html): not to the kept one
    parsed.blocks = env.get("blocks", [])
    parsed.by_id = {b["id"]: b for b in parsed.blocks}
    parsed._parse = parse
    return parsed


class _Locator:
    """Quotes located in their own report, with problems at the quote."""

    def __init__(self, reports: list[ParsedReport]) -> None:
        self.reports = reports
        self.by_slug = {r.slug: r for r in reports}
        self.problems: list[Problem] = []

    def problem(self, entry: Entry, path: tuple, message: str, hint: str = "") -> None:
        line, column = entry.where(*path)
        self.problems.append(Problem(entry.path, line, column, message, hint))

    def quote(self, entry: Entry, path: tuple, item: dict) -> Place | None:
        quote = item.get("quote")
        if not isinstance(quote, str) or not quote:
            return None
        prefix, suffix = item.get("prefix") or "", item.get("suffix") or ""
        named = item.get("report")
        if named is not None and named not in self.by_slug:
            self.problem(entry, path + ("report",), MSG_UNKNOWN_REPORT.format(ref=named),
                          closest(str(named), self.by_slug) or f"reports: {', '.join(self.by_slug)}")
            return None
        candidates = [self.by_slug[named]] if named else self.reports
        found = {r.slug: find_quote(r.blocks, quote, prefix, suffix) for r in candidates}
        found = {slug: hits for slug, hits in found.items() if hits}
        if not found:
            self._not_found(entry, path, quote, candidates, bool(prefix or suffix))
            return None
        if len(found) > 1:
            self.problem(entry, path + ("quote",), MSG_QUOTE_IN_REPORTS.format(count=len(found), reports=", ".join(found)),
                          f"add `report: <slug>` to say which one ({' or '.join(found)})")
            return None
        (slug, hits), = found.items()
        if len(hits) > 1:
            self.problem(entry, path + ("quote",), MSG_QUOTE_AMBIGUOUS.format(count=len(hits), blocks=", ".join(h.block for h in hits)),
                          "add a prefix or suffix (the text right before or after it), or quote more")
            return None
        hit = hits[0]
        return Place(slug, hit.block, hit.start, hit.end)

    def _not_found(self, entry: Entry, path: tuple, quote: str, candidates: list[ParsedReport], narrowed: bool) -> None:
        if narrowed and any(find_quote(r.blocks, quote) for r in candidates):
            hint = "the quote exists, but not with this prefix/suffix: check them against the report"
        else:
            best = max(((nearest_text(r.blocks, quote), r.slug) for r in candidates),
                        key=lambda found: _similarity(quote, found[0][0]), default=(("", ""), ""))
            (near, block), slug = best
            where = f"{slug} {block}" if len(self.reports) > 1 else block
            hint = f"nearest text in the report ({where}): “{near}”" if near else "copy the text from the report"
        self.problem(entry, path + ("quote",), MSG_QUOTE_MISSING.format(quote=quote), hint)


def _similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if b else 0.0


def _term_hits(reports: list[ParsedReport], terms: list[dict]) -> dict[str, list[Place]]:
    """Every occurrence of every term in every report; the longest form wins."""
    owner: dict[str, str] = {}
    for term in terms:
        for form in term_forms(term):
            owner.setdefault(form, term["id"])
    found: dict[str, list[Place]] = {t["id"]: [] for t in terms}
    pattern = form_pattern(list(owner))
    if pattern is None:
        return found
    for parsed in reports:
        for block in parsed.blocks:
            for match in pattern.finditer(block["text"]):
                found[owner[match.group(0)]].append(Place(parsed.slug, block["id"], match.start(), match.end()))
    return found


def _by_report(term_hits: dict[str, list[Place]]) -> dict[tuple[str, str], list[Place]]:
    grouped: dict[tuple[str, str], list[Place]] = {}
    for term_id, hits in term_hits.items():
        for hit in hits:
            grouped.setdefault((hit.report, term_id), []).append(hit)
    return grouped


def _resolve_terms(library: Library, locator: _Locator) -> None:
    ann = library.annotations
    terms = [t for t in ann.terms if isinstance(t.get("id"), str) and t.get("in_report", True)]
    library.term_hits = _term_hits(library.reports, terms)
    library.hits_by_report = _by_report(library.term_hits)
    most = {}  # term id → the most occurrences in one report
    for (_slug, term_id), hits in library.hits_by_report.items():
        most[term_id] = max(most.get(term_id, 0), len(hits))
    all_text = "\n".join(b["text"] for r in library.reports for b in r.blocks)
    all_blocks = [b for r in library.reports for b in r.blocks]
    form_owner: dict[str, str] = {}
    for entry in ann.entries:
        if entry.kind != "term" or not isinstance(entry.data.get("match", []), list):
            continue
        data = entry.data
        forms = term_forms(data)
        for i, form in enumerate(forms):
            path = ("match", i) if data.get("match") else ("term",)
            if form in form_owner and form_owner[form] != entry.id:
                locator.problem(entry, path, MSG_FORM_SHARED.format(form=form, other=form_owner[form]),
                                 "keep the form in one term; link the other with `related`")
            form_owner.setdefault(form, entry.id)
            if data.get("in_report", True) and form not in all_text:
                near, block = nearest_text(all_blocks, form)
                locator.problem(entry, path, MSG_FORM_MISSING.format(form=form),
                                 f"nearest text ({block}): “{near}”; or set in_report: false")
        hits = library.term_hits.get(entry.id, [])
        count = most.get(entry.id, 0)
        if data.get("in_report", True) and forms and all(f in all_text for f in forms) and not hits:
            locator.problem(entry, ("match",), MSG_NOT_IN_REPORT,
                             "a longer form of another term covers every occurrence; change the forms")
        for i, n in enumerate(data.get("occurrences") or []):
            if isinstance(n, int) and n > count:
                locator.problem(entry, ("occurrences", i), MSG_OCCURRENCE_RANGE.format(n=n, count=count),
                                 "number occurrences from 1 in each report's order")


def _resolve_threads(library: Library, locator: _Locator) -> None:
    for entry in library.annotations.entries:
        if entry.kind != "thread" or not entry.id:
            continue
        anchors = []
        for i, item in enumerate(entry.data.get("anchors") or []):
            if not isinstance(item, dict):
                continue
            place = locator.quote(entry, ("anchors", i), item)
            if place is None:
                continue
            role = locator.by_slug[place.report].role_of(place.block)
            if isinstance(item.get("part"), str) and item["part"] != role:
                locator.problem(entry, ("anchors", i, "part"), MSG_PART_MISMATCH.format(actual=role, part=item["part"]),
                                 f"write part: {role}")
            anchors.append(Anchor(entry.id, i + 1, place, role, str(item.get("quote", "")), str(item.get("note", ""))))
        library.anchors[entry.id] = anchors


def _resolve_values(library: Library, locator: _Locator) -> None:
    for entry in library.annotations.entries:
        if entry.kind != "indicator" or not entry.id:
            continue
        values = []
        for i, item in enumerate(entry.data.get("values") or []):
            if not isinstance(item, dict):
                continue
            place = locator.quote(entry, ("values", i), item)
            quote = item.get("quote") or ""
            written = item.get("written") or format_number(item.get("value"))
            if isinstance(quote, str) and written and written not in quote:
                locator.problem(entry, ("values", i, "value"), MSG_VALUE_NOT_IN_QUOTE.format(value=written),
                                 "quote the words that state the value, or set `written` to how the report writes it")
            if place is None:
                continue
            values.append(Value(entry.id, i, item, place, _number_place(locator.by_slug[place.report], place, written)))
        library.values[entry.id] = values


def _number_place(parsed: ParsedReport, place: Place, written: str) -> Place | None:
    """The number as written inside the quote, not inside a longer number (1.85 in 11.85)."""
    if not written:
        return None
    text = parsed.by_id[place.block]["text"]
    match = re.compile(r"(?<![\d.])" + re.escape(written) + r"(?![\d])").search(text, place.start, place.end)
    return Place(place.report, place.block, match.start(), match.end()) if match else None


_cache: dict[tuple, Library] = {}
_one_build: dict[tuple, tuple] | None = None  # roots → signature, while one_build() is on


@contextmanager
def one_build() -> Iterator[None]:
    """Within one build, the files are taken as they were when it first
    resolved: the signature (a stat of every input file) is made once, not on
    each of the ~N+5 calls (at 100 reports: 105 calls × 600 files, measured in
    issue 12). A file changed mid-build is seen by the next build."""
    global _one_build
    _one_build = {}
    try:
        yield
    finally:
        _one_build = None


def _signature(settings: dict) -> tuple:
    # the labels too: the marked HTML kept in the library holds their words
    roots = [Path(settings["PATH"]), Path(settings.get("ANNOTATIONS_PATH", "annotations")),
             Path(settings.get("LABELS_PATH", "theme/labels.yml"))]
    if _one_build is None:
        return _stat_files(roots)
    key = tuple(str(r) for r in roots)
    if key not in _one_build:
        _one_build[key] = _stat_files(roots)
    return _one_build[key]


def _stat_files(roots: list[Path]) -> tuple:
    import warm

    paths = [p for root in roots for p in ([root] if root.is_file() else root.rglob("*") if root.exists() else [])]
    return tuple(str(r.resolve()) for r in roots) + warm.regular_files(paths)


def resolve(settings: dict) -> Library:
    """The library, resolved once per state of the files (check, build and
    every plugin of one build share it; `serve`'s warm build process keeps
    it until an input file or the labels change).
    Treat the result as read-only, except that marking consumes the tokens
    and rendering a report's HTML releases them (annotations/mark.py)."""
    key = _signature(settings)
    if key not in _cache:
        _cache.clear()
        with _long_lived():
            _cache[key] = _resolve(settings)
    return _cache[key]


@contextmanager
def _long_lived() -> Iterator[None]:
    """The library is made of objects that live as long as it is cached (the
    tokens of every report, until rendered): the garbage collector is paused
    while they are made, where it ran a full collection at each quarter of
    growth, and they are then left out of every later collection (frozen),
    where each full collection scanned them all again. Collections in a
    100-report build: 0.5 s; paused, 0.4 s; frozen too, 0.16 s. The objects
    frozen before go back to the collector first: the library they belonged
    to is being replaced (`serve` rebuilds in one process)."""
    gc.unfreeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()


def _resolve(settings: dict) -> Library:
    from reports.config import check_markdown
    from report_markdown.parser import build_parser

    md = build_parser(settings)
    reports = load_reports(settings)
    problems: list[Problem] = [p for r in reports for p in r.problems]
    for report in reports:
        problems += check_markdown(report) if report.located else []
    from progress import count

    parsed = []
    for report in reports:
        parsed.append(parse_report(report, md, tuple(settings.get("MARKDOWN_IT_PLUGINS") or ())))
        count("reports parsed", len(parsed), len(reports))
    from annotations.well_formed import resolvable

    loaded = load_annotations(settings)
    library = locate_annotations(parsed, resolvable(loaded, settings))
    library.loaded, library.report_problems = loaded, problems
    return library


def locate_annotations(parsed: list[ParsedReport], annotations: Annotations) -> Library:
    """Every term form, anchor quote and indicator value located in parsed
    reports (well-formed entries only: see annotations/well_formed.py)."""
    library = Library(parsed, annotations, annotations)
    locator = _Locator(parsed)
    _resolve_terms(library, locator)
    _resolve_threads(library, locator)
    _resolve_values(library, locator)
    for anchors in library.anchors.values():
        for anchor in anchors:
            library.anchors_by_report.setdefault(anchor.place.report, []).append(anchor)
    for values in library.values.values():
        for value in values:
            if value.number is not None:
                library.numbers_by_report.setdefault(value.number.report, []).append(value)
    library.problems += locator.problems
    return library
