"""Build the markdown-it-py parser from the `MARKDOWN_IT_PLUGINS` setting.

Plugins are named as importable "module:function" strings (lambdas in
settings would break Pelican's pickled cache). The parser is built once per
list of plugins: building it costs more than parsing a report.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt


def load_callable(spec: str):
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)


@lru_cache(maxsize=4)
def _parser(specs: tuple[str, ...]) -> MarkdownIt:
    # commonmark with raw HTML off: the report and annotations never inject markup
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    for spec in specs:
        load_callable(spec)(md)
    return md


def build_parser(settings: dict[str, Any]) -> MarkdownIt:
    """The shared parser. Its rules keep no state: everything a parse finds
    goes into the `env` of that parse."""
    return _parser(tuple(settings.get("MARKDOWN_IT_PLUGINS", [])))
