"""Design-based survey estimation (methods.survey) against R's survey package, and satisfaction.

R is not run here: the oracle is R's *documented* output on the api samples (tests/data/survey,
see its README). Every test names where its numbers were printed. Agreement is required to
the digits R prints (at least 4 significant digits: ``rel=5e-5`` or half a unit of the last
printed digit).

Sources, abbreviated in the tests:

- [api.Rout]   survey package, tests/api.Rout.save (``example(api)``; same output in
               example-summary.html on r-survey.r-forge.r-project.org).
- [rake.Rout]  survey package, tests/rakecheck.Rout.save (R 2.15 / 2.4 runs, identical values).
- [lonely.Rout] survey package, tests/lonely.psu.Rout.save (R 4.1.1).
- [vignette]   T. Lumley, "A survey analysis example" (survey package vignette survey.pdf,
               2025 build).
- [domain.html] / [chisq.html] / [summary.html]: r-survey.r-forge.r-project.org/survey/
               example-domain.html, example-chisq.html, example-summary.html.
- [tawfik]     A. Tawfik's report to T. Lumley on survey 4.5 (R 4.6.1), spicy project, quoting
               ``svyby(~api99+api00, ~stype, dclus1, svymean, deff=TRUE, vartype="ci")`` and
               ``svychisq(..., statistic="Wald")`` output.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from methods.scoring import score_indicator
from methods.survey import (
    Design,
    Estimate,
    compare_groups,
    index_to_points,
    ipa,
    ordinal_logit,
    plot_ipa,
    sample_size,
    satisfaction_index,
)

DATA = Path(__file__).resolve().parent / "data" / "survey"
POP_TYPES = {"E": 4421, "H": 755, "M": 1018}  # xtabs(~stype, apipop)
POP_SCHWIDE = {"No": 1072, "Yes": 5122}  # rakecheck.R


def r_equal(value: float, printed: float, rel: float = 5e-5) -> bool:
    """Agreement with an R printout to ≥ 4 significant digits (relative 5e-5)."""
    return math.isclose(value, printed, rel_tol=rel)


@pytest.fixture(scope="module")
def apistrat() -> pd.DataFrame:
    return pd.read_csv(DATA / "apistrat.csv")


@pytest.fixture(scope="module")
def apiclus1() -> pd.DataFrame:
    return pd.read_csv(DATA / "apiclus1.csv")


@pytest.fixture(scope="module")
def dstrat(apistrat) -> Design:
    # svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)
    return Design(apistrat, weights="pw", strata="stype", fpc="fpc")


@pytest.fixture(scope="module")
def dclus1(apiclus1) -> Design:
    # svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
    return Design(apiclus1, weights="pw", cluster="dnum", fpc="fpc")


# ---------------------------------------------------------------------------------------------
# R's documented results


class TestBasicEstimatorsMatchR:
    def test_stratified_mean_and_total(self, dstrat):
        # [api.Rout] svymean(~api00, dstrat): 662.29, SE 9.4089
        m = dstrat.mean("api00")
        assert isinstance(m, Estimate)
        assert r_equal(m.estimate, 662.29) and r_equal(m.se, 9.4089)
        # [api.Rout] svytotal(~enroll, dstrat, na.rm=TRUE): 3687178, SE 114642
        t = dstrat.total("enroll")
        assert r_equal(t.estimate, 3687178, rel=1e-6) and r_equal(t.se, 114642, rel=1e-5)

    def test_cluster_mean_and_total(self, dclus1):
        # [api.Rout], [vignette] svymean(~api00, dclus1): 644.17, SE 23.542
        m = dclus1.mean("api00")
        assert r_equal(m.estimate, 644.17) and r_equal(m.se, 23.542)
        # [api.Rout] svytotal(~enroll, dclus1): 3404940, SE 932235
        t = dclus1.total("enroll")
        assert r_equal(t.estimate, 3404940, rel=1e-6) and r_equal(t.se, 932235, rel=1e-6)

    def test_ratio(self, dclus1):
        # [vignette] svyratio(~api.stu, ~enroll, dclus1): 0.8497087, SE 0.008386297
        # (the brief quoted SE 0.0112; the vignette prints 0.008386297)
        r = dclus1.ratio("api.stu", "enroll")
        assert r.statistic == "ratio"
        assert r_equal(r.estimate, 0.8497087, rel=1e-6)
        assert r_equal(r.se, 0.008386297, rel=1e-6)

    def test_ratio_in_a_domain(self, dclus1):
        # [vignette] svyratio(~api.stu, ~enroll, design=subset(dclus1, stype=="H")):
        # 0.8300683, SE 0.01472607
        tab = dclus1.ratio("api.stu", "enroll", by="stype").set_index("stype")
        assert r_equal(tab.loc["H", "estimate"], 0.8300683, rel=1e-6)
        assert r_equal(tab.loc["H", "se"], 0.01472607, rel=1e-6)

    def test_factor_means_and_totals(self, dclus1):
        # [summary.html] svymean(~api00+api99+stype, dclus1): stypeE 0.786885 (0.0463),
        # stypeH 0.076503 (0.0268), stypeM 0.136612 (0.0296); api99 606.978142 (24.2250)
        p = dclus1.proportion("stype").set_index("level")
        for lv, est, se in [
            ("E", 0.786885, 0.0463),
            ("H", 0.076503, 0.0268),
            ("M", 0.136612, 0.0296),
        ]:
            assert r_equal(p.loc[lv, "estimate"], est, rel=1e-5)
            assert abs(p.loc[lv, "se"] - se) < 5e-5
        api99 = dclus1.mean("api99")
        assert r_equal(api99.estimate, 606.978142, rel=1e-8) and r_equal(api99.se, 24.2250)
        # [vignette], [summary.html] svytotal(~stype, dclus1): E 4873.97 (1333.32),
        # H 473.86 (158.70), M 846.17 (167.55)
        c = dclus1.count("stype").set_index("level")
        for lv, est, se in [("E", 4873.97, 1333.32), ("H", 473.86, 158.70), ("M", 846.17, 167.55)]:
            assert abs(c.loc[lv, "estimate"] - est) < 0.005
            assert abs(c.loc[lv, "se"] - se) < 0.005

    def test_single_level_proportion_is_an_estimate(self, dclus1):
        e = dclus1.proportion("stype", "E")
        assert isinstance(e, Estimate) and e.variable == "stype == E"
        assert r_equal(e.estimate, 0.786885, rel=1e-5)

    def test_quantiles_woodruff(self, dclus1):
        # [vignette] svyquantile(~api00, dclus1, quantile=c(0.25,0.5,0.75), ci=TRUE):
        #   0.25: 552 (492, 627) se 31.47166; 0.5: 652 (561, 714) se 35.66788;
        #   0.75: 719 (696, 777) se 18.88300
        q = dclus1.quantile("api00", [0.25, 0.5, 0.75])
        assert q["estimate"].tolist() == [552, 652, 719]
        assert q["ci_low"].tolist() == [492, 561, 696]
        assert q["ci_high"].tolist() == [627, 714, 777]
        for got, want in zip(q["se"], [31.47166, 35.66788, 18.88300], strict=True):
            assert r_equal(got, want, rel=1e-6)
        med = dclus1.quantile("api00", 0.5)
        assert isinstance(med, Estimate) and med.df == 14  # t with degf(dclus1), as R


class TestDomainsMatchR:
    def test_svyby_two_variables(self, dclus1):
        # [vignette] svyby(~ell+meals, ~stype, design=dclus1, svymean)
        want = {
            ("E", "ell"): (29.69444, 1.411617),
            ("E", "meals"): (53.09028, 7.070399),
            ("H", "ell"): (15.00000, 5.347065),
            ("H", "meals"): (37.57143, 5.912262),
            ("M", "ell"): (22.68000, 2.952862),
            ("M", "meals"): (43.08000, 6.017110),
        }
        tab = dclus1.mean(["ell", "meals"], by="stype").set_index(["stype", "variable"])
        assert list(tab.columns[:4]) == ["estimate", "se", "ci_low", "ci_high"]
        for key, (est, se) in want.items():
            assert r_equal(tab.loc[key, "estimate"], est, rel=1e-6)
            assert r_equal(tab.loc[key, "se"], se, rel=1e-6)

    def test_svyby_two_factors(self, dclus1):
        # [domain.html] svyby(~api99+api00, ~stype+sch.wide, dclus1, svymean, keep.var=TRUE)
        want = {
            ("E", "No"): (601.6667, 596.3333, 47.27582, 43.49010),
            ("E", "Yes"): (608.3485, 653.6439, 21.52493, 20.31720),
            ("H", "No"): (662.0000, 659.3333, 29.23003, 27.00275),
            ("H", "Yes"): (577.6364, 607.4545, 46.50125, 43.70468),
            ("M", "No"): (611.3750, 606.3750, 41.11886, 41.11686),
        }
        tab = dclus1.mean(["api99", "api00"], by=["stype", "sch.wide"])
        tab = tab.set_index(["stype", "sch.wide", "variable"])
        for (s, w), (e99, e00, se99, se00) in want.items():
            assert r_equal(tab.loc[(s, w, "api99"), "estimate"], e99, rel=1e-6)
            assert r_equal(tab.loc[(s, w, "api00"), "estimate"], e00, rel=1e-6)
            assert r_equal(tab.loc[(s, w, "api99"), "se"], se99, rel=1e-6)
            assert r_equal(tab.loc[(s, w, "api00"), "se"], se00, rel=1e-6)

    def test_svyby_confidence_limits_and_deff(self, dclus1):
        # [tawfik] svyby(~api99+api00, ~stype, dclus1, svymean, deff=TRUE, vartype="ci"):
        # E api00 ci (605.0385, 692.6976); ci_u api00 H 693.0897, M 693.3934;
        # DEff.api00 E 6.583674, H 2.228259, M 2.163900; DEff.api99 5.895734 2.211866 2.226990.
        # So SE(api00) = 22.3624 (E), 38.0202 (H), 31.6095 (M); the brief's "H 37.39, M 31.19"
        # are not svyby's linearisation values.
        tab = dclus1.mean(["api99", "api00"], by="stype").set_index(["stype", "variable"])
        assert round(tab.loc[("E", "api00"), "ci_low"], 4) == 605.0385
        for s, hi in [("E", 692.6976), ("H", 693.0897), ("M", 693.3934)]:
            assert round(tab.loc[(s, "api00"), "ci_high"], 4) == hi
        for s, d00, d99 in [
            ("E", 6.583674, 5.895734),
            ("H", 2.228259, 2.211866),
            ("M", 2.163900, 2.226990),
        ]:
            assert r_equal(tab.loc[(s, "api00"), "deff"], d00, rel=1e-6)
            assert r_equal(tab.loc[(s, "api99"), "deff"], d99, rel=1e-6)
        assert r_equal(tab.loc[("E", "api00"), "se"], 22.3624)
        assert r_equal(tab.loc[("H", "api00"), "se"], 38.0202)
        assert r_equal(tab.loc[("M", "api00"), "se"], 31.6095)

    def test_domain_total(self, dclus1):
        # [domain.html] svytotal(~enroll, subset(dclus1, sch.wide=="Yes" & comp.imp=="Yes")):
        # 2406420, SE 645444
        tab = dclus1.total("enroll", by=["sch.wide", "comp.imp"]).set_index(
            ["sch.wide", "comp.imp"]
        )
        assert r_equal(tab.loc[("Yes", "Yes"), "estimate"], 2406420, rel=1e-6)
        assert r_equal(tab.loc[("Yes", "Yes"), "se"], 645444, rel=1e-6)

    def test_domain_is_not_a_subset(self, apiclus1, dclus1):
        # Subsetting the data would drop the districts without high schools and understate the
        # variance; the domain estimator keeps all 15 PSUs (R's domain.R: equals the ratio
        # estimator sum(y·I)/sum(I)).
        tab = dclus1.mean("api00", by="stype").set_index("stype")
        d = apiclus1.assign(
            yh=np.where(apiclus1["stype"] == "H", apiclus1["api00"], 0.0),
            ih=(apiclus1["stype"] == "H").astype(float),
        )
        ratio = Design(d, weights="pw", cluster="dnum", fpc="fpc").ratio("yh", "ih")
        assert ratio.estimate == pytest.approx(tab.loc["H", "estimate"], rel=1e-12)
        assert ratio.se == pytest.approx(tab.loc["H", "se"], rel=1e-12)
        sub = apiclus1[apiclus1["stype"] == "H"]
        naive = Design(sub, weights="pw", cluster="dnum", fpc="fpc", lonely_psu="certainty")
        assert naive.mean("api00").se != pytest.approx(tab.loc["H", "se"], rel=1e-3)


class TestCalibrationMatchesR:
    def test_poststratify(self, dclus1):
        # [api.Rout] dclus1p <- postStratify(dclus1, ~stype, pop.types):
        # svymean(~api00) 642.31, SE 23.921; svytotal(~enroll) 3680893, SE 406293
        # (our SE 23.92049: 4 significant digits agree; R 2007 printed 23.921)
        p = dclus1.poststratify("stype", POP_TYPES)
        m, t = p.mean("api00"), p.total("enroll")
        assert r_equal(m.estimate, 642.31) and r_equal(m.se, 23.921)
        assert r_equal(t.estimate, 3680893, rel=1e-6) and r_equal(t.se, 406293, rel=1e-6)
        # the post-stratification margins are reproduced exactly, with zero variance
        c = p.count("stype").set_index("level")
        assert c["estimate"].to_dict() == pytest.approx({k: float(v) for k, v in POP_TYPES.items()})
        assert c["se"].max() < 1e-6
        assert p is not dclus1 and dclus1.mean("api00").estimate == pytest.approx(
            644.169399, rel=1e-8
        )

    def test_poststratify_population_as_dataframe(self, dclus1):
        pop = pd.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
        a = dclus1.poststratify("stype", pop).mean("api00")
        b = dclus1.poststratify("stype", pd.Series(POP_TYPES)).mean("api00")
        assert a.se == pytest.approx(b.se, rel=1e-12)

    def test_rake(self, dclus1):
        # [rake.Rout] dclus1r <- rake(dclus1, list(~stype,~sch.wide), list(pop.types, pop.schwide))
        # svymean(~api00) 641.23, SE 23.704; svytotal(~enroll) 3647300, SE 400603
        r = dclus1.rake({"stype": POP_TYPES, "sch.wide": POP_SCHWIDE})
        m, t = r.mean("api00"), r.total("enroll")
        assert r_equal(m.estimate, 641.23) and r_equal(m.se, 23.704)
        assert r_equal(t.estimate, 3647300, rel=1e-6) and r_equal(t.se, 400603, rel=1e-6)

    def test_rake_internal_consistency(self, dclus1):
        r = dclus1.rake({"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}, max_iter=100, tol=1e-12)
        for var, pop in [("stype", POP_TYPES), ("sch.wide", POP_SCHWIDE)]:
            got = r.count(var).set_index("level")["estimate"].to_dict()
            assert got == pytest.approx({k: float(v) for k, v in pop.items()}, rel=1e-9)
        assert (r.weights > 0).all()
        # enrolment is correlated with school type: raking shrinks its SE (932235 → ~400600)
        assert r.total("enroll").se < 0.5 * dclus1.total("enroll").se

    def test_rake_warns_when_not_converged(self, dclus1):
        with pytest.warns(UserWarning, match="未收敛"):
            dclus1.rake({"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}, max_iter=1, tol=1e-12)


class TestReplicatesMatchR:
    def test_jackknife(self, dclus1):
        # [api.Rout] rclus1 <- as.svrepdesign(dclus1) (JK1, 15 replicates):
        # svymean(~api00) 644.17, SE 26.329; svytotal(~enroll) 3404940, SE 932235
        j = dclus1.jackknife()
        assert j.variance_method == "JK1" and j.replicates == 15
        assert r_equal(j.mean("api00").se, 26.329)
        assert r_equal(j.total("enroll").se, 932235, rel=1e-6)
        # [summary.html] svymean(~api00+api99+stype, rclus1): api99 SE 26.9985, stypeE 0.0514
        assert r_equal(j.mean("api99").se, 26.9985)
        assert abs(j.proportion("stype", "E").se - 0.0514) < 5e-5

    def test_jackknife_poststratified_and_raked(self, dclus1):
        j = dclus1.jackknife()
        # [api.Rout] rclus1p: svymean 642.31 SE 26.934; svytotal 3680893 SE 473431
        p = j.poststratify("stype", POP_TYPES)
        assert r_equal(p.mean("api00").estimate, 642.31) and r_equal(p.mean("api00").se, 26.934)
        assert r_equal(p.total("enroll").se, 473431, rel=1e-6)
        # [rake.Rout] rclus1r: svymean 641.23 SE 26.873; svytotal 3647300 SE 463511
        r = j.rake({"stype": POP_TYPES, "sch.wide": POP_SCHWIDE})
        assert r_equal(r.mean("api00").se, 26.873)
        assert r_equal(r.total("enroll").estimate, 3647300, rel=1e-6)
        assert r_equal(r.total("enroll").se, 463511, rel=1e-6)

    def test_bootstrap_is_seeded_and_close_to_linearisation(self, dclus1):
        b1 = dclus1.bootstrap(2000, seed=20240601)
        b2 = dclus1.bootstrap(2000, seed=20240601)
        assert b1.variance_method == "subbootstrap" and b1.replicates == 2000
        assert b1.mean("api00").se == b2.mean("api00").se
        assert b1.mean("api00").estimate == dclus1.mean("api00").estimate
        # Rao-Wu without fpc vs linearisation with fpc (1 − 15/757): within Monte Carlo error
        taylor_nofpc = dclus1.mean("api00").se / math.sqrt(1 - 15 / 757)
        assert b1.mean("api00").se == pytest.approx(taylor_nofpc, rel=0.08)
        w = b1.replicate_weights()
        assert w.shape == (183, 2000)
        # each replicate draws 14 of 15 districts, rescaled by 15/14: totals unbiased
        assert w.sum(axis=0).mean() == pytest.approx(dclus1.weights.sum(), rel=0.02)

    def test_canty_davison_bootstrap(self, dstrat):
        b = dstrat.bootstrap(500, seed=1, method="bootstrap")
        se = b.mean("api00").se
        assert se == pytest.approx(dstrat.mean("api00").se, rel=0.15)

    def test_bootstrap_then_poststratify_recalibrates_replicates(self, dclus1):
        b = dclus1.bootstrap(200, seed=3).poststratify("stype", POP_TYPES)
        w = b.replicate_weights()
        is_e = (dclus1.data["stype"] == "E").to_numpy()
        sums = w[is_e].sum(axis=0)
        assert np.allclose(sums[np.isfinite(sums)], 4421)

    def test_order_of_operations_enforced(self, dclus1):
        with pytest.raises(ValueError, match="请先生成重复权重"):
            dclus1.poststratify("stype", POP_TYPES).bootstrap(10, seed=1)
        with pytest.raises(ValueError, match="请先调用 trim"):
            dclus1.bootstrap(10, seed=1).trim(upper=40)


class TestLonelyPsuMatchesR:
    # [lonely.Rout] ds <- svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1):
    # stratum 413 has a single school.

    def test_fail_names_the_stratum(self, apiclus1):
        # R: "Stratum (413) has only one PSU at stage 1"
        with pytest.raises(ValueError, match=r"层 '413'（分层列 dnum）只有 1 个 PSU"):
            Design(apiclus1, weights="pw", strata="dnum")

    @pytest.mark.parametrize(
        ("option", "se"),
        [("remove", 5.8058), ("certainty", 5.8058), ("adjust", 5.8281), ("average", 6.0096)],
    )
    def test_options(self, apiclus1, option, se):
        d = Design(apiclus1, weights="pw", strata="dnum", lonely_psu=option)
        m = d.mean("api00")
        assert r_equal(m.estimate, 644.17) and r_equal(m.se, se)

    def test_certainty_by_fpc_never_fails(self, apiclus1):
        # fpc <- ifelse(apiclus1$dnum==413, 1, 1000): every option gives SE 5.7344
        d = apiclus1.assign(f=np.where(apiclus1["dnum"] == 413, 1, 1000))
        for option in ("fail", "adjust", "average"):
            m = Design(d, weights="pw", strata="dnum", fpc="f", lonely_psu=option).mean("api00")
            assert r_equal(m.se, 5.7344)

    def test_domain_with_one_psu_is_not_lonely(self, apiclus1):
        # ds1 <- ds[-31,] on subset(apiclus1, dnum != 413): every option 645.14, SE 5.8909
        sub = apiclus1[apiclus1["dnum"] != 413].reset_index(drop=True)
        sub = sub.assign(keep=np.arange(len(sub)) != 30)
        for option in ("fail", "adjust", "average"):
            tab = Design(sub, weights="pw", strata="dnum", lonely_psu=option).mean(
                "api00", by="keep"
            )
            row = tab[tab["keep"]].iloc[0]
            assert r_equal(row["estimate"], 645.14) and r_equal(row["se"], 5.8909)

    def test_totals_with_a_singleton(self):
        # lonely.psu.R "checks for svytotal()": variance 126625 (remove, certainty),
        # 127579.8 (adjust: the singleton is centred at the mean of all PSU totals)
        toy = pd.DataFrame(
            {
                "Stratum": [1, 1, 2, 2, 3],
                "PSU": [1, 2, 3, 4, 5],
                "W": [10.5, 10.5, 20, 20, 15],
                "Age": [30.5, 40.5, 35, 52, 44],
            }
        )
        for option, var in [("remove", 126625), ("certainty", 126625), ("adjust", 127579.8)]:
            d = Design(toy, weights="W", strata="Stratum", cluster="PSU", lonely_psu=option)
            assert d.total("Age").se ** 2 == pytest.approx(var, rel=1e-6)


class TestChiSquareMatchesR:
    def test_svychisq(self, apiclus1, dclus1):
        # [chisq.html] svychisq(~sch.wide + stype, dclus1):
        #   F = 5.1934, ndf = 1.495, ddf = 20.925, p-value = 0.02175
        # statistic="Chisq": X-squared = 11.9409, df = 2, p-value = 0.005553
        # statistic="adjWald": F = 2.2296, ndf = 2, ddf = 13, p-value = 0.1471
        # statistic="Wald": F = 2.40...; [tawfik] Wald p 0.126896301
        res = compare_groups(apiclus1, "sch.wide", "stype", design=dclus1)
        t = res.tests.set_index("test")
        assert res.primary == "rao_scott_f" and res.kind == "categorical"
        assert r_equal(t.loc["rao_scott_f", "statistic"], 5.1934)
        assert round(t.loc["rao_scott_f", "df1"], 3) == 1.495
        assert round(t.loc["rao_scott_f", "df2"], 3) == 20.925
        assert round(t.loc["rao_scott_f", "p_value"], 5) == 0.02175
        assert r_equal(t.loc["rao_scott_chisq", "statistic"], 11.9409)
        assert round(t.loc["rao_scott_chisq", "p_value"], 6) == 0.005553
        assert r_equal(t.loc["adj_wald", "statistic"], 2.2296)
        assert (t.loc["adj_wald", "df1"], t.loc["adj_wald", "df2"]) == (2, 13)
        assert round(t.loc["adj_wald", "p_value"], 4) == 0.1471
        assert round(t.loc["wald", "statistic"], 2) == 2.40
        assert r_equal(t.loc["wald", "p_value"], 0.126896301, rel=1e-6)
        assert res.p_value == t.loc["rao_scott_f", "p_value"]
        assert "Rao–Scott" in res.summary()


# ---------------------------------------------------------------------------------------------
# Properties


class TestProperties:
    def test_scaling_weights(self, apistrat):
        d1 = Design(apistrat, weights="pw", strata="stype")
        d2 = Design(apistrat.assign(pw=apistrat["pw"] * 7.5), weights="pw", strata="stype")
        for f in ("mean", "proportion"):
            a = getattr(d1, f)(
                "api00" if f == "mean" else "sch.wide", *(() if f == "mean" else ("Yes",))
            )
            b = getattr(d2, f)(
                "api00" if f == "mean" else "sch.wide", *(() if f == "mean" else ("Yes",))
            )
            assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
            assert a.se == pytest.approx(b.se, rel=1e-12)
        a, b = d1.ratio("api.stu", "enroll"), d2.ratio("api.stu", "enroll")
        assert a.se == pytest.approx(b.se, rel=1e-12)
        a, b = d1.total("enroll"), d2.total("enroll")
        assert b.estimate == pytest.approx(7.5 * a.estimate, rel=1e-12)
        assert b.se == pytest.approx(7.5 * a.se, rel=1e-12)

    def test_equal_weights_give_srs_mean_and_se(self):
        rng = np.random.default_rng(5)
        y = rng.normal(70, 12, 40)
        n, big_n = len(y), 400
        df = pd.DataFrame({"y": y, "N": big_n})
        m = Design(df, fpc="N").mean("y")
        assert m.estimate == pytest.approx(y.mean(), rel=1e-12)
        assert m.se == pytest.approx(math.sqrt((1 - n / big_n) * y.var(ddof=1) / n), rel=1e-12)
        # sampling fraction instead of population size: the same
        m2 = Design(df.assign(f=n / big_n), fpc="f").mean("y")
        assert m2.se == pytest.approx(m.se, rel=1e-12)
        # no fpc: s / sqrt(n); the t interval with df = n − 1 on request
        m3 = Design(df).mean("y", df="design")
        assert m3.se == pytest.approx(y.std(ddof=1) / math.sqrt(n), rel=1e-12)
        assert m3.df == n - 1
        assert m3.ci_high - m3.estimate == pytest.approx(m3.se * 2.022691, rel=1e-6)  # qt(.975, 39)

    def test_missing_values_are_a_domain(self, apiclus1, dclus1):
        d = apiclus1.assign(api00=apiclus1["api00"].where(apiclus1["stype"] == "H"))
        m = Design(d, weights="pw", cluster="dnum", fpc="fpc").mean("api00")
        h = dclus1.mean("api00", by="stype").set_index("stype").loc["H"]
        assert m.estimate == pytest.approx(h["estimate"], rel=1e-12)
        assert m.se == pytest.approx(h["se"], rel=1e-12)
        assert (m.n, m.n_missing) == (14, 169)

    def test_result_objects(self, dclus1):
        m = dclus1.mean("api00")
        d = m.to_dict()
        assert d["statistic"] == "mean" and d["df"] is None and d["variance"] == "taylor"
        assert "api00 的均值：644.17" in m.summary() and "泰勒线性化" in m.summary()
        with pytest.raises(AttributeError):
            m.estimate = 1  # frozen
        with pytest.raises(AttributeError, match="不可修改"):
            dclus1._w = np.ones(183)
        assert "整群（dnum，15 个 PSU）" in dclus1.describe()
        assert dclus1.to_dict()["df"] == 14
        nan = Estimate("mean", "x", float("nan"), 1.0, 0.0, 2.0)
        assert nan.to_dict()["estimate"] is None

    def test_trim_rule(self):
        df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 2.0, 3.0, 10.0]})
        t = Design(df, weights="w").trim(upper=5)
        # excess 10 − 5 = 5 shared equally by the three untrimmed weights
        assert t.weights == pytest.approx([1 + 5 / 3, 2 + 5 / 3, 3 + 5 / 3, 5.0])
        assert t.weights.sum() == pytest.approx(16.0)
        # strict: repeat until nothing exceeds the bound
        s = Design(df.assign(w=[1.0, 4.5, 4.5, 10.0]), weights="w").trim(upper=5, strict=True)
        assert s.weights.max() <= 5 + 1e-12 and s.weights.sum() == pytest.approx(20.0)
        # lower bound: the shortfall (2 − 1) is taken equally from the others, which can push
        # one of them below the bound (as R's trimWeights); strict=True repeats
        low = Design(df, weights="w").trim(lower=2)
        assert low.weights == pytest.approx([2.0, 2 - 1 / 3, 3 - 1 / 3, 10 - 1 / 3])
        low = Design(df, weights="w").trim(lower=2, strict=True)
        assert low.weights.min() >= 2 - 1e-12 and low.weights.sum() == pytest.approx(16.0)

    def test_nest_and_cluster_nesting(self, apistrat):
        df = pd.DataFrame(
            {"h": [1, 1, 1, 1, 2, 2, 2, 2], "c": [1, 1, 2, 2, 1, 1, 2, 2], "y": np.arange(8.0)}
        )
        with pytest.raises(ValueError, match="nest=True"):
            Design(df, strata="h", cluster="c")
        d = Design(df, strata="h", cluster="c", nest=True)
        assert d.n_psu == 4 and d.df == 2


# ---------------------------------------------------------------------------------------------
# Bad input


class TestBadInput:
    def test_weights_must_be_positive(self, apistrat):
        bad = apistrat.copy()
        bad.loc[11, "pw"] = 0
        with pytest.raises(ValueError, match="权重列 pw 第 12 行为 0：权重必须大于 0"):
            Design(bad, weights="pw", strata="stype")
        bad.loc[11, "pw"] = -1.5
        with pytest.raises(ValueError, match="第 12 行为 -1.5"):
            Design(bad, weights="pw")
        bad.loc[11, "pw"] = np.nan
        with pytest.raises(ValueError, match="权重列 pw 第 12 行缺失"):
            Design(bad, weights="pw")

    def test_missing_columns(self, apistrat, dstrat):
        with pytest.raises(ValueError, match="数据中没有权重列 'wt'"):
            Design(apistrat, weights="wt")
        with pytest.raises(ValueError, match="数据中没有分析变量列 'api01'"):
            dstrat.mean("api01")
        with pytest.raises(ValueError, match="数据中没有分组列 'town'"):
            dstrat.mean("api00", by="town")

    def test_text_in_numeric_column(self, apistrat):
        bad = apistrat.astype({"api00": object})
        bad.loc[2, "api00"] = "abc"
        d = Design(bad, weights="pw", strata="stype")
        with pytest.raises(ValueError, match="变量 api00 第 3 行为文本 'abc'：应为数值"):
            d.mean("api00")
        txt = apistrat.astype({"pw": object})
        txt.loc[0, "pw"] = "四十四"
        with pytest.raises(ValueError, match="权重列 pw 第 1 行为文本 '四十四'"):
            Design(txt, weights="pw")

    def test_numbers_stored_as_text_are_accepted(self, apistrat):
        txt = apistrat.assign(api00=apistrat["api00"].astype(str))
        m = Design(txt, weights="pw", strata="stype", fpc="fpc").mean("api00")
        assert r_equal(m.se, 9.4089)

    def test_all_missing(self, apistrat):
        d = Design(apistrat.assign(api00=np.nan), weights="pw", strata="stype")
        with pytest.raises(ValueError, match="变量 api00 全部缺失（200 行），无法估计"):
            d.mean("api00")

    def test_design_columns(self, apistrat):
        with pytest.raises(ValueError, match="分层列 stype 第 5 行缺失"):
            Design(
                apistrat.assign(stype=apistrat["stype"].mask(apistrat.index == 4)), strata="stype"
            )
        mixed = apistrat.assign(fpc=np.where(apistrat.index == 0, 0.5, apistrat["fpc"]))
        with pytest.raises(ValueError, match="混有大于 1 和小于 1 的值"):
            Design(mixed, strata="stype", fpc="fpc")
        vary = apistrat.assign(fpc=np.where(apistrat.index == 0, 5000, apistrat["fpc"]))
        with pytest.raises(ValueError, match="在层 'E' 内取值不唯一"):
            Design(vary, strata="stype", fpc="fpc")
        with pytest.raises(ValueError, match="小于样本 PSU 数 100"):
            Design(apistrat.assign(fpc=50), strata="stype", fpc="fpc")
        with pytest.raises(ValueError, match="lonely_psu 应为"):
            Design(apistrat, lonely_psu="skip")
        with pytest.raises(ValueError, match="DataFrame"):
            Design([1, 2, 3])

    def test_poststratify_inputs(self, dclus1):
        with pytest.raises(ValueError, match="类别 'M' 在样本中出现，但总体数中没有"):
            dclus1.poststratify("stype", {"E": 4421, "H": 755})
        with pytest.raises(ValueError, match="partial=True"):
            dclus1.poststratify("stype", {**POP_TYPES, "K": 10})
        ok = dclus1.poststratify("stype", {**POP_TYPES, "K": 10}, partial=True)
        assert ok.weights.sum() == pytest.approx(6194)
        with pytest.raises(ValueError, match="应为正数"):
            dclus1.poststratify("stype", {"E": 4421, "H": 0, "M": 1018})


# ---------------------------------------------------------------------------------------------
# Satisfaction


@pytest.fixture
def survey5() -> pd.DataFrame:
    # five respondents, three items on 1–5 (5 = 很满意); 9 and 不适用 mean "not applicable"
    return pd.DataFrame(
        {
            "town": ["甲", "甲", "乙", "乙", "乙"],
            "q1": [5, 4, 3, 2, 5],
            "q2": [4, 4, "不适用", 1, 5],
            "q3": [3, 9, 5, 4, 4],
        }
    )


class TestSatisfaction:
    def test_rate_by_hand(self, survey5):
        res = satisfaction_index(survey5, ["q1", "q2", "q3"], na_values=("不适用", 9))
        t = res.table.set_index("name")
        # q1: 5,4 / 5 valid → 3 satisfied (5,4,5) of 5 = 60; q2: 4,4,5 of 4 valid = 75;
        # q3: 5,4,4 of 4 valid = 75; pooled: (3 + 3 + 3) / 13 = 69.23
        assert t.loc["q1", "estimate"] == pytest.approx(60)
        assert t.loc["q2", "estimate"] == pytest.approx(75)
        assert t.loc["q3", "estimate"] == pytest.approx(75)
        assert res.overall == pytest.approx(900 / 13)
        assert t.loc["总体", ["n_respondents", "n_valid", "n_excluded"]].tolist() == [5, 13, 2]
        assert t.loc["q2", ["n_valid", "n_excluded"]].tolist() == [4, 1]
        # SRS (with replacement) SE of an item rate: 100·sqrt(p(1 − p)/(n − 1))
        assert t.loc["q1", "se"] == pytest.approx(100 * math.sqrt(0.6 * 0.4 / 4))
        assert res.method == "rate" and "满意人数/有效人数" in res.summary()

    def test_likert_points_and_rescaled(self, survey5):
        kw = {"na_values": ("不适用", 9)}
        lp = satisfaction_index(survey5, ["q1"], method="likert_points", **kw)
        # q1 = 5,4,3,2,5 → 100,80,60,40,100 → 76
        assert lp.overall == pytest.approx(76)
        assert lp.points == {5: 100.0, 4: 80.0, 3: 60.0, 2: 40.0, 1: 20.0}
        assert "unverified" in lp.summary()
        rs = satisfaction_index(survey5, ["q1"], method="rescaled", **kw)
        # mean 3.8 → (3.8 − 1)/4 × 100 = 70
        assert rs.overall == pytest.approx(70)
        custom = satisfaction_index(
            survey5,
            ["q1"],
            method="likert_points",
            points={5: 100, 4: 85, 3: 70, 2: 50, 1: 0},
            **kw,
        )
        assert custom.overall == pytest.approx((100 + 85 + 70 + 50 + 100) / 5)

    def test_dimensions_groups_and_pooling(self, survey5):
        dims = {"服务态度": ["q1", "q2"], "办事效率": ["q3"]}
        res = satisfaction_index(survey5, dimensions=dims, by="town", na_values=("不适用", 9))
        t = res.table.set_index(["town", "name"])
        # 甲: q1 5,4 q2 4,4 → 4/4 = 100; 乙: q1 3,2,5 q2 1,5 → 2/5 = 40
        assert t.loc[("甲", "服务态度"), "estimate"] == pytest.approx(100)
        assert t.loc[("乙", "服务态度"), "estimate"] == pytest.approx(40)
        assert set(res.table["level"]) == {"overall", "dimension", "item"}
        items = satisfaction_index(survey5, ["q1", "q2"], pooling="items", na_values=("不适用", 9))
        # equal-weight mean of item rates: (60 + 75) / 2
        assert items.overall == pytest.approx(67.5)

    def test_reverse_items(self, survey5):
        df = survey5.assign(q4=[1, 2, 3, 4, 5])  # "I waited too long": 1 = strongly disagree
        res = satisfaction_index(df, ["q4"], reverse=["q4"], na_values=("不适用", 9))
        assert res.overall == pytest.approx(40)  # recoded 5,4,3,2,1 → 2 satisfied of 5
        assert "反向题" in res.summary()

    def test_with_design_equals_design_mean(self, apiclus1, dclus1):
        df = apiclus1.assign(q=np.clip(np.round(apiclus1["api00"] / 200), 1, 5).astype(int))
        design = Design(df, weights="pw", cluster="dnum", fpc="fpc")
        res = satisfaction_index(df, ["q"], design=design, by="stype")
        share = design.mean("q", by="stype")  # not the same statistic: check via indicator
        ind = df.assign(sat=df["q"].isin([4, 5]).astype(float))
        ref = Design(ind, weights="pw", cluster="dnum", fpc="fpc").mean("sat", by="stype")
        got = res.table[res.table["name"] == "q"].set_index("stype")
        for s in ("E", "H", "M"):
            row = ref.set_index("stype").loc[s]
            assert got.loc[s, "estimate"] == pytest.approx(100 * row["estimate"], rel=1e-12)
            assert got.loc[s, "se"] == pytest.approx(100 * row["se"], rel=1e-12)
        assert len(share) == 3 and "设计推断" in res.variance
        json_ready = res.to_dict()
        assert json_ready["method"] == "rate" and isinstance(json_ready["table"], list)

    def test_index_to_points_uses_positive_rule(self):
        assert index_to_points(85.0, 10, 90) == score_indicator("positive", 10, 90, 85.0) == 9.44
        assert index_to_points(93.0, 10, 90) == 10.0
        assert index_to_points(Estimate("mean", "x", 45.0, 1, 43, 47), 5, 90) == 2.5
        with pytest.raises(ValueError, match="缺失"):
            index_to_points(float("nan"), 10, 90)

    def test_bad_answers(self, survey5):
        with pytest.raises(ValueError, match="题目 q3 第 2 行的值 9 不在量表 1–5"):
            satisfaction_index(survey5, ["q3"])
        bad = survey5.assign(q1=["5", "好", 3, 2, 5])
        with pytest.raises(ValueError, match="题目 q1 第 2 行为文本 '好'"):
            satisfaction_index(bad, ["q1"])
        with pytest.raises(ValueError, match="请用 points"):
            satisfaction_index(survey5, ["q1"], method="likert_points", scale=(1, 7))
        with pytest.raises(ValueError, match="数据中没有满意度题目列 'q9'"):
            satisfaction_index(survey5, ["q9"])
        with pytest.raises(ValueError, match="method 应为"):
            satisfaction_index(survey5, ["q1"], method="nps")


# ---------------------------------------------------------------------------------------------
# IPA, group comparisons, ordinal logit, sample size


@pytest.fixture
def ipa_data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "p_a": [5, 4, 5, 4],  # performance mean 4.5
            "p_b": [2, 2, 3, 1],  # 2.0
            "p_c": [4, 4, 3, 3],  # 3.5
            "p_d": [2, 3, 2, 3],  # 2.5
            "i_a": [5, 5, 4, 4],  # importance 4.5
            "i_b": [5, 4, 5, 4],  # 4.5
            "i_c": [2, 2, 1, 1],  # 1.5
            "i_d": [2, 3, 2, 2],  # 2.25
        }
    )


class TestIpa:
    def test_stated_midpoint(self, ipa_data):
        res = ipa(ipa_data, ["p_a", "p_b", "p_c", "p_d"], ["i_a", "i_b", "i_c", "i_d"])
        q = res.set_index("item")["quadrant"].to_dict()
        assert q == {"p_a": "继续保持", "p_b": "重点改进", "p_c": "过度投入", "p_d": "维持现状"}
        en = res.set_index("item")["quadrant_en"].to_dict()
        assert en["p_b"] == "Concentrate here" and en["p_a"] == "Keep up the good work"
        assert res.attrs["crosshair_performance"] == 3.0

    def test_crosshair_moves_items(self, ipa_data):
        mapping = {"p_a": "i_a", "p_b": "i_b", "p_c": "i_c", "p_d": "i_d"}
        mid = ipa(ipa_data, list(mapping), mapping)
        mean = ipa(ipa_data, list(mapping), mapping, crosshair="mean")
        # performance mean of means = 3.125: p_c (3.5) stays high; importance mean 3.1875
        assert mean.attrs["crosshair_performance"] == pytest.approx(3.125)
        assert mean.attrs["crosshair_importance"] == pytest.approx(3.1875)
        assert (mid["quadrant"] == mean["quadrant"]).all()
        # p_b = 1.0 and p_c = 2.75: below the midpoint 3, above the mean of means 2.6875
        shifted = ipa_data.assign(p_b=[1, 1, 1, 1], p_c=[3, 3, 3, 2])
        a = ipa(shifted, list(mapping), mapping).set_index("item").loc["p_c", "quadrant"]
        b = ipa(shifted, list(mapping), mapping, crosshair="mean").set_index("item")
        assert b.attrs["crosshair_performance"] == pytest.approx(2.6875)
        assert (a, b.loc["p_c", "quadrant"]) == ("维持现状", "过度投入")

    def test_derived_importance(self):
        rng = np.random.default_rng(11)
        x = rng.integers(1, 6, size=(300, 3)).astype(float)
        overall = np.clip(
            np.round(0.8 * x[:, 0] + 0.1 * x[:, 1] + 0.1 * x[:, 2] + rng.normal(0, 0.5, 300)), 1, 5
        )
        df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(o=overall)
        reg = ipa(df, ["a", "b", "c"], method="derived_regression", overall="o")
        cor = ipa(df, ["a", "b", "c"], method="derived_correlation", overall="o")
        assert reg["importance"].idxmax() == 0 and cor["importance"].idxmax() == 0
        assert cor["importance"].iloc[0] == pytest.approx(np.corrcoef(df["a"], df["o"])[0, 1])

    def test_plot(self, ipa_data):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        res = ipa(ipa_data, ["p_a", "p_b", "p_c", "p_d"], ["i_a", "i_b", "i_c", "i_d"])
        ax = plot_ipa(res)
        ax.figure.canvas.draw()  # missing CJK glyphs would warn (and fail, see pyproject)
        assert ax.get_title() == "重要性—表现分析（IPA）"
        plt.close(ax.figure)

    def test_bad_input(self, ipa_data):
        with pytest.raises(ValueError, match="需要重要性题目"):
            ipa(ipa_data, ["p_a"])
        with pytest.raises(ValueError, match="需要总体满意度列"):
            ipa(ipa_data, ["p_a"], method="derived_correlation")


class TestGroupComparisons:
    def test_pearson_without_design(self, apiclus1):
        from scipy import stats

        res = compare_groups(apiclus1, "sch.wide", "stype")
        tab = pd.crosstab(apiclus1["stype"], apiclus1["sch.wide"])
        ref = stats.chi2_contingency(tab, correction=False)
        assert res.tests.iloc[0]["statistic"] == pytest.approx(ref.statistic)
        assert res.p_value == pytest.approx(ref.pvalue)
        assert res.primary == "pearson"

    def test_means_without_design(self, apiclus1):
        from scipy import stats

        res = compare_groups(apiclus1, "api00", "stype")
        groups = [g["api00"].to_numpy() for _, g in apiclus1.groupby("stype")]
        assert res.p_value == pytest.approx(stats.f_oneway(*groups).pvalue)
        assert res.kind == "numeric" and set(res.tests["test"]) == {"anova", "welch_anova"}

    def test_design_wald_for_two_groups_is_squared_z(self, apiclus1, dclus1):
        # two groups: F = (ȳ_Yes − ȳ_No)² / Var(difference), the variance from the linearised
        # variable of the difference, computed here by hand (PSU totals, fpc, n/(n − 1))
        res = compare_groups(apiclus1, "api00", "sch.wide", design=dclus1)
        f = res.tests.set_index("test").loc["wald"]
        assert (f["df1"], f["df2"]) == (1, 14)
        y, w = apiclus1["api00"].to_numpy(float), apiclus1["pw"].to_numpy(float)
        yes = (apiclus1["sch.wide"] == "Yes").to_numpy()
        z = np.zeros(len(y))
        for grp, sign in ((yes, 1.0), (~yes, -1.0)):
            mean = np.sum(w[grp] * y[grp]) / np.sum(w[grp])
            z[grp] = sign * w[grp] * (y[grp] - mean) / np.sum(w[grp])
        t = pd.Series(z).groupby(apiclus1["dnum"].to_numpy()).sum().to_numpy()
        var = (1 - 15 / 757) * 15 / 14 * np.sum((t - t.mean()) ** 2)
        tab = res.table.set_index("sch.wide")
        diff = tab.loc["Yes", "estimate"] - tab.loc["No", "estimate"]
        assert f["statistic"] == pytest.approx(diff**2 / var, rel=1e-10)
        assert "均值" in res.summary()

    def test_replicate_wald_uses_replicate_covariance(self, apiclus1, dclus1):
        j = dclus1.jackknife()
        res = compare_groups(apiclus1, "api00", "sch.wide", design=j)
        wr = j.replicate_weights()
        y = apiclus1["api00"].to_numpy(float)[:, None]
        yes = (apiclus1["sch.wide"] == "Yes").to_numpy()[:, None]
        m_yes = (wr * y * yes).sum(0) / (wr * yes).sum(0)
        m_no = (wr * y * ~yes).sum(0) / (wr * ~yes).sum(0)
        d = m_yes - m_no
        var = (1 - 15 / 757) * 14 / 15 * np.sum((d - d.mean()) ** 2)  # JK1 with fpc, as R
        full = dclus1.mean("api00", by="sch.wide").set_index("sch.wide")["estimate"]
        f = res.tests.set_index("test").loc["wald", "statistic"]
        assert f == pytest.approx((full["Yes"] - full["No"]) ** 2 / var, rel=1e-10)


def _total_score(loglik_i, par, eps):
    """Gradient of the total log-likelihood by central differences."""
    return np.array(
        [
            (loglik_i(par + eps * e).sum() - loglik_i(par - eps * e).sum()) / (2 * eps)
            for e in np.eye(len(par))
        ]
    )


class TestOrdinalLogit:
    def test_recovers_simulated_coefficients(self):
        rng = np.random.default_rng(2024)
        n = 4000
        x = rng.normal(size=n)
        g = rng.choice(["城区", "乡镇"], size=n)
        latent = 1.0 * x + 0.5 * (g == "城区") + rng.logistic(size=n)
        y = np.digitize(latent, [-1.0, 0.5, 2.0]) + 1  # levels 1–4
        res = ordinal_logit(pd.DataFrame({"y": y, "x": x, "g": g}), "y", ["x", "g"])
        t = res.set_index("term")
        assert t.loc["x", "estimate"] == pytest.approx(1.0, abs=0.1)
        assert t.loc["g=城区", "estimate"] == pytest.approx(0.5, abs=0.12)
        assert t.loc["x", "odds_ratio"] == pytest.approx(math.exp(t.loc["x", "estimate"]))
        cuts = t[t["kind"] == "threshold"]["estimate"].to_numpy()
        assert cuts == pytest.approx([-1.0, 0.5, 2.0], abs=0.15)
        assert res.attrs["n"] == n and res.attrs["levels"] == [1, 2, 3, 4]

    @staticmethod
    def housing() -> pd.DataFrame:
        """Madsen (1976) housing satisfaction, 72 cells with counts (R's ``MASS::housing``)."""
        h = pd.read_csv(DATA / "housing.csv")
        for col, levels in [
            ("Infl", ["Low", "Medium", "High"]),
            ("Type", ["Tower", "Apartment", "Atrium", "Terrace"]),
            ("Cont", ["Low", "High"]),
        ]:
            h[col] = pd.Categorical(h[col], categories=levels)
        return h

    def test_frequency_weights_match_mass_polr(self):
        """``polr(Sat ~ Infl + Type + Cont, weights = Freq, data = housing)``: the output printed
        in ?polr and Venables & Ripley (2002, §7.3): coefficients 0.5663937 1.2888191
        −0.5723501 −0.3661866 −1.0910149 0.3602841, intercepts −0.4961353 0.6907083; standard
        errors from summary() 0.10465 0.12716 0.11924 0.15517 0.15149 0.09554 0.1248 0.1255."""
        res = ordinal_logit(
            self.housing(),
            "Sat",
            ["Infl", "Type", "Cont"],
            categories=["Low", "Medium", "High"],
            weights="Freq",
        ).set_index("term")
        published = {
            "Infl=Medium": (0.5663937, 0.10465),
            "Infl=High": (1.2888191, 0.12716),
            "Type=Apartment": (-0.5723501, 0.11924),
            "Type=Atrium": (-0.3661866, 0.15517),
            "Type=Terrace": (-1.0910149, 0.15149),
            "Cont=High": (0.3602841, 0.09554),
            "Low|Medium": (-0.4961353, 0.1248),
            "Medium|High": (0.6907083, 0.1255),
        }
        assert list(res.index) == list(published)
        for term, (estimate, se) in published.items():
            assert res.loc[term, "estimate"] == pytest.approx(estimate, abs=2e-6), term
            assert res.loc[term, "se"] == pytest.approx(se, abs=6e-5), term
        assert res.attrs["weights"] == "frequency" and res.attrs["variance"] == "model"
        # a frequency weight of k is k identical respondents
        h = self.housing()
        rows = h.loc[h.index.repeat(h["Freq"])].reset_index(drop=True)
        expanded = ordinal_logit(
            rows, "Sat", ["Infl", "Type", "Cont"], categories=["Low", "Medium", "High"]
        ).set_index("term")
        assert expanded["estimate"].to_numpy() == pytest.approx(res["estimate"].to_numpy(), 1e-9)
        assert expanded["se"].to_numpy() == pytest.approx(res["se"].to_numpy(), 1e-9)
        assert expanded.attrs["n"] == 1681

    def test_unweighted_fit_agrees_with_statsmodels(self):
        """statsmodels has no weights for ``OrderedModel``, so the fit is this project's own;
        unweighted it gives statsmodels' estimates and standard errors."""
        from statsmodels.miscmodels.ordinal_model import OrderedModel

        rng = np.random.default_rng(11)
        n = 800
        x1, x2 = rng.normal(size=n), rng.integers(0, 2, size=n).astype(float)
        y = np.digitize(0.7 * x1 - 0.4 * x2 + rng.logistic(size=n), [-1.2, 0.0, 1.1])
        ours = ordinal_logit(pd.DataFrame({"y": y, "x1": x1, "x2": x2}), "y", ["x1", "x2"])
        fit = OrderedModel(y, np.column_stack([x1, x2]), distr="logit").fit(
            method="newton", disp=False, maxiter=200
        )
        beta = np.asarray(fit.params)[:2]
        se = np.sqrt(np.diag(np.asarray(fit.cov_params())))[:2]
        assert ours["estimate"].to_numpy()[:2] == pytest.approx(beta, abs=1e-5)
        assert ours["se"].to_numpy()[:2] == pytest.approx(se, rel=1e-3)
        raw = np.asarray(fit.params)[2:]  # first cut-point, then log increments
        cuts = np.cumsum(np.concatenate([[raw[0]], np.exp(raw[1:])]))
        assert ours["estimate"].to_numpy()[2:] == pytest.approx(cuts, abs=1e-5)

    def test_design_sandwich(self):
        """With a design the variance is A⁻¹ B A⁻¹ (Binder 1983; svyolr): for equal weights and
        no clusters B = n/(n − 1) Σ s_i s_iᵀ, s_i the score of respondent i (here by central
        differences of the per-respondent log-likelihood, independently of the fit)."""
        rng = np.random.default_rng(7)
        n = 300
        x = rng.normal(size=n)
        y = np.digitize(0.8 * x + rng.logistic(size=n), [-1.0, 0.3, 1.5])
        df = pd.DataFrame({"y": y, "x": x, "one": 1.0})
        model = ordinal_logit(df, "y", ["x"])
        srs = ordinal_logit(df, "y", ["x"], design=Design(df))
        assert srs["estimate"].to_numpy() == pytest.approx(model["estimate"].to_numpy(), 1e-10)
        est = srs["estimate"].to_numpy()  # beta, theta_1..theta_3

        def loglik_i(par):
            beta, theta = par[0], np.concatenate([[-np.inf], par[1:], [np.inf]])
            eta = beta * x
            return np.log(
                1 / (1 + np.exp(-(theta[y + 1] - eta))) - 1 / (1 + np.exp(-(theta[y] - eta)))
            )

        eps = 1e-6
        scores = np.column_stack(
            [
                (loglik_i(est + eps * e) - loglik_i(est - eps * e)) / (2 * eps)
                for e in np.eye(len(est))
            ]
        )
        # the information by central differences of the total score, also independent of the fit
        cov_model = np.linalg.inv(
            -np.column_stack(
                [
                    (
                        _total_score(loglik_i, est + 1e-4 * e, 1e-5)
                        - _total_score(loglik_i, est - 1e-4 * e, 1e-5)
                    )
                    / 2e-4
                    for e in np.eye(len(est))
                ]
            )
        )
        assert np.sqrt(np.diag(cov_model)) == pytest.approx(model["se"].to_numpy(), rel=1e-4)
        meat = n / (n - 1) * scores.T @ scores
        sandwich = cov_model @ meat @ cov_model
        assert srs["se"].to_numpy() == pytest.approx(np.sqrt(np.diag(sandwich)), rel=1e-4)
        # weights scaled by a constant change nothing
        df["w"] = 2.5
        scaled = ordinal_logit(df, "y", ["x"], design=Design(df, weights="w"))
        assert scaled["se"].to_numpy() == pytest.approx(srs["se"].to_numpy(), 1e-9)
        assert scaled.attrs["weights"] == "design" and scaled.attrs["variance"] == "taylor"

    def test_cluster_design_and_missing_rows(self, apiclus1):
        """svyolr's documented example: mealcat ~ avg.ed + mobility + stype on dclus1. Rows with
        a missing value keep their cluster with zero scores."""
        df = apiclus1.copy()
        df["mealcat"] = pd.cut(df["meals"], [0, 25, 50, 75, 100]).cat.codes.replace(-1, np.nan)
        df["stype"] = pd.Categorical(df["stype"], categories=["E", "H", "M"])
        dclus1 = Design(df, weights="pw", cluster="dnum", fpc="fpc")
        res = ordinal_logit(df, "mealcat", ["avg.ed", "mobility", "stype"], design=dclus1)
        assert res.attrs["n"] + res.attrs["n_dropped"] == 183 and res.attrs["converged"]
        assert list(res["term"]) == ["avg.ed", "mobility", "stype=H", "stype=M", "0|1",
                                     "1|2", "2|3"]  # fmt: skip
        # the same pseudo-likelihood as frequency weights pw (equal weights here: pw constant)
        freq = ordinal_logit(df, "mealcat", ["avg.ed", "mobility", "stype"], weights="pw")
        assert res["estimate"].to_numpy() == pytest.approx(freq["estimate"].to_numpy(), 1e-8)
        assert (res["se"] > 0).all() and res.loc[0, "se"] > 0.5
        with pytest.raises(ValueError, match="只能给出一个"):
            ordinal_logit(df, "mealcat", ["avg.ed"], design=dclus1, weights="pw")
        with pytest.raises(ValueError, match="应逐行对应"):
            ordinal_logit(df.iloc[:100], "mealcat", ["avg.ed"], design=dclus1)

    def test_text_outcome_needs_order(self):
        df = pd.DataFrame({"y": ["满意", "一般", "不满意"] * 5, "x": np.arange(15.0)})
        with pytest.raises(ValueError, match="categories"):
            ordinal_logit(df, "y", ["x"])
        res = ordinal_logit(df, "y", ["x"], categories=["不满意", "一般", "满意"])
        assert list(res["kind"]) == ["predictor", "threshold", "threshold"]


class TestSampleSize:
    def test_cochran_95_5(self):
        # Cochran (1977) eq. 4.2 with z = 1.959964, p = 0.5, e = 0.05: 384.15 → 385 (1.96: 384.16)
        assert sample_size() == 385
        assert sample_size(margin=0.05, confidence=0.95, p=0.5) == 385

    def test_krejcie_morgan_table(self):
        # Krejcie & Morgan (1970), Educational and Psychological Measurement 30, 607–610,
        # Table 1 (N → S): 100 → 80, 220 → 140, 500 → 217, 1200 → 291, 1500 → 306, 2800 → 338.
        # Their table rounds to the nearest integer.
        for big_n, s in [(100, 80), (220, 140), (500, 217), (1200, 291), (1500, 306), (2800, 338)]:
            assert sample_size(population=big_n, rounding="nearest") == s
        # rounding up (the default) never gives less: 1200 → 291.18 → 292
        assert sample_size(population=1200) == 292

    def test_design_effect_and_limits(self):
        assert sample_size(deff=2.0) == 769  # 768.29 → 769
        assert sample_size(margin=0.03) == 1068  # 1067.07
        assert sample_size(population=50) <= 50
        with pytest.raises(ValueError, match="误差范围 margin"):
            sample_size(margin=5)
        with pytest.raises(ValueError, match="预期比例 p"):
            sample_size(p=1.2)
