"""Ranking: weighted sum, TOPSIS, VIKOR.

Published examples (each test names its source):
- Hwang, C.L. & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and Applications.
  Springer, pp. 128–134: fighter-aircraft example (4 aircraft × 6 criteria, weights
  0.2/0.1/0.1/0.1/0.2/0.3, price a cost), published d+ = .0545 .1197 .0580 .1009,
  d− = .0983 .0439 .0920 .0458, closeness .643 .268 .613 .312 (the book rounds intermediate
  values to 4 dp; exact arithmetic gives .614 for A3).
- Opricovic, S. & Tzeng, G.-H. (2004). Compromise solution by MCDM methods: a comparative
  analysis of VIKOR and TOPSIS. EJOR 156(2), 445–455: numerical example (risk 1–5 a cost,
  altitude a benefit, equal weights). VIKOR (Table 3): S = .5 .375 .5, R = .5 .25 .5, Q = 1 0 1,
  compromise A2, identical for the rescaled problem φ; TOPSIS: C = .762 .722 .238 (problem f)
  but .489 .612 .511 (problem φ): vector normalisation is not invariant to a change of units.
"""

import json

import numpy as np
import pandas as pd
import pytest

from methods.ranking import topsis, vikor, weighted_sum

FIGHTER = pd.DataFrame(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ],
    index=["A1", "A2", "A3", "A4"],
    columns=["speed", "range", "payload", "price", "reliability", "maneuverability"],
)
FIGHTER_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
FIGHTER_T = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]

OT_F = [[1, 3000], [2, 3750], [5, 4500]]  # risk (1–5), altitude (m)
OT_PHI = [[6, 2.0], [7, 2.75], [10, 3.5]]  # risk (6–10), altitude (km above foothill)
OT_T = ["cost", "benefit"]


class TestTopsisPublished:
    def test_hwang_yoon_1981_fighter_aircraft(self):
        r = topsis(FIGHTER, FIGHTER_W, FIGHTER_T)
        t = r.table
        assert list(t.columns) == ["alternative", "d_plus", "d_minus", "closeness", "rank"]
        np.testing.assert_allclose(t["d_plus"], [0.0545, 0.1197, 0.0580, 0.1009], atol=2e-4)
        np.testing.assert_allclose(t["d_minus"], [0.0983, 0.0439, 0.0920, 0.0458], atol=2e-4)
        np.testing.assert_allclose(t["closeness"], [0.643, 0.268, 0.613, 0.312], atol=1.5e-3)
        assert t["rank"].tolist() == [1, 4, 2, 3]
        assert r.normalization == "vector" and r.best == "A1"

    def test_opricovic_tzeng_2004_problem_f(self):
        t = topsis(OT_F, [0.5, 0.5], OT_T).table
        np.testing.assert_allclose(t["d_plus"], [0.114, 0.108, 0.365], atol=5e-4)
        np.testing.assert_allclose(t["d_minus"], [0.365, 0.280, 0.114], atol=5e-4)
        np.testing.assert_allclose(t["closeness"], [0.762, 0.722, 0.238], atol=5e-4)
        assert t["rank"].tolist() == [1, 2, 3]

    def test_opricovic_tzeng_2004_problem_phi_units_change_winner(self):
        t = topsis(OT_PHI, [0.5, 0.5], OT_T).table
        np.testing.assert_allclose(t["d_plus"], [0.154, 0.085, 0.147], atol=5e-4)
        np.testing.assert_allclose(t["d_minus"], [0.147, 0.134, 0.154], atol=5e-4)
        np.testing.assert_allclose(t["closeness"], [0.489, 0.612, 0.511], atol=5e-4)
        assert t["rank"].tolist() == [3, 1, 2]
        # min–max normalisation is unit-invariant: both problems rank the same
        a = topsis(OT_F, [0.5, 0.5], OT_T, "minmax").table["closeness"]
        b = topsis(OT_PHI, [0.5, 0.5], OT_T, "minmax").table["closeness"]
        np.testing.assert_allclose(a, b)


class TestTopsisNormalization:
    X = [[3.0, 3.0, 8.0], [9.0, 1.0, 5.0], [8.0, 2.0, 8.0]]
    W = [0.4, 0.3, 0.3]
    T = ["benefit", "benefit", "cost"]

    def test_vector_and_minmax_pick_different_winners(self):
        v = topsis(self.X, self.W, self.T)
        m = topsis(self.X, self.W, self.T, normalization="minmax")
        assert (v.best, m.best) == ("A3", "A2")
        assert v.normalization == "vector" and m.normalization == "minmax"
        assert "向量归一化" in v.summary() and "normalization='vector'" in v.summary()
        assert "极差标准化" in m.summary()
        assert v.to_dict()["normalization"] == "vector"

    def test_minmax_formula(self):
        X = np.array(self.X)
        r = (X - X.min(0)) / (X.max(0) - X.min(0))
        r[:, 2] = 1 - r[:, 2]
        V = r * self.W
        dp = np.sqrt(((V - V.max(0)) ** 2).sum(1))
        dm = np.sqrt(((V - V.min(0)) ** 2).sum(1))
        t = topsis(self.X, self.W, self.T, "minmax").table
        np.testing.assert_allclose(t["closeness"], dm / (dp + dm))

    def test_unknown_normalization(self):
        with pytest.raises(ValueError, match="vector 或 minmax"):
            topsis(self.X, self.W, self.T, "sum")


class TestVikorPublished:
    @pytest.mark.parametrize("X", [OT_F, OT_PHI], ids=["f", "phi"])
    def test_opricovic_tzeng_2004(self, X):
        r = vikor(X, [0.5, 0.5], OT_T)
        t = r.table
        assert list(t.columns) == ["alternative", "S", "R", "Q", "rank_S", "rank_R", "rank"]
        np.testing.assert_allclose(t["S"], [0.5, 0.375, 0.5], atol=5e-4)
        np.testing.assert_allclose(t["R"], [0.5, 0.25, 0.5], atol=5e-4)
        np.testing.assert_allclose(t["Q"], [1.0, 0.0, 1.0], atol=5e-4)
        assert t["rank"].tolist() == [2, 1, 2]
        assert r.dq == 0.5 and r.advantage == pytest.approx(1.0)
        assert r.c1 and r.c2
        assert r.compromise == ("A2",)
        s = r.summary()
        assert "折中解 A2" in s and "C1 可接受优势：满足" in s and "C2 决策稳定性：满足" in s


def reference_vikor(X, w, benefit, v=0.5):
    """Opricovic & Tzeng (2004) steps written out with Python loops (independent check)."""
    m, n = len(X), len(X[0])
    best = [
        max(X[i][j] for i in range(m)) if benefit[j] else min(X[i][j] for i in range(m))
        for j in range(n)
    ]
    worst = [
        min(X[i][j] for i in range(m)) if benefit[j] else max(X[i][j] for i in range(m))
        for j in range(n)
    ]
    S, R = [], []
    for i in range(m):
        terms = [w[j] * (best[j] - X[i][j]) / (best[j] - worst[j]) for j in range(n)]
        S.append(sum(terms))
        R.append(max(terms))
    Q = [
        v * (S[i] - min(S)) / (max(S) - min(S)) + (1 - v) * (R[i] - min(R)) / (max(R) - min(R))
        for i in range(m)
    ]
    order = sorted(range(m), key=lambda i: (Q[i], i))
    a1, a2 = order[0], order[1]
    dq = 1 / (m - 1)
    c1 = Q[a2] - Q[a1] >= dq
    c2 = S[a1] == min(S) or R[a1] == min(R)
    if c1 and c2:
        comp = [a1]
    elif c1:
        comp = [a1, a2]
    else:
        comp = [i for i in order if Q[i] - Q[a1] < dq]
    return S, R, Q, c1, c2, comp


class TestVikorLogic:
    def test_against_reference_implementation(self):
        rng = np.random.default_rng(11)
        branches = set()
        for _ in range(300):
            m, k = int(rng.integers(3, 9)), int(rng.integers(2, 5))
            X = rng.integers(1, 20, (m, k)).astype(float) + rng.uniform(0, 1e-3, (m, k))
            w = rng.dirichlet(np.ones(k))
            benefit = rng.random(k) < 0.6
            types = ["benefit" if b else "cost" for b in benefit]
            S, R, Q, c1, c2, comp = reference_vikor(X.tolist(), w, benefit)
            r = vikor(X, w, types)
            np.testing.assert_allclose(r.table["S"], S, atol=1e-12)
            np.testing.assert_allclose(r.table["R"], R, atol=1e-12)
            np.testing.assert_allclose(r.table["Q"], Q, atol=1e-12)
            assert (r.c1, r.c2) == (c1, c2)
            assert r.compromise == tuple(f"A{i + 1}" for i in comp)
            branches.add((c1, c2))
        assert {(True, True), (False, True)} <= branches
        assert (True, False) in branches or (False, False) in branches

    def test_v_extremes(self):
        r = vikor(OT_F, [0.5, 0.5], OT_T, v=1.0)
        np.testing.assert_allclose(r.table["Q"], [1, 0, 1])
        with pytest.raises(ValueError, match="v 必须在 0 与 1 之间"):
            vikor(OT_F, [0.5, 0.5], OT_T, v=2)

    def test_needs_two_alternatives(self):
        with pytest.raises(ValueError, match="至少需要 2 个评价对象"):
            vikor([[1, 2]], [1, 1])


class TestWeightedSum:
    def test_minmax_default(self):
        r = weighted_sum(OT_F, [1, 1], OT_T)
        np.testing.assert_allclose(r.table["score"], [0.5, 0.625, 0.5])
        assert r.table["rank"].tolist() == [2, 1, 2]
        assert r.normalization == "minmax" and r.weights.sum() == pytest.approx(1)
        assert list(r.table.columns) == ["alternative", "score", "rank"]

    def test_other_normalizations(self):
        X = np.array([[2.0, 10.0], [4.0, 5.0]])
        mx = weighted_sum(X, [0.5, 0.5], ["benefit", "cost"], "max").table["score"]
        np.testing.assert_allclose(mx, [0.5 * 0.5 + 0.5 * 0.5, 0.5 * 1 + 0.5 * 1])
        sm = weighted_sum(X, [0.5, 0.5], ["benefit", "cost"], "sum").table["score"]
        np.testing.assert_allclose(sm, [0.5 * 2 / 6 + 0.5 * (1 / 3), 0.5 * 4 / 6 + 0.5 * (2 / 3)])
        nn = weighted_sum(X, [0.25, 0.75], normalization="none").table["score"]
        np.testing.assert_allclose(nn, [0.5 + 7.5, 1 + 3.75])
        with pytest.raises(ValueError, match="必须为正向"):
            weighted_sum(X, [1, 1], ["benefit", "cost"], "none")
        with pytest.raises(ValueError, match="未知的标准化方式"):
            weighted_sum(X, [1, 1], normalization="z")


class TestCommon:
    @pytest.mark.parametrize("seed", range(6))
    def test_permuting_alternatives_permutes_ranks(self, seed):
        rng = np.random.default_rng(seed)
        m, k = 9, 4
        X = pd.DataFrame(rng.uniform(1, 10, (m, k)), index=[f"P{i}" for i in range(m)])
        w = rng.dirichlet(np.ones(k))
        types = ["benefit", "cost", "benefit", "cost"]
        perm = rng.permutation(m)
        for fn in (topsis, vikor, weighted_sum):
            a = fn(X, w, types).table.set_index("alternative")
            b = fn(X.iloc[perm], w, types).table.set_index("alternative")
            assert list(b.index) == [f"P{i}" for i in perm]
            pd.testing.assert_frame_equal(a.loc[b.index], b, check_exact=False)
        nm = topsis(X, w, types, "minmax").table.set_index("alternative")
        nm2 = topsis(X.iloc[perm], w, types, "minmax").table.set_index("alternative")
        pd.testing.assert_series_equal(nm.loc[nm2.index, "rank"], nm2["rank"])

    def test_weight_scale_irrelevant_and_labels(self):
        a = topsis(FIGHTER, FIGHTER_W, FIGHTER_T)
        b = topsis(FIGHTER, [20, 10, 10, 10, 20, 30], FIGHTER_T)
        pd.testing.assert_frame_equal(a.table, b.table)
        c = topsis(
            FIGHTER,
            dict(zip(FIGHTER.columns[::-1], FIGHTER_W[::-1], strict=True)),
            dict(zip(FIGHTER.columns, FIGHTER_T, strict=True)),
        )
        pd.testing.assert_frame_equal(a.table, c.table)
        assert a.weights.sum() == pytest.approx(1)
        assert list(a.weights.index) == list(FIGHTER.columns)

    def test_default_labels(self):
        t = topsis(np.ones((3, 2)) + np.eye(3, 2), [1, 1]).table
        assert t["alternative"].tolist() == ["A1", "A2", "A3"]

    def test_ties_share_rank(self):
        t = topsis([[1, 2], [1, 2], [3, 1]], [0.5, 0.5]).table
        assert t["rank"].iloc[0] == t["rank"].iloc[1]

    def test_identical_alternatives(self):
        t = topsis([[1, 2], [1, 2]], [0.5, 0.5]).table
        assert t["closeness"].tolist() == [1.0, 1.0] and t["rank"].tolist() == [1, 1]

    def test_bad_input(self):
        X = FIGHTER
        with pytest.raises(ValueError, match=r"权重个数（3）与指标数（6）不一致"):
            topsis(X, [1, 2, 3], FIGHTER_T)
        with pytest.raises(ValueError, match="未知的指标方向 'better'"):
            topsis(X, FIGHTER_W, ["better"] * 6)
        with pytest.raises(ValueError, match="权重不能为负数"):
            vikor(X, [-1, 1, 1, 1, 1, 1], FIGHTER_T)
        with pytest.raises(ValueError, match="缺少 speed"):
            weighted_sum(X, {"range": 1}, FIGHTER_T)
        with pytest.raises(ValueError, match="二维"):
            topsis([1, 2, 3], [1])
        with pytest.raises(ValueError, match="缺失值"):
            topsis([[1, np.nan], [2, 3]], [1, 1])

    def test_json_and_summaries(self):
        for r in (
            topsis(FIGHTER, FIGHTER_W, FIGHTER_T),
            vikor(FIGHTER, FIGHTER_W, FIGHTER_T),
            weighted_sum(FIGHTER, FIGHTER_W, FIGHTER_T),
        ):
            d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
            assert d["normalization"] and len(d["table"]) == 4
            assert "排序" in r.summary()

    def test_large_problem_vectorised(self):
        rng = np.random.default_rng(0)
        X = rng.uniform(1, 100, (20_000, 20))
        r = topsis(X, rng.uniform(1, 2, 20), ["benefit"] * 10 + ["cost"] * 10)
        assert len(r.table) == 20_000 and r.table["rank"].min() == 1


class TestDirectionsPlusMinusOne:
    """Directions as +1 (benefit) / −1 (cost), the convention of pymcdm and scikit-criteria."""

    @pytest.mark.parametrize("fn", [topsis, vikor, weighted_sum])
    def test_same_result_as_names(self, fn):
        ref = fn(FIGHTER, FIGHTER_W, FIGHTER_T)
        for types in (
            [1, 1, 1, -1, 1, 1],
            np.array([1, 1, 1, -1, 1, 1]),
            ["+1", "1", "max", "−1", "正向", 1.0],
            dict(zip(FIGHTER.columns, [1, 1, 1, -1, 1, 1], strict=True)),
        ):
            got = fn(FIGHTER, FIGHTER_W, types)
            pd.testing.assert_frame_equal(got.table, ref.table)
            assert got.types == tuple(FIGHTER_T)  # reported by name
        pd.testing.assert_frame_equal(fn(OT_F, [0.5, 0.5], [-1, 1]).table,
                                      fn(OT_F, [0.5, 0.5], OT_T).table)  # fmt: skip

    def test_topsis_minmax_and_scalar(self):
        a = topsis(FIGHTER, FIGHTER_W, [1, 1, 1, -1, 1, 1], normalization="minmax")
        b = topsis(FIGHTER, FIGHTER_W, FIGHTER_T, normalization="minmax")
        pd.testing.assert_frame_equal(a.table, b.table)
        pd.testing.assert_frame_equal(
            vikor(FIGHTER, FIGHTER_W, -1).table, vikor(FIGHTER, FIGHTER_W, "cost").table
        )

    @pytest.mark.parametrize("bad", [0, 2, -0.5, True])
    def test_invalid_value_named(self, bad):
        for fn in (topsis, vikor, weighted_sum):
            with pytest.raises(ValueError, match=f"未知的指标方向 {bad}"):
                fn(FIGHTER, FIGHTER_W, [1, 1, 1, bad, 1, 1])
