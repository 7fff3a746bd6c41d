"""Weights: AHP, group AHP, hierarchies, entropy, CRITIC, Delphi / Kendall's W, combined weights.

Published examples (each test names its source):
- Saaty, T.L. (1990). How to make a decision: the Analytic Hierarchy Process. EJOR 48, 9–26:
  house example, Table 2 (8 criteria; priorities .173 .054 .188 .018 .031 .036 .167 .333,
  λmax = 9.669, CI = 0.238, CR = 0.169) and Table 3 “size of house” (.754 .181 .065,
  λmax = 3.136, CI = 0.068, CR = 0.117).
- Krishnan, A.R., Kasim, M.M., Hamid, R. & Ghazali, M.F. (2021). A modified CRITIC method to
  estimate the objective weights of decision criteria. Symmetry 13(6), 973: Table 1 (5 smart
  phones × 5 criteria), Table 2 (σ), Table 5 (CRITIC and entropy weights).
- Siegel, S. & Castellan, N.J. (1988). Nonparametric Statistics for the Behavioral Sciences,
  2nd ed. (Kendall's W example, 3 raters × 8 attributes: W = 0.656, χ² = 13.778, df = 7,
  p = 0.0553; values as reproduced in the R package DescTools' KendallW documentation).
- R packages irr / DescTools, ``anxiety`` data (20 subjects × 3 raters) with tie correction:
  W = 0.5396569, χ² = 30.76, df = 19, p = 0.04288.
"""

import json
import re

import numpy as np
import pandas as pd
import pytest

from methods.weighting import (
    ahp,
    ahp_group,
    ahp_hierarchy,
    combine_weights,
    critic_weights,
    delphi,
    entropy_weights,
    kendall_w,
    random_index,
    random_index_tables,
    weights_to_points,
)

HOUSE_CRITERIA = [
    "size",
    "transport",
    "neighborhood",
    "age",
    "yard",
    "modern",
    "condition",
    "financing",
]
HOUSE_UPPER = {
    (0, 1): 5,
    (0, 2): 3,
    (0, 3): 7,
    (0, 4): 6,
    (0, 5): 6,
    (0, 6): 1 / 3,
    (0, 7): 1 / 4,
    (1, 2): 1 / 3,
    (1, 3): 5,
    (1, 4): 3,
    (1, 5): 3,
    (1, 6): 1 / 5,
    (1, 7): 1 / 7,
    (2, 3): 6,
    (2, 4): 3,
    (2, 5): 4,
    (2, 6): 6,
    (2, 7): 1 / 5,
    (3, 4): 1 / 3,
    (3, 5): 1 / 4,
    (3, 6): 1 / 7,
    (3, 7): 1 / 8,
    (4, 5): 1 / 2,
    (4, 6): 1 / 5,
    (4, 7): 1 / 6,
    (5, 6): 1 / 5,
    (5, 7): 1 / 6,
    (6, 7): 1 / 2,
}


def house_matrix() -> np.ndarray:
    A = np.eye(8)
    for (i, j), v in HOUSE_UPPER.items():
        A[i, j], A[j, i] = v, 1 / v
    return A


def consistent(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return w[:, None] / w[None, :]


KRISHNAN_X = [
    [649, 4.7, 326, 7.1, 143],
    [749, 5.5, 401, 7.3, 192],
    [740, 5.7, 520, 7.6, 171],
    [400, 5.7, 520, 11.1, 179],
    [600, 5.5, 538, 8.9, 152],
]
KRISHNAN_TYPES = ["cost", "benefit", "benefit", "cost", "cost"]


# ---------------------------------------------------------------------------------------------
# AHP: published examples


class TestAHPPublished:
    def test_saaty_1990_house_criteria(self):
        # Saaty (1990) EJOR 48, Table 2: λmax = 9.669, CI = 0.238, CR = 0.169 (RI = 1.41, n = 8)
        r = ahp(house_matrix(), labels=HOUSE_CRITERIA)
        np.testing.assert_allclose(
            r.weights.to_numpy(),
            [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333],
            atol=6e-4,
        )
        assert r.lambda_max == pytest.approx(9.669, abs=6e-4)
        assert r.ci == pytest.approx(0.238, abs=6e-4)
        assert r.cr == pytest.approx(0.169, abs=6e-4)
        assert (r.ri_table, r.ri) == ("saaty1980", 1.41)
        assert not r.consistent
        assert list(r.weights.index) == HOUSE_CRITERIA

    def test_saaty_1990_size_of_house(self):
        # Saaty (1990) EJOR 48, Table 3 “size of house”: .754 .181 .065, λmax 3.136, CR 0.117
        r = ahp([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]], labels=["A", "B", "C"])
        np.testing.assert_allclose(r.weights.to_numpy(), [0.754, 0.181, 0.065], atol=6e-4)
        assert r.lambda_max == pytest.approx(3.136, abs=6e-4)
        assert r.ci == pytest.approx(0.068, abs=6e-4)
        assert r.cr == pytest.approx(0.117, abs=6e-4)
        assert r.method == "eigenvector"

    def test_ri_table_changes_cr(self):
        # Same judgements, Alonso & Lamata (2006) RI(8) = 1.4056 instead of Saaty's 1.41
        saaty = ahp(house_matrix())
        al = ahp(house_matrix(), ri="alonso_lamata2006")
        assert al.ri == 1.4056 and al.ri_table == "alonso_lamata2006"
        assert al.cr == pytest.approx(saaty.ci / 1.4056)
        assert al.weights.equals(saaty.weights)

    def test_geometric_method_formula(self):
        # row geometric means; λmax estimated as mean((Aw)_i / w_i)
        A = house_matrix()
        r = ahp(A, method="geometric")
        g = np.prod(A, axis=1) ** (1 / 8)
        np.testing.assert_allclose(r.weights.to_numpy(), g / g.sum())
        w = g / g.sum()
        assert r.lambda_max == pytest.approx(np.mean(A @ w / w))
        assert r.method == "geometric" and r.weights.sum() == pytest.approx(1)


class TestRandomIndex:
    def test_saaty1980_values(self):
        expected = [
            0,
            0,
            0.58,
            0.90,
            1.12,
            1.24,
            1.32,
            1.41,
            1.45,
            1.49,
            1.51,
            1.48,
            1.56,
            1.57,
            1.59,
        ]
        assert [random_index(n)[1] for n in range(1, 16)] == expected

    def test_cn_textbook_differs_from_saaty_above_10(self):
        assert [random_index(n, "cn_textbook")[1] for n in range(5, 16)] == [
            1.12,
            1.24,
            1.32,
            1.41,
            1.45,
            1.49,
            1.52,
            1.54,
            1.56,
            1.58,
            1.59,
        ]

    def test_every_table_has_source(self):
        for name, t in random_index_tables().items():
            assert t["source"] and t["values"][3] > 0, name

    def test_custom_value(self):
        assert random_index(5, 1.1) == ("custom", 1.1)
        assert ahp(house_matrix(), ri=1.5).ri_table == "custom"

    def test_unknown_table_and_too_large(self):
        with pytest.raises(ValueError, match="未知的 RI 表 'nope'"):
            random_index(4, "nope")
        with pytest.raises(ValueError, match="只提供 n ≤ 15"):
            random_index(16)
        with pytest.raises(ValueError, match="只提供 n ≤ 10"):
            random_index(11, "saaty2004")


# ---------------------------------------------------------------------------------------------
# AHP: properties and inputs


class TestAHPProperties:
    @pytest.mark.parametrize("method", ["eigenvector", "geometric"])
    @pytest.mark.parametrize("seed", range(5))
    def test_consistent_matrix_recovers_w(self, method, seed):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(3, 12))
        w = rng.uniform(0.1, 5, n)
        r = ahp(consistent(w), method=method)
        np.testing.assert_allclose(r.weights.to_numpy(), w / w.sum(), rtol=1e-9)
        assert r.cr == 0 and r.ci == 0
        assert r.lambda_max == pytest.approx(n)
        assert r.consistent

    @pytest.mark.parametrize("n", [1, 2])
    def test_small_matrices_cr_zero(self, n):
        r = ahp(consistent([3, 1][:n]) if n == 2 else [[1]])
        assert r.cr == 0 and r.ci == 0 and r.ri == 0
        assert not np.isnan(r.cr)

    def test_weights_sum_to_one(self):
        for A in (house_matrix(), [[1, 2, 9], [1 / 2, 1, 3], [1 / 9, 1 / 3, 1]]):
            assert ahp(A).weights.sum() == pytest.approx(1)

    def test_dict_with_fraction_strings(self):
        r = ahp({("产出", "效益"): "1/2", ("产出", "过程"): 2, ("效益", "过程"): 4})
        assert list(r.weights.index) == ["产出", "效益", "过程"]
        np.testing.assert_allclose(r.weights.to_numpy(), [2 / 7, 4 / 7, 1 / 7])
        assert r.cr == 0

    def test_list_of_triples_and_labels_order(self):
        r = ahp([("A", "B", 3), ("B", "C", 3), ("A", "C", 9)], labels=["C", "B", "A"])
        assert list(r.weights.index) == ["C", "B", "A"]
        np.testing.assert_allclose(r.weights.to_numpy(), np.array([1, 3, 9]) / 13)

    def test_dataframe_aligned_by_label(self):
        A = pd.DataFrame(consistent([1, 2, 4]), index=list("xyz"), columns=list("xyz"))
        shuffled = A.loc[["z", "x", "y"], ["y", "z", "x"]]
        r = ahp(shuffled)
        assert r.weights["x"] == pytest.approx(1 / 7)
        assert r.weights["z"] == pytest.approx(4 / 7)

    def test_two_decimal_judgements_accepted(self):
        r = ahp([[1, 3, 7], [0.33, 1, 3], [0.14, 0.33, 1]])
        np.testing.assert_allclose(r.matrix.to_numpy() * r.matrix.to_numpy().T, 1)

    def test_result_dict_is_json(self):
        r = ahp(house_matrix())
        d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
        assert d["ri_table"] == "saaty1980" and len(d["weights"]) == 8
        assert "CR = 0.1691" in r.summary() and "未通过" in r.summary()
        assert list(r.table.columns) == ["criterion", "weight", "rank"]


class TestAHPCompletion:
    @pytest.mark.parametrize("completion", ["harker", "geometric"])
    def test_missing_pairs_of_consistent_matrix(self, completion):
        w = np.array([4.0, 2.0, 1.0, 1.0])
        names = list("ABCD")
        full = {(names[i], names[j]): w[i] / w[j] for i in range(4) for j in range(i + 1, 4)}
        del full[("A", "D")], full[("B", "C")]
        r = ahp(full, labels=names, completion=completion)
        np.testing.assert_allclose(r.weights.to_numpy(), w / w.sum(), rtol=1e-9)
        assert set(r.completed) == {("A", "D"), ("B", "C")}
        assert r.completion == completion
        assert r.cr == pytest.approx(0, abs=1e-9)
        assert "补全" in r.summary()

    def test_harker_eigenvector_of_completed_matrix(self):
        # Harker (1987): the completed matrix has the same principal eigenvector
        A = house_matrix()
        A[0, 5] = A[5, 0] = np.nan
        A[2, 7] = A[7, 2] = np.nan
        r = ahp(A)
        again = ahp(r.matrix)
        np.testing.assert_allclose(r.weights.to_numpy(), again.weights.to_numpy(), rtol=1e-8)
        assert len(r.completed) == 2

    def test_disconnected_comparisons(self):
        with pytest.raises(ValueError, match="两两比较不连通"):
            ahp({("A", "B"): 2, ("C", "D"): 3})


class TestAHPErrors:
    def test_not_reciprocal(self):
        A = [[1, 3, 2], [0.5, 1, 1], [0.5, 1, 1]]
        with pytest.raises(
            ValueError, match=r"判断矩阵不是正互反矩阵：a\[1,2\] × a\[2,1\] = 1.5 ≠ 1"
        ):
            ahp(A)

    def test_not_square(self):
        with pytest.raises(ValueError, match="判断矩阵必须为方阵"):
            ahp([[1, 2, 3], [0.5, 1, 2]])
        with pytest.raises(ValueError, match="判断矩阵必须为方阵"):
            ahp(pd.DataFrame(np.ones((2, 3))))

    @pytest.mark.parametrize("bad", [0, -2])
    def test_not_positive(self, bad):
        with pytest.raises(ValueError, match="判断值必须为正数"):
            ahp([[1, bad], [0.5, 1]])
        with pytest.raises(ValueError, match="判断值必须为正数"):
            ahp({("A", "B"): bad})

    def test_diagonal(self):
        with pytest.raises(ValueError, match="对角线元素必须为 1"):
            ahp([[2, 1], [1, 1]])

    def test_unknown_method_and_completion(self):
        with pytest.raises(ValueError, match="未知的 AHP 方法"):
            ahp(house_matrix(), method="power")
        A = house_matrix()
        A[0, 1] = A[1, 0] = np.nan
        with pytest.raises(ValueError, match="未知的补全方法"):
            ahp(A, completion="magic")

    def test_unreadable_judgement(self):
        with pytest.raises(ValueError, match="判断值无法识别"):
            ahp({("A", "B"): "three"})


# ---------------------------------------------------------------------------------------------
# Group AHP and hierarchies


class TestAHPGroup:
    def test_aij_is_weighted_geometric_mean(self):
        A1 = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
        A2 = np.array([[1, 1, 3], [1, 1, 4], [1 / 3, 1 / 4, 1]])
        g = ahp_group([A1, A2], "aij", expert_weights=[3, 1])
        G = A1**0.75 * A2**0.25
        np.testing.assert_allclose(g.weights.to_numpy(), ahp(G).weights.to_numpy())
        assert g.aggregate is not None and g.aggregate.cr == pytest.approx(ahp(G).cr)
        np.testing.assert_allclose(g.expert_weights.to_numpy(), [0.75, 0.25])
        assert len(g.individual) == 2

    def test_aip_geometric_and_arithmetic(self):
        A1 = consistent([3, 2, 1])
        A2 = consistent([1, 1, 2])
        w1, w2 = np.array([3, 2, 1]) / 6, np.array([1, 1, 2]) / 4
        geo = ahp_group([A1, A2], "aip")
        ari = ahp_group([A1, A2], "aip", aip_mean="arithmetic")
        g = np.sqrt(w1 * w2)
        np.testing.assert_allclose(geo.weights.to_numpy(), g / g.sum())
        np.testing.assert_allclose(ari.weights.to_numpy(), (w1 + w2) / 2)
        assert geo.aggregate is None and "AIP" in geo.summary()

    def test_identical_experts(self):
        g = ahp_group([house_matrix()] * 3)
        np.testing.assert_allclose(g.weights.to_numpy(), ahp(house_matrix()).weights.to_numpy())
        assert set(g.table["expert"]) == {"E1", "E2", "E3", "group"}
        assert json.dumps(g.to_dict())

    def test_labelled_experts_aligned(self):
        a = {("x", "y"): 2, ("y", "z"): 2, ("x", "z"): 4}
        b = {("z", "y"): 0.5, ("y", "x"): 0.5, ("z", "x"): 0.25}
        g = ahp_group([a, b], expert_weights={"张": 1, "李": 1})
        np.testing.assert_allclose(g.weights.to_numpy(), np.array([4, 2, 1]) / 7)
        assert list(g.expert_weights.index) == ["张", "李"]

    def test_errors(self):
        with pytest.raises(ValueError, match="与第 1 位不一致"):
            ahp_group([{("a", "b"): 2}, {("a", "c"): 2}])
        with pytest.raises(ValueError, match="未知的群组集结方式"):
            ahp_group([house_matrix()], "mean")
        with pytest.raises(ValueError, match="专家权重个数"):
            ahp_group([house_matrix()] * 2, expert_weights=[1, 2, 3])


class TestAHPHierarchy:
    def test_global_weights(self):
        h = ahp_hierarchy(
            {("产出", "效益"): 2, ("产出", "过程"): 4, ("效益", "过程"): 2},
            {
                "产出": {("数量", "质量"): 1, ("数量", "时效"): 2, ("质量", "时效"): 2},
                "效益": house_matrix()[:3, :3],
            },
        )
        t = h.table
        assert list(t.columns) == ["criterion", "subcriterion", "local_weight", "global_weight"]
        assert t["global_weight"].sum() == pytest.approx(1)
        top = ahp({("产出", "效益"): 2, ("产出", "过程"): 4, ("效益", "过程"): 2}).weights
        sub = t[t["criterion"] == "产出"]
        np.testing.assert_allclose(sub["global_weight"], top["产出"] * sub["local_weight"])
        leaf = t[t["criterion"] == "过程"].iloc[0]
        assert leaf["subcriterion"] == "过程" and leaf["local_weight"] == 1
        assert h.weights.index.tolist() == t["subcriterion"].tolist()

    def test_levels_and_composite_cr(self):
        crit = {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1}
        B = pd.DataFrame(house_matrix()[:3, :3], index=list("xyz"), columns=list("xyz"))
        C = pd.DataFrame(house_matrix()[3:6, 3:6], index=list("uvw"), columns=list("uvw"))
        h = ahp_hierarchy(crit, {"a": B, "b": C})
        lv = h.levels
        assert list(lv.columns) == [
            "level",
            "parent",
            "n",
            "lambda_max",
            "ci",
            "ri",
            "cr",
            "consistent",
        ]
        ra, rb = ahp(B), ahp(C)
        expected = (ra.ci + rb.ci) / 3 / ((ra.ri + rb.ri) / 3)
        assert h.cr_total == pytest.approx(expected)
        assert lv.iloc[-1]["parent"] == "组合"
        assert "子指标层总排序" in h.summary()
        assert json.dumps(h.to_dict(), ensure_ascii=False)

    def test_unknown_parent(self):
        with pytest.raises(ValueError, match="不在准则层中"):
            ahp_hierarchy({("a", "b"): 1}, {"c": {("x", "y"): 1}})

    def test_unlabelled_subcriteria_clash(self):
        with pytest.raises(ValueError, match="子指标名称重复：C1"):
            ahp_hierarchy({("a", "b"): 1}, {"a": [[1, 2], [0.5, 1]], "b": [[1, 3], [1 / 3, 1]]})


# ---------------------------------------------------------------------------------------------
# Objective weights


class TestEntropy:
    def test_krishnan_2021_table5(self):
        # Krishnan et al. (2021) Symmetry 13(6):973, Table 5 “Entropy” (min–max, cost flipped)
        r = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES)
        np.testing.assert_allclose(
            r.weights.to_numpy(), [0.3481, 0.1360, 0.1690, 0.1463, 0.2006], atol=5e-5
        )
        assert r.normalization == "minmax" and r.method == "entropy"
        assert list(r.table.columns) == ["criterion", "type", "entropy", "divergence", "weight"]

    def test_type_aliases(self):
        ref = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES).weights
        for types in (
            ["负向", "正向", "正向", "负向", "负向"],
            ["min", "max", "max", "min", "min"],
        ):
            pd.testing.assert_series_equal(entropy_weights(KRISHNAN_X, types).weights, ref)
        by_name = entropy_weights(
            pd.DataFrame(KRISHNAN_X, columns=list("pqrst")),
            {"p": "cost", "q": "benefit", "r": "benefit", "s": "cost", "t": "cost"},
        )
        np.testing.assert_allclose(by_name.weights.to_numpy(), ref.to_numpy())

    def test_constant_column_gets_zero(self):
        X = np.array([[1, 5, 3], [2, 5, 1], [4, 5, 2]], dtype=float)
        r = entropy_weights(X)
        assert r.weights["C2"] == 0
        assert r.weights.sum() == pytest.approx(1)
        assert any("C2" in n for n in r.notes)

    def test_shift_changes_weights_and_is_noted(self):
        a = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES)
        b = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES, shift=0.01)
        assert not np.allclose(a.weights, b.weights)
        assert any("平移" in n for n in b.notes)

    def test_errors(self):
        with pytest.raises(ValueError, match="未知的指标方向 'up'"):
            entropy_weights(KRISHNAN_X, ["up"] * 5)
        with pytest.raises(ValueError, match=r"指标方向的个数（2）与指标数（5）不一致"):
            entropy_weights(KRISHNAN_X, ["cost", "cost"])
        with pytest.raises(ValueError, match="至少需要 2 个评价对象"):
            entropy_weights([[1, 2]])
        with pytest.raises(ValueError, match="无法用熵权法"):
            entropy_weights([[1, 2], [1, 2]])
        with pytest.raises(ValueError, match="缺失值"):
            entropy_weights([[1, np.nan], [1, 2]])


# Hwang & Yoon (1981), Multiple Attribute Decision Making, fighter-aircraft matrix (4 aircraft ×
# speed, range, payload, price, reliability, maneuverability; as in tests/test_ranking.py)
FIGHTER_X = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]


class TestEntropySumForm:
    """``normalization="sum"``: the classic entropy weights of Hwang & Yoon (1981):
    p_ij = x_ij / Σ_i x_ij, E_j = −Σ_i p_ij ln p_ij / ln m, d_j = 1 − E_j, w_j = d_j / Σ d."""

    def test_hand_worked_closed_form(self):
        # m = 4; C1 constant: p = ¼ each, E = 1, w = 0. C2 = 1, 1, 2, 4 (Σ 8): p = ⅛ ⅛ ¼ ½,
        # −Σ p ln p = (⅛·3 + ⅛·3 + ¼·2 + ½·1) ln 2 = 1.75 ln 2, E = 1.75 ln 2 / ln 4 = 0.875.
        # C3 = 1, 1, 3, 3 (Σ 8): p = ⅛ ⅛ ⅜ ⅜, −Σ p ln p = 3 ln 2 − ¾ ln 3,
        # E = 1.5 − 0.375 log₂ 3.
        X = [[1, 1, 1], [1, 1, 1], [1, 2, 3], [1, 4, 3]]
        r = entropy_weights(X, normalization="sum")
        e = np.array([1.0, 0.875, 1.5 - 0.375 * np.log2(3)])
        np.testing.assert_allclose(r.table["entropy"], e, rtol=1e-13)
        d = 1 - e
        np.testing.assert_allclose(r.weights, d / d.sum(), rtol=1e-12)
        # pymcdm 1.4.0 pymcdm.weights.entropy_weights(X) on the same matrix
        np.testing.assert_allclose(r.weights, [0.0, 0.5698371, 0.4301629], atol=5e-8)
        assert r.weights["C1"] == 0 and any("C1" in n for n in r.notes)

    def test_matches_pymcdm_on_published_matrices(self):
        # pymcdm 1.4.0, pymcdm.weights.entropy_weights (sum normalisation, no directions) on
        # Hwang & Yoon's fighter-aircraft matrix and on Krishnan et al. (2021) Table 1
        r = entropy_weights(FIGHTER_X, normalization="sum")
        np.testing.assert_allclose(
            r.weights,
            [0.06418973, 0.20608816, 0.01344459, 0.08132563, 0.35868002, 0.27627186],
            atol=5e-9,
        )
        r = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES, normalization="sum")
        np.testing.assert_allclose(r.weights, [0.3534, 0.0389, 0.2754, 0.2409, 0.0914], atol=5e-5)
        assert r.normalization == "sum" and r.to_dict()["normalization"] == "sum"
        assert "比重法" in r.summary() and any("与指标方向无关" in n for n in r.notes)

    def test_directions_do_not_enter_the_proportions(self):
        a = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES, normalization="sum").weights
        b = entropy_weights(KRISHNAN_X, normalization="sum").weights
        pd.testing.assert_series_equal(a, b)
        # the default stays the direction-aware min–max form (Krishnan et al. Table 5)
        default = entropy_weights(KRISHNAN_X, KRISHNAN_TYPES)
        assert default.normalization == "minmax"
        assert not np.allclose(default.weights, a)

    def test_zero_value_uses_zero_log_zero(self):
        # C1 = 0, 2, 2: p = 0, ½, ½, E = ln 2 / ln 3 with 0 ln 0 = 0 (Hwang & Yoon). pymcdm
        # sets E = 0 for any criterion containing a zero, so they differ here by design.
        r = entropy_weights([[0, 1], [2, 1], [2, 2]], normalization="sum")
        assert r.table["entropy"].iloc[0] == pytest.approx(np.log(2) / np.log(3), rel=1e-13)
        zero = entropy_weights([[0, 1], [0, 2], [0, 4]], normalization="sum")
        assert zero.weights.tolist() == [0.0, 1.0]

    def test_errors(self):
        with pytest.raises(ValueError, match=r"要求指标值非负：A2 的指标 C1 为 -3"):
            entropy_weights([[1, 2], [-3, 4]], normalization="sum")
        with pytest.raises(ValueError, match="未知的标准化方式 normalization='vector'"):
            entropy_weights(KRISHNAN_X, normalization="vector")
        with pytest.raises(ValueError, match="无法用熵权法"):
            entropy_weights([[1, 2], [1, 2]], normalization="sum")


class TestDirectionsPlusMinusOne:
    """Criterion directions as +1 / −1 (pymcdm, scikit-criteria) beside the names."""

    def test_entropy_and_critic_accept_plus_minus_one(self):
        for fn in (entropy_weights, critic_weights):
            ref = fn(KRISHNAN_X, KRISHNAN_TYPES)
            for types in (
                [-1, 1, 1, -1, -1],
                np.array([-1, 1, 1, -1, -1]),
                [-1.0, 1.0, 1.0, -1.0, -1.0],
                ["-1", "+1", "1", "−1", "-1.0"],
                [-1, "benefit", "正向", "min", -1],
            ):
                got = fn(KRISHNAN_X, types)
                pd.testing.assert_series_equal(got.weights, ref.weights)
                assert got.table["type"].tolist() == KRISHNAN_TYPES
            named = pd.DataFrame(KRISHNAN_X, columns=list("pqrst"))
            by_name = fn(named, {"p": -1, "q": 1, "r": 1, "s": -1, "t": np.int64(-1)})
            np.testing.assert_allclose(by_name.weights.to_numpy(), ref.weights.to_numpy())
            one = fn(KRISHNAN_X, -1)
            pd.testing.assert_series_equal(one.weights, fn(KRISHNAN_X, "cost").weights)

    @pytest.mark.parametrize(
        "bad, message",
        [
            (0, "未知的指标方向 0：数值方向只能是 +1（正向）或 −1（负向）"),
            (2, "未知的指标方向 2"),
            (np.int64(-2), "未知的指标方向 -2"),
            (0.5, "未知的指标方向 0.5"),
            (float("nan"), "未知的指标方向 nan"),
            (True, "未知的指标方向 True：布尔值不是方向"),
            ("1.5", "未知的指标方向 '1.5'"),
            ("up", "未知的指标方向 'up'（可用：benefit/正向/max/+1 或 cost/负向/min/−1）"),
        ],
        ids=["0", "2", "int64-2", "0.5", "nan", "True", "text-1.5", "up"],
    )
    def test_invalid_values_are_named(self, bad, message):
        for fn in (entropy_weights, critic_weights):
            with pytest.raises(ValueError, match=re.escape(message)):
                fn(KRISHNAN_X, [1, 1, bad, 1, 1])
        with pytest.raises(ValueError, match=re.escape(message)):
            entropy_weights(KRISHNAN_X, bad)


class TestCritic:
    def test_krishnan_2021_tables_2_and_5(self):
        # Krishnan et al. (2021): σ (Table 2) and CRITIC weights (Table 5)
        r = critic_weights(KRISHNAN_X, KRISHNAN_TYPES)
        np.testing.assert_allclose(
            r.weights.to_numpy(), [0.1872, 0.1838, 0.1691, 0.2599, 0.2000], atol=5e-5
        )
        np.testing.assert_allclose(
            r.table["std"].to_numpy(), [0.4062, 0.4147, 0.4394, 0.4161, 0.4063], atol=5e-5
        )
        assert list(r.table.columns) == [
            "criterion",
            "type",
            "std",
            "conflict",
            "information",
            "weight",
        ]

    def test_information_formula(self):
        X = np.random.default_rng(3).uniform(0, 10, (12, 4))
        r = critic_weights(X)
        R = (X - X.min(0)) / (X.max(0) - X.min(0))
        C = R.std(0, ddof=1) * (1 - np.corrcoef(R, rowvar=False)).sum(0)
        np.testing.assert_allclose(r.weights.to_numpy(), C / C.sum())

    def test_constant_column(self):
        X = np.array([[1, 5, 3], [2, 5, 1], [4, 5, 2], [3, 5, 5]], dtype=float)
        r = critic_weights(X)
        assert r.weights["C2"] == 0 and r.weights.sum() == pytest.approx(1)
        assert "CRITIC" in r.summary()
        assert json.dumps(r.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Kendall's W and Delphi

SIEGEL_RANKS = pd.DataFrame(
    {
        "airfare": [5, 1, 4],
        "climate": [6, 7, 5],
        "season": [7, 6, 1],
        "people": [1, 2, 3],
        "program": [2, 3, 2],
        "publicity": [4, 5, 7],
        "present": [3, 4, 6],
        "interest": [8, 8, 8],
    },
    index=["4", "21", "11"],
)
ANXIETY = pd.DataFrame(
    {
        "rater1": [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3],
        "rater2": [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4],
        "rater3": [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2],
    }
)


class TestKendallW:
    def test_siegel_castellan_1988(self):
        # Siegel & Castellan (1988), 3 raters × 8 attributes: W = 0.656, χ²(7) = 13.778, p = 0.0553
        r = kendall_w(SIEGEL_RANKS)
        assert r.w == pytest.approx(0.6560847, abs=1e-7)
        assert r.chi2 == pytest.approx(13.778, abs=5e-4)
        assert r.df == 7 and r.p_value == pytest.approx(0.05528, abs=5e-5)
        assert (r.m, r.n) == (3, 8)

    def test_anxiety_with_tie_correction(self):
        # irr / DescTools ``anxiety`` (raters are columns there): Wt = 0.5396569, χ²(19) = 30.76
        r = kendall_w(ANXIETY.T)
        assert r.w == pytest.approx(0.5396569, abs=1e-7)
        assert r.chi2 == pytest.approx(30.76, abs=5e-3)
        assert r.df == 19 and r.p_value == pytest.approx(0.04288, abs=5e-5)
        uncorrected = kendall_w(ANXIETY.T, tie_correction=False)
        assert uncorrected.w < r.w and uncorrected.ties == 0

    def test_perfect_agreement(self):
        r = kendall_w([[1, 2, 3, 4]] * 5)
        assert r.w == pytest.approx(1)


def rounds_example():
    r1 = pd.DataFrame(
        {
            "产出": [5, 4, 5, 3, 5],
            "效益": [4, 5, 3, 4, 2],
            "过程": [2, 3, 1, 2, 3],
            "决策": [3, 1, 2, 2, 1],
        },
        index=[f"专家{i}" for i in range(1, 6)],
    )
    r2 = pd.DataFrame(
        {
            "产出": [5, 5, 5, 4, 5],
            "效益": [4, 4, 4, 4, 4],
            "过程": [3, 3, 2, 3, 3],
            "决策": [2, 2, 2, 2, 2],
        },
        index=r1.index,
    )
    return [r1, r2]


class TestDelphi:
    def test_statistics_per_round(self):
        d = delphi(rounds_example())
        ind = d.indicators
        assert list(ind.columns) == ["round", "indicator", "n_experts", "mean", "sd", "cv", "cv_ok"]
        r1 = rounds_example()[0]
        row = ind[(ind["round"] == 1) & (ind["indicator"] == "效益")].iloc[0]
        assert row["mean"] == pytest.approx(r1["效益"].mean())
        assert row["sd"] == pytest.approx(r1["效益"].std(ddof=1))
        assert row["cv"] == pytest.approx(r1["效益"].std(ddof=1) / r1["效益"].mean())
        conc = d.concordance
        for k, rnd in enumerate(rounds_example(), start=1):
            kw = kendall_w(rnd)
            assert conc.loc[k - 1, "kendall_w"] == pytest.approx(kw.w)
            assert conc.loc[k - 1, "chi2"] == pytest.approx(5 * 3 * kw.w)  # χ² = m(n − 1)W
            assert conc.loc[k - 1, "df"] == 3

    def test_weights_from_last_round(self):
        d = delphi(rounds_example())
        means = rounds_example()[1].mean()
        np.testing.assert_allclose(d.weights.to_numpy(), (means / means.sum()).to_numpy())
        assert d.weights.sum() == pytest.approx(1)

    def test_convergence_rule(self):
        d = delphi(rounds_example())
        assert d.converged
        assert all(r.startswith("满足") for r in d.reasons)
        strict = delphi(rounds_example(), cv_max=0.05)
        assert not strict.converged and strict.reasons[0].startswith("不满足")
        assert not delphi(rounds_example(), alpha=1e-9).converged

    def test_w_decreasing_fails(self):
        r1, r2 = rounds_example()
        d = delphi([r2, r1], cv_max=1.0)
        assert d.concordance["kendall_w"].iloc[1] < d.concordance["kendall_w"].iloc[0]
        assert not d.converged and any("W 未下降" in r for r in d.reasons)
        assert delphi([r2, r1], cv_max=1.0, require_w_nondecreasing=False).converged

    def test_missing_scores(self):
        r1, r2 = rounds_example()
        r2 = r2.astype(float)
        r2.iloc[0, 1] = np.nan
        with pytest.raises(ValueError, match="第 2 轮专家 专家1 对指标 效益 缺少评分"):
            delphi([r1, r2])
        d = delphi([r1, r2], missing="drop")
        assert d.indicators[d.indicators["round"] == 2]["n_experts"].iloc[0] == 4
        assert d.notes

    def test_summary_and_json(self):
        d = delphi(rounds_example())
        assert "德尔菲法：2 轮，已收敛" in d.summary()
        assert json.dumps(d.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Combined weights and points


class TestCombine:
    def test_linear_and_multiplicative(self):
        s, o = [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]
        lin = combine_weights(s, o, alpha=0.7)
        np.testing.assert_allclose(lin.weights.to_numpy(), 0.7 * np.array(s) + 0.3 * np.array(o))
        mul = combine_weights(s, o, "multiplicative")
        p = np.array(s) * np.array(o)
        np.testing.assert_allclose(mul.weights.to_numpy(), p / p.sum())
        assert list(lin.table.columns) == ["criterion", "subjective", "objective", "combined"]

    def test_results_aligned_by_label(self):
        subj = ahp({("price", "screen"): 2, ("price", "pixel"): 2, ("screen", "pixel"): 1})
        obj = pd.Series({"pixel": 0.2, "price": 0.5, "screen": 0.3})
        c = combine_weights(subj, obj)
        assert c.weights["price"] == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
        assert c.weights.sum() == pytest.approx(1)
        assert "线性组合" in c.summary()

    def test_errors(self):
        with pytest.raises(ValueError, match="指标不一致"):
            combine_weights({"a": 1, "b": 1}, {"a": 1, "c": 1})
        with pytest.raises(ValueError, match="个数"):
            combine_weights([0.5, 0.5], [0.2, 0.3, 0.5])
        with pytest.raises(ValueError, match="alpha 必须在 0 与 1 之间"):
            combine_weights([1, 1], [1, 1], alpha=1.5)
        with pytest.raises(ValueError, match="未知的组合方式"):
            combine_weights([1, 1], [1, 1], "max")


def test_weights_to_points_sum_exactly():
    pts = weights_to_points(ahp(house_matrix()))
    assert pts.sum() == 100 and (pts == pts.round()).all()
    assert weights_to_points([1 / 3] * 3, decimals=1).sum() == pytest.approx(100)
