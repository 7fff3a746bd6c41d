"""The report of a monitoring case (绩效运行监控报告): its eight sections as document blocks, the
charts, the conclusions and ``results.json``."""

from __future__ import annotations

import math
from typing import Any

from methods import _format as fmt
from methods.evaltypes.monitoring.analysis import IndicatorProgress, MonitoringResult, ProjectResult
from methods.evaltypes.monitoring.rules import (
    deviation_categories,
    light_name,
    likelihood_values,
    rules_data,
)
from methods.report import blocks
from methods.report.document import (
    BulletList,
    Callout,
    Cell,
    Document,
    Inline,
    Paragraph,
    Section,
    Span,
    Table,
)

# ---------------------------------------------------------------------------------------------
# Small pieces


def light(light: str | None, *, text: bool = True) -> list[Inline]:
    """A coloured dot and the light's Chinese name, as runs of a paragraph or a table cell."""
    spec = rules_data()["lights"][light or "none"]
    dot = Span("●", tone=spec["color"])
    return [dot, "\u00a0" + spec["name"]] if text else [dot]


def _period(month: int) -> str:
    return "1 月" if month == 1 else f"1—{month} 月"


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return str(n)


def _target_text(i: IndicatorProgress) -> str:
    if i.rule == "qualitative":
        return str(i.target) if i.target is not None else "定性"
    sign = "≤" if i.rule == "reverse" else "≥"
    return sign + fmt.with_unit(i.target, i.unit)


def _actual_text(i: IndicatorProgress) -> str:
    if i.rule == "qualitative":
        return i.tier or "—"
    if i.actual is None:
        return "暂无数据"
    return fmt.with_unit(i.actual, i.unit)


def _progress_text(i: IndicatorProgress) -> str:
    if i.mode == "time":
        return f"累计：完成 {fmt.pct(i.completion, 1)}，应完成 {fmt.with_unit(i.expected, i.unit)}"
    if i.mode == "level":
        shown = i.v if i.v is not None and math.isfinite(i.v) else None
        return f"水平：达到 {fmt.pct(shown, 1)}" if shown is not None else "水平：达标"
    if i.mode == "tier":
        return "定性：按档次"
    return "暂无数据"


# ---------------------------------------------------------------------------------------------
# 一、监控概况


def summary_table(result: MonitoringResult) -> Table:
    """The department summary: one row per project and the total."""
    u = result.unit
    rows = []
    for p in result.projects:
        c = p.light_counts()
        rows.append(
            [
                p.name + ("（重点关注）" if p.focus else ""),
                fmt.fixed(p.allocated),
                fmt.fixed(p.spent),
                fmt.pct(p.execution_rate),
                Cell(light(p.light)),
                fmt.pct(p.forecast_rate),
                f"{c['green']} / {c['yellow']} / {c['red']}",
                f"{p.recommendation.action}（{p.recommendation.rule.id}）",
                p.review.outcome + ("" if p.review.recorded else "（建议）"),
            ]
        )
    rows.append(
        [
            "合计",
            fmt.fixed(result.allocated),
            fmt.fixed(result.spent),
            fmt.pct(result.execution_rate),
            Cell(light(result.light)),
            fmt.pct(result.forecast_rate),
            "—",
            "—",
            "—",
        ]
    )
    header = [
        "项目",
        f"全年预算（{u}）",
        f"已执行（{u}）",
        "执行率",
        "执行灯色",
        "预计年末",
        "指标绿/黄/红",
        "处理建议（规则）",
        "审核结论",
    ]
    widths = (1.8, 1, 1, 0.8, 0.8, 0.8, 0.9, 1.2, 1)
    return Table(rows, header, numeric=(1, 2, 3, 5), widths=widths)


def section_overview(result: MonitoringResult) -> Section:
    """一、监控概况"""
    case = result.case
    s = result.summary()
    u = result.unit
    pairs = [
        ("监控对象", case.title),
        ("主管部门（单位）", case.department),
        ("预算年度", f"{case.year} 年"),
        ("监控期间", f"{case.year} 年 {_period(result.month)}"),
        ("时间进度", fmt.pct(result.time_progress * 100)),
        ("监控项目数", f"{len(result.projects)} 个"),
        (f"全年预算数（{u}）", fmt.fixed(result.allocated)),
        (f"截至监控月执行数（{u}）", fmt.fixed(result.spent)),
        ("预算执行率", fmt.pct(result.execution_rate)),
        ("执行进度比 v", fmt.num(result.v, 1)),
        ("预计年末执行率", fmt.pct(result.forecast_rate)),
    ]
    if getattr(case, "monitor", None):
        pairs.insert(2, ("监控实施主体", case.monitor))
    parts: list[Any] = []
    if getattr(case, "overview", None):
        parts.append(Paragraph(case.overview))
    parts.append(Table.kv(pairs))
    parts.append(
        Paragraph(["总体预算执行：", *light(result.light), f"（{result.thresholds.describe()}）。"])
    )
    if len(result.projects) > 1:
        runs: list[Inline] = ["项目执行灯色："]
        for k, key in enumerate(("green", "yellow", "red")):
            if k:
                runs.append("，")
            runs += [*light(key), f" {s['project_lights'][key]} 个"]
        parts.append(Paragraph([*runs, "。"]))
        parts.append(summary_table(result))
    return Section("一、监控概况", parts)


# ---------------------------------------------------------------------------------------------
# 二、预算执行监控


def _light_color(light: str | None) -> str:
    return rules_data()["lights"][light or "none"]["color"]


def plot_execution(result: MonitoringResult, ax=None):
    """Execution progress ratio v per project as horizontal bars coloured by light, with the
    red/yellow cut-offs; returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    projects = result.projects
    labels = [p.name for p in projects]
    values = [p.v for p in projects]
    colors = [_light_color(p.light) for p in projects]
    if len(projects) > 1:
        labels.append("合计")
        values.append(result.v)
        colors.append(_light_color(result.light))
    labels, values, colors = labels[::-1], values[::-1], colors[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 0.5 * len(labels) + 1.5))
    top = max(120.0, max(values) * 1.15)
    th = result.thresholds
    ax.axvspan(0, th.red, color="#c0392b", alpha=0.06)
    ax.axvspan(th.red, th.yellow, color="#e39b16", alpha=0.08)
    ax.axvspan(th.yellow, top, color="#2e7d32", alpha=0.05)
    ax.barh(labels, values, color=colors, height=0.55)
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.1f}", va="center", fontsize=9)
    for x in (th.red, th.yellow, 100):
        ax.axvline(x, color="#888888", lw=0.8, ls="--")
    ax.set_xlim(0, top)
    ax.set_xlabel("执行进度比 v（执行率 ÷ 时间进度 × 100）")
    ax.set_title(f"截至 {result.month} 月末预算执行进度")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def execution_table(result: MonitoringResult) -> Table:
    """Per project: budget, spent, rate, time progress, v and light."""
    u = result.unit
    rows = [
        [
            p.name,
            fmt.fixed(p.allocated),
            fmt.fixed(p.spent),
            fmt.pct(p.execution_rate),
            fmt.pct(result.time_progress * 100),
            fmt.num(p.v, 1),
            Cell(light(p.light)),
        ]
        for p in result.projects
    ]
    header = ["项目", f"全年预算（{u}）", f"已执行（{u}）", "执行率", "时间进度", "v", "灯色"]
    return Table(rows, header, numeric=range(1, 6), widths=(2.2, 1, 1, 0.8, 0.8, 0.6, 0.8))


def section_execution(result: MonitoringResult) -> Section:
    """二、预算执行监控"""
    parts: list[Any] = [
        Paragraph(
            "时间进度 = 监控截止月份 ÷ 12；执行进度比 v = 预算执行率 ÷ 时间进度 × 100，"
            "按 v 亮红、黄、绿灯。"
        ),
        execution_table(result),
    ]
    notes = []
    several = len(result.projects) > 1
    for p in result.projects:
        if not (p.deviation or p.explanation or p.measures):
            continue
        text = f"{p.name}：" if several else ""
        if p.deviation or p.explanation:
            text += "偏差原因——" + ("、".join(p.deviation) or "（未分类）")
            text += f"：{p.explanation}" if p.explanation else ""
            text += "。"
        if p.measures:
            text += f"纠偏措施——{p.measures}。"
        notes.append(text)
    if notes:
        parts += [Paragraph("预算执行偏差原因及纠偏措施："), BulletList(notes, ordered=False)]
    origin = "案例设定" if result.case.thresholds is not None else "默认，practice"
    parts.append(
        Paragraph(
            f"v = 预算执行率 ÷ 时间进度 × 100；{result.thresholds.describe()}（{origin}）。", "note"
        )
    )
    focus = [p for p in result.projects if p.focus]
    if focus:
        rule = rules_data()["focus"]
        parts.append(
            Callout(
                "warn",
                [
                    Paragraph(
                        f"重点关注：全年预算 {rule['min_amount']} 万元以上、"
                        f"{rule['from_month']} 月末及以后执行率低于 {rule['max_rate']}% 的项目——"
                        + "、".join(p.name for p in focus)
                        + "。"
                    )
                ],
            )
        )
    ax = plot_execution(result)
    th = result.thresholds
    parts.append(
        blocks.chart(
            ax.figure,
            f"截至 {result.month} 月末预算执行进度（执行进度比 v）",
            f"{'各项目及合计' if several else '项目'}的执行进度比 v 条形图，按灯色着色；"
            f"虚线为红灯分界 {fmt.num(th.red)}、黄灯分界 {fmt.num(th.yellow)} 和 100",
        )
    )
    return Section("二、预算执行监控", parts)


# ---------------------------------------------------------------------------------------------
# 三、绩效目标实现情况监控


def indicator_table(result: MonitoringResult, project: ProjectResult) -> Table:
    """One project's indicators: target, actual to date, progress, v, light, 完成可能性,
    偏差原因 and measures."""
    rows = []
    for i in project.indicators:
        reason = "、".join(i.deviation)
        if i.explanation:
            reason += ("：" if reason else "") + i.explanation
        if i.measures:
            reason += ("。" if reason else "") + f"措施：{i.measures}"
        if i.note:
            reason += ("。" if reason else "") + f"备注：{i.note}"
        rows.append(
            [
                i.level1,
                i.name,
                _target_text(i),
                _actual_text(i),
                _progress_text(i),
                "—" if i.v is None or not math.isfinite(i.v) else fmt.num(i.v, 1),
                Cell(light(i.light)),
                i.likelihood or "未填报",
                reason or "—",
            ]
        )
    header = [
        "一级指标",
        "指标",
        "年度指标值",
        f"截至 {result.month} 月",
        "完成进度",
        "v",
        "灯色",
        "完成可能性",
        "偏差原因及纠偏措施",
    ]
    widths = (0.8, 1.4, 1.1, 1, 1.4, 0.75, 0.85, 0.9, 2.4)
    return Table(rows, header, numeric=(5,), widths=widths)


def section_indicators(result: MonitoringResult) -> Section:
    """三、绩效目标实现情况监控"""
    parts: list[Any] = [
        Paragraph(
            "逐项列出年度指标值、截至监控月的完成情况、进度灯色、偏差原因（经费、制度、人员、"
            "硬件条件保障、其他）、完成可能性（确定能、有可能、完全不可能）和纠偏措施。"
        )
    ]
    several = len(result.projects) > 1
    for n, p in enumerate(result.projects, 1):
        c = p.light_counts()
        counts = Paragraph(
            f"指标灯色：绿灯 {c['green']} 个，黄灯 {c['yellow']} 个，红灯 {c['red']} 个"
            + (f"，未监测 {c['none']} 个" if c["none"] else "")
            + "。"
        )
        body = [indicator_table(result, p), counts]
        if several:
            parts.append(Section(f"（{_cn_number(n)}）{p.name}", body, level=2))
        else:
            parts += body
    ith = result.indicator_thresholds
    parts.append(
        Paragraph(
            "累计型指标（“累计”：完成全年指标值的比例、截至监控月的应完成值）"
            "v = 截至监控月完成值 ÷ 应完成值 × 100（应完成值为填报的计划进度值，"
            "未填报时为年度指标值 × 时间进度）；水平型指标（“水平”：达到指标值的程度）"
            "正向 v = 完成值 ÷ 指标值 × 100，反向 v = 指标值 ÷ 完成值 × 100；"
            f"{ith.describe()}；定性指标按档次亮灯（达成年度指标 绿灯，部分达成 黄灯，未达成 红灯；"
            "unverified）。未指定比较口径时，单位为 % 的正向指标和反向指标按水平型，其他正向指标按累计型。",
            "note",
        )
    )
    return Section("三、绩效目标实现情况监控", parts)


# ---------------------------------------------------------------------------------------------
# 四、年末执行预测


def plot_curve(project: ProjectResult, month: int, ax=None):
    """Cumulative execution curves of earlier years, this year's position and the year-end
    forecasts (pro rata and seasonal); returns the Axes."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 4.0))
    months = list(range(1, 13))
    ax.plot([0, 12], [0, 100], color="#888888", lw=0.8, ls=":", label="时间进度")
    greys = ["#9fb3c8", "#6d8aa8", "#3f5f80", "#b0b0b0"]
    for k, (y, curve) in enumerate(sorted(project.history.items())):
        ax.plot(months, curve, color=greys[k % len(greys)], lw=1.2, label=f"{y} 年累计执行率")
    rate = project.execution_rate
    ax.plot([month], [rate], "o", color=_light_color(project.light), ms=8, label="本年截至监控月")
    ax.plot(
        [month, 12],
        [rate, project.forecast_pro_rata],
        color="#2F6DB5",
        ls="--",
        lw=1.2,
        label=f"按时间进度外推（{project.forecast_pro_rata:.1f}%）",
    )
    if project.forecast_history is not None:
        ax.plot(
            [month, 12],
            [rate, project.forecast_history],
            color="#c0392b",
            ls="--",
            lw=1.2,
            label=f"按历史季节进度外推（{project.forecast_history:.1f}%）",
        )
    ax.set_xlim(0, 12.5)
    ax.set_xticks(months, [f"{m}月" for m in months], fontsize=8)
    top = max([max(c) for c in project.history.values()] + [rate, project.forecast_rate])
    ax.set_ylim(0, max(105.0, top * 1.05))
    ax.set_ylabel("累计执行率（%）")
    ax.set_title(f"{project.name}：累计执行曲线与年末预测")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def forecast_table(result: MonitoringResult) -> Table:
    """Year-end forecast per project: pro rata, seasonal shares, seasonal, the value used, the
    amount spent and left by the year end."""
    u = result.unit
    rows = []
    for p in result.projects:
        shares = "；".join(f"{y} 年 {fmt.pct(s * 100, 1)}" for y, s in p.shares.items()) or "—"
        rows.append(
            [
                p.name,
                fmt.pct(p.execution_rate),
                fmt.pct(p.forecast_pro_rata),
                shares,
                fmt.pct(p.forecast_history),
                fmt.pct(p.forecast_rate),
                fmt.fixed(p.forecast_amount),
                fmt.fixed(p.allocated - p.forecast_amount),
            ]
        )
    header = [
        "项目",
        "当前执行率",
        "时间进度外推",
        "历史同期占全年",
        "季节进度外推",
        "采用值",
        f"预计执行（{u}）",
        f"预计结余（{u}）",
    ]
    cap = "不封顶" if result.cap is None else f"以 {fmt.num(result.cap)}% 封顶"
    note = (
        f"时间进度外推：当前执行率 × 12 ÷ {result.month}；历史同期占全年："
        f"以前各年 {result.month} 月末累计执行率 ÷ 12 月末累计执行率；季节进度外推：当前执行率 ÷ "
        "历史同期占全年的平均值。有以前年度逐月执行数据时采用季节进度外推，否则采用时间进度外推；"
        f"预计执行率{cap}（unverified，本项目方法）。"
    )
    widths = (1.8, 0.8, 0.9, 1.4, 0.9, 0.8, 1, 1)
    return Table(rows, header, numeric=(1, 2, 4, 5, 6, 7), note=note, widths=widths)


def section_forecast(result: MonitoringResult) -> Section:
    """四、年末执行预测"""
    parts: list[Any] = [forecast_table(result)]
    for p in result.projects_with_history:
        ax = plot_curve(p, result.month)
        years = "、".join(f"{y} 年" for y in sorted(p.history))
        how = "按时间进度和按历史季节进度" if p.forecast_history is not None else "按时间进度"
        parts.append(
            blocks.chart(
                ax.figure,
                f"{p.name}累计执行曲线与年末预测",
                f"折线图：{years}逐月累计执行率曲线、本年截至 {result.month} 月末的执行率，"
                f"以及{how}外推的年末执行率",
            )
        )
    return Section("四、年末执行预测", parts)


# ---------------------------------------------------------------------------------------------
# 五、处理建议


def section_actions(result: MonitoringResult) -> Section:
    """五、处理建议"""
    rows = []
    for p in result.projects:
        r = p.recommendation
        rows.append(
            [
                p.name,
                r.action,
                r.rule.id,
                r.rule.describe(),
                r.rule.reason,
                "、".join(r.also) or "—",
            ]
        )
    header = ["项目", "处理建议", "触发规则", "规则条件", "依据", "同时满足的后续规则"]
    rule_rows = [[r.id, r.action, r.describe(), r.reason] for r in result.rules]
    spec = rules_data()["actions"]
    source = "案例文件自定义（action_rules）" if result.custom_rules else spec["source"]
    return Section(
        "五、处理建议",
        [
            Paragraph(
                "按处理建议规则表自上而下判断，第一条条件全部成立的规则给出建议，并注明触发的规则。"
            ),
            Table(rows, header, widths=(1.5, 0.9, 0.6, 2, 2.6, 0.9)),
            Paragraph("处理建议规则表（自上而下，第一条条件全部成立的规则给出建议）："),
            Table(rule_rows, ["规则", "处理建议", "条件", "说明"], widths=(0.5, 0.9, 2.2, 3)),
            Paragraph(f"规则来源：{source}。", "note"),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 六、监控结果审核


def section_review(result: MonitoringResult) -> Section:
    """六、监控结果审核"""
    spec = rules_data()["review"]
    several = len(result.projects) > 1
    rows = []
    for p in result.projects:
        r = p.review
        basis = "审核记录" if r.recorded else "自动审核（建议）"
        note = r.reason or r.meaning
        if r.recorded and r.outcome != r.suggested:
            note += f"（自动审核建议：{r.suggested}）"
        rows.append([p.name, r.outcome, basis, note, r.reviewer or "—", str(len(r.problems))])
    parts: list[Any] = [
        Paragraph(
            "财政部门审核监控表：通过、不通过（退回补充）、委托专家组或委托中介机构。"
            "案例文件记录了审核结论的，以记录为准；未记录的，按监控表填报的完整性和一致性给出建议结论。"
        ),
        Table(
            rows,
            ["项目", "审核结论", "结论来源", "审核意见", "审核单位", "填报问题"],
            widths=(1.5, 0.9, 1, 3, 1.5, 0.7),
        ),
    ]
    for p in result.projects:
        r = p.review
        if r.problems:
            head = f"{p.name}：" if several else ""
            parts += [Paragraph(f"{head}监控表需要补充或核实的内容："), BulletList(r.problems)]
        if r.refer and r.outcome not in ("委托专家组", "委托中介机构"):
            parts.append(
                Paragraph(
                    f"{p.name}的处理建议为“{p.recommendation.action}”："
                    "作出决定前，宜委托专家组或第三方中介机构复核偏差原因和目标可实现性。"
                )
            )
    outcomes = "；".join(f"{k}：{v}" for k, v in spec["outcomes"].items())
    parts.append(
        Paragraph(
            f"审核结论：{outcomes}。依据：{spec['source']}（{spec['status']}）。"
            f"自动审核检查：{'；'.join(spec['checks'])}（{spec['checks_status']}）。",
            "note",
        )
    )
    return Section("六、监控结果审核", parts)


# ---------------------------------------------------------------------------------------------
# 七、监控结论


def conclusions(result: MonitoringResult) -> dict[str, list[str]]:
    """主要成效, 存在问题 and 改进建议 from the lights, forecasts and rules."""
    achievements, problems, suggestions = [], [], []
    several = len(result.projects) > 1

    def head(p: ProjectResult) -> str:
        return f"{p.name}：" if several else ""

    def sub(p: ProjectResult) -> str:
        return f"{p.name}—" if several else ""

    s = result.summary()
    u = result.unit
    achievements.append(
        f"截至 {result.month} 月末，{len(result.projects)} 个项目全年预算 "
        f"{fmt.fixed(result.allocated)} {u}，已执行 {fmt.fixed(result.spent)} {u}，"
        f"执行率 {fmt.pct(result.execution_rate)}"
        f"（时间进度 {fmt.pct(result.time_progress * 100)}，{light_name(result.light)}）。"
    )
    green = [p.name for p in result.projects if p.light == "green"]
    if green:
        achievements.append("预算执行进度正常（绿灯）的项目：" + "、".join(green) + "。")
    n_green = s["indicator_lights"]["green"]
    n_all = sum(s["indicator_lights"].values())
    if n_all:
        achievements.append(f"{n_all} 项绩效指标中 {n_green} 项进度正常（绿灯）。")
    for p in result.projects:
        if p.light != "green":
            text = (
                f"{head(p)}预算执行率 {fmt.pct(p.execution_rate)}，v = {fmt.num(p.v, 1)}，"
                f"{light_name(p.light)}"
            )
            if p.deviation:
                text += "，偏差原因：" + "、".join(p.deviation)
            if p.explanation:
                text += f"（{p.explanation}）"
            problems.append(text + "。")
        for i in p.indicators:
            if i.light in ("yellow", "red"):
                text = f"{sub(p)}{i.name}：{light_name(i.light)}"
                if i.mode == "time":
                    text += (
                        f"，完成 {fmt.with_unit(i.actual, i.unit)}，应完成 "
                        f"{fmt.with_unit(i.expected, i.unit)}"
                    )
                elif i.mode == "level":
                    text += (
                        f"，完成值 {fmt.with_unit(i.actual, i.unit)}，年度指标值 {_target_text(i)}"
                    )
                if i.deviation:
                    text += "，偏差原因：" + "、".join(i.deviation)
                if i.likelihood:
                    text += f"，完成可能性：{i.likelihood}"
                problems.append(text + "。")
        r = p.recommendation
        if r.action != "继续执行" or p.light != "green":
            suggestions.append(f"{head(p)}{r.action}（规则 {r.rule.id}：{r.rule.reason}）。")
        for i in p.indicators:
            if i.measures and i.light in ("yellow", "red"):
                suggestions.append(f"{sub(p)}{i.name}：{i.measures}")
        if p.review.outcome == "不通过":
            suggestions.append(
                f"{head(p)}监控表审核不通过：退回补充完善（{len(p.review.problems)} 项填报问题）后重新报送。"
            )
        elif p.review.outcome in ("委托专家组", "委托中介机构"):
            suggestions.append(
                f"{head(p)}已{p.review.outcome}复核"
                + (f"：{p.review.reason}" if p.review.reason else "")
                + "，根据复核意见确定处理方式。"
            )
        elif p.review.refer:
            suggestions.append(
                f"{head(p)}{r.action}前，宜委托专家组或第三方中介机构复核偏差原因和目标可实现性。"
            )
    problems += result.warnings
    if not problems:
        problems.append("预算执行和绩效目标实现进度均正常，未发现明显问题。")
    if not suggestions:
        suggestions.append("继续按计划执行，做好下一阶段的绩效监控和年度绩效自评准备。")
    return {"achievements": achievements, "problems": problems, "suggestions": suggestions}


def section_conclusions(result: MonitoringResult) -> Section:
    """七、监控结论"""
    return Section("七、监控结论", blocks.conclusion_sections(conclusions(result), numbered=False))


# ---------------------------------------------------------------------------------------------
# 八、监控方法与依据


def section_method(result: MonitoringResult) -> Section:
    """八、监控方法与依据"""
    d = rules_data()
    rows = [
        ["时间进度", d["time_progress"]["formula"], d["time_progress"]["status"]],
        [
            "预算执行灯色",
            f"{d['execution_light']['formula']}；{result.thresholds.describe()}",
            d["execution_light"]["status"],
        ],
        [
            "指标进度灯色",
            result.indicator_thresholds.describe() + "；" + d["indicator_light"]["source"],
            d["indicator_light"]["status"],
        ],
        ["定性指标灯色", d["qualitative_lights"]["source"], d["qualitative_lights"]["status"]],
        [
            "偏差原因分类",
            "、".join(deviation_categories()) + "（" + d["deviation_reasons"]["source"] + "）",
            d["deviation_reasons"]["status"],
        ],
        [
            "完成可能性",
            "、".join(likelihood_values()) + "（" + d["likelihood"]["source"] + "）",
            d["likelihood"]["status"],
        ],
        [
            "年末执行预测",
            d["forecast"]["pro_rata"] + "；" + d["forecast"]["history"],
            d["forecast"]["status"],
        ],
        ["重点关注名单", d["focus"]["source"], d["focus"]["status"]],
        ["处理建议规则", d["actions"]["source"], d["actions"]["status"]],
    ]
    return Section(
        "八、监控方法与依据",
        [
            Paragraph(
                f"依据：{d['source']}。依据状态：reg 法规文件，local 地方规定，"
                "practice 实务通行做法，unverified 常见做法但未核实原文。"
            ),
            Table(rows, ["事项", "方法与参数", "依据状态"], widths=(1, 4, 0.8)),
            blocks.warnings_box(result.warnings),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The whole report

OUTLINE = (
    section_overview,
    section_execution,
    section_indicators,
    section_forecast,
    section_actions,
    section_review,
    section_conclusions,
    section_method,
)


def results(result: MonitoringResult) -> dict[str, Any]:
    """results.json (contracts §4) with the ``monitoring`` block and the sheet's warnings."""
    from methods.report import case_results

    return case_results(result.case, monitoring=result.to_dict(), warnings=result.warnings)


def outline(result: MonitoringResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(result.case, [build(result) for build in OUTLINE])
