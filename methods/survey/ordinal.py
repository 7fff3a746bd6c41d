"""Ordinal logistic regression (proportional odds), unweighted, frequency-weighted or
design-based (R's ``MASS::polr`` and ``survey::svyolr``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from methods.survey._common import (
    _as_list,
    _clean,
    _crit,
    _indicator,
    _numeric_column,
    _require_columns,
    _require_frame,
)
from methods.survey.design import Design

__all__ = ["ordinal_logit"]


def _ordinal_fit(
    yk: np.ndarray, x: np.ndarray, w: np.ndarray, n_levels: int, *, maxiter: int = 100
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Weighted maximum likelihood of the proportional-odds model by Newton's method.

    ``yk`` holds level indices 0…K−1, ``x`` the n × p predictors, ``w`` the weights. Parameters
    are (θ_1 … θ_{K−1}, β); returns (params, information −H, per-row scores, converged).
    """
    n, p = x.shape
    k1 = n_levels - 1
    q = k1 + p
    # start: marginal cumulative logits, β = 0
    share = np.bincount(yk, weights=w, minlength=n_levels)
    cum = np.clip(np.cumsum(share)[:-1] / share.sum(), 1e-6, 1 - 1e-6)
    params = np.concatenate([special.logit(cum), np.zeros(p)])
    rows = np.arange(n)
    # design vectors of a = θ_y − xβ and b = θ_{y−1} − xβ (zero where the cut-point is ±∞)
    da = np.zeros((n, q))
    db = np.zeros((n, q))
    up = yk < k1
    lo = yk > 0
    da[rows[up], yk[up]] = 1.0
    db[rows[lo], yk[lo] - 1] = 1.0
    da[:, k1:] = -x
    db[:, k1:] = -x

    def pieces(par):
        theta, beta = par[:k1], par[k1:]
        eta = x @ beta
        ext = np.concatenate([[-np.inf], theta, [np.inf]])
        a = ext[yk + 1] - eta
        b = ext[yk] - eta
        fa_c, fb_c = special.expit(a), special.expit(b)
        prob = fa_c - fb_c
        return a, b, fa_c, fb_c, prob

    def loglik(par):
        *_, prob = pieces(par)
        if np.any(np.diff(par[:k1]) <= 0):
            return -np.inf
        return float(np.sum(w * np.log(np.maximum(prob, 1e-300))))

    def derivatives(par):
        """Per-row scores (n × q) and the information −H (q × q) at ``par``."""
        a, b, fa_c, fb_c, prob = pieces(par)
        prob = np.maximum(prob, 1e-300)
        fa = np.where(np.isfinite(a), fa_c * (1 - fa_c), 0.0)
        fb = np.where(np.isfinite(b), fb_c * (1 - fb_c), 0.0)
        ga, gb = fa / prob, -fb / prob
        scores = ga[:, None] * da + gb[:, None] * db
        haa = fa * (1 - 2 * fa_c) / prob - ga**2
        hbb = -fb * (1 - 2 * fb_c) / prob - gb**2
        hab = -ga * gb
        info = -(
            np.einsum("i,ij,ik->jk", w * haa, da, da)
            + np.einsum("i,ij,ik->jk", w * hbb, db, db)
            + np.einsum("i,ij,ik->jk", w * hab, da, db)
            + np.einsum("i,ij,ik->jk", w * hab, db, da)
        )
        return scores, info

    converged = False
    ll = loglik(params)
    for _ in range(maxiter):
        scores, info = derivatives(params)
        grad = (w[:, None] * scores).sum(axis=0)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        t = 1.0  # step halving keeps the likelihood rising and the cut-points ordered
        while t > 1e-10:
            trial = params + t * step
            new = loglik(trial)
            if new >= ll - 1e-12:
                break
            t /= 2
        else:
            break
        params, ll = trial, new
        if np.max(np.abs(t * step)) < 1e-10:
            converged = True
            break
    scores, info = derivatives(params)
    return params, info, scores, converged


def ordinal_logit(
    data: pd.DataFrame,
    y: str,
    predictors: Sequence[str],
    *,
    categories: Sequence[Any] | None = None,
    conf_level: float = 0.95,
    weights: str | None = None,
    design: Design | None = None,
) -> pd.DataFrame:
    """Proportional-odds (ordinal logistic) regression, unweighted, frequency-weighted or
    design-based (R's ``MASS::polr`` and ``survey::svyolr``).

    Parameters
    ----------
    data : DataFrame
        One row per respondent (with ``design``: the design's rows, in the same order).
    y : str
        Ordered outcome (numeric levels are ordered by value; text needs ``categories``).
    predictors : list of str
        Numeric predictors, or text/categorical ones (dummy-coded, first level dropped).
    categories : sequence, optional
        Order of the outcome levels, lowest first.
    conf_level : float
    weights : str, optional
        Frequency (case) weights column, as ``polr(..., weights=)``: a row with weight 3 counts
        as three respondents; standard errors from the observed information.
    design : Design, optional
        A survey design: sampling weights from the design and standard errors by the sandwich
        A⁻¹ B A⁻¹, A the weighted information and B the design variance of the totals of the
        weighted scores (PSUs, strata, fpc, calibration), as ``svyolr`` does for linearisation
        designs. Rows with a missing value stay in the design with zero scores (domain
        estimation). A replicate-weight design is linearised on the same PSUs and strata (R
        refits the model with each replicate instead; ``attrs["variance"]`` says which).

    Returns
    -------
    DataFrame
        ``term``, ``kind`` (``predictor``/``threshold``), ``estimate``, ``se``, ``z``,
        ``p_value``, ``ci_low``, ``ci_high``, ``odds_ratio`` (predictors). Thresholds are the
        cut-points θ_j on the latent scale. ``attrs``: ``n`` (complete cases), ``n_dropped``,
        ``levels``, ``converged``, ``weights`` (``none`` / ``frequency`` / ``design``),
        ``variance`` (``model``: inverse information; ``taylor``: design sandwich).

    Notes
    -----
    P(Y ≤ j | x) = logistic(θ_j − x'β): a positive coefficient shifts answers upwards. The
    (weighted) log-likelihood Σ w_i log[F(θ_{y_i} − x_i'β) − F(θ_{y_i−1} − x_i'β)] is maximised
    by Newton's method with the analytic Hessian (F logistic, F' = F(1 − F), F'' = F'(1 − 2F)).
    With a design the point estimates are the pseudo-maximum-likelihood estimates and
    Var(θ̂) = A⁻¹ B A⁻¹ (Binder 1983; Lumley 2010, §6.3). statsmodels' ``OrderedModel`` takes
    no weights, hence this fit; unweighted, the two agree (tested), and frequency-weighted it
    reproduces ``MASS::polr`` on the published housing example.

    References
    ----------
    McCullagh, P. (1980). Regression models for ordinal data. *JRSS B* 42, 109–142.
    Venables, W. N. & Ripley, B. D. (2002). *Modern Applied Statistics with S*, 4th ed., §7.3.
    Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
    surveys. *International Statistical Review* 51, 279–292.
    """
    data = _require_frame(data)
    preds = _as_list(predictors)
    if not preds:
        raise ValueError("请至少给出一个自变量 predictors")
    if weights is not None and design is not None:
        raise ValueError("weights（频数权重）与 design（抽样设计）只能给出一个")
    cols = [y, *preds] + ([weights] if weights is not None else [])
    _require_columns(data, cols, "模型")
    if design is not None:
        if not isinstance(design, Design):
            raise ValueError("design 应为 methods.survey.Design")
        if len(data) != design.n:
            raise ValueError(f"data 有 {len(data)} 行，抽样设计有 {design.n} 行：应逐行对应")
    keep = data[cols].notna().all(axis=1).to_numpy()
    d = data.loc[keep, cols]
    n_dropped = len(data) - len(d)
    if len(d) < len(preds) + 3:
        raise ValueError(f"完整记录只有 {len(d)} 条，不足以拟合有序 logit 模型")
    if categories is not None:
        levels = list(categories)
        unknown = set(d[y].unique()) - set(levels)
        if unknown:
            raise ValueError(f"因变量 {y} 含有 categories 之外的取值：{sorted(map(str, unknown))}")
    elif pd.api.types.is_numeric_dtype(d[y]):
        levels = sorted(d[y].unique().tolist())
    else:
        raise ValueError(f"因变量 {y} 是文本：请用 categories 给出等级顺序（由低到高）")
    if len(levels) < 3:
        raise ValueError(f"因变量 {y} 只有 {len(levels)} 个等级：有序 logit 至少需要 3 个")
    yk = pd.Categorical(d[y], categories=levels, ordered=True).codes.astype(np.int64)
    present = np.bincount(yk, minlength=len(levels))
    if (present == 0).any():
        empty = [str(levels[i]) for i in np.flatnonzero(present == 0)]
        raise ValueError(f"因变量 {y} 的等级 {'、'.join(empty)} 没有观测，无法估计其切点")
    parts = []
    for c in preds:
        if pd.api.types.is_numeric_dtype(d[c]) and not pd.api.types.is_bool_dtype(d[c]):
            parts.append(d[[c]].astype(float))
        else:
            # a pandas Categorical keeps its level order (the first level is the reference, as
            # in R); other text is ordered alphabetically
            col = d[c]
            if isinstance(col.dtype, pd.CategoricalDtype):
                col = col.cat.remove_unused_categories()
            else:
                col = col.astype(str)
            dummies = pd.get_dummies(col, prefix=c, prefix_sep="=", drop_first=True)
            parts.append(dummies.astype(float))
    exog = pd.concat(parts, axis=1)
    x = exog.to_numpy(float)
    if weights is not None:
        w = _numeric_column(d, weights, "权重")
        if np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
            raise ValueError(f"权重列 {weights} 应为非负有限数且合计大于 0")
        kind = "frequency"
    elif design is not None:
        w = design._w[keep]
        kind = "design"
    else:
        w = np.ones(len(d))
        kind = "none"
    params, info, scores, converged = _ordinal_fit(yk, x, w, len(levels))
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise ValueError("信息矩阵奇异：自变量之间可能完全共线，或某一组别只有一个等级") from None
    if design is not None:
        z = np.zeros((design.n, len(params)))
        z[keep] = w[:, None] * scores
        z = design._residualize(z)
        tz = np.asarray(_indicator(design._psu, design.n_psu) @ z)
        cov = inv @ design._var_from_psu_totals(tz, True) @ inv
    else:
        cov = inv
    k1 = len(levels) - 1
    p = x.shape[1]
    beta, cuts = params[k1:], params[:k1]
    se_all = np.sqrt(np.diag(cov))
    est = np.concatenate([beta, cuts])
    se = np.concatenate([se_all[k1:], se_all[:k1]])
    crit = _crit(conf_level, None)
    z_val = est / se
    terms = list(exog.columns) + [f"{levels[i]}|{levels[i + 1]}" for i in range(k1)]
    out = pd.DataFrame(
        {
            "term": terms,
            "kind": ["predictor"] * p + ["threshold"] * k1,
            "estimate": est,
            "se": se,
            "z": z_val,
            "p_value": 2 * stats.norm.sf(np.abs(z_val)),
            "ci_low": est - crit * se,
            "ci_high": est + crit * se,
            "odds_ratio": np.concatenate([np.exp(beta), np.full(k1, np.nan)]),
        }
    )
    out.attrs = {
        "n": len(d),
        "n_dropped": n_dropped,
        "levels": [_clean(v) for v in levels],
        "converged": converged,
        "weights": kind,
        "variance": "taylor" if design is not None else "model",
    }
    return out
