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
# Text is measured, not rendered, here: a 12px system-ui glyph is at most this wide on average
# (digits and lower case 6.5-7px), so a label given this much room never leaves the drawing.
CHAR_W = 7.4


def text_width(text: str) -> float:
    return len(text) * CHAR_W


def fit(text: str, room: float) -> str:
    """`text`, cut with an ellipsis to fit `room` pixels."""
    if text_width(text) <= room:
        return text
    keep = max(1, int(room / CHAR_W) - 1)
    return text[:keep].rstrip() + "…"


def _label(cls: str, x: float, y: float, text: str, anchor: str, room: float) -> str:
    """A text element that fits `room` pixels; a shortened one carries its full text as a <title>."""
    shown = fit(text, room)
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    return (f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{tip}'
            f'{escape(shown)}</text>')


def _placed(cls: str, x: float, y: float, text: str, left: float = 0.0, right: float = WIDTH) -> str:
    """A label centred on x, moved inside [left, right] when it would cross either edge."""
    w = text_width(text)
    if x + w / 2 > right - 2:
        return _label(cls, right - 2, y, text, "end", right - left - 4)
    if x - w / 2 < left + 2:
        return _label(cls, left + 2, y, text, "start", right - left - 4)
    return _label(cls, x, y, text, "middle", right - left - 4)


@dataclass(frozen=True)
class Interval:
    """One figure on a shared axis: a point when low == high, a bar for a range, an arrow for a bound."""

    row: str
    low: float | None
    high: float | None
    label: str
    url: str = ""
    conflict: bool = False
    value: str = ""          # the figure as stated, written beside its mark


@dataclass(frozen=True)
class TimePoint:
    series: str
    unit: str
    when: date
    low: float | None
    high: float | None
    label: str
    url: str = ""
    value: str = ""


def tick_text(value: float, unit: str) -> str:
    """A tick label: the number with its currency or percent sign, without a unit word."""
    text = format_value(value, unit)
    noun = format_value(1.0, unit).removeprefix(format_value(1.0, "count"))
    if unit and not unit.startswith(("USD", "EUR", "CNY")) and noun.startswith(" ") and " " in text:
        return text.split(" ", 1)[0]
    return text


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
    content = "".join(body)
    # A chart whose marks are links is a group of links, not one image (an image's content is hidden
    # from assistive technology, links included).
    role = "group" if "<a " in content else "img"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="{role}" aria-label="{t}"><title>{t}</title>{content}</svg>'
    )


def _axis_marks(axis: _Axis, unit: str, y: float) -> list[str]:
    out = [f'<line class="axis" x1="{axis.x0:.1f}" y1="{y:.1f}" x2="{axis.x1:.1f}" y2="{y:.1f}"/>']
    for tick in axis.ticks():
        x = axis(tick)
        out.append(f'<line class="tick" x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}"/>')
        out.append(_placed("tick-label", x, y + 16, tick_text(tick, unit), left=axis.x0 - PAD))
    if axis.log:
        out.append(f'<text class="note" x="{axis.x1:.1f}" y="{y + 30:.1f}" text-anchor="end">log scale</text>')
    if unit_words(unit):
        out.append(_label("note", axis.x0, y + 30, f"in {unit_words(unit)}", "start", 200))
    return out


def unit_words(unit: str) -> str:
    """The unit a tick label leaves out ("parameters", "months"); "" when the label shows it."""
    sample = format_value(2.0, unit)
    return sample.split(" ", 1)[1] if tick_text(2.0, unit) != sample and " " in sample else ""


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


def _value_label(axis: _Axis, iv: Interval, y: float) -> str:
    """The figure written after its mark, or before it when the right edge is too close."""
    if not iv.value:
        return ""
    ends = [axis(v) for v in (iv.low, iv.high) if v is not None]
    right = axis.x1 if iv.high is None else max(ends)
    left = axis.x0 if iv.low is None else min(ends)
    width = text_width(iv.value)
    if right + 9 + width <= WIDTH - 2:
        return _label("value-label", right + 9, y + 4, iv.value, "start", WIDTH - right - 11)
    if left - 9 - width >= LABEL_W + 4:
        return _label("value-label", left - 9, y + 4, iv.value, "end", left - 9 - LABEL_W - 4)
    return _placed("value-label", (left + right) / 2, y - 8, iv.value, left=LABEL_W + 4)


def interval_chart(intervals: list[Interval], *, unit: str, title: str, zero: bool = True) -> Markup | None:
    """Figures as intervals on one axis, one row each: for contradictions and attribute comparisons."""
    values = [v for iv in intervals for v in (iv.low, iv.high) if v is not None]
    if not values:
        return None
    axis = _Axis(values, LABEL_W + PAD, WIDTH - PAD, zero=zero)
    body: list[str] = []
    for i, iv in enumerate(intervals):
        y = PAD + i * ROW + ROW / 2
        # A run of rows about one subject names it once.
        repeated = i > 0 and intervals[i - 1].label == iv.label
        text = "" if repeated else _label("row-label", LABEL_W, y + 4, ("⚠ " if iv.conflict else "") + iv.label,
                                          "end", LABEL_W - 4)
        marks = "".join(_mark(axis, iv, y)) + _value_label(axis, iv, y)
        if iv.url:
            body.append(f'<a href="{escape(iv.url)}">{text}{marks}</a>')
        else:
            body.append(text + marks)
    base = PAD + len(intervals) * ROW + 4
    body += _axis_marks(axis, unit, base)
    return _svg(base + 40, title, body)


def figures_over_time(points: list[TimePoint], *, title: str, max_series: int = 3) -> Markup | None:
    """Small multiples, one per series (one attribute of one subject, in one unit) with figures at two
    or more dates: value against date, the points of the series joined and labelled."""
    series: dict[tuple[str, str], list[TimePoint]] = defaultdict(list)
    for p in points:
        series[(p.series, p.unit)].append(p)
    chosen = [(k, v) for k, v in series.items() if len({p.when for p in v}) >= 2]
    chosen.sort(key=lambda kv: -len(kv[1]))
    chosen = chosen[:max_series]
    if not chosen:
        return None
    panel_h, body = 150, []
    left, right = LABEL_W / 2, WIDTH - PAD - 40
    for n, ((name, unit), pts) in enumerate(chosen):
        top = n * (panel_h + 30)
        pts = sorted(pts, key=lambda p: (p.when, p.low if p.low is not None else 0.0))
        ordinals = [p.when.toordinal() for p in pts]
        lo_d, hi_d = min(ordinals), max(ordinals)
        span = max(hi_d - lo_d, 1)
        values = [v for p in pts for v in (p.low, p.high) if v is not None]
        axis = _Axis(values, top + panel_h - 10, top + 30)  # vertical: larger values higher up
        heading = name + (f", in {unit_words(unit)}" if unit_words(unit) else "")
        body.append(_label("panel-title", PAD, top + 14, heading, "start", WIDTH - 2 * PAD))
        body.append(f'<line class="axis" x1="{left}" y1="{top + panel_h - 10}" x2="{WIDTH - PAD}" '
                    f'y2="{top + panel_h - 10}"/>')
        for tick in (axis.ticks(3) if not axis.log else axis.ticks()):
            body.append(_label("tick-label", left - 4, axis(tick) + 4, tick_text(tick, unit), "end", left - 6))

        def x_of(p: TimePoint) -> float:
            return left + 10 + (p.when.toordinal() - lo_d) / span * (right - left - 20)
        for when in sorted({p.when for p in pts}):
            x = left + 10 + (when.toordinal() - lo_d) / span * (right - left - 20)
            body.append(_placed("tick-label", x, top + panel_h + 6, when.isoformat()[:7], left=left))
        mids = [(x_of(p), axis(((p.low if p.low is not None else p.high) +
                                (p.high if p.high is not None else p.low)) / 2)) for p in pts]
        body.append('<polyline class="series-line" points="' +
                    " ".join(f"{x:.1f},{y:.1f}" for x, y in mids) + '"/>')
        for p, (x, _) in zip(pts, mids):
            lo = p.low if p.low is not None else p.high
            hi = p.high if p.high is not None else p.low
            mark = (f'<circle class="mark point" cx="{x:.1f}" cy="{axis(lo):.1f}" r="4"/>' if lo == hi else
                    f'<line class="mark range" x1="{x:.1f}" y1="{axis(lo):.1f}" x2="{x:.1f}" y2="{axis(hi):.1f}"/>')
            tip = f"<title>{escape(p.label)} ({p.when.isoformat()})</title>"
            value = _placed("value-label", x, axis(hi) - 8, p.value, left=left) if p.value else ""
            body.append((f'<a href="{escape(p.url)}">{mark}{tip}</a>' if p.url else mark + tip) + value)
    return _svg(len(chosen) * (panel_h + 30), title, body)
