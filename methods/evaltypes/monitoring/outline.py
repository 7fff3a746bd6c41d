"""The report of a monitoring case (绩效运行监控报告), on the customary outline of a monitoring report
built on the 监控表 of 财预〔2019〕136号: 一 基本情况, 二 预算执行情况, 三 绩效目标实现程度 (the
监控表: 年度指标值, 1—N月实际完成值, 全年预计完成值, 偏差原因, 完成目标可能性, 纠偏措施), 四 偏差分析,
五 监控结论 (the conclusion in official prose, the recommended handling and the review of the
sheet), 六 存在的问题 (with 原因分析), 七 纠偏措施与建议 (one per problem), 八 其他需要说明的问题, and
a 技术附件 holding the method detail (progress ratios and their cut-offs, forecasts, the rule table
with rule ids, the sheet checks, rule statuses, the case id and data files).

The ``section_*`` functions build the sections in order (the notebook calls them one by one;
:func:`outline` builds them all); :func:`results` gives results.json.
"""

from __future__ import annotations

import math
from typing import Any

from methods import _format as fmt
from methods.evaltypes.monitoring import findings as mfind
from methods.evaltypes.monitoring.analysis import IndicatorProgress, MonitoringResult, ProjectResult
from methods.evaltypes.monitoring.findings import period, rate, reason_names, several, target_text
from methods.evaltypes.monitoring.rules import (
    deviation_categories,
    light_name,
    likelihood_values,
    rules_data,
)
from methods.report import blocks, official
from methods.report import findings as fnd
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
from methods.report.official import NOT_GIVEN, chinese_number

# ---------------------------------------------------------------------------------------------
# Small pieces


def light(light: str | None, *, text: bool = True) -> list[Inline]:
    """A coloured dot and the light's Chinese name, as runs of a paragraph or a table cell."""
    spec = rules_data()["lights"][light or "none"]
    dot = Span("●", tone=spec["color"])
    return [dot, "\u00a0" + spec["name"]] if text else [dot]


def _light_color(light: str | None) -> str:
    return rules_data()["lights"][light or "none"]["color"]


def _para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(fnd.tidy(text), style)  # type: ignore[arg-type]


def _actual_text(i: IndicatorProgress) -> str:
    if i.rule == "qualitative":
        return i.tier or "—"
    if i.actual is None:
        return "暂无数据"
    return mfind.value(i.actual, i.unit)


def _forecast_text(i: IndicatorProgress) -> str:
    """全年预计完成值: as reported, else for a cumulative indicator its value at today's pace."""
    if i.forecast is None:
        return "—"
    shown = mfind.value(i.forecast, i.unit)
    return shown if i.forecast_given else f"{shown}（按当前进度推算）"


def _reason_text(i: IndicatorProgress) -> str:
    reason = reason_names(i.deviation)
    if i.explanation:
        reason += ("：" if reason else "") + fnd._clause(i.explanation)
    return reason or "—"


def _process(work: Any) -> list[str]:
    process = getattr(work, "process", None) if work else None
    if not process:
        return []
    return [process] if isinstance(process, str) else list(process)


def _case_light_rule(result: MonitoringResult) -> str:
    th = result.thresholds
    return (
        f"执行进度比（预算执行率÷时间进度×100）低于{fmt.num(th.red)}的亮红灯（严重滞后），"
        f"{fmt.num(th.red)}（含）至{fmt.num(th.yellow)}的亮黄灯（进度偏慢），"
        f"{fmt.num(th.yellow)}（含）以上的亮绿灯（进度正常）"
    )


# ---------------------------------------------------------------------------------------------
# 一、基本情况


def _department_named(case: Any) -> str:
    """The department's full name, with its short form at first mention (以下简称“区住建局”)."""
    short = getattr(case, "department_short", None)
    return f"{case.department}（以下简称“{short}”）" if short else case.department


def _targets_sentence(p: ProjectResult) -> str:
    levels: dict[str, int] = {}
    for i in p.indicators:
        levels[i.level1] = levels.get(i.level1, 0) + 1
    counts = "、".join(f"{k}{v}项" for k, v in levels.items())
    shown = "；".join(
        f"{i.name}（{target_text(i)}）" if i.rule == "qualitative" else f"{i.name}{target_text(i)}"
        for i in p.indicators[:6]
    )
    more = "等" if len(p.indicators) > 6 else ""
    return f"年度绩效指标{len(p.indicators)}项，其中{counts}，主要为：{shown}{more}"


def section_basic(result: MonitoringResult) -> Section:
    """一、基本情况"""
    case = result.case
    u = result.unit
    pairs = [
        ("监控对象", case.title),
        ("主管部门（单位）", _department_named(case)),
        ("预算年度", f"{case.year}年"),
        ("监控期间", f"{case.year}年{period(result.month)}"),
        ("监控实施主体", getattr(case, "monitor", None) or NOT_GIVEN),
    ]
    if several(result):
        pairs.append(("监控项目数", f"{len(result.projects)}个"))
    overview = (
        _para(case.overview) if getattr(case, "overview", None) else Paragraph(f"概况：{NOT_GIVEN}")
    )
    first: list[Any] = [Table.kv(pairs), overview]
    if several(result):
        rows = [
            [p.name, p.department or NOT_GIVEN, fmt.fixed(p.allocated)] for p in result.projects
        ]
        rows.append(["合计", "", fmt.fixed(result.allocated)])
        first.append(
            Table(
                rows,
                ["项目", "实施单位", f"全年预算数（{u}）"],
                numeric=(2,),
                widths=(2.4, 2.4, 1.2),
            )
        )
    if several(result):
        goals: list[Any] = [
            BulletList([fnd.tidy(f"{p.name}：{_targets_sentence(p)}。") for p in result.projects])
        ]
    else:
        goals = [_para(_targets_sentence(result.projects[0]) + "。")]
    goals.append(Paragraph("各项指标的年度指标值、截至监控月的完成情况见第三部分。"))

    work = getattr(case, "work", None)
    tp = result.time_progress * 100
    steps: list[Any] = [
        _para(
            f"1. 监控组织。{getattr(case, 'monitor', None) or NOT_GIVEN}。"
            + (f"监控目的：{fnd._clause(work.purpose)}。" if work and work.purpose else "")
        ),
        _para(
            f"2. 监控内容和方法。按照预算执行进度和绩效目标实现程度“双监控”的要求，以截至"
            f"{result.month}月末为监控时点（时间进度{rate(tp)}），对照时间进度检查预算执行进度，"
            "对照年度指标值检查各项绩效指标的完成情况，分析偏差原因和完成目标的可能性，"
            f"并按红黄绿灯标示进度：{_case_light_rule(result)}；绩效指标按完成进度同样标示。"
        ),
    ]
    process = _process(work)
    steps.append(
        _para("3. 工作过程。" + "；".join(fnd._clause(s) for s in process) + "。")
        if process
        else Paragraph(f"3. 工作过程。{NOT_GIVEN}")
    )
    if work and work.fieldwork:
        steps.append(_para(f"4. 现场核查。{fnd._clause(work.fieldwork)}。"))
    return Section(
        "一、基本情况",
        [
            Section("（一）监控对象", first, level=2),
            Section("（二）绩效目标", goals, level=2),
            Section("（三）监控工作开展情况", steps, level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 二、预算执行情况


def budget_table(result: MonitoringResult) -> Table:
    """监控表的资金部分 per project (and in total): 年初预算数 (when a budget was adjusted),
    全年预算数, 1—N月执行数, 执行率, 执行进度 (light against the time progress), 全年预计执行数
    and 预计执行率; amounts in the case's unit (said in the note)."""
    u = result.unit
    adjusted = any(
        p.planned is not None and abs(p.planned - p.allocated) > 1e-9 for p in result.projects
    )
    rows = []
    for p in result.projects:
        row = [
            p.name + ("（重点关注）" if p.focus else ""),
            fmt.fixed(p.allocated),
            fmt.fixed(p.spent),
            rate(p.execution_rate),
            Cell(light(p.light)),
            fmt.fixed(p.forecast_amount),
            rate(p.forecast_rate),
        ]
        if adjusted:
            row.insert(1, fmt.fixed(p.planned))
        rows.append(row)
    if several(result):
        planned = [p.planned for p in result.projects]
        row = [
            "合计",
            fmt.fixed(result.allocated),
            fmt.fixed(result.spent),
            rate(result.execution_rate),
            Cell(light(result.light)),
            fmt.fixed(sum(p.forecast_amount for p in result.projects)),
            rate(result.forecast_rate),
        ]
        if adjusted:
            row.insert(1, fmt.fixed(sum(planned)) if all(x is not None for x in planned) else "—")
        rows.append(row)
    header = [
        "项目",
        "全年预算数",
        f"{period(result.month)}执行数",
        "执行率",
        "执行进度",
        "全年预计执行数",
        "预计执行率",
    ]
    widths = [2.4, 1, 1, 0.8, 0.9, 1, 0.8]
    if adjusted:
        header.insert(1, "年初预算数")
        widths.insert(1, 1)
    numeric = [i for i, h in enumerate(header) if h not in ("项目", "执行进度")]
    note = (
        f"金额单位：{u}。执行进度按执行率与时间进度（{rate(result.time_progress * 100)}）之比"
        "标示红黄绿灯。"
    )
    return Table(rows, header, numeric=numeric, widths=tuple(widths), note=note, classes="jx-wrap")


def plot_execution(result: MonitoringResult, ax=None):
    """Execution progress ratio per project as horizontal bars coloured by light, with the
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
    ax.set_xlabel("执行进度比（预算执行率÷时间进度×100）")
    ax.set_title(f"截至{result.month}月末预算执行进度")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


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
        ax.plot(months, curve, color=greys[k % len(greys)], lw=1.2, label=f"{y}年累计执行率")
    rate_now = project.execution_rate
    ax.plot(
        [month], [rate_now], "o", color=_light_color(project.light), ms=8, label="本年截至监控月"
    )
    ax.plot(
        [month, 12],
        [rate_now, project.forecast_pro_rata],
        color="#2F6DB5",
        ls="--",
        lw=1.2,
        label=f"按时间进度推算（{project.forecast_pro_rata:.1f}%）",
    )
    if project.forecast_history is not None:
        ax.plot(
            [month, 12],
            [rate_now, project.forecast_history],
            color="#c0392b",
            ls="--",
            lw=1.2,
            label=f"按以前年度同期进度推算（{project.forecast_history:.1f}%）",
        )
    ax.set_xlim(0, 12.5)
    ax.set_xticks(months, [f"{m}月" for m in months], fontsize=8)
    top = max([max(c) for c in project.history.values()] + [rate_now, project.forecast_rate])
    ax.set_ylim(0, max(105.0, top * 1.05))
    ax.set_ylabel("累计执行率（%）")
    ax.set_title(f"{project.name}：累计执行曲线与全年预计执行率")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _execution_prose(result: MonitoringResult) -> str:
    tp = result.time_progress * 100
    u = result.unit
    if several(result):
        s = result.summary()["project_lights"]
        text = (
            f"截至{result.month}月末，{len(result.projects)}个项目全年预算合计"
            f"{fmt.fixed(result.allocated)}{u}，已执行{fmt.fixed(result.spent)}{u}，"
            f"预算执行率{rate(result.execution_rate)}，时间进度{rate(tp)}，总体执行进度"
            f"{mfind.LIGHT_WORDS[result.light]}（{light_name(result.light)}）。"
            f"分项目看，执行进度正常（绿灯）{s['green']}个、偏慢（黄灯）{s['yellow']}个、"
            f"严重滞后（红灯）{s['red']}个。"
        )
        return text
    p = result.projects[0]
    text = f"截至{result.month}月末，项目"
    if p.planned is not None and abs(p.planned - p.allocated) > 1e-9:
        diff = p.allocated - p.planned
        word = "增加" if diff > 0 else "减少"
        text += (
            f"年初预算{fmt.fixed(p.planned)}{u}，全年预算{fmt.fixed(p.allocated)}{u}"
            f"（较年初预算{word}{fmt.fixed(abs(diff))}{u}）"
        )
    else:
        text += f"全年预算{fmt.fixed(p.allocated)}{u}"
    text += f"，已执行{fmt.fixed(p.spent)}{u}，预算执行率{rate(p.execution_rate)}"
    if p.execution_rate < tp - 1e-9:
        text += f"，低于{rate(tp)}的时间进度"
    else:
        text += f"，时间进度{rate(tp)}"
    return text + f"，执行进度{mfind.LIGHT_WORDS[p.light]}（{light_name(p.light)}）。"


def section_budget(result: MonitoringResult) -> Section:
    """二、预算执行情况"""
    u = result.unit
    first: list[Any] = [_para(_execution_prose(result)), budget_table(result)]
    if result.case.budget is not None and getattr(result.case.budget, "note", None):
        first.append(_para(f"说明：{result.case.budget.note}", "note"))
    focus = [p for p in result.projects if p.focus]
    if focus:
        rule = rules_data()["focus"]
        first.append(
            Callout(
                "warn",
                [
                    _para(
                        f"重点关注：全年预算{rule['min_amount']}万元以上、{rule['from_month']}月末及以后"
                        f"执行率低于{rule['max_rate']}%的项目——"
                        + "、".join(p.name for p in focus)
                        + "。"
                    )
                ],
            )
        )
    if several(result):
        ax = plot_execution(result)
        th = result.thresholds
        first.append(
            blocks.chart(
                ax.figure,
                f"截至{result.month}月末各项目预算执行进度",
                f"各项目及合计的执行进度比条形图，按红黄绿灯着色；虚线为红灯分界{fmt.num(th.red)}、"
                f"黄灯分界{fmt.num(th.yellow)}和100",
            )
        )
    second: list[Any] = []
    for p in result.projects:
        who = f"{p.name}：" if several(result) else ""
        text = who + mfind.forecast_fact(p)
        if p.forecast_history is not None:
            years = "、".join(f"{y}" for y in sorted(p.history))
            text += f"（以前年度为{years}年；按时间进度线性推算为{rate(p.forecast_pro_rata)}）"
        second.append(_para(text + "。"))
    for p in result.projects_with_history:
        ax = plot_curve(p, result.month)
        years = "、".join(f"{y}年" for y in sorted(p.history))
        how = "按时间进度和按以前年度同期进度" if p.forecast_history is not None else "按时间进度"
        second.append(
            blocks.chart(
                ax.figure,
                f"{p.name}累计执行曲线与全年预计执行率",
                f"折线图：{years}逐月累计执行率曲线、本年截至{result.month}月末的执行率，"
                f"以及{how}推算的全年执行率",
            )
        )
    left = sum(p.allocated - p.forecast_amount for p in result.projects)
    if several(result) and left > 0.005:
        second.append(
            _para(
                f"按上述推算，{len(result.projects)}个项目全年预计执行"
                f"{fmt.fixed(result.allocated - left)}{u}，预计执行率{rate(result.forecast_rate)}，"
                f"预计结余{fmt.fixed(left)}{u}。"
            )
        )
    return Section(
        "二、预算执行情况",
        [
            Section("（一）预算执行进度", first, level=2),
            Section("（二）全年预计执行情况", second, level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 三、绩效目标实现程度


def sheet_table(result: MonitoringResult, project: ProjectResult) -> Table:
    """One project's 绩效目标执行监控表 (财预〔2019〕136号): 一级指标, 三级指标, 年度指标值,
    1—N月实际完成值, 全年预计完成值, 进度 (light), 偏差原因, 完成目标可能性, 纠偏措施."""
    rows = []
    for i in project.indicators:
        rows.append(
            [
                i.level1,
                i.name,
                target_text(i),
                _actual_text(i),
                _forecast_text(i),
                Cell(light(i.light)),
                _reason_text(i),
                i.likelihood or "未填报",
                fnd._clause(i.measures) if i.measures else "—",
            ]
        )
    header = [
        "一级指标",
        "绩效指标",
        "年度指标值",
        f"{period(result.month)}实际完成值",
        "全年预计完成值",
        "进度",
        "偏差原因",
        "完成目标可能性",
        "纠偏措施",
    ]
    widths = (0.8, 1.4, 1.2, 1, 1.1, 0.8, 1.8, 0.8, 1.6)
    return Table(blocks.merged_rows(rows, merge=1), header, widths=widths, classes="jx-wrap")


def _light_sentence(p: ProjectResult) -> str:
    c = p.light_counts()
    text = (
        f"{len(p.indicators)}项指标中，进度正常（绿灯）{c['green']}项，偏慢（黄灯）{c['yellow']}项，"
        f"严重滞后（红灯）{c['red']}项"
    )
    if c["none"]:
        text += f"，暂无监控数据{c['none']}项"
    return text + "。"


def section_targets(result: MonitoringResult) -> Section:
    """三、绩效目标实现程度"""
    parts: list[Any] = [
        Paragraph(
            f"按绩效目标执行监控表的格式，逐项列出年度指标值、{period(result.month)}实际完成值、"
            "全年预计完成值、进度、偏差原因（经费保障、制度保障、人员保障、硬件条件保障、其他）、"
            "完成目标可能性（确定能、有可能、完全不可能）和纠偏措施。"
        )
    ]
    for n, p in enumerate(result.projects, 1):
        body = [sheet_table(result, p), _para(_light_sentence(p))]
        notes = [
            f"{i.name}：{fnd._clause(i.note)}。" for i in p.indicators if i.note and i.light is None
        ]
        if notes:
            body.append(_para("说明：" + "".join(notes), "note"))
        if several(result):
            parts.append(Section(f"（{chinese_number(n)}）{p.name}", body, level=2))
        else:
            parts += body
    return Section("三、绩效目标实现程度", parts)


# ---------------------------------------------------------------------------------------------
# 四、偏差分析


def _deviations(result: MonitoringResult) -> list[dict[str, Any]]:
    """Every deviation: a project's execution off green, an indicator in yellow or red."""
    out = []
    for p in result.projects:
        if p.light != "green":
            out.append(
                {
                    "project": p,
                    "item": "预算执行",
                    "label": f"{p.name}预算执行" if several(result) else "预算执行",
                    "what": f"执行率{rate(p.execution_rate)}，时间进度{rate(result.time_progress * 100)}，"
                    f"{light_name(p.light)}",
                    "reasons": p.deviation,
                    "explanation": p.explanation,
                    "likelihood": None,
                }
            )
        for i in p.indicators:
            if i.light not in ("yellow", "red"):
                continue
            if i.mode == "time":
                what = (
                    f"完成{mfind.value(i.actual, i.unit)}，应完成{mfind.value(i.expected, i.unit)}"
                )
            elif i.mode == "level":
                what = f"完成值{mfind.value(i.actual, i.unit)}，年度指标值{target_text(i)}"
            else:
                what = f"评价为“{i.tier}”"
            explanation = i.explanation or mfind._indicator_cause(p, i)
            out.append(
                {
                    "project": p,
                    "item": i.name,
                    "label": i.name,
                    "what": f"{what}，{light_name(i.light)}",
                    "reasons": i.deviation,
                    "explanation": explanation,
                    "likelihood": i.likelihood,
                }
            )
    return out


def section_deviation(result: MonitoringResult) -> Section:
    """四、偏差分析"""
    rows = _deviations(result)
    if not rows:
        return Section(
            "四、偏差分析",
            [Paragraph(f"截至{result.month}月末，预算执行和各项绩效指标进度均正常，未发现偏差。")],
        )
    table_rows = []
    for r in rows:
        row = [
            r["item"],
            fnd.tidy(r["what"]),
            reason_names(r["reasons"]) or "未填报",
            fnd._clause(r["explanation"]) if r["explanation"] else "未说明",
            r["likelihood"] or "—",
        ]
        if several(result):
            row.insert(0, r["project"].name)
        table_rows.append(row)
    header = ["偏差事项", "偏差情况", "偏差原因", "原因说明", "完成目标可能性"]
    widths = [1.4, 2, 1.1, 2.6, 0.9]
    if several(result):
        header.insert(0, "项目")
        widths.insert(0, 1.4)
        table_rows = blocks.merged_rows(table_rows, merge=1)
    counts: dict[str, list[str]] = {}
    for r in rows:
        for reason in r["reasons"]:
            counts.setdefault(reason, []).append(r["label"])
    order = deviation_categories()
    by_reason = [
        f"{reason_names([k])}方面{len(v)}项（{mfind._names(v, 3)}）"
        for k, v in sorted(counts.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0])))
    ]
    analysis = f"共发现偏差{len(rows)}项。"
    if by_reason:
        analysis += "从填报的偏差原因看，" + "，".join(by_reason) + "。"
    bare = [r["label"] for r in rows if not r["reasons"] and not r["explanation"]]
    if bare:
        analysis += f"{mfind._names(bare, 3)}未填报偏差原因。"
    thin = [r["label"] for r in rows if r["reasons"] and not r["explanation"]]
    if thin:
        analysis += f"{mfind._names(thin, 3)}仅填报原因类别、未说明具体原因，有待进一步核实。"
    impossible = [r["label"] for r in rows if r["likelihood"] == "完全不可能"]
    if impossible:
        analysis += (
            f"{mfind._names(impossible, 3)}填报的完成目标可能性为“完全不可能”，年度目标已难以实现。"
        )
    return Section(
        "四、偏差分析",
        [
            Section(
                "（一）偏差情况",
                [Table(table_rows, header, widths=tuple(widths), classes="jx-wrap")],
                level=2,
            ),
            Section("（二）偏差原因分析", [_para(analysis)], level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 五、监控结论


def _findings(result: MonitoringResult) -> fnd.Findings:
    return mfind.find(result)


def actions_table(result: MonitoringResult) -> Table:
    """处理建议 per project: execution, indicator progress, 完成可能性, the action and why."""
    rows = []
    for p in result.projects:
        c = p.light_counts()
        impossible = sum(1 for i in p.indicators if i.likelihood == "完全不可能")
        r = p.recommendation
        rows.append(
            [
                p.name,
                Cell([*light(p.light), f"（{rate(p.execution_rate)}）"]),
                f"绿{c['green']}、黄{c['yellow']}、红{c['red']}",
                f"{impossible}项" if impossible else "无",
                r.action,
                fnd._clause(r.rule.reason) if r.rule.reason else "—",
            ]
        )
    header = ["项目", "预算执行", "指标进度", "“完全不可能”完成的指标", "处理建议", "理由"]
    return Table(rows, header, widths=(1.6, 1.1, 1.1, 1, 0.9, 3), classes="jx-wrap")


def review_blocks(result: MonitoringResult) -> list[Any]:
    """监控结果审核: the recorded conclusions, then the suggested conclusion of the sheets without
    one (grouped by outcome), and the referral hint before 暂缓 or 停止拨款."""
    out: list[Any] = []
    for p in result.projects:
        r = p.review
        if not r.recorded:
            continue
        head = f"{p.name}：" if several(result) else ""
        text = f"{head}{r.reviewer or '财政部门'}审核结论为“{r.outcome}”"
        text += f"，审核意见：{fnd._clause(r.reason)}。" if r.reason else "。"
        if r.outcome != r.suggested:
            text += f"按监控表填报的完整性和一致性，建议结论为“{r.suggested}”。"
        out.append(_para(text))
    unrecorded: dict[str, list[str]] = {}
    for p in result.projects:
        if not p.review.recorded:
            unrecorded.setdefault(p.review.outcome, []).append(p.name)
    for outcome, names in unrecorded.items():
        meaning = fnd._clause(rules_data()["review"]["outcomes"][outcome])
        if several(result):
            who = f"{'、'.join(names)}{len(names)}个项目的" if len(names) > 1 else f"{names[0]}的"
        else:
            who = ""
        out.append(
            _para(
                f"{who}监控表未记录审核结论；按填报的完整性和一致性，建议审核结论为“{outcome}”"
                f"（{meaning}）。"
            )
        )
    for p in result.projects:
        r = p.review
        if r.refer and r.outcome not in ("委托专家组", "委托中介机构"):
            project = p.name if several(result) else "该项目"
            out.append(
                _para(
                    f"{project}的处理建议为“{p.recommendation.action}”，作出决定前宜委托专家组或"
                    "第三方中介机构复核偏差原因和目标可实现性。"
                )
            )
    return out


def section_conclusion(result: MonitoringResult) -> Section:
    """五、监控结论"""
    fd = _findings(result)
    return Section(
        "五、监控结论",
        [
            Section("（一）综合结论", [_para(mfind.conclusion(result, fd))], level=2),
            Section(
                "（二）处理建议",
                [
                    Paragraph(
                        "根据预算执行进度、绩效指标进度和完成目标的可能性，按继续执行、调整目标、"
                        "调减预算、暂缓拨款、停止拨款提出处理建议。"
                    ),
                    actions_table(result),
                ],
                level=2,
            ),
            Section("（三）监控结果审核", review_blocks(result), level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# 六、存在的问题；七、纠偏措施与建议


def section_problems(result: MonitoringResult) -> Section:
    """六、存在的问题"""
    fd = _findings(result)
    if not fd.problems:
        return Section(
            "六、存在的问题",
            [
                Paragraph(
                    "截至监控时点，预算执行和绩效目标实现进度均正常，未发现需要单独列示的问题。"
                )
            ],
        )
    parts = official.problem_sections(fd)
    return Section("六、存在的问题", parts)


def section_advice(result: MonitoringResult) -> Section:
    """七、纠偏措施与建议"""
    fd = _findings(result)
    if not fd.advice:
        return Section(
            "七、纠偏措施与建议",
            [Paragraph("继续按计划执行，做好下一阶段绩效监控和年度绩效自评准备。")],
        )
    parts = official.advice_sections(fd)
    return Section("七、纠偏措施与建议", parts)


# ---------------------------------------------------------------------------------------------
# 八、其他需要说明的问题


def other_matters(result: MonitoringResult) -> list[str]:
    case = result.case
    out = []
    who = "、".join(dict.fromkeys(p.department for p in result.projects if p.department))
    source = f"{who}填报" if who and several(result) else "项目单位填报"
    out.append(
        f"数据来源。监控数据来源于{source}的绩效目标执行监控表和截至{result.month}月末的预算执行数据，"
        "本报告未对填报数据逐项核实。"
    )
    pending = [
        f"{i.name}（{fnd._clause(i.note or i.explanation)}）"
        for p in result.projects
        for i in p.indicators
        if i.light is None and (i.note or i.explanation)
    ]
    if pending:
        out.append(f"暂无监控数据的指标。{'；'.join(pending)}，未纳入本次进度判断。")
    hist = [p.name for p in result.projects if p.forecast_history is not None]
    forecast = "全年预计执行数"
    if hist:
        forecast += "对有以前年度逐月执行数据的项目按以前年度同期支出进度推算，其余按时间进度推算"
    else:
        forecast += "按时间进度推算"
    cap = "，且不超过全年预算" if result.cap is not None and result.cap <= 100 else ""
    out.append(f"预测口径。{forecast}{cap}，实际执行受工程结算、政府采购等因素影响，仅供参考。")
    referred = [p for p in result.projects if p.review.outcome in ("委托专家组", "委托中介机构")]
    for p in referred:
        out.append(
            f"复核事项。{p.name}已{p.review.outcome}复核"
            + (f"（{fnd._clause(p.review.reason)}）" if p.review.reason else "")
            + "，复核结果尚未取得，处理建议以复核意见为准。"
        )
    inconsistent = [w for w in result.warnings if "审核结论记录为" in w]
    for w in inconsistent:
        out.append(f"审核记录。{fnd._clause(w)}。")
    work = getattr(case, "work", None)
    if work is not None and work.limitations:
        out += [fnd._sentence(fnd.tidy(x)) for x in work.limitations]
    else:
        out.append(f"监控的局限。{NOT_GIVEN}")
    return out


def section_other(result: MonitoringResult) -> Section:
    """八、其他需要说明的问题"""
    items = other_matters(result)
    return Section("八、其他需要说明的问题", [_para(f"{i}. {x}") for i, x in enumerate(items, 1)])


# ---------------------------------------------------------------------------------------------
# 附件：技术附件


def indicator_table(result: MonitoringResult, project: ProjectResult) -> Table:
    """One project's indicators with the progress detail: mode, due value, progress ratio v and
    light."""
    rows = []
    for i in project.indicators:
        if i.mode == "time":
            how = f"累计型：完成{rate(i.completion)}，应完成{mfind.value(i.expected, i.unit)}"
        elif i.mode == "level":
            how = "水平型：与年度指标值比较"
        elif i.mode == "tier":
            how = "定性：按评价档次"
        else:
            how = "暂无数据"
        v = "—" if i.v is None or not math.isfinite(i.v) else fmt.num(i.v, 1)
        rows.append([i.code, i.name, target_text(i), _actual_text(i), how, v, Cell(light(i.light))])
    header = ["代码", "指标", "年度指标值", f"截至{result.month}月", "比较口径", "进度比 v", "灯色"]
    return Table(
        rows, header, numeric=(5,), widths=(0.6, 1.6, 1.1, 1, 2.2, 0.7, 0.8), classes="jx-wrap"
    )


def forecast_table(result: MonitoringResult) -> Table:
    """Year-end forecast per project: pro rata, seasonal shares, seasonal, the value used, the
    amount spent and left by the year end."""
    u = result.unit
    rows = []
    for p in result.projects:
        shares = "；".join(f"{y}年 {fmt.pct(s * 100, 1)}" for y, s in p.shares.items()) or "—"
        rows.append(
            [
                p.name,
                rate(p.execution_rate),
                rate(p.forecast_pro_rata),
                shares,
                rate(p.forecast_history),
                rate(p.forecast_rate),
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
    cap = "不封顶" if result.cap is None else f"以{fmt.num(result.cap)}%封顶"
    note = (
        f"时间进度外推：当前执行率 × 12 ÷ {result.month}；历史同期占全年："
        f"以前各年{result.month}月末累计执行率 ÷ 12月末累计执行率；季节进度外推：当前执行率 ÷ "
        "历史同期占全年的平均值。有以前年度逐月执行数据时采用季节进度外推，否则采用时间进度外推；"
        f"预计执行率{cap}。"
    )
    widths = (1.8, 0.8, 0.9, 1.4, 0.9, 0.8, 1, 1)
    return Table(
        rows, header, numeric=(1, 2, 4, 5, 6, 7), note=note, widths=widths, classes="jx-wrap"
    )


def method_table(result: MonitoringResult) -> Table:
    d = rules_data()
    st = blocks.status_text
    rows = [
        [
            "时间进度",
            d["time_progress"]["formula"],
            blocks.cite(d["time_progress"]["source"]),
            st(d["time_progress"]["status"]),
        ],
        [
            "预算执行灯色",
            f"{d['execution_light']['formula']}；{result.thresholds.describe()}"
            + ("（案例设定）" if result.case.thresholds is not None else ""),
            blocks.cite(d["execution_light"]["source"]),
            st(d["execution_light"]["status"]),
        ],
        [
            "指标进度灯色",
            "累计型指标 v = 截至监控月完成值 ÷ 应完成值 × 100（应完成值为填报的计划进度值，未填报时为"
            "年度指标值 × 时间进度）；水平型正向 v = 完成值 ÷ 指标值 × 100，反向 v = 指标值 ÷ 完成值 × 100；"
            + result.indicator_thresholds.describe()
            + ("（案例设定）" if result.case.indicator_thresholds is not None else ""),
            blocks.cite(d["indicator_light"]["source"]),
            st(d["indicator_light"]["status"]),
        ],
        [
            "定性指标灯色",
            "、".join(f"{k} {light_name(v)}" for k, v in d["qualitative_lights"]["tiers"].items()),
            blocks.cite(d["qualitative_lights"]["source"]),
            st(d["qualitative_lights"]["status"]),
        ],
        [
            "偏差原因分类",
            "、".join(deviation_categories()),
            blocks.cite(d["deviation_reasons"]["source"]),
            st(d["deviation_reasons"]["status"]),
        ],
        [
            "完成可能性",
            "、".join(likelihood_values()),
            blocks.cite(d["likelihood"]["source"]),
            st(d["likelihood"]["status"]),
        ],
        [
            "全年执行预测",
            d["forecast"]["pro_rata"] + "；" + " ".join(str(d["forecast"]["history"]).split()),
            blocks.cite(d["forecast"]["source"]),
            st(d["forecast"]["status"]),
        ],
        [
            "重点关注名单",
            f"全年预算 {d['focus']['min_amount']} 万元以上、{d['focus']['from_month']} 月末及以后执行率低于 "
            f"{d['focus']['max_rate']}%",
            blocks.cite(d["focus"]["source"]),
            st(d["focus"]["status"]),
        ],
        [
            "处理建议规则",
            "规则表自上而下判断，第一条条件全部成立的规则给出建议",
            "案例文件自定义"
            if result.custom_rules
            else blocks.cite(" ".join(d["actions"]["source"].split())),
            "案例设定" if result.custom_rules else st(d["actions"]["status"]),
        ],
        [
            "问题归纳与建议",
            "偏差事项按预算执行、指标进度、目标难以实现、监控表填报归并为问题，每个问题一条建议",
            blocks.cite(" ".join(d["report"]["source"].split())),
            st(d["report"]["status"]),
        ],
    ]
    return Table(rows, ["事项", "方法与参数", "依据", "依据状态"], widths=(1, 3, 2.4, 0.8))


def section_annex(result: MonitoringResult) -> Section:
    """附件：技术附件"""
    d = rules_data()
    progress = []
    for n, p in enumerate(result.projects, 1):
        table = indicator_table(result, p)
        progress.append(Paragraph(f"{n}. {p.name}") if several(result) else None)
        progress.append(table)
    rec_rows = [
        [
            p.name,
            p.recommendation.action,
            p.recommendation.rule.id,
            p.recommendation.rule.describe(),
            "、".join(p.recommendation.also) or "—",
        ]
        for p in result.projects
    ]
    rule_rows = [[r.id, r.action, r.describe(), r.reason or "—"] for r in result.rules]
    review = d["review"]
    checks = list(review["checks"])
    sheet_problems = [
        f"{p.name}：{x}" if several(result) else x
        for p in result.projects
        for x in p.review.problems
    ]
    files = blocks.data_files(result.case)
    info: list[Any] = [
        Paragraph(f"案例编号：{result.case.case_id}（案例库存档编号）。"),
        Paragraph(
            f"依据：{blocks.cite(d['source'])}。依据状态：法规，指法规文件的规定；地方规定；"
            "实务做法，指评价实务的通行做法；待核实，指常见做法但未核实原文。"
        ),
    ]
    if files is not None:
        info += [Paragraph("数据文件（存档时记录其哈希值）："), files]
    info.append(blocks.warnings_box(result.warnings))
    return Section(
        "附件：技术附件",
        [
            Section("（一）监控方法与参数", [method_table(result)], level=2),
            Section(
                "（二）指标进度计算明细",
                [
                    Paragraph(
                        "进度比 v：累计型指标为截至监控月完成值与应完成值之比，水平型指标为完成值与年度"
                        "指标值之比（反向指标取倒数），乘以 100。"
                    ),
                    *[b for b in progress if b is not None],
                ],
                level=2,
            ),
            Section("（三）全年执行预测明细", [forecast_table(result)], level=2),
            Section(
                "（四）处理建议规则",
                [
                    Table(
                        rec_rows,
                        ["项目", "处理建议", "触发规则", "规则条件", "同时满足的后续规则"],
                        widths=(1.6, 0.9, 0.7, 3, 1),
                    ),
                    Paragraph("处理建议规则表（自上而下，第一条条件全部成立的规则给出建议）："),
                    Table(
                        rule_rows, ["规则", "处理建议", "条件", "说明"], widths=(0.5, 0.9, 2.2, 3)
                    ),
                ],
                level=2,
            ),
            Section(
                "（五）监控表审核检查",
                [
                    Paragraph(
                        "审核结论："
                        + "；".join(f"{k}：{v}" for k, v in review["outcomes"].items())
                        + "。"
                        f"依据：{blocks.cite(' '.join(review['source'].split()))}"
                        f"（{blocks.status_text(review['status'])}）。"
                    ),
                    Paragraph(f"自动检查（{blocks.status_text(review['checks_status'])}）："),
                    BulletList(checks),
                    Paragraph("本次检查发现的填报问题：" + ("无。" if not sheet_problems else "")),
                    BulletList(sheet_problems) if sheet_problems else None,
                ],
                level=2,
            ),
            Section("（六）案例信息与数据", info, level=2),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The whole report

# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、预算执行情况",
    "三、绩效目标实现程度",
    "四、偏差分析",
    "五、监控结论",
    "六、存在的问题",
    "七、纠偏措施与建议",
    "八、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_budget,
    section_targets,
    section_deviation,
    section_conclusion,
    section_problems,
    section_advice,
    section_other,
    section_annex,
)


def conclusions(result: MonitoringResult) -> dict[str, Any]:
    """The 监控结论 paragraph, the problems (heading, facts, 原因分析) and the suggestions
    (``{title}（针对问题N）：{text}``)."""
    fd = _findings(result)
    return {
        "summary": mfind.conclusion(result, fd),
        "problems": [p.text() for p in fd.problems],
        "suggestions": [f"{a.heading()}：{a.text}" for a in fd.advice],
    }


def results(result: MonitoringResult) -> dict[str, Any]:
    """results.json (contracts §4) with the ``monitoring`` block, the conclusions, the findings
    and the sheet's warnings."""
    from methods.report import case_results

    return case_results(
        result.case,
        monitoring=result.to_dict(),
        conclusions=conclusions(result),
        findings=mfind.to_dict(result, _findings(result)),
        warnings=result.warnings,
    )


def outline(result: MonitoringResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(result.case, [build(result) for build in OUTLINE])
