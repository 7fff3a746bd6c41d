"""按效付费 (PPP 运维绩效付费 from the evaluation score by the contract's formula,
methods/ppp.py, formula kinds in methods/_data/ppp_payment.yaml, status practice).

The hand-worked examples are written from a contract clause of the usual form (no national
document fixes the thresholds: the contract does): "运维绩效服务费 1,000 万元/年，考核得分 90 分及以上
全额支付，60 分按 70% 支付，60—90 分之间按得分线性插值，60 分以下不予支付"."""

import copy

import numpy as np
import pytest
import yaml

from methods import casefile, ppp
from methods.errors import CaseError
from methods.evaltypes import project_evaluation

from .conftest import EXAMPLES

PPP_EXAMPLE = EXAMPLES / "wujin_sewage_ppp_2023.yaml"


def test_linear_contract_hand_worked():
    """60 分 → 70%；75 分 → 70% + 30% × (75 − 60) ÷ (90 − 60) = 85%；90 分及以上全额；59.9 分不付。"""
    p = ppp.Payment(formula="linear", operation=1000.0, floor=60.0, full=90.0, floor_ratio=0.7)
    ppp.check(p)
    assert ppp.coefficient([59.9, 60, 75, 89, 90, 97], p).round(4).tolist() == [
        0.0, 0.7, 0.85, 0.99, 1.0, 1.0,
    ]  # fmt: skip
    out = ppp.compute(75.0, p)
    assert out["operation_paid"] == 850.0 and out["withheld"] == 150.0
    assert out["total"] == 850.0 and out["settlement"] is None and out["linked_share"] == 100.0


def test_proportional_contract_hand_worked():
    """运维服务费 × 得分 ÷ 100，95 分及以上全额，60 分以下不付：85.5 分 → 800 × 0.855 = 684。"""
    p = ppp.Payment(
        formula="proportional", operation=800.0, availability=200.0, floor=60.0, full=95.0
    )
    ppp.check(p)
    assert ppp.coefficient([59, 60, 85.5, 95], p).round(4).tolist() == [0.0, 0.6, 0.855, 1.0]
    out = ppp.compute(85.5, p)
    assert (out["operation_paid"], out["total"], out["linked_share"]) == (684.0, 884.0, 80.0)


def test_tiered_contract_hand_worked():
    """分档：≥90 全额、80—90 按 90%、60—80 按 75%、60 分以下按 0；已预付 500 万元。"""
    p = ppp.Payment(
        formula="tiered",
        operation=1000.0,
        paid=500.0,
        bands=[{"min": 90, "ratio": 1}, {"min": 80, "ratio": 0.9}, {"min": 60, "ratio": 0.75}],
    )
    ppp.check(p)
    scores = np.array([100, 90, 89.99, 80, 79.99, 60, 59.99])
    assert ppp.coefficient(scores, p).tolist() == [1, 1, 0.9, 0.9, 0.75, 0.75, 0]
    out = ppp.compute(85.0, p)
    assert out["operation_paid"] == 900.0 and out["settlement"] == 400.0
    assert ppp.compute(50.0, p)["settlement"] == -500.0  # 应扣回
    assert ppp.describe(p) == (
        "评价得分90分（含）以上全额支付、80分（含）至90分按90%支付、60分（含）至80分按75%支付、"
        "60分以下不予支付"
    )


def _raw():
    return yaml.safe_load(PPP_EXAMPLE.read_text(encoding="utf-8"))


def test_example_payment_and_report():
    """The example: 93.80 分 falls in 90—95 (97%): 2,600 × 0.97 = 2,522 万元, 扣减 78; with 可用性付费
    4,200 the year pays 6,722; 2,260 prepaid → 应补付 262."""
    r = project_evaluation.analyse(casefile.load_case(PPP_EXAMPLE))
    assert r.ev.total == 93.8
    out = project_evaluation.results(r)["ppp_payment"]
    assert (out["coefficient"], out["operation_paid"], out["withheld"]) == (0.97, 2522.0, 78.0)
    assert (out["total"], out["settlement"], out["status"]) == (6722.0, 262.0, "practice")
    from methods.report.document import Table, plain_text

    section = project_evaluation.section_conclusion(r)
    last = section.blocks[-1]
    assert last.title.endswith("按效付费核定")
    text = plain_text(last)
    assert "运维绩效付费系数为97%，核定运维绩效付费2,522.00万元" in text
    assert "应补付262.00万元" in text
    table = last.blocks[1]
    assert isinstance(table, Table) and all(len(row) == 2 for row in table.rows)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"bands": [{"min": 90, "ratio": 1}, {"min": 95, "ratio": 0.9}]},
            "payment.bands[1].min",
            "由高到低",
        ),
        (
            {"bands": [{"min": 90, "ratio": 0.9}, {"min": 80, "ratio": 0.95}]},
            "payment.bands[1].ratio",
            "不应更高",
        ),
        ({"formula": "linear", "bands": None, "floor": 60}, "payment.full", "缺少 full"),
        (
            {"formula": "linear", "floor": 60, "full": 90, "floor_ratio": 0.7},
            "payment.bands",
            "不使用 bands",
        ),
        ({"formula": "stepwise"}, "payment.formula", ""),
        ({"operation": -1}, "payment.operation", ""),
        ({"bands": [{"min": 90, "ratio": 1.5}]}, "payment.bands[0].ratio", ""),
    ],
)
def test_bad_payment_names_the_field(change, field, message):
    raw = _raw()
    payment = copy.deepcopy(raw["payment"])
    for k, v in change.items():
        if v is None:
            payment.pop(k, None)
        else:
            payment[k] = v
    raw["payment"] = payment
    with pytest.raises(CaseError) as err:
        casefile.validate_mapping(raw, base_dir=EXAMPLES)
    assert err.value.format().startswith(field) and message in err.value.message
