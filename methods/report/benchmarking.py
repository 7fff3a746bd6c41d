"""与案例库对标: where a case's indicators stand among comparable archived cases (a report block).

Comparable means the same indicator identity, unit and direction in another project
(:func:`methods.standards.position`); with fewer than :data:`methods.library.MIN_COMPARABLE`
comparable cases an indicator gets no percentiles, only a sentence saying how many there are.
"""

from __future__ import annotations

from typing import Any

from methods import _format as fmt
from methods.evaluation import Evaluation
from methods.library import MIN_COMPARABLE
from methods.report.document import Paragraph, Table

__all__ = ["benchmark"]

NOTE = (
    "比较对象：案例库中以前年度其他项目的同一指标——指标库代码或对标标识相同（均未填写时"
    "指标名称相同），且计量单位和方向相同；每个项目取最近一年的实际值，不含本项目。各案例自行编排的"
    "指标编号不作为比较依据。相对位置按指标方向计：正向指标实际值较高为优，反向指标实际值较低为优，"
    "区间指标不比较优劣。"
)


def _position(direction: str, better: float) -> str:
    if direction == "range":
        return "区间指标，不比较优劣"
    return f"优于 {fmt.num(better, 0)}% 的同类案例"


def benchmark(ev: Evaluation, *, min_n: int = MIN_COMPARABLE) -> list[Any]:
    """与案例库对标: each numeric indicator among other projects' archived values of the same
    indicator (identity, unit and direction); below ``min_n`` comparable cases the indicator is
    named with its count instead of given percentiles."""
    from methods import standards

    pos = standards.position(ev.case, ev.table, min_n=min_n)
    numeric = int((ev.table["actual"].notna() & ev.table["applicable"]).sum())
    if pos.empty:
        return [
            Paragraph(
                "案例库中暂无与本案例指标同类的其他项目数据（同一指标、计量单位和方向），"
                "本报告不作对标。"
            )
        ]
    shown = pos[pos["shown"]]
    few = pos[~pos["shown"]]
    out: list[Any] = []
    if not shown.empty:
        rows = [
            [
                r.name,
                fmt.with_unit(r.actual, r.unit),
                str(r.n),
                fmt.num(r.p25),
                fmt.num(r.p50),
                fmt.num(r.p75),
                _position(r.direction, r.better_pct),
            ]
            for r in shown.itertuples()
        ]
        header = ["指标", "本案例实际值", "同类案例数", "P25", "中位数", "P75", "相对位置"]
        out.append(Table(rows, header, numeric=range(1, 6), note=NOTE))
    sentences = []
    if not few.empty:
        listed = "、".join(f"{r.name}（{r.n} 个）" for r in few.itertuples())
        sentences.append(
            f"以下指标在案例库中的同类案例少于 {min_n} 个，样本过少，不列示分位数和相对位置"
            f"（最少样本数为实务做法）：{listed}。"
        )
    none = numeric - len(pos)
    if none > 0:
        sentences.append(f"其余 {none} 项指标在案例库中没有同类案例。")
    if shown.empty:
        sentences.append("比较口径：" + NOTE.removeprefix("比较对象："))
    if sentences:
        out.append(Paragraph("".join(sentences)))
    return out
