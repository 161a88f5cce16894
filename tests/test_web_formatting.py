"""Figures read on the page as a reader expects them."""

from datetime import date

import pytest

from kb.web.formatting import format_figure, format_interval, format_value, stated_number


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


@pytest.mark.parametrize("low, high, unit, bound, precision, text", [
    (5_500_000, 5_500_000, "USD", "approx", 50_000, "~$5.5M"),
    (5_820_000, 5_820_000, "USD", "exact", 5_000, "$5.82M"),
    (100_000_000, None, "USD", "lower", 50_000_000, "at least $100M"),
    (6, 8, "month", "range", 0.5, "6–8 months"),
    (0, 1, "month", "upper", 0.5, "at most 1 month"),
    (1, 1, "month", "exact", 0.5, "1 month"),
    (24, 24, "month", "exact", 0.5, "2 years"),
    (2048, 2048, "count", "exact", 0.5, "2,048"),
    (750_000, 750_000, "count", "exact", 5_000, "750,000"),
    (1.1, 1.1, "USD/Mtok", "exact", 0.005, "$1.10/Mtok"),
    (0.14, 0.14, "USD/Mtok", "exact", 0.005, "$0.14/Mtok"),
    (0.5, 2, "CNY/Mtok", "range", 0.05, "¥0.5 – ¥2.0/Mtok"),
    (93, None, "%", "lower", 0.5, "at least 93%"),
    (88.5, 88.5, "%", "exact", 0.05, "88.5%"),
    (4, 7, "x", "range", 0.5, "4–7x"),
    (24, 36, "month", "range", 0.5, "2–3 years"),
    (1, 1, "tokens", "exact", 0.5, "1 token"),
    (671e9, 671e9, "parameters", "exact", 5e8, "671B parameters"),
    (3.8e24, 3.8e24, "FLOP", "approx", 5e22, "~3.8e24 FLOP"),
    (29_827_341.919963885, 29_827_341.919963885, "USD", "approx", 5, "~$29.83M"),
])
def test_figures_keep_the_digits_and_words_of_their_source(low, high, unit, bound, precision, text):
    assert format_figure(low, high, unit, bound, precision) == text


def test_without_a_precision_numbers_get_three_significant_digits():
    assert stated_number(5_500_000, None) == "5.5M"
    assert stated_number(2048, None) == "2,048"
    assert format_value(105_000_000, "USD") == "$105M"


@pytest.mark.parametrize("low, high, unit, bound, precision, text", [
    (5_500_000, 5_500_000, "USD", "approx", 50_000, "$5.45M – $5.55M, allowing for rounding"),
    (100_000_000, None, "USD", "lower", 50_000_000, "at least $100M, no upper limit stated"),
    (6, 8, "month", "range", 0.5, "5.5–8.5 months, allowing for rounding"),
    (2, 2, "x", "exact", 0, "exactly 2x"),
])
def test_the_values_a_figure_allows_read_as_words_not_as_a_repeated_number(low, high, unit, bound, precision, text):
    assert format_interval(low, high, unit, bound, precision) == text
