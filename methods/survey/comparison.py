"""Group comparisons (:func:`compare_groups`): Pearson and Rao–Scott chi-square (R's
``svychisq``), one-way and Welch ANOVA, and design-based Wald tests of equal domain means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods import _format as fmt
from methods.survey._common import (
    _METHOD_LABEL,
    _clean,
    _group_codes,
    _numeric_column,
    _records,
    _require_columns,
    _require_frame,
    _Term,
)
from methods.survey.design import Design

__all__ = ["GroupComparison", "compare_groups"]


@dataclass(frozen=True)
class GroupComparison:
    """Comparison of a variable across groups.

    Attributes
    ----------
    y, group : str
    kind : str
        ``categorical`` (chi-square tests) or ``numeric`` (tests of equal means).
    table : DataFrame
        Per-group estimates: shares by level (categorical) or means (numeric), with SEs.
    tests : DataFrame
        ``test``, ``statistic``, ``df1``, ``df2``, ``p_value``, ``description`` (Chinese).
    primary : str
        The recommended test (first row of ``tests``).
    variance : str
    """

    y: str
    group: str
    kind: str
    table: pd.DataFrame
    tests: pd.DataFrame
    primary: str
    variance: str

    @property
    def p_value(self) -> float:
        """p-value of the primary test."""
        return float(self.tests.loc[self.tests["test"] == self.primary, "p_value"].iloc[0])

    def summary(self) -> str:
        """Chinese summary of the tests."""
        what = "分布" if self.kind == "categorical" else "均值"
        lines = [f"{self.y} 的{what}在 {self.group} 各组间的比较（{self.variance}）"]
        for _, r in self.tests.iterrows():
            dfs = fmt.num(r["df1"], 3) + ("" if pd.isna(r["df2"]) else f", {fmt.num(r['df2'], 3)}")
            star = "（主检验）" if r["test"] == self.primary else ""
            lines.append(
                f"  {r['description']}{star}：统计量 {fmt.num(r['statistic'], 4)}，自由度 {dfs}，"
                f"p = {fmt.num(r['p_value'], 4)}"
            )
        p = self.p_value
        lines.append(
            "结论：" + ("各组差异显著（p < 0.05）" if p < 0.05 else "未发现显著差异（p ≥ 0.05）")
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        return {
            "y": self.y,
            "group": self.group,
            "kind": self.kind,
            "primary": self.primary,
            "p_value": _clean(self.p_value),
            "variance": self.variance,
            "tests": _records(self.tests),
            "table": _records(self.table),
        }


def _svychisq(design: Design, rows: str, cols: str) -> pd.DataFrame:
    """R's ``svychisq`` (F, Chisq, Wald, adjWald) for a two-way table."""
    d = design._data
    ok = (d[rows].notna() & d[cols].notna()).to_numpy()
    r_codes, r_lab = _group_codes(d, [rows])
    c_codes, c_lab = _group_codes(d, [cols])
    nr, nc = len(r_lab), len(c_lab)
    if nr < 2 or nc < 2:
        raise ValueError(f"{rows} 与 {cols} 都至少需要 2 个类别才能做独立性检验")
    cell = np.where(ok, r_codes + nr * c_codes, -1)  # rows vary fastest, as R's interaction()
    mm = np.zeros((design.n, nr * nc))
    mm[np.flatnonzero(ok), cell[ok]] = 1.0
    dom = np.where(ok, 0, -1)
    nu = design.df
    n_obs = int(ok.sum())
    # Pearson X² on the weighted table scaled to the sample size
    wt = np.bincount(cell[ok], design._w[ok], minlength=nr * nc).reshape(nc, nr).T
    tab = wt / wt.sum() * n_obs
    expected = np.outer(tab.sum(axis=1), tab.sum(axis=0)) / n_obs
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = float(np.nansum((tab - expected) ** 2 / expected))
    # Rao-Scott design effects matrix
    k = nr * nc
    v = np.column_stack([mm, ok.astype(float)])
    est, cov, _ = design._linearize(v, dom, 1, [[_Term(1.0, j, k)] for j in range(k)], full=True)
    p = est[0]
    rr, cc = np.meshgrid(np.arange(nr), np.arange(nc), indexing="xy")
    rr, cc = rr.ravel(), cc.ravel()  # cell order: rows fastest
    x1 = np.column_stack(
        [np.ones(k)]
        + [(rr == i).astype(float) for i in range(1, nr)]
        + [(cc == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [((rr == i) & (cc == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    beta, *_ = np.linalg.lstsq(x1, inter, rcond=None)
    cmat = inter - x1 @ beta
    idm = np.diag(np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p)))
    denom = cmat.T @ (idm / n_obs) @ cmat
    numr = cmat.T @ idm @ cov @ idm @ cmat
    delta = np.linalg.solve(denom, numr)
    tr = float(np.trace(delta))
    d0 = tr**2 / float(np.trace(delta @ delta))
    q = (nr - 1) * (nc - 1)
    f_stat = x2 / tr
    rows_out = [
        (
            "rao_scott_f",
            f_stat,
            d0,
            d0 * nu,
            float(stats.f.sf(f_stat, d0, d0 * nu)),
            "Rao–Scott 二阶校正（F，R svychisq 默认）",
        ),
        (
            "rao_scott_chisq",
            x2,
            float(q),
            np.nan,
            float(stats.chi2.sf(x2 / np.mean(np.diag(delta)), q)),
            'Rao–Scott 一阶校正（卡方，R statistic="Chisq"）',
        ),
    ]
    # Wald tests (Koch et al.; R statistic="Wald"/"adjWald")
    mr = (r_codes[:, None] == np.arange(nr)[None, :]).astype(float)
    mc = (c_codes[:, None] == np.arange(nc)[None, :]).astype(float)
    tv = np.column_stack([mm, mr, mc, np.ones(design.n)]) * ok[:, None]
    m_t = tv.shape[1]
    cells, vcells, _ = design._linearize(
        tv, dom, 1, [[_Term(1.0, j, None)] for j in range(m_t)], full=True
    )
    cells = cells[0]
    n_hat = cells[-1]
    row_t, col_t = cells[k : k + nr], cells[k + nr : k + nr + nc]
    jcb = np.column_stack(
        [
            np.eye(k),
            -(rr[:, None] == np.arange(nr)[None, :]).astype(float) * (col_t[cc] / n_hat)[:, None],
            -(cc[:, None] == np.arange(nc)[None, :]).astype(float) * (row_t[rr] / n_hat)[:, None],
            (row_t[rr] * col_t[cc] / n_hat**2)[:, None],
        ]
    )
    yv = cells[:k] - row_t[rr] * col_t[cc] / n_hat
    vv = jcb @ vcells @ jcb.T
    use = (rr > 0) & (cc > 0)
    wald = float(yv[use] @ np.linalg.solve(vv[np.ix_(use, use)], yv[use]))
    rows_out.append(
        (
            "wald",
            wald / q,
            float(q),
            float(nu),
            float(stats.f.sf(wald / q, q, nu)),
            '设计 Wald 检验（Koch 等，R statistic="Wald"）',
        )
    )
    ddf = nu - q + 1
    adj = wald * ddf / (q * nu)
    rows_out.append(
        (
            "adj_wald",
            adj,
            float(q),
            float(ddf),
            float(stats.f.sf(adj, q, ddf)),
            '调整 Wald 检验（R statistic="adjWald"）',
        )
    )
    rows_out.append(
        (
            "pearson_unadjusted",
            x2,
            float(q),
            np.nan,
            float(stats.chi2.sf(x2, q)),
            "未校正的 Pearson 卡方（忽略抽样设计，仅供对照）",
        )
    )
    return pd.DataFrame(
        rows_out, columns=["test", "statistic", "df1", "df2", "p_value", "description"]
    )


def compare_groups(
    data: pd.DataFrame,
    y: str,
    group: str,
    design: Design | None = None,
    *,
    kind: str = "auto",
) -> GroupComparison:
    """Compare ``y`` across the groups of ``group`` (chi-square or tests of equal means).

    Parameters
    ----------
    data : DataFrame
        Respondents (with a design: the design's data, same rows and index).
    y : str
        Outcome column.
    group : str
        Group column.
    design : Design, optional
        Survey design; without it the respondents are a simple random sample.
    kind : {"auto", "categorical", "numeric"}
        ``auto``: numeric columns are compared by their means, other columns by their
        distribution. Use ``categorical`` for Likert answers compared as categories.

    Returns
    -------
    GroupComparison
        Categorical without a design: Pearson's chi-square test of independence. With a
        design: R's ``svychisq`` — the Rao–Scott second-order corrected F (default, primary),
        the first-order corrected chi-square, the Wald and adjusted Wald tests, and the
        unadjusted Pearson statistic for reference. Numeric without a design: one-way ANOVA
        (primary) and Welch's ANOVA. Numeric with a design: the design-based Wald test that
        all domain means are equal, F = W/q on (q, #PSU − #strata) degrees of freedom, and
        its adjusted version F·(ν − q + 1)/ν on (q, ν − q + 1).

    References
    ----------
    Rao, J. N. K. & Scott, A. J. (1984). On chi-squared tests for multiway contingency tables
    with cell proportions estimated from survey data. *Annals of Statistics* 12, 46–60.
    """
    data = _require_frame(data)
    _require_columns(data, [y, group], "比较")
    if kind not in ("auto", "categorical", "numeric"):
        raise ValueError(f"kind 应为 'auto'、'categorical' 或 'numeric'，实际为 {kind!r}")
    if design is not None:
        if not isinstance(design, Design):
            raise ValueError("design 应为 methods.survey.Design")
        if len(design.data) != len(data) or not design.data.index.equals(data.index):
            raise ValueError("design 的数据与 data 行数或行索引不一致：应为同一批受访者")
        design = design._derive(_data=data.copy(deep=False))
    col = data[y]
    if kind == "auto":
        kind = (
            "numeric"
            if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
            else "categorical"
        )
    if kind == "categorical":
        if design is None:
            d = data[[y, group]].dropna()
            tab = pd.crosstab(d[group], d[y])
            if tab.shape[0] < 2 or tab.shape[1] < 2:
                raise ValueError(f"{y} 与 {group} 都至少需要 2 个类别才能做独立性检验")
            res = stats.chi2_contingency(tab.to_numpy(), correction=False)
            tests = pd.DataFrame(
                [
                    (
                        "pearson",
                        float(res.statistic),
                        float(res.dof),
                        np.nan,
                        float(res.pvalue),
                        "Pearson 卡方独立性检验",
                    )
                ],
                columns=["test", "statistic", "df1", "df2", "p_value", "description"],
            )
            table = Design(data).proportion(y, by=group)
            variance = "简单随机抽样"
            primary = "pearson"
        else:
            tests = _svychisq(design, y, group)
            table = design.proportion(y, by=group)
            variance = f"设计推断（{_METHOD_LABEL[design.variance_method]}）"
            primary = "rao_scott_f"
        return GroupComparison(y, group, "categorical", table, tests, primary, variance)
    # numeric
    if design is None:
        vals = _numeric_column(data, y, "变量")
        g_codes, g_lab = _group_codes(data, [group])
        samples = [vals[(g_codes == i) & ~np.isnan(vals)] for i in range(len(g_lab))]
        samples = [s for s in samples if len(s)]
        if len(samples) < 2:
            raise ValueError(f"{group} 至少需要 2 个有数据的组才能比较均值")
        a = stats.f_oneway(*samples)
        wl = stats.f_oneway(*samples, equal_var=False)
        n_all = sum(len(s) for s in samples)
        g = len(samples)
        tests = pd.DataFrame(
            [
                (
                    "anova",
                    float(a.statistic),
                    float(g - 1),
                    float(n_all - g),
                    float(a.pvalue),
                    "单因素方差分析（F 检验）",
                ),
                (
                    "welch_anova",
                    float(wl.statistic),
                    float(g - 1),
                    np.nan,
                    float(wl.pvalue),
                    "Welch 方差分析（不假定方差齐性）",
                ),
            ],
            columns=["test", "statistic", "df1", "df2", "p_value", "description"],
        )
        table = Design(data).mean(y, by=group)
        return GroupComparison(y, group, "numeric", table, tests, "anova", "简单随机抽样")
    vals = design._values([y])
    valid = ~np.isnan(vals[:, 0])
    dom, n_dom, labels = design._domains(group)
    if n_dom < 2:
        raise ValueError(f"{group} 至少需要 2 个组才能比较均值")
    v = np.column_stack([np.where(valid, vals[:, 0], 0.0), valid.astype(float)])
    est, cov, _ = design._linearize(v, dom, n_dom, [[_Term(1.0, 0, 1)]], full=True)
    theta = est[:, 0]
    keep = np.isfinite(theta)
    theta, cov = theta[keep], cov[np.ix_(keep, keep)]
    q = len(theta) - 1
    cmat = np.column_stack([-np.ones(q), np.eye(q)])
    diff = cmat @ theta
    wstat = float(diff @ np.linalg.solve(cmat @ cov @ cmat.T, diff))
    nu = design.df
    ddf = nu - q + 1
    tests = pd.DataFrame(
        [
            (
                "wald",
                wstat / q,
                float(q),
                float(nu),
                float(stats.f.sf(wstat / q, q, nu)),
                "设计 Wald 检验（各组均值相等）",
            ),
            (
                "adj_wald",
                wstat * ddf / (q * nu),
                float(q),
                float(ddf),
                float(stats.f.sf(wstat * ddf / (q * nu), q, ddf)),
                "调整 Wald 检验",
            ),
        ],
        columns=["test", "statistic", "df1", "df2", "p_value", "description"],
    )
    table = design.mean(y, by=group)
    variance = f"设计推断（{_METHOD_LABEL[design.variance_method]}）"
    return GroupComparison(y, group, "numeric", table, tests, "wald", variance)
