"""The figure parser: the corpus's quantities, bare numbers under a unit hint, text it refuses."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.figures import (
    Bound, Figure, Unparsed, find_quantities, parse_figure, parse_figures, scale_value,
)
from kb.numbers import digit_precision

E, A, LO, UP, R = Bound.EXACT, Bound.APPROX, Bound.LOWER, Bound.UPPER, Bound.RANGE
HOUR = 1 / 730.485  # in months
DAY = 1 / 30.436875


def tenth_precision(denominator: float) -> float:
    """Half-width of 1/d when d is known to half a unit."""
    return (1 / (denominator - 0.5) - 1 / (denominator + 0.5)) / 2


# text, low, high, unit, bound, precision, label
CORPUS_FORMS = [
    ("$5.5 million", 5.5e6, 5.5e6, "USD", E, 5e4, ""),
    ("around $5.5 million", 5.5e6, 5.5e6, "USD", A, 5e4, ""),
    ("$5.8M", 5.8e6, 5.8e6, "USD", E, 5e4, ""),
    ("$100M+", 1e8, None, "USD", LO, 5e7, ""),
    ("$12.4 billion", 1.24e10, 1.24e10, "USD", E, 5e7, ""),
    ("$285 billion", 2.85e11, 2.85e11, "USD", E, 5e8, ""),
    ("$0.14 per million tokens", 0.14, 0.14, "USD/Mtok", E, 0.005, ""),
    ("$0.43 per million input tokens", 0.43, 0.43, "USD/Mtok", E, 0.005, "input"),
    ("$0.87 per million output tokens", 0.87, 0.87, "USD/Mtok", E, 0.005, "output"),
    ("$1.00 per million input tokens", 1.0, 1.0, "USD/Mtok", E, 0.005, "input"),
    ("$5.00", 5.0, 5.0, "USD", E, 0.005, ""),
    ("88.5%", 88.5, 88.5, "%", E, 0.05, ""),
    ("more than 93%", 93.0, None, "%", LO, 0.5, ""),
    ("by 75%", 75.0, 75.0, "%", E, 0.5, ""),
    ("less than 1%", 0.0, 1.0, "%", UP, 0.5, ""),
    ("~200B", 2e11, 2e11, "parameters", A, 5e10, ""),
    ("11x", 11.0, 11.0, "x", E, 0.5, ""),
    ("4-7x", 4.0, 7.0, "x", R, 0.5, ""),
    ("12.5x", 12.5, 12.5, "x", E, 0.05, ""),
    ("eightfold", 8.0, 8.0, "x", E, 0.5, ""),
    ("closer to eightfold", 8.0, 8.0, "x", A, 0.5, ""),
    ("triple", 3.0, 3.0, "x", E, 0.5, ""),
    ("1/35th", 1 / 35, 1 / 35, "x", E, tenth_precision(35), ""),
    ("roughly a tenth", 0.1, 0.1, "x", A, tenth_precision(10), ""),
    ("six to eight months", 6.0, 8.0, "month", R, 0.5, ""),
    ("three to six months", 3.0, 6.0, "month", R, 0.5, ""),
    ("8 months", 8.0, 8.0, "month", E, 0.5, ""),
    ("two to three years", 24.0, 36.0, "month", R, 6.0, ""),
    ("2-3 years", 24.0, 36.0, "month", R, 6.0, ""),
    ("tens of thousands to over a hundred thousand", 1e4, None, "count", R, 5000.0, ""),
    ("9 quadrillion tokens a month", 9e15, 9e15, "tokens/month", E, 5e14, ""),
    ("~9 quadrillion tokens a month", 9e15, 9e15, "tokens/month", A, 5e14, ""),
    ("10 gigawatts", 1e10, 1e10, "W", E, 5e9, ""),
    ("over 15,000 stars", 15000.0, None, "count", LO, 500.0, ""),
    ("750,000 chips", 750000.0, 750000.0, "count", E, 5000.0, ""),
    ("¥0.5-2 per million tokens", 0.5, 2.0, "CNY/Mtok", R, 0.05, ""),
    ("11 times more costly", 11.0, 11.0, "x", E, 0.5, "more costly"),
    ("28 times more expensive", 28.0, 28.0, "x", E, 0.5, "more expensive"),
    ("$200,000+ (est.)", 2e5, None, "USD", LO, 5e4, ""),
    ("$20,000 (target)", 2e4, 2e4, "USD", E, 5e3, "target"),
    ("$16,000", 16000.0, 16000.0, "USD", E, 500.0, ""),
    ("8 hours battery", 8 * HOUR, 8 * HOUR, "month", E, 0.5 * HOUR, ""),
    ("1,200+", 1200.0, None, "count", LO, 50.0, ""),
    ("$0.95 input", 0.95, 0.95, "USD", E, 0.005, "input"),
    ("14.8 trillion tokens", 1.48e13, 1.48e13, "tokens", E, 5e10, ""),
    ("85 million times", 8.5e7, 8.5e7, "count", E, 5e5, ""),
    ("50x cheaper", 50.0, 50.0, "x", E, 5.0, "cheaper"),
    ("3x cheaper", 3.0, 3.0, "x", E, 0.5, "cheaper"),
    ("80-90%", 80.0, 90.0, "%", R, 5.0, ""),
    ("100 million daily active users", 1e8, 1e8, "count", E, 5e7, ""),
    ("5,000 engineers", 5000.0, 5000.0, "count", E, 500.0, ""),
    ("up to $100 billion", 0.0, 1e11, "USD", UP, 5e10, ""),
    ("at least two years", 24.0, None, "month", LO, 6.0, ""),
    ("20% or better", 20.0, None, "%", LO, 5.0, ""),
    ("10% or less", 0.0, 10.0, "%", UP, 5.0, ""),
    ("exceeding 500,000", 5e5, None, "count", LO, 5e4, ""),
    ("over a billion users", 1e9, None, "count", LO, 5e8, ""),
    ("hundreds of millions of consumers", 1e8, 1e9 - 1, "count", R, 5e7, ""),
    ("dozens of hours", 24 * HOUR, 99 * HOUR, "month", R, 6 * HOUR, ""),
    ("a couple of orders of magnitude", 100.0, 100.0, "x", A, 50.0, ""),
    ("an order of magnitude", 10.0, 10.0, "x", A, 5.0, ""),
    ("a million-fold", 1e6, 1e6, "x", E, 5e5, ""),
    ("5GB", 5e9, 5e9, "B", E, 5e8, ""),
    ("7B distilled", 7e9, 7e9, "parameters", E, 5e8, ""),
    ("past 100 million tokens daily", 1e8 / DAY, None, "tokens/month", LO, 5e7 / DAY, ""),
]

MORE_FORMS = [
    ("1.2e+24 FLOP", 1.2e24, 1.2e24, "FLOP", E, 5e22, ""),
    ("989 TFLOPS", 9.89e14, 9.89e14, "FLOP/s", E, 5e11, ""),
    ("2 petaFLOP/s", 2e15, 2e15, "FLOP/s", E, 5e14, ""),
    ("3.35 TB/s", 3.35e12, 3.35e12, "B/s", E, 5e9, ""),
    ("80 GB", 8e10, 8e10, "B", E, 5e9, ""),
    ("700W", 700.0, 700.0, "W", E, 50.0, ""),
    ("1.5 MW", 1.5e6, 1.5e6, "W", E, 5e4, ""),
    ("5 million yuan", 5e6, 5e6, "CNY", E, 5e5, ""),
    ("RMB 5 million", 5e6, 5e6, "CNY", E, 5e5, ""),
    ("€3bn", 3e9, 3e9, "EUR", E, 5e8, ""),
    ("$2/Mtok", 2.0, 2.0, "USD/Mtok", E, 0.5, ""),
    ("$2 per 1K tokens", 2000.0, 2000.0, "USD/Mtok", E, 500.0, ""),
    ("$5-6 million", 5e6, 6e6, "USD", R, 5e5, ""),
    ("$5 million to $6 million", 5e6, 6e6, "USD", R, 5e5, ""),
    ("500,000 to 1 million", 5e5, 1e6, "count", R, 5e4, ""),
    ("between 5 and 10%", 5.0, 10.0, "%", R, 0.5, ""),
    ("80%-90%", 80.0, 90.0, "%", R, 5.0, ""),
    ("six months to two years", 6.0, 24.0, "month", R, 0.5, ""),
    ("about 6 to 8 months", 6.0, 8.0, "month", R, 0.5, ""),
    ("20-30B parameters", 2e10, 3e10, "parameters", R, 5e9, ""),
    ("three-year", 36.0, 36.0, "month", E, 6.0, ""),
    ("a decade", None, None, None, None, None, None),
    ("7 days", 7 * DAY, 7 * DAY, "month", E, 0.5 * DAY, ""),
    ("40 percent", 40.0, 40.0, "%", E, 5.0, ""),
    ("-5%", -5.0, -5.0, "%", E, 0.5, ""),
    ("some 500 engineers", 500.0, 500.0, "count", A, 50.0, ""),
    ("est. $5M", 5e6, 5e6, "USD", A, 5e5, ""),
    ("$5M (est.)", 5e6, 5e6, "USD", A, 5e5, ""),
    ("nearly 100", 100.0, 100.0, "count", A, 50.0, ""),
    ("twenty-five", 25.0, 25.0, "count", E, 0.5, ""),
    ("two hundred and fifty thousand", 2.5e5, 2.5e5, "count", E, 5000.0, ""),
    ("a hundred", 100.0, 100.0, "count", E, 50.0, ""),
    ("half a million", 5e5, 5e5, "count", E, 5e4, ""),
    ("a dozen", 12.0, 12.0, "count", E, 0.5, ""),
    ("a couple of", 2.0, 2.0, "count", E, 0.5, ""),
    ("twice", 2.0, 2.0, "x", E, 0.5, ""),
    ("half", 0.5, 0.5, "x", E, tenth_precision(2), ""),
    ("two thirds", 2 / 3, 2 / 3, "x", E, 2 * tenth_precision(3), ""),
    ("less than a tenth", 0.0, 0.1, "x", UP, tenth_precision(10), ""),
    ("21B active parameters", 2.1e10, 2.1e10, "parameters", E, 5e8, "active"),
    ("236 billion parameters", 2.36e11, 2.36e11, "parameters", E, 5e8, ""),
    ("16,000", 16000.0, 16000.0, "count", E, 500.0, ""),
    ("285", 285.0, 285.0, "count", E, 0.5, ""),
    ("eight", 8.0, 8.0, "count", E, 0.5, ""),
]


def check(figure, low, high, unit, bound, precision, label):
    assert isinstance(figure, Figure), figure
    assert figure.low == (None if low is None else pytest.approx(low, rel=1e-12))
    assert figure.high == (None if high is None else pytest.approx(high, rel=1e-12))
    assert (figure.unit, figure.bound, figure.label) == (unit, bound, label)
    assert figure.precision == pytest.approx(precision, rel=1e-9)


@pytest.mark.parametrize("text, low, high, unit, bound, precision, label", CORPUS_FORMS + MORE_FORMS)
def test_parse_figure(text, low, high, unit, bound, precision, label):
    figure = parse_figure(text)
    if unit is None:
        assert isinstance(figure, Unparsed)
        return
    check(figure, low, high, unit, bound, precision, label)
    assert figure.text == text


def test_a_table_cell_of_two_parameter_counts_is_two_figures():
    total, active = parse_figures("236B total, 21B active")
    check(total, 2.36e11, 2.36e11, "parameters", E, 5e8, "total")
    check(active, 2.1e10, 2.1e10, "parameters", E, 5e8, "active")
    assert (total.text, active.text) == ("236B total", "21B active")
    assert parse_figure("236B total, 21B active") == Unparsed(
        "236B total, 21B active", "two quantities in one figure"
    )


@pytest.mark.parametrize(
    "text, hint, low, high, unit, precision",
    [
        ("8", "month", 8.0, 8.0, "month", 0.5),
        ("88.5", "%", 88.5, 88.5, "%", 0.05),
        ("$0.14", "USD/Mtok", 0.14, 0.14, "USD/Mtok", 0.005),
        ("$0.95 input", "USD/Mtok", 0.95, 0.95, "USD/Mtok", 0.005),
        ("¥2", "CNY/Mtok", 2.0, 2.0, "CNY/Mtok", 0.5),
        ("236B", "parameters", 2.36e11, 2.36e11, "parameters", 5e8),
        ("236B", None, 2.36e11, 2.36e11, "parameters", 5e8),
        ("236B", "B", 236.0, 236.0, "B", 0.5),
        ("236B", "count", 2.36e11, 2.36e11, "count", 5e8),
        ("~4 quadrillion", "tokens/month", 4e15, 4e15, "tokens/month", 5e14),
        ("5,000", "count", 5000.0, 5000.0, "count", 500.0),
        ("2025", "count", 2025.0, 2025.0, "count", 0.5),
        ("85 million times", "x", 8.5e7, 8.5e7, "x", 5e5),
        ("roughly a tenth", "%", 10.0, 10.0, "%", 100 * tenth_precision(10)),
        ("$5.5 million", "%", 5.5e6, 5.5e6, "USD", 5e4),  # an explicit unit is kept
    ],
)
def test_unit_hint_settles_bare_numbers(text, hint, low, high, unit, precision):
    figure = parse_figure(text, unit_hint=hint)
    assert isinstance(figure, Figure), figure
    assert (figure.low, figure.high, figure.unit) == (pytest.approx(low), pytest.approx(high), unit)
    assert figure.precision == pytest.approx(precision)


def ordinal(*ymd: int) -> float:
    return float(date(*ymd).toordinal())


@pytest.mark.parametrize(
    "text, hint, low, high, bound",
    [
        ("2024-03-01", None, ordinal(2024, 3, 1), ordinal(2024, 3, 1), E),
        ("March 2024", None, ordinal(2024, 3, 1), ordinal(2024, 3, 31), R),
        ("Feb 2026", None, ordinal(2026, 2, 1), ordinal(2026, 2, 28), R),
        ("released in Feb 2026", "date", ordinal(2026, 2, 1), ordinal(2026, 2, 28), R),
        ("March 5, 2024", None, ordinal(2024, 3, 5), ordinal(2024, 3, 5), E),
        ("2024 Q3", None, ordinal(2024, 7, 1), ordinal(2024, 9, 30), R),
        ("2025", None, ordinal(2025, 1, 1), ordinal(2025, 12, 31), R),
        ("2023", "date", ordinal(2023, 1, 1), ordinal(2023, 12, 31), R),
        ("2020-2023", "date", ordinal(2020, 1, 1), ordinal(2023, 12, 31), R),
    ],
)
def test_dates_are_day_ordinals_spanning_the_stated_period(text, hint, low, high, bound):
    figure = parse_figure(text, unit_hint=hint)
    assert isinstance(figure, Figure), figure
    assert (figure.low, figure.high, figure.unit, figure.bound) == (low, high, "date", bound)


def test_a_year_beside_an_amount_is_its_period_not_a_second_figure():
    figure = parse_figure("$12 billion in 2024")
    assert (figure.low, figure.unit) == (1.2e10, "USD")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("a fraction", "vague"),
        ("dramatically less", "vague"),
        ("several", "vague"),
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "no number"),
        ("5 or 6 or 7", "'or'"),
        ("16 or 32", "'or'"),
        ("nearly 1 in 5", "two quantities"),
        ("£5M", "currency"),
        ("Gemma 4", "no quantity"),
        ("GPT-4", "no quantity"),
        ("Qwen3-8B", "no quantity"),
        ("$half a million", "'$'"),
        ("24/7", "24/7"),
        ("2024-02-30", "2024-02-30"),
        ("8-bit", "8-bit"),
        ("1e999 FLOP", "too large"),
    ],
)
def test_what_cannot_be_read_is_unparsed_with_a_reason(text, reason):
    result = parse_figure(text)
    assert isinstance(result, Unparsed), result
    assert result.text == text
    assert reason in result.reason


def test_a_bare_number_is_not_a_date():
    assert isinstance(parse_figure("8", unit_hint="date"), Unparsed)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$5.5 million", (5.45e6, 5.55e6)),
        ("more than 93%", (92.5, math.inf)),
        ("less than 1%", (0.0, 1.5)),
        ("4-7x", (3.5, 7.5)),
        ("~200B", (2e11 - 5e10 - 4e9, 2e11 + 5e10 + 4e9)),
        ("tens of thousands to over a hundred thousand", (5000.0, math.inf)),
    ],
)
def test_interval_widens_by_precision_and_approximation(text, expected):
    assert parse_figure(text).interval() == pytest.approx(expected)


def test_interval_of_an_open_lower_end_is_minus_infinity():
    figure = Figure(None, 5.0, "%", Bound.UPPER, 0.5, "below 5%")
    assert figure.interval() == (-math.inf, 5.5)


def test_approximate_dates_get_no_relative_tolerance():
    figure = Figure(738946.0, 738976.0, "date", Bound.APPROX, 0.0, "around March 2024")
    assert figure.interval() == (738946.0, 738976.0)


def test_to_json():
    assert parse_figure("$100M+").to_json() == {
        "low": 1e8, "high": None, "unit": "USD", "bound": "lower", "text": "$100M+",
        "precision": 5e7,
    }
    assert parse_figure("$0.43 per million input tokens").to_json()["label"] == "input"


def test_scale_value():
    scaled = scale_value(parse_figure("$5.5 million"), 2)
    assert (scaled.low, scaled.high, scaled.precision) == (1.1e7, 1.1e7, 1e5)
    assert scale_value(parse_figure("$100M+"), 0.5).high is None
    with pytest.raises(ValueError):
        scale_value(parse_figure("11x"), 0)


@pytest.mark.parametrize(
    "digits, precision",
    [("5.5", 0.05), ("16,000", 500.0), ("8", 0.5), ("285", 0.5), ("0.14", 0.005), ("0", 0.5),
     ("5.00", 0.005), ("100", 50.0)],
)
def test_digit_precision_is_half_the_last_significant_digit(digits, precision):
    assert digit_precision(digits) == pytest.approx(precision)


# --- running text -------------------------------------------------------------------------


def texts(sentence: str, **options) -> list[str]:
    found = find_quantities(sentence, **options)
    for start, end, figure in found:
        assert sentence[start:end] == figure.text
    return [figure.text for _, _, figure in found]


def test_prices_in_a_sentence_keep_their_input_and_output_labels():
    sentence = (
        "DeepSeek charges $0.43 per million input tokens and $0.87 per million output tokens."
    )
    found = find_quantities(sentence)
    assert [(f.low, f.unit, f.label) for _, _, f in found] == [
        (0.43, "USD/Mtok", "input"), (0.87, "USD/Mtok", "output"),
    ]


def test_a_table_row_yields_its_figures_and_not_the_model_version():
    row = "| DeepSeek-V2 | MoE (236B total, 21B active) | 88.5% | $5.8M | $0.14 |"
    assert texts(row) == ["236B total", "21B active", "88.5%", "$5.8M", "$0.14"]
    units = [f.unit for _, _, f in find_quantities(row)]
    assert units == ["parameters", "parameters", "%", "USD", "USD"]


def test_years_are_periods_not_quantities():
    sentence = "Chinese AI startups raised $12 billion in 2024, up from $8 billion in 2023"
    found = find_quantities(sentence)
    assert [(f.text, f.low, f.unit) for _, _, f in found] == [
        ("$12 billion", 1.2e10, "USD"), ("$8 billion", 8e9, "USD"),
    ]


def test_dates_are_left_out_unless_asked_for():
    sentence = "Opus 4.6 was released in Feb 2026, and is not Anthropic’s latest model."
    assert texts(sentence) == []
    (start, end, figure), = find_quantities(sentence, include_dates=True)
    assert (sentence[start:end], figure.unit, figure.low) == ("Feb 2026", "date", ordinal(2026, 2, 1))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("A 5GB Qwen3-8B model runs on my Mac, as does DeepSeek R1’s 7B distilled variant, which "
         "has been pulled 85 million times on Ollama.", ["5GB", "7B", "85 million times"]),
        ("The only US-based open-source model we run locally is Google’s Gemma 4.", []),
        ("Kimi K2.6 sits at $0.95 input (among the cheapest models in the global top 10)",
         ["$0.95 input", "10"]),
        ("Opus 4.6 is 11 times more costly in input and 28 times more expensive in output.",
         ["11 times more costly", "28 times more expensive"]),
        ("compared to Claude Opus 4.6's 11x and 28x higher costs", ["11x", "28x higher"]),
        ("more computing and more data to build better models1. The framework", []),
        ("uses a quantization technique that mixes FP4 and FP8.2 Compared to its", []),
        ("Despite the three-year compute handicap, Chinese open-source models are only six to "
         "eight months behind the US frontier.", ["three-year", "six to eight months"]),
        ("On the day a sitting US president lands in Beijing for the first time in nearly a "
         "decade", []),
        ("| Yi-34B (01.AI) | Dense Transformer | 81.8% | $3M | $0.40 |",
         ["81.8%", "$3M", "$0.40"]),
        ("But even Huawei’s latest, the Ascend 950PR, launched in March, is roughly on par with "
         "the H100, released in 2022.", []),
        ("Huawei plans to ship 750,000 Ascend 950PR chips this year, which is still around a "
         "tenth of what Nvidia shipped last year.", ["750,000", "around a tenth"]),
        ("| Average inference cost per 1M tokens | $0.30 | $3.00 | China 10x cheaper |",
         ["$0.30", "$3.00", "10x cheaper"]),
        ("| Unitree | G1 Humanoid | $16,000 | 8 hours battery | Factory trials (2024 Q3) |",
         ["$16,000", "8 hours"]),
        ("[VERIFY] estimates range from tens of thousands to over a hundred thousand high-end "
         "GPUs", ["tens of thousands to over a hundred thousand"]),
        ("Prediction 2: Unitree will ship over 50,000 humanoid robots by 2026",
         ["over 50,000"]),
        ("The scaling laws research from 2020-2023 supported this.", []),
        ("In 2023, the US AI sector had triple the amount of deployable compute", ["triple"]),
        ("China’s compute stack was doing double duty", []),
        ("left the venue at 1am to go back to work, past the 800lb gorilla", []),
        ("If Huawei's Ascend 920B can match the H100's performance", []),
        ("while OpenAI spent over $100 million on GPT-4.", ["over $100 million"]),
        ("a model released on ModelScope can be deployed by thousands of developers",
         ["thousands"]),
        ("It builds on techniques first pioneered by DeepSeek in 2024, from Kimi K2 and GLM-5 "
         "to Ling 2.5 and MiMo V2-Pro, one lab at a time.", []),
        ("| Number of AI startups funded | 1,200+ | 1,800+ | China growing faster (YoY +40%) |",
         ["1,200+", "1,800+", "+40%"]),
        ("reducing memory use by more than 93% while improving model quality",
         ["more than 93%"]),
        ("only 8-bit and 4-bit quantization", []),
        ("Export controls on advanced GPUs (H100, B200) are tightening.", []),
    ],
)
def test_find_quantities_in_corpus_sentences(sentence, expected):
    assert texts(sentence) == expected


# --- properties ---------------------------------------------------------------------------

HINTS = st.sampled_from(
    [None, "USD", "USD/Mtok", "CNY/Mtok", "%", "x", "count", "month", "tokens", "tokens/month",
     "parameters", "W", "FLOP", "B", "date"]
)
FRAGMENTS = st.sampled_from(
    ["$", "¥", "€", "~", "over ", "under ", "about ", "between ", "a ", "an ", "tenth", "half",
     "third", "double", "million", "billion", "B", "M", "K", "x", "%", " to ", "-", "–", " and ",
     "tens of ", "thousands", "per million input tokens", "tokens", " months", " years",
     "2024", "March ", "Q3", "1/35th", "0.5", "1,200", "+", "(est.)", "fold", "eight", "twenty",
     "hundred", " times", " or ", " more", "GW", "FLOP/s", "5GB", "e+24", "orders of magnitude",
     " ", ",", ".", "7", "42", "GPT-4", "Opus 4.6", "(", ")", "|"]
)
FIGURE_LIKE = st.lists(FRAGMENTS, max_size=10).map("".join)


def assert_sound(figure: Figure) -> None:
    low, high = figure.interval()
    assert low <= high
    if figure.low is not None:
        assert low <= figure.low
    if figure.high is not None:
        assert figure.high <= high
    if figure.low is not None and figure.high is not None:
        assert figure.low <= figure.high
    assert figure.precision >= 0
    assert all(v is None or math.isfinite(v) for v in (figure.low, figure.high, figure.precision))


@settings(max_examples=400)
@given(st.one_of(st.text(), FIGURE_LIKE), HINTS)
def test_parsing_never_raises_and_every_figure_is_sound(text, hint):
    result = parse_figure(text, unit_hint=hint)
    assert isinstance(result, (Figure, Unparsed))
    if isinstance(result, Figure):
        assert_sound(result)
    many = parse_figures(text, unit_hint=hint)
    assert isinstance(many, (list, Unparsed))
    for figure in many if isinstance(many, list) else []:
        assert_sound(figure)


@settings(max_examples=400)
@given(st.one_of(st.text(), FIGURE_LIKE))
def test_find_quantities_spans_are_ordered_exact_substrings(sentence):
    previous_end = 0
    for start, end, figure in find_quantities(sentence, include_dates=True):
        assert previous_end <= start < end <= len(sentence)
        assert sentence[start:end] == figure.text
        assert_sound(figure)
        previous_end = end


def decimal_text(whole: int, fraction: str, commas: bool) -> str:
    text = f"{whole:,}" if commas else str(whole)
    return f"{text}.{fraction}" if fraction else text


NUMBERS = st.builds(
    decimal_text,
    st.integers(0, 10**7),
    st.text("0123456789", max_size=3),
    st.booleans(),
)


@given(NUMBERS)
def test_millions_of_dollars_round_trip(number):
    figure = parse_figure(f"${number} million")
    value = float(number.replace(",", "")) * 1e6
    assert (figure.low, figure.high) == (pytest.approx(value), pytest.approx(value))
    assert (figure.unit, figure.bound) == ("USD", Bound.EXACT)


@given(NUMBERS)
def test_percentages_round_trip(number):
    figure = parse_figure(f"{number}%")
    assert figure.low == figure.high == pytest.approx(float(number.replace(",", "")))
    assert figure.unit == "%"


@given(NUMBERS, NUMBERS)
def test_month_ranges_round_trip(a, b):
    low, high = sorted([a, b], key=lambda n: float(n.replace(",", "")))
    figure = parse_figure(f"{low} to {high} months")
    assert (figure.unit, figure.bound) == ("month", Bound.RANGE)
    assert figure.low == pytest.approx(float(low.replace(",", "")))
    assert figure.high == pytest.approx(float(high.replace(",", "")))
    assert figure.low <= figure.high
    assert figure.precision == min(digit_precision(low), digit_precision(high))
