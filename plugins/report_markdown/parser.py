"""Build the markdown-it-py parser from the `MARKDOWN_IT_PLUGINS` setting.

Plugins are named as importable "module:function" strings (lambdas in
settings would break Pelican's pickled cache). A plugin whose function takes a
`settings` keyword receives the Pelican settings, so our own plugins can find
`annotations/` without global state.
"""
from __future__ import annotations

import importlib
import inspect
from typing import Any

from markdown_it import MarkdownIt


def load_callable(spec: str):
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def build_parser(settings: dict[str, Any]) -> MarkdownIt:
    # commonmark with raw HTML off: the report and annotations never inject markup
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    for spec in settings.get("MARKDOWN_IT_PLUGINS", []):
        plugin = load_callable(spec)
        if "settings" in inspect.signature(plugin).parameters:
            plugin(md, settings=settings)
        else:
            plugin(md)
    return md
