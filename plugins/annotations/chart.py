"""A small chart of one indicator, drawn at build time as inline SVG.

    indicator_chart(view) -> '<svg class="chart" role="img" …>…</svg>'

`view` is an indicator view from views.indicator_views (it needs `id`, `name`,
`unit` and `values_sorted`). Years run along a linear axis (2016 → 2021 is
five steps, 2021 → 2022 one), values up a scale that starts at zero unless a
value is negative. Reported values (baseline, actual) are filled dots joined by
a solid line; targets are hollow diamonds joined to the last reported value by
a dashed line, so a target never reads as an achievement, in colour or in
greyscale print.

No script and no style attribute (the site's CSP forbids both): colours are
presentation attributes, which the site's CSS may override through the classes
(dark mode), and which WeasyPrint honours in the PDF.
"""
from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 320, 190
LEFT, RIGHT, TOP, BOTTOM = 46, 24, 40, 28
INK, MUTED, GRID = "#1f2328", "#5b636d", "#dcd8cc"
REPORTED, TARGET = "#1d4f91", "#9b1c1c"
COMPARATORS = {">=": "≥", "<=": "≤", "~": "约"}
KNOWN = ("baseline", "actual")


def number(value: float) -> str:
    """1.85 → '1.85', 8000.0 → '8000', 0.30000000000000004 → '0.3'."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _points(values: list[dict]) -> list[dict]:
    return [v for v in values if isinstance(v.get("value"), (int, float)) and isinstance(v.get("year"), int)]


def value_label(value: dict) -> str:
    return COMPARATORS.get(value.get("comparator", ""), "") + number(value["value"])


def description(view: dict) -> str:
    """The chart as a sentence, for screen readers (and as the SVG <desc>)."""
    unit = view.get("unit", "")
    parts = [f"{v['year']}年{v.get('kind_label') or v.get('kind', '')}{value_label(v)}{unit}"
             for v in _points(view.get("values_sorted") or [])]
    return "；".join(parts) + "。" if parts else "没有可绘制的数值。"


def indicator_chart(view: dict) -> str:
    values = _points(view.get("values_sorted") or [])
    ident = escape(str(view.get("id", "indicator")))
    unit = str(view.get("unit", ""))
    title = f"{view.get('name', '')}（{unit}）按年份" if unit else f"{view.get('name', '')}按年份"
    head = (f'<svg class="chart" role="img" aria-labelledby="chart-{ident}-title chart-{ident}-desc" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="chart-{ident}-title">{escape(title)}</title>'
            f'<desc id="chart-{ident}-desc">{escape(description(view))}</desc>')
    if not values:
        return head + "</svg>"

    years = sorted({v["year"] for v in values})
    numbers = [v["value"] for v in values]
    ticks = nice_ticks(min(0.0, min(numbers)), max(numbers) if max(numbers) > 0 else 1.0)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + (year - years[0]) / (years[-1] - years[0]) * plot_w

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    out = [head, '<g class="chart-grid" aria-hidden="true">']
    for tick in ticks:
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>'
                   f'<text class="chart-axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                   f'font-size="12" fill="{MUTED}">{escape(number(tick))}</text>')
    for year in years:
        out.append(f'<text class="chart-axis" x="{x(year):.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                   f'font-size="12" fill="{MUTED}">{year}</text>')
    out.append(f'<text class="chart-axis" x="{LEFT - 6}" y="{TOP - 16}" text-anchor="end" font-size="12" '
               f'fill="{MUTED}">{escape(unit)}</text>')
    out.append("</g>")
    out.append(_legend())

    known = [v for v in values if v.get("kind") in KNOWN]
    targets = [v for v in values if v.get("kind") not in KNOWN]
    out.append('<g class="chart-series" aria-hidden="true">')
    if len(known) > 1:
        path = " ".join(f"{x(v['year']):.1f},{y(v['value']):.1f}" for v in known)
        out.append(f'<polyline class="chart-line" points="{path}" fill="none" stroke="{REPORTED}" stroke-width="2"/>')
    for target in targets:
        before = [k for k in known if k["year"] < target["year"]]
        if before:
            start = before[-1]
            out.append(f'<line class="chart-target-line" x1="{x(start["year"]):.1f}" y1="{y(start["value"]):.1f}" '
                       f'x2="{x(target["year"]):.1f}" y2="{y(target["value"]):.1f}" stroke="{TARGET}" '
                       f'stroke-width="1.5" stroke-dasharray="4 3"/>')
    for value in known:
        out.append(f'<circle class="chart-point" cx="{x(value["year"]):.1f}" cy="{y(value["value"]):.1f}" r="4" '
                   f'fill="{REPORTED}"/>')
    for value in targets:
        cx, cy = x(value["year"]), y(value["value"])
        out.append(f'<path class="chart-target" d="M{cx:.1f},{cy - 6:.1f} L{cx + 6:.1f},{cy:.1f} '
                   f'L{cx:.1f},{cy + 6:.1f} L{cx - 6:.1f},{cy:.1f} Z" fill="#ffffff" stroke="{TARGET}" stroke-width="2"/>')
    out.append(_labels(values, x, y))
    out.append("</g></svg>")
    return "".join(out)


def _labels(values: list[dict], x, y) -> str:
    """Value labels above each point; a second label at the same spot goes below."""
    used: list[tuple[float, float]] = []
    out = []
    for value in values:
        cx, cy = x(value["year"]), y(value["value"]) - 9
        if any(abs(cx - ux) < 36 and abs(cy - uy) < 14 for ux, uy in used):
            cy += 28
        used.append((cx, cy))
        anchor = "end" if cx > WIDTH - RIGHT - 10 else "start" if cx < LEFT + 10 else "middle"
        colour = REPORTED if value.get("kind") in KNOWN else TARGET
        out.append(f'<text class="chart-value chart-value-{escape(str(value.get("kind", "")))}" x="{cx:.1f}" '
                   f'y="{cy:.1f}" text-anchor="{anchor}" font-size="13" fill="{colour}">{escape(value_label(value))}</text>')
    return "".join(out)


def _legend() -> str:
    return (f'<g class="chart-legend" aria-hidden="true" font-size="12" fill="{INK}">'
            f'<circle cx="{LEFT + 4}" cy="12" r="4" fill="{REPORTED}"/>'
            f'<text x="{LEFT + 12}" y="16">基期/实际</text>'
            f'<path d="M{LEFT + 84},6 L{LEFT + 90},12 L{LEFT + 84},18 L{LEFT + 78},12 Z" fill="#ffffff" '
            f'stroke="{TARGET}" stroke-width="2"/>'
            f'<text x="{LEFT + 96}" y="16">目标</text></g>')
