"""Charts as inline SVG drawn on the server: no JavaScript, no CDN, works offline. Every bar
links to the records behind it. Colours are presentation attributes; the CJK font stack and the
sizing are the .stats-chart classes in static/css/app.css (no style="" under the CSP)."""

import math
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from markupsafe import Markup, escape

from ..locales import punctuation

PALETTE = ("#b3261e", "#1f6feb", "#20a37a", "#e8890c", "#6f42c1")
INK, MUTED, GRID = "#212529", "#6c757d", "#e9ecef"


@dataclass
class Row:
    label: str
    values: list[float]
    hrefs: list[str | None] = field(default_factory=list)
    note: str = ""   # shown after the value (e.g. a conversion rate)


def _svg(width: int, height: int, body: list[str], title: str, fill: bool = False) -> Markup:
    """*fill*: as wide as the container (700 px at least, the container scrolls below it);
    otherwise the natural size, shrunk to fit narrow screens. Sizing and font come from classes
    in static/css/app.css: the Content-Security-Policy allows no style="" attribute."""
    classes = "stats-chart stats-chart-fill stats-chart-wide" if fill else "stats-chart"
    # An image's content is hidden from screen readers: a chart with links is a named group instead.
    inner = "".join(body)
    role = "group" if "<a " in inner else "img"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="{role}" aria-label="{escape(title)}" class="{classes}">'
        f'<title>{escape(title)}</title>{inner}</svg>')


def _text(x: float, y: float, text: str, size: int = 14, anchor: str = "start", fill: str = INK,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" dominant-baseline="middle">{escape(text)}</text>')


def _link(href: str | None, inner: str, tip: str) -> str:
    tip_el = f"<title>{escape(tip)}</title>"
    if not href:
        return f"<g>{tip_el}{inner}</g>"
    return f'<a href="{escape(href)}">{tip_el}{inner}</a>'


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def nice_ceiling(value: float) -> float:
    """A round axis maximum at or above *value* (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def funnel(rows: list[Row], title: str) -> Markup:
    """A centred funnel: one bar per stage, width by value, the stage's conversion beside it."""
    width, label_w, value_w, row_h = 470, 64, 130, 46
    bar_area = width - label_w - value_w
    top = max((r.values[0] for r in rows), default=0) or 1
    body = []
    for n, row in enumerate(rows):
        y = 8 + n * row_h
        w = bar_area * row.values[0] / top
        x = label_w + (bar_area - w) / 2
        opacity = 1 - n * 0.13
        body.append(_text(label_w - 10, y + (row_h - 10) / 2, row.label, 15, "end"))
        if row.values[0]:
            bar = (f'<rect x="{x:.1f}" y="{y}" width="{max(w, 3):.1f}" height="{row_h - 10}" rx="4" '
                   f'fill="{PALETTE[0]}" fill-opacity="{opacity:.2f}"/>')
            body.append(_link(row.hrefs[0] if row.hrefs else None, bar,
                              f"{row.label}{punctuation('：')}{_fmt(row.values[0])}"))
        body.append(_text(width - value_w + 8, y + (row_h - 10) / 2 - 1, _fmt(row.values[0]), 16,
                          weight="bold"))
        if row.note:
            body.append(_text(width - value_w + 14 + 10 * len(_fmt(row.values[0])),
                              y + (row_h - 10) / 2, row.note, 13, fill=MUTED))
    return _svg(width, 8 + len(rows) * row_h, body, title)


def hbars(rows: list[Row], series: list[str], title: str, label_chars: int = 6) -> Markup:
    """Grouped horizontal bars, one group per row (a category), one bar per series."""
    width, label_w, value_w = 480, 15 * label_chars + 12, 56
    bar_h, gap = 16, 12
    group_h = bar_h * len(series) + gap
    legend_h = 28
    top = nice_ceiling(max((v for r in rows for v in r.values), default=0))
    plot = width - label_w - value_w
    body = _legend(series, 0)
    for n, row in enumerate(rows):
        y0 = legend_h + n * group_h
        tip_label = row.label
        body.append(f"<g><title>{escape(tip_label)}</title>"
                    + _text(label_w - 8, y0 + bar_h * len(series) / 2, _short(row.label, label_chars),
                            14, "end") + "</g>")
        for s, value in enumerate(row.values):
            y = y0 + s * bar_h
            w = plot * value / top if top else 0
            if value:
                rect = (f'<rect x="{label_w}" y="{y + 1}" width="{max(w, 2):.1f}" height="{bar_h - 3}" '
                        f'rx="2" fill="{PALETTE[s % len(PALETTE)]}"/>')
                href = row.hrefs[s] if s < len(row.hrefs) else None
                body.append(_link(href, rect, f"{row.label} · {series[s]}{punctuation('：')}{_fmt(value)}"))
            body.append(_text(label_w + (max(w, 2) if value else 0) + 6, y + bar_h / 2, _fmt(value), 12,
                              fill=MUTED))
    height = legend_h + max(len(rows), 1) * group_h
    if not rows:
        body.append(_text(width / 2, legend_h + 10, "—", 14, "middle", MUTED))
    return _svg(width, height, body, title)


def columns(rows: list[Row], series: list[str], title: str) -> Markup:
    """Grouped columns over time (months or years) with a y axis; labels 'YYYY-MM' or 'YYYY'."""
    left, right, legend_h, bottom = 48, 12, 32, 48
    slot = 46 if len(series) > 1 else 30
    width = max(900, left + right + slot * len(rows))
    height = 260
    plot_h = height - legend_h - bottom
    top = nice_ceiling(max((v for r in rows for v in r.values), default=0))
    if top < 4:
        top = 4
    body = _legend(series, left)
    for tick in range(5):
        value = top * tick / 4
        y = legend_h + plot_h - plot_h * tick / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6, y, _fmt(value), 13, "end", MUTED))
    slot = (width - left - right) / max(len(rows), 1)
    bar_w = min(16, (slot - 8) / len(series))
    for n, row in enumerate(rows):
        x0 = left + n * slot + (slot - bar_w * len(series)) / 2
        for s, value in enumerate(row.values):
            h = plot_h * value / top
            x, y = x0 + s * bar_w, legend_h + plot_h - h
            rect = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{max(h, 0):.1f}" '
                    f'fill="{PALETTE[s % len(PALETTE)]}"/>')
            href = row.hrefs[s] if s < len(row.hrefs) else None
            body.append(_link(href, rect, f"{row.label} · {series[s]}{punctuation('：')}{_fmt(value)}"))
        centre = left + n * slot + slot / 2
        label = row.label
        if len(label) == 7:  # YYYY-MM: the month, with the year under January and the first one
            month = format_date(date(2000, int(label[5:]), 1), "LLL")  # 1月 / Jan
            body.append(_text(centre, legend_h + plot_h + 14, month, 13, "middle", MUTED))
            if n == 0 or label.endswith("-01"):
                body.append(_text(centre, legend_h + plot_h + 32, label[:4], 13, "middle", MUTED))
        else:
            body.append(_text(centre, legend_h + plot_h + 14, label, 13, "middle", MUTED))
    if not rows:
        body.append(_text(width / 2, legend_h + plot_h / 2, "—", 14, "middle", MUTED))
    return _svg(int(width), height, body, title, fill=True)


def _legend(series: list[str], x: int) -> list[str]:
    out = []
    for s, name in enumerate(series):
        out.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{PALETTE[s % len(PALETTE)]}"/>')
        out.append(_text(x + 17, 12.5, name, 13))
        x += 30 + 15 * len(name)
    return out
