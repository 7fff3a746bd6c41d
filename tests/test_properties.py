"""Property-based tests (hypothesis) of the core methods: scoring rules, cost-benefit, survey
estimation and AHP."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from methods import cba, scoring, survey, weighting

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=0.5, max_value=50, allow_nan=False)

QUANTITATIVE = st.sampled_from(
    [
        ("positive", None),
        ("reverse", "linear"),
        ("reverse", "ratio"),
        ("equal", None),
        ("deduction", "over"),
        ("deduction", "under"),
    ]
)


@given(rule=QUANTITATIVE, w=weights, t=positive, a=finite, ppu=st.floats(0.01, 5))
def test_score_within_zero_and_weight(rule, w, t, a, ppu):
    name, variant = rule
    kw = {"variant": variant} if variant else {}
    if name == "deduction":
        kw["points_per_unit"] = ppu
    s = scoring.score_indicator(name, w, target=t, actual=a, **kw)
    assert 0 <= s <= round(w, 2) + 0.005


@given(w=weights, t=positive, a1=finite, a2=finite)
def test_positive_rule_monotone_in_actual(w, t, a1, a2):
    lo, hi = sorted((a1, a2))
    assert scoring.score_indicator("positive", w, t, lo) <= scoring.score_indicator(
        "positive", w, t, hi
    )


@given(w=weights, t=positive, a1=finite, a2=finite)
def test_reverse_rule_antitone_in_actual(w, t, a1, a2):
    lo, hi = sorted((a1, a2))
    for variant in ("linear", "ratio"):
        assert scoring.score_indicator(
            "reverse", w, t, lo, variant=variant
        ) >= scoring.score_indicator("reverse", w, t, hi, variant=variant)


@given(
    st.lists(st.tuples(positive, positive, st.floats(0, 2)), min_size=1, max_size=25),
    st.integers(0, 2**32 - 1),
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_case_total_at_most_100(items, seed):
    """Weights rescaled to 100 and scored with any rules: the total never exceeds 100."""
    rng = np.random.default_rng(seed)
    raw_w = np.array([x[0] for x in items])
    w = raw_w / raw_w.sum() * 100
    rules = rng.choice(["positive", "reverse", "equal", "checklist"], len(items))
    df = pd.DataFrame(
        {
            "case_id": "c",
            "rule": rules,
            "weight": w,
            "target": [x[1] for x in items],
            "actual": [x[1] * x[2] for x in items],
            "met": rng.integers(0, 4, len(items)),
            "total": 3,
        }
    )
    total = scoring.score_cases(df).loc["c", "total"]
    assert 0 <= total <= 100.005


@given(st.lists(finite, min_size=2, max_size=20), finite, st.floats(0.0, 0.3))
def test_npv_linear_in_flows(flows, k, rate):
    a = np.array(flows)
    b = np.roll(a, 1)
    lhs = cba.npv(a + k * b, rate=rate)
    rhs = cba.npv(a, rate=rate) + k * cba.npv(b, rate=rate)
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-6 * (1 + abs(k)) * (1 + np.abs(a).sum()))


@given(st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=3, max_size=15))
def test_every_irr_root_zeroes_npv(flows):
    a = np.array(flows)
    assume(np.abs(a).max() > 1)
    res = cba.irr(a)
    for r in np.atleast_1d(res.roots):
        if np.isfinite(r) and -0.99 < r < 100:
            value = cba.npv(a, rate=float(r))
            size = (np.abs(a) / (1 + r) ** np.arange(len(a))).sum()  # scale of the discounted terms
            assert abs(value) <= 1e-7 * size


@given(st.floats(0.01, 1000), st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_survey_estimates_invariant_to_scaling_weights(factor, seed):
    rng = np.random.default_rng(seed)
    n = 60
    df = pd.DataFrame(
        {
            "y": rng.normal(3.5, 1, n),
            "w": rng.uniform(1, 5, n),
            "stratum": rng.integers(0, 3, n),
            "psu": np.arange(n),
        }
    )
    scaled = df.assign(w=df["w"] * factor)
    a = survey.Design(df, weights="w", strata="stratum", cluster="psu").mean("y")
    b = survey.Design(scaled, weights="w", strata="stratum", cluster="psu").mean("y")
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9)
    assert b.se == pytest.approx(a.se, rel=1e-9)


@given(st.lists(st.floats(0.05, 10), min_size=2, max_size=9))
def test_ahp_of_a_consistent_matrix_recovers_its_weights(raw):
    w = np.array(raw) / np.sum(raw)
    matrix = w[:, None] / w[None, :]
    for method in ("eigenvector", "geometric"):
        res = weighting.ahp(matrix, method=method)
        assert res.weights.to_numpy() == pytest.approx(w, rel=1e-6, abs=1e-9)
        assert res.cr == pytest.approx(0, abs=1e-6)
