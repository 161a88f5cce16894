"""The pure core of the contradiction checks: intervals, qualifiers, grouping, confidence."""

import math

from hypothesis import given
from hypothesis import strategies as st

from kb.conflicts.confidence import bucket_confidences, confidence
from kb.conflicts.engine import ambiguous_findings, currency_notes, derived_finding, value_findings
from kb.conflicts.facts import Fact, compatible, conflict
from kb.conflicts.intervals import divide, overlaps, relative_gap, widen


def fact(id, low, high=None, *, bound="exact", precision=0.0, unit="USD", period="", scope="",
         asserted_by="", status="unverified", rank="normal", sources=(1,), subject=1, attribute=1,
         text=None, dataset_confidence=""):
    high = low if high is None and bound not in ("lower", "upper") else high
    return Fact(
        id=id, subject_id=subject, bucket_subject=subject, attribute_id=attribute, unit=unit,
        interval=widen(low, high, bound, precision, unit), period=period, scope=scope,
        period_key=period.casefold(), scope_key=scope.casefold(), asserted_by=asserted_by,
        status=status, rank=rank, confidence=None, dataset_confidence=dataset_confidence,
        figure_text=text or str(low), model_id=None, sources=tuple(sources))


# --- intervals -------------------------------------------------------------------------------

def test_precision_and_bounds_widen_as_figures_do():
    assert widen(5.5e6, 5.5e6, "exact", 5e4) == (5.45e6, 5.55e6)
    lo, hi = widen(5.5e6, 5.5e6, "approx", 5e4)
    assert math.isclose(lo, 5.5e6 - 5e4 - 0.02 * 5.5e6) and math.isclose(hi, 5.5e6 + 5e4 + 0.02 * 5.5e6)
    assert widen(93.0, None, "lower", 0.5) == (92.5, math.inf)
    assert widen(0.0, 1.0, "upper", 0.5) == (0.0, 1.5)
    assert widen(None, None, "exact", 1.0) is None
    # "approximately" means nothing on a day-number scale
    assert widen(738000.0, 738000.0, "approx", 0.0, "date") == (738000.0, 738000.0)


def test_division_and_gaps():
    assert divide((10.0, 20.0), (2.0, 4.0)) == (2.5, 10.0)
    assert divide((1.0, 2.0), (-1.0, 1.0)) is None
    assert divide((5.75e6, 5.85e6), (5e7, math.inf)) == (0.0, 0.117)
    assert relative_gap((1.0, 2.0), (3.0, 4.0)) == 1 / 3
    assert relative_gap((1.0, 3.0), (2.0, 4.0)) == 0.0


@given(st.floats(-1e12, 1e12), st.floats(0, 1e6), st.sampled_from(["exact", "approx", "range", "lower", "upper"]))
def test_a_figure_interval_always_contains_its_stated_value(value, precision, bound):
    low, high = widen(value, value, bound, precision)
    assert low <= value <= high


@given(st.floats(-1e9, 1e9), st.floats(0, 1e9), st.floats(-1e9, 1e9), st.floats(0, 1e9))
def test_conflict_is_symmetric_and_means_no_overlap(a, wa, b, wb):
    x, y = fact(1, a, a + wa, bound="range"), fact(2, b, b + wb, bound="range")
    assert conflict(x, y) == conflict(y, x) == (not overlaps(x.interval, y.interval))


# --- qualifiers ------------------------------------------------------------------------------

def test_different_stated_periods_scopes_or_units_are_different_quantities():
    assert not compatible(fact(1, 12e9, period="2024"), fact(2, 12.4e9, period="2025"))
    assert not compatible(fact(1, 5e6, scope="final run"), fact(2, 5e8, scope="server price"))
    assert not compatible(fact(1, 5.0, unit="USD"), fact(2, 5.0, unit="CNY"))
    assert compatible(fact(1, 5.5e6), fact(2, 5.4e6, scope="training compute cost (2023 USD)"))
    assert compatible(fact(1, 5.5e6, period="2024"), fact(2, 5.4e6))
    assert compatible(fact(1, 1.0, scope="Final Run"), fact(2, 1.0, scope="final run"))


# --- value groups ----------------------------------------------------------------------------

def test_rounding_is_no_conflict_and_a_gap_is_one():
    same = value_findings(1, 1, [fact(1, 5.5e6, precision=5e4), fact(2, 5.54e6, precision=5e3)])
    assert same.findings == []
    apart = value_findings(1, 1, [fact(1, 5.5e6, precision=5e4), fact(2, 5.8e6, precision=5e4)])
    [group] = apart.findings
    assert group.kind == "value" and group.conflicting == {1, 2}
    assert math.isclose(group.severity, (5.75e6 - 5.55e6) / 5.75e6, abs_tol=1e-6)


def test_range_holding_a_point_does_not_conflict():
    result = value_findings(1, 1, [fact(1, 4.0, 7.0, bound="range", precision=0.5, unit="x"),
                                   fact(2, 5.0, unit="x")])
    assert result.findings == []


def test_agreeing_claims_are_listed_as_context_and_hidden_claims_do_not_count():
    facts = [fact(1, 6.0, 8.0, bound="range", precision=0.5, unit="month"),
             fact(2, 3.0, 6.0, bound="range", precision=0.5, unit="month", asserted_by="DeepSeek"),
             fact(3, 8.0, precision=0.5, unit="month", asserted_by="CAISI"),
             fact(4, 30.0, unit="month", status="proposed"),
             fact(5, 40.0, unit="month", rank="deprecated")]
    [value, authorities] = value_findings(1, 1, facts).findings
    assert value.conflicting == {2, 3} and value.members == {1, 2, 3}
    assert authorities.kind == "authorities" and authorities.source_id == 1
    assert "DeepSeek says" in authorities.summary and "CAISI says" in authorities.summary


def test_unstated_period_is_compared_with_each_stated_one():
    facts = [fact(1, 12e9, period="2024", precision=5e8), fact(2, 12.4e9, period="2025", precision=5e7),
             fact(3, 20e9, precision=5e8)]
    [group] = value_findings(1, 1, facts).findings
    assert group.conflicting == {1, 2, 3}


def test_settled_groups_stay_quiet_until_a_new_conflicting_claim_joins():
    facts = [fact(1, 5.5e6, precision=5e4), fact(2, 5.8e6, precision=5e4)]
    assert value_findings(1, 1, facts, settled={7: frozenset({1, 2})}).findings == []
    facts.append(fact(3, 9e6, precision=5e5))
    [group] = value_findings(1, 1, facts, settled={7: frozenset({1, 2})}).findings
    assert group.reopens == 7 and group.members >= {1, 2, 3}


def test_different_currencies_are_a_reason_not_a_conflict():
    facts = [fact(1, 5.0, unit="USD/Mtok"), fact(2, 2.0, unit="CNY/Mtok")]
    result = value_findings(1, 1, facts)
    assert result.findings == []
    [note] = result.notes
    assert note.claim_ids == [1, 2] and "conversion rate" in note.reason
    assert currency_notes(1, 1, [fact(1, 5.0, unit="USD"), fact(2, 5.0, unit="count")]) == []


# --- ambiguous subjects and derived figures ---------------------------------------------------

def test_lab_figure_against_its_models():
    lab = fact(1, 5.8e6, precision=5e4, subject=10)
    v2 = fact(2, 5.8e6, precision=5e4, subject=11, scope="estimate")
    v3 = fact(3, 5.5e6, bound="approx", precision=5e4, subject=12)
    [group] = ambiguous_findings(10, 1, [lab], [v2, v3], {11: "V2", 12: "V3"})
    assert group.kind == "ambiguous_subject" and group.subject_id == 10
    assert group.conflicting == {1, 3} and group.members == {1, 2, 3}
    assert "V3" in group.summary and "fits V2" in group.summary
    assert ambiguous_findings(10, 1, [lab], [v2], {}) == []


def test_a_ratio_is_checked_against_its_operands():
    price = fact(1, 0.14, precision=0.005, unit="USD/Mtok")
    gpt = fact(2, 5.00, precision=0.005, unit="USD/Mtok")
    assert derived_finding(fact(3, 1 / 35, unit="x"), price, gpt) is None
    wrong = derived_finding(fact(4, 0.1, unit="x", precision=0.005), price, gpt)
    assert wrong.kind == "derived" and wrong.conflicting == {1, 2, 4} and wrong.severity > 0.5


# --- confidence ------------------------------------------------------------------------------

ROOTS = {1: (1, 0.6), 2: (1, 0.6), 3: (3, 0.6), 4: (4, 1.0)}   # source 2 is a summary of 1


def test_a_summary_and_its_original_are_one_witness():
    a, b = fact(1, 10.0, sources=(1,)), fact(2, 10.0, sources=(2,))
    alone = confidence(fact(9, 10.0, sources=(1,)), [], ROOTS)
    assert bucket_confidences([a, b], ROOTS)[1] == alone
    c = fact(3, 10.0, sources=(3,))
    assert bucket_confidences([a, c], ROOTS)[1] > alone


def test_disagreement_verdicts_and_primary_sources_move_confidence():
    base = confidence(fact(1, 10.0, sources=(1,)), [], ROOTS)
    primary = confidence(fact(1, 10.0, sources=(4,)), [], ROOTS)
    opposed = confidence(fact(1, 10.0, sources=(1,)), [fact(2, 20.0, sources=(3,))], ROOTS)
    assert primary > base > opposed > 0
    assert confidence(fact(1, 10.0, status="verified"), [], ROOTS) >= 0.9
    assert confidence(fact(1, 10.0, status="refuted"), [], ROOTS) == 0.0
    speculative = confidence(fact(1, 10.0, sources=(4,), dataset_confidence="Speculative"), [], ROOTS)
    assert speculative < primary


def test_a_rate_applies_to_a_figure_of_its_year_or_with_no_period():
    from datetime import date
    from kb.conflicts.rates import Rate, Rates
    rates = Rates([Rate("CNY", date(2024, 1, 5), 7.1), Rate("CNY", date(2024, 8, 1), 7.3),
                   Rate("CNY", date(2025, 12, 31), 7.0)])
    assert rates.for_period("CNY", "2024").rate == 7.3          # nearest to mid-year
    assert rates.for_period("CNY", "in 2025").rate == 7.0
    assert rates.for_period("CNY", "").rate == 7.0              # undated: the latest
    assert rates.for_period("CNY", "2023") is None              # no rate of that year
    assert rates.for_period("CNY", "2024-2025") is None         # no one date to convert at
    assert rates.for_period("EUR", "") is None
    assert not Rates() and rates
