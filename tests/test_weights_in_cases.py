"""Weights derived inside case files (AHP judgements, Delphi rounds), the PART 2005 framework with
its own grade bands, and the robustness of a grade to its weights."""

import copy

import numpy as np
import pytest
import yaml

from methods import casefile, report, scoring
from methods.errors import CaseError
from methods.report import blocks
from methods.report.document import group
from methods.report.html import render_block

from .conftest import EXAMPLES


def load(name):
    return yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def test_ahp_level1_and_delphi_indicator_weights():
    ev = scoring.evaluate(EXAMPLES / "wujin_farmland_2023.yaml")
    level1 = ev.derivations[0]
    assert level1.method == "ahp" and level1.consistent
    assert dict(level1.points) == {"决策": 10.91, "过程": 18.91, "产出": 35.09, "效益": 35.09}
    weights = ev.level1_table.set_index("level1")["weight"]
    assert weights.sum() == pytest.approx(100)
    for name, points in level1.points.items():
        assert weights[name] == pytest.approx(points, abs=0.01)
    # Delphi (last round means 34/7, 22/7, 4, 2 → shares 34:22:28:14 of 效益's 35.09 points)
    t = ev.table.set_index("code")
    expected = np.array([34, 22, 28, 14]) / 98 * 35.09
    # rounded to cents keeping 效益's 35.09 points
    assert t.loc[["D1", "D2", "D3", "D4"], "weight"].to_numpy() == pytest.approx(
        expected, abs=0.005
    )
    assert t.loc[["D1", "D2", "D3", "D4"], "weight"].sum() == pytest.approx(35.09)
    assert ev.derivations[1].method == "delphi" and ev.derivations[1].consistent  # converged
    # a qualitative score given against weight 1 keeps its share: 0.9 × 3.6367 = 3.27
    assert t.loc["A2", "score"] == 3.27
    assert any("层次分析法" in n for n in ev.notes) and any("德尔菲法" in n for n in ev.notes)
    html = render_block(group(*blocks.weights(ev)))
    assert "判断矩阵" in html and "Kendall W" in html and "CR" in html


def test_inconsistent_judgements_warn_or_fail():
    raw = load("wujin_farmland_2023")
    raw["weights"][0]["comparisons"] = [
        ["产出", "决策", 9],
        ["决策", "过程", 9],
        ["过程", "产出", 9],
        ["效益", "决策", 1],
        ["效益", "过程", 1],
        ["产出", "效益", 1],
    ]
    ev = scoring.evaluate(raw, base_dir=EXAMPLES)
    assert any("未通过检验" in w for w in ev.warnings)
    raw["weights"][0]["require_consistent"] = True
    with pytest.raises(CaseError, match="一致性检验未通过"):
        scoring.evaluate(raw, base_dir=EXAMPLES)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r.update(levels={"决策": 10, "过程": 20, "产出": 35, "效益": 35}),
            "不能再用 levels",
        ),
        (lambda r: r["weights"][0].update(comparisons=[["产出", "决策", 3]]), "缺少|连通|不一致"),
        (lambda r: r["weights"][0]["comparisons"].append(["产出", "满意度", 2]), "满意度"),
        (lambda r: r["weights"][1].update(rounds=["weights/nope.csv"]), "数据文件不存在"),
        (lambda r: r["weights"][0].update(comparisons=[["产出", "决策"]]), r"\[甲, 乙, 值\]"),
        (lambda r: r["weights"][1].update(target="管理"), "没有一级指标“管理”"),
    ],
)
def test_bad_weight_blocks(mutate, message):
    raw = copy.deepcopy(load("wujin_farmland_2023"))
    mutate(raw)
    with pytest.raises(CaseError, match=message) as info:
        casefile.validate_mapping(raw, source="w.yaml", base_dir=EXAMPLES)
    assert str(info.value).startswith("w.yaml")


def test_fixed_framework_points_cannot_be_derived():
    raw = load("wujin_student_nutrition_2023")
    raw["weights"] = [{"target": "level1", "method": "ahp", "comparisons": [["产出", "效益", 2]]}]
    with pytest.raises(CaseError, match="一级指标分值固定"):
        casefile.validate_mapping(raw, source="s.yaml", base_dir=EXAMPLES)


def test_part_2005_framework_and_bands():
    """US OMB PART: sections 20/10/20/50; Effective 85–100, Moderately Effective 70–84,
    Adequate 50–69, Ineffective 0–49 (OMB PART guidance 2005–2008)."""
    ev = scoring.evaluate(EXAMPLES / "part_employment_subsidy_2023.yaml")
    assert ev.framework.id == "part_2005" and ev.bands.name == "part_2005"
    assert dict(ev.level1_table.set_index("level1")["weight"]) == {
        "目的与设计": 20,
        "战略规划": 10,
        "项目管理": 20,
        "结果与问责": 50,
    }
    assert ev.total == 79.8 and ev.grade == "较有效"
    assert [scoring.grade(s, "part_2005") for s in (85, 84.99, 70, 69.99, 50, 49.99)] == [
        "有效",
        "较有效",
        "较有效",
        "尚可",
        "尚可",
        "无效",
    ]
    raw = load("part_employment_subsidy_2023")
    raw["indicators"][4]["weight"] = 20
    with pytest.raises(CaseError, match="“结果与问责”下各指标分值合计 55 分，应为 50 分"):
        casefile.validate_mapping(raw, source="p.yaml", base_dir=EXAMPLES)


def test_grade_robustness_is_seeded_and_sensible():
    ev = scoring.evaluate(EXAMPLES / "wujin_old_community_renovation_2023.yaml")
    a, b = report.grade_robustness(ev), report.grade_robustness(ev)
    pa = a.table.iloc[0]["p_grade_holds"]
    assert pa == b.table.iloc[0]["p_grade_holds"]
    assert 0 <= pa <= 1
    assert a.table.iloc[0]["total"] == pytest.approx(ev.total, abs=0.02)
    html = render_block(group(blocks.robustness(a)))
    assert "该等级在权重扰动下保持的概率" in html
    res = report.results(ev, robustness=a)
    assert res["robustness"]["seed"] == 20200210 and res["robustness"]["draws"] == 10_000
    # a case far from any band boundary keeps its grade under every draw
    far = scoring.evaluate(EXAMPLES / "wujin_student_nutrition_2023.yaml")
    assert report.grade_robustness(far).table.iloc[0]["p_grade_holds"] == 1.0
