"""Load YAML and remember where every key and item stands, so that a problem
found in the data can name the file, line and column an editor must fix."""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

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


# libyaml when available: the same nodes and marks, several times faster
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TextDateLoader(_Base):
    """SafeLoader that keeps dates as the text the editor wrote: an impossible
    date (2026-02-30) becomes a located problem instead of a crash."""


TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line, self.column = line, column


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


def load(text: str) -> Located:
    """Parse YAML; raise YamlError with a 1-based position on a syntax error."""
    try:
        loader = TextDateLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(problem, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1) from None
    located = Located(data)
    if node is not None:
        located.positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        _walk(node, (), located)
    return located
