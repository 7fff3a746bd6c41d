"""与案例库对标: where a case's indicators stand among comparable archived cases (a report block)."""

from __future__ import annotations

from typing import Any

from methods import _format as fmt
from methods.evaluation import Evaluation
from methods.report.document import Paragraph, Table

__all__ = ["benchmark"]


def benchmark(ev: Evaluation) -> list[Any]:
    """与案例库对标: where each actual value stands among archived cases of the same indicator."""
    from methods import standards

    pos = standards.position(ev.case, ev.table)
    if pos.empty:
        return [
            Paragraph(
                "案例库中暂无同一指标的历史或同类案例数据（运行更多案例后，此处显示本案例在案例库中的位置）。"
            )
        ]
    rows = [
        [
            r.name,
            fmt.with_unit(r.actual, r.unit),
            str(r.n),
            fmt.num(r.p25),
            fmt.num(r.p50),
            fmt.num(r.p75),
            f"{fmt.num(r.rank_pct, 0)}%",
        ]
        for r in pos.itertuples()
    ]
    header = ["指标", "本案例实际值", "案例库样本数", "P25", "中位数", "P75", "不高于本案例的比例"]
    return [
        Table(
            rows,
            header,
            numeric=range(1, 7),
            note="比较对象：案例库中同一指标代码的全部已存档案例（不含本案例）。",
        )
    ]
