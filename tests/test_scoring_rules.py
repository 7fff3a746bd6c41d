"""Indicator scoring rules (methods/_data/rules.yaml), each with hand-worked examples and edge cases.

Sources of the formulas: 财预〔2020〕10号《项目支出绩效评价管理办法》 (自评: 未完成指标值的，按照完成值
与指标值的比例记分 — positive; the three qualitative tiers 达成年度指标 / 部分达成年度指标并具有一定效果 /
未达成年度指标且效果较差; reg); 项目支出绩效自评表计分口径 (practice) for reverse / equal;
部门整体支出绩效评价扣分口径 (practice, e.g. 在职人员控制率 −0.5 per point over 100%) for deduction;
财预〔2020〕10号 评价要点 (practice) for checklist. Grade bands: 财预〔2020〕10号 (mof_2020).
"""

import math

import numpy as np
import pandas as pd
import pytest

from methods import _format as fmt
from methods.scoring import (
    grade,
    grade_array,
    grade_bands,
    score_cases,
    score_frame,
    score_indicator,
)


class TestPositive:
    def test_below_target_is_proportional(self):
        # 95 / 100 × 10 = 9.5
        assert score_indicator("positive", 10, target=100, actual=95) == 9.5

    def test_at_and_above_target_full(self):
        assert score_indicator("positive", 10, target=100, actual=100) == 10
        assert score_indicator("positive", 10, target=100, actual=130) == 10

    def test_rounding_two_decimals_half_up(self):
        # 118 / 120 × 8 = 7.8666… → 7.87
        assert score_indicator("positive", 8, target=120, actual=118) == 7.87
        # 1102.6 / 1180 × 10 = 9.3440… → 9.34
        assert score_indicator("positive", 10, target=1180, actual=1102.6) == 9.34

    def test_target_zero(self):
        # t = 0: any a ≥ 0 meets the target; a negative actual scores 0
        assert score_indicator("positive", 5, target=0, actual=0) == 5
        assert score_indicator("positive", 5, target=0, actual=3) == 5
        assert score_indicator("positive", 5, target=0, actual=-1) == 0

    def test_actual_zero_and_negative(self):
        assert score_indicator("positive", 5, target=10, actual=0) == 0
        assert score_indicator("positive", 5, target=10, actual=-4) == 0  # floored at 0

    def test_missing_actual_scores_zero(self):
        assert score_indicator("positive", 5, target=10, actual=None) == 0

    def test_uncapped_variant(self):
        # self-evaluation 预算执行率 when options.execution_cap is false: 101.47% → 10.15
        assert score_indicator("positive", 10, target=100, actual=101.47, cap=False) == 10.15

    def test_negative_target_refused(self):
        with pytest.raises(ValueError, match="不小于 0"):
            score_indicator("positive", 5, target=-3, actual=1)

    def test_overachievement_penalty_optional(self):
        # threshold 1.5: a/t = 1.8 → w × (1 − (1.8 − 1.5)) = 10 × 0.7 = 7
        assert score_indicator("positive", 10, 100, 180, overachievement_threshold=1.5) == 7
        assert score_indicator("positive", 10, 100, 140, overachievement_threshold=1.5) == 10
        assert score_indicator("positive", 10, 100, 180) == 10  # off by default


class TestReverse:
    def test_linear(self):
        # t = 10, a = 12: (1 − 2/10) × 10 = 8
        assert score_indicator("reverse", 10, target=10, actual=12) == 8
        # 单户接管成本 0.38 → 0.40: (1 − 0.02/0.38) × 4 = 3.789… → 3.79
        assert score_indicator("reverse", 4, target=0.38, actual=0.40, variant="linear") == 3.79

    def test_linear_at_or_beyond_twice_target(self):
        assert score_indicator("reverse", 10, target=10, actual=20) == 0
        assert score_indicator("reverse", 10, target=10, actual=35) == 0

    def test_at_or_below_target_full(self):
        assert score_indicator("reverse", 10, target=10, actual=10) == 10
        assert score_indicator("reverse", 10, target=10, actual=0) == 10
        assert score_indicator("reverse", 10, target=10, actual=-5) == 10

    def test_ratio(self):
        # t / a × w: 10 / 12 × 10 = 8.33; 8 / 8.6 × 10 = 9.30
        assert score_indicator("reverse", 10, target=10, actual=12, variant="ratio") == 8.33
        assert score_indicator("reverse", 10, target=8, actual=8.6, variant="ratio") == 9.3

    def test_target_zero(self):
        assert score_indicator("reverse", 6, target=0, actual=0) == 6
        assert score_indicator("reverse", 6, target=0, actual=1) == 0
        assert score_indicator("reverse", 6, target=0, actual=1, variant="ratio") == 0

    def test_unknown_variant(self):
        with pytest.raises(ValueError, match="变体"):
            score_indicator("reverse", 6, target=1, actual=1, variant="log")


class TestEqual:
    def test_target_zero(self):
        # 安全事故 0 起: a ≤ 0 full, else 0
        assert score_indicator("equal", 10, target=0, actual=0) == 10
        assert score_indicator("equal", 10, target=0, actual=1) == 0

    def test_positive_target_behaves_as_positive(self):
        assert score_indicator("equal", 10, target=190, actual=190) == 10
        assert score_indicator("equal", 10, target=190, actual=171) == 9  # 171/190 × 10


class TestRange:
    def test_inside(self):
        assert score_indicator("range", 6, target=[90, 100], actual=95) == 6
        assert score_indicator("range", 6, target=[90, 100], actual=90) == 6
        assert score_indicator("range", 6, target=[90, 100], actual=100) == 6

    def test_proportional_outside(self):
        # below: 87/90 × 6 = 5.8; above: 100/125 × 6 = 4.8
        assert score_indicator("range", 6, target=[90, 100], actual=87) == 5.8
        assert score_indicator("range", 6, target=[90, 100], actual=125) == 4.8

    def test_binary_outside(self):
        assert score_indicator("range", 4, target=[6, 9], actual=10, variant="binary") == 0
        assert score_indicator("range", 4, target=[6, 9], actual=7, variant="binary") == 4

    def test_bad_target(self):
        with pytest.raises(ValueError, match="下限, 上限"):
            score_indicator("range", 4, target=5, actual=5)


class TestQualitative:
    def test_score_within_tier(self):
        assert score_indicator("qualitative", 10, tier="达成年度指标", score=10) == 10
        assert score_indicator("qualitative", 10, tier="达成年度指标", score=8) == 8
        assert score_indicator("qualitative", 10, tier="部分达成并具有一定效果", score=6) == 6
        assert score_indicator("qualitative", 10, tier="未达成且效果较差", score=0) == 0

    def test_tier_bounds_are_half_open(self):
        # [0.6w, 0.8w): 8 belongs to the top tier, not the middle one
        with pytest.raises(ValueError, match="不在档次"):
            score_indicator("qualitative", 10, tier="部分达成并具有一定效果", score=8)
        with pytest.raises(ValueError, match="不在档次"):
            score_indicator("qualitative", 10, tier="达成年度指标", score=7.9)
        with pytest.raises(ValueError, match="不在档次"):
            score_indicator("qualitative", 10, tier="未达成且效果较差", score=6)

    def test_default_is_tier_middle(self):
        assert score_indicator("qualitative", 3, tier="达成年度指标") == 2.7
        assert score_indicator("qualitative", 10, tier="部分达成") == 7  # alias
        assert score_indicator("qualitative", 10, tier="未达成") == 3

    def test_unknown_tier(self):
        with pytest.raises(ValueError, match="未知的定性档次"):
            score_indicator("qualitative", 10, tier="很好", score=9)


class TestDeduction:
    def test_staff_control_rate(self):
        # 在职人员控制率: full at ≤ 100%, −0.5 per point over: 103% → 5 − 1.5 = 3.5
        assert score_indicator("deduction", 5, target=100, actual=103, points_per_unit=0.5) == 3.5
        assert score_indicator("deduction", 5, target=100, actual=99, points_per_unit=0.5) == 5

    def test_floored_at_zero(self):
        assert score_indicator("deduction", 3, target=0, actual=10, points_per_unit=0.5) == 0

    def test_under_variant(self):
        # 准点率 target 90, actual 88.5, −2 per point under: 10 − 3 = 7
        assert score_indicator("deduction", 10, 90, 88.5, points_per_unit=2, variant="under") == 7

    def test_target_defaults_to_zero(self):
        assert score_indicator("deduction", 3, actual=2, points_per_unit=0.5) == 2

    def test_needs_points_per_unit(self):
        with pytest.raises(ValueError, match="points_per_unit"):
            score_indicator("deduction", 3, actual=2)


class TestChecklist:
    def test_counts(self):
        assert score_indicator("checklist", 5, met=4, total=5) == 4
        assert score_indicator("checklist", 3, met=0, total=3) == 0

    def test_items_equal_share(self):
        items = [
            {"name": "a", "met": True},
            {"name": "b", "met": False},
            {"name": "c", "met": True},
        ]
        assert score_indicator("checklist", 3, items=items) == 2

    def test_items_with_points(self):
        items = [
            {"name": "a", "met": True, "points": 1.5},
            {"name": "b", "met": False, "points": 0.5},
        ]
        assert score_indicator("checklist", 2, items=items) == 1.5

    def test_needs_items(self):
        with pytest.raises(ValueError, match="items"):
            score_indicator("checklist", 2)


def test_unknown_rule():
    with pytest.raises(ValueError, match="未知的计分规则"):
        score_indicator("bonus", 5, 1, 1)


def test_round_half_up_matches_hand_calculation():
    # 2.675 is 2.67499… in binary: Python's round gives 2.67; by hand (and Excel ROUND) 2.68.
    assert fmt.round_half_up(2.675) == 2.68
    assert fmt.round_half_up(4.625) == 4.63
    assert fmt.round_half_up(-4.625) == -4.63
    assert fmt.round_half_up(0.005) == 0.01
    # a full score never rounds up past a weight that is not a whole number of cents
    assert score_indicator("checklist", 8.025, met=1, total=1) == 8.02
    assert score_indicator("checklist", 8.03, met=1, total=1) == 8.03


class TestGrades:
    @pytest.mark.parametrize(
        ("score", "expected"),
        [
            (100, "优"),
            (90, "优"),
            (89.99, "良"),
            (80, "良"),
            (79.995, "良"),
            (60, "中"),
            (59.99, "差"),
            (0, "差"),
        ],
    )
    def test_mof_2020_lower_bounds_inclusive(self, score, expected):
        assert grade(score) == expected

    def test_local_80(self):
        assert grade(80, "local_80") == "优"
        assert grade(79.99, "local_80") == "良"
        assert grade(70, "local_80") == "良"
        assert grade(60, "local_80") == "中"
        assert grade(59, "local_80") == "差"

    def test_explicit_mapping_gets_a_floor(self):
        bands = {"优": 85, "良": 75, "中": 60}
        assert grade(85, bands) == "优"
        assert grade(59.9, bands) == "差"
        assert grade_bands(bands).bands[-1] == ("差", 0.0)

    def test_none_and_unknown(self):
        assert grade(None) is None
        assert grade(float("nan")) is None
        with pytest.raises(ValueError, match="未知的等级预设"):
            grade(90, "nope")

    def test_vectorised_matches_scalar(self):
        scores = np.array([100, 90, 89.99, 80, 79.995, 60, 59.99, 0, np.nan])
        assert list(grade_array(scores)) == [grade(s) for s in scores]


def test_score_frame_matches_score_indicator():
    """The vectorised engine and the one-indicator API agree on every rule and edge case."""
    rows = [
        dict(rule="positive", weight=10, target=100, actual=95),
        dict(rule="positive", weight=5, target=0, actual=-1),
        dict(rule="positive", weight=10, target=100, actual=101.47, cap=False),
        dict(rule="reverse", weight=10, target=10, actual=12),
        dict(rule="reverse", weight=10, target=10, actual=12, variant="ratio"),
        dict(rule="reverse", weight=10, target=10, actual=25),
        dict(rule="equal", weight=10, target=0, actual=1),
        dict(rule="equal", weight=10, target=190, actual=171),
        dict(rule="range", weight=6, target=90, target_high=100, actual=87),
        dict(rule="range", weight=4, target=6, target_high=9, actual=10, variant="binary"),
        dict(rule="qualitative", weight=10, tier="部分达成并具有一定效果", given_score=6.5),
        dict(rule="qualitative", weight=3, tier="达成年度指标"),
        dict(rule="deduction", weight=5, target=100, actual=103, points_per_unit=0.5),
        dict(
            rule="deduction", weight=10, target=90, actual=88.5, points_per_unit=2, variant="under"
        ),
        dict(rule="checklist", weight=5, met=4, total=5),
        dict(rule="positive", weight=5, target=10, actual=np.nan),
    ]
    df = pd.DataFrame(rows)
    got = score_frame(df).tolist()
    expected = []
    for r in rows:
        r = {k: v for k, v in r.items() if not (isinstance(v, float) and math.isnan(v))}
        rule, weight = r.pop("rule"), r.pop("weight")
        if "target_high" in r:
            r["target"] = [r["target"], r.pop("target_high")]
        if "given_score" in r:
            r["score"] = r.pop("given_score")
        expected.append(score_indicator(rule, weight, **r))
    assert got == expected
    assert got == [9.5, 0, 10.15, 8, 8.33, 0, 0, 9, 5.8, 0, 6.5, 2.7, 3.5, 7, 4, 0]


def test_score_cases_totals_and_grades():
    df = pd.DataFrame(
        {
            "case_id": ["a", "a", "b", "b"],
            "rule": ["positive", "checklist", "positive", "reverse"],
            "weight": [60, 40, 50, 50],
            "target": [100, np.nan, 10, 10],
            "actual": [100, np.nan, 5, 12],
            "met": [np.nan, 3, np.nan, np.nan],
            "total": [np.nan, 4, np.nan, np.nan],
        }
    )
    out = score_cases(df)
    assert out.loc["a", "total"] == 90 and out.loc["a", "grade"] == "优"
    assert out.loc["b", "total"] == 65 and out.loc["b", "grade"] == "中"  # 25 + 40


def test_official_tier_wording_is_canonical_and_short_forms_are_aliases():
    """财预〔2020〕10号's 自评 article words the tiers 达成年度指标 / 部分达成年度指标并具有一定效果 /
    未达成年度指标且效果较差; a 自评表 exported from a provincial system uses that wording."""
    from methods.scoring import qualitative_tier

    for official, short in (
        ("部分达成年度指标并具有一定效果", "部分达成并具有一定效果"),
        ("未达成年度指标且效果较差", "未达成且效果较差"),
    ):
        assert qualitative_tier(official).name == official
        assert qualitative_tier(short).name == official
    assert score_indicator("qualitative", 10, tier="部分达成年度指标并具有一定效果", score=7) == 7
