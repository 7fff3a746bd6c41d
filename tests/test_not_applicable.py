"""Not-applicable rescaling keeps every sibling's achievement rate (issue: no silent wrong number).

Rule (methods/_data/rules.yaml, practice): a not-applicable indicator is dropped and the rest of its level-1
indicator is rescaled to keep the total at 100. Rescaling changes points, never how well an
indicator did: a qualitative 9/10 in 达成年度指标 becomes 18/20, a deduction of 1 point out of 3
becomes 2 out of 6, a checklist keeps the share of points met.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from methods import _yaml, scoring
from tests.conftest import EXAMPLES

SCORED = [
    "wujin_rural_sewage_2023.yaml",
    "wujin_student_nutrition_2023.yaml",
    "wujin_bus_subsidy_2023.yaml",
    "wujin_farmland_2023.yaml",
    "wujin_old_community_renovation_2023.yaml",
    "wujin_sewage_ppp_2023.yaml",
]


def _raw(name: str) -> dict:
    raw = _yaml.load((EXAMPLES / name).read_text(encoding="utf-8"))
    for ind in raw["indicators"]:
        ind.pop("target_from", None)  # scores must not depend on a library here
    return raw


def _rates(raw: dict) -> dict[str, float]:
    ev = scoring.evaluate(copy.deepcopy(raw), base_dir=EXAMPLES)
    t = ev.table[ev.table["applicable"]]
    return {r.code: (r.score / r.weight, r.weight) for r in t.itertuples()}


def test_qualitative_score_scales_with_its_weight():
    # 达成年度指标 scored 9 of 10; its sibling of 10 is not applicable → 18 of 20, never 9 of 20
    raw = {
        "case_id": "na_demo",
        "title": "不适用重分配示例",
        "year": 2024,
        "department": "某局",
        "evaluation": "project_evaluation",
        "budget_type": "general_public",
        "object_type": "project",
        "budget": {"planned": 100, "allocated": 100, "spent": 90},
        "levels": {"决策": 20, "过程": 20, "产出": 30, "效益": 30},
        "indicators": [
            {"code": "A1", "name": "立项", "level1": "决策", "level2": "项目立项",
             "weight": 10, "rule": "qualitative", "tier": "达成年度指标", "score": 9},
            {"code": "A2", "name": "目标", "level1": "决策", "level2": "绩效目标",
             "weight": 10, "rule": "qualitative", "tier": "达成年度指标", "score": 10,
             "applicable": False},
            {"code": "B1", "name": "制度执行", "level1": "过程", "level2": "组织实施",
             "weight": 10, "rule": "deduction", "target": 0, "actual": 2, "points_per_unit": 0.5},
            {"code": "B2", "name": "管理制度", "level1": "过程", "level2": "组织实施",
             "weight": 10, "rule": "checklist", "applicable": False, "met": 1, "total": 2},
            {"code": "C1", "name": "数量", "level1": "产出", "level2": "产出数量",
             "weight": 30, "rule": "positive", "target": 100, "actual": 100},
            {"code": "D1", "name": "效益", "level1": "效益", "level2": "项目效益",
             "weight": 30, "rule": "positive", "target": 100, "actual": 100},
        ],
    }  # fmt: skip
    ev = scoring.evaluate(raw)
    t = ev.table.set_index("code")
    assert t.loc["A1", "weight"] == 20 and t.loc["A1", "score"] == 18.0
    # deduction: 2 units × 0.5 = 1 point of 10 (90%) → 2 points of 20
    assert t.loc["B1", "weight"] == 20 and t.loc["B1", "score"] == 18.0
    assert ev.total == 96.0


def test_checklist_item_points_keep_their_share():
    raw = _raw("wujin_rural_sewage_2023.yaml")
    before = _rates(raw)
    for ind in raw["indicators"]:
        if ind["code"] == "B21":
            ind["applicable"] = False
    after = _rates(raw)
    assert after["B13"][0] == pytest.approx(before["B13"][0], abs=0.002)
    assert after["B22"][0] == pytest.approx(before["B22"][0], abs=0.002)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(SCORED), st.data())
def test_marking_an_indicator_not_applicable_never_changes_its_siblings_rates(name, data):
    raw = _raw(name)
    codes = [i["code"] for i in raw["indicators"] if i.get("applicable", True)]
    dropped = data.draw(
        st.lists(st.sampled_from(codes), min_size=1, max_size=min(3, len(codes) - 1), unique=True)
    )
    before = _rates(raw)
    for ind in raw["indicators"]:
        if ind["code"] in dropped:
            ind["applicable"] = False
    after = _rates(raw)
    for code, (rate, weight) in after.items():
        old_rate, old_weight = before[code]
        # scores are rounded to cents and rescaled weights to cents: allow that much
        tol = 0.006 / weight + 0.006 / old_weight + 1e-9
        assert rate == pytest.approx(old_rate, abs=tol), (name, dropped, code)
