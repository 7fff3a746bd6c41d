"""What the two scored evaluation types share (项目支出绩效评价 and 绩效自评): the analysis result
(the scored evaluation and the robustness of its grade), results.json and the two charts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from methods.casefile import Case
from methods.evaluation import Evaluation
from methods.report import blocks


def check(case: Case) -> list[str]:
    """Deep checks of a scored case: the indicator tree, derived values, standards, weights."""
    from methods import evaluation, ppp

    warnings = list(evaluation.prepare(case).warnings)
    if getattr(case, "payment", None) is not None:
        ppp.check(case.payment)
    from methods import registry

    registry.case_panel(case)  # the panel against the 专家库 (exists, active, 回避)
    return warnings


@dataclass(frozen=True)
class ScoredResult:
    """A scored evaluation and the robustness of its grade (:func:`methods.report.grade_robustness`)."""

    ev: Evaluation
    robustness: Any

    @property
    def case(self):
        return self.ev.case

    @cached_property
    def payment(self) -> dict[str, Any] | None:
        """The year's 按效付费 from the score by the case's contract formula
        (:func:`methods.ppp.compute`), or None without ``payment:``."""
        from methods import ppp

        p = getattr(self.case, "payment", None)
        if p is None:
            return None
        return ppp.compute(self.ev.total, p, self.case.budget.unit if self.case.budget else None)

    @cached_property
    def findings(self):
        """The report's problems and suggestions (:func:`methods.report.findings.find`)."""
        from methods.report import findings

        return findings.find(self.ev)


def analyse(case) -> ScoredResult:
    """Score the case and perturb its level-1 weights."""
    from methods import evaluation, report

    ev = evaluation.evaluate(case)
    return ScoredResult(ev, report.grade_robustness(ev))


def results(result: ScoredResult) -> dict[str, Any]:
    """results.json (contracts §4)."""
    from methods import report

    extra = {}
    if result.payment is not None:
        extra["ppp_payment"] = result.payment
    return report.results(result.ev, robustness=result.robustness, **extra)


def level1_chart(ev: Evaluation):
    from methods import plotting

    return blocks.chart(
        plotting.level1_overview(ev.level1_table),
        "一级指标得分与得分率",
        "左：各一级指标得分与失分条形图；右：各一级指标得分率雷达图",
    )


def lost_chart(ev: Evaluation):
    import matplotlib.pyplot as plt

    from methods import plotting

    ax = plotting.lost_points(ev.table)
    fig = ax.figure
    fig.tight_layout()
    out = blocks.chart(fig, "失分最多的指标", "各失分指标的失分值条形图，按失分从多到少排列")
    plt.close(fig)
    return out
