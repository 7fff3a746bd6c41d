"""Questionnaire reliability and validity (methods/reliability.py) against published numbers.

Sources (each test names the one it uses; data files are described in
tests/data/reliability/README.md):

- Holzinger & Swineford (1939) data, 301 children, x1–x9: psych::alpha raw α of the visual,
  textual and speed subscales (0.6261171319, 0.8827069129, 0.6884550230; the ``alpha`` row of
  semTools::reliability's HS.model example) and psych::KMO (overall MSA 0.75).
- psych::alpha help example ``alpha(sim.congeneric())`` (loadings .8 .7 .6 .5): α 0.74, α if
  dropped 0.62 0.66 0.70 0.74, r.drop 0.64 0.57 0.51 0.43, Feldt interval −0.31 … 0.98.
- psych "fa" course notes (personality-project.org, wk.4): ``fa(sim.congeneric())`` loadings
  0.8 0.7 0.6 0.5.
- Spearman's five tests (Harman 1976, pp. 116, 391–392), SAS PROC FACTOR maximum likelihood
  (M. Friendly, psy6140 spear5.sas output): "Test of H0: No common factors" χ² = 87.205 on 10 df
  (n = 100) and one-factor communalities 0.49542 0.46625 0.34391 0.32029 0.15870.
- R ``factanal`` examples on ``Harman74.cor`` (24 tests, n = 145), R's
  tests/Examples/datasets-Ex.Rout.save: 1-factor, 3-factor varimax and 5-factor promax solutions.
- Feldt, Woodruff & Salih (1987) formulas 6–7 for the α interval (as cocron::cronbach.alpha.CI).

Published correlation matrices enter through data sets with exactly that sample correlation
matrix (``_exact``): α (standardised), KMO, Bartlett and factor solutions depend on the data only
through it and n.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from methods.reliability import (
    bartlett,
    cronbach_alpha,
    detect_reverse_items,
    efa,
    feldt_interval,
    kmo,
    kmo_label,
    mcdonald_omega,
    parallel_analysis,
    reverse_code,
)

DATA = Path(__file__).parent / "data" / "reliability"
HS9 = [f"x{i}" for i in range(1, 10)]
VISUAL, TEXTUAL, SPEED = ["x1", "x2", "x3"], ["x4", "x5", "x6"], ["x7", "x8", "x9"]


@pytest.fixture(scope="module")
def hs():
    return pd.read_csv(DATA / "HolzingerSwineford1939.csv")


@pytest.fixture(scope="module")
def harman74():
    cor = pd.read_csv(DATA / "harman74_cor.csv", index_col=0)
    return _exact(cor.to_numpy(), 145, list(cor.columns))


def _exact(R, n, names=None, seed=0):
    """n × p data whose sample correlation matrix is exactly R (whitened noise × chol(R))."""
    R = np.asarray(R, dtype=float)
    p = R.shape[0]
    Z = np.random.default_rng(seed).standard_normal((n, p))
    Z -= Z.mean(axis=0)
    Z = Z @ np.linalg.inv(np.linalg.cholesky(Z.T @ Z / (n - 1))).T
    Z = Z @ np.linalg.cholesky(R).T
    return pd.DataFrame(Z, columns=names or [f"V{i + 1}" for i in range(p)])


def _congeneric(loadings):
    lam = np.asarray(loadings, dtype=float)
    R = np.outer(lam, lam)
    np.fill_diagonal(R, 1.0)
    return R


# psych::sim.congeneric() default loadings
R4 = _congeneric([0.8, 0.7, 0.6, 0.5])

# Spearman's five tests, Harman (1976) pp. 116, 391–392 (n = 100)
SPEARMAN = np.array(
    [
        [1.000, 0.485, 0.400, 0.397, 0.295],
        [0.485, 1.000, 0.397, 0.397, 0.247],
        [0.400, 0.397, 1.000, 0.335, 0.275],
        [0.397, 0.397, 0.335, 1.000, 0.195],
        [0.295, 0.247, 0.275, 0.195, 1.000],
    ]
)


def _likert(n=400, k=5, reverse=("q4",), seed=7):
    """Simulated 1–5 answers to a one-factor scale; items in ``reverse`` worded the other way."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(n)
    cols = {}
    for j in range(k):
        name = f"q{j + 1}"
        x = 0.8 * f + 0.6 * rng.standard_normal(n)
        if name in reverse:
            x = -x
        cols[name] = np.clip(np.round(3 + 1.1 * x), 1, 5).astype(int)
    return pd.DataFrame(cols)


# ---------------------------------------------------------------------------------------------
# Cronbach's alpha: published values


class TestAlphaPublished:
    @pytest.mark.parametrize(
        "items, expected",
        [(VISUAL, 0.6261171319), (TEXTUAL, 0.8827069129), (SPEED, 0.6884550230)],
    )
    def test_holzinger_swineford_subscales(self, hs, items, expected):
        # psych::alpha raw_alpha on lavaan::HolzingerSwineford1939; semTools::reliability(fit)
        # for HS.model prints the same α row (0.6261171, 0.8827069, 0.6884550)
        res = cronbach_alpha(hs, items)
        assert res.alpha == pytest.approx(expected, abs=1e-9)
        assert (res.n, res.k, res.standardized) == (301, 3, False)

    def test_psych_alpha_example_congeneric(self):
        # psych::alpha help page, alpha(sim.congeneric()): raw_alpha 0.74 = std.alpha 0.74;
        # α if dropped V1..V4 0.62 0.66 0.70 0.74; r.drop 0.64 0.57 0.51 0.43
        df = _exact(R4, 200)
        raw = cronbach_alpha(df)
        std = cronbach_alpha(df, standardized=True)
        assert round(raw.alpha, 2) == 0.74 and round(std.alpha, 2) == 0.74
        assert raw.item_stats["alpha_if_deleted"].round(2).tolist() == [0.62, 0.66, 0.70, 0.74]
        assert raw.item_stats["item_total_r"].round(2).tolist() == [0.64, 0.57, 0.51, 0.43]
        # average_r 0.42 in the same output
        assert round(raw.mean_r, 2) == 0.42

    def test_feldt_interval_psych_example(self):
        # psych::alpha(sim.congeneric()) prints "Feldt -0.31 0.74 0.98"; Feldt et al. (1987)
        # formulas 6–7 give exactly that with n = 4 observations and k = 4 items
        df = _exact(R4, 200)
        a = cronbach_alpha(df, ci=None).alpha
        lo, hi = feldt_interval(a, 4, 4, 0.95)
        assert (round(lo, 2), round(hi, 2)) == (-0.31, 0.98)

    def test_feldt_formula(self, hs):
        # Feldt, Woodruff & Salih (1987), formulas 6–7 (cocron::cronbach.alpha.CI):
        # L = 1 − (1 − α)·F(0.975; n − 1, (n − 1)(k − 1)), U = 1 − (1 − α)·F(0.025; …)
        res = cronbach_alpha(hs, TEXTUAL, ci=0.95)
        a, n, k = res.alpha, 301, 3
        lo = 1 - (1 - a) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
        hi = 1 - (1 - a) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
        assert res.ci == pytest.approx((lo, hi), abs=1e-12)
        assert res.ci_method == "feldt" and res.ci[0] < a < res.ci[1]
        # 90% interval is nested in the 95% one
        r90 = cronbach_alpha(hs, TEXTUAL, ci=0.90)
        assert res.ci[0] < r90.ci[0] < r90.ci[1] < res.ci[1]


class TestAlphaOptions:
    def test_standardized_and_raw_differ_and_are_both_right(self, hs):
        df = hs[TEXTUAL].copy()
        df["x5"] = df["x5"] * 10  # same correlations, very different variances
        raw = cronbach_alpha(df)
        std = cronbach_alpha(df, standardized=True)
        C = df.cov().to_numpy()
        R = df.corr().to_numpy()
        k = 3
        rbar = (R.sum() - k) / (k * (k - 1))
        assert raw.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(C) / C.sum()), abs=1e-12)
        assert std.alpha == pytest.approx(k * rbar / (1 + (k - 1) * rbar), abs=1e-12)
        assert abs(raw.alpha - std.alpha) > 0.1
        assert raw.standardized is False and std.standardized is True
        # standardised α does not move when an item is rescaled; raw α does
        assert std.alpha == pytest.approx(cronbach_alpha(hs, TEXTUAL, standardized=True).alpha)
        assert "原始 α" in raw.summary() and "标准化 α" in std.summary()

    def test_listwise_ci_uses_reduced_n(self, hs):
        df = hs[TEXTUAL].copy()
        df.loc[df.index[:41], "x5"] = np.nan
        res = cronbach_alpha(df)
        assert (res.n, res.n_total) == (260, 301)
        assert res.ci == pytest.approx(feldt_interval(res.alpha, 260, 3), abs=1e-12)
        wrong = feldt_interval(res.alpha, 301, 3)
        assert res.ci[1] - res.ci[0] > wrong[1] - wrong[0]
        complete = cronbach_alpha(df.dropna())
        assert res.alpha == pytest.approx(complete.alpha, abs=1e-12)
        assert any("列表删除" in t and "260" in t for t in res.notes)

    def test_pairwise_matches_pairwise_covariances(self, hs):
        df = hs[HS9].copy()
        rng = np.random.default_rng(5)
        df = df.mask(rng.random(df.shape) < 0.08)
        res = cronbach_alpha(df, missing="pairwise")
        C = df.cov().to_numpy()  # pandas: pairwise-complete, as R use="pairwise"
        k = 9
        assert res.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(C) / C.sum()), abs=1e-12)
        counts = df.notna().astype(int)
        pair_n = (counts.T @ counts).to_numpy()
        assert res.n == pair_n[np.triu_indices(k, 1)].min()
        assert res.item_stats["n"].tolist() == df.notna().sum().tolist()
        std = cronbach_alpha(df, missing="pairwise", standardized=True)
        R = df.corr().to_numpy()
        rbar = (R.sum() - k) / (k * (k - 1))
        assert std.alpha == pytest.approx(k * rbar / (1 + (k - 1) * rbar), abs=1e-12)
        assert any("成对删除" in t and "调和平均" in t for t in res.notes)
        listwise = cronbach_alpha(df)
        assert listwise.n < res.n

    def test_reverse_items_turn_negative_alpha_positive(self):
        df = _likert(k=4, reverse=("q3", "q4"))
        bad = cronbach_alpha(df)
        assert bad.alpha < 0
        assert any("α 为负值" in w for w in bad.warnings)
        good = cronbach_alpha(df, reverse=["q3", "q4"], scale=(1, 5))
        assert good.alpha > 0.8
        manual = df.assign(q3=6 - df["q3"], q4=6 - df["q4"])
        assert good.alpha == pytest.approx(cronbach_alpha(manual).alpha, abs=1e-12)
        assert good.reversed_items == ("q3", "q4")
        assert any("反向题 q3、q4" in t for t in good.notes)

    def test_negative_item_total_correlation_is_flagged(self):
        df = _likert(k=5, reverse=("q4",))
        res = cronbach_alpha(df)
        r = res.item_stats.set_index("item").loc["q4", "item_total_r"]
        assert r < 0
        expected = f"题项 q4 与其余题项总分负相关（r = −{abs(r):.2f}），可能是反向题未重新编码"
        assert expected in res.warnings
        assert detect_reverse_items(df) == ["q4"]
        assert detect_reverse_items(df.assign(q4=6 - df["q4"])) == []

    def test_bootstrap_is_reproducible_with_a_seed(self, hs):
        a = cronbach_alpha(hs, TEXTUAL, ci_method="bootstrap", n_boot=2000, seed=11)
        b = cronbach_alpha(hs, TEXTUAL, ci_method="bootstrap", n_boot=2000, seed=11)
        c = cronbach_alpha(hs, TEXTUAL, ci_method="bootstrap", n_boot=2000, seed=12)
        assert a.ci == b.ci and a.ci != c.ci
        assert a.ci[0] < a.alpha < a.ci[1]
        feldt = cronbach_alpha(hs, TEXTUAL).ci
        assert a.ci == pytest.approx(feldt, abs=0.03)
        assert (a.ci_method, a.n_boot) == ("bootstrap", 2000)

    def test_bootstrap_matches_a_plain_loop(self, hs):
        # the count-matrix bootstrap equals resampling rows one by one with the same draws
        X = hs[VISUAL].to_numpy()
        n = len(X)
        res = cronbach_alpha(hs, VISUAL, ci_method="bootstrap", n_boot=50, seed=3, ci=0.9)
        rng = np.random.default_rng(3)
        idx = rng.integers(0, n, size=(50, n))
        boots = []
        for row in idx:
            C = np.cov(X[row], rowvar=False)
            boots.append(1.5 * (1 - np.trace(C) / C.sum()))
        assert res.ci == pytest.approx(tuple(np.quantile(boots, [0.05, 0.95])), abs=1e-10)

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    @pytest.mark.parametrize("standardized", [False, True])
    def test_bootstrap_variants_run(self, hs, missing, standardized):
        df = hs[HS9].mask(np.random.default_rng(1).random((301, 9)) < 0.05)
        kw = dict(missing=missing, standardized=standardized, ci_method="bootstrap")
        a = cronbach_alpha(df, n_boot=300, seed=2, **kw)
        b = cronbach_alpha(df, n_boot=300, seed=2, **kw)
        assert a.ci == b.ci
        assert a.ci[0] < a.alpha < a.ci[1]

    def test_pairwise_bootstrap_without_missing_equals_listwise(self, hs):
        kw = dict(ci_method="bootstrap", n_boot=200, seed=4)
        lw = cronbach_alpha(hs, TEXTUAL, **kw)
        pw = cronbach_alpha(hs, TEXTUAL, missing="pairwise", **kw)
        assert pw.alpha == pytest.approx(lw.alpha, abs=1e-12)
        assert pw.ci == pytest.approx(lw.ci, abs=1e-10)

    def test_item_stats_table(self, hs):
        res = cronbach_alpha(hs, TEXTUAL)
        t = res.item_stats
        assert list(t.columns) == ["item", "n", "mean", "sd", "item_total_r", "alpha_if_deleted"]
        assert t["item"].tolist() == TEXTUAL
        assert t["mean"].tolist() == pytest.approx(hs[TEXTUAL].mean().tolist())
        assert t["sd"].tolist() == pytest.approx(hs[TEXTUAL].std().tolist())
        # corrected item-total r of x4 = corr(x4, x5 + x6); α if x4 deleted = α(x5, x6)
        r = np.corrcoef(hs["x4"], hs["x5"] + hs["x6"])[0, 1]
        assert t.loc[0, "item_total_r"] == pytest.approx(r, abs=1e-12)
        assert t.loc[0, "alpha_if_deleted"] == pytest.approx(
            cronbach_alpha(hs, ["x5", "x6"]).alpha, abs=1e-12
        )

    def test_to_dict_is_json_ready(self, hs):
        res = cronbach_alpha(hs, ["x4", "x5"])  # two items: α if deleted undefined
        d = res.to_dict()
        json.dumps(d)
        assert d["item_stats"][0]["alpha_if_deleted"] is None
        assert d["ci"][0] == pytest.approx(res.ci[0])
        assert d["k"] == 2 and d["standardized"] is False
        assert cronbach_alpha(hs, TEXTUAL, ci=None).to_dict()["ci"] == [None, None]

    def test_summary_is_chinese(self, hs):
        text = cronbach_alpha(hs, TEXTUAL).summary()
        assert text.startswith("Cronbach's α：原始 α（基于协方差） = 0.883")
        assert "95% 置信区间" in text and "Feldt" in text

    def test_text_numbers_and_blanks(self):
        df = pd.DataFrame(
            {"q1": ["4", "5", "3", " ", "2"], "q2": [4, 4, 3, 5, 2], "q3": [5, 5, 2, 4, None]}
        )
        res = cronbach_alpha(df)
        assert (res.n, res.n_total) == (3, 5)
        num = pd.DataFrame({"q1": [4, 5, 3], "q2": [4, 4, 3], "q3": [5, 5, 2]})
        assert res.alpha == pytest.approx(cronbach_alpha(num).alpha)


class TestBadInput:
    def test_fewer_than_two_items(self, hs):
        with pytest.raises(ValueError, match="至少需要两个题项"):
            cronbach_alpha(hs, ["x1"])
        with pytest.raises(ValueError, match="至少需要两个题项"):
            cronbach_alpha(hs[["x1"]])

    def test_all_missing_item(self):
        df = pd.DataFrame({"q1": [1, 2, 3], "q2": [2, 3, 4], "q3": [np.nan] * 3})
        with pytest.raises(ValueError, match="题项 q3 全部缺失"):
            cronbach_alpha(df)

    def test_zero_variance_item(self):
        df = pd.DataFrame({"q1": [1, 2, 3, 4], "q5": [3, 3, 3, 3], "q2": [2, 3, 4, 4]})
        with pytest.raises(ValueError, match="题项 q5 方差为 0"):
            cronbach_alpha(df)
        with pytest.raises(ValueError, match="题项 q5 方差为 0"):
            cronbach_alpha(df, missing="pairwise")

    def test_text_in_numeric_item(self):
        df = pd.DataFrame(
            {"q1": [4, 5, 3, 4, 2, 5, 4, 3], "q2": ["4", "4", "3", "5", "2", "4", "很好", "3"]}
        )
        with pytest.raises(ValueError, match="题项 q2 含非数值内容，第 7 行为 '很好'"):
            cronbach_alpha(df)
        with pytest.raises(ValueError, match="第 7 行为 '很好'"):
            kmo(df.assign(q3=[1, 2, 3, 4, 5, 1, 2, 3]))

    def test_other_errors(self, hs):
        with pytest.raises(ValueError, match="找不到题项列 x10"):
            cronbach_alpha(hs, ["x1", "x10"])
        with pytest.raises(ValueError, match="需要给出量表范围"):
            cronbach_alpha(hs, TEXTUAL, reverse=["x4"])
        with pytest.raises(ValueError, match="题项 q1 第 2 行的值 7 超出量表范围 1–5"):
            cronbach_alpha(pd.DataFrame({"q1": [1, 7], "q2": [2, 3]}), reverse=["q1"], scale=(1, 5))
        with pytest.raises(ValueError, match="missing 应为"):
            cronbach_alpha(hs, TEXTUAL, missing="mean")
        with pytest.raises(ValueError, match="有效样本不足 2 人（剩 1 人）"):
            cronbach_alpha(pd.DataFrame({"q1": [1, np.nan, 3], "q2": [2, 3, np.nan]}))
        with pytest.raises(ValueError, match="ci_method"):
            cronbach_alpha(hs, TEXTUAL, ci_method="normal")
        with pytest.raises(ValueError, match="重复列出"):
            cronbach_alpha(hs, ["x1", "x1"])


class TestReverseCode:
    def test_recodes_and_keeps_the_rest(self):
        df = pd.DataFrame({"q1": [1, 2, 5], "q2": [5, 4, None], "name": ["a", "b", "c"]})
        out = reverse_code(df, ["q2"], (1, 5))
        assert out["q2"].tolist()[:2] == [1.0, 2.0] and math.isnan(out["q2"].iloc[2])
        assert out["q1"].tolist() == [1, 2, 5] and out["name"].tolist() == ["a", "b", "c"]
        assert df["q2"].tolist()[:2] == [5, 4]  # input untouched
        assert reverse_code(df, "q1", (0, 10))["q1"].tolist() == [9.0, 8.0, 5.0]

    def test_out_of_scale(self):
        with pytest.raises(ValueError, match="超出量表范围"):
            reverse_code(pd.DataFrame({"q1": [0, 3]}), ["q1"], (1, 5))
        with pytest.raises(ValueError, match="最小值应小于最大值"):
            reverse_code(pd.DataFrame({"q1": [1, 3]}), ["q1"], (5, 1))


# ---------------------------------------------------------------------------------------------
# McDonald's omega


class TestOmega:
    @pytest.mark.parametrize("method", ["minres", "ml"])
    def test_congeneric_population_model(self, method):
        # psych course notes, fa(sim.congeneric()): loadings 0.8 0.7 0.6 0.5 (exact fit), so
        # ω = (Σλ)² / ((Σλ)² + Σψ) = 2.6² / (2.6² + 2.26) (McDonald 1999)
        res = mcdonald_omega(_exact(R4, 200), method=method, standardized=True)
        assert res.loadings["std_loading"].tolist() == pytest.approx([0.8, 0.7, 0.6, 0.5], abs=1e-6)
        assert res.omega == pytest.approx(6.76 / 9.02, abs=1e-8)
        assert res.omega > res.alpha  # congeneric: α underestimates
        assert res.method == method

    def test_spearman_ml_communalities(self):
        # Harman (1976) Spearman's five tests; SAS PROC FACTOR METHOD=ML, one factor:
        # communalities 0.49542 0.46625 0.34391 0.32029 0.15870
        res = mcdonald_omega(_exact(SPEARMAN, 100), method="ml", standardized=True)
        h2 = res.loadings["std_loading"].to_numpy() ** 2
        published = np.array([0.49542, 0.46625, 0.34391, 0.32029, 0.15870])
        assert h2 == pytest.approx(published, abs=2e-5)
        lam = np.sqrt(published)
        omega = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - published).sum())
        assert res.omega == pytest.approx(omega, abs=1e-4)

    def test_tau_equivalent_omega_equals_alpha(self):
        res = mcdonald_omega(_exact(_congeneric([0.6] * 5), 150), standardized=True)
        assert res.omega == pytest.approx(res.alpha, abs=1e-8)

    @pytest.mark.parametrize("items", [VISUAL, TEXTUAL, SPEED])
    def test_three_items_just_identified(self, hs, items):
        # three indicators: λ_i² = s_ij·s_ik / s_jk exactly, whatever the estimator
        S = hs[items].cov().to_numpy()
        lam = np.sqrt(
            [S[0, 1] * S[0, 2] / S[1, 2], S[0, 1] * S[1, 2] / S[0, 2], S[0, 2] * S[1, 2] / S[0, 1]]
        )
        psi = np.diag(S) - lam**2
        expected = lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum())
        for method in ("minres", "ml"):
            res = mcdonald_omega(hs, items, method=method)
            assert res.omega == pytest.approx(expected, abs=1e-7)
            assert res.loadings["loading"].to_numpy() == pytest.approx(lam, abs=1e-5)
        assert res.alpha == pytest.approx(cronbach_alpha(hs, items).alpha)

    def test_raw_omega_is_scale_aware(self, hs):
        df = hs[HS9].assign(x1=hs["x1"] * 5)
        raw = mcdonald_omega(df, method="ml")
        std = mcdonald_omega(df, method="ml", standardized=True)
        assert std.omega == pytest.approx(
            mcdonald_omega(hs, HS9, method="ml", standardized=True).omega
        )
        assert abs(raw.omega - std.omega) > 0.01

    def test_reverse_item_warning_and_recode(self):
        df = _likert(k=5, reverse=("q2",))
        res = mcdonald_omega(df)
        assert any("题项 q2 的因子载荷为负" in w for w in res.warnings)
        fixed = mcdonald_omega(df, reverse=["q2"], scale=(1, 5))
        assert not fixed.warnings and fixed.omega > 0.8
        json.dumps(fixed.to_dict())
        assert fixed.summary().startswith("McDonald's ω（总）")

    def test_bad_method(self, hs):
        with pytest.raises(ValueError, match="method"):
            mcdonald_omega(hs, TEXTUAL, method="pa")


# ---------------------------------------------------------------------------------------------
# KMO and Bartlett


class TestKMO:
    def test_holzinger_swineford(self, hs):
        # psych::KMO(HolzingerSwineford1939[, x1:x9]): Overall MSA = 0.75; MSA for each item
        # 0.81 0.78 0.73 0.76 0.74 0.81 0.59 0.68 …
        res = kmo(hs, HS9)
        assert round(res.overall, 2) == 0.75
        assert res.per_item.round(2).tolist()[:8] == [
            0.81,
            0.78,
            0.73,
            0.76,
            0.74,
            0.81,
            0.59,
            0.68,
        ]
        assert res.label == "中等" and res.per_item.index.tolist() == HS9
        assert list(res.table.columns) == ["item", "msa", "label"]
        assert res.table.set_index("item").loc["x7", "label"] == "差"
        json.dumps(res.to_dict())
        assert "KMO = 0.752（中等" in res.summary()

    def test_kaiser_labels(self):
        cases = {0.95: "极好", 0.9: "极好", 0.85: "很好", 0.75: "中等", 0.65: "一般", 0.55: "差"}
        assert {v: kmo_label(v) for v in cases} == cases
        assert kmo_label(0.49) == "不可接受"

    def test_singular_matrix(self):
        df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]})
        df["c"] = df["a"] + df["b"]
        with pytest.raises(ValueError, match="奇异"):
            kmo(df)


class TestBartlett:
    def test_spearman_sas_no_common_factors(self):
        # SAS PROC FACTOR (ML) on Spearman's five tests, n = 100: "Test of H0: No common
        # factors … Chi-square = 87.205 df = 10", which is Bartlett's sphericity statistic
        res = bartlett(_exact(SPEARMAN, 100))
        assert res.statistic == pytest.approx(87.205, abs=5e-4)
        assert (res.df, res.n, res.p) == (10, 100, 5)
        assert res.pvalue == pytest.approx(stats.chi2.sf(res.statistic, 10))
        assert "χ²(10) = 87.21" in res.summary()

    def test_formula_and_reduced_n(self, hs):
        df = hs[HS9].copy()
        df.loc[df.index[:21], "x2"] = np.nan
        res = bartlett(df)
        R = df.dropna().corr().to_numpy()
        expected = -(280 - 1 - (2 * 9 + 5) / 6) * np.log(np.linalg.det(R))
        assert res.statistic == pytest.approx(expected, rel=1e-12)
        assert (res.n, res.n_total, res.df) == (280, 301, 36)
        json.dumps(res.to_dict())

    def test_independent_items(self):
        rng = np.random.default_rng(8)
        res = bartlett(pd.DataFrame(rng.standard_normal((200, 6))))
        assert res.pvalue > 0.05 and "不能拒绝" in res.summary()


# ---------------------------------------------------------------------------------------------
# EFA and parallel analysis

# R factanal(factors = 1, covmat = Harman74.cor): uniquenesses
HARMAN_ML1_U = [0.677, 0.866, 0.830, 0.768, 0.487, 0.491, 0.500, 0.514, 0.474, 0.818, 0.731, 0.824,
                0.681, 0.833, 0.863, 0.775, 0.812, 0.778, 0.816, 0.612, 0.676, 0.619, 0.524, 0.593]  # fmt: skip
# factanal(factors = 3, covmat = Harman74.cor) (varimax): uniquenesses and loadings (blank < 0.1)
HARMAN_ML3_U = [0.500, 0.793, 0.662, 0.694, 0.352, 0.316, 0.300, 0.502, 0.256, 0.200, 0.586, 0.494,
                0.569, 0.838, 0.848, 0.643, 0.780, 0.635, 0.788, 0.590, 0.580, 0.597, 0.498, 0.500]  # fmt: skip
HARMAN_ML3_VARIMAX = {
    "VisualPerception": (0.176, 0.656, 0.198),
    "Cubes": (0.122, 0.428, None),
    "PaperFormBoard": (0.145, 0.563, None),
    "Flags": (0.239, 0.487, 0.107),
    "GeneralInformation": (0.745, 0.191, 0.237),
    "PargraphComprehension": (0.78, 0.249, 0.118),
    "SentenceCompletion": (0.802, 0.175, 0.16),
    "WordClassification": (0.571, 0.327, 0.256),
    "WordMeaning": (0.821, 0.248, None),
    "Addition": (0.162, -0.118, 0.871),
    "Code": (0.198, 0.219, 0.572),
    "CountingDots": (None, 0.179, 0.688),
    "StraightCurvedCapitals": (0.19, 0.381, 0.499),
    "WordRecognition": (0.231, 0.253, 0.21),
    "NumberRecognition": (0.158, 0.299, 0.195),
    "FigureRecognition": (0.108, 0.557, 0.186),
    "ObjectNumber": (0.178, 0.267, 0.342),
    "NumberFigure": (None, 0.427, 0.424),
    "FigureWord": (0.167, 0.355, 0.24),
    "Deduction": (0.392, 0.472, 0.181),
    "NumericalPuzzles": (0.178, 0.406, 0.473),
    "ProblemReasoning": (0.382, 0.473, 0.182),
    "SeriesCompletion": (0.379, 0.528, 0.283),
    "ArithmeticProblems": (0.377, 0.226, 0.554),
}
# factanal(factors = 5, covmat = Harman74.cor, rotation = "promax"); print(loadings, sort = TRUE)
HARMAN_ML5_PROMAX = {
    "VisualPerception": (0.831, None, -0.127, None, 0.23),
    "Cubes": (0.534, None, None, None, None),
    "PaperFormBoard": (0.736, None, -0.29, None, 0.136),
    "Flags": (0.647, None, None, -0.104, None),
    "SeriesCompletion": (0.555, 0.126, 0.127, None, None),
    "GeneralInformation": (None, 0.764, None, None, None),
    "PargraphComprehension": (None, 0.845, -0.14, 0.14, None),
    "SentenceCompletion": (None, 0.872, None, -0.14, None),
    "WordClassification": (0.277, 0.505, 0.104, None, None),
    "WordMeaning": (None, 0.846, -0.108, None, None),
    "Addition": (-0.334, None, 1.012, None, None),
    "CountingDots": (0.206, -0.2, 0.722, None, 0.185),
    "ArithmeticProblems": (None, 0.197, 0.5, 0.139, None),
    "WordRecognition": (-0.126, 0.127, -0.103, 0.657, None),
    "NumberRecognition": (None, None, None, 0.568, None),
    "FigureRecognition": (0.399, -0.142, -0.207, 0.562, None),
    "ObjectNumber": (-0.108, None, 0.107, 0.613, None),
    "StraightCurvedCapitals": (0.542, None, 0.247, None, 0.618),
    "Code": (None, 0.112, 0.288, 0.486, 0.424),
    "NumberFigure": (0.255, -0.23, 0.211, 0.413, None),
    "FigureWord": (0.187, None, None, 0.347, None),
    "Deduction": (0.404, 0.169, None, 0.117, -0.203),
    "NumericalPuzzles": (0.393, None, 0.368, None, None),
    "ProblemReasoning": (0.381, 0.188, None, 0.169, None),
}


def _match_columns(ours: np.ndarray, published: np.ndarray) -> np.ndarray:
    """Our loadings with columns permuted and signed to best match the published ones."""
    from itertools import permutations

    pub = np.nan_to_num(published)
    best, best_fit = None, -np.inf
    for perm in permutations(range(ours.shape[1])):
        cand = ours[:, perm]
        signs = np.sign(np.sum(cand * pub, axis=0))
        signs[signs == 0] = 1
        fit = np.sum(cand * signs * pub)
        if fit > best_fit:
            best, best_fit = cand * signs, fit
    return best


def _assert_printed_loadings(res, table, tol=1.5e-3):
    names = list(table)
    pub = np.array([[np.nan if v is None else v for v in table[n]] for n in names])
    ours = _match_columns(res.loadings.loc[names].to_numpy(), pub)
    shown = ~np.isnan(pub)
    assert np.abs(ours[shown] - pub[shown]).max() < tol
    assert np.abs(ours[~shown]).max() < 0.1 + 5e-4  # R's print hides |loading| < 0.1


class TestEFAPublished:
    def test_harman74_one_factor_ml(self, harman74):
        # R datasets-Ex.Rout.save: factanal(factors = 1, covmat = Harman74.cor)
        res = efa(harman74, n_factors=1, method="ml", rotation=None)
        assert res.uniquenesses.round(3).tolist() == pytest.approx(HARMAN_ML1_U, abs=1e-9)
        assert round(res.chi_square, 2) == 622.91 and res.df == 252
        assert res.variance["ss_loadings"].round(3).tolist() == [7.438]

    def test_harman74_three_factor_ml_varimax(self, harman74):
        # factanal(factors = 3, covmat = Harman74.cor): varimax (factanal's default)
        res = efa(harman74, n_factors=3, method="ml", rotation="varimax")
        assert res.uniquenesses.to_numpy() == pytest.approx(HARMAN_ML3_U, abs=6e-4)
        _assert_printed_loadings(res, HARMAN_ML3_VARIMAX, tol=6e-4)
        assert res.variance["ss_loadings"].round(3).tolist() == [3.802, 3.488, 3.186]
        assert res.variance["cumulative"].round(3).tolist() == [0.158, 0.304, 0.436]
        assert round(res.chi_square, 2) == 295.59 and res.df == 207
        assert res.pvalue == pytest.approx(5.12e-05, abs=5e-8)

    def test_harman74_five_factor_ml_promax(self, harman74):
        # factanal(factors = 5, covmat = Harman74.cor, rotation = "promax")
        res = efa(harman74, n_factors=5, method="ml", rotation="promax")
        _assert_printed_loadings(res, HARMAN_ML5_PROMAX, tol=6e-4)
        assert res.variance["ss_loadings"].round(3).tolist() == [3.529, 3.311, 2.367, 2.109, 0.762]
        assert res.phi is not None and np.allclose(np.diag(res.phi), 1)

    def test_spearman_one_factor_ml(self):
        # SAS PROC FACTOR METHOD=ML on Spearman's five tests (see TestOmega)
        res = efa(_exact(SPEARMAN, 100), n_factors=1, method="ml", rotation=None)
        published = [0.49542, 0.46625, 0.34391, 0.32029, 0.15870]
        assert res.communalities.to_numpy() == pytest.approx(published, abs=2e-5)

    def test_congeneric_minres(self):
        # psych course notes: fa(sim.congeneric()) → MR1 0.8 0.7 0.6 0.5, h2 .64 .49 .36 .25
        res = efa(_exact(R4, 500), n_factors=1, rotation=None)
        assert res.loadings["F1"].tolist() == pytest.approx([0.8, 0.7, 0.6, 0.5], abs=1e-6)
        assert res.communalities.tolist() == pytest.approx([0.64, 0.49, 0.36, 0.25], abs=1e-6)


class TestEFAStructure:
    def test_holzinger_swineford_three_factors(self, hs):
        # known structure: visual x1–x3, textual x4–x6, speed x7–x9 (Holzinger & Swineford 1939)
        for rotation in ("varimax", "promax", "oblimin"):
            for method in ("minres", "ml"):
                res = efa(hs, n_factors=3, rotation=rotation, method=method, items=HS9)
                main = res.loadings.abs().to_numpy().argmax(axis=1)
                groups = [set(main[i : i + 3]) for i in (0, 3, 6)]
                assert all(len(g) == 1 for g in groups), (rotation, method)
                assert len(set.union(*groups)) == 3
        assert res.rotation == "oblimin" and res.phi is not None
        off = res.phi.to_numpy()[np.triu_indices(3, 1)]
        assert (off > 0.1).all() and (off < 0.6).all()

    def test_rotation_does_not_change_fit(self, hs):
        base = efa(hs, n_factors=3, rotation=None, items=HS9)
        implied = base.loadings.to_numpy() @ base.loadings.to_numpy().T
        for rotation in ("varimax", "promax", "oblimin"):
            res = efa(hs, n_factors=3, rotation=rotation, items=HS9)
            L = res.loadings.to_numpy()
            phi = np.eye(3) if res.phi is None else res.phi.to_numpy()
            assert L @ phi @ L.T == pytest.approx(implied, abs=1e-8)
            assert res.communalities.to_numpy() == pytest.approx(base.communalities.to_numpy())
            if res.phi is not None:
                assert res.structure.to_numpy() == pytest.approx(L @ phi)

    def test_oblimin_matches_gradient_projection(self, harman74):
        # GPA oblimin (Bernaards & Jennrich 2005) written out from GPArotation::GPFoblq
        res = efa(harman74, n_factors=4, rotation="oblimin")
        A = efa(harman74, n_factors=4, rotation=None).loadings.to_numpy()

        def crit(L):
            L2 = L**2
            N = np.ones((4, 4)) - np.eye(4)
            return np.sum(L2 * (L2 @ N)) / 4, L * (L2 @ N)

        T, al = np.eye(4), 1.0
        L = A.copy()
        f, Gq = crit(L)
        G = -(L.T @ Gq @ np.linalg.inv(T)).T
        for _ in range(1000):
            Gp = G - T @ np.diag(np.sum(T * G, axis=0))
            s = np.sqrt(np.sum(Gp**2))
            if s < 1e-8:
                break
            al *= 2
            for _ in range(11):
                X = T - al * Gp
                Tt = X / np.sqrt(np.sum(X**2, axis=0))
                Lt = A @ np.linalg.inv(Tt).T
                ft, Gqt = crit(Lt)
                if f - ft > 0.5 * s**2 * al:
                    break
                al /= 2
            T, f, L = Tt, ft, Lt
            G = -(L.T @ Gqt @ np.linalg.inv(T)).T
        assert _match_columns(res.loadings.to_numpy(), L) == pytest.approx(L, abs=1e-4)

    def test_principal_components(self, hs):
        res = efa(hs, n_factors=2, method="principal", rotation=None, items=HS9)
        R = hs[HS9].corr().to_numpy()
        val, vec = np.linalg.eigh(R)
        expected = vec[:, ::-1][:, :2] * np.sqrt(val[::-1][:2])
        ours = _match_columns(res.loadings.to_numpy(), expected)
        assert ours == pytest.approx(expected, abs=1e-10)
        assert res.variance["ss_loadings"].tolist() == pytest.approx(val[::-1][:2])
        full = efa(hs, n_factors=9, method="principal", rotation=None, items=HS9)
        assert full.communalities.to_numpy() == pytest.approx(np.ones(9))

    def test_result_objects(self, hs):
        res = efa(hs, n_factors=3, rotation="promax", method="ml", items=HS9)
        assert list(res.loadings.columns) == ["F1", "F2", "F3"]
        assert res.loadings.index.name == "item"
        assert list(res.table.columns) == ["item", "F1", "F2", "F3", "communality", "uniqueness"]
        assert list(res.variance.columns) == ["factor", "ss_loadings", "proportion", "cumulative"]
        assert res.chi_square is not None and res.df == 12
        d = res.to_dict()
        json.dumps(d)
        assert d["rotation"] == "promax" and d["method"] == "ml" and len(d["loadings"]) == 9
        text = res.summary()
        assert "最大似然法提取 3 个因子（指定），promax 斜交旋转" in text

    def test_bad_arguments(self, hs):
        with pytest.raises(ValueError, match="rotation"):
            efa(hs, 2, rotation="quartimax", items=HS9)
        with pytest.raises(ValueError, match="method"):
            efa(hs, 2, method="pa", items=HS9)
        with pytest.raises(ValueError, match="最多能提取"):
            efa(hs, 5, items=["x1", "x2", "x3", "x4", "x5", "x6"])
        with pytest.raises(ValueError, match="至少需要 3 个题项"):
            efa(hs, 1, items=["x1", "x2"])


class TestParallelAnalysis:
    def test_holzinger_swineford_three_factors(self, hs):
        res = parallel_analysis(hs, HS9, n_iter=500, seed=1)
        assert (res.n_factors, res.n_components) == (3, 3)
        assert list(res.table.columns) == [
            "factor",
            "observed_pc",
            "random_pc",
            "observed_fa",
            "random_fa",
        ]
        assert res.table["observed_pc"].sum() == pytest.approx(9)
        json.dumps(res.to_dict())
        assert "建议保留公因子 3 个" in res.summary()

    def test_reproducible_and_vectorised(self, hs):
        a = parallel_analysis(hs, HS9, n_iter=300, seed=9)
        b = parallel_analysis(hs, HS9, n_iter=300, seed=9)
        pd.testing.assert_frame_equal(a.table, b.table)
        # random eigenvalues near the known bounds: the first exceeds 1, the mean is 1
        assert a.table["random_pc"].iloc[0] > 1 > a.table["random_pc"].iloc[-1]

    def test_known_structure_simulated(self):
        rng = np.random.default_rng(4)
        f = rng.standard_normal((500, 4))
        L = np.kron(np.eye(4), np.full((1, 4), 0.7))
        df = pd.DataFrame(f @ L + 0.7 * rng.standard_normal((500, 16)))
        res = parallel_analysis(df, n_iter=200, seed=0)
        assert res.n_factors == 4 and res.n_components == 4
        noise = pd.DataFrame(rng.standard_normal((300, 8)))
        assert parallel_analysis(noise, n_iter=200, seed=0).n_components == 0

    def test_efa_chooses_factor_count(self, hs):
        res = efa(hs, items=HS9, rotation="oblimin", n_iter=300, seed=1)
        assert res.n_factors == 3 and res.n_factors_source == "parallel_analysis"
        assert res.parallel is not None and res.parallel.n_factors == 3
        assert any("平行分析" in t for t in res.notes)


# ---------------------------------------------------------------------------------------------
# Numerical robustness (issue 13, item 8): shift invariance, relative zero variance, Heywood


def _with_gaps(df, share=0.1, seed=3):
    """``df`` as float with ``share`` of the answers missing (no item left empty)."""
    rng = np.random.default_rng(seed)
    return df.astype(float).mask(rng.random(df.shape) < share)


class TestNumericalRobustness:
    SHIFT = 1e8

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    @pytest.mark.parametrize("standardized", [False, True])
    def test_alpha_unchanged_by_a_constant_added_to_every_item(self, missing, standardized):
        # α, r̄, item statistics and intervals depend on the data only through (co)variances,
        # which a constant does not move; uncentred pairwise sums lost every digit at 1e8
        df = _with_gaps(_likert(n=300, k=5, reverse=()))
        kw = {"missing": missing, "standardized": standardized}
        base = cronbach_alpha(df, **kw)
        moved = cronbach_alpha(df + self.SHIFT, **kw)
        assert moved.alpha == pytest.approx(base.alpha, rel=1e-9)
        assert moved.mean_r == pytest.approx(base.mean_r, rel=1e-9)
        assert moved.ci == pytest.approx(base.ci, rel=1e-9)
        assert moved.n == base.n
        cols = ["sd", "item_total_r", "alpha_if_deleted"]
        np.testing.assert_allclose(moved.item_stats[cols], base.item_stats[cols], rtol=1e-9)
        np.testing.assert_allclose(
            moved.item_stats["mean"] - self.SHIFT, base.item_stats["mean"], atol=1e-6
        )
        boot = {"ci_method": "bootstrap", "n_boot": 200, "seed": 4, **kw}
        assert cronbach_alpha(df + self.SHIFT, **boot).ci == pytest.approx(
            cronbach_alpha(df, **boot).ci, rel=1e-9
        )

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    def test_omega_kmo_bartlett_efa_unchanged_by_a_constant(self, missing):
        df = _with_gaps(_likert(n=300, k=6, reverse=()))
        moved = df + self.SHIFT
        for method in ("minres", "ml"):
            for std in (False, True):
                a = mcdonald_omega(df, missing=missing, method=method, standardized=std)
                b = mcdonald_omega(moved, missing=missing, method=method, standardized=std)
                assert b.omega == pytest.approx(a.omega, rel=1e-9)
                np.testing.assert_allclose(b.loadings["std_loading"], a.loadings["std_loading"],
                                           rtol=1e-7)  # fmt: skip
        assert kmo(moved, missing=missing).overall == pytest.approx(
            kmo(df, missing=missing).overall, rel=1e-9
        )
        np.testing.assert_allclose(
            kmo(moved, missing=missing).per_item, kmo(df, missing=missing).per_item, rtol=1e-9
        )
        assert bartlett(moved, missing=missing).statistic == pytest.approx(
            bartlett(df, missing=missing).statistic, rel=1e-9
        )
        a = efa(df, n_factors=1, rotation=None, missing=missing)
        b = efa(moved, n_factors=1, rotation=None, missing=missing)
        np.testing.assert_allclose(b.loadings, a.loadings, rtol=1e-7)
        np.testing.assert_allclose(b.uniquenesses, a.uniquenesses, rtol=1e-7)
        pa = parallel_analysis(df, n_iter=50, missing=missing)
        pb = parallel_analysis(moved, n_iter=50, missing=missing)
        np.testing.assert_allclose(pb.table["observed_pc"], pa.table["observed_pc"], rtol=1e-9)

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    def test_small_scale_items_with_real_variation_are_not_constant(self, missing):
        # correlations are scale-free: rescaling items (1e-4, 1e-9, or beside an item in 元 with
        # variance ~1e6) must not turn a varying item into a "constant" one
        df = _with_gaps(_likert(n=300, k=5, reverse=()))
        ref = cronbach_alpha(df, missing=missing, standardized=True).alpha
        mixed = df.assign(q1=df["q1"] * 1e-4, q2=df["q2"] * 1e3)
        tiny = df * 1e-9
        for scaled in (mixed, tiny):
            res = cronbach_alpha(scaled, missing=missing, standardized=True)
            assert res.alpha == pytest.approx(ref, rel=1e-9)
            assert kmo(scaled, missing=missing).overall == pytest.approx(
                kmo(df, missing=missing).overall, rel=1e-9
            )
        assert cronbach_alpha(tiny, missing=missing).alpha == pytest.approx(
            cronbach_alpha(df, missing=missing).alpha, rel=1e-9
        )

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    @pytest.mark.parametrize(
        "level", [1e8, 1e8 + 0.1, 123456789.123, -3e12, 0.0], ids=["1e8", "1e8+0.1", "9dig", "-3e12", "0"]
    )  # fmt: skip
    def test_item_constant_at_any_magnitude_is_constant(self, missing, level):
        df = _with_gaps(_likert(n=120, k=4, reverse=()))
        df["q5"] = level
        with pytest.raises(ValueError, match="题项 q5 方差为 0"):
            cronbach_alpha(df, missing=missing)
        with pytest.raises(ValueError, match="题项 q5 方差为 0"):
            kmo(df, missing=missing)
        with pytest.raises(ValueError, match="题项 q5 方差为 0"):
            mcdonald_omega(df, missing=missing)

    def test_rounding_noise_at_1e8_is_constant(self):
        # one ulp of 1e8 is 1.5e-8: an item that differs only in its last bits is constant
        df = _likert(n=50, k=3, reverse=()).astype(float)
        df["q4"] = np.where(np.arange(50) % 2, np.nextafter(1e8, np.inf), 1e8)
        assert df["q4"].std() > 0
        for missing in ("listwise", "pairwise"):
            with pytest.raises(ValueError, match="题项 q4 方差为 0"):
                cronbach_alpha(df, missing=missing)

    @pytest.mark.parametrize("missing", ["listwise", "pairwise"])
    def test_bootstrap_drops_resamples_with_a_constant_item_at_any_scale(self, missing):
        # q3 differs in one answer only, so many resamples hold it constant. Its one-pass
        # resample variance is then rounding noise (~1e-18, not 0) unless its values are
        # dyadic: at 0.1 the standardised α of those resamples was computed from noise and kept
        # (948 dropped listwise, 2 pairwise, instead of 1009). Rescaling q3 changes no
        # correlation, so the interval and the number dropped must not move.
        base = pd.DataFrame(
            {"q1": [1, 2, 3, 4, 5, 2, 4, 3, 1], "q2": [2, 2, 3, 5, 4, 1, 4, 3, 2]}, dtype=float
        )
        pattern = np.array([1.0] * 8 + [1.5])
        kw = {"standardized": True, "ci_method": "bootstrap", "n_boot": 3000, "seed": 2}
        ref = cronbach_alpha(base.assign(q3=pattern), missing=missing, **kw)
        dropped = [t for t in ref.notes if "剔除" in t]
        assert dropped and "1009 次" in dropped[0]
        for v in (0.1, 0.3, 1 / 3, 2.7, 123.456):
            res = cronbach_alpha(base.assign(q3=v * pattern), missing=missing, **kw)
            assert res.ci == pytest.approx(ref.ci, rel=1e-9)
            assert [t for t in res.notes if "剔除" in t] == dropped

    def test_constant_within_a_pair_far_from_zero(self):
        # q3 varies overall but is constant among the respondents who answered q2
        df = pd.DataFrame(
            {
                "q1": [1.0, 2, 3, 4, 5, 1, 2, 3],
                "q2": [2.0, 3, 4, 5, np.nan, np.nan, np.nan, np.nan],
                "q3": [3.0, 3, 3, 3, 1, 5, 2, 4],
            }
        )
        for shift in (0.0, 1e8):
            with pytest.raises(ValueError, match="题项 q2 与 q3 的共同有效样本方差为 0"):
                cronbach_alpha(df + shift, missing="pairwise")
            with pytest.raises(ValueError, match="共同有效样本方差为 0"):
                kmo(df + shift, missing="pairwise")


# A one-factor population whose first item has λ² = r_ab·r_ac / r_bc = 0.64 / 0.5 = 1.28 > 1:
# no proper solution exists, so the fitted uniqueness of a sits at its bound (Heywood case).
HEYWOOD_R = np.array(
    [[1, 0.8, 0.8, 0.3], [0.8, 1, 0.5, 0.3], [0.8, 0.5, 1, 0.3], [0.3, 0.3, 0.3, 1]]
)


class TestHeywood:
    @pytest.mark.parametrize("method", ["minres", "ml"])
    def test_uniqueness_is_one_minus_communality_and_case_is_flagged(self, method):
        res = efa(_exact(HEYWOOD_R, 300, ["a", "b", "c", "d"]), 1, rotation=None, method=method)
        h2 = res.communalities.to_numpy()
        np.testing.assert_array_equal(res.uniquenesses.to_numpy(), 1 - h2)
        assert res.table["uniqueness"].tolist() == (1 - h2).tolist()
        assert res.heywood == ("a",)
        assert res.uniquenesses["a"] <= 0.005 + 1e-9
        assert sum("题项 a" in w and "Heywood" in w for w in res.warnings) == 1
        assert res.to_dict()["heywood"] == ["a"]
        assert any("Heywood" in line for line in res.summary().splitlines())

    def test_ultra_heywood_shows_a_negative_uniqueness(self):
        # minres reaches h² = 1.03 for item a: previously reported with uniqueness 0.005
        res = efa(_exact(HEYWOOD_R, 300, ["a", "b", "c", "d"]), 1, rotation=None)
        assert res.communalities["a"] > 1
        assert res.uniquenesses["a"] == pytest.approx(1 - res.communalities["a"], abs=0)
        assert res.uniquenesses["a"] < 0
        assert any("超 Heywood" in w and "为负" in w for w in res.warnings)

    def test_proper_solution_has_no_heywood_items(self, hs):
        for method in ("minres", "ml"):
            res = efa(hs, n_factors=3, method=method, items=HS9)
            assert res.heywood == ()
            np.testing.assert_array_equal(
                res.uniquenesses.to_numpy(), 1 - res.communalities.to_numpy()
            )
        # principal components have no uniquenesses to bound: never a Heywood case
        assert efa(hs, n_factors=9, method="principal", rotation=None, items=HS9).heywood == ()

    def test_omega_names_the_improper_loading(self):
        res = mcdonald_omega(_exact(HEYWOOD_R, 300, ["a", "b", "c", "d"]))
        assert any("题项 a" in w and "λ² = 1.030 > 1" in w for w in res.warnings)
