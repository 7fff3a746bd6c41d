"""Indicator weights (指标权重): AHP, entropy, CRITIC, Delphi rounds and combined weights.

=========================  ==============================================================
function                   what it gives
=========================  ==============================================================
:func:`ahp`                层次分析法: weights, λmax, CI, CR (RI table named), completion
:func:`ahp_group`          group AHP: AIJ (judgements) or AIP (priorities) aggregation
:func:`ahp_hierarchy`      criteria → sub-criteria global weights and each level's CR
:func:`entropy_weights`    熵权法 (direction-aware min–max, or classic proportions x/Σx)
:func:`critic_weights`     CRITIC (contrast × conflict)
:func:`delphi`             德尔菲法 rounds: mean, SD, CV, Kendall's W, convergence verdict
:func:`kendall_w`          Kendall's coefficient of concordance with tie correction
:func:`combine_weights`    主客观组合赋权 (linear or multiplicative)
:func:`weights_to_points`  weights → indicator points summing exactly to 100
=========================  ==============================================================

Inputs are arrays or labelled DataFrames/Series; without labels criteria are called C1, C2, …
and alternatives A1, A2, …. Results are frozen dataclasses with ``.summary()`` (Chinese) and
``.to_dict()`` (JSON-ready). Bad input raises :class:`ValueError` with a Chinese message naming the
problem. Random-index tables are data (``methods/_data/random_index.yaml``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from methods import _format as fmt
from methods._json import jsonable as _jsonable
from methods._resources import load_yaml

__all__ = [
    "AHPGroupResult",
    "AHPHierarchyResult",
    "AHPResult",
    "CombinedWeights",
    "DelphiResult",
    "KendallW",
    "ObjectiveWeights",
    "ahp",
    "ahp_group",
    "ahp_hierarchy",
    "combine_weights",
    "critic_weights",
    "delphi",
    "entropy_weights",
    "kendall_w",
    "random_index",
    "random_index_tables",
    "weights_to_points",
]

CONSISTENCY_THRESHOLD = 0.10
RECIPROCAL_TOL = 0.025

_BENEFIT = {"benefit", "正向", "max", "+", "positive", "效益型", "正"}
_COST = {"cost", "负向", "min", "-", "negative", "成本型", "负", "逆向"}


# ---------------------------------------------------------------------------------------------
# Shared helpers (also used by methods.ranking and methods.robustness)


def _default_labels(n: int, prefix: str) -> tuple[str, ...]:
    return tuple(np.char.add(prefix, np.arange(1, n + 1).astype(str)).tolist())


def _decision_matrix(
    X: Any, *, min_rows: int = 1, name: str = "决策矩阵"
) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """``X`` as a float (m, k) array with alternative and criterion labels."""
    if isinstance(X, pd.DataFrame):
        alts = tuple(X.index.astype(str).tolist())
        crits = tuple(str(c) for c in X.columns)
        try:
            values = X.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}必须全为数值") from exc
    else:
        try:
            values = np.asarray(X, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}必须全为数值") from exc
        if values.ndim != 2:
            raise ValueError(f"{name}必须是二维表（评价对象 × 指标），当前维数为 {values.ndim}")
        alts = _default_labels(values.shape[0], "A")
        crits = _default_labels(values.shape[1], "C")
    m, k = values.shape
    if k == 0:
        raise ValueError(f"{name}没有指标列")
    if m < min_rows:
        raise ValueError(f"{name}至少需要 {min_rows} 个评价对象（当前 {m} 个）")
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{name}含缺失值或非有限值：{alts[i]} 的指标 {crits[j]}")
    if len(set(crits)) != k:
        raise ValueError(f"{name}的指标名称重复")
    if len(set(alts)) != m:
        raise ValueError(f"{name}的评价对象名称重复")
    return values, alts, crits


_DIRECTIONS_HELP = "可用：benefit/正向/max/+1 或 cost/负向/min/−1"


def _direction(t: Any) -> bool:
    """True for a benefit (正向) criterion, False for a cost (负向) criterion.

    Accepts the names in ``_BENEFIT`` / ``_COST`` (any case) and the numeric convention of pymcdm
    and scikit-criteria: +1 benefit (maximise), −1 cost (minimise), as a number (int, float,
    numpy scalar) or as text ("1", "+1", "-1", "−1", "1.0"). Anything else, booleans included
    (True is not a direction), raises a ValueError naming the value.
    """
    if isinstance(t, bool | np.bool_):
        raise ValueError(f"未知的指标方向 {t}：布尔值不是方向（{_DIRECTIONS_HELP}）")
    if isinstance(t, numbers.Real):
        if t == 1:
            return True
        if t == -1:
            return False
        raise ValueError(f"未知的指标方向 {t}：数值方向只能是 +1（正向）或 −1（负向）")
    key = str(t).strip()
    if key.lower() in _BENEFIT or key in _BENEFIT:
        return True
    if key.lower() in _COST or key in _COST:
        return False
    try:
        number = float(key.replace("−", "-"))
    except ValueError:
        number = None
    if number in (1.0, -1.0):
        return number == 1.0
    raise ValueError(f"未知的指标方向 '{t}'（{_DIRECTIONS_HELP}）")


def _parse_types(types: Any, criteria: Sequence[str]) -> np.ndarray:
    """Criterion directions as a boolean array (True = benefit). None means all benefit.

    ``types`` is one direction for every criterion (a name, or +1 / −1), a sequence or array
    with one per criterion (names, +1 / −1, mixed), or a mapping / Series ``{criterion: type}``.
    """
    k = len(criteria)
    if types is None:
        return np.ones(k, dtype=bool)
    if isinstance(types, np.ndarray) and types.ndim == 0:
        types = types.item()
    if isinstance(types, str | numbers.Number | np.bool_):
        return np.full(k, _direction(types))
    if isinstance(types, Mapping | pd.Series):
        mapping = dict(types.items())
        unknown = [c for c in mapping if str(c) not in criteria]
        if unknown:
            raise ValueError(f"指标方向中有未知指标：{'、'.join(map(str, unknown))}")
        missing = [c for c in criteria if c not in {str(x) for x in mapping}]
        if missing:
            raise ValueError(f"缺少指标方向：{'、'.join(missing)}")
        lookup = {str(c): v for c, v in mapping.items()}
        return np.array([_direction(lookup[c]) for c in criteria])
    seq = list(types)
    if len(seq) != k:
        raise ValueError(f"指标方向的个数（{len(seq)}）与指标数（{k}）不一致")
    return np.array([_direction(t) for t in seq])


def _type_names(benefit: np.ndarray) -> tuple[str, ...]:
    return tuple("benefit" if b else "cost" for b in benefit)


def _parse_weights(
    weights: Any, criteria: Sequence[str], *, normalize: bool = True, name: str = "权重"
) -> np.ndarray:
    """Weights aligned to ``criteria`` (by label for a Series/dict), checked, sum 1 if asked."""
    if hasattr(weights, "weights") and isinstance(weights.weights, pd.Series):
        weights = weights.weights
    k = len(criteria)
    if isinstance(weights, Mapping | pd.Series):
        mapping = {str(c): v for c, v in weights.items()}
        unknown = [c for c in mapping if c not in criteria]
        missing = [c for c in criteria if c not in mapping]
        if unknown or missing:
            parts = []
            if missing:
                parts.append(f"缺少 {'、'.join(missing)}")
            if unknown:
                parts.append(f"多出 {'、'.join(unknown)}")
            raise ValueError(f"{name}的指标与决策矩阵的指标不一致（{'；'.join(parts)}）")
        raw = [mapping[c] for c in criteria]
    else:
        raw = list(np.ravel(np.asarray(weights, dtype=object)))
        if len(raw) != k:
            raise ValueError(f"{name}个数（{len(raw)}）与指标数（{k}）不一致")
    try:
        w = np.array([float(v) for v in raw], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}必须全为数值") from exc
    if not np.isfinite(w).all():
        raise ValueError(f"{name}含缺失值或非有限值")
    if (w < 0).any():
        j = int(np.argmax(w < 0))
        raise ValueError(f"{name}不能为负数：{criteria[j]} = {fmt.num(w[j], 4)}")
    if w.sum() <= 0:
        raise ValueError(f"{name}之和必须大于 0")
    return w / w.sum() if normalize else w


def _series(values: np.ndarray, labels: Sequence[str], name: str, index_name: str) -> pd.Series:
    return pd.Series(
        np.asarray(values, dtype=float), index=pd.Index(list(labels), name=index_name), name=name
    )


def _weights_lines(weights: pd.Series, indent: str = "  ") -> list[str]:
    return [f"{indent}{k}：{fmt.num(v * 100, 2)}%" for k, v in weights.items()]


# ---------------------------------------------------------------------------------------------
# Random index tables


@cache
def random_index_tables() -> dict[str, dict[str, Any]]:
    """Shipped RI tables (``methods/_data/random_index.yaml``): name → {name, source, values}."""
    return load_yaml("random_index.yaml")["tables"]


def random_index(n: int, table: str | float = "saaty1980") -> tuple[str, float]:
    """The random index RI for an n×n matrix: ``(table name, value)``.

    Parameters
    ----------
    n : int
        Matrix order.
    table : str or float
        A table name (``saaty1980`` default, ``saaty2004``, ``alonso_lamata2006``,
        ``cn_textbook``, ``cn_1000``) or an explicit RI value (reported as ``"custom"``).

    Examples
    --------
    >>> random_index(4)
    ('saaty1980', 0.9)
    >>> random_index(12, "cn_textbook")
    ('cn_textbook', 1.54)
    """
    if isinstance(table, int | float) and not isinstance(table, bool):
        if not table > 0:
            raise ValueError("自定义 RI 必须为正数")
        return "custom", float(table)
    tables = random_index_tables()
    if table not in tables:
        raise ValueError(f"未知的 RI 表 '{table}'（可用：{'、'.join(tables)}）")
    values = {int(k): float(v) for k, v in tables[table]["values"].items()}
    if n <= 2:
        return str(table), 0.0
    if n not in values:
        raise ValueError(
            f"RI 表 '{table}' 只提供 n ≤ {max(values)} 的值（当前 n = {n}）；"
            "可改用其他 RI 表或以 ri=数值 指定"
        )
    return str(table), values[n]


# ---------------------------------------------------------------------------------------------
# AHP


def _judgement(v: Any, where: str) -> float:
    """A judgement value: number or fraction string such as '1/3'."""
    if v is None:
        return math.nan
    if isinstance(v, str):
        text = v.strip()
        if text == "":
            return math.nan
        try:
            value = float(Fraction(text))
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"判断值无法识别：{where} = '{v}'") from exc
    else:
        try:
            value = float(v)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"判断值无法识别：{where} = {v!r}") from exc
    if math.isnan(value):
        return value
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"判断值必须为正数：{where} = {fmt.num(value, 4)}")
    return value


def _is_triples(obj: Any) -> bool:
    if not isinstance(obj, list | tuple) or not obj:
        return False
    return all(
        isinstance(r, list | tuple)
        and len(r) == 3
        and isinstance(r[0], str)
        and isinstance(r[1], str)
        for r in obj
    )


def _matrix_from_pairs(
    pairs: list[tuple[str, str, Any]], labels: Sequence[str] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    order: list[str] = [str(x) for x in labels] if labels is not None else []
    if labels is None:
        for a, b, _ in pairs:
            for x in (str(a), str(b)):
                if x not in order:
                    order.append(x)
    pos = {x: i for i, x in enumerate(order)}
    n = len(order)
    A = np.full((n, n), np.nan)
    np.fill_diagonal(A, 1.0)
    for a, b, v in pairs:
        a, b = str(a), str(b)
        for x in (a, b):
            if x not in pos:
                raise ValueError(f"比较对中的 '{x}' 不在指标列表中")
        value = _judgement(v, f"({a}, {b})")
        if a == b:
            if not math.isnan(value) and abs(value - 1) > 1e-9:
                raise ValueError(f"指标与自身的比较必须为 1：({a}, {a}) = {fmt.num(value, 4)}")
            continue
        i, j = pos[a], pos[b]
        if not math.isnan(A[i, j]) and abs(A[i, j] - value) > 1e-9 * max(1, value):
            raise ValueError(f"比较对 ({a}, {b}) 重复给出且取值不同")
        A[i, j] = value
    return A, tuple(order)


def _parse_comparisons(
    obj: Any, labels: Sequence[str] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Judgements as an (n, n) float array with NaN where missing, plus labels."""
    if isinstance(obj, Mapping):
        pairs = []
        for key, v in obj.items():
            if not isinstance(key, tuple | list) or len(key) != 2:
                raise ValueError(f"两两比较的键必须是 (指标甲, 指标乙)，当前为 {key!r}")
            pairs.append((key[0], key[1], v))
        return _matrix_from_pairs(pairs, labels)
    if _is_triples(obj):
        return _matrix_from_pairs([tuple(r) for r in obj], labels)
    if isinstance(obj, pd.DataFrame):
        rows = [str(x) for x in obj.index]
        cols = [str(x) for x in obj.columns]
        if obj.shape[0] != obj.shape[1]:
            raise ValueError(f"判断矩阵必须为方阵（当前 {obj.shape[0]}×{obj.shape[1]}）")
        if set(rows) != set(cols):
            raise ValueError("判断矩阵的行标签与列标签不一致")
        frame = obj.copy()
        frame.index, frame.columns = rows, cols
        frame = frame.loc[rows, rows]
        if labels is not None:
            if set(map(str, labels)) != set(rows):
                raise ValueError("labels 与判断矩阵的标签不一致")
            rows = [str(x) for x in labels]
            frame = frame.loc[rows, rows]
        raw = frame.to_numpy(dtype=object)
        names = tuple(rows)
    else:
        raw = np.asarray(obj, dtype=object)
        if raw.ndim != 2 or raw.shape[0] != raw.shape[1]:
            shape = "×".join(map(str, raw.shape)) if raw.ndim else "标量"
            raise ValueError(f"判断矩阵必须为方阵（当前 {shape}）")
        n = raw.shape[0]
        if labels is not None and len(labels) != n:
            raise ValueError(f"labels 个数（{len(labels)}）与判断矩阵阶数（{n}）不一致")
        names = tuple(map(str, labels)) if labels is not None else _default_labels(n, "C")
    n = raw.shape[0]
    if n == 0:
        raise ValueError("判断矩阵为空")
    A = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            A[i, j] = _judgement(raw[i, j], f"a[{i + 1},{j + 1}]")
    for i in range(n):
        if math.isnan(A[i, i]):
            A[i, i] = 1.0
        elif abs(A[i, i] - 1) > 1e-9:
            raise ValueError(
                f"判断矩阵对角线元素必须为 1：a[{i + 1},{i + 1}] = {fmt.num(A[i, i], 4)}"
            )
    if len(set(names)) != n:
        raise ValueError("判断矩阵的指标名称重复")
    return A, names


def _reciprocal(A: np.ndarray, tol: float = RECIPROCAL_TOL) -> np.ndarray:
    """Check a_ij·a_ji = 1 (within ``tol``), fill one-sided entries, make exactly reciprocal."""
    A = A.copy()
    n = A.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            a, b = A[i, j], A[j, i]
            if math.isnan(a) and math.isnan(b):
                continue
            if math.isnan(a):
                A[i, j] = 1 / b
            elif math.isnan(b):
                A[j, i] = 1 / a
            else:
                prod = a * b
                if abs(prod - 1) > tol:
                    raise ValueError(
                        f"判断矩阵不是正互反矩阵：a[{i + 1},{j + 1}] × a[{j + 1},{i + 1}] = "
                        f"{fmt.num(prod, 4)} ≠ 1"
                    )
                A[i, j] = math.sqrt(a / b)
                A[j, i] = 1 / A[i, j]
    return A


def _connected(known: np.ndarray) -> bool:
    n = known.shape[0]
    seen = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(known[i]):
            if j not in seen:
                seen.add(int(j))
                frontier.append(int(j))
    return len(seen) == n


def _perron(M: np.ndarray) -> tuple[float, np.ndarray]:
    vals, vecs = np.linalg.eig(M)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    return float(vals[k].real), w / w.sum()


def _complete(A: np.ndarray, names: Sequence[str], completion: str) -> tuple[np.ndarray, tuple]:
    """Fill missing comparisons; returns the completed matrix and the filled pairs."""
    missing = np.isnan(A)
    if not missing.any():
        return A, ()
    known = ~missing
    np.fill_diagonal(known, False)
    if not _connected(known):
        raise ValueError("两两比较不连通：已有判断无法推出所有指标之间的相对重要性，请补充比较")
    filled = tuple(
        (names[i], names[j]) for i, j in zip(*np.nonzero(np.triu(missing, 1)), strict=True)
    )
    if completion == "harker":
        # Harker (1987): zero the missing entries and add the count of missing entries of each row
        # to its diagonal; the principal eigenvector of that matrix gives the weights, and the
        # missing a_ij are w_i / w_j (the completed matrix has the same principal eigenvector).
        C = np.where(missing, 0.0, A)
        C[np.diag_indices_from(C)] = 1.0 + missing.sum(axis=1)
        _, w = _perron(C)
        out = np.where(missing, w[:, None] / w[None, :], A)
    elif completion == "geometric":
        # Geometric completion: a missing a_ij is the geometric mean of the indirect judgements
        # a_ik·a_kj over every k where both are known; repeated until every pair is filled.
        out = A.copy()
        logA = np.log(np.where(np.isnan(out), 1.0, out))
        have = ~np.isnan(out)
        while not have.all():
            paths = have[:, :, None] & have.T[None, :, :]  # [i, k, j]: a_ik and a_kj known
            sums = np.einsum("ik,ikj->ij", logA, paths.astype(float)) + np.einsum(
                "kj,ikj->ij", logA, paths.astype(float)
            )
            counts = paths.sum(axis=1)
            new = ~have & (counts > 0)
            logA = np.where(new, sums / np.maximum(counts, 1), logA)
            have = have | new
        out = np.exp(logA)
        out = np.sqrt(out / out.T)  # exactly reciprocal
    else:
        raise ValueError(f"未知的补全方法 '{completion}'（可用：harker、geometric）")
    return out, filled


@dataclass(frozen=True)
class AHPResult:
    """Weights from one pairwise-comparison matrix.

    Attributes
    ----------
    weights : Series
        Priority vector (index: criterion), sums to 1.
    lambda_max : float
        Principal eigenvalue (geometric method: the usual estimate mean((Aw)_i / w_i)).
    ci, cr : float
        CI = (λmax − n)/(n − 1); CR = CI / RI (0 for n ≤ 2).
    consistent : bool
        CR ≤ 0.10.
    ri_table : str
        Name of the RI table used (``"custom"`` for an explicit value); ``ri`` is the value.
    method : str
        ``"eigenvector"`` or ``"geometric"``.
    matrix : DataFrame
        The (completed, exactly reciprocal) judgement matrix.
    completed : tuple of (str, str)
        Pairs that were missing and filled by ``completion``.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    ri_table: str
    ri: float
    method: str
    n: int
    matrix: pd.DataFrame
    completed: tuple[tuple[str, str], ...] = ()
    completion: str | None = None
    threshold: float = CONSISTENCY_THRESHOLD

    @property
    def table(self) -> pd.DataFrame:
        """Tidy table: ``criterion``, ``weight``, ``rank``."""
        w = self.weights
        return pd.DataFrame(
            {
                "criterion": list(w.index),
                "weight": w.to_numpy(),
                "rank": stats.rankdata(-w.to_numpy(), method="min").astype(int),
            }
        )

    def summary(self) -> str:
        """Chinese summary: consistency check then weights."""
        name = "特征向量法" if self.method == "eigenvector" else "几何平均法"
        verdict = "通过" if self.consistent else "未通过"
        lines = [
            f"层次分析法（{name}，{self.n} 阶）：λmax = {fmt.num(self.lambda_max, 4)}，"
            f"CI = {fmt.num(self.ci, 4)}，CR = {fmt.num(self.cr, 4)}"
            f"（RI = {fmt.num(self.ri, 4)}，{self.ri_table}）",
            f"一致性检验{verdict}（CR {'≤' if self.consistent else '>'} {fmt.num(self.threshold)}）",
        ]
        if self.completed:
            pairs = "、".join(f"{a}–{b}" for a, b in self.completed)
            lines.append(f"缺失比较 {len(self.completed)} 对已按 {self.completion} 法补全：{pairs}")
        lines.append("权重：")
        lines.extend(_weights_lines(self.weights))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "method": self.method,
                "n": self.n,
                "weights": self.weights,
                "lambda_max": self.lambda_max,
                "ci": self.ci,
                "cr": self.cr,
                "consistent": self.consistent,
                "threshold": self.threshold,
                "ri_table": self.ri_table,
                "ri": self.ri,
                "completion": self.completion,
                "completed": [list(p) for p in self.completed],
                "matrix": self.matrix.to_numpy(),
                "labels": list(self.matrix.index),
            }
        )

    def __repr__(self) -> str:
        return f"<AHPResult n={self.n} CR={self.cr:.4f} {self.method}>"


def _ahp_core(
    A: np.ndarray, names: tuple[str, ...], method: str, ri: str | float
) -> tuple[np.ndarray, float, float, float, str, float]:
    n = A.shape[0]
    if method == "eigenvector":
        lam, w = _perron(A)
    elif method == "geometric":
        w = np.exp(np.log(A).mean(axis=1))
        w = w / w.sum()
        lam = float(np.mean((A @ w) / w))
    else:
        raise ValueError(f"未知的 AHP 方法 '{method}'（可用：eigenvector、geometric）")
    table, ri_value = random_index(n, ri)
    if n <= 2:
        ci, cr = 0.0, 0.0
        lam = float(n)
    else:
        ci = max((lam - n) / (n - 1), 0.0)
        if ci < 1e-12:
            ci = 0.0
        cr = ci / ri_value
    return w, lam, ci, cr, table, ri_value


def ahp(
    matrix_or_comparisons: Any,
    method: str = "eigenvector",
    ri: str | float = "saaty1980",
    labels: Sequence[str] | None = None,
    *,
    completion: str = "harker",
    threshold: float = CONSISTENCY_THRESHOLD,
) -> AHPResult:
    """Analytic hierarchy process (层次分析法) weights from pairwise comparisons.

    Parameters
    ----------
    matrix_or_comparisons : array, DataFrame, dict or list of triples
        A square positive reciprocal matrix (ndarray / nested lists, or a DataFrame whose index
        and columns are the criteria); or the judgements as ``{("A", "B"): 3, …}`` ("A is 3 times
        as important as B"), or as a list ``[("A", "B", 3), …]``. Values may be fraction strings
        (``"1/3"``). Missing pairs (absent keys, NaN or None cells) are completed, see Notes.
    method : {"eigenvector", "geometric"}
        Principal right eigenvector (Saaty) or row geometric mean (logarithmic least squares).
    ri : str or float
        Random-index table (:func:`random_index`); default ``"saaty1980"``.
    labels : sequence of str, optional
        Criterion names for an unlabelled matrix, or the order of criteria for a dict.
    completion : {"harker", "geometric"}
        How missing comparisons are filled.
    threshold : float
        CR threshold for ``consistent`` (Saaty's 0.10).

    Returns
    -------
    AHPResult
        ``.weights``, ``.lambda_max``, ``.ci``, ``.cr``, ``.consistent``, ``.ri_table``, ``.ri``,
        ``.method``, ``.matrix``, ``.completed``.

    Raises
    ------
    ValueError
        Non-square matrix, non-positive judgements, diagonal not 1, a_ij·a_ji ≠ 1, unknown RI
        table or method, or comparisons that do not connect all criteria.

    Notes
    -----
    With judgement matrix :math:`A = (a_{ij})`, :math:`a_{ji} = 1/a_{ij}`:

    - eigenvector: :math:`A w = \\lambda_{max} w`, :math:`\\sum w_i = 1` (Saaty 1977, 1980);
    - geometric: :math:`w_i \\propto (\\prod_j a_{ij})^{1/n}`, with
      :math:`\\lambda_{max} = \\frac{1}{n}\\sum_i (Aw)_i / w_i`;
    - :math:`CI = (\\lambda_{max} - n)/(n - 1)`, :math:`CR = CI / RI_n`; :math:`CR := 0` for
      :math:`n \\le 2` (such matrices are always consistent). Both methods give the same ``w``
      and CR = 0 for a consistent matrix :math:`a_{ij} = w_i / w_j`.

    Reciprocity: products :math:`a_{ij}a_{ji}` within 2.5 % of 1 are accepted (judgements copied
    with two decimals, 0.33 for 1/3 or 0.14 for 1/7) and the matrix is then made exactly
    reciprocal by :math:`a_{ij} \\leftarrow \\sqrt{a_{ij}/a_{ji}}`; larger deviations are errors.

    Completion of missing comparisons: ``"harker"`` (Harker 1987) sets missing entries to 0 and
    adds to each diagonal element the number of missing entries of its row; the principal
    eigenvector of that matrix gives :math:`w` and the missing :math:`a_{ij} = w_i/w_j`.
    ``"geometric"`` fills :math:`a_{ij}` by the geometric mean of the indirect judgements
    :math:`a_{ik}a_{kj}` over every known path, repeatedly until complete. CR is computed on the
    completed matrix; filled entries add no inconsistency, so CR then understates it: the filled
    pairs are reported in ``.completed``.

    References
    ----------
    Saaty, T.L. (1977). A scaling method for priorities in hierarchical structures. Journal of
    Mathematical Psychology 15, 234–281.
    Saaty, T.L. (1980). The Analytic Hierarchy Process. McGraw-Hill.
    Saaty, T.L. (1990). How to make a decision: the Analytic Hierarchy Process. EJOR 48, 9–26.
    Harker, P.T. (1987). Incomplete pairwise comparisons in the analytic hierarchy process.
    Mathematical Modelling 9(11), 837–848.

    Examples
    --------
    Saaty (1990), house example, "size of house" judgements for houses A, B, C:

    >>> r = ahp([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]], labels=["A", "B", "C"])
    >>> r.weights.round(3).tolist(), round(r.lambda_max, 3), round(r.cr, 3)
    ([0.754, 0.181, 0.065], 3.136, 0.117)
    >>> ahp({("产出", "效益"): "1/2", ("产出", "过程"): 2, ("效益", "过程"): 4}).consistent
    True
    """
    A, names = _parse_comparisons(matrix_or_comparisons, labels)
    A = _reciprocal(A)
    A, filled = _complete(A, names, completion)
    w, lam, ci, cr, table, ri_value = _ahp_core(A, names, method, ri)
    return AHPResult(
        weights=_series(w, names, "weight", "criterion"),
        lambda_max=lam,
        ci=ci,
        cr=cr,
        consistent=bool(cr <= threshold + 1e-12),
        ri_table=table,
        ri=ri_value,
        method=method,
        n=len(names),
        matrix=pd.DataFrame(A, index=list(names), columns=list(names)),
        completed=filled,
        completion=completion if filled else None,
        threshold=threshold,
    )


@dataclass(frozen=True)
class AHPGroupResult:
    """Group AHP: aggregated weights and each expert's own result.

    Attributes
    ----------
    weights : Series
        Group priority vector (sums to 1).
    aggregation : str
        ``"aij"`` or ``"aip"`` (``aip_mean`` says geometric or arithmetic).
    expert_weights : Series
        Normalised expert weights (index E1, E2, … or the names given).
    individual : tuple of AHPResult
        Each expert's matrix analysed on its own (CRs to review).
    aggregate : AHPResult or None
        AIJ: the analysis of the aggregated matrix (λmax, CR of the group matrix); AIP: None.
    """

    weights: pd.Series
    aggregation: str
    aip_mean: str | None
    expert_weights: pd.Series
    individual: tuple[AHPResult, ...]
    aggregate: AHPResult | None
    method: str

    @property
    def table(self) -> pd.DataFrame:
        """Tidy table: ``criterion``, ``expert``, ``weight`` (expert ``"group"`` for the result)."""
        rows = []
        for expert, res in zip(self.expert_weights.index, self.individual, strict=True):
            rows += [
                {"criterion": c, "expert": expert, "weight": float(v)}
                for c, v in res.weights.items()
            ]
        rows += [
            {"criterion": c, "expert": "group", "weight": float(v)} for c, v in self.weights.items()
        ]
        return pd.DataFrame(rows, columns=["criterion", "expert", "weight"])

    @property
    def consistency(self) -> pd.DataFrame:
        """Per expert: ``expert``, ``lambda_max``, ``ci``, ``cr``, ``consistent``."""
        rows = [
            {
                "expert": e,
                "lambda_max": r.lambda_max,
                "ci": r.ci,
                "cr": r.cr,
                "consistent": r.consistent,
            }
            for e, r in zip(self.expert_weights.index, self.individual, strict=True)
        ]
        if self.aggregate is not None:
            r = self.aggregate
            rows.append(
                {
                    "expert": "group",
                    "lambda_max": r.lambda_max,
                    "ci": r.ci,
                    "cr": r.cr,
                    "consistent": r.consistent,
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Chinese summary."""
        how = (
            "AIJ（判断矩阵逐元素加权几何平均）"
            if self.aggregation == "aij"
            else f"AIP（优先级向量加权{'几何' if self.aip_mean == 'geometric' else '算术'}平均）"
        )
        lines = [f"群组层次分析法：{len(self.individual)} 位专家，{how}"]
        for _, r in self.consistency.iterrows():
            who = "群组矩阵" if r["expert"] == "group" else f"专家 {r['expert']}"
            ok = "通过" if r["consistent"] else "未通过"
            lines.append(f"  {who}：CR = {fmt.num(r['cr'], 4)}（{ok}）")
        lines.append("群组权重：")
        lines.extend(_weights_lines(self.weights))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "aggregation": self.aggregation,
                "aip_mean": self.aip_mean,
                "method": self.method,
                "weights": self.weights,
                "expert_weights": self.expert_weights,
                "individual": [r.to_dict() for r in self.individual],
                "aggregate": self.aggregate.to_dict() if self.aggregate is not None else None,
            }
        )


def ahp_group(
    list_of_matrices: Sequence[Any],
    aggregation: str = "aij",
    expert_weights: Any = None,
    *,
    method: str = "eigenvector",
    ri: str | float = "saaty1980",
    labels: Sequence[str] | None = None,
    aip_mean: str = "geometric",
    completion: str = "harker",
) -> AHPGroupResult:
    """Group AHP (群组层次分析法): combine several experts' judgements.

    Parameters
    ----------
    list_of_matrices : sequence
        One comparison input per expert, each accepted by :func:`ahp`. Labelled inputs are
        aligned by label; all experts must compare the same criteria.
    aggregation : {"aij", "aip"}
        Aggregation of individual judgements or of individual priorities.
    expert_weights : sequence, Series or dict, optional
        Expert weights (normalised); equal by default. A Series/dict names the experts.
    method, ri, labels, completion
        As in :func:`ahp`.
    aip_mean : {"geometric", "arithmetic"}
        Mean of priority vectors for AIP.

    Returns
    -------
    AHPGroupResult

    Notes
    -----
    With expert weights :math:`\\lambda_k` (:math:`\\sum\\lambda_k = 1`):

    - AIJ: :math:`a^G_{ij} = \\prod_k (a^{(k)}_{ij})^{\\lambda_k}` (weighted geometric mean, the
      only mean that keeps the group matrix reciprocal), then :func:`ahp` on :math:`A^G`;
    - AIP: :math:`w^G_i \\propto \\prod_k (w^{(k)}_i)^{\\lambda_k}` (geometric, default) or
      :math:`w^G_i = \\sum_k \\lambda_k w^{(k)}_i` (arithmetic), from each expert's own vector.

    Incomplete expert inputs are completed per expert first.

    References
    ----------
    Aczél, J. & Saaty, T.L. (1983). Procedures for synthesizing ratio judgements. Journal of
    Mathematical Psychology 27, 93–102.
    Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    Analytic Hierarchy Process. EJOR 108, 165–169.

    Examples
    --------
    >>> g = ahp_group([[[1, 3], [1 / 3, 1]], [[1, 1 / 3], [3, 1]]])
    >>> g.weights.round(3).tolist()
    [0.5, 0.5]
    """
    if not list_of_matrices:
        raise ValueError("至少需要一位专家的判断矩阵")
    parsed = []
    names: tuple[str, ...] | None = tuple(map(str, labels)) if labels is not None else None
    given = names
    for k, m in enumerate(list_of_matrices):
        A, nm = _parse_comparisons(m, given)
        if names is None:
            names = nm
        elif set(nm) != set(names):
            raise ValueError(f"第 {k + 1} 位专家比较的指标与第 1 位不一致")
        elif nm != names:
            idx = [nm.index(x) for x in names]
            A = A[np.ix_(idx, idx)]
        A = _reciprocal(A)
        A, _ = _complete(A, names, completion)
        parsed.append(A)
    assert names is not None
    K = len(parsed)
    expert_names = _default_labels(K, "E")
    if expert_weights is None:
        lam = np.full(K, 1.0 / K)
    else:
        if isinstance(expert_weights, Mapping | pd.Series):
            expert_names = tuple(str(e) for e in dict(expert_weights.items()))
            if len(expert_names) != K:
                raise ValueError(f"专家权重个数（{len(expert_names)}）与专家人数（{K}）不一致")
        lam = _parse_weights(
            list(dict(expert_weights.items()).values())
            if isinstance(expert_weights, Mapping | pd.Series)
            else expert_weights,
            expert_names,
            name="专家权重",
        )
    individual = tuple(
        ahp(pd.DataFrame(A, index=list(names), columns=list(names)), method=method, ri=ri)
        for A in parsed
    )
    if aggregation == "aij":
        logs = np.stack([np.log(A) for A in parsed])
        G = np.exp(np.tensordot(lam, logs, axes=1))
        aggregate = ahp(
            pd.DataFrame(G, index=list(names), columns=list(names)), method=method, ri=ri
        )
        w = aggregate.weights.to_numpy()
        mean = None
    elif aggregation == "aip":
        W = np.stack([r.weights.to_numpy() for r in individual])
        if aip_mean == "geometric":
            w = np.exp(lam @ np.log(W))
        elif aip_mean == "arithmetic":
            w = lam @ W
        else:
            raise ValueError(f"未知的 AIP 平均方式 '{aip_mean}'（可用：geometric、arithmetic）")
        w = w / w.sum()
        aggregate = None
        mean = aip_mean
    else:
        raise ValueError(f"未知的群组集结方式 '{aggregation}'（可用：aij、aip）")
    return AHPGroupResult(
        weights=_series(w, names, "weight", "criterion"),
        aggregation=aggregation,
        aip_mean=mean,
        expert_weights=_series(lam, expert_names, "weight", "expert"),
        individual=individual,
        aggregate=aggregate,
        method=method,
    )


@dataclass(frozen=True)
class AHPHierarchyResult:
    """Two-level AHP hierarchy: criteria and their sub-criteria.

    Attributes
    ----------
    table : DataFrame
        ``criterion``, ``subcriterion``, ``local_weight``, ``global_weight`` (global weights sum
        to 1; a criterion without sub-criteria appears once with itself as sub-criterion).
    criteria : AHPResult
        The criteria level.
    subcriteria : dict of str → AHPResult
        Each criterion's sub-criteria level.
    levels : DataFrame
        Consistency per matrix: ``level``, ``parent``, ``n``, ``lambda_max``, ``ci``, ``ri``,
        ``cr``, ``consistent``; plus the composite (层次总排序) row for level 2.
    cr_total : float
        Composite CR of level 2: :math:`\\sum_i w_i CI_i / \\sum_i w_i RI_i`.
    """

    table: pd.DataFrame
    criteria: AHPResult
    subcriteria: dict[str, AHPResult]
    levels: pd.DataFrame
    cr_total: float
    threshold: float = CONSISTENCY_THRESHOLD

    @property
    def weights(self) -> pd.Series:
        """Global weights indexed by sub-criterion."""
        t = self.table
        return pd.Series(
            t["global_weight"].to_numpy(),
            index=pd.Index(t["subcriterion"].tolist(), name="subcriterion"),
            name="weight",
        )

    @property
    def consistent(self) -> bool:
        """Every matrix and the composite CR pass the threshold."""
        return bool(self.levels["consistent"].all())

    def summary(self) -> str:
        """Chinese summary."""
        lines = [f"层次分析法（两层）：准则 {self.criteria.n} 个，子指标 {len(self.table)} 个"]
        for _, r in self.levels.iterrows():
            where = "准则层" if r["level"] == 1 else f"“{r['parent']}”下的子指标"
            if r["parent"] == "组合":
                where = "子指标层总排序"
            ok = "通过" if r["consistent"] else "未通过"
            lines.append(f"  {where}：CR = {fmt.num(r['cr'], 4)}（{ok}）")
        lines.append("全局权重：")
        for _, r in self.table.iterrows():
            lines.append(
                f"  {r['criterion']} / {r['subcriterion']}：局部 {fmt.num(r['local_weight'] * 100)}%，"
                f"全局 {fmt.num(r['global_weight'] * 100)}%"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "table": self.table,
                "levels": self.levels,
                "cr_total": self.cr_total,
                "criteria": self.criteria.to_dict(),
                "subcriteria": {k: v.to_dict() for k, v in self.subcriteria.items()},
            }
        )


def ahp_hierarchy(
    criteria_matrix: Any,
    subcriteria: Mapping[str, Any],
    *,
    method: str = "eigenvector",
    ri: str | float = "saaty1980",
    labels: Sequence[str] | None = None,
    completion: str = "harker",
    threshold: float = CONSISTENCY_THRESHOLD,
) -> AHPHierarchyResult:
    """Global weights of a criteria → sub-criteria hierarchy (层次总排序).

    Parameters
    ----------
    criteria_matrix : any input of :func:`ahp`
        Comparisons of the criteria.
    subcriteria : mapping criterion → comparisons
        For each criterion with sub-criteria, the comparisons of its sub-criteria (any input of
        :func:`ahp`, or a list of one name for a single sub-criterion). Criteria not in the
        mapping are leaves.
    method, ri, labels, completion, threshold
        As in :func:`ahp` (``labels`` names the criteria of an unlabelled criteria matrix).

    Returns
    -------
    AHPHierarchyResult
        ``.table`` (criterion, subcriterion, local_weight, global_weight), ``.levels`` (CR of each
        matrix and the composite CR), ``.weights``.

    Notes
    -----
    Global weight :math:`g_{ij} = w_i \\cdot v_{ij}` (criterion weight × local sub-criterion
    weight). Composite consistency of level 2 (Saaty 1980):
    :math:`CR = \\sum_i w_i CI_i / \\sum_i w_i RI_i` over the criteria with sub-criteria
    (0 when every denominator term is 0).

    References
    ----------
    Saaty, T.L. (1980). The Analytic Hierarchy Process. McGraw-Hill.

    Examples
    --------
    >>> h = ahp_hierarchy(
    ...     {("产出", "效益"): 1},
    ...     {"产出": {("数量", "质量"): 1}, "效益": {("社会", "经济"): 3}},
    ... )
    >>> h.table["global_weight"].round(3).tolist()
    [0.25, 0.25, 0.375, 0.125]
    """
    top = ahp(
        criteria_matrix,
        method=method,
        ri=ri,
        labels=labels,
        completion=completion,
        threshold=threshold,
    )
    unknown = [c for c in subcriteria if str(c) not in top.weights.index]
    if unknown:
        raise ValueError(f"子指标所属的准则不在准则层中：{'、'.join(map(str, unknown))}")
    rows, level_rows, subs = [], [], {}
    level_rows.append(
        {
            "level": 1,
            "parent": "目标",
            "n": top.n,
            "lambda_max": top.lambda_max,
            "ci": top.ci,
            "ri": top.ri,
            "cr": top.cr,
            "consistent": top.consistent,
        }
    )
    num = den = 0.0
    for crit, wc in top.weights.items():
        spec = subcriteria.get(crit)
        if spec is None:
            rows.append(
                {
                    "criterion": crit,
                    "subcriterion": crit,
                    "local_weight": 1.0,
                    "global_weight": float(wc),
                }
            )
            continue
        if isinstance(spec, list | tuple) and len(spec) == 1 and isinstance(spec[0], str):
            rows.append(
                {
                    "criterion": crit,
                    "subcriterion": spec[0],
                    "local_weight": 1.0,
                    "global_weight": float(wc),
                }
            )
            continue
        res = ahp(spec, method=method, ri=ri, completion=completion, threshold=threshold)
        subs[crit] = res
        for sub, v in res.weights.items():
            rows.append(
                {
                    "criterion": crit,
                    "subcriterion": sub,
                    "local_weight": float(v),
                    "global_weight": float(wc * v),
                }
            )
        level_rows.append(
            {
                "level": 2,
                "parent": crit,
                "n": res.n,
                "lambda_max": res.lambda_max,
                "ci": res.ci,
                "ri": res.ri,
                "cr": res.cr,
                "consistent": res.consistent,
            }
        )
        num += wc * res.ci
        den += wc * res.ri
    table = pd.DataFrame(
        rows, columns=["criterion", "subcriterion", "local_weight", "global_weight"]
    )
    if table["subcriterion"].duplicated().any():
        dup = table.loc[table["subcriterion"].duplicated(), "subcriterion"].iloc[0]
        raise ValueError(
            f"子指标名称重复：{dup}（未标注名称的判断矩阵默认命名为 C1、C2…，请给出子指标名称）"
        )
    cr_total = float(num / den) if den > 0 else 0.0
    if subs:
        level_rows.append(
            {
                "level": 2,
                "parent": "组合",
                "n": len(table),
                "lambda_max": math.nan,
                "ci": num,
                "ri": den,
                "cr": cr_total,
                "consistent": cr_total <= threshold + 1e-12,
            }
        )
    levels = pd.DataFrame(level_rows)
    return AHPHierarchyResult(table, top, subs, levels, cr_total, threshold)


# ---------------------------------------------------------------------------------------------
# Objective weights


_OBJECTIVE_NORMALIZATIONS = {
    "minmax": "方向化极差标准化",
    "sum": "比重法 p = x/Σx，Hwang & Yoon 1981",
}


def _minmax(values: np.ndarray, benefit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Direction-aware min–max normalisation; returns (r, constant-column mask)."""
    lo, hi = values.min(axis=0), values.max(axis=0)
    span = hi - lo
    const = span <= 1e-12 * np.maximum(1.0, np.abs(hi))
    safe = np.where(const, 1.0, span)
    r = np.where(benefit, (values - lo) / safe, (hi - values) / safe)
    r = np.where(const, 1.0, r)
    return r, const


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights computed from a decision matrix (entropy or CRITIC).

    Attributes
    ----------
    weights : Series
        Sums to 1 (index: criterion).
    method : str
        ``"entropy"`` or ``"critic"``.
    table : DataFrame
        ``criterion``, ``type`` and the method's intermediates (entropy: ``entropy``,
        ``divergence``; CRITIC: ``std``, ``conflict``, ``information``) and ``weight``.
    normalization : str
        ``"minmax"`` (direction-aware min–max; CRITIC always, entropy by default) or ``"sum"``
        (entropy's classic proportions p = x / Σx).
    notes : tuple of str
        Choices that shaped the weights (constant criteria, shift).
    """

    weights: pd.Series
    method: str
    table: pd.DataFrame
    normalization: str = "minmax"
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """Chinese summary."""
        name = {"entropy": "熵权法", "critic": "CRITIC 法"}[self.method]
        how = _OBJECTIVE_NORMALIZATIONS.get(self.normalization, self.normalization)
        lines = [f"{name}（{how}）：{len(self.weights)} 个指标"]
        lines.extend(_weights_lines(self.weights))
        lines.extend(f"说明：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "method": self.method,
                "normalization": self.normalization,
                "weights": self.weights,
                "table": self.table,
                "notes": list(self.notes),
            }
        )


def entropy_weights(
    X: Any, types: Any = None, *, shift: float = 0.0, normalization: str = "minmax"
) -> ObjectiveWeights:
    """Entropy weight method (熵权法): direction-aware min–max (default) or classic proportions.

    Parameters
    ----------
    X : array or DataFrame
        Decision matrix, alternatives (rows, m ≥ 2) × criteria (columns).
    types : None, str, number, sequence or mapping
        Criterion directions: ``"benefit"`` / ``"正向"`` / ``"max"`` / ``+1`` or ``"cost"`` /
        ``"负向"`` / ``"min"`` / ``-1`` (the +1/−1 convention of pymcdm and scikit-criteria); one
        value for all, one per criterion, or ``{criterion: type}``. Default: all benefit.
    shift : float
        Optional constant added to every normalised value before the proportions (the
        “平移” practice, e.g. 0.0001 or 0.01, which avoids p = 0). Default 0: the limit convention
        :math:`0 \\ln 0 = 0`. A shift changes the weights; it is reported in ``notes``.
    normalization : {"minmax", "sum"}
        ``"minmax"`` (default): direction-aware min–max values :math:`r_{ij}`, then proportions
        (step 1 below; the usual 熵权法 of Chinese evaluation practice). ``"sum"``: the classic
        form of Hwang & Yoon (1981) and pymcdm's ``entropy_weights``, proportions of the raw
        values :math:`p_{ij} = x_{ij} / \\sum_i x_{ij}` (non-negative values only). Entropy measures
        how evenly a criterion is spread, not which end is better, so in this form the
        directions do not enter the proportions (they are still checked and reported).

    Returns
    -------
    ObjectiveWeights
        ``.weights`` and ``.table`` (criterion, type, entropy, divergence, weight).

    Raises
    ------
    ValueError
        Fewer than 2 alternatives, missing values, unknown types, every criterion constant, an
        unknown ``normalization``, or a negative value with ``normalization="sum"``.

    Notes
    -----
    With m alternatives:

    1. ``"minmax"``: :math:`r_{ij} = (x_{ij} - \\min_i x_{ij})/(\\max_i x_{ij} - \\min_i x_{ij})`
       for benefit criteria and :math:`(\\max_i x_{ij} - x_{ij})/(\\max - \\min)` for cost
       criteria (the worst alternative gets 0, the best 1); ``"sum"``: :math:`r_{ij} = x_{ij}`;
    2. :math:`p_{ij} = r_{ij} / \\sum_i r_{ij}`;
    3. :math:`e_j = -k \\sum_i p_{ij}\\ln p_{ij}`, :math:`k = 1/\\ln m`, with :math:`0\\ln 0 = 0`;
    4. :math:`w_j = (1 - e_j)/\\sum_l (1 - e_l)`.

    A constant criterion carries no information: :math:`e_j = 1`, :math:`w_j = 0` (noted).

    The two forms give different weights: min–max sends every criterion's worst value to 0, so
    it measures spread relative to the range; the proportions measure spread relative to the
    level (a criterion between 100 and 110 is nearly even, :math:`e_j \\approx 1`). With a zero
    among the values, ``"sum"`` uses :math:`0 \\ln 0 = 0` as Hwang & Yoon; pymcdm instead sets
    that criterion's entropy to 0, so the two agree only for positive data.

    References
    ----------
    Shannon, C.E. (1948). A mathematical theory of communication. Bell System Technical Journal
    27, 379–423.
    Hwang, C.L. & Yoon, K. (1981). Multiple Attribute Decision Making. Springer.
    Krishnan, A.R., Kasim, M.M., Hamid, R. & Ghazali, M.F. (2021). A modified CRITIC method to
    estimate the objective weights of decision criteria. Symmetry 13(6), 973 (Table 5, entropy).

    Examples
    --------
    >>> X = [
    ...     [649, 4.7, 326, 7.1, 143],
    ...     [749, 5.5, 401, 7.3, 192],
    ...     [740, 5.7, 520, 7.6, 171],
    ...     [400, 5.7, 520, 11.1, 179],
    ...     [600, 5.5, 538, 8.9, 152],
    ... ]
    >>> entropy_weights(X, ["cost", "benefit", "benefit", "cost", "cost"]).weights.round(4).tolist()
    [0.3481, 0.136, 0.169, 0.1463, 0.2006]
    >>> entropy_weights(X, [-1, 1, 1, -1, -1], normalization="sum").weights.round(4).tolist()
    [0.3534, 0.0389, 0.2754, 0.2409, 0.0914]
    """
    values, alts, crits = _decision_matrix(X, min_rows=2)
    benefit = _parse_types(types, crits)
    if shift < 0:
        raise ValueError("shift 不能为负数")
    if normalization not in _OBJECTIVE_NORMALIZATIONS:
        raise ValueError(
            f"未知的标准化方式 normalization={normalization!r}（熵权法可用：'minmax' 极差标准化、"
            "'sum' 比重法）"
        )
    r, const = _minmax(values, benefit)
    if normalization == "sum":
        if (values < 0).any():
            i, j = np.argwhere(values < 0)[0]
            raise ValueError(
                f"比重法（normalization='sum'）要求指标值非负：{alts[i]} 的指标 {crits[j]} 为 "
                f"{fmt.num(values[i, j], 4)}；含负值的数据请用默认的 'minmax'"
            )
        r = values
    r = r + shift
    m = values.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = r / r.sum(axis=0)  # an all-zero column (sum form) is constant: e = 1 below
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(m)
    e = np.where(const, 1.0, np.minimum(e, 1.0))
    d = 1.0 - e
    if d.sum() <= 1e-15:
        raise ValueError("所有指标在各评价对象上的取值都相同（或等距无差异），无法用熵权法确定权重")
    w = d / d.sum()
    notes = []
    if const.any():
        notes.append(f"指标 {'、'.join(np.array(crits)[const])} 取值全部相同，熵为 1，权重为 0")
    if shift:
        notes.append(f"标准化值统一加 {fmt.num(shift, 6)} 后计算比重（平移处理）")
    if normalization == "sum":
        notes.append(
            "比重法：p = x / Σx（Hwang & Yoon 1981），熵只反映取值分布的均匀程度，与指标方向无关"
        )
    table = pd.DataFrame(
        {
            "criterion": list(crits),
            "type": list(_type_names(benefit)),
            "entropy": e,
            "divergence": d,
            "weight": w,
        }
    )
    return ObjectiveWeights(
        _series(w, crits, "weight", "criterion"),
        "entropy",
        table,
        normalization=normalization,
        notes=tuple(notes),
    )


def critic_weights(X: Any, types: Any = None) -> ObjectiveWeights:
    """CRITIC weights (Criteria Importance Through Intercriteria Correlation).

    Parameters
    ----------
    X : array or DataFrame
        Decision matrix, alternatives (rows, m ≥ 3) × criteria.
    types : None, str, number, sequence or mapping
        Criterion directions (names or +1 / −1), as in :func:`entropy_weights`.

    Returns
    -------
    ObjectiveWeights
        ``.weights`` and ``.table`` (criterion, type, std, conflict, information, weight).

    Notes
    -----
    After direction-aware min–max normalisation :math:`r_{ij}` (as in :func:`entropy_weights`):
    :math:`\\sigma_j` the standard deviation of column j (ddof = 1; the choice cancels),
    :math:`\\rho_{jk}` the Pearson correlation of columns j and k,

    .. math:: C_j = \\sigma_j \\sum_{k=1}^{n} (1 - \\rho_{jk}), \\qquad w_j = C_j / \\sum_l C_l.

    A constant criterion has :math:`\\sigma_j = 0` and weight 0 (its correlations, undefined,
    are set to 0 and noted).

    References
    ----------
    Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights in
    multiple criteria problems: the CRITIC method. Computers & Operations Research 22(7),
    763–770.
    Krishnan, A.R. et al. (2021). Symmetry 13(6), 973 (Tables 1, 2 and 5).

    Examples
    --------
    >>> X = [
    ...     [649, 4.7, 326, 7.1, 143],
    ...     [749, 5.5, 401, 7.3, 192],
    ...     [740, 5.7, 520, 7.6, 171],
    ...     [400, 5.7, 520, 11.1, 179],
    ...     [600, 5.5, 538, 8.9, 152],
    ... ]
    >>> critic_weights(X, ["cost", "benefit", "benefit", "cost", "cost"]).weights.round(4).tolist()
    [0.1872, 0.1838, 0.1691, 0.2599, 0.2]
    """
    values, _, crits = _decision_matrix(X, min_rows=3)
    benefit = _parse_types(types, crits)
    r, const = _minmax(values, benefit)
    r = np.where(const, 0.0, r)
    sd = r.std(axis=0, ddof=1)
    centred = r - r.mean(axis=0)
    norm = np.sqrt((centred**2).sum(axis=0))
    safe = np.where(norm > 0, norm, 1.0)
    z = centred / safe
    rho = z.T @ z
    rho[np.ix_(const, const)] = 0.0
    rho[const, :] = 0.0
    rho[:, const] = 0.0
    np.fill_diagonal(rho, 1.0)
    conflict = (1.0 - rho).sum(axis=0)
    info = sd * conflict
    if info.sum() <= 1e-15:
        raise ValueError("所有指标在各评价对象上的取值都相同，无法用 CRITIC 法确定权重")
    w = info / info.sum()
    notes = []
    if const.any():
        notes.append(f"指标 {'、'.join(np.array(crits)[const])} 取值全部相同，标准差为 0，权重为 0")
    table = pd.DataFrame(
        {
            "criterion": list(crits),
            "type": list(_type_names(benefit)),
            "std": sd,
            "conflict": conflict,
            "information": info,
            "weight": w,
        }
    )
    return ObjectiveWeights(
        _series(w, crits, "weight", "criterion"), "critic", table, notes=tuple(notes)
    )


# ---------------------------------------------------------------------------------------------
# Delphi and Kendall's W


@dataclass(frozen=True)
class KendallW:
    """Kendall's coefficient of concordance.

    Attributes
    ----------
    w : float
        W in [0, 1] (tie-corrected when ``tie_correction``).
    chi2, df, p_value : float, int, float
        χ² = m(n − 1)W with n − 1 degrees of freedom, upper-tail p-value.
    m, n : int
        Raters (experts) and objects (indicators).
    ties : float
        :math:`\\sum_k T_k`, the tie term of the denominator.
    """

    w: float
    chi2: float
    df: int
    p_value: float
    m: int
    n: int
    ties: float
    tie_correction: bool

    def summary(self) -> str:
        """Chinese one-liner."""
        return (
            f"Kendall 协调系数 W = {fmt.num(self.w, 4)}（{self.m} 位专家 × {self.n} 个指标），"
            f"χ² = {fmt.num(self.chi2, 3)}，df = {self.df}，p = {fmt.num(self.p_value, 4)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(self.__dict__)


def kendall_w(scores: Any, *, tie_correction: bool = True) -> KendallW:
    """Kendall's W for raters (rows) scoring or ranking objects (columns).

    Parameters
    ----------
    scores : array or DataFrame
        m raters × n objects; scores (higher = more important) or ranks — each rater's row is
        ranked (ties get mid-ranks), so only the order within a row matters.
    tie_correction : bool
        Apply Kendall's correction for tied ranks (default True).

    Returns
    -------
    KendallW

    Notes
    -----
    With :math:`R_j` the rank sum of object j and :math:`S = \\sum_j (R_j - \\bar R)^2`,

    .. math::
       W = \\frac{12 S}{m^2 (n^3 - n) - m \\sum_k T_k}, \\qquad
       T_k = \\sum_{g} (t_g^3 - t_g),

    where :math:`t_g` are the sizes of the groups of tied ranks of rater k (:math:`T_k = 0`
    without correction). Significance: :math:`\\chi^2 = m(n - 1)W` with n − 1 degrees of freedom
    (large-sample approximation; Friedman's test).

    References
    ----------
    Kendall, M.G. & Babington Smith, B. (1939). The problem of m rankings. Annals of
    Mathematical Statistics 10(3), 275–287.
    Siegel, S. & Castellan, N.J. (1988). Nonparametric Statistics for the Behavioral Sciences,
    2nd ed. McGraw-Hill, §9.4.

    Examples
    --------
    Siegel & Castellan (1988), three raters ranking eight attributes:

    >>> r = kendall_w(
    ...     [[5, 6, 7, 1, 2, 4, 3, 8], [1, 7, 6, 2, 3, 5, 4, 8], [4, 5, 1, 3, 2, 7, 6, 8]]
    ... )
    >>> round(r.w, 4), round(r.chi2, 3), r.df
    (0.6561, 13.778, 7)
    """
    values, _, _ = _decision_matrix(scores, min_rows=2, name="评分表")
    m, n = values.shape
    if n < 2:
        raise ValueError("Kendall 协调系数至少需要 2 个指标")
    ranks = stats.rankdata(values, axis=1)
    R = ranks.sum(axis=0)
    S = float(((R - R.mean()) ** 2).sum())
    ties = 0.0
    if tie_correction:
        srt = np.sort(values, axis=1)
        for row in srt:
            _, counts = np.unique(row, return_counts=True)
            ties += float((counts**3 - counts).sum())
    den = m**2 * (n**3 - n) - m * ties
    w = 12 * S / den if den > 0 else 0.0
    chi2 = m * (n - 1) * w
    df = n - 1
    p = float(stats.chi2.sf(chi2, df))
    return KendallW(float(w), float(chi2), int(df), p, int(m), int(n), float(ties), tie_correction)


@dataclass(frozen=True)
class DelphiResult:
    """Delphi rounds: weights from the last round and consensus statistics per round.

    Attributes
    ----------
    weights : Series
        Last-round mean scores normalised to sum to 1.
    indicators : DataFrame
        Per round and indicator: ``round``, ``indicator``, ``n_experts``, ``mean``, ``sd``,
        ``cv``, ``cv_ok``.
    concordance : DataFrame
        Per round: ``round``, ``n_experts``, ``n_indicators``, ``kendall_w``, ``chi2``, ``df``,
        ``p_value``, ``w_significant``, ``all_cv_ok``.
    converged : bool
        Verdict of the rule in :func:`delphi`.
    reasons : tuple of str
        Why (Chinese), one line per condition.
    """

    weights: pd.Series
    indicators: pd.DataFrame
    concordance: pd.DataFrame
    converged: bool
    reasons: tuple[str, ...]
    cv_max: float
    alpha: float
    require_w_nondecreasing: bool
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """Chinese summary."""
        n_rounds = len(self.concordance)
        lines = [f"德尔菲法：{n_rounds} 轮，{'已收敛' if self.converged else '未收敛'}"]
        max_cv = self.indicators.groupby("round")["cv"].max()
        for _, r in self.concordance.iterrows():
            lines.append(
                f"  第 {int(r['round'])} 轮：{int(r['n_experts'])} 位专家，Kendall W = "
                f"{fmt.num(r['kendall_w'], 4)}，χ² = {fmt.num(r['chi2'], 3)}（df = {int(r['df'])}，"
                f"p = {fmt.num(r['p_value'], 4)}），变异系数最大 {fmt.num(max_cv[r['round']], 3)}"
            )
        lines.extend(f"  {x}" for x in self.reasons)
        lines.append("权重（末轮均值归一化）：")
        lines.extend(_weights_lines(self.weights))
        lines.extend(f"说明：{n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "weights": self.weights,
                "indicators": self.indicators,
                "concordance": self.concordance,
                "converged": self.converged,
                "reasons": list(self.reasons),
                "rule": {
                    "cv_max": self.cv_max,
                    "alpha": self.alpha,
                    "require_w_nondecreasing": self.require_w_nondecreasing,
                },
                "notes": list(self.notes),
            }
        )


def delphi(
    rounds: Sequence[Any],
    *,
    cv_max: float = 0.25,
    alpha: float = 0.05,
    require_w_nondecreasing: bool = True,
    missing: str = "raise",
) -> DelphiResult:
    """Delphi method (德尔菲法): consensus statistics per round and weights from the last round.

    Parameters
    ----------
    rounds : sequence of DataFrame or array
        One table per round, experts (rows) × indicators (columns), e.g. importance 1–5 or
        points; higher = more important. Indicators may change between rounds (weights use the
        last round's).
    cv_max : float
        Largest acceptable coefficient of variation of an indicator (default 0.25).
    alpha : float
        Significance level for Kendall's W (default 0.05).
    require_w_nondecreasing : bool
        Require W not to fall from the previous round (only with ≥ 2 rounds).
    missing : {"raise", "drop"}
        Missing scores raise (default) or drop the expert from that round (listwise, noted).

    Returns
    -------
    DelphiResult
        ``.weights``, ``.indicators`` (mean, SD, CV per round), ``.concordance`` (W, χ², p per
        round), ``.converged`` and ``.reasons``.

    Notes
    -----
    Per indicator j of a round with m experts: mean :math:`\\bar x_j`, sample SD :math:`s_j`
    (ddof = 1), :math:`CV_j = s_j / \\bar x_j`. Concordance: Kendall's W with tie correction
    (:func:`kendall_w`), :math:`\\chi^2 = m(n - 1)W`, df = n − 1. Weights:
    :math:`w_j = \\bar x_j / \\sum_l \\bar x_l` in the last round.

    Convergence rule (thresholds are parameters): in the last round (1) every :math:`CV_j \\le`
    ``cv_max``, (2) W is significant (p < ``alpha``), and (3) with two or more rounds and
    ``require_w_nondecreasing``, :math:`W_{last} \\ge W_{previous}`. All must hold.

    References
    ----------
    Dalkey, N. & Helmer, O. (1963). An experimental application of the Delphi method to the use
    of experts. Management Science 9(3), 458–467.
    Kendall, M.G. & Babington Smith, B. (1939). The problem of m rankings. Annals of
    Mathematical Statistics 10(3), 275–287.

    Examples
    --------
    >>> import pandas as pd
    >>> r1 = pd.DataFrame({"产出": [5, 4, 5], "效益": [3, 4, 2], "过程": [2, 1, 2]})
    >>> r2 = pd.DataFrame({"产出": [5, 5, 5], "效益": [4, 4, 3], "过程": [2, 2, 2]})
    >>> d = delphi([r1, r2])
    >>> d.weights.round(3).tolist(), d.converged
    ([0.469, 0.344, 0.188], True)
    """
    if not rounds:
        raise ValueError("至少需要一轮专家评分")
    if missing not in ("raise", "drop"):
        raise ValueError(f"未知的缺失值处理方式 '{missing}'（可用：raise、drop）")
    ind_rows, conc_rows, notes = [], [], []
    last_mean = None
    last_labels: tuple[str, ...] = ()
    for k, rnd in enumerate(rounds, start=1):
        frame = rnd if isinstance(rnd, pd.DataFrame) else pd.DataFrame(np.asarray(rnd, dtype=float))
        if not isinstance(rnd, pd.DataFrame):
            frame.columns = list(_default_labels(frame.shape[1], "C"))
            frame.index = list(_default_labels(frame.shape[0], "E"))
        try:
            vals = frame.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"第 {k} 轮评分必须全为数值") from exc
        nan_rows = np.isnan(vals).any(axis=1)
        if nan_rows.any():
            if missing == "raise":
                i, j = np.argwhere(np.isnan(vals))[0]
                raise ValueError(
                    f"第 {k} 轮专家 {frame.index[i]} 对指标 {frame.columns[j]} 缺少评分"
                    "（可设 missing='drop' 剔除该专家）"
                )
            notes.append(f"第 {k} 轮剔除评分不全的专家 {int(nan_rows.sum())} 位")
            frame = frame.loc[~nan_rows]
        if frame.shape[0] < 2:
            raise ValueError(f"第 {k} 轮至少需要 2 位专家的完整评分")
        values, _, crits = _decision_matrix(frame, min_rows=2, name=f"第 {k} 轮评分")
        mean = values.mean(axis=0)
        sd = values.std(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            cv = np.where(mean != 0, sd / np.abs(mean), np.inf)
        for j, c in enumerate(crits):
            ind_rows.append(
                {
                    "round": k,
                    "indicator": c,
                    "n_experts": values.shape[0],
                    "mean": mean[j],
                    "sd": sd[j],
                    "cv": cv[j],
                    "cv_ok": bool(cv[j] <= cv_max + 1e-12),
                }
            )
        kw = kendall_w(values)
        conc_rows.append(
            {
                "round": k,
                "n_experts": kw.m,
                "n_indicators": kw.n,
                "kendall_w": kw.w,
                "chi2": kw.chi2,
                "df": kw.df,
                "p_value": kw.p_value,
                "w_significant": bool(kw.p_value < alpha),
                "all_cv_ok": bool((cv <= cv_max + 1e-12).all()),
            }
        )
        last_mean, last_labels = mean, crits
    assert last_mean is not None
    if (last_mean < 0).any() or last_mean.sum() <= 0:
        raise ValueError("末轮评分均值必须为非负数且不全为 0，才能归一化为权重")
    indicators = pd.DataFrame(ind_rows)
    concordance = pd.DataFrame(conc_rows)
    last = conc_rows[-1]
    reasons = []
    ok_cv = last["all_cv_ok"]
    worst = indicators[indicators["round"] == last["round"]].sort_values("cv").iloc[-1]
    reasons.append(
        f"{'满足' if ok_cv else '不满足'}：末轮各指标变异系数均 ≤ {fmt.num(cv_max)}"
        f"（最大为“{worst['indicator']}” {fmt.num(worst['cv'], 3)}）"
    )
    ok_w = last["w_significant"]
    reasons.append(
        f"{'满足' if ok_w else '不满足'}：末轮 Kendall W 在 {fmt.num(alpha)} 水平显著"
        f"（W = {fmt.num(last['kendall_w'], 4)}，p = {fmt.num(last['p_value'], 4)}）"
    )
    ok_trend = True
    if require_w_nondecreasing and len(conc_rows) >= 2:
        prev = conc_rows[-2]["kendall_w"]
        ok_trend = last["kendall_w"] >= prev - 1e-12
        reasons.append(
            f"{'满足' if ok_trend else '不满足'}：W 未下降（上一轮 {fmt.num(prev, 4)} → "
            f"末轮 {fmt.num(last['kendall_w'], 4)}）"
        )
    w = last_mean / last_mean.sum()
    return DelphiResult(
        weights=_series(w, last_labels, "weight", "indicator"),
        indicators=indicators,
        concordance=concordance,
        converged=bool(ok_cv and ok_w and ok_trend),
        reasons=tuple(reasons),
        cv_max=cv_max,
        alpha=alpha,
        require_w_nondecreasing=require_w_nondecreasing,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------------
# Combined weights and points


@dataclass(frozen=True)
class CombinedWeights:
    """Subjective–objective combined weights.

    Attributes
    ----------
    weights : Series
        Combined weights (sum to 1).
    table : DataFrame
        ``criterion``, ``subjective``, ``objective``, ``combined``.
    method : str
        ``"linear"`` or ``"multiplicative"``; ``alpha`` is the subjective share (linear only).
    """

    weights: pd.Series
    table: pd.DataFrame
    method: str
    alpha: float | None

    def summary(self) -> str:
        """Chinese summary."""
        rule = (
            f"线性组合 w = {fmt.num(self.alpha)}·主观 + {fmt.num(1 - self.alpha)}·客观"
            if self.method == "linear"
            else "乘法组合 w ∝ 主观 × 客观"
        )
        lines = [f"组合赋权（{rule}）："]
        for _, r in self.table.iterrows():
            lines.append(
                f"  {r['criterion']}：主观 {fmt.num(r['subjective'] * 100)}%，客观 "
                f"{fmt.num(r['objective'] * 100)}% → {fmt.num(r['combined'] * 100)}%"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return _jsonable(
            {
                "method": self.method,
                "alpha": self.alpha,
                "weights": self.weights,
                "table": self.table,
            }
        )


def _weight_vector(w: Any, name: str) -> tuple[np.ndarray, tuple[str, ...] | None]:
    if hasattr(w, "weights") and isinstance(w.weights, pd.Series):
        w = w.weights
    if isinstance(w, Mapping | pd.Series):
        labels = tuple(str(k) for k in dict(w.items()))
        return _parse_weights(list(dict(w.items()).values()), labels, name=name), labels
    arr = np.ravel(np.asarray(w, dtype=float))
    return _parse_weights(arr, _default_labels(arr.size, "C"), name=name), None


def combine_weights(
    subjective: Any, objective: Any, method: str = "linear", alpha: float = 0.5
) -> CombinedWeights:
    """Combine subjective (AHP, Delphi) and objective (entropy, CRITIC) weights (组合赋权).

    Parameters
    ----------
    subjective, objective : Series, dict, array or a result with ``.weights``
        Weight vectors over the same criteria (labelled inputs are aligned by label; each is
        normalised to sum to 1 first).
    method : {"linear", "multiplicative"}
        Mixing rule.
    alpha : float
        Share of the subjective weights in the linear rule, in [0, 1].

    Returns
    -------
    CombinedWeights

    Notes
    -----
    - linear: :math:`w_j = \\alpha w^s_j + (1 - \\alpha) w^o_j`;
    - multiplicative: :math:`w_j = w^s_j w^o_j / \\sum_l w^s_l w^o_l` (a criterion with zero
      weight on either side gets 0; ``alpha`` is not used).

    References
    ----------
    Ma, J., Fan, Z.-P. & Huang, L.-H. (1999). A subjective and objective integrated approach to
    determine attribute weights. EJOR 112(2), 397–404.

    Examples
    --------
    >>> combine_weights([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]).weights.round(3).tolist()
    [0.35, 0.3, 0.35]
    >>> combine_weights([0.5, 0.3, 0.2], [0.2, 0.3, 0.5], "multiplicative").weights.round(
    ...     3
    ... ).tolist()
    [0.345, 0.31, 0.345]
    """
    ws, ls = _weight_vector(subjective, "主观权重")
    wo, lo = _weight_vector(objective, "客观权重")
    if ls is not None and lo is not None:
        if set(ls) != set(lo):
            raise ValueError(
                f"主观权重与客观权重的指标不一致：{'、'.join(sorted(set(ls) ^ set(lo)))}"
            )
        wo = wo[[lo.index(x) for x in ls]]
        labels = ls
    else:
        if ws.size != wo.size:
            raise ValueError(f"主观权重个数（{ws.size}）与客观权重个数（{wo.size}）不一致")
        labels = ls or lo or _default_labels(ws.size, "C")
    if method == "linear":
        if not 0 <= alpha <= 1:
            raise ValueError(f"alpha 必须在 0 与 1 之间（当前 {alpha}）")
        w = alpha * ws + (1 - alpha) * wo
        a: float | None = float(alpha)
    elif method == "multiplicative":
        prod = ws * wo
        if prod.sum() <= 0:
            raise ValueError("主观权重与客观权重没有共同的非零指标，无法乘法组合")
        w = prod / prod.sum()
        a = None
    else:
        raise ValueError(f"未知的组合方式 '{method}'（可用：linear、multiplicative）")
    table = pd.DataFrame(
        {"criterion": list(labels), "subjective": ws, "objective": wo, "combined": w}
    )
    return CombinedWeights(_series(w, labels, "weight", "criterion"), table, method, a)


def weights_to_points(weights: Any, total: float = 100, decimals: int = 0) -> pd.Series:
    """Turn weights into indicator points that add up to exactly ``total`` (分值分配).

    Largest-remainder rounding (Hamilton): each criterion gets its share rounded down to
    ``decimals`` and the remaining units go to the largest remainders (ties: first criterion).

    Parameters
    ----------
    weights : Series, dict, array or a result with ``.weights``
    total : float
        Points to distribute (100 for a scored evaluation).
    decimals : int
        Decimals of the points (0: whole points).

    Returns
    -------
    Series
        Points per criterion, summing to ``total``.

    Examples
    --------
    >>> weights_to_points([1 / 3, 1 / 3, 1 / 3]).tolist()
    [34.0, 33.0, 33.0]
    """
    w, labels = _weight_vector(weights, "权重")
    labels = labels or _default_labels(w.size, "C")
    unit = 10.0**-decimals
    units_total = int(round(total / unit))
    raw = w * units_total
    base = np.floor(raw + 1e-9)
    left = units_total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:left]] += 1
    return _series(np.round(base * unit, decimals), labels, "points", "criterion")
