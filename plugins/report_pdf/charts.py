"""The indicator charts for print: SVG files beside the print HTML.

Why files and not inline SVG: inline, each chart's ~40 elements go through
WeasyPrint's pure-Python HTML parser and CSS cascade (73 charts: 170 KB of
markup, about a second of a render, profiled); as an <img>, WeasyPrint reads
the SVG with ElementTree and draws it the same way. The <img> carries the
chart's title and description as its alt text, for the tagged PDF.

Labels placed with text-anchor end/middle are rewritten to start at the same
place: WeasyPrint 70 draws each anchored SVG text through its own
transparency group (a form XObject): 629 of them, 0.2 MB of the PDF.
"""
from __future__ import annotations

import hashlib
import os
import html as html_lib
import re
from pathlib import Path

from .fonts import FONT_FAMILY

ANCHORED_TEXT = re.compile(r'<text ([^>]*?)x="([-\d.]+)"([^>]*?) text-anchor="(end|middle)"([^>]*?)>([^<]*)</text>')
FONT_SIZE = re.compile(r'font-size="([\d.]+)"')
TITLE = re.compile(r"<title[^>]*>([^<]*)</title>")
DESC = re.compile(r"<desc[^>]*>([^<]*)</desc>")
TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")


def start_anchored_text(svg: str, advances: dict[str, float]) -> str:
    """Anchored labels moved to their start, using the widths (em) of the font
    they are set in; a label with a character or size we cannot measure stays."""

    def place(match: re.Match) -> str:
        before, x, middle, anchor, after, text = match.groups()
        size = FONT_SIZE.search(before + middle + after)
        chars = html_lib.unescape(text)
        if not size or any(c not in advances for c in chars):
            return match.group(0)
        width = sum(advances[c] for c in chars) * float(size[1])
        start = float(x) - (width if anchor == "end" else width / 2)
        return f'<text {before}x="{start:.2f}"{middle}{after}>{text}</text>'

    return ANCHORED_TEXT.sub(place, svg)


def print_svg(svg: str, advances: dict[str, float]) -> str:
    """A standalone SVG file for print: our font named (the page's CSS does
    not reach an SVG image, and its text would fall back to DejaVu Sans)."""
    svg = svg.replace("<svg ", f'<svg font-family="{FONT_FAMILY}" ', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + start_anchored_text(svg, advances)


def alt_text(svg: str) -> str:
    parts = [html_lib.unescape(m[1]).strip() for m in (TITLE.search(svg), DESC.search(svg)) if m]
    return "：".join(p for p in parts if p)


def chart_text(indicators: list[dict]) -> str:
    """Every character the charts draw (the font must hold them)."""
    return "".join(html_lib.unescape(t) for i in indicators for t in TEXT.findall(i.get("chart_svg") or ""))


def write_charts(indicators: list[dict], advances: dict[str, float], folder: Path) -> dict[str, dict]:
    """indicator id → {url, alt}; files named by their content, so an unchanged
    chart is not written again and the print HTML stays the same."""
    folder.mkdir(parents=True, exist_ok=True)
    charts = {}
    for indicator in indicators:
        if not indicator.get("chart_svg"):
            continue
        data = print_svg(indicator["chart_svg"], advances).encode()
        path = folder / f"chart-{hashlib.sha256(data).hexdigest()[:20]}.svg"
        if not path.exists():
            partial = path.with_suffix(f".{os.getpid()}.part")  # parallel renders
            partial.write_bytes(data)
            partial.replace(path)
        charts[indicator["id"]] = {"url": path.resolve().as_uri(), "alt": alt_text(indicator["chart_svg"])}
    return charts
