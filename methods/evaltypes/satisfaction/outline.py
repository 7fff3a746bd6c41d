"""The satisfaction report (满意度调查分析报告) on its customary outline, built like the 10号 参考提纲:
一、基本情况; 二、调查方法与样本 (sampling, questionnaire and returns, sample make-up, reliability
and validity and precision in plain words); 三、满意度结果 (the 总体结论 paragraph, dimensions and
items, importance and performance, the indicator points); 四、分组比较; 五、存在的问题及原因分析;
六、改进建议 (one per problem); 七、其他需要说明的问题; 附件：技术附件 (file, hash and encoding, the
design, every statistic, tests, models, seeds, settings, the case id).

Each ``section_*`` builds one section from a
:class:`~methods.evaltypes.satisfaction.analysis.SatisfactionAnalysis`; the notebook calls them
one by one, :func:`outline` builds them all. Only aggregates appear: no respondent row, and group
cells below ``survey.min_cell`` are withheld (merged, without their labels).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from methods import _format as fmt
from methods.evaltypes.satisfaction import findings as fnd
from methods.evaltypes.satisfaction.analysis import SatisfactionAnalysis, _df
from methods.evaltypes.satisfaction.prepare import DEFAULT_NA_TEXT, SHORT_METHOD, Prepared
from methods.evaltypes.satisfaction.privacy import MERGED_GROUPS
from methods.report import blocks, official
from methods.report.document import BulletList, Document, Paragraph, Section, Span, Table
from methods.report.findings import tidy


def _ci(p: Prepared, lo: float, hi: float) -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "—"
    top = 100.0
    return f"{fmt.fixed(max(lo, 0.0))}–{fmt.fixed(min(hi, top))}"


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
    return parts


def answers_table(a: SatisfactionAnalysis) -> list[Any]:
    """各题作答情况: valid answers, 不了解/不适用 (by code), blank and the valid share per item."""
    p = a.prepared
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
    return [
        Paragraph("各题作答情况："),
        Table(
            rows,
            ["题目", "维度", "反向题", "有效回答", "不了解/不适用", "其中", "未作答", "有效率"],
            numeric=(3, 4, 6, 7),
            note="加权占比为按抽样权重（及校准）估计的总体结构；"
            "样本占比与之差别较大时，未加权的统计会有偏差。"
            if a.group_counts
            else None,
        ),
    ]


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
                fmt.fixed(r.estimate),
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
                [grp, fmt.fixed(r["estimate"]), _ci(p, r["ci_low"], r["ci_high"])]
                + [int(r["n_respondents"]), *psu]
                + [
                    "不予显示"
                    if d in sub.index and sub.loc[d, "suppressed"]
                    else (fmt.fixed(sub.loc[d, "estimate"]) if d in sub.index else "—")
                    for d in dims
                ]
            )
        head = [g, "总体指数", f"{pct}% 置信区间", "受访者"] + (
            ["初级抽样单位数"] if clustered else []
        )
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
                    tidy(
                        f"{'、'.join(few)}的受访者只来自不到5个{p.spec.design.cluster}"
                        "（初级抽样单位），其标准误不稳定，置信区间仅供参考。"
                    ),
                    "note",
                )
            )
    parts += _test_sentences(a)
    if not parts:
        parts.append(Paragraph("调查未设置受访者分组，不做分组比较。"))
    return parts


def _test_sentences(a: SatisfactionAnalysis) -> list[Any]:
    """The design-based tests in words: which groupings differ (α = 0.05); the statistics are in
    the 技术附件."""
    out = []
    for g in dict.fromkeys(c.group for c in a.comparisons):
        tests = [c for c in a.comparisons if c.group == g]
        num = next((c for c in tests if c.kind == "numeric"), None)
        cat = next((c for c in tests if c.kind != "numeric"), None)
        parts = []
        if num is not None:
            parts.append("满意度得分" + ("存在显著差异" if num.p_value < 0.05 else "无显著差异"))
        if cat is not None:
            parts.append(
                "总体评价（满意/不满意）的分布"
                + ("存在显著差异" if cat.p_value < 0.05 else "无显著差异")
            )
        if parts:
            out.append(f"不同{g}之间，" + "，".join(parts) + "。")
    if out:
        out = [
            Paragraph(
                "组间差异按抽样设计进行统计检验（显著性水平0.05），检验结果如下（检验方法和统计量见附件）："
            ),
            BulletList(out, ordered=False),
        ]
    return out


def group_tests_blocks(a: SatisfactionAnalysis) -> list[Any]:
    """组间差异检验 (design-based: statistic, degrees of freedom, p) and the ordinal logit model
    of the overall satisfaction (technical annex)."""
    parts: list[Any] = []
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
    return parts or [Paragraph("（无）")]


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
# The body in plain words


def _items_text(p: Prepared) -> str:
    n_dim = len(p.dimensions)
    text = f"问卷含{len(p.items)}个满意度题目" + (f"（分属{n_dim}个维度）" if n_dim else "")
    if p.spec.overall:
        text += "和1个总体满意度题目"
    if p.importance:
        text += "，各题另设重要程度评价"
    text += "。"
    if p.level_labels:
        lo, hi = p.scale
        text += (
            f"采用{hi - lo + 1}级量表（"
            + "、".join(p.level_labels[k] for k in sorted(p.level_labels))
            + "）。"
        )
    if p.reverse:
        text += f"其中{len(p.reverse)}道为反向表述题，分析前已反向计分。"
    text += "回答“不了解”“不适用”的不计入满意度，单独统计。"
    return text


def design_words(a: SatisfactionAnalysis) -> str:
    """The sampling design in words (strata, clusters, weights, population correction,
    calibration) with the population size."""
    p = a.prepared
    d = p.spec.design
    parts = []
    if d.strata:
        parts.append(f"按{d.strata}分层（{p.design.n_strata}层）随机抽样")
    if d.cluster:
        parts.append(f"以{d.cluster}为初级抽样单位整群抽样（抽取{p.design.n_psu}个）")
    if not parts:
        parts.append("随机抽样")
    text = "调查采用" + "、".join(parts)
    if d.weights:
        text += "，按抽样权重加权估计"
    if d.fpc:
        text += "并作有限总体校正"
    cal = p.spec.calibration
    if cal is not None:
        text += f"，按{'、'.join(cal.margins)}的已知总体人数校准权重"
    text += "。"
    if a.sample.get("population"):
        text += f"调查对象总体约{fmt.num(a.sample['population'], 0)}人。"
    return text


def reliability_words(a: SatisfactionAnalysis) -> list[Any]:
    """Reliability and validity in words: the overall coefficient and its reading, the
    dimensions, the factor structure against the dimensions set."""
    p = a.prepared
    out = []
    if a.alpha is not None:
        al = a.alpha.alpha
        level = "良好" if al >= 0.8 else "可以接受" if al >= 0.7 else "偏低"
        text = f"问卷整体内部一致性信度系数（克朗巴赫α系数）为{fmt.fixed(al)}，信度{level}"
        low = [k for k, v in a.alpha_dimensions.items() if v.alpha < 0.6]
        if low:
            text += f"；{'、'.join(low)}维度题目较少，维度信度系数偏低，维度结果宜结合题目结果解读"
        out.append(text + "。")
    if a.kmo is not None:
        text = f"样本适合度检验（KMO值）为{fmt.fixed(a.kmo.overall)}（{a.kmo.label}），题目适合做因子分析"
        if a.efa is not None and p.dimensions:
            same = a.efa.n_factors == len(p.dimensions)
            text += (
                f"；因子分析提取{a.efa.n_factors}个公因子，问卷预设{len(p.dimensions)}个维度，"
                + (
                    "题目结构与预设维度基本一致"
                    if same
                    else "题目结构与预设维度不完全一致，维度划分宜在下次调查前复核"
                )
            )
        out.append(text + "。")
    if not out:
        out.append("题目较少，未做信度和效度检验（原因见附件）。")
    return [Paragraph(tidy("".join(out)))]


def precision_words(a: SatisfactionAnalysis) -> Paragraph:
    p = a.prepared
    s = a.sample
    pct = fmt.num(p.spec.conf_level * 100)
    return Paragraph(
        tidy(
            f"按允许误差±{fmt.num(s['margin_target'] * 100)}个百分点、{pct}%置信水平和最不利的"
            f"比例（50%）保守估算，考虑抽样设计后需有效样本约{fmt.num(s['required'], 0)}份；"
            f"本次有效样本{s['n_respondents']}份，按实际结果计算的总体{fnd.measure(p)}误差范围"
            f"约为±{fmt.fixed(s['achieved_margin'])}个百分点，"
            + ("达到预定精度。" if s["adequate"] else "未达到预定精度。")
        )
    )


def results_table(a: SatisfactionAnalysis) -> Table:
    """各维度与题目满意度 (body): each dimension, then its items, with the interval and the
    number of answers."""
    p = a.prepared
    t = a.index.table
    pct = fmt.num(p.spec.conf_level * 100)
    rows, css = [], []

    def row(name: str, r, strong: bool) -> None:
        rows.append(
            [
                name,
                fnd.value(p, r["estimate"]),
                f"{fnd.value(p, max(r['ci_low'], 0))}–{fnd.value(p, min(r['ci_high'], 100))}",
                int(r["n_valid"]),
            ]
        )
        css.append("strong" if strong else "")

    ov = t[t["level"] == "overall"].iloc[0]
    row("总体", ov, True)
    items = t[t["level"] == "item"].set_index("name")
    done: set[str] = set()
    for _, d in t[t["level"] == "dimension"].iterrows():
        row(f"【{d['name']}】", d, True)
        for c in p.dimensions.get(d["name"], []):
            if c in items.index:
                row(f"　{p.labels[c]}", items.loc[c], False)
                done.add(c)
    for c in items.index:
        if c not in done:
            row(p.labels.get(c, c), items.loc[c], False)
    return Table(
        rows,
        ["维度/题目", fnd.measure(p), f"{pct}%置信区间", "有效回答"],
        numeric=(1, 2, 3),
        row_css=css,
    )


def ipa_words(a: SatisfactionAnalysis) -> list[Any]:
    """重要性与表现 in words, with the quadrant table."""
    if a.ipa is None:
        return [Paragraph("问卷未设置重要性题目或总体满意度题目，不做重要性与表现分析。")]
    t = a.ipa
    how = (
        "受访者对各事项重要程度的评价"
        if t.attrs["method"] == "stated"
        else "各事项与总体满意度的关联程度"
    )

    def names(q: str) -> str:
        return "、".join(f"“{x}”" for x in t.loc[t["quadrant"] == q, "label"])

    groups = [
        f"重要性高而表现偏低、应优先改进的有{names('重点改进')}" if names("重点改进") else "",
        f"重要性高且表现较好、应继续保持的有{names('继续保持')}" if names("继续保持") else "",
    ]
    text = (
        f"以{how}衡量重要性、以满意度表现衡量表现，将各题目分为四类"
        + ("：" + "；".join(g for g in groups if g) + "；其余" if any(groups) else "，")
        + "为重要性相对较低的事项（分界方法见附件）。"
    )
    rows = [
        [r.label, fmt.fixed(r.performance), fmt.fixed(r.importance), r.quadrant]
        for r in t.sort_values(["quadrant", "performance"]).itertuples()
    ]
    return [
        Paragraph(tidy(text)),
        Table(rows, ["题目", "表现（平均得分）", "重要性", "类别"], numeric=(1, 2)),
    ]


def indicator_words(a: SatisfactionAnalysis) -> list[Any]:
    """满意度指标得分 in words (the formula is in the 技术附件)."""
    p = a.prepared
    if a.indicator is None:
        return [Paragraph("本次调查未设置满意度指标换算，报告只给出满意度结果。")]
    ind = a.indicator
    lo, hi = (fmt.fixed(v) for v in ind["points_ci"])
    return [
        Paragraph(
            [
                tidy(
                    f"{ind['name']}指标分值{fmt.num(ind['weight'])}分，目标值{fnd.value(p, ind['target'])}"
                    f"（达到目标得满分，未达到按实际值与目标值之比计分）。按本次调查结果计，得分"
                ),
                Span(f"{fmt.fixed(ind['points'])}分", strong=True),
                tidy(f"；按置信区间上下限计，得分在{lo}–{hi}分之间。"),
            ]
        ),
        Paragraph(
            "满意度调查不单独评定等级：调查结果作为项目（部门）绩效评价中满意度指标的实际值，"
            "在相应评价报告中计分。",
            "note",
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Sections


def section_basic(a: SatisfactionAnalysis) -> Section:
    """一、基本情况"""
    case = a.case
    info = Table.kv(
        [
            ("调查名称", case.title),
            ("主管部门（单位）", case.department),
            ("调查年度", f"{case.year}年度"),
            ("对象类型", _object(case)),
            ("调查机构/人员", case.evaluator),
        ]
    )
    work = getattr(case, "work", None)
    purpose = work.purpose if work and work.purpose else official.NOT_GIVEN
    return Section(
        "一、基本情况",
        [
            Section(
                "（一）调查对象和内容",
                [info, official.overview_paragraph(case, "调查概况")],
                level=2,
            ),
            Section(
                "（二）调查目的",
                [
                    Paragraph(
                        tidy(
                            f"调查目的：{purpose.rstrip('。')}。"
                            if purpose != official.NOT_GIVEN
                            else f"调查目的：{purpose}"
                        )
                    )
                ],
                level=2,
            ),  # fmt: skip
        ],
    )


def _object(case) -> str:
    from methods.casefile import OBJECT_TYPES

    return OBJECT_TYPES.get(case.object_type, case.object_type)


def section_sample(a: SatisfactionAnalysis) -> Section:
    """二、调查方法与样本"""
    p = a.prepared
    work = getattr(a.case, "work", None)
    returned = work.questionnaires if work and work.questionnaires else official.NOT_GIVEN
    collected = [
        Paragraph(tidy(_items_text(p))),
        Paragraph(
            tidy(f"问卷发放和回收情况：{returned.rstrip('。')}；进入分析的有效问卷{p.n}份。")
        ),
    ]
    return Section(
        "二、调查方法与样本",
        [
            Section("（一）抽样方法", [Paragraph(tidy(design_words(a)))], level=2),
            Section("（二）问卷设计与回收", collected, level=2),
            Section(
                "（三）样本构成",
                sample_blocks(a) or [Paragraph("调查未设置受访者分组。")],
                level=2,
            ),
            Section("（四）问卷信度与效度", reliability_words(a), level=2),
            Section("（五）样本量与精度", [precision_words(a)], level=2),
        ],
    )


def section_results(a: SatisfactionAnalysis) -> Section:
    """三、满意度结果"""
    return Section(
        "三、满意度结果",
        [
            Section("（一）总体结论", [Paragraph(fnd.conclusion(a))], level=2),
            Section("（二）各维度与题目满意度", [results_table(a), index_chart(a)], level=2),
            Section("（三）重要性与表现", [*ipa_words(a), ipa_chart(a)], level=2),
            Section("（四）满意度指标得分", indicator_words(a), level=2),
        ],
    )


def section_groups(a: SatisfactionAnalysis) -> Section:
    """四、分组比较"""
    return Section("四、分组比较", group_blocks(a))


def section_problems(a: SatisfactionAnalysis) -> Section:
    """五、存在的问题及原因分析"""
    parts: list[Any] = []
    for i, pr in enumerate(a.findings.problems, 1):
        parts.append(Paragraph(Span(f"{i}. {pr.heading}", strong=True)))
        if pr.facts:
            parts.append(Paragraph(tidy(pr.facts_text)))
        parts.append(Paragraph(tidy(pr.cause_text)))
    extra = a.case.conclusions.problems if a.case.conclusions else []
    if extra:
        parts.append(
            Paragraph(
                tidy("此外，调查中还关注到：" + "；".join(x.rstrip("。") for x in extra) + "。")
            )
        )
    if not parts:
        parts = [Paragraph("调查未发现需要单独列示的问题；各维度和题目的结果见第三部分。")]
    return Section("五、存在的问题及原因分析", parts)


def section_advice(a: SatisfactionAnalysis) -> Section:
    """六、改进建议"""
    extra = a.case.conclusions.suggestions if a.case.conclusions else ()
    if not a.findings.advice and not extra:
        return Section("六、改进建议", [Paragraph("保持现有服务水平，持续开展满意度跟踪调查。")])
    return official.advice_section(a.findings, title="六、改进建议", extra=extra)


def section_other(a: SatisfactionAnalysis) -> Section:
    """七、其他需要说明的问题"""
    items = fnd.other_matters(a)
    return Section(
        "七、其他需要说明的问题", [Paragraph(tidy(f"{i}. {x}")) for i, x in enumerate(items, 1)]
    )


def section_annex(a: SatisfactionAnalysis) -> Section:
    """附件：技术附件"""
    p = a.prepared
    seeds = []
    if p.spec.design.variance != "taylor":
        seeds.append(
            f"方差估计采用{p.spec.design.variance}重复抽样，{p.spec.design.replicates}次，"
            f"随机种子{p.spec.design.seed}"
        )
    seeds.append(f"信度分析（自助法置信区间、因子分析）的随机种子{a.case.reliability.seed}")
    notes = [blocks.cite(n) for n in a.notes] + [s + "。" for s in seeds]
    return Section(
        "附件：技术附件",
        [
            Section(
                "（一）数据与抽样设计",
                [design_table(a), *answers_table(a)],
                level=2,
            ),
            Section("（二）信度与效度检验", reliability_blocks(a), level=2),
            Section("（三）满意度指数的计算", index_blocks(a), level=2),
            Section("（四）组间差异检验", group_tests_blocks(a), level=2),
            Section("（五）重要性—表现分析的设置", ipa_blocks(a), level=2),
            Section("（六）满意度指标换算与样本量评估", indicator_blocks(a), level=2),
            Section(
                "（七）计算说明与存档信息",
                [
                    BulletList(notes) if notes else None,
                    Paragraph(f"案例编号：{a.case.case_id}（案例库存档编号）。", "note"),
                    blocks.warnings_box(a.warnings),
                ],
                level=2,
            ),
        ],
    )


# the level-1 headings of the report (tests check both formats)
HEADINGS = (
    "一、基本情况",
    "二、调查方法与样本",
    "三、满意度结果",
    "四、分组比较",
    "五、存在的问题及原因分析",
    "六、改进建议",
    "七、其他需要说明的问题",
    "附件：技术附件",
)

OUTLINE = (
    section_basic,
    section_sample,
    section_results,
    section_groups,
    section_problems,
    section_advice,
    section_other,
    section_annex,
)


def results(a: SatisfactionAnalysis) -> dict[str, Any]:
    """results.json (contracts §4) with the ``survey`` block, the report's ``findings`` and the
    survey's warnings."""
    from methods.report import case_results

    return {
        **case_results(a.case, survey=a.to_dict(), findings=a.findings.to_dict()),
        "warnings": list(a.warnings),
    }


def outline(a: SatisfactionAnalysis) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(a.case, [build(a) for build in OUTLINE])


__all__ = [
    "HEADINGS",
    "OUTLINE",
    "answers_table",
    "design_table",
    "design_words",
    "group_blocks",
    "group_tests_blocks",
    "index_blocks",
    "indicator_blocks",
    "ipa_blocks",
    "outline",
    "plot_index",
    "plot_ipa",
    "reliability_blocks",
    "results",
    "results_table",
    "sample_blocks",
    "section_advice",
    "section_annex",
    "section_basic",
    "section_groups",
    "section_other",
    "section_problems",
    "section_results",
    "section_sample",
]
