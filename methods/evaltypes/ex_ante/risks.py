"""The risk register (风险登记表) of an ex-ante case: likelihood × impact levels, inherent and
residual (``ex_ante.yaml`` ``risk_matrix``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from methods.errors import CaseError
from methods.evaltypes.ex_ante.rulebook import rules


def risk_levels() -> list[dict[str, Any]]:
    """The risk levels, lowest first: ``{name, min, color}``."""
    return list(rules()["risk_matrix"]["levels"])


def risk_level(likelihood: int, impact: int) -> str:
    """Risk level of likelihood × impact (1–5 each): 低风险 1–4, 中风险 5–9, 高风险 10–16,
    极高风险 20–25 (``ex_ante.yaml``).

    Examples
    --------
    >>> risk_level(2, 2), risk_level(1, 5), risk_level(4, 4), risk_level(4, 5)
    ('低风险', '中风险', '高风险', '极高风险')
    """
    for v, nm in ((likelihood, "likelihood"), (impact, "impact")):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or not 1 <= v <= 5:
            raise ValueError(f"{nm} 应为 1 到 5 的整数，实际为 {v!r}")
    score = int(likelihood) * int(impact)
    level = risk_levels()[0]["name"]
    for lv in risk_levels():
        if score >= lv["min"]:
            level = lv["name"]
    return level


def _level_rank(name: str) -> int:
    return [lv["name"] for lv in risk_levels()].index(name)


@dataclass(frozen=True, eq=False)
class RiskRegister:
    """The risk register with inherent and residual scores and levels.

    Attributes
    ----------
    table : DataFrame
        One row per risk: ``no``, ``name``, ``category``, ``likelihood``, ``impact``, ``score``,
        ``level``, ``mitigation``, ``owner``, ``residual_likelihood``, ``residual_impact``,
        ``residual_score``, ``residual_level`` (residual = inherent when not given).
    """

    table: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.table.empty

    @property
    def max_residual_level(self) -> str | None:
        if self.empty:
            return None
        return max(self.table["residual_level"], key=_level_rank)

    def material(self) -> pd.DataFrame:
        """Risks whose inherent level is 中风险 or above."""
        if self.empty:
            return self.table
        return self.table[self.table["level"].map(_level_rank) >= 1]

    @property
    def coverage(self) -> float:
        """Share of material risks with a mitigation (1 when there are none)."""
        m = self.material()
        if m.empty:
            return 1.0
        return float((m["mitigation"].str.strip() != "").mean())

    def to_dict(self) -> list[dict[str, Any]]:
        return [
            {k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
            for r in self.table.to_dict("records")
        ]


def risk_register(risks: Sequence[Any]) -> RiskRegister:
    """Build the register from risk entries (mappings or :class:`~methods.evaltypes.ex_ante.Risk`).

    Raises
    ------
    CaseError
        A residual likelihood without a residual impact (or the reverse), naming the field.
    """
    rows = []
    for i, r in enumerate(risks):
        get = r.get if isinstance(r, Mapping) else (lambda k, d=None, r=r: getattr(r, k, d))
        lik, imp = get("likelihood"), get("impact")
        rl, ri = get("residual_likelihood"), get("residual_impact")
        if (rl is None) != (ri is None):
            missing = "residual_impact" if ri is None else "residual_likelihood"
            raise CaseError(
                "剩余风险须同时给出 residual_likelihood 与 residual_impact",
                field=("risks", i, missing),
            )
        try:
            level = risk_level(lik, imp)
            res_level = level if rl is None else risk_level(rl, ri)
        except ValueError as exc:
            raise CaseError(str(exc), field=("risks", i)) from None
        rows.append(
            {
                "no": i + 1,
                "name": str(get("name")),
                "category": get("category") or "",
                "likelihood": int(lik),
                "impact": int(imp),
                "score": int(lik) * int(imp),
                "level": level,
                "mitigation": get("mitigation") or "",
                "owner": get("owner") or "",
                "residual_likelihood": int(rl if rl is not None else lik),
                "residual_impact": int(ri if ri is not None else imp),
                "residual_score": int(rl if rl is not None else lik)
                * int(ri if ri is not None else imp),
                "residual_level": res_level,
                "residual_given": rl is not None,
            }
        )
    cols = [
        "no", "name", "category", "likelihood", "impact", "score", "level", "mitigation", "owner",
        "residual_likelihood", "residual_impact", "residual_score", "residual_level",
        "residual_given",
    ]  # fmt: skip
    return RiskRegister(pd.DataFrame(rows, columns=cols))
