"""The 前期工作 maturity rule of an ex-ante assessment of a 政府投资项目 (``maturity`` in
``methods/_data/ex_ante.yaml``).

A case states, in its ``preparation:`` block, whether the project is a 政府投资项目 and whether its
可行性研究报告, 初步设计 and 投资概算 are approved (``approved``), not yet approved (``pending``) or
not separately required (``not_required``). While any of them is pending, the conclusion is at most
部分支持（调整后支持） whatever the score, and this year's support is limited to the 前期工作经费 the
case names (``preparatory_funding``): construction money waits for the approved 概算. The cap and the
limit are practice (data, with their status); what is cited as regulation is only that
construction investment shall in principle not exceed the approved 投资概算 (《政府投资条例》第二十三条).

Examples
--------
>>> from types import SimpleNamespace as NS
>>> prep = NS(
...     government_investment=True,
...     feasibility="approved",
...     preliminary_design="pending",
...     budget_estimate="pending",
...     preparatory_funding=480.0,
...     preparatory_scope="勘察设计",
... )
>>> m = maturity_of(prep, requested=6800.0)
>>> m.pending, m.fired, m.supported
(('初步设计', '投资概算'), True, 480.0)
>>> maturity_of(NS(government_investment=False), requested=100.0) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from methods import _format as fmt
from methods.errors import CaseError
from methods.evaltypes.ex_ante.rulebook import rules as all_rules

DOCUMENTS = ("feasibility", "preliminary_design", "budget_estimate")


def rules() -> dict[str, Any]:
    """The maturity rule's data (``maturity`` in ``ex_ante.yaml``)."""
    return all_rules()["maturity"]


@dataclass(frozen=True)
class Maturity:
    """The 前期工作 of a 政府投资项目 and what follows for the conclusion and the funding.

    Attributes
    ----------
    statuses : {document label: status label} (可行性研究报告: 已批复 …), in the rule's order.
    pending : the labels of the documents not yet approved.
    cap : the conclusion id the rule caps at when it fires (``partial``), else None.
    requested : the amount applied for this year (``budget.planned``), or None.
    supported : the 前期工作经费 this year's support is limited to when the rule fires, else None.
    scope : what the 前期工作经费 pays for (may be empty).
    unit : the budget unit (万元).
    """

    statuses: dict[str, str]
    pending: tuple[str, ...]
    cap: str | None
    requested: float | None
    supported: float | None
    scope: str
    unit: str
    note: str | None = None

    @property
    def fired(self) -> bool:
        return bool(self.pending)

    def pending_text(self) -> str:
        """初步设计、投资概算"""
        return "、".join(self.pending)

    def amount_text(self) -> str:
        """480万元"""
        return f"{fmt.num(self.supported)}{self.unit}" if self.supported is not None else ""

    def to_dict(self) -> dict[str, Any]:
        spec = rules()
        return {
            "government_investment": True,
            "documents": dict(self.statuses),
            "pending": list(self.pending),
            "applies": self.fired,
            "cap": self.cap,
            "requested": self.requested,
            "supported": self.supported,
            "scope": self.scope or None,
            "unit": self.unit,
            "source": spec["source"],
            "status": spec["status"],
            "regulation": dict(spec["regulation"]),
        }


def maturity_of(prep: Any, *, requested: float | None, unit: str = "万元") -> Maturity | None:
    """The maturity of a case's ``preparation`` block (None when there is none or the project is
    not a 政府投资项目).

    Raises
    ------
    CaseError
        Naming the field: a document's approval status not stated for a 政府投资项目, a pending
        document without ``preparatory_funding``, or 前期工作经费 above the amount applied for.
    """
    if prep is None or not getattr(prep, "government_investment", False):
        return None
    spec = rules()
    labels, words = spec["documents"], spec["statuses"]
    statuses: dict[str, str] = {}
    pending: list[str] = []
    for key in DOCUMENTS:
        status = getattr(prep, key, None)
        if status is None:
            choices = "、".join(f"{k} {v}" for k, v in words.items())
            raise CaseError(
                f"政府投资项目须说明{labels[key]}的批复情况（{choices}）",
                field=("preparation", key),
            )
        statuses[labels[key]] = words[status]
        if status == "pending":
            pending.append(labels[key])
    funding = getattr(prep, "preparatory_funding", None)
    if pending and funding is None:
        raise CaseError(
            f"{'、'.join(pending)}尚未批复，本年度资金支持限于前期工作：请填写前期工作经费"
            f"（与 budget 同单位，{unit}）",
            field=("preparation", "preparatory_funding"),
        )
    if funding is not None and requested is not None and funding > requested + 1e-9:
        raise CaseError(
            f"前期工作经费 {fmt.num(funding)}{unit} 超过本年度申请金额 {fmt.num(requested)}{unit}",
            field=("preparation", "preparatory_funding"),
        )
    return Maturity(
        statuses=statuses,
        pending=tuple(pending),
        cap=spec["cap"] if pending else None,
        requested=requested,
        supported=float(funding) if pending and funding is not None else None,
        scope=(getattr(prep, "preparatory_scope", None) or "").strip(),
        unit=unit,
        note=getattr(prep, "note", None),
    )


def maturity_advice(m: Maturity) -> str:
    """What the rule means for this year's budget, as the report's advice sentence."""
    scope = f"{m.scope}等" if m.scope else ""
    return rules()["advice"].format(scope=scope, amount=m.amount_text(), pending=m.pending_text())
