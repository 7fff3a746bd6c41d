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


# ---------------------------------------------------------------------------------------------
# Numerical robustness (issue 13, item 8)


@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(2, 4),
    st.lists(st.integers(-20, 20), min_size=1, max_size=7),
)
@settings(max_examples=150, deadline=None)
def test_repeated_irr_root_is_reported_once(p, q, mult, cofactor):
    """(q·x − p)^m · Q(x), x = 1/(1 + r): the m-fold root r = q/p − 1 is listed exactly once,
    at its value, and every root listed has NPV ≈ 0 relative to the flows' scale."""
    Q = np.array(cofactor, dtype=float)
    assume(Q[0] != 0 and Q[-1] != 0)
    x0 = p / q
    other = np.roots(Q[::-1]) if Q.size > 1 else np.array([])
    assume(not np.any(np.abs(other / x0 - 1) < 0.05))  # Q's own roots stay clear of x0
    flows = Q
    for _ in range(mult):
        flows = np.convolve(flows, [-p, q])
    res = cba.irr(flows)
    r0 = q / p - 1
    near = np.abs((1 + res.roots) / (1 + r0) - 1) < 1e-3
    assert near.sum() == 1
    assert res.roots[near][0] == pytest.approx(r0, rel=1e-6, abs=1e-9)
    for r in res.roots:
        scale = np.abs(flows) @ (1 + r) ** -np.arange(flows.size)
        assert abs(cba.npv(flows, rate=float(r))) <= 1e-8 * scale


@given(st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_alpha_invariant_to_adding_a_constant(shift, seed):
    """Cronbach's α (listwise and pairwise, raw and standardised) does not move when the same
    constant is added to every answer: covariances are computed from centred answers."""
    from methods.reliability import cronbach_alpha

    rng = np.random.default_rng(seed)
    f = rng.standard_normal(80)
    X = np.clip(np.round(3 + f[:, None] + rng.standard_normal((80, 4))), 1, 5)
    X[rng.random(X.shape) < 0.1] = np.nan
    df = pd.DataFrame(X, columns=["q1", "q2", "q3", "q4"])
    for missing in ("listwise", "pairwise"):
        for std in (False, True):
            a = cronbach_alpha(df, missing=missing, standardized=std, ci=None).alpha
            b = cronbach_alpha(df + shift, missing=missing, standardized=std, ci=None).alpha
            assert b == pytest.approx(a, rel=1e-8, abs=1e-10)


@given(st.integers(-12, 12), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_standardised_alpha_invariant_to_units(power, seed):
    """Rescaling every item by 10^k (k = −12 … 12) changes no correlation, so neither the
    standardised α nor whether an item counts as constant (zero variance is relative)."""
    from methods.reliability import cronbach_alpha

    rng = np.random.default_rng(seed)
    f = rng.standard_normal(60)
    df = pd.DataFrame(f[:, None] + rng.standard_normal((60, 4)), columns=list("abcd"))
    for missing in ("listwise", "pairwise"):
        a = cronbach_alpha(df, missing=missing, standardized=True, ci=None).alpha
        b = cronbach_alpha(df * 10.0**power, missing=missing, standardized=True, ci=None).alpha
        assert b == pytest.approx(a, rel=1e-9)


@given(
    st.lists(st.sampled_from([1, -1]), min_size=2, max_size=6),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=40, deadline=None)
def test_plus_minus_one_directions_equal_names(signs, seed):
    from methods import ranking

    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 100, (7, len(signs)))
    names = ["benefit" if s == 1 else "cost" for s in signs]
    w = rng.uniform(0.5, 2, len(signs))
    for fn in (weighting.entropy_weights, weighting.critic_weights):
        pd.testing.assert_series_equal(fn(X, signs).weights, fn(X, names).weights)
    for fn in (ranking.topsis, ranking.vikor, ranking.weighted_sum):
        pd.testing.assert_frame_equal(fn(X, w, signs).table, fn(X, w, names).table)
