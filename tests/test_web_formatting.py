"""Figures read on the page as a reader expects them."""

from datetime import date

import pytest

from kb.web.formatting import format_figure


def _days(*dates: date) -> list[float]:
    return [float(d.toordinal()) for d in dates]


@pytest.mark.parametrize("low, high, bound, text", [
    (*_days(date(2023, 1, 1), date(2023, 12, 31)), "range", "2023"),
    (*_days(date(2024, 2, 1), date(2024, 2, 29)), "range", "2024-02"),
    (*_days(date(2024, 12, 1), date(2024, 12, 31)), "range", "2024-12"),
    (*_days(date(2024, 12, 21), date(2024, 12, 21)), "exact", "2024-12-21"),
    (*_days(date(2024, 3, 5), date(2024, 4, 2)), "range", "2024-03-05 – 2024-04-02"),
    (*_days(date(2024, 2, 1), date(2024, 2, 28)), "range", "2024-02-01 – 2024-02-28"),
])
def test_dates_read_at_the_precision_they_were_stated(low, high, bound, text):
    assert format_figure(low, high, "date", bound) == text


@pytest.mark.parametrize("low, high, unit, bound, text", [
    (5_500_000, 5_500_000, "USD", "approx", "~$5.5M"),
    (100_000_000, None, "USD", "lower", "≥ $100M"),
    (6, 8, "month", "range", "6 months – 8 months"),
])
def test_quantities(low, high, unit, bound, text):
    assert format_figure(low, high, unit, bound) == text
