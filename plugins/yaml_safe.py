"""The one way we read YAML: annotations, coverage.yml, categories.yml,
templates.yml, report.yml and page front matter all come through `load_yaml`,
which also remembers where every key and item stands, so that a problem found
in the data can name the file, line and column an editor must fix.

SafeLoader alone is not safe enough for files from pull requests:
- anchors and aliases let 541 bytes expand into billions of nodes (nine
  levels of nine `*a` took 30 s and ended in MemoryError in the position
  walk), so they are refused before any node is built;
- tags (`!!python/object`, `!!binary`, `!custom`) are refused with a place,
  instead of a constructor error naming Python internals;
- nesting deeper than any of our files needs would exhaust the recursion
  limit of the composer and of every walk after it;
- a decimal number of thousands of digits makes `int()` raise ValueError
  (Python's 4300-digit limit), which is not a YAML error.
The scan reads parser events only (libyaml's, no nodes): one more parse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from input_files import InputError
from problems import Problem

MAX_YAML_BYTES = 256 * 1024  # the largest annotation file has under 3 KB
MAX_DEPTH = 32  # lists and mappings inside each other; annotations use 3
MAX_NUMBER_DIGITS = 1000

MSG_YAML_SYNTAX = "{what} is not valid YAML: {problem}"
HINT_YAML_SYNTAX = "check the indentation and that text with ':' or '#' is quoted"
MSG_ALIAS = "YAML anchors and aliases (&name, *name) are not allowed"
HINT_ALIAS = "write the value out in full"
MSG_TAG = "YAML tags ({tag}) are not allowed"
HINT_TAG = "remove the tag: write plain text, numbers, lists and mappings; quote text that starts with '!'"
MSG_TOO_DEEP = "lists and mappings are nested more than {most} levels deep"
HINT_TOO_DEEP = "see annotations/FORMAT.md for the shape of each file"
MSG_LONG_NUMBER = "this number has {count} digits; at most {most} are allowed"
HINT_LONG_NUMBER = "quote it if it is text"
MSG_TOO_BIG = "the YAML text has {size} bytes; at most {limit} are allowed"
HINT_TOO_BIG = "split the file, or check that it is the file you meant to add"

Path_ = tuple  # a path into the data: ("anchors", 2, "quote")


@dataclass
class Located:
    data: object
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, int, int]] = field(default_factory=list)

    def where(self, path: Path_) -> tuple[int, int]:
        """The position of the deepest known part of `path` (a key's line for mappings)."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


# libyaml when available: the same events, nodes and marks, several times faster
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TextDateLoader(_Base):
    """SafeLoader that keeps dates as the text the editor wrote: an impossible
    date (2026-02-30) becomes a located problem instead of a crash."""


TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(Exception):
    def __init__(self, message: str, line: int, column: int, hint: str = HINT_YAML_SYNTAX, syntax: bool = True) -> None:
        super().__init__(message)
        self.line, self.column, self.hint, self.syntax = line, column, hint, syntax


_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*")
_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _refuse(mark, message: str, hint: str) -> YamlError:
    return YamlError(message, mark.line + 1, mark.column + 1, hint, syntax=False)


def _scan(text: str) -> None:
    """Refuse aliases, anchors, tags, deep nesting and huge numbers, from events only."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise _refuse(event.start_mark, MSG_ALIAS, HINT_ALIAS)
        if not isinstance(event, _NODE_EVENTS):
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            continue
        if event.anchor is not None:
            raise _refuse(event.start_mark, MSG_ALIAS, HINT_ALIAS)
        if event.tag is not None:
            raise _refuse(event.start_mark, MSG_TAG.format(tag=_short_tag(event.tag)), HINT_TAG)
        if isinstance(event, yaml.ScalarEvent):
            value = event.value
            if event.implicit[0] and len(value) > MAX_NUMBER_DIGITS and _NUMBER.fullmatch(value):
                raise _refuse(event.start_mark, MSG_LONG_NUMBER.format(count=len(value), most=MAX_NUMBER_DIGITS),
                              HINT_LONG_NUMBER)
            continue
        depth += 1
        if depth > MAX_DEPTH:
            raise _refuse(event.start_mark, MSG_TOO_DEEP.format(most=MAX_DEPTH), HINT_TOO_DEEP)


def _walk(node: yaml.Node, path: Path_, located: Located) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                located.duplicate_keys.append((name, key.start_mark.line + 1, key.start_mark.column + 1))
            seen.add(name)
            located.positions[path + (name,)] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _walk(value, path + (name,), located)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            located.positions[path + (index,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _walk(item, path + (index,), located)


def _syntax_error(error: yaml.YAMLError) -> YamlError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return YamlError(problem, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)


def load(text: str) -> Located:
    """Parse YAML with positions; raise YamlError (1-based place, hint) on a syntax
    error or on anything `_scan` refuses."""
    try:
        _scan(text)
        loader = TextDateLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise _syntax_error(error) from None
    located = Located(data)
    if node is not None:
        located.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        _walk(node, (), located)
    return located


def load_yaml(text: str, path: str, *, limit: int = MAX_YAML_BYTES, first_line: int = 1,
              what: str = "this") -> Located:
    """YAML text read from `path` (named in messages), with every key's and item's
    position; InputError with a located Problem for anything we refuse.
    `first_line` is the file line the text starts on (2 for front matter);
    `what` names the text in a syntax error ("front matter")."""
    shift = first_line - 1
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > limit:
        raise InputError(Problem(path, first_line, 1, MSG_TOO_BIG.format(size=size, limit=limit), HINT_TOO_BIG))
    try:
        located = load(text)
    except YamlError as error:
        message = MSG_YAML_SYNTAX.format(what=what, problem=error) if error.syntax else str(error)
        raise InputError(Problem(path, error.line + shift, error.column, message, error.hint)) from None
    if shift:
        located.positions = {key: (line + shift, column) for key, (line, column) in located.positions.items()}
        located.duplicate_keys = [(name, line + shift, column) for name, line, column in located.duplicate_keys]
    return located
