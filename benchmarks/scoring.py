"""Scoring throughput: 10,000 cases × 30 indicators, vectorised vs per-indicator Python loops.

Baselines (same inputs, results checked equal):
  (a) a plain Python loop with per-row arithmetic, as one would write it in a script or spreadsheet
      macro (``plain_score`` below), and
  (b) a Python loop over the public one-indicator API ``methods.scoring.score_indicator``.
Contender: ``methods.scoring.score_cases`` (one vectorised pass + groupby + grades).

Run:  python benchmarks/scoring.py [--cases 10000] [--indicators 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import pandas as pd
from _timing import best_of

from methods.scoring import grade, score_cases, score_indicator

RULES = ["positive", "reverse", "equal", "range", "qualitative", "deduction", "checklist"]
TIERS = ["达成年度指标", "部分达成并具有一定效果", "未达成且效果较差"]


def synthetic(n_cases: int, n_ind: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_cases * n_ind
    rule = np.array(RULES)[rng.integers(0, len(RULES), n)]
    raw_w = rng.uniform(1, 5, (n_cases, n_ind))
    weight = np.round(raw_w / raw_w.sum(axis=1, keepdims=True) * 100, 6).ravel()
    target = rng.uniform(10, 100, n)
    actual = target * rng.uniform(0.5, 1.6, n)
    tier_idx = rng.integers(0, 3, n)
    low = np.array([0.8, 0.6, 0.0])[tier_idx]
    df = pd.DataFrame(
        {
            "case_id": np.repeat(np.arange(n_cases), n_ind),
            "rule": rule,
            "weight": weight,
            "target": np.where(rule == "equal", np.where(rng.random(n) < 0.5, 0.0, target), target),
            "target_high": target * 1.2,
            "actual": actual,
            "variant": np.where(
                rng.random(n) < 0.5,
                None,
                np.where(
                    rule == "reverse",
                    "ratio",
                    np.where(
                        rule == "deduction", "under", np.where(rule == "range", "binary", None)
                    ),
                ),
            ),
            "tier": np.array(TIERS)[tier_idx],
            "given_score": (low + rng.uniform(0, 0.19, n)) * weight,
            "points_per_unit": rng.uniform(0.1, 1, n),
            "met": rng.integers(0, 5, n),
            "total": np.full(n, 4),
        }
    )
    df.loc[df["rule"] != "qualitative", ["tier", "given_score"]] = [None, np.nan]
    return df


def plain_score(r: dict) -> float:
    """The rules written row by row in plain Python (baseline a)."""
    rule, w, t, a = r["rule"], r["weight"], r["target"], r["actual"]
    v = r["variant"]
    if rule == "positive" or (rule == "equal" and t > 0):
        s = w if a >= t else a / t * w
    elif rule == "equal":
        s = w if a <= 0 else 0.0
    elif rule == "reverse":
        if a <= t:
            s = w
        elif v == "ratio":
            s = t / a * w
        else:
            s = max(0.0, 1 - (a - t) / t) * w
    elif rule == "range":
        lo, hi = t, r["target_high"]
        if lo <= a <= hi:
            s = w
        elif v == "binary":
            s = 0.0
        else:
            s = a / lo * w if a < lo else hi / a * w
    elif rule == "qualitative":
        s = r["given_score"]
    elif rule == "deduction":
        excess = (t - a) if v == "under" else (a - t)
        s = w - r["points_per_unit"] * max(0.0, excess)
    else:
        s = w * r["met"] / r["total"]
    s = min(max(s, 0.0), w)
    scaled = abs(s) * 100
    rounded = math.floor(scaled + 0.5 + 1e-9 * max(1.0, scaled)) / 100
    # a full score never rounds up past a weight that is not a whole number of cents
    return min(rounded, math.floor(w * 100 + 1e-6) / 100)


def api_score(r: dict) -> float:
    kw = {}
    if r["rule"] == "range":
        target = [r["target"], r["target_high"]]
    else:
        target = r["target"]
    if r["rule"] == "qualitative":
        return score_indicator("qualitative", r["weight"], tier=r["tier"], score=r["given_score"])
    if r["rule"] == "checklist":
        return score_indicator("checklist", r["weight"], met=r["met"], total=r["total"])
    if r["rule"] == "deduction":
        kw["points_per_unit"] = r["points_per_unit"]
    if isinstance(r["variant"], str):
        kw["variant"] = r["variant"]
    return score_indicator(r["rule"], r["weight"], target, r["actual"], **kw)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    df = synthetic(args.cases, args.indicators, args.seed)
    n = len(df)
    print(
        f"评分基准：{args.cases:,} 个案例 × {args.indicators} 个指标 = {n:,} 行（seed {args.seed}）"
    )

    vec, t_vec = best_of(score_cases, df, repeat=4)

    cat = df.astype({"rule": "category", "variant": "category", "tier": "category"})
    _, t_cat = best_of(score_cases, cat, repeat=3)

    records = df.to_dict("records")

    def plain_loop():
        scores = [plain_score(r) for r in records]
        totals: dict[int, float] = {}
        for r, s in zip(records, scores, strict=True):
            totals[r["case_id"]] = totals.get(r["case_id"], 0.0) + s
        return {k: (round(v, 2), grade(round(v, 2))) for k, v in totals.items()}

    plain, t_plain = best_of(plain_loop)
    sample = records[: min(n, 60_000)]
    api, t_api_sample = best_of(lambda: [api_score(r) for r in sample])
    t_api = t_api_sample * n / len(sample)

    # same numbers
    vec_totals = vec["total"].to_dict()
    assert all(abs(vec_totals[k] - v[0]) < 0.011 for k, v in plain.items()), "totals differ"
    assert all(
        vec.loc[k, "grade"] == v[1] for k, v in plain.items() if abs(v[0] - round(v[0])) > 0.02
    )
    assert np.allclose([plain_score(r) for r in sample], api), "API differs from plain loop"

    print(f"  向量化 score_cases（得分、总分、等级）: {t_vec * 1000:8.1f} ms")
    print(f"  同上，rule/variant/tier 为 category 列  : {t_cat * 1000:8.1f} ms")
    print(
        f"  纯 Python 逐行循环（基线 a）          : {t_plain * 1000:8.1f} ms   → 向量化快 {t_plain / t_vec:5.1f} 倍"
    )
    extrap = "（按前 60,000 行外推）" if len(sample) < n else ""
    print(
        f"  逐个调用 score_indicator（基线 b）    : {t_api * 1000:8.1f} ms{extrap} → 向量化快 {t_api / t_vec:5.1f} 倍"
    )
    print("  目标：远低于 1 秒。" + ("达到。" if t_vec < 1 else "未达到！"))


if __name__ == "__main__":
    main()
