"""Read report blocks out of built HTML the way the contract defines them:
elements with `data-block`, their text without any `data-ui` descendants."""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "area", "col", "embed", "track"}


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.blocks: list[dict] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self._open_blocks: list[dict] = []
        self._ui_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in VOID:
            return
        is_ui = "data-ui" in attrs
        block = None
        if "data-block" in attrs:
            block = {"id": attrs.get("id"), "kind": attrs["data-block"], "tag": tag, "text": "", "attrs": attrs}
            self.blocks.append(block)
            self._open_blocks.append(block)
        self.stack.append((tag, {"ui": is_ui, "block": block}))
        if is_ui:
            self._ui_depth += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, info = self.stack.pop()
            if info["ui"]:
                self._ui_depth -= 1
            if info["block"] is not None:
                self._open_blocks.remove(info["block"])
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._ui_depth == 0:
            for block in self._open_blocks:
                block["text"] += data


def parse(html: str) -> _BlockParser:
    parser = _BlockParser()
    parser.feed(html)
    parser.close()
    return parser


def blocks(html: str) -> list[dict]:
    return parse(html).blocks
