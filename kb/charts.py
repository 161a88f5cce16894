"""Server-rendered SVG charts: no scripts, every text escaped, shapes and labels carry the meaning."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from kb.web.formatting import format_value

WIDTH = 720
ROW = 26
LABEL_W = 200
PAD = 16


@dataclass(frozen=True)
class Interval:
    """One figure on a shared axis: a point when low == high, a bar for a range, an arrow for a bound."""

    row: str
    low: float | None
    high: float | None
    label: str
    url: str = ""
    conflict: bool = False


@dataclass(frozen=True)
class TimePoint:
    series: str
    unit: str
    when: date
    low: float | None
    high: float | None
    label: str
    url: str = ""


class _Axis:
    """Maps values to x pixels, logarithmic when the values span more than two orders of magnitude."""

    def __init__(self, values: list[float], x0: float, x1: float, zero: bool = True):
        positive = [v for v in values if v is not None and v > 0]
        self.log = bool(positive) and len(positive) == len([v for v in values if v is not None]) \
            and max(positive) / min(positive) > 100
        lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
        if self.log:
            lo, hi = math.log10(min(positive)), math.log10(max(positive))
        elif lo > 0 and zero:
            lo = 0.0
        if hi == lo:
            hi = lo + 1
        pad = (hi - lo) * 0.05
        # A linear axis starting at zero stays there; otherwise pad both ends.
        self.lo = lo if (not self.log and lo == 0 and zero) else lo - pad
        self.hi, self.x0, self.x1 = hi + pad, x0, x1

    def __call__(self, value: float) -> float:
        v = math.log10(value) if self.log else value
        return self.x0 + (v - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)

    def ticks(self, n: int = 5) -> list[float]:
        if self.log:
            return [10 ** e for e in range(math.ceil(self.lo), math.floor(self.hi) + 1)]
        step = (self.hi - self.lo) / (n - 1)
        return [self.lo + i * step for i in range(n)]


def _svg(height: float, title: str, body: list[str]) -> Markup:
    t = escape(title)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-label="{t}"><title>{t}</title>{"".join(body)}</svg>'
    )


def _axis_marks(axis: _Axis, unit: str, y: float) -> list[str]:
    out = [f'<line class="axis" x1="{axis.x0:.1f}" y1="{y:.1f}" x2="{axis.x1:.1f}" y2="{y:.1f}"/>']
    for tick in axis.ticks():
        x = axis(tick)
        out.append(f'<line class="tick" x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}"/>')
        out.append(f'<text class="tick-label" x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle">'
                   f'{escape(format_value(tick, unit))}</text>')
    if axis.log:
        out.append(f'<text class="note" x="{axis.x1:.1f}" y="{y + 30:.1f}" text-anchor="end">log scale</text>')
    return out


def _mark(axis: _Axis, iv: Interval, y: float) -> list[str]:
    """A dot for a point, a capped bar for a range, an arrow for a one-sided bound; conflicts dashed."""
    cls = "mark conflict" if iv.conflict else "mark"
    out = []
    if iv.low is not None and iv.high is not None and iv.low != iv.high:
        a, b = axis(iv.low), axis(iv.high)
        out += [f'<line class="{cls} range" x1="{a:.1f}" y1="{y:.1f}" x2="{b:.1f}" y2="{y:.1f}"/>',
                f'<line class="{cls} cap" x1="{a:.1f}" y1="{y - 6:.1f}" x2="{a:.1f}" y2="{y + 6:.1f}"/>',
                f'<line class="{cls} cap" x1="{b:.1f}" y1="{y - 6:.1f}" x2="{b:.1f}" y2="{y + 6:.1f}"/>']
    elif iv.low is not None and iv.high is not None:
        out.append(f'<circle class="{cls} point" cx="{axis(iv.low):.1f}" cy="{y:.1f}" r="5"/>')
    elif iv.low is not None:  # at least: arrow pointing right to the axis end
        a = axis(iv.low)
        out.append(f'<path class="{cls} bound" d="M{a:.1f},{y:.1f} H{axis.x1:.1f} m-8,-5 l8,5 l-8,5"/>')
    elif iv.high is not None:  # at most: arrow pointing left
        b = axis(iv.high)
        out.append(f'<path class="{cls} bound" d="M{b:.1f},{y:.1f} H{axis.x0:.1f} m8,-5 l-8,5 l8,5"/>')
    return out


def interval_chart(intervals: list[Interval], *, unit: str, title: str, zero: bool = True) -> Markup | None:
    """Figures as intervals on one axis, one row each: for contradictions and attribute comparisons."""
    values = [v for iv in intervals for v in (iv.low, iv.high) if v is not None]
    if not values:
        return None
    axis = _Axis(values, LABEL_W + PAD, WIDTH - PAD, zero=zero)
    body: list[str] = []
    for i, iv in enumerate(intervals):
        y = PAD + i * ROW + ROW / 2
        label = escape(iv.label if len(iv.label) <= 26 else iv.label[:25] + "…")
        text = f'<text class="row-label" x="{LABEL_W:.0f}" y="{y + 4:.1f}" text-anchor="end">' \
               f'{"⚠ " if iv.conflict else ""}{label}</text>'
        marks = "".join(_mark(axis, iv, y))
        if iv.url:
            body.append(f'<a href="{escape(iv.url)}">{text}{marks}</a>')
        else:
            body.append(text + marks)
    base = PAD + len(intervals) * ROW + 4
    body += _axis_marks(axis, unit, base)
    return _svg(base + 40, title, body)


def figures_over_time(points: list[TimePoint], *, title: str, max_series: int = 3) -> Markup | None:
    """Small multiples, one per attribute with figures at two or more dates: value against date."""
    series: dict[tuple[str, str], list[TimePoint]] = defaultdict(list)
    for p in points:
        series[(p.series, p.unit)].append(p)
    chosen = [(k, v) for k, v in series.items() if len({p.when for p in v}) >= 2]
    chosen.sort(key=lambda kv: -len(kv[1]))
    chosen = chosen[:max_series]
    if not chosen:
        return None
    panel_h, body = 150, []
    for n, ((name, unit), pts) in enumerate(chosen):
        top = n * (panel_h + 30)
        ordinals = [p.when.toordinal() for p in pts]
        lo_d, hi_d = min(ordinals), max(ordinals)
        span = max(hi_d - lo_d, 1)
        values = [v for p in pts for v in (p.low, p.high) if v is not None]
        axis = _Axis(values, top + panel_h - 10, top + 24)  # vertical: larger values higher up
        body.append(f'<text class="panel-title" x="{PAD}" y="{top + 14}">{escape(name)}</text>')
        body.append(f'<line class="axis" x1="{LABEL_W / 2}" y1="{top + panel_h - 10}" x2="{WIDTH - PAD}" '
                    f'y2="{top + panel_h - 10}"/>')
        for tick in (axis.ticks(3) if not axis.log else axis.ticks()):
            y = axis(tick)
            body.append(f'<text class="tick-label" x="{LABEL_W / 2 - 4}" y="{y + 4:.1f}" text-anchor="end">'
                        f'{escape(format_value(tick, unit))}</text>')
        for when in sorted({p.when for p in pts}):
            x = LABEL_W / 2 + 10 + (when.toordinal() - lo_d) / span * (WIDTH - PAD - LABEL_W / 2 - 20)
            body.append(f'<text class="tick-label" x="{x:.1f}" y="{top + panel_h + 6}" text-anchor="middle">'
                        f'{escape(when.isoformat()[:7])}</text>')
        for p in pts:
            x = LABEL_W / 2 + 10 + (p.when.toordinal() - lo_d) / span * (WIDTH - PAD - LABEL_W / 2 - 20)
            lo = p.low if p.low is not None else p.high
            hi = p.high if p.high is not None else p.low
            mark = (f'<circle class="mark point" cx="{x:.1f}" cy="{axis(lo):.1f}" r="4"/>' if lo == hi else
                    f'<line class="mark range" x1="{x:.1f}" y1="{axis(lo):.1f}" x2="{x:.1f}" y2="{axis(hi):.1f}"/>')
            tip = f"<title>{escape(p.label)} ({p.when.isoformat()})</title>"
            body.append(f'<a href="{escape(p.url)}">{mark}{tip}</a>' if p.url else mark + tip)
    return _svg(len(chosen) * (panel_h + 30), title, body)
