"""The satisfaction report: its sections (document blocks, never HTML), charts and results.json.

Each ``section_*`` builds one numbered section of the report from a
:class:`~methods.evaltypes.satisfaction.analysis.SatisfactionAnalysis`; the notebook calls them
one by one, :func:`outline` builds them all. Only aggregates appear: no respondent row, and group
cells below ``survey.min_cell`` are withheld.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.evaltypes.satisfaction.analysis import SatisfactionAnalysis, _df
from methods.evaltypes.satisfaction.prepare import DEFAULT_NA_TEXT, SHORT_METHOD, Prepared
from methods.evaltypes.satisfaction.privacy import MERGED_GROUPS
from methods.report import blocks
from methods.report.document import Document, Paragraph, Section, Span, Table


def _ci(p: Prepared, lo: float, hi: float) -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "—"
    top = 100.0
    return f"{fmt.num(max(lo, 0.0), 1)}–{fmt.num(min(hi, top), 1)}"


# ---------------------------------------------------------------------------------------------
# Blocks


def design_table(a: SatisfactionAnalysis) -> Table:
    """调查设计 table: file (hash only), respondents, items, scale, design, method."""
    p = a.prepared
    spec = p.spec
    d = spec.design
    scale = f"{p.scale[0]}–{p.scale[1]}"
    if p.level_labels:
        scale += "（" + "，".join(f"{k} {v}" for k, v in sorted(p.level_labels.items())) + "）"
    codes = spec.na_codes or []
    na = (
        "，".join(f"{k} = {v}" for k, v in codes.items())
        if isinstance(codes, Mapping)
        else "、".join(map(str, codes))
    )
    na = (na + "；" if na else "") + "文字“" + "、".join(DEFAULT_NA_TEXT[:3]) + "”等"
    design_text = p.design.describe().replace("权重 __w", f"抽样权重（列“{d.weights}”）")
    if d.fpc:
        design_text = design_text.replace("有限总体校正：有", f"有限总体校正（列“{d.fpc}”）")
    pairs = [
        ("数据文件", f"{p.file}（{p.encoding}；SHA-256 {p.sha256[:16]}…）"),
        ("受访者", f"{p.n} 人"),
        (
            "题目",
            f"{len(p.items)} 个，{len(p.dimensions)} 个维度"
            if p.dimensions
            else f"{len(p.items)} 个",
        ),
        ("量表", scale),
        ("不了解/不适用代码", na + "（计为缺失，单独统计）"),
        ("抽样设计", design_text),
        (
            "权重校准",
            None
            if spec.calibration is None
            else ("耙式调整" if spec.calibration.method == "rake" else "后分层")
            + "至已知总体："
            + "；".join(
                f"{var}（" + "，".join(f"{k} {fmt.num(v)}" for k, v in pop.items()) + "）"
                for var, pop in spec.calibration.margins.items()
            ),
        ),
        ("满意度计算方法", a.index.method_label),
        ("方差与置信区间", f"{a.index.variance}；{fmt.num(spec.conf_level * 100)}% 置信区间"),
        ("已删除的个人信息列", "、".join(p.dropped) if p.dropped else None),
    ]
    return Table.kv(
        pairs,
        note="受访者数据含个人答卷，只在分析时读取：存档中仅保留其 SHA-256 哈希"
        "（provenance.json）和本报告中的汇总结果，不保留任何一行原始数据。",
    )


def _pct(x: Any) -> str:
    return fmt.num(float(x) * 100, 1) + "%"


def _merged_note(m: int) -> str:
    return (
        f"受访者少于 {m} 人的组及为防止推算而相应隐藏的组不显示组名，合并为“{MERGED_GROUPS}”"
        f"一行（统计披露控制）；合并后少于 {m} 人时人数也不予显示。"
    )


def sample_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """Respondents by group (sample and weighted shares) and answers per item."""
    p = a.prepared
    parts: list[Any] = []
    m = p.spec.min_cell
    for g, gc in a.group_counts.items():
        rows = [
            [r.group, int(r.n), _pct(r.share), _pct(r.weighted_share)]
            if not r.suppressed
            else [r.group, "不予显示", "—", "—"]
            if r.n is None or pd.isna(r.n)
            else [r.group, int(r.n), _pct(r.share), _pct(r.weighted_share)]
            for r in gc.itertuples()
        ]
        parts.append(Paragraph(f"按{g}："))
        missing = gc.attrs.get("missing")
        note = [f"{g}未填写 {missing} 人。"] if missing else []
        if gc["suppressed"].any():
            note.append(_merged_note(m))
        parts.append(
            Table(
                rows,
                [g, "样本数", "样本占比", "加权占比"],
                numeric=(1, 2, 3),
                note="".join(note) or None,
            )
        )
    rows = []
    for r in p.counts.itertuples():
        codes = "，".join(f"{k} {v}" for k, v in r.by_code.items()) if r.by_code else ""
        rows.append(
            [
                r.label,
                r.dimension or "—",
                "是" if r.reverse else "",
                r.valid,
                r.not_applicable,
                codes,
                r.blank,
                fmt.num(r.valid / p.n * 100, 1) + "%",
            ]
        )
    parts.append(Paragraph("各题作答情况："))
    parts.append(
        Table(
            rows,
            ["题目", "维度", "反向题", "有效回答", "不了解/不适用", "其中", "未作答", "有效率"],
            numeric=(3, 4, 6, 7),
            note="加权占比为按抽样权重（及校准）估计的总体结构；"
            "样本占比与之差别较大时，未加权的统计会有偏差。"
            if a.group_counts
            else None,
        )
    )
    return parts


def reliability_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """α (overall, per dimension, Feldt CI), item statistics, ω, KMO, Bartlett, EFA."""
    p = a.prepared
    parts: list[Any] = []
    rows = []
    if a.alpha is not None:
        al = a.alpha
        rows.append(
            [
                "全部题目",
                al.k,
                al.n,
                fmt.num(al.alpha, 3),
                f"{fmt.num(al.ci[0], 3)}–{fmt.num(al.ci[1], 3)}",
            ]
        )
    for name, al in a.alpha_dimensions.items():
        rows.append(
            [
                name,
                al.k,
                al.n,
                fmt.num(al.alpha, 3),
                f"{fmt.num(al.ci[0], 3)}–{fmt.num(al.ci[1], 3)}",
            ]
        )
    if rows:
        how = (
            "列删除（只用全部题目都有效回答的受访者）"
            if p.spec and a.alpha is not None and a.alpha.missing == "listwise"
            else "成对删除（每对题目用都作答的受访者）"
        )
        parts.append(
            Table(
                rows,
                ["量表", "题目数", "样本 n", "Cronbach's α", "95% 置信区间（Feldt）"],
                numeric=(1, 2, 3, 4),
                note=f"缺失与不适用回答不做插补，采用{how}；n 为实际使用的受访者数。"
                "α ≥ 0.8 良好，0.7–0.8 可接受，低于 0.6 应修订问卷（常用经验标准）。",
            )
        )
    if a.alpha is not None:
        st = a.alpha.item_stats
        irows = [
            [
                p.labels.get(r.item, r.item),
                fmt.num(r.mean, 2),
                fmt.num(r.sd, 2),
                fmt.num(r.item_total_r, 3),
                fmt.num(r.alpha_if_deleted, 3),
            ]
            for r in st.itertuples()
        ]
        parts.append(Paragraph("题目统计（反向题已重新编码）："))
        parts.append(
            Table(
                irows,
                ["题目", "均值", "标准差", "校正题总相关", "删除该题后 α"],
                numeric=(1, 2, 3, 4),
            )
        )
    if a.alpha_unrecoded is not None:
        parts.append(
            Paragraph(
                f"反向题：{'、'.join(p.labels[c] for c in p.reverse)}。若不重新编码，α 为 "
                f"{fmt.num(a.alpha_unrecoded.alpha, 3)}（反向题与总分负相关会压低甚至使 α 为负）；"
                f"重新编码后为 {fmt.num(a.alpha.alpha, 3) if a.alpha is not None else '—'}。"
            )
        )
    lines = []
    if a.omega is not None:
        lines.append(f"McDonald's ω（单因子模型，最小残差法）= {fmt.num(a.omega.omega, 3)}。")
    if a.kmo is not None:
        lines.append(f"KMO 抽样适合性 = {fmt.num(a.kmo.overall, 3)}（{a.kmo.label}）。")
    if a.bartlett is not None:
        b = a.bartlett
        pv = "< 0.001" if b.pvalue < 0.001 else f"= {fmt.num(b.pvalue, 3)}"
        lines.append(f"Bartlett 球形检验 χ²({b.df}) = {fmt.num(b.statistic, 2)}，p {pv}。")
    if lines:
        parts.append(Paragraph("".join(lines)))
    if a.efa is not None:
        e = a.efa
        cols = list(e.loadings.columns)
        erows = []
        for item, r in e.loadings.iterrows():
            erows.append(
                [p.labels.get(item, item), p.counts.set_index("item").loc[item, "dimension"] or "—"]
                + [fmt.num(v, 3) for v in r.to_numpy()]
                + [fmt.num(e.communalities[item], 3)]
            )
        src = "平行分析确定" if e.n_factors_source == "parallel_analysis" else "案例文件指定"
        rot = {
            "varimax": "最大方差正交旋转（varimax）",
            "promax": "promax 斜交旋转",
            "oblimin": "oblimin 斜交旋转",
            None: "不旋转",
        }[e.rotation]
        parts.append(
            Paragraph(
                f"探索性因子分析：最小残差法提取 {e.n_factors} 个因子（{src}），{rot}，n = {e.n}；"
                f"累计方差解释率 {fmt.num(e.variance['cumulative'].iloc[-1] * 100, 1)}%。"
            )
        )
        parts.append(
            Table(erows, ["题目", "预设维度", *cols, "共同度"], numeric=range(2, 3 + len(cols)))
        )
    skipped = {
        k: v for k, v in a.skipped.items() if k in ("alpha", "omega", "kmo", "bartlett", "efa")
    }
    if skipped:
        parts.append(
            Paragraph("未能计算：" + "；".join(f"{k}（{v}）" for k, v in skipped.items()), "note")
        )
    rel_warn = [w for w in a.warnings if "负相关" in w or "一致性" in w or "信度" in w]
    parts.append(blocks.warnings_box(rel_warn))
    parts = [x for x in parts if x is not None]
    return parts or [Paragraph("（无）")]


def index_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """Indices overall, per dimension and per item with standard errors and CIs."""
    p = a.prepared
    t = a.index.table
    level = {"overall": "总体", "dimension": "维度", "item": "题目"}
    rows = []
    for r in t.itertuples():
        name = (
            "总体"
            if r.level == "overall"
            else (p.labels.get(r.name, r.name) if r.level == "item" else r.name)
        )
        rows.append(
            [
                level[r.level],
                name,
                fmt.num(r.estimate, 1),
                fmt.num(r.se, 2),
                _ci(p, r.ci_low, r.ci_high),
                r.n_respondents,
                r.n_valid,
                r.n_excluded,
            ]
        )
    head = f"计算方法：{a.index.method_label}。"
    if p.spec.method == "rate":
        labs = "、".join(p.level_labels.get(v, str(v)) for v in p.satisfied)
        head += f"“满意”指回答 {labs}（等级 {'、'.join(map(str, p.satisfied))}）。"
    if p.spec.method == "likert_points":
        pts = a.index.points or {}
        head += (
            "等级赋分："
            + "，".join(
                f"{p.level_labels.get(k, k)} {fmt.num(v)}"
                for k, v in sorted(pts.items(), reverse=True)
            )
            + "。"
        )
    head += (
        "总体和维度指数按全部有效回答汇总（Σ 得分 / Σ 有效回答），不了解/不适用与未作答不计入分母；"
        f"标准误为{a.index.variance}。"
    )
    table = Table(
        rows,
        [
            "层次",
            "名称",
            "指数",
            "标准误",
            f"{fmt.num(p.spec.conf_level * 100)}% 置信区间",
            "受访者",
            "有效回答",
            "剔除",
        ],
        numeric=(2, 3, 4, 5, 6, 7),
    )
    return [Paragraph(head), table, *(Paragraph(n, "note") for n in a.notes)]


def plot_index(a: SatisfactionAnalysis, ax=None):
    """Horizontal bars of the item (and dimension) indices with their confidence intervals."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    p = a.prepared
    t = a.index.table
    t = t[t["level"] != "overall"].iloc[::-1]
    names = [
        (p.labels.get(n, n) if lv == "item" else f"【{n}】")
        for n, lv in zip(t["name"], t["level"], strict=True)
    ]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.32 * len(t) + 1.4))
    colors = ["#2F6DB5" if lv == "item" else "#1b3f73" for lv in t["level"]]
    est = t["estimate"].to_numpy(dtype=float)
    err = np.vstack(
        [est - t["ci_low"].to_numpy(dtype=float), t["ci_high"].to_numpy(dtype=float) - est]
    )
    ax.barh(names, est, color=colors, height=0.6, xerr=np.abs(err), ecolor="#495057", capsize=2)
    ov = a.overall
    ax.axvline(
        float(ov["estimate"]),
        color="#c92a2a",
        lw=1,
        ls="--",
        label=f"总体 {fmt.num(ov['estimate'], 1)}",
    )
    if a.indicator is not None:
        ax.axvline(
            a.indicator["target"],
            color="#2b8a3e",
            lw=1,
            ls=":",
            label=f"目标 {fmt.num(a.indicator['target'])}",
        )
    ax.set_xlim(0, 105)
    ax.set_xlabel(
        SHORT_METHOD[p.spec.method] + ("（%）" if p.spec.method == "rate" else "（0–100）")
    )
    ax.set_title("各维度与题目的满意度（误差线为置信区间）")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09 - 0.5 / max(len(t), 4)),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def index_chart(a: SatisfactionAnalysis):
    """:func:`plot_index` as a report figure."""
    what = SHORT_METHOD[a.prepared.spec.method]
    target = "和目标值" if a.indicator is not None else ""
    return blocks.chart(
        plot_index(a).figure,
        f"各维度与题目的{what}",
        f"各维度和各题目{what}的横向条形图，误差线为置信区间，竖线标出总体{what}{target}",
    )


def group_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """Indices by group (small groups withheld) and the design-based tests."""
    p = a.prepared
    parts: list[Any] = []
    pct = fmt.num(p.spec.conf_level * 100)
    clustered = bool(p.spec.design.cluster)
    m = p.spec.min_cell
    withheld_text = {
        "min_cell": f"（样本少于 {m}，不予显示）",
        "complementary": "（为防止推算小样本组，不予显示）",
        "merged": "（合并隐藏，不予显示）",
    }

    def count(x: Any) -> Any:
        return "不予显示" if x is None or pd.isna(x) else int(x)

    for g, t in a.by_group.items():
        ov = t[t["level"] == "overall"]
        dims = list(p.dimensions)
        rows, few = [], []
        for grp in ov["group"]:
            sub = t[t["group"] == grp].set_index("name")
            r = sub.loc["总体"]
            psu = [count(r["n_psu"])] if clustered else []
            if r["suppressed"]:
                shown = [withheld_text[r["suppressed_reason"]], "—"]
                rows.append([grp, *shown, count(r["n_respondents"]), *psu] + ["—"] * len(dims))
                continue
            if clustered and r["n_psu"] < 5:
                few.append(str(grp))
            rows.append(
                [grp, fmt.num(r["estimate"], 1), _ci(p, r["ci_low"], r["ci_high"])]
                + [int(r["n_respondents"]), *psu]
                + [
                    "不予显示"
                    if d in sub.index and sub.loc[d, "suppressed"]
                    else (fmt.num(sub.loc[d, "estimate"], 1) if d in sub.index else "—")
                    for d in dims
                ]
            )
        head = [g, "总体指数", f"{pct}% 置信区间", "受访者"] + (["PSU 数"] if clustered else [])
        parts.append(Paragraph(f"按{g}："))
        parts.append(Table(rows, head + dims, numeric=range(1, len(head) + len(dims))))
        merged = (t["group"] == MERGED_GROUPS).any()
        if t["suppressed"].any():
            parts.append(
                Paragraph(
                    f"受访者少于 {m} 人的组（或维度）不报告满意度（统计披露控制的"
                    "最小单元规则）；为免由总体结果反推，另一组（或维度）也相应不予显示。"
                    + (_merged_note(m) if merged else "")
                    + "总体结果包含全部受访者。",
                    "note",
                )
            )
        if few:
            parts.append(
                Paragraph(
                    f"{'、'.join(few)} 的受访者只来自不到 5 个{p.spec.design.cluster}"
                    "（初级抽样单位），其标准误不稳定，置信区间仅供参考。",
                    "note",
                )
            )
    if a.comparisons:
        rows = []
        for c in a.comparisons:
            r = c.tests.loc[c.tests["test"] == c.primary].iloc[0]
            what = "满意度得分均值" if c.kind == "numeric" else "总体评价（满意/不满意）分布"
            dfs = _df(r["df1"]) + ("" if pd.isna(r["df2"]) else f", {_df(r['df2'])}")
            pv = "< 0.001" if r["p_value"] < 0.001 else fmt.num(r["p_value"], 4)
            rows.append(
                [
                    c.group,
                    what,
                    r["description"],
                    fmt.num(r["statistic"], 3),
                    dfs,
                    pv,
                    "差异显著" if r["p_value"] < 0.05 else "无显著差异",
                ]
            )
        parts.append(Paragraph("组间差异检验（按抽样设计计算）："))
        parts.append(
            Table(
                rows,
                ["分组", "比较对象", "检验", "统计量", "自由度", "p 值", "结论（α = 0.05）"],
                numeric=(3, 5),
            )
        )
    if a.ordinal is not None:
        o = a.ordinal[a.ordinal["kind"] == "predictor"]
        rows = [
            [
                r.term,
                fmt.num(r.estimate, 3),
                fmt.num(r.odds_ratio, 3),
                f"{fmt.num(math.exp(r.ci_low), 3)}–{fmt.num(math.exp(r.ci_high), 3)}",
                "< 0.001" if r.p_value < 0.001 else fmt.num(r.p_value, 4),
            ]
            for r in o.itertuples()
        ]
        parts.append(
            Paragraph(
                f"总体满意度的有序 logit 模型（比例优势模型，n = {a.ordinal.attrs.get('n')}，"
                + (
                    "按抽样权重估计，标准误按抽样设计线性化计算）："
                    if a.ordinal.attrs.get("weights") == "design"
                    else "未加权）："
                )
                + "系数为正表示该组更倾向于给出更高的评价，各分组以第一个类别为参照。"
            )
        )
        parts.append(
            Table(
                rows,
                ["变量 = 类别", "系数", "优势比 OR", "OR 的 95% 置信区间", "p 值"],
                numeric=(1, 2, 4),
            )
        )
    if not parts:
        parts.append(Paragraph("案例文件未设置受访者分组（survey.groups），不做分组分析。"))
    return parts


def ipa_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """IPA table and the crosshair used."""
    if a.ipa is None:
        return [Paragraph("问卷没有重要性题目或总体满意度题目，不做重要性—表现分析。")]
    t = a.ipa
    how = {
        "stated": "受访者对各项的重要性评分（陈述重要性）",
        "derived_regression": "以总体满意度对各题回归的系数（推导重要性）",
        "derived_correlation": "各题与总体满意度的相关系数（推导重要性）",
    }[t.attrs["method"]]
    cross = "数据均值" if t.attrs["crosshair"] == "mean" else "量表中点"
    rows = [
        [r.label, fmt.num(r.performance, 2), fmt.num(r.importance, 3), r.quadrant]
        for r in t.itertuples()
    ]
    text = Paragraph(
        f"表现为各题的加权平均得分，重要性为{how}。象限分界取{cross}"
        f"（表现 {fmt.num(t.attrs['crosshair_performance'], 2)}，"
        f"重要性 {fmt.num(t.attrs['crosshair_importance'], 3)}）；"
        "分界位置会改变题目所在象限，故在此注明。"
    )
    return [text, Table(rows, ["题目", "表现", "重要性", "象限"], numeric=(1, 2))]


def plot_ipa(a: SatisfactionAnalysis, ax=None):
    """The IPA scatter (methods.survey.plot_ipa) with the items' short texts."""
    import matplotlib.pyplot as plt

    from methods import survey

    t = a.ipa.copy()
    t.attrs = dict(a.ipa.attrs)
    t["item"] = t["label"]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.8, 5.4))
    ax.margins(x=0.18, y=0.14)  # room for the quadrant names in the corners
    return survey.plot_ipa(t, ax=ax)


def ipa_chart(a: SatisfactionAnalysis):
    """:func:`plot_ipa` as a report figure (None without an IPA)."""
    if a.ipa is None:
        return None
    return blocks.chart(
        plot_ipa(a).figure,
        "重要性—表现分析（IPA）",
        "各题目的表现（横轴）与重要性（纵轴）散点图，十字分界线把题目分为继续保持、重点改进、"
        "维持现状和过度投入四个象限",
    )


def indicator_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """The 满意度 indicator points and the sample-size check."""
    p = a.prepared
    s = a.sample
    pct = fmt.num(p.spec.conf_level * 100)
    parts: list[Any] = []
    if a.indicator is not None:
        ind = a.indicator
        unit = "%" if p.spec.method == "rate" else ""
        w, t, x = fmt.num(ind["weight"]), fmt.num(ind["target"]), fmt.num(ind["actual"])
        lo, hi = (fmt.num(v) for v in ind["points_ci"])
        parts.append(
            Paragraph(
                [
                    f"{ind['name']}（{w} 分，目标值 {t}{unit}）按正向指标计分："
                    f"得分 = min(实际值 / 目标值, 1) × 分值 = min({x} / {t}, 1) × {w} = ",
                    Span(f"{fmt.num(ind['points'])} 分", strong=True),
                    f"。按满意度 {pct}% 置信区间的上下限计，得分在 {lo}–{hi} 分之间。",
                ]
            )
        )
    else:
        parts.append(Paragraph("案例文件未设置指标换算（indicator），此处只报告满意度指数。"))
    pop = f"总体规模约 {fmt.num(s['population'], 0)}，" if s["population"] else ""
    deff = f"设计效应 {fmt.num(s['design_effect'], 2)}，" if s["design_effect"] else ""
    parts.append(
        Paragraph(
            f"样本量评估：{pop}按允许误差 ±{fmt.num(s['margin_target'] * 100)} 个百分点、{pct}% 置信水平、"
            f"p = 0.5 估算，简单随机抽样需有效样本 {s['required_srs']} 份；{deff}考虑抽样设计后需 {s['required']} 份。"
            f"本次有效受访者 {s['n_respondents']} 人，满意度指数的实际误差范围为 "
            f"±{fmt.num(s['achieved_margin'], 2)} 个百分点（置信区间半宽），"
            + ("达到预定精度。" if s["adequate"] else "未达到预定精度。")
        )
    )
    parts.append(
        Paragraph(
            "本报告不单独给出总分和等级：满意度调查的结果作为项目（部门）绩效评价中"
            "“满意度”指标的实际值，在相应评价报告中计分（见上述换算）。",
            "note",
        )
    )
    return parts


# ---------------------------------------------------------------------------------------------
# Sections


def section_survey(a: SatisfactionAnalysis) -> Section:
    """一、调查概况"""
    return Section(
        "一、调查概况",
        [blocks.basic_info(a.case), blocks.overview(a.case), design_table(a)],
    )


def section_sample(a: SatisfactionAnalysis) -> Section:
    """二、样本描述"""
    return Section("二、样本描述", sample_blocks(a))


def section_reliability(a: SatisfactionAnalysis) -> Section:
    """三、信度与效度检验"""
    return Section(
        "三、信度与效度检验",
        [
            Paragraph(
                "信度看问卷各题是否一致地测量满意度（Cronbach's α、McDonald's ω），效度看题目结构"
                "是否与预设维度相符（KMO、Bartlett 球形检验、探索性因子分析）。"
            ),
            reliability_blocks(a),
        ],
    )


def section_index(a: SatisfactionAnalysis) -> Section:
    """四、满意度指数"""
    return Section("四、满意度指数", [index_blocks(a), index_chart(a)])


def section_groups(a: SatisfactionAnalysis) -> Section:
    """五、分组满意度与差异检验"""
    return Section("五、分组满意度与差异检验", group_blocks(a))


def section_ipa(a: SatisfactionAnalysis) -> Section:
    """六、重要性—表现分析"""
    return Section("六、重要性—表现分析", [ipa_blocks(a), ipa_chart(a)])


def section_indicator(a: SatisfactionAnalysis) -> Section:
    """七、满意度指标得分"""
    return Section("七、满意度指标得分", indicator_blocks(a))


def section_conclusions(a: SatisfactionAnalysis) -> Section:
    """八、结论与建议"""
    return Section(
        "八、结论与建议",
        [blocks.conclusion_sections(a.conclusions), blocks.warnings_box(a.warnings)],
    )


OUTLINE = (
    section_survey,
    section_sample,
    section_reliability,
    section_index,
    section_groups,
    section_ipa,
    section_indicator,
    section_conclusions,
)


def results(a: SatisfactionAnalysis) -> dict[str, Any]:
    """results.json (contracts §4) with the ``survey`` block and the survey's warnings."""
    from methods.report import case_results

    return {**case_results(a.case, survey=a.to_dict()), "warnings": list(a.warnings)}


def outline(a: SatisfactionAnalysis) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(a.case, [build(a) for build in OUTLINE])


__all__ = [
    "OUTLINE",
    "design_table",
    "group_blocks",
    "index_blocks",
    "indicator_blocks",
    "ipa_blocks",
    "outline",
    "plot_index",
    "plot_ipa",
    "reliability_blocks",
    "results",
    "sample_blocks",
]
