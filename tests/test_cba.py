"""Cost-benefit and least-cost analysis (methods.cba), tested against published numbers.

Sources named per test: Microsoft Excel function documentation (NPV, IRR, MIRR examples);
numpy-financial's documented examples (npv, irr); Adobe FormCalc and MESCIUS SPREAD NPV
examples; HM Treasury Green Book (Annex A6 discount schedule; 2003 Box 15 sensitivity example);
Supplementary Green Book Guidance: Optimism Bias (Mott MacDonald 2002 table and the combined-project
worked example); Lorie & Savage (1955) pump problem; Brealey, Myers & Allen, Principles of Corporate
Finance (equivalent annual cost of machines A and B; real vs nominal rates); R package dampack
(calculate_icers tests: the VA HERC example; vignette: Paltiel et al. 2006 HIV screening);
standard present-value annuity tables; 《建设项目经济评价方法与参数》（第三版） (8% default,
payback formula); EU 2014 CBA guide (critical-variable rule).
"""

import doctest
import json
import math

import numpy as np
import pandas as pd
import pytest

from methods import cba
from methods._resources import load_yaml
from methods.errors import CaseError

# ---------------------------------------------------------------------------------------------
# Discounting


class TestDiscountSchedules:
    def test_default_is_china_2006_eight_percent(self):
        # 《建设项目经济评价方法与参数》（第三版）2006: social discount rate 8%
        assert cba.discount_schedule().name == "china_2006"
        assert cba.discount_factors(1) == pytest.approx(1 / 1.08, rel=1e-15)
        assert cba.npv([0, 108]) == pytest.approx(100)

    def test_green_book_year_30_and_piecewise_compounding(self):
        # Green Book Annex A6: 3.5% for years 0-30, then 3.0% compounded from DF(30)
        df30 = cba.discount_factors(30, schedule="green_book")
        assert df30 == pytest.approx(1 / 1.035**30, rel=1e-13)
        assert round(df30, 4) == 0.3563
        df31 = cba.discount_factors(31, schedule="green_book")
        assert df31 == pytest.approx(df30 / 1.03, rel=1e-13)
        assert round(df31, 4) == 0.3459
        # never the long-run rate from year 0
        assert df31 != pytest.approx(1 / 1.03**31, rel=1e-3)

    def test_green_book_all_bands(self):
        f = cba.discount_factors([75, 76, 125, 126, 200, 201, 300, 301, 302], schedule="green_book")
        d75 = 1.035**-30 * 1.03**-45
        d125 = d75 * 1.025**-50
        d200 = d125 * 1.02**-75
        d300 = d200 * 1.015**-100
        expected = [
            d75,
            d75 / 1.025,
            d125,
            d125 / 1.02,
            d200,
            d200 / 1.015,
            d300,
            d300 / 1.01,
            d300 / 1.01**2,
        ]
        np.testing.assert_allclose(f.to_numpy(), expected, rtol=1e-12)

    def test_green_book_health(self):
        # Green Book health/life values: 1.5%, then 1.5 × 3.0/3.5 = 1.2857% from year 31
        d30 = cba.discount_factors(30, schedule="green_book_health")
        assert d30 == pytest.approx(1.015**-30, rel=1e-13)
        d31 = cba.discount_factors(31, schedule="green_book_health")
        assert d31 == pytest.approx(d30 / (1 + 0.015 * 3.0 / 3.5), rel=1e-10)
        # the table as printed (2 dp) differs only by rounding
        printed = cba.discount_factors(31, schedule="green_book_health_table")
        assert printed == pytest.approx(d30 / 1.0129, rel=1e-12)
        assert printed != d31

    @pytest.mark.parametrize(
        "name, rate",
        [
            ("china_2006", 0.08),
            ("china_2006_floor", 0.06),
            ("eu_2014_cohesion", 0.05),
            ("eu_2014_other", 0.03),
            ("eu_2014_financial", 0.04),
            ("omb_a94_1992", 0.07),
        ],
    )
    def test_flat_presets_equal_their_rate(self, name, rate):
        years = [0, 1, 2.5, 10, 40]
        np.testing.assert_allclose(
            cba.discount_factors(years, schedule=name), cba.discount_factors(years, rate=rate)
        )
        assert cba.discount_schedule(name).flat

    def test_presets_are_cited_data(self):
        data = load_yaml("discount_schedules.yaml")
        assert data["default"] == "china_2006"
        for name, p in data["schedules"].items():
            assert p["source"] and p["vintage"] and p["checked"], name
            assert p["status"] in {"reg", "local", "practice", "unverified", "foreign"}, name
            if "bands" in p:  # contiguous bands, open-ended last
                bands = p["bands"]
                assert bands[0]["from"] == 0 and bands[-1]["to"] is None
                for prev, nxt in zip(bands, bands[1:], strict=False):
                    assert nxt["from"] == prev["to"] + 1
        table = cba.discount_schedules()
        assert table.loc[table["default"], "name"].tolist() == ["china_2006"]
        assert {"name", "rates", "vintage", "status", "source"} <= set(table.columns)

    def test_non_integer_and_negative_years(self):
        assert cba.discount_factors(0.5, rate=0.08) == pytest.approx(1.08**-0.5)
        d = cba.discount_factors(30.5, schedule="green_book")
        assert d == pytest.approx(1.035**-30 / 1.03**0.5, rel=1e-12)
        assert cba.discount_factors(-1, schedule="green_book") == pytest.approx(1.035)

    def test_rate_per_period(self):
        f = cba.discount_factors([0, 1, 2, 3], rate=[0.1, 0.2, 0.3])
        np.testing.assert_allclose(f, [1, 1 / 1.1, 1 / 1.32, 1 / (1.1 * 1.2 * 1.3)])
        # a constant sequence equals the flat rate
        np.testing.assert_allclose(
            cba.discount_factors([0, 1.5, 4], rate=[0.05] * 4),
            cba.discount_factors([0, 1.5, 4], rate=0.05),
        )
        with pytest.raises(ValueError, match="只覆盖到第 3 期"):
            cba.discount_factors([0, 4], rate=[0.1, 0.2, 0.3])

    def test_series_labels(self):
        f = cba.discount_factors([0, 1, 2], rate=0.1)
        assert f.name == "discount_factor" and f.index.tolist() == [0, 1, 2]
        s = pd.Series([1.0, 2.0], index=["a", "b"])
        assert cba.discount_factors(s, rate=0.1).index.tolist() == ["a", "b"]

    @pytest.mark.parametrize(
        "rate, years, table_value",
        [(0.10, 5, 3.7908), (0.08, 10, 6.7101), (0.05, 20, 12.4622), (0.06, 3, 2.6730)],
    )
    def test_annuity_factor_standard_tables(self, rate, years, table_value):
        # present value of an annuity of 1 (standard interest tables, 4 dp)
        assert round(cba.annuity_factor(years, rate), 4) == table_value
        # a schedule gives Σ DF(1..n)
        assert cba.annuity_factor(years, rate=[rate] * years) == pytest.approx(
            cba.annuity_factor(years, rate)
        )

    def test_annuity_factor_zero_rate_and_bad_years(self):
        assert cba.annuity_factor(7, 0.0) == 7
        with pytest.raises(ValueError, match="years 必须是正整数，实际为 2.5"):
            cba.annuity_factor(2.5, 0.1)


# ---------------------------------------------------------------------------------------------
# NPV


class TestNPV:
    def test_numpy_financial_doc_example(self):
        # numpy-financial npv docstring: 8%, [-40000, 5000, 8000, 12000, 30000] → 3065.22267
        assert round(cba.npv([-40_000, 5_000, 8_000, 12_000, 30_000], rate=0.08), 5) == 3065.22267

    def test_excel_convention_t0_1(self):
        # Excel NPV documentation, example 1: 10%, -10000, 3000, 4200, 6800 → 1,188.44
        assert round(cba.npv([-10_000, 3_000, 4_200, 6_800], rate=0.10, t0=1), 2) == 1188.44
        # Excel NPV example 2: 8%; NPV(8000…14500) + (-40000) → 1,922.06; with -9000 in year 6 → -3,749.47
        flows = [8_000, 9_200, 10_000, 12_000, 14_500]
        assert round(cba.npv(flows, rate=0.08, t0=1) - 40_000, 2) == 1922.06
        assert round(cba.npv([*flows, -9_000], rate=0.08, t0=1) - 40_000, 2) == -3749.47

    def test_other_spreadsheet_examples(self):
        # Adobe FormCalc reference: NPV(0.10, 500, 1500, 4000, 10000) = 11529.60863329007
        assert cba.npv([500, 1500, 4000, 10000], rate=0.10, t0=1) == pytest.approx(
            11529.60863329007, rel=1e-14
        )
        # FormCalc: NPV(0.065, 5000) = 4694.83568075117
        assert cba.npv([5000], rate=0.065, t0=1) == pytest.approx(4694.83568075117, rel=1e-14)
        # MESCIUS SPREAD: NPV(6.5%, -10000, 3000, 3400, 7700) = $2,055.38
        assert round(cba.npv([-10_000, 3_000, 3_400, 7_700], rate=0.065, t0=1), 2) == 2055.38

    def test_green_book_box_15(self):
        # Green Book (2003) Box 15: IT system £1m, savings £150,000/yr for 10 years at 3.5%
        # → NPV ≈ £247,000; with savings of £100,000 → ≈ −£168,000
        assert round(cba.npv([-1e6] + [150_000] * 10, rate=0.035), -3) == 247_000
        assert round(cba.npv([-1e6] + [100_000] * 10, rate=0.035), -3) == -168_000

    def test_t0_shift_and_explicit_years(self):
        f = [-100, 30, 40, 50]
        assert cba.npv(f, rate=0.1, t0=1) == pytest.approx(cba.npv(f, rate=0.1) / 1.1)
        mid = cba.npv(f, rate=0.1, years=[0.5, 1.5, 2.5, 3.5])
        assert mid == pytest.approx(cba.npv(f, rate=0.1) / 1.1**0.5)

    def test_linear_in_flows(self):
        rng = np.random.default_rng(3)
        a, b = rng.normal(size=(2, 25))
        for kw in (
            {"rate": 0.07},
            {"schedule": "green_book"},
            {"rate": list(rng.uniform(0, 0.1, 30))},
        ):
            lhs = cba.npv(2.5 * a - 3 * b, **kw)
            assert lhs == pytest.approx(2.5 * cba.npv(a, **kw) - 3 * cba.npv(b, **kw), rel=1e-12)

    def test_two_dimensional_and_labels(self):
        rng = np.random.default_rng(4)
        flows = rng.normal(size=(6, 12))
        out = cba.npv(flows, rate=0.05)
        assert isinstance(out, np.ndarray) and out.shape == (6,)
        np.testing.assert_allclose(out, [cba.npv(r, rate=0.05) for r in flows])
        df = pd.DataFrame(flows, index=[f"方案{i}" for i in range(6)])
        s = cba.npv(df, rate=0.05)
        assert isinstance(s, pd.Series) and s.index.tolist() == df.index.tolist()
        assert isinstance(cba.npv(pd.Series([-1.0, 2.0]), rate=0.1), float)


# ---------------------------------------------------------------------------------------------
# IRR and MIRR


class TestIRR:
    def test_excel_doc_examples(self):
        # Excel IRR documentation: -70,000 then 12,000 … 26,000
        five = cba.irr([-70_000, 12_000, 15_000, 18_000, 21_000, 26_000])
        assert round(five.value, 4) == 0.0866  # 8.7% (8.66%)
        assert five.unique and five.conventional and five.n_sign_changes == 1
        assert round(cba.irr([-70_000, 12_000, 15_000, 18_000, 21_000]).value, 3) == -0.021
        assert round(cba.irr([-70_000, 12_000, 15_000]).value, 3) == -0.444
        assert "8.66%" in five.summary()

    def test_numpy_financial_doc_examples(self):
        # numpy-financial irr docstring
        assert round(cba.irr([-100, 39, 59, 55, 20]).value, 5) == 0.28095
        assert round(cba.irr([-100, 0, 0, 74]).value, 5) == -0.0955
        assert round(cba.irr([-100, 100, 0, 7]).value, 5) == 0.06206
        # non-conventional: numpy-financial returns the root closest to zero; we report all roots
        r = cba.irr([-100, 100, 0, -7])
        assert r.n_roots == 2 and not r.unique and math.isnan(r.value)
        assert round(r.roots[1], 4) == -0.0833
        r = cba.irr([-5, 10.5, 1, -8, 1])
        assert r.n_roots == 3 and 0.0886 in np.round(r.roots, 4)

    def test_lorie_savage_pump_problem(self):
        # Lorie & Savage (1955): incremental flows -1,600, +10,000, -10,000 → IRRs 25% and 400%
        r = cba.irr([-1600, 10_000, -10_000])
        np.testing.assert_allclose(r.roots, [0.25, 4.0], rtol=1e-12)
        assert math.isnan(r.value) and not r.unique and r.n_sign_changes == 2 and r.multiple
        text = r.summary()
        assert "25%" in text and "400%" in text and "不唯一" in text
        d = r.to_dict()
        assert d["irr"] is None and d["roots"] == pytest.approx([0.25, 4.0])
        json.dumps(d, allow_nan=False)

    def test_no_root_and_degenerate(self):
        for flows in ([1, 1], [0, 0, 0], [-1, -2], [5]):
            r = cba.irr(flows)
            assert r.n_roots == 0 and math.isnan(r.value) and not r.unique
        assert "无实根" in cba.irr([1, 1]).summary()
        # two sign changes, no real root: NPV = 100 - 150x + 100x² > 0 for all x
        r = cba.irr([100, -150, 100])
        assert r.n_sign_changes == 2 and r.n_roots == 0

    def test_leading_and_trailing_zeros(self):
        assert cba.irr([0, 0, -100, 110, 0, 0]).value == pytest.approx(0.10, rel=1e-12)

    def test_each_root_zeroes_npv(self):
        rng = np.random.default_rng(11)
        flows = rng.normal(size=(300, 12)) * rng.uniform(1, 1e4, (300, 1))
        res = cba.irr(flows)
        roots = res.roots
        found = 0
        for row, rr in zip(flows, roots, strict=True):
            for r in rr[np.isfinite(rr)]:
                scale = np.abs(row) @ (1 + r) ** -np.arange(12.0)
                assert abs(cba.npv(row, rate=r)) <= 1e-8 * scale
                found += 1
        assert found > 100

    def test_roots_match_polynomial_roots(self):
        """All real roots in (−1, ∞) agree with numpy.roots on the same polynomial."""
        rng = np.random.default_rng(5)
        flows = np.round(rng.normal(size=(200, 8)) * 100)
        res = cba.irr(flows)
        for row, rr, k in zip(flows, res.roots, res.n_roots, strict=True):
            z = np.roots(row[::-1]) if np.any(row) else np.array([])
            x = np.sort(z[(np.abs(z.imag) < 1e-9) & (z.real > 0)].real)
            ref = np.unique(np.round(np.sort(1 / x - 1), 9))
            assert k == ref.size
            np.testing.assert_allclose(np.sort(rr[np.isfinite(rr)]), ref, rtol=1e-7, atol=1e-9)

    def test_vectorised_equals_per_row(self):
        rng = np.random.default_rng(7)
        conv = np.hstack([-rng.uniform(50, 150, (40, 1)), rng.uniform(5, 40, (40, 14))])
        odd = conv[:10].copy()
        odd[:, 8] = -300  # mid-life overhaul: several sign changes
        flows = np.vstack([conv, odd, np.zeros((1, 15)), np.ones((1, 15))])
        res = cba.irr(flows)
        assert res.value.shape == (52,) and res.roots.shape[0] == 52
        for i, row in enumerate(flows):
            one = cba.irr(row)
            assert one.n_roots == res.n_roots[i]
            assert one.n_sign_changes == res.n_sign_changes[i]
            np.testing.assert_allclose(one.roots, res.roots[i, : one.n_roots], rtol=1e-12)
            if one.unique:
                assert one.value == pytest.approx(res.value[i], rel=1e-12)
            else:
                assert math.isnan(res.value[i])
        frame = res.to_frame()
        assert list(frame.columns) == ["irr", "n_roots", "unique", "n_sign_changes", "roots"]

    def test_dataframe_input_is_labelled(self):
        df = pd.DataFrame([[-100, 60, 60], [-1600, 10_000, -10_000]], index=["甲", "乙"])
        res = cba.irr(df)
        assert res.value.index.tolist() == ["甲", "乙"]
        assert list(res.roots.columns) == ["root_1", "root_2"]
        assert res.unique.tolist() == [True, False]
        assert "唯一 IRR 1 条" in res.summary()
        json.dumps(res.to_dict(), allow_nan=False, ensure_ascii=False)

    def test_irr_is_npv_zero_rate(self):
        flows = [-1000, 300, 350, 400, 150]
        r = cba.irr(flows).value
        assert cba.npv(flows, rate=r) == pytest.approx(0, abs=1e-9)

    # Repeated roots (issue 13, item 8). With x = 1/(1 + r), (11x − 10)^m has an m-fold root at
    # x = 10/11, i.e. r = 10%: flows −100, 220, −121 are NPV(r) = −(10 − 11/(1 + r))², which
    # touches zero at 10% without crossing it.
    MULTIPLE = {
        "double": ([-100, 220, -121], [0.10]),
        "triple": ([-1000, 3300, -3630, 1331], [0.10]),
        "quadruple": ([10000, -44000, 72600, -53240, 14641], [0.10]),
        "quintuple": ([-100_000, 550_000, -1_210_000, 1_331_000, -732_050, 161_051], [0.10]),
        "sextuple": (
            [1_000_000, -6_600_000, 18_150_000, -26_620_000, 21_961_500, -9_663_060, 1_771_561],
            [0.10],
        ),
        # 1, −4, 6, −4, 1 is NPV(r) = (1 − 1/(1 + r))⁴ = (r/(1 + r))⁴: a 4-fold root at r = 0,
        # lost before; −1, 3, −3, 1 is −(r/(1 + r))³, a triple root at 0
        "quadruple at 0": ([1, -4, 6, -4, 1], [0.0]),
        "triple at 0": ([-1, 3, -3, 1], [0.0]),
        # (1 − 1.1x)⁴(1 − 1.5x) in decimal flows: the 4-fold root at 10% was lost before
        "quadruple and 50%": ([1, -5.9, 13.86, -16.214, 9.4501, -2.19615], [0.10, 0.50]),
        # (11x − 10)²(3 − 2x): double root at 10%, simple root at x = 1.5 (r = −1/3)
        "double and -1/3": ([300, -860, 803, -242], [-1 / 3, 0.10]),
        # (11x − 10)²(3x − 2)²: double roots at 10% and at x = 2/3 (r = 50%)
        "two doubles": ([400, -2080, 4024, -3432, 1089], [0.10, 0.50]),
    }

    @pytest.mark.parametrize("name", list(MULTIPLE))
    def test_repeated_root_is_reported_once_at_its_value(self, name):
        flows, expected = self.MULTIPLE[name]
        flows = np.asarray(flows, dtype=float)
        res = cba.irr(flows)
        assert res.n_roots == len(expected)
        np.testing.assert_allclose(res.roots, expected, rtol=0, atol=1e-9)
        for r in res.roots:  # verified: NPV ≈ 0 relative to the flows' scale at that rate
            scale = np.abs(flows) @ (1 + r) ** -np.arange(flows.size)
            assert abs(cba.npv(flows, rate=r)) <= 1e-12 * scale
        if len(expected) == 1:
            assert res.unique and res.value == pytest.approx(expected[0], abs=1e-9)
        else:
            assert res.multiple and math.isnan(res.value)

    def test_close_but_distinct_roots_stay_apart(self):
        # (11x − 10)(110001x − 100000): 10% and 10.001%; NPV dips 2e-11 of the flows' scale
        # between them, far above rounding, so two roots (no unique IRR)
        res = cba.irr(np.convolve([-10, 11], [-100_000, 110_001]))
        np.testing.assert_allclose(res.roots, [0.10, 0.10001], rtol=1e-9)
        assert res.n_roots == 2 and res.multiple
        # a double root at 10% beside a simple root at 10.1%
        res = cba.irr(np.convolve([100, -220, 121], [-1000, 1101]))
        np.testing.assert_allclose(res.roots, [0.10, 0.101], rtol=0, atol=1e-8)
        assert res.n_roots == 2
        # the pump problem keeps its two roots
        assert cba.irr([-1600, 10_000, -10_000]).n_roots == 2

    def test_near_tangent_without_a_root_reports_none(self):
        # −(121.00000001x² − 220x + 100) < 0 everywhere: NPV comes within ~3e-11 of the flows'
        # scale of zero near 10% but never reaches it; no root is invented
        for c in (-121.0001, -121.00000001):
            res = cba.irr([-100, 220, c])
            assert res.n_roots == 0 and res.n_sign_changes == 2

    def test_repeated_roots_vectorised_equal_per_row(self):
        rows = [np.asarray(f, dtype=float) for f, _ in list(self.MULTIPLE.values())[:4]]
        width = max(r.size for r in rows)
        F = np.vstack([np.pad(r, (0, width - r.size)) for r in rows])
        res = cba.irr(F)
        assert res.n_roots.tolist() == [1, 1, 1, 1]
        np.testing.assert_allclose(res.value, 0.10, atol=1e-9)


class TestMIRR:
    def test_excel_doc_example(self):
        # Excel MIRR documentation: -120,000, 39,000, 30,000, 21,000, 37,000, 46,000;
        # finance 10%, reinvest 12% → 12.61%; three years → -4.80%; reinvest 14% → 13.48%
        flows = [-120_000, 39_000, 30_000, 21_000, 37_000, 46_000]
        assert round(cba.mirr(flows, 0.10, 0.12), 4) == 0.1261
        assert round(cba.mirr(flows[:4], 0.10, 0.12), 4) == -0.0480
        assert round(cba.mirr(flows, 0.10, 0.14), 4) == 0.1348

    def test_nan_without_both_signs_and_vectorised(self):
        assert math.isnan(cba.mirr([100, 200], 0.1, 0.1))
        flows = np.array([[-120_000, 39_000, 30_000, 21_000], [-10, 5, 5, 5]])
        out = cba.mirr(flows, 0.1, 0.12)
        np.testing.assert_allclose(out, [cba.mirr(r, 0.1, 0.12) for r in flows])


# ---------------------------------------------------------------------------------------------
# B/C, payback, EAC, appraisal


class TestRatiosPaybackEAC:
    def test_bcr_matches_npv_sign(self):
        b, c = [0, 60, 60], [100, 0, 0]
        bcr = cba.benefit_cost_ratio(b, c, rate=0.10)
        assert bcr == pytest.approx((60 / 1.1 + 60 / 1.21) / 100)
        assert (bcr > 1) == (cba.npv(np.subtract(b, c), rate=0.10) > 0)
        assert cba.benefit_cost_ratio(b, c, rate=0.25) < 1

    def test_bcr_errors(self):
        with pytest.raises(ValueError, match="benefits 与 costs 长度不一致（3 与 2）"):
            cba.benefit_cost_ratio([1, 2, 3], [1, 2], rate=0.1)
        with pytest.raises(ValueError, match="costs 的现值必须为正数"):
            cba.benefit_cost_ratio([1, 2], [-1, 0], rate=0.1)

    def test_payback_static_formula(self):
        # 《方法与参数》: Pt = (T − 1) + |Σ_{t<T} (CI − CO)| / (CI − CO)_T
        assert cba.payback_period([-1000, 300, 400, 500]) == pytest.approx(2.6)
        # years numbered from 1 with year-end flows (t0 = 1): T = 3 → 2 + 50/60
        assert cba.payback_period([-100, 50, 60], t0=1) == pytest.approx(2 + 50 / 60)
        assert math.isnan(cba.payback_period([-100, 10, 10]))
        assert cba.payback_period([10, 10]) == 0

    def test_discounted_payback(self):
        # paid back in simple terms (2.6 years) but never at 10%
        assert math.isnan(cba.payback_period([-1000, 300, 400, 500], rate=0.1))
        flows = [-1000, 300, 400, 600]
        disc = np.array(flows) / 1.1 ** np.arange(4)
        cum = np.cumsum(disc)
        expected = 2 + -cum[2] / disc[3]
        assert cba.payback_period(flows, rate=0.1) == pytest.approx(expected)
        assert cba.payback_period(flows, rate=0.1) > cba.payback_period(flows)

    def test_payback_first_vs_last_crossing(self):
        flows = [-100, 150, -100, 80]
        assert cba.payback_period(flows) == pytest.approx(100 / 150)
        assert cba.payback_period(flows, crossing="last") == pytest.approx(2 + 50 / 80)
        out = cba.payback_period(np.array([flows, [-1, 2, 0, 0]]))
        np.testing.assert_allclose(out, [100 / 150, 0.5])

    def test_eac_brealey_myers_machines(self):
        # Brealey, Myers & Allen: machine A 15, 5, 5, 5; machine B 10, 6, 6; r = 6%
        # PV A 28.37, EAC 10.61; PV B 21.00, EAC 11.45
        assert round(cba.npv([15, 5, 5, 5], rate=0.06), 2) == 28.37
        assert round(cba.equivalent_annual_cost([15, 5, 5, 5], rate=0.06), 2) == 10.61
        assert round(cba.npv([10, 6, 6], rate=0.06), 2) == 21.00
        assert round(cba.equivalent_annual_cost([10, 6, 6], rate=0.06), 2) == 11.45
        # from a PV: capital recovery factor 10%, 5 years = 0.26380 (standard tables)
        assert round(cba.equivalent_annual_cost(1000, 0.10, 5), 2) == 263.80
        with pytest.raises(ValueError, match="必须给出 years"):
            cba.equivalent_annual_cost(1000, 0.1)

    def test_appraise(self):
        a = cba.appraise(benefits=[0, 60, 60], costs=[100, 0, 0], rate=0.10, unit="万元")
        assert a.npv == pytest.approx(60 / 1.1 + 60 / 1.21 - 100)
        assert a.bcr == pytest.approx(a.pv_benefits / a.pv_costs)
        assert a.irr.value == pytest.approx(cba.irr([-100, 60, 60]).value)
        assert a.payback == pytest.approx(1 + 40 / 60)
        assert list(a.table.columns) == [
            "t",
            "benefits",
            "costs",
            "net",
            "discount_factor",
            "pv_net",
            "cumulative_net",
            "cumulative_pv",
        ]
        text = a.summary()
        assert "净现值" in text and "万元" in text and "固定折现率 10%" in text
        d = a.to_dict()
        json.dumps(d, allow_nan=False, ensure_ascii=False)
        default = cba.appraise([-100, 60, 60])
        assert default.discounting.name == "china_2006" and math.isnan(default.bcr)


# ---------------------------------------------------------------------------------------------
# Alternatives


class TestCostEffectiveness:
    def test_herc_example_from_dampack(self):
        # dampack tests (example from herc.research.va.gov): frontier UC → B → D → E,
        # ICERs 5,000 / 12,500 / 20,000; C extendedly dominated; A strictly dominated
        alt = pd.DataFrame(
            {
                "name": ["E", "D", "C", "B", "A", "UC"],
                "cost": [55000, 35000, 25000, 10000, 12000, 5000],
                "effect": [5, 4, 3, 2, 1.5, 1],
            }
        )
        ce = cba.cost_effectiveness(alt)
        t = ce.table.set_index("name")
        assert ce.frontier == ("UC", "B", "D", "E")
        assert t.loc[["B", "D", "E"], "icer"].tolist() == [5000, 12500, 20000]
        assert t.loc["C", "status"] == "ED" and t.loc["A", "status"] == "D"
        assert t.loc[["UC", "B", "D", "E"], "status"].eq("ND").all()
        assert t.loc["B", "inc_cost"] == 5000 and t.loc["D", "inc_effect"] == 2
        assert math.isnan(t.loc["UC", "icer"]) and math.isnan(t.loc["C", "icer"])
        assert t.loc["A", "dominated_by"] in {"UC", "B"}
        assert t.loc["C", "cost_per_effect"] == pytest.approx(25000 / 3)
        assert "扩展劣势" in ce.summary()
        json.dumps(ce.to_dict(), allow_nan=False, ensure_ascii=False)

    def test_paltiel_hiv_screening_vignette(self):
        # dampack vignette, Paltiel et al. (2006) Table 4: annual screening strongly dominated
        costs = [26000, 27000, 28020, 28440, 29440]
        qalys = np.array([277.25, 277.57, 277.78, 277.83, 277.76]) / 12
        alt = pd.DataFrame(
            {"cost": costs, "effect": qalys},
            index=["status quo", "one time", "5yr", "3yr", "annual"],
        )
        t = cba.cost_effectiveness(alt).table.set_index("name")
        assert t["status"].tolist() == ["ND", "ND", "ND", "ND", "D"]
        np.testing.assert_allclose(
            t.loc[["one time", "5yr", "3yr"], "icer"], [37500, 1020 / (0.21 / 12), 100800]
        )

    def test_ties(self):
        # dampack test: "Test & treat" is cheaper and as effective as "Treat all"
        alt = pd.DataFrame(
            {
                "cost": [163771.0, 164848.7, 163765.1],
                "effect": [6.48273, 6.52861, 6.52861],
            },
            index=["No Treat", "Treat all", "Test & treat"],
        )
        ce = cba.cost_effectiveness(alt)
        assert ce.frontier == ("Test & treat",)
        dup = cba.cost_effectiveness(
            pd.DataFrame({"cost": [1, 1], "effect": [2, 2]}, index=["a", "b"])
        )
        assert dup.table["status"].tolist() == ["ND", "D"]

    def test_missing_column(self):
        with pytest.raises(ValueError, match="alternatives 缺少列 'effect'"):
            cba.cost_effectiveness(pd.DataFrame({"cost": [1.0]}))


class TestLeastCost:
    def test_unequal_lives_use_eac(self):
        # Brealey, Myers & Allen machines: B has the lower PV (21.00 < 28.37) but A the lower EAC
        lc = cba.least_cost({"A": [15, 5, 5, 5], "B": [10, 6, 6]}, rate=0.06)
        assert lc.basis == "eac" and lc.cheapest == "A"
        t = lc.table.set_index("name")
        assert round(t.loc["A", "eac"], 2) == 10.61 and round(t.loc["B", "eac"], 2) == 11.45
        assert t.loc["B", "difference"] == pytest.approx(t.loc["B", "eac"] - t.loc["A", "eac"])
        assert t["rank"].tolist() == [1, 2]
        assert lc.notes and "等额年成本" in lc.summary()
        pv = cba.least_cost({"A": [15, 5, 5, 5], "B": [10, 6, 6]}, rate=0.06, basis="pv")
        assert pv.cheapest == "B" and any("短寿命" in n for n in pv.notes)

    def test_equal_lives_use_pv_and_default_rate(self):
        lc = cba.least_cost(pd.DataFrame([[100, 10, 10], [80, 25, 25]], index=["甲", "乙"]))
        assert lc.basis == "pv" and lc.discounting.name == "china_2006"
        assert lc.cheapest == "甲"
        assert lc.table["pv_cost"].iloc[0] == pytest.approx(100 + 10 / 1.08 + 10 / 1.08**2)

    def test_effects_must_be_equal(self):
        with pytest.raises(ValueError, match="最低成本法不适用"):
            cba.least_cost({"a": [1, 1], "b": [2]}, rate=0.1, effects={"a": 1, "b": 2})


# ---------------------------------------------------------------------------------------------
# Sensitivity


def linear_model(v):
    return v["benefit"] * 10 - v["cost"]


def green_book_model(v):
    """Green Book Box 15: £1m now, savings for 10 years at 3.5%."""
    return v["savings"] * cba.annuity_factor(10, 0.035) - v["cost"]


GB_BASE = {"savings": 150_000.0, "cost": 1_000_000.0}


class TestSensitivity:
    def test_elasticities_linear_model(self):
        e = cba.elasticities(linear_model, {"benefit": 20.0, "cost": 100.0})
        t = e.table.set_index("variable")
        assert t.loc["benefit", "elasticity"] == pytest.approx(2.0)
        assert t.loc["cost", "elasticity"] == pytest.approx(-1.0)
        assert t.loc["benefit", "pct_change_high"] == pytest.approx(0.02)
        assert e.base_npv == 100 and e.evaluation == "vectorised"

    def test_critical_variables_eu_rule(self):
        # EU 2014 CBA guide: critical if a ±1% change moves NPV by more than 1%
        c = cba.critical_variables(linear_model, {"benefit": 20.0, "cost": 100.0})
        assert c.critical == ["benefit"]
        assert c.settings["delta"] == 0.01 and c.settings["threshold"] == 0.01
        assert "EU" in c.settings["source"] or "European" in c.settings["source"]
        # elasticity exactly 1 is not "more than 1%"
        assert not c.table.set_index("variable").loc["cost", "critical"]
        assert "关键变量：benefit" in c.summary()

    def test_green_book_box_15_switching_value(self):
        # savings at which NPV = 0: £1m / AF(3.5%, 10) ≈ £120,241 (−19.8%)
        sv = cba.switching_values(green_book_model, GB_BASE)
        t = sv.table.set_index("variable")
        assert t.loc["savings", "switching_value"] == pytest.approx(
            1e6 / cba.annuity_factor(10, 0.035), rel=1e-10
        )
        assert round(t.loc["savings", "pct_change"], 3) == -0.198
        assert t.loc["cost", "switching_value"] == pytest.approx(1_247_490.8, rel=1e-6)
        sc = cba.scenarios(green_book_model, GB_BASE, {"只替代 10 人": {"savings": 100_000}})
        assert round(sc.table.set_index("scenario").loc["只替代 10 人", "npv"], -3) == -168_000

    def test_switching_value_of_rate_is_irr(self):
        flows = np.array([-1000, 300, 350, 400, 150])

        def model(v):
            r = np.asarray(v["rate"], dtype=float)
            return (flows * (1 + r[..., None]) ** -np.arange(5)).sum(axis=-1)

        sv = cba.switching_values(model, {"rate": 0.05})
        assert sv.table["switching_value"].iloc[0] == pytest.approx(cba.irr(flows).value, rel=1e-9)

    def test_switching_value_reasons(self):
        def model(v):
            return 100 + 0 * v["x"] + np.asarray(v["y"]) ** 2

        sv = cba.switching_values(model, {"x": 1.0, "y": 1.0, "z": 0.0})
        t = sv.table.set_index("variable")
        assert (
            math.isnan(t.loc["x", "switching_value"]) and "不随该变量变化" in t.loc["x", "reason"]
        )
        assert "不变号" in t.loc["y", "reason"]
        assert "基准值为 0" in t.loc["z", "reason"]
        assert "无临界值" in sv.summary()

    def test_scenarios_relative_and_absolute(self):
        sc = cba.scenarios(
            linear_model,
            {"benefit": 20.0, "cost": 100.0},
            {"悲观": {"benefit": "-20%", "cost": "+10%"}, "乐观": {"benefit": 25}},
        )
        t = sc.table.set_index("scenario")
        assert t.index.tolist() == ["基准", "悲观", "乐观"]
        assert t.loc["悲观", "npv"] == pytest.approx(50)
        assert t.loc["乐观", "npv"] == pytest.approx(150)
        assert t.loc["悲观", "cost"] == pytest.approx(110)
        with pytest.raises(ValueError, match="含未知变量 'foo'"):
            cba.scenarios(linear_model, {"benefit": 1.0, "cost": 1.0}, {"s": {"foo": 1}})
        with pytest.raises(ValueError, match="'\\+10%' 形式"):
            cba.scenarios(linear_model, {"benefit": 1.0, "cost": 1.0}, {"s": {"cost": "ten"}})

    def test_vectorised_call_and_loop_fallback(self):
        calls = []

        def vec(v):
            calls.append(np.shape(v["benefit"]))
            return linear_model(v)

        cba.elasticities(vec, {"benefit": 20.0, "cost": 100.0})
        assert calls == [(5,)]  # base + 2 variables × ±δ in one call

        def scalar_only(v):
            return max(0.0, v["benefit"] * 10 - v["cost"])  # fails on arrays

        e = cba.elasticities(scalar_only, {"benefit": 20.0, "cost": 100.0})
        assert e.evaluation == "loop"
        assert e.table["elasticity"].tolist() == pytest.approx([2.0, -1.0])
        with pytest.raises(ValueError):
            cba.elasticities(scalar_only, {"benefit": 20.0, "cost": 100.0}, vectorized=True)

    def test_one_way_and_tornado(self):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        ow = cba.one_way(linear_model, {"benefit": 20.0, "cost": 100.0}, ranges={"cost": (90, 130)})
        t = ow.table.set_index("variable")
        assert t.loc["cost", "npv_high"] == pytest.approx(70)
        assert ow.table["variable"].tolist()[0] == "benefit"  # largest swing first
        ax = cba.tornado(ow, title="敏感性分析")
        assert ax.get_title() == "敏感性分析"
        assert [tick.get_text() for tick in ax.get_yticklabels()] == ["cost", "benefit"]
        ax2 = cba.tornado(cba.elasticities(linear_model, {"benefit": 20.0, "cost": 100.0}).table)
        assert ax2 is not None
        plt.close("all")

    def test_results_are_json_ready(self):
        for res in (
            cba.critical_variables(linear_model, {"benefit": 20.0, "cost": 100.0}),
            cba.switching_values(linear_model, {"benefit": 20.0, "cost": 100.0}),
        ):
            json.dumps(res.to_dict(), allow_nan=False, ensure_ascii=False)

    def test_bad_base(self):
        with pytest.raises(ValueError, match="base\\['cost'\\] 必须是数值"):
            cba.elasticities(linear_model, {"benefit": 1.0, "cost": "x"})
        with pytest.raises(ValueError, match="variables 含 base 中没有的变量：foo"):
            cba.elasticities(linear_model, {"benefit": 1.0, "cost": 1.0}, ["foo"])


# ---------------------------------------------------------------------------------------------
# Monte Carlo


class TestMonteCarlo:
    def test_same_seed_same_numbers(self):
        dists = {
            "benefit": {"dist": "pert", "min": 12, "mode": 20, "max": 26},
            "cost": ("triangular", 90, 100, 140),
        }
        a = cba.monte_carlo(linear_model, {"benefit": 20.0, "cost": 100.0}, dists, n=5000, seed=9)
        b = cba.monte_carlo(linear_model, {"benefit": 20.0, "cost": 100.0}, dists, n=5000, seed=9)
        c = cba.monte_carlo(linear_model, {"benefit": 20.0, "cost": 100.0}, dists, n=5000, seed=10)
        np.testing.assert_array_equal(a.values, b.values)
        assert a.to_dict() == b.to_dict()
        assert not np.array_equal(a.values, c.values)

    def test_model_called_once_with_all_draws(self):
        shapes = []

        def model(v):
            shapes.append(np.shape(v["benefit"]))
            return linear_model(v)

        cba.monte_carlo(
            model, {"benefit": 20.0, "cost": 100.0}, {"benefit": ("uniform", 5, 15)}, n=777
        )
        assert shapes[0] == (777,) and shapes.count((777,)) == 1

    def test_exact_probabilities(self):
        # NPV = 10b − 100 with b ~ U(5, 15): P(NPV < 0) = 1/2; P(NPV ≤ 25) = P(b ≤ 12.5) = 0.75
        mc = cba.monte_carlo(
            linear_model,
            {"benefit": 20.0, "cost": 100.0},
            {"benefit": {"dist": "uniform", "low": 5, "high": 15}},
            n=200_000,
            seed=1,
            reference=25,
        )
        assert mc.p_negative == pytest.approx(0.5, abs=0.005)
        assert mc.p_below_reference == pytest.approx(0.75, abs=0.005)
        assert mc.percentiles.index.tolist() == [5, 10, 25, 50, 75, 90, 95]
        assert mc.percentiles.loc[50] == pytest.approx(0, abs=0.2)
        assert mc.sd == pytest.approx(100 / math.sqrt(12), rel=0.01)
        assert mc.cdf(0) == pytest.approx(mc.p_negative, abs=1e-12)
        assert mc.base_value == 100
        assert "P(NPV < 0)" in mc.summary()
        json.dumps(mc.to_dict(), allow_nan=False, ensure_ascii=False)

    def test_distribution_moments(self):
        # PERT mean (a + 4m + b)/6 (Malcolm et al. 1959); triangular (a + m + b)/3;
        # normal; discrete frequencies
        base = {"p": 0.0, "t": 0.0, "n": 0.0, "d": 0.0}
        dists = {
            "p": {"dist": "pert", "min": 2, "mode": 3, "max": 10},
            "t": {"dist": "triangular", "min": 2, "mode": 3, "max": 10},
            "n": {"dist": "normal", "mean": 5, "sd": 2},
            "d": {"dist": "discrete", "values": [1, 2, 3], "probabilities": [0.2, 0.5, 0.3]},
        }
        mc = cba.monte_carlo(lambda v: v["p"], base, dists, n=400_000, seed=3)
        draws = mc.draws
        assert draws["p"].mean() == pytest.approx((2 + 4 * 3 + 10) / 6, abs=0.01)
        assert draws["t"].mean() == pytest.approx(5.0, abs=0.01)
        assert draws["n"].std() == pytest.approx(2.0, abs=0.01)
        freq = draws["d"].value_counts(normalize=True).sort_index()
        np.testing.assert_allclose(freq.to_numpy(), [0.2, 0.5, 0.3], atol=0.003)
        assert draws["p"].between(2, 10).all() and draws["t"].between(2, 10).all()

    def test_relative_parameters(self):
        mc = cba.monte_carlo(
            linear_model,
            {"benefit": 20.0, "cost": 100.0},
            {"cost": {"dist": "triangular", "min": "-10%", "mode": "+0%", "max": "+30%"}},
            n=1000,
        )
        assert mc.distributions["cost"]["min"] == pytest.approx(90)
        assert mc.distributions["cost"]["max"] == pytest.approx(130)
        assert mc.seed == cba.DEFAULT_SEED

    @pytest.mark.parametrize(
        "spec, message",
        [
            ({"dist": "lognormal"}, "分布类型 'lognormal' 未知"),
            ({"dist": "triangular", "min": 3, "mode": 1, "max": 5}, "min ≤ mode ≤ max"),
            ({"dist": "normal", "mean": 1, "sd": -1}, "sd 必须不小于 0"),
            ({"dist": "discrete", "values": [1, 2], "probabilities": [0.5, 0.6]}, "和为 1"),
            ({"dist": "uniform", "low": 1}, "缺少参数 'high'"),
        ],
    )
    def test_bad_distributions(self, spec, message):
        with pytest.raises(ValueError, match=message):
            cba.monte_carlo(linear_model, {"benefit": 1.0, "cost": 1.0}, {"benefit": spec})

    def test_unknown_variable_and_scalar_model(self):
        with pytest.raises(ValueError, match="distributions 含 base 中没有的变量：foo"):
            cba.monte_carlo(linear_model, {"benefit": 1.0, "cost": 1.0}, {"foo": ("uniform", 0, 1)})
        with pytest.raises(ValueError, match="vectorized=False"):
            cba.monte_carlo(
                lambda v: 1.0, {"benefit": 1.0, "cost": 1.0}, {"benefit": ("uniform", 0, 1)}, n=10
            )
        loop = cba.monte_carlo(
            lambda v: float(v["benefit"]),
            {"benefit": 1.0, "cost": 1.0},
            {"benefit": ("uniform", 0, 1)},
            n=10,
            vectorized=False,
        )
        assert loop.evaluation == "loop" and loop.values.shape == (10,)

    def test_plot_distribution(self):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        mc = cba.monte_carlo(
            linear_model,
            {"benefit": 20.0, "cost": 100.0},
            {"benefit": ("normal", 15, 5)},
            n=2000,
            reference=50,
            unit="万元",
        )
        ax = cba.plot_distribution(mc)
        assert "P(NPV<0)" in ax.get_title() and ax.get_xlabel() == "NPV（万元）"
        plt.close("all")


# ---------------------------------------------------------------------------------------------
# Optimism bias, prices, conversion factors


class TestOptimismBias:
    def test_green_book_combined_project_example(self):
        # Supplementary Green Book guidance worked example: 30% non-standard / 70% standard
        # building → capex upper bound 0.3 × 51% + 0.7 × 24% = 32.1%; works duration 14.5%
        ob = cba.optimism_bias({"non_standard_buildings": 0.3, "standard_buildings": 0.7})
        assert ob.capex == pytest.approx(0.321)
        assert ob.duration == pytest.approx(0.145)
        assert ob.bound == "upper" and ob.status == "foreign" and "Mott MacDonald" in ob.source
        assert "32.1%" in ob.summary()

    @pytest.mark.parametrize(
        "kind, dur_u, dur_l, cap_u, cap_l",
        [
            ("standard_buildings", 0.04, 0.01, 0.24, 0.02),
            ("non_standard_buildings", 0.39, 0.02, 0.51, 0.04),
            ("standard_civil_engineering", 0.20, 0.01, 0.44, 0.03),
            ("non_standard_civil_engineering", 0.25, 0.03, 0.66, 0.06),
            ("equipment_development", 0.54, 0.10, 2.00, 0.10),
        ],
    )
    def test_table_values(self, kind, dur_u, dur_l, cap_u, cap_l):
        # Mott MacDonald (2002) Table 2 / Green Book supplementary guidance Table 1
        up = cba.optimism_bias({kind: 1.0})
        lo = cba.optimism_bias({kind: 1.0}, "lower")
        assert (up.duration, up.capex) == pytest.approx((dur_u, cap_u))
        assert (lo.duration, lo.capex) == pytest.approx((dur_l, cap_l))

    def test_outsourcing_and_duration_mix(self):
        ob = cba.optimism_bias({"outsourcing": 1.0})
        assert ob.capex == pytest.approx(0.41) and math.isnan(ob.duration)
        assert any("OPEX" in n for n in ob.notes)
        mixed = cba.optimism_bias(
            {"outsourcing": 0.5, "standard_buildings": 0.5},
            duration_mix={"standard_buildings": 1.0},
        )
        assert mixed.capex == pytest.approx(0.5 * 0.41 + 0.5 * 0.24)
        assert mixed.duration == pytest.approx(0.04)

    def test_errors(self):
        with pytest.raises(ValueError, match="mix 的占比之和必须为 1，实际为 0.9"):
            cba.optimism_bias({"standard_buildings": 0.9})
        with pytest.raises(ValueError, match="未知项目类型 bridges"):
            cba.optimism_bias({"bridges": 1.0})
        with pytest.raises(ValueError, match="bound 必须是 'upper' 或 'lower'"):
            cba.optimism_bias({"standard_buildings": 1.0}, "middle")


class TestPrices:
    def test_real_nominal_round_trip(self):
        nominal = pd.Series({2023: 100.0, 2024: 103.0, 2025: 110.0})
        deflator = {2023: 100.0, 2024: 103.0, 2025: 105.0}
        real = cba.to_real(nominal, deflator, 2023)
        np.testing.assert_allclose(real, [100.0, 100.0, 110 * 100 / 105])
        back = cba.to_nominal(real, deflator, 2023)
        np.testing.assert_allclose(back, nominal)
        # change of price base: real 2024 prices = real 2023 prices × 1.03
        np.testing.assert_allclose(cba.to_real(nominal, deflator, 2024), real * 1.03)

    def test_constant_inflation_and_frames(self):
        lines = pd.DataFrame([[100.0, 102.0, 104.04]], columns=[2023, 2024, 2025], index=["成本"])
        real = cba.to_real(lines, 0.02, 2023)
        np.testing.assert_allclose(real.to_numpy(), [[100.0, 100.0, 100.0]])

    def test_fisher(self):
        # Brealey, Myers & Allen ch. 3: nominal 10%, inflation 6% → real ≈ 3.8%
        assert round(cba.real_rate(0.10, 0.06), 3) == 0.038
        assert cba.nominal_rate(cba.real_rate(0.10, 0.06), 0.06) == pytest.approx(0.10)

    def test_errors(self):
        with pytest.raises(ValueError, match="deflator 缺少年份 2025"):
            cba.to_real({2024: 1.0, 2025: 1.0}, {2024: 100.0}, 2024)
        with pytest.raises(ValueError, match="需要以年份为索引"):
            cba.to_real([1.0, 2.0], 0.02, 2024)


class TestEconomicFlows:
    def test_conversion_factors(self):
        fin = pd.DataFrame(
            {2024: [-1000.0, -200.0, -50.0, 600.0], 2025: [0.0, -200.0, -50.0, 700.0]},
            index=["capex", "labour", "tax", "revenue"],
        )
        ef = cba.economic_flows(fin, {"labour": 0.7, "tax": 0.0}, standard_conversion_factor=0.9)
        assert ef.factors.to_dict() == {"capex": 0.9, "labour": 0.7, "tax": 0.0, "revenue": 0.9}
        assert ef.basis["capex"] == "standard" and ef.basis["labour"] == "specific"
        np.testing.assert_allclose(ef.net, [-900 - 140 + 540, -140 + 630])
        assert "SCF = 0.9" in ef.summary()
        json.dumps(ef.to_dict(), allow_nan=False, ensure_ascii=False)

    def test_errors(self):
        with pytest.raises(ValueError, match="类别 landx 不在现金流类别中"):
            cba.economic_flows({"land": [1.0]}, {"landx": 0.5})
        with pytest.raises(ValueError, match="各类别长度不一致"):
            cba.economic_flows({"a": [1.0, 2.0], "b": [1.0]})


# ---------------------------------------------------------------------------------------------
# Bad input (Chinese messages naming the argument)


class TestBadInput:
    def test_empty_flows(self):
        with pytest.raises(ValueError, match="flows 不能为空"):
            cba.npv([])
        with pytest.raises(ValueError, match="flows 不能为空"):
            cba.irr(np.empty((3, 0)))

    def test_non_numeric(self):
        with pytest.raises(ValueError, match="flows 含非数值：'abc'"):
            cba.npv([-100, "abc", 50], rate=0.1)
        with pytest.raises(ValueError, match="flows 含非数值：None"):
            cba.irr([-100, None, 50])
        with pytest.raises(ValueError, match="flows 含缺失值（NaN）（位置 1）"):
            cba.npv([-100, np.nan, 50], rate=0.1)

    def test_rate_not_above_minus_one(self):
        with pytest.raises(ValueError, match="rate 必须大于 -1，实际为 -1.5"):
            cba.npv([-100, 50], rate=-1.5)
        with pytest.raises(ValueError, match="rate 必须大于 -1，实际为 -1"):
            cba.discount_factors([1, 2], rate=[0.1, -1])
        with pytest.raises(ValueError, match="finance_rate 必须大于 -1"):
            cba.mirr([-1, 2], -2, 0.1)
        with pytest.raises(ValueError, match="rate 必须是数值或数值序列"):
            cba.npv([-1, 2], rate="8%")

    def test_inconsistent_lengths(self):
        with pytest.raises(ValueError, match="各行长度不一致"):
            cba.npv([[1, 2], [1]], rate=0.1)
        with pytest.raises(ValueError, match="years 与 flows 长度不一致（2 与 3）"):
            cba.npv([1, 2, 3], rate=0.1, years=[0, 1])

    def test_unknown_schedule_and_both_given(self):
        with pytest.raises(ValueError, match="未知的折现方案 schedule 'green'（可用：china_2006"):
            cba.npv([-1, 2], schedule="green")
        with pytest.raises(ValueError, match="rate 与 schedule 只能给出其一"):
            cba.npv([-1, 2], rate=0.1, schedule="green_book")

    def test_three_dimensional(self):
        with pytest.raises(ValueError, match="必须是 1 维、2 维数组，实际为 3 维"):
            cba.npv(np.zeros((2, 2, 2)), rate=0.1)


# ---------------------------------------------------------------------------------------------
# Case files: from_spec


SPEC = {
    "title": "农村生活污水治理成本效益分析（示例）",
    "unit": "万元",
    "start_year": 2023,
    "horizon": 20,
    "price_base_year": 2023,
    "discounting": {"schedule": "china_2006", "t0": 1},
    "lines": [
        {"name": "建设投资", "kind": "cost", "category": "capex", "values": [3000, 420]},
        {
            "name": "运行维护费",
            "kind": "cost",
            "category": "operating",
            "amount": 120,
            "from": 2024,
        },
        {
            "name": "水环境改善效益",
            "kind": "benefit",
            "category": "benefit",
            "amount": 520,
            "from": 2024,
            "growth": 0.01,
        },
    ],
    "variables": {
        "投资": {"lines": ["建设投资"]},
        "运维": {"lines": ["运行维护费"]},
        "效益": {"lines": ["水环境改善效益"]},
    },
    "sensitivity": {"preset": "eu_2014", "change": 0.2},
    "scenarios": {"悲观": {"投资": "+20%", "效益": "-20%"}},
    "monte_carlo": {
        "n": 5000,
        "seed": 2023,
        "reference": 0,
        "distributions": {
            "投资": {"dist": "pert", "min": 0.95, "mode": 1.0, "max": 1.4},
            "效益": {"dist": "triangular", "min": "-30%", "mode": 1.0, "max": "+10%"},
        },
    },
    "alternatives": [
        {"name": "集中式", "costs": [3000, 150, 150, 150, 150], "effect": 9000},
        {"name": "分散式", "costs": [2400, 300, 300, 300, 300], "effect": 9000},
    ],
}


class TestFromSpec:
    def test_model_matches_direct_npv(self):
        m = cba.from_spec(SPEC)
        f = m.flows()
        assert f.index.tolist() == list(range(2023, 2043))
        assert f.loc[2023, "costs"] == 3000 and f.loc[2024, "costs"] == 420 + 120
        assert f.loc[2025, "benefits"] == pytest.approx(520 * 1.01)
        direct = cba.npv(f["net"].to_numpy(), schedule="china_2006", t0=1)
        assert m() == pytest.approx(direct, rel=1e-12)
        assert m.appraise().npv == pytest.approx(direct, rel=1e-12)
        assert m.appraise().table["year"].tolist()[0] == 2023

    def test_model_is_vectorised(self):
        m = cba.from_spec(SPEC)
        xs = np.array([0.8, 1.0, 1.3])
        out = m({"效益": xs})
        assert out.shape == (3,)
        np.testing.assert_allclose(out, [m({"效益": x}) for x in xs])

    def test_analyse(self):
        a = cba.from_spec(SPEC).analyse()
        assert a.monte_carlo.n == 5000 and a.monte_carlo.seed == 2023
        assert a.scenarios.table["scenario"].tolist() == ["基准", "悲观"]
        assert a.least_cost.basis == "pv"  # equal lives
        assert a.cost_effectiveness is None  # equal effects: least cost, not CEA
        assert set(a.critical.table["variable"]) == {"投资", "运维", "效益"}
        d = a.to_dict()
        json.dumps(d, allow_nan=False, ensure_ascii=False)
        assert d["model"]["discounting"]["name"] == "china_2006"
        assert "不变价" in a.summary()
        again = cba.from_spec(SPEC).analyse()
        assert again.monte_carlo.to_dict() == a.monte_carlo.to_dict()

    def test_alternatives_with_different_effects(self):
        spec = {
            **SPEC,
            "alternatives": [
                {"name": "甲", "costs": [100, 10], "effect": 10},
                {"name": "乙", "costs": [150, 10], "effect": 20},
            ],
        }
        a = cba.from_spec(spec).analyse()
        assert a.least_cost is None
        assert a.cost_effectiveness.frontier == ("甲", "乙")
        pv = cba.npv([100, 10], schedule="china_2006", t0=1)
        assert a.cost_effectiveness.table["cost"].iloc[0] == pytest.approx(pv)

    def test_rate_variable_switching_value_is_irr(self):
        spec = {
            **{k: v for k, v in SPEC.items() if k not in ("scenarios", "monte_carlo")},
            "discounting": {"rate": 0.08},
            "variables": {"效益": {"lines": ["水环境改善效益"]}, "折现率": {"discount_rate": True}},
        }
        m = cba.from_spec(spec)
        sv = m.switching_values().table.set_index("variable")
        assert sv.loc["折现率", "switching_value"] == pytest.approx(
            m.appraise().irr.value, rel=1e-9
        )

    def test_defaults_are_reported(self):
        spec = {
            "start_year": 2024,
            "horizon": 3,
            "lines": [{"name": "a", "kind": "cost", "values": [1]}],
        }
        m = cba.from_spec(spec)
        assert m.t0 == 1 and m.discounting.name == "china_2006"
        assert any("t0 = 1" in n for n in m.notes) and any("默认" in n for n in m.notes)
        assert [v.name for v in m.variables] == ["a"]

    def test_csv_nominal_optimism_economic(self, tmp_path):
        (tmp_path / "data").mkdir()
        pd.DataFrame({"year": [2024, 2025, 2026], "benefit": [0.0, 102.0, 104.04]}).to_csv(
            tmp_path / "data" / "b.csv", index=False
        )
        spec = {
            "start_year": 2024,
            "horizon": 3,
            "prices": "nominal",
            "inflation": 0.02,
            "discounting": {"rate": 0.05, "t0": 0},
            "lines": [
                {"name": "投资", "kind": "cost", "category": "capex", "values": {2024: 150}},
                {"name": "效益", "kind": "benefit", "csv": "data/b.csv", "value_column": "benefit"},
            ],
            "optimism_bias": {"mix": {"standard_buildings": 1.0}},
            "economic": {"conversion_factors": {"capex": 0.9}},
        }
        m = cba.from_spec(spec, base_dir=tmp_path)
        f = m.flows()
        np.testing.assert_allclose(f["benefits"], [0.0, 100.0, 100.0])
        assert f.loc[2024, "costs"] == pytest.approx(150 * 1.24 * 0.9)
        assert m.analysis == "economic" and m.indicator == "ENPV"
        assert any("不变价" in n for n in m.notes) and any("乐观偏差" in n for n in m.notes)

    def test_csv_outside_folder_refused(self, tmp_path):
        spec = {
            "start_year": 2024,
            "horizon": 2,
            "lines": [{"name": "x", "kind": "cost", "csv": "../x.csv", "value_column": "v"}],
        }
        with pytest.raises(CaseError, match="不能指向案例文件所在目录之外"):
            cba.from_spec(spec, base_dir=tmp_path)

    @pytest.mark.parametrize(
        "patch, field, message",
        [
            ({"horizon": None}, "cba.horizon", "必须是数值"),
            (
                {"lines": [{"name": "a", "kind": "gain", "values": [1]}]},
                "cba.lines[0].kind",
                "benefit 或 cost",
            ),
            (
                {"lines": [{"name": "a", "kind": "cost", "values": [1, 2, 3, 4]}]},
                "cba.lines[0].values",
                "超过计算期",
            ),
            (
                {"lines": [{"name": "a", "kind": "cost", "values": ["x"]}]},
                "cba.lines[0].values[0]",
                "必须是数值",
            ),
            ({"lines": [{"name": "a", "kind": "cost"}]}, "cba.lines[0]", "必须且只能给出一个"),
            ({"discounting": {"schedule": "nope"}}, "cba.discounting", "未知的折现方案"),
            ({"variables": {"v": {"lines": ["zz"]}}}, "cba.variables.v.lines", "未知的现金流 zz"),
            ({"colour": 1}, "cba", "未知字段 colour"),
            (
                {"monte_carlo": {"distributions": {"a": {"dist": "beta"}}}},
                "cba.monte_carlo.distributions.a",
                "分布类型 'beta' 未知",
            ),
        ],
    )
    def test_errors_name_the_field(self, patch, field, message):
        spec = {
            "start_year": 2024,
            "horizon": 3,
            "lines": [{"name": "a", "kind": "cost", "values": [1]}],
        }
        spec.update({k: v for k, v in patch.items() if v is not None})
        if patch.get("horizon", 0) is None:
            spec["horizon"] = "three"
        with pytest.raises(CaseError, match=message) as info:
            cba.from_spec(spec)
        assert info.value.format().startswith(field)


def test_docstring_examples_run():
    """The numpydoc Examples sections are runnable."""
    result = doctest.testmod(cba, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 20 and result.failed == 0


CASE_BLOCK = """
cba:
  title: 武进区农村生活污水治理项目成本效益分析（示例）
  unit: 万元
  start_year: 2023            # 第一列的公历年份
  horizon: 20                 # 计算期（年数，含建设期）：2023–2042
  price_base_year: 2023       # 价格基准年（不变价）
  prices: real                # real | nominal（现价时给 deflator: {年份: 指数} 或 inflation: 0.02）
  discounting:
    schedule: china_2006      # 或 rate: 0.06；预设见 cba.discount_schedules()
    t0: 1                     # 第一列位于 t = 1（年末惯例）；0 = 第一列不折现
  lines:
    - {name: 建设投资, kind: cost, category: capex, values: [2280, 1140]}
    - {name: 运行维护费, kind: cost, category: operating, amount: 96, from: 2024}
    - name: 污水处理效益
      kind: benefit
      category: environment
      csv: evidence/sewage_benefits.csv     # 相对案例文件；列 year、benefit
      value_column: benefit
    - {name: 居民健康效益, kind: benefit, category: health, amount: 180, from: 2025, growth: 0.02}
  variables:                  # 敏感性/风险变量：乘数（值/基准值）或折现率本身
    投资: {lines: [建设投资]}
    运维成本: {lines: [运行维护费]}
    效益: {lines: [污水处理效益, 居民健康效益]}
  optimism_bias:
    mix: {non_standard_civil_engineering: 0.7, standard_civil_engineering: 0.3}
    bound: lower
    categories: [capex]
  sensitivity: {preset: eu_2014, change: 0.2}
  scenarios:
    悲观: {投资: "+20%", 效益: "-20%"}
    乐观: {投资: "-5%", 效益: "+10%"}
  monte_carlo:
    n: 10000
    seed: 2023
    reference: 0
    distributions:
      投资: {dist: pert, min: 0.95, mode: 1.0, max: 1.3}
      运维成本: {dist: triangular, min: 0.9, mode: 1.0, max: 1.2}
      效益: {dist: normal, mean: 1.0, sd: 0.12}
  alternatives:               # 最低成本法 / 成本效果分析（费用按正数，自 start_year 起）
    - {name: 分散式处理, costs: [2280, 1140, 96, 96, 96, 96, 96, 96, 96, 96], effect: 9350}
    - {name: 纳管集中处理, costs: [3900, 60, 60, 60, 60, 60, 60, 60, 60, 60], effect: 9350}
"""


def test_case_block_example(tmp_path):
    """The `cba:` block proposed for case files parses and analyses end to end."""
    import yaml

    (tmp_path / "evidence").mkdir()
    years = list(range(2024, 2043))
    pd.DataFrame({"year": years, "benefit": [260.0 + 5 * i for i in range(len(years))]}).to_csv(
        tmp_path / "evidence" / "sewage_benefits.csv", index=False
    )
    case = yaml.safe_load(CASE_BLOCK)
    model = cba.from_spec(case, base_dir=tmp_path)
    assert model.optimism.capex == pytest.approx(0.7 * 0.06 + 0.3 * 0.03)
    assert model.flows().loc[2023, "costs"] == pytest.approx(2280 * 1.051)
    result = model.analyse()
    out = json.dumps(result.to_dict(), allow_nan=False, ensure_ascii=False)
    assert "china_2006" in out
    assert result.least_cost.cheapest in {"分散式处理", "纳管集中处理"}
    assert result.monte_carlo.n == 10_000
