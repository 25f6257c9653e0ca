"""The annotation folder's two side files, read safely and checked by shape:
coverage.yml (`emphasis`: quoted strings that are not names) and
categories.yml (term category id → glossary label, in glossary order).

Before this module a malformed categories.yml passed `check` and then failed
the build with a traceback and no location; both files now give located
problems in `check` and plain, usable values to the build.
"""
from __future__ import annotations

from pathlib import Path

from input_files import InputError, display_path, read_text
from problems import Problem
from yaml_safe import MAX_YAML_BYTES, load_yaml

COVERAGE_FILE = "coverage.yml"
CATEGORIES_FILE = "categories.yml"

MSG_NOT_MAPPING = "{name} must be a mapping of field: value"
MSG_COVERAGE_FIELD = "unknown field '{field}' in coverage.yml"
MSG_EMPHASIS_NOT_LIST = "emphasis must be a list of quoted strings"
MSG_EMPHASIS_ITEM = "each emphasis item must be text"
MSG_CATEGORY_ID = "the category id {id} must be lowercase ASCII text"
MSG_CATEGORY_LABEL = "the label of category '{id}' must be text"
HINT_COVERAGE = "write `emphasis:`, then one line `  - text` per quoted string"
HINT_CATEGORIES = "one line per category: `policy: 政策与方略`"


def _read(root: Path, name: str):
    """(Located or None, problems): None when the file is absent or unreadable."""
    path = root / name
    if not path.exists() and not path.is_symlink():
        return None, []
    shown = display_path(path)
    try:
        return load_yaml(read_text(path, root, MAX_YAML_BYTES, shown), shown), []
    except InputError as error:
        return None, [error.problem]


def load_coverage(root: Path) -> tuple[list[str], list[Problem]]:
    """The emphasis strings of coverage.yml, and what is wrong with the file."""
    located, problems = _read(root, COVERAGE_FILE)
    if located is None or located.data is None:
        return [], problems
    shown = display_path(root / COVERAGE_FILE)
    data = located.data
    if not isinstance(data, dict):
        return [], [Problem(shown, *located.where(()), MSG_NOT_MAPPING.format(name=COVERAGE_FILE), HINT_COVERAGE)]
    for field in data:
        if field != "emphasis":
            problems.append(Problem(shown, *located.where((str(field),)), MSG_COVERAGE_FIELD.format(field=field),
                                    HINT_COVERAGE))
    emphasis = data.get("emphasis")
    if emphasis is None:
        return [], problems
    if not isinstance(emphasis, list):
        return [], problems + [Problem(shown, *located.where(("emphasis",)), MSG_EMPHASIS_NOT_LIST, HINT_COVERAGE)]
    kept = []
    for index, item in enumerate(emphasis):
        if isinstance(item, str):
            kept.append(item)
        else:
            problems.append(Problem(shown, *located.where(("emphasis", index)), MSG_EMPHASIS_ITEM,
                                    "quote it: - \"2211\""))
    return kept, problems


def load_categories(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """Category ids to labels in glossary order, and what is wrong with the file."""
    located, problems = _read(root, CATEGORIES_FILE)
    if located is None or located.data is None:
        return {}, problems
    shown = display_path(root / CATEGORIES_FILE)
    data = located.data
    if not isinstance(data, dict):
        return {}, [Problem(shown, *located.where(()), MSG_NOT_MAPPING.format(name=CATEGORIES_FILE), HINT_CATEGORIES)]
    labels = {}
    for key, label in data.items():
        where = located.where((str(key),))
        if not isinstance(key, str) or not key.isascii() or key != key.lower() or not key.strip():
            problems.append(Problem(shown, *where, MSG_CATEGORY_ID.format(id=repr(key)), HINT_CATEGORIES))
        elif not isinstance(label, str) or not label.strip():
            problems.append(Problem(shown, *where, MSG_CATEGORY_LABEL.format(id=key), HINT_CATEGORIES))
        else:
            labels[key] = label
    return labels, problems
