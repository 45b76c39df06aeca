"""Geometry for server-rendered SVG charts (no scripts, no inline styles: CSS classes only)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the formatted value shown after the bar
    x: float
    y: float
    width: float
    height: float
    css: str = ""


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar] = field(default_factory=list)


def bar_chart(rows: list[tuple[str, float, str, str]], *, width: int = 640,
              label_width: int = 210, bar_height: int = 22, gap: int = 10) -> BarChart:
    """Horizontal bars from (label, value, text, css class); negative values draw no bar."""
    largest = max((value for _label, value, _text, _css in rows), default=0) or 1
    track = width - label_width - 110
    chart = BarChart(width, max(1, len(rows)) * (bar_height + gap) + gap, label_width)
    for index, (label, value, text, css) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = max(0.0, value) / largest * track if largest > 0 else 0.0
        chart.bars.append(Bar(label, text, label_width, y, round(length, 1), bar_height, css))
    return chart


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    segments: tuple[tuple[float, float, str], ...]  # (y, height, css) bottom to top


@dataclass
class ColumnChart:
    width: int
    height: int
    baseline: float
    left: int = 104
    columns: list[Column] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)


def column_chart(rows: list[tuple[str, list[tuple[float, str]]]], tick_text,
                 *, width: int = 640, height: int = 240) -> ColumnChart:
    """Stacked columns from (label, [(value, css), …]); tick_text formats an axis value."""
    top, bottom, left = 16, 28, 104
    plot = height - top - bottom
    totals = [sum(max(0.0, value) for value, _css in parts) for _label, parts in rows]
    largest = max(totals, default=0) or 1
    chart = ColumnChart(width, height, top + plot, left)
    for fraction in (0, 0.5, 1):
        chart.ticks.append((round(top + plot * (1 - fraction), 1), tick_text(largest * fraction)))
    step = (width - left - 8) / max(1, len(rows))
    for index, (label, parts) in enumerate(rows):
        y: float = top + plot
        segments = []
        for value, css in parts:
            size = max(0.0, value) / largest * plot
            y -= size
            segments.append((round(y, 1), round(size, 1), css))
        chart.columns.append(Column(label, round(left + index * step + step * 0.15, 1),
                                    round(step * 0.7, 1), tuple(segments)))
    return chart
