"""Inter-character justification for Chinese, an adaptation of WeasyPrint 70.0.

Why: WeasyPrint 70 justifies by stretching spaces only (its issue #2269), and
Chinese has no spaces, so `text-align: justify` leaves Chinese lines ragged
(measured: 360 of 367 lines not flush). CSS Text 3 asks for inter-character
expansion in CJK (`text-justify: auto`); WeasyPrint has no switch for it.

How: WeasyPrint counts the "expandable spaces" of a line, divides the missing
width among them, and at drawing time turns that share into Pango letter
spacing on each space. We add the gaps next to CJK characters as expansion
opportunities in both places:
- `count_expandable_spaces` counts them (in the exact units Pango will add:
  Pango gives a spaced character half its spacing on each side, except at the
  two ends of a text box — measured on Pango 1.50);
- `Layout.set_text(…, justify=True)` puts the letter spacing on those
  characters.
Text is not touched: only glyph positions move, so pdftotext and copy-paste
give the source text.

Scope: only while the context manager is active (our render), only for text
whose language is Chinese, and only with WeasyPrint 70.0, whose private
functions this replaces; with any other version it does nothing and says so
(the flush-line test then fails, asking for a review).
"""
from __future__ import annotations

import contextlib
import logging
import re

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, pango

PINNED_VERSION = "70.0"
MSG_UNPINNED = ("report_pdf: Chinese justification is written for WeasyPrint %s, found %s; "
                "lines stay ragged-right until plugins/report_pdf/justify.py is reviewed")
LOGGER = logging.getLogger(__name__)
# Characters set full-width in Chinese text: ideographs, CJK and full-width
# punctuation, and the general punctuation Chinese uses (“ ” ‘ ’ — …).
CJK = re.compile("[\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
                 "\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")
NOT_EXPANDABLE = {" ", "\u00a0", "\u200b", "\n", "\t"}  # spaces have word spacing; ZWSP is invisible


def _is_chinese(style) -> bool:
    return str(style["lang"] or "").lower().startswith("zh")


def spaced_characters(text: str) -> list[int]:
    """Indexes of the characters that get letter spacing: members of runs whose
    every inner gap touches a CJK character."""
    chosen: set[int] = set()
    for index in range(len(text) - 1):
        left, right = text[index], text[index + 1]
        if left in NOT_EXPANDABLE or right in NOT_EXPANDABLE:
            continue
        if CJK.match(left) or CJK.match(right):
            chosen.update((index, index + 1))
    return sorted(chosen)


def expansion_units(text: str) -> float:
    """How many times the letter spacing Pango adds for `text` (see the docstring)."""
    last = len(text) - 1
    return sum((0.5 if i > 0 else 0) + (0.5 if i < last else 0) for i in spaced_characters(text))


def _count(box) -> float:
    if isinstance(box, boxes.TextBox):
        spaces = box.text.count(" ") + box.text.count("\u00a0")
        return spaces + (expansion_units(box.text) if _is_chinese(box.style) else 0)
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return sum(_count(child) for child in box.children)
    return 0


def _make_set_text(original):
    def set_text(self, text, justify=False):
        original(self, text, justify)
        spacing = self.justification_spacing
        if not (justify and spacing and _is_chinese(self.style)):
            return
        indexes = spaced_characters(self.text)
        if not indexes:
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        offsets = [0]
        for character in self.text:
            offsets.append(offsets[-1] + len(character.encode()))
        units = int(spacing * line_break.TO_UNITS)
        for index in indexes:
            attr = pango.pango_attr_letter_spacing_new(units)
            attr.start_index, attr.end_index = offsets[index], offsets[index + 1]
            pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    return set_text


@contextlib.contextmanager
def inter_character_justification():
    """Justify Chinese lines inter-character while the block runs (render and
    write_pdf both need it: the spacing is applied when text is drawn)."""
    if weasyprint.__version__ != PINNED_VERSION:
        LOGGER.warning(MSG_UNPINNED, PINNED_VERSION, weasyprint.__version__)
        yield False
        return
    saved = inline.count_expandable_spaces, line_break.Layout.set_text
    inline.count_expandable_spaces = _count
    line_break.Layout.set_text = _make_set_text(saved[1])
    try:
        yield True
    finally:
        inline.count_expandable_spaces, line_break.Layout.set_text = saved
