"""The social image of a report (Open Graph, Twitter card): a 1200×630 PNG
with its title and issuer, drawn at build time with Pillow in the CJK font the
PDF uses (Debian's fonts-noto-cjk: report_pdf/fonts.py), no external fonts.
The same text gives the same bytes (no time stamp in the PNG)."""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import same_files

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
PAPER, INK, ACCENT, MUTED = (250, 247, 240), (33, 29, 26), (158, 27, 27), (110, 100, 92)
FAMILY = "Noto Serif CJK SC"
# The Debian files report_pdf/fonts.py names (SOURCES). Not imported from there: that
# package imports WeasyPrint (1.1 s, measured), which a --no-pdf build never needs.
FONT_FILES = {
    400: Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    700: Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
MSG_NO_FONT = "{path} is missing: install the Debian package fonts-noto-cjk (make does)"


class FontMissing(Exception):
    """The machine's set-up, not our bug (build_errors.py)."""

    user_error = True


@lru_cache(maxsize=8)
def _face_index(path: str) -> int:
    """Which face of the collection is Simplified Chinese (JP, KR, SC … in Debian's files)."""
    from fontTools.ttLib import TTCollection

    for index, font in enumerate(TTCollection(path, lazy=True).fonts):
        if font["name"].getDebugName(1) == FAMILY:
            return index
    raise RuntimeError(f"{path} holds no '{FAMILY}' face")


@lru_cache(maxsize=8)
def _font(weight: int, size: int):  # the collection is 20 MB: open each size once
    from PIL import ImageFont

    path = FONT_FILES[weight]
    if not path.exists():
        raise FontMissing(MSG_NO_FONT.format(path=path))
    return ImageFont.truetype(str(path), size, index=_face_index(str(path)))


def wrap(text: str, font, width: int, most: int) -> list[str]:
    """Lines of at most `width` pixels, character by character (Chinese breaks
    anywhere); at most `most` lines, the last one ending in … when cut."""
    lines, line = [], ""
    for char in text:
        if line and font.getlength(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def social_image(title: str, issuer: str, site_name: str, note: str = "") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 16), fill=ACCENT)
    small, heading = _font(400, 34), _font(700, 72)
    if site_name:  # the library's own image has the site's name as its title
        draw.text((MARGIN, 70), site_name, font=small, fill=ACCENT)
    y = 170
    for line in wrap(title, heading, WIDTH - 2 * MARGIN, 3):
        draw.text((MARGIN, y), line, font=heading, fill=INK)
        y += 96
    draw.line((MARGIN, y + 20, MARGIN + 160, y + 20), fill=ACCENT, width=4)
    for line in wrap(issuer, _font(400, 40), WIDTH - 2 * MARGIN, 1):
        draw.text((MARGIN, y + 48), line, font=_font(400, 40), fill=INK)
    for line in wrap(note, small, WIDTH - 2 * MARGIN, 1):
        draw.text((MARGIN, HEIGHT - 90), line, font=small, fill=MUTED)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def write_social_image(target: Path, *args: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    same_files.write_bytes(target, social_image(*args))
