"""Robustness: Monte Carlo weight perturbation (grades from the scoring engine) and rank reversal.

Grade bands are the project's presets (财预〔2020〕10号 mof_2020: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60; local_80).
Rank-reversal findings are checked against brute force with the public ranking functions.
"""

import json
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from methods.ranking import topsis, vikor, weighted_sum
from methods.robustness import _band_index, rank_reversal, weight_sensitivity
from methods.scoring import grade, grade_array, grade_bands

WEIGHTS = {"决策": 15, "过程": 20, "产出": 35, "效益": 30}


def fractions(n_cases=6, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.uniform(0.55, 1.0, (n_cases, 4)),
        index=[f"案例{i + 1}" for i in range(n_cases)],
        columns=list(WEIGHTS),
    )


class TestBands:
    @pytest.mark.parametrize("bands", ["mof_2020", "local_80", {"A": 85, "B": 70}])
    def test_band_index_matches_grade_array(self, bands):
        gb = grade_bands(bands)
        edge = np.array([89.995, 89.994, 90, 79.999, 80.0, 59.995, 59.994, 0, 100, 69.995, 84.995])
        rand = np.random.default_rng(1).uniform(40, 100, 5000)
        for totals in (edge, rand, np.round(rand, 2)):
            labels = np.array([label for label, _ in gb.bands][::-1], dtype=object)
            assert (labels[_band_index(totals, gb)] == grade_array(totals, gb)).all()


class TestWeightSensitivity:
    def test_table_and_base_grades(self):
        F = fractions()
        r = weight_sensitivity(F, WEIGHTS, n=2000)
        t = r.table
        assert list(t.columns) == [
            "case",
            "total",
            "grade",
            "p_grade_holds",
            "p_grade_up",
            "p_grade_down",
            "total_mean",
            "total_p05",
            "total_p50",
            "total_p95",
            "rank",
            "p_rank_holds",
            "rank_p05",
            "rank_p50",
            "rank_p95",
        ]
        base = F.to_numpy() @ np.array(list(WEIGHTS.values()))
        np.testing.assert_allclose(t["total"], np.round(base, 2))
        assert t["grade"].tolist() == [grade(x) for x in base]
        np.testing.assert_allclose(t["p_grade_holds"] + t["p_grade_up"] + t["p_grade_down"], 1)
        np.testing.assert_allclose(r.grade_probabilities.sum(axis=1), 1)
        np.testing.assert_allclose(r.rank_probabilities.sum(axis=1), 1)
        assert list(r.grade_probabilities.columns) == ["优", "良", "中", "差"]
        assert (t["rank_p05"] <= t["rank_p50"]).all() and (t["rank_p50"] <= t["rank_p95"]).all()
        assert (t["total_p05"] <= t["total_p95"]).all()

    def test_probability_matches_direct_count(self):
        F = fractions()
        r = weight_sensitivity(F, WEIGHTS, n=3000, seed=5)
        T = F.to_numpy() @ r.draws.T
        base = grade_array(F.to_numpy() @ np.array(list(WEIGHTS.values())))
        direct = [(grade_array(T[i]) == base[i]).mean() for i in range(len(F))]
        np.testing.assert_allclose(r.table["p_grade_holds"], direct)
        ranks = pd.DataFrame(np.round(T, 2)).rank(ascending=False, method="min").to_numpy()
        np.testing.assert_allclose(
            r.table["p_rank_holds"], (ranks == r.table["rank"].to_numpy()[:, None]).mean(axis=1)
        )

    def test_dirichlet_draws_have_given_mean(self):
        r = weight_sensitivity(fractions(), WEIGHTS, n=20_000, concentration=50)
        ws = r.weight_summary
        given = np.array(list(WEIGHTS.values()), dtype=float)
        p = given / 100
        se = 100 * np.sqrt(p * (1 - p) / 51) / np.sqrt(20_000)
        assert (np.abs(ws["mean"] - given) < 4 * se).all()
        np.testing.assert_allclose(ws["sd"], 100 * np.sqrt(p * (1 - p) / 51), rtol=0.05)
        np.testing.assert_allclose(r.draws.sum(axis=1), 100)

    def test_same_seed_same_results(self):
        a = weight_sensitivity(fractions(), WEIGHTS, n=1000, seed=42)
        b = weight_sensitivity(fractions(), WEIGHTS, n=1000, seed=42)
        c = weight_sensitivity(fractions(), WEIGHTS, n=1000, seed=43)
        pd.testing.assert_frame_equal(a.table, b.table)
        np.testing.assert_array_equal(a.draws, b.draws)
        assert not np.array_equal(a.draws, c.draws)

    def test_tight_concentration_keeps_everything(self):
        F = pd.DataFrame(
            {"决策": [1.0, 0.6], "过程": [1.0, 0.6], "产出": [1.0, 0.6], "效益": [0.95, 0.6]},
            index=["好", "差"],
        )
        r = weight_sensitivity(F, WEIGHTS, n=500, concentration=1e6)
        assert r.table["p_grade_holds"].tolist() == [1.0, 1.0]
        assert r.table["p_rank_holds"].tolist() == [1.0, 1.0]

    def test_points_equal_fractions(self):
        F = fractions()
        P = F * pd.Series(WEIGHTS)
        a = weight_sensitivity(F, WEIGHTS, n=500)
        b = weight_sensitivity(P, WEIGHTS, n=500, score_unit="points")
        pd.testing.assert_frame_equal(a.table, b.table)

    def test_ranges_scheme(self):
        ranges = {"产出": (30, 40), "效益": (25, 35)}
        r = weight_sensitivity(fractions(), WEIGHTS, ranges=ranges, n=2000)
        W = r.draws
        np.testing.assert_allclose(W.sum(axis=1), 100)
        # unlisted criteria keep their ratio: 决策 : 过程 = 15 : 20 in every draw
        np.testing.assert_allclose(W[:, 0] / W[:, 1], 15 / 20)
        assert r.scheme == "ranges" and r.concentration is None
        assert "区间内均匀抽样" in r.summary()

    def test_local_bands(self):
        r = weight_sensitivity(fractions(), WEIGHTS, n=500, bands="local_80")
        assert r.bands.name == "local_80"
        assert set(r.table["grade"]) <= {"优", "良", "中", "差"}

    def test_summary_line(self):
        r = weight_sensitivity(fractions(), WEIGHTS, n=1000)
        s = r.summary()
        assert s.startswith("权重敏感性分析：6 个案例 × 1,000 次权重抽样")
        line = s.splitlines()[2]
        assert line.startswith("案例1：总分 ")
        assert "该等级在权重扰动下保持的概率: " in line
        p = r.table["p_grade_holds"].iloc[0]
        if 0.005 <= p < 0.995:
            assert f"该等级在权重扰动下保持的概率: {round(p * 100)}%" in line
        assert "……其余 4 个案例" in r.summary(limit=2)
        assert json.loads(json.dumps(r.to_dict(), ensure_ascii=False))["n"] == 1000

    def test_errors(self):
        F = fractions()
        with pytest.raises(ValueError, match="权重合计应为 100 分（当前 95）"):
            weight_sensitivity(F, {**WEIGHTS, "效益": 25})
        with pytest.raises(ValueError, match="得分率应在 0–1 之间"):
            weight_sensitivity(F * 10, WEIGHTS)
        with pytest.raises(ValueError, match="权重个数（3）与指标数（4）不一致"):
            weight_sensitivity(F, [30, 30, 40])
        with pytest.raises(ValueError, match="Dirichlet 抽样要求每个指标权重为正数"):
            weight_sensitivity(F, {"决策": 0, "过程": 35, "产出": 35, "效益": 30})
        with pytest.raises(ValueError, match="权重区间中有未知指标"):
            weight_sensitivity(F, WEIGHTS, ranges={"满意度": (1, 2)})
        with pytest.raises(ValueError, match="权重区间无效"):
            weight_sensitivity(F, WEIGHTS, ranges={"产出": (40, 30)})
        with pytest.raises(ValueError, match="未知的得分单位"):
            weight_sensitivity(F, WEIGHTS, score_unit="percent")


def brute_force_pairs(X, w, types, method, **kw):
    """Reversed pairs by calling the public ranking functions on every reduced/extended matrix."""
    fn = {"topsis": topsis, "vikor": vikor, "weighted_sum": weighted_sum}[method]

    def ranks(frame):
        t = fn(frame, w, types, **kw).table.set_index("alternative")
        return t["rank"]

    X = pd.DataFrame(X, index=[f"A{i + 1}" for i in range(len(X))])
    base = ranks(X)
    out = set()
    if len(X) >= 3:
        for a in X.index:
            after = ranks(X.drop(index=a))
            for i, j in combinations(after.index, 2):
                for p, q in ((i, j), (j, i)):
                    if base[p] < base[q] and after[p] > after[q]:
                        out.add(("remove", a, p, q))
    benefit = [t == "benefit" for t in types]
    worst = [X.iloc[:, j].min() if benefit[j] else X.iloc[:, j].max() for j in range(X.shape[1])]
    ext = pd.concat([X, pd.DataFrame([worst], index=["劣解（各指标最差值）"], columns=X.columns)])
    after = ranks(ext).loc[X.index]
    for i, j in combinations(X.index, 2):
        for p, q in ((i, j), (j, i)):
            if base[p] < base[q] and after[p] > after[q]:
                out.add(("add", "劣解（各指标最差值）", p, q))
    return out


class TestRankReversal:
    def test_topsis_adding_dominated_alternative_reverses(self):
        # vector normalisation: adding an alternative dominated by all changes the column norms
        X = [[6.0, 5.0, 5.0], [9.0, 8.0, 8.0], [7.0, 6.0, 4.0], [9.0, 5.0, 2.0]]
        types = ["benefit", "benefit", "cost"]
        r = rank_reversal(X, [0.4, 0.3, 0.3], types, mode="add")
        assert r.reversal
        assert r.pairs.to_dict("records") == [
            {"change": "add", "alternative": "劣解（各指标最差值）", "first": "A1", "second": "A2"}
        ]
        assert "加入 劣解（各指标最差值） 后：A1 与 A2（现 A2 在前）" in r.summary()
        assert list(r.changes.columns) == [
            "change",
            "alternative",
            "other",
            "rank_before",
            "rank_after",
        ]
        assert r.normalization == "vector"
        both = rank_reversal(X, [0.4, 0.3, 0.3], types)
        assert set(both.pairs["alternative"]) == {"A3", "A4", "劣解（各指标最差值）"}
        assert "去掉 A3 后：A1 与 A2（现 A2 在前）" in both.summary()
        # min–max normalisation is unaffected by a dominated alternative (same min and max)
        mm = rank_reversal(X, [0.4, 0.3, 0.3], types, mode="add", normalization="minmax")
        assert not mm.reversal

    @pytest.mark.parametrize("method", ["topsis", "vikor", "weighted_sum"])
    @pytest.mark.parametrize("seed", range(4))
    def test_matches_brute_force(self, method, seed):
        rng = np.random.default_rng(seed)
        X = rng.integers(1, 10, (6, 3)).astype(float) + rng.uniform(0, 0.01, (6, 3))
        w = rng.dirichlet(np.ones(3))
        types = ["benefit", "cost", "benefit"]
        r = rank_reversal(X, w, types, method)
        found = {tuple(x) for x in r.pairs[["change", "alternative", "first", "second"]].to_numpy()}
        assert found == brute_force_pairs(X, w, types, method)
        assert len(r.tested) == 7 and r.tested["reversals"].sum() == len(r.pairs)

    def test_opricovic_tzeng_vikor_example(self):
        r = rank_reversal(
            [[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], ["cost", "benefit"], "vikor"
        )
        assert r.normalization is None and r.baseline["rank"].tolist() == [2, 1, 2]
        assert "秩反转检验（VIKOR）" in r.summary()

    def test_add_given_alternatives(self):
        X = pd.DataFrame(
            [[6.0, 5.0], [9.0, 8.0], [7.0, 6.0]], index=list("abc"), columns=["p", "q"]
        )
        new = pd.DataFrame([[8.0, 9.0]], index=["新"], columns=["q", "p"])
        r = rank_reversal(X, [0.5, 0.5], mode="add", add=new)
        assert r.tested["alternative"].tolist() == ["新"]
        with pytest.raises(ValueError, match="指标数"):
            rank_reversal(X, [0.5, 0.5], mode="add", add=[[1, 2, 3]])
        with pytest.raises(ValueError, match="未知的检验方式"):
            rank_reversal(X, [0.5, 0.5], mode="swap")
        with pytest.raises(ValueError, match="未知的排序方法"):
            rank_reversal(X, [0.5, 0.5], method="electre")

    def test_large_batch_vectorised(self):
        rng = np.random.default_rng(3)
        X = rng.uniform(1, 10, (300, 8))
        r = rank_reversal(X, rng.uniform(1, 2, 8), method="topsis", mode="remove")
        assert len(r.tested) == 300
        assert json.dumps(r.to_dict(), ensure_ascii=False)
