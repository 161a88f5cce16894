"""Charts keep every text inside their drawing, label their points and join only one series."""

from __future__ import annotations

import re
from datetime import date

from kb.charts import WIDTH, Interval, TimePoint, figures_over_time, interval_chart, text_width

TEXT = re.compile(r'<text class="([^"]+)" x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)">(?:<title>([^<]*)</title>)?([^<]*)</text>')


def _texts(svg: str):
    return [(cls, float(x), anchor, title, shown) for cls, x, anchor, title, shown in TEXT.findall(str(svg))]


def _inside(svg: str) -> None:
    for cls, x, anchor, _, shown in _texts(svg):
        w = text_width(shown.replace("&amp;", "&"))
        lo = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        assert 0 <= lo and lo + w <= WIDTH, (cls, shown, lo, w)


def test_interval_labels_fit_and_long_names_keep_their_full_text():
    long = "Multi-head Latent Attention (DeepSeek-V2 technical report)"
    svg = interval_chart([
        Interval("1", 5.82e6, 5.82e6, long, value="$5.82M"),
        Interval("2", 105e6, 105e6, long, value="$105M"),
        Interval("3", 93.2, None, "Other", value="at least 93.2"),
    ], unit="USD", title="t")
    _inside(svg)
    rows = [t for t in _texts(svg) if t[0] == "row-label"]
    assert len(rows) == 2, "a run of rows about one subject names it once"
    assert rows[0][3] == long and rows[0][4].endswith("…")
    assert {t[4] for t in _texts(svg) if t[0] == "value-label"} == {"$5.82M", "$105M", "at least 93.2"}


def test_axis_labels_at_the_edges_stay_inside():
    svg = interval_chart([Interval("1", 0.5, 0.5, "A", value="$0.50/Mtok"),
                          Interval("2", 1.05, 1.05, "B", value="$1.05/Mtok")], unit="USD/Mtok", title="t")
    _inside(svg)


def test_a_series_is_one_attribute_of_one_subject_and_its_points_are_labelled():
    points = [TimePoint("Cost ratio, A", "x", date(2024, 1, 1), 0.0588, 0.0588, "A", value="0.0588x"),
              TimePoint("Cost ratio, B", "x", date(2025, 1, 1), 10, 10, "B", value="~10x"),
              TimePoint("Price, C", "USD", date(2024, 1, 1), 5e6, 5e6, "C", value="$5M"),
              TimePoint("Price, C", "USD", date(2025, 6, 1), 6e6, 6e6, "C", value="$6M")]
    svg = str(figures_over_time(points, title="t"))
    _inside(svg)
    assert "Cost ratio" not in svg, "two subjects' ratios are not one series"
    assert svg.count("<polyline") == 1
    assert {t[4] for t in _texts(svg) if t[0] == "value-label"} == {"$5M", "$6M"}


def test_a_chart_of_links_is_a_group_not_an_image():
    svg = str(interval_chart([Interval("1", 1, 1, "A", url="/claims/1")], unit="USD", title="t"))
    assert 'role="group"' in svg and 'role="img"' not in svg
