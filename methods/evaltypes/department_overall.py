"""``evaluation: department_overall`` — 部门（单位）整体绩效评价.

Scored like a project evaluation (:func:`methods.evaluation.evaluate`) on the six dimensions of the
policy (武发〔2020〕48号): 运行成本, 管理效率, 履职效能, 社会效应, 可持续发展能力, 服务对象满意度
(framework ``department_overall_2020``). Typical indicators come from the indicator library
(``{ref: GX-B-001, …}``: 在职人员控制率, “三公”经费变动率, 重点支出安排率, 结转结余率 …).

``key_projects:`` lists the department's key projects with their scores, given as numbers (an
earlier evaluation) or as case files evaluated afresh. They are shown in the report, and when
``key_projects.indicator`` names an indicator of the case, its actual value is the projects'
average score (weighted by their funds by default, or plain), computed when the case is validated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pydantic import Field, PrivateAttr

from methods import _format as fmt
from methods.casefile import (
    QUANTITATIVE_RULES,
    Case,
    EvaluationType,
    ScoredCase,
    _Model,
    register,
)
from methods.errors import CaseError
from methods.evaltypes import _scored
from methods.evaltypes._scored import ScoredResult
from methods.report import blocks, official
from methods.report.document import Document, Paragraph, Section, Table


class KeyProject(_Model):
    """A key project of the department: a score given, or a case file to evaluate."""

    name: str | None = Field(None, description="项目名称（给出 case 时默认取案例标题）")
    score: float | None = Field(None, ge=0, le=100, allow_inf_nan=False, description="评价得分")
    grade: str | None = Field(None, description="评价等级（给出 score 时可填）")
    case: str | None = Field(None, description="项目评价案例文件（相对本文件），评价后取得分")
    budget: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="项目资金（万元）；给出 case 时默认取其全年预算数",
    )
    source: str | None = Field(None, description="得分来源，例如 2023 年度财政重点评价")
    note: str | None = None


class KeyProjects(_Model):
    """The department's key projects (重点项目) and how their scores enter the evaluation."""

    projects: list[KeyProject] = Field(min_length=1)
    weighting: Literal["budget", "equal"] = Field(
        "budget", description="平均得分的权数：budget 按项目资金加权（默认），equal 简单平均"
    )
    indicator: str | None = Field(
        None, description="以重点项目平均得分作为实际值的指标代码（可选）"
    )


class FinalAccounts(_Model):
    """部门决算收支 (amounts in ``budget.unit``): income, expenditure by kind, carry-overs."""

    carried_in: float = Field(ge=0, allow_inf_nan=False, description="年初结转结余")
    fiscal_income: float = Field(ge=0, allow_inf_nan=False, description="本年财政拨款收入")
    other_income: float = Field(
        0.0, ge=0, allow_inf_nan=False, description="本年其他收入（事业收入、经营收入等）"
    )
    basic: float = Field(ge=0, allow_inf_nan=False, description="基本支出")
    personnel: float = Field(ge=0, allow_inf_nan=False, description="基本支出中的人员经费")
    public: float = Field(ge=0, allow_inf_nan=False, description="基本支出中的公用经费")
    project: float = Field(ge=0, allow_inf_nan=False, description="项目支出")
    carried_over: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="年末结转结余（不填时按收支平衡计算）"
    )
    rate_basis: Literal["budget", "available"] | None = Field(
        None,
        description="结转结余率口径：budget 年末结转结余 ÷ 全年预算数（默认，53号）；"
        "available 年末结转结余 ÷（年初结转结余 + 本年收入）",
    )
    indicator: str | None = Field(
        None,
        description="以结转结余率为实际值的指标代码（默认：引用 GX-B-006 或名为结转结余率的指标）",
    )
    source: str | None = Field(None, description="数据来源，例如 2023 年度部门决算报表")


class DepartmentCase(ScoredCase):
    """部门（单位）整体绩效评价 (evaluation: department_overall)."""

    key_projects: KeyProjects | None = None
    final_accounts: FinalAccounts | None = None

    _key_table: Any = PrivateAttr(None)
    _final: Any = PrivateAttr(None)

    def member_case_entries(self) -> list[tuple[tuple, str]]:
        if self.key_projects is None:
            return []
        return [
            (("key_projects", "projects", i, "case"), p.case)
            for i, p in enumerate(self.key_projects.projects)
            if p.case is not None
        ]

    def data_paths(self) -> list[tuple[tuple, str]]:
        return super().data_paths() + self.member_data_paths()

    def private_paths(self) -> set[str]:
        return super().private_paths() | self.member_private_paths()


# ---------------------------------------------------------------------------------------------
# Key projects


@dataclass(frozen=True)
class KeyProjectTable:
    """The key projects with their scores, and their average."""

    table: pd.DataFrame  # name, score, grade, budget, weight, how, source, case_id
    weighting: str
    average: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "weighting": self.weighting,
            "average": self.average,
            "projects": [
                {k: (None if pd.isna(v) else v) for k, v in r.items()}
                for r in self.table.to_dict("records")
            ],
        }


def _check_grade(
    case: DepartmentCase, name: str, score: float, grade: str, loc: tuple, note: str | None = None
) -> None:
    """Refuse a key project's given grade that is not the grade of its given score under the
    case's grade bands (the case's ``grade_bands``, else the framework's, else mof_2020): a
    score of 93.91 written with grade 良 is a slip in one of them, never silently shown. A grade
    below the score's is accepted when ``note`` explains it (a grade limit: 以拨代支 不得评为优)."""
    from methods import frameworks, scoring

    fw = frameworks.get(case.framework or case.evaluation_type.default_framework)
    bands = scoring.grade_bands(case.grade_bands or fw.default_grade_bands or "mof_2020")
    expected = scoring.grade(score, bands)
    if grade == expected:
        return
    labels = [label for label, _ in bands.bands]
    if note and grade in labels and labels.index(grade) > labels.index(expected):
        return
    what = "" if grade in labels else f"（不是等级标准中的等级：{'、'.join(labels)}）"
    raise CaseError(
        f"重点项目“{name}”的等级 {grade!r}{what} 与得分 {fmt.num(score)} 不符："
        f"按等级标准（{bands.describe()}）应为“{expected}”",
        field=loc,
        hint="核对得分和等级；等级可删除（按得分自动取得）；因等级限定而低于得分等级时请在 note 中说明",
    )


def key_project_scores(case: DepartmentCase) -> KeyProjectTable | None:
    """Score (or take the given scores of) the department's key projects.

    The average is Σ score_i × budget_i / Σ budget_i (``weighting: budget``) or the plain mean
    (``equal``), rounded half-up to 2 decimals.

    Raises
    ------
    CaseError
        A project with neither or both of ``score`` and ``case``, an invalid project case, or a
        missing budget under budget weighting (the field named).
    """
    kp = case.key_projects
    if kp is None:
        return None
    if case._key_table is not None:
        return case._key_table
    from methods import evaluation
    from methods.casefile import load_case

    rows = []
    for i, p in enumerate(kp.projects):
        loc = ("key_projects", "projects", i)
        if (p.score is None) == (p.case is None):
            raise CaseError(
                "请给出 score（已有评价得分）或 case（项目评价案例文件）之一", field=loc
            )
        if p.case is not None:
            try:
                member = load_case(case.resolve(p.case), display=p.case)
            except CaseError as exc:
                raise CaseError(f"重点项目案例无效：{exc}", field=(*loc, "case")) from None
            if not isinstance(member, ScoredCase):
                raise CaseError(
                    f"{p.case} 不是计分类评价（{member.evaluation}）", field=(*loc, "case")
                )
            ev = evaluation.evaluate(member)
            if p.grade is not None and p.grade != ev.grade:
                raise CaseError(
                    f"重点项目“{p.name or member.title}”的等级 {p.grade!r} 与按案例文件评价的"
                    f"等级“{ev.grade}”（{fmt.num(ev.total)} 分）不符",
                    field=(*loc, "grade"),
                    hint="删除 grade（按案例文件评价时等级自动取得），或核对案例文件",
                )
            budget = p.budget
            if budget is None and member.budget is not None:
                budget = member.budget.allocated or member.budget.planned
            rows.append(
                {
                    "name": p.name or member.title,
                    "score": ev.total,
                    "grade": ev.grade,
                    "budget": budget,
                    "how": f"按案例文件评价（{member.evaluation_type.title}）",
                    "source": p.source or f"{member.year} 年度{member.evaluation_type.title}",
                    "case_id": member.case_id,
                }
            )
        else:
            if p.name is None:
                raise CaseError("给出 score 时需要项目名称 name", field=(*loc, "name"))
            if p.grade is not None:
                _check_grade(case, p.name, float(p.score), p.grade, (*loc, "grade"), p.note)
            rows.append(
                {
                    "name": p.name,
                    "score": float(p.score),
                    "grade": p.grade,
                    "budget": p.budget,
                    "how": "已有评价结果",
                    "source": p.source or "",
                    "case_id": None,
                }
            )
    table = pd.DataFrame(rows)
    if kp.weighting == "budget":
        missing = [i for i, b in enumerate(table["budget"]) if b is None or pd.isna(b)]
        if missing:
            raise CaseError(
                "按项目资金加权需要每个重点项目的资金 budget",
                field=("key_projects", "projects", missing[0], "budget"),
                hint="或设置 key_projects.weighting: equal（简单平均）",
            )
        total = float(table["budget"].sum())
        if total <= 0:
            raise CaseError("重点项目资金合计为 0，无法加权", field=("key_projects", "projects"))
        table["weight"] = table["budget"].astype(float) / total
    else:
        table["weight"] = 1.0 / len(table)
    average = fmt.round_half_up(float((table["score"] * table["weight"]).sum()), 2)
    case._key_table = KeyProjectTable(table=table, weighting=kp.weighting, average=average)
    return case._key_table


# ---------------------------------------------------------------------------------------------
# 决算 breakdown

CARRYOVER_REF = "GX-B-006"  # 结转结余率 in the indicator library


def final_accounts_rules() -> dict[str, Any]:
    """The shipped rules of the 决算 breakdown (``methods/_data/final_accounts.yaml``)."""
    from methods._resources import load_yaml

    return load_yaml("final_accounts.yaml")


@dataclass(frozen=True)
class FinalAccountsSummary:
    """A department's 决算 breakdown with its totals and the 结转结余率 derived from it."""

    accounts: FinalAccounts
    unit: str
    income: float  # 本年收入 = 财政拨款收入 + 其他收入
    expenditure: float  # 本年支出 = 基本支出 + 项目支出
    carried_over: float  # 年末结转结余 (given, or 年初 + 收入 − 支出)
    derived_carried_over: bool
    basis: str  # budget / available
    denominator: float
    rate: float  # 结转结余率 (%), 2 dp
    indicator: str | None  # the code of the indicator whose actual is the rate

    @property
    def rule(self) -> dict[str, Any]:
        return final_accounts_rules()["carryover_rate"]["variants"][self.basis]

    def formula(self) -> str:
        """E.g. ``年末结转结余 6,590.00 ÷ 全年预算数 52,300.00 = 12.60%``."""
        return (
            f"年末结转结余 {fmt.fixed(self.carried_over)} ÷ {self.rule['denominator']} "
            f"{fmt.fixed(self.denominator)} = {fmt.pct(self.rate)}"
        )

    def to_dict(self) -> dict[str, Any]:
        a = self.accounts
        return {
            "unit": self.unit,
            "carried_in": a.carried_in,
            "income": {"total": self.income, "fiscal": a.fiscal_income, "other": a.other_income},
            "expenditure": {
                "total": self.expenditure,
                "basic": a.basic,
                "personnel": a.personnel,
                "public": a.public,
                "project": a.project,
            },
            "carried_over": self.carried_over,
            "carried_over_derived": self.derived_carried_over,
            "carryover_rate": {
                "value": self.rate,
                "basis": self.basis,
                "definition": self.rule["name"],
                "denominator": self.denominator,
                "status": self.rule["status"],
                "source": self.rule["source"],
            },
            "indicator": self.indicator,
            "source": a.source,
        }


def _carryover_indicator(case: DepartmentCase) -> int | None:
    """Index of the indicator whose actual value is the 结转结余率: ``final_accounts.indicator``,
    else the one referring to GX-B-006 or named 结转结余率, else None."""
    fa = case.final_accounts
    if fa is not None and fa.indicator is not None:
        for i, ind in enumerate(case.indicators):
            if ind.code == fa.indicator:
                return i
        raise CaseError(
            f"指标代码 '{fa.indicator}' 不在 indicators 中", field=("final_accounts", "indicator")
        )
    for i, ind in enumerate(case.indicators):
        if ind.ref == CARRYOVER_REF or ind.name == "结转结余率":
            return i
    return None


def final_accounts_summary(case: DepartmentCase) -> FinalAccountsSummary | None:
    """Check the 决算 breakdown adds up and derive the 结转结余率.

    Identities (``final_accounts.yaml``, practice): 基本支出 = 人员经费 + 公用经费; 基本支出 +
    项目支出 = 全年执行数 (``budget.spent``); 年初结转结余 + 本年收入 − 本年支出 = 年末结转结余.
    结转结余率 = 年末结转结余 ÷ 全年预算数 (``rate_basis: budget``, the 53号 definition the
    indicator library carries, default) or ÷ (年初结转结余 + 本年收入) (``available``), in percent,
    rounded half-up to 2 decimals.

    Raises
    ------
    CaseError
        Naming the field of the first amount that does not add up, or a missing denominator.
    """
    fa = case.final_accounts
    if fa is None:
        return None
    if case._final is not None:
        return case._final
    rules = final_accounts_rules()
    tol = float(rules["tolerance"])
    unit = case.budget.unit if case.budget else "万元"
    loc = ("final_accounts",)

    def money(x: float) -> str:
        return f"{fmt.fixed(x)} {unit}"

    if abs(fa.personnel + fa.public - fa.basic) > tol:
        raise CaseError(
            f"基本支出 {money(fa.basic)} 不等于人员经费 {fmt.fixed(fa.personnel)} + 公用经费 "
            f"{fmt.fixed(fa.public)} = {money(fa.personnel + fa.public)}",
            field=(*loc, "basic"),
        )
    expenditure = fa.basic + fa.project
    spent = case.budget.spent if case.budget else None
    if spent is not None and abs(expenditure - spent) > tol:
        raise CaseError(
            f"基本支出 {fmt.fixed(fa.basic)} + 项目支出 {fmt.fixed(fa.project)} = "
            f"{money(expenditure)}，与全年执行数 budget.spent {money(spent)} 不符",
            field=(*loc, "project"),
        )
    income = fa.fiscal_income + fa.other_income
    balance = fa.carried_in + income - expenditure
    if fa.carried_over is not None and abs(fa.carried_over - balance) > tol:
        raise CaseError(
            f"年末结转结余 {money(fa.carried_over)} 与年初结转结余 {fmt.fixed(fa.carried_in)} + "
            f"本年收入 {fmt.fixed(income)} − 本年支出 {fmt.fixed(expenditure)} = "
            f"{money(balance)} 不符",
            field=(*loc, "carried_over"),
        )
    if fa.carried_over is None and balance < -tol:
        raise CaseError(
            f"本年支出 {money(expenditure)} 超过年初结转结余与本年收入之和 "
            f"{money(fa.carried_in + income)}，年末结转结余为负",
            field=(*loc, "carried_in"),
        )
    carried_over = fa.carried_over if fa.carried_over is not None else max(balance, 0.0)
    basis = fa.rate_basis or rules["carryover_rate"]["default"]
    if basis == "budget":
        denominator = case.budget.allocated if case.budget else None
        if not denominator:
            raise CaseError(
                "结转结余率（年末结转结余 ÷ 全年预算数）需要 budget.allocated（全年预算数，不为 0）",
                field=(*loc, "rate_basis"),
                hint="或设置 final_accounts.rate_basis: available（÷ 年初结转结余与本年收入之和）",
            )
    else:
        denominator = fa.carried_in + income
        if denominator <= 0:
            raise CaseError(
                "年初结转结余与本年收入之和为 0，无法计算结转结余率", field=(*loc, "rate_basis")
            )
    rate = fmt.round_half_up(carried_over / denominator * 100.0, 2)
    idx = _carryover_indicator(case)
    case._final = FinalAccountsSummary(
        accounts=fa,
        unit=unit,
        income=income,
        expenditure=expenditure,
        carried_over=carried_over,
        derived_carried_over=fa.carried_over is None,
        basis=basis,
        denominator=float(denominator),
        rate=rate,
        indicator=None if idx is None else case.indicators[idx].code,
    )
    return case._final


def _fill_carryover(case: DepartmentCase) -> None:
    """Make the 结转结余率 indicator's actual value the one derived from the 决算 breakdown;
    refuse a typed value that contradicts it (more than 0.005 percentage points apart)."""
    summary = final_accounts_summary(case)
    if summary is None or summary.indicator is None:
        return
    idx = next(i for i, ind in enumerate(case.indicators) if ind.code == summary.indicator)
    ind = case.indicators[idx]
    loc = ("indicators", idx)
    if ind.rule not in QUANTITATIVE_RULES:
        raise CaseError(
            f"以结转结余率为实际值的指标应为定量规则，实际为 {ind.rule}", field=(*loc, "rule")
        )
    if isinstance(ind.actual, str) or (
        ind.actual is not None and abs(float(ind.actual) - summary.rate) > 0.005 + 1e-9
    ):
        raise CaseError(
            f"结转结余率填写为 {fmt.num(ind.actual)}%，与部门决算计算的 {fmt.pct(summary.rate)}"
            f"（{summary.formula()}）不符",
            field=(*loc, "actual"),
            hint="删除 actual（给出 final_accounts 时结转结余率由决算数据计算），或核对决算数据",
        )
    # the derivation is shown with the 决算 table (基本情况), not in the indicator's note, which
    # holds the unit's own explanation of the problem
    filled = ind.model_copy(update={"actual": summary.rate, "unit": ind.unit or "%"})
    indicators = list(case.indicators)
    indicators[idx] = filled
    object.__setattr__(case, "indicators", indicators)


def _check_department(case: Case) -> list[str]:
    """Score the key projects, fill the linked indicators' actual values (重点项目平均得分,
    结转结余率 from the 决算 breakdown), check the tree."""
    if not isinstance(case, DepartmentCase):
        return _scored.check(case)
    _fill_carryover(case)
    kp = case.key_projects
    table = key_project_scores(case)
    if kp is not None and kp.indicator is not None and table is not None:
        idx = next((i for i, ind in enumerate(case.indicators) if ind.code == kp.indicator), None)
        if idx is None:
            raise CaseError(
                f"指标代码 '{kp.indicator}' 不在 indicators 中",
                field=("key_projects", "indicator"),
            )
        ind = case.indicators[idx]
        loc = ("indicators", idx)
        if ind.rule not in QUANTITATIVE_RULES:
            raise CaseError(
                f"以重点项目平均得分为实际值的指标应为定量规则，实际为 {ind.rule}",
                field=(*loc, "rule"),
            )
        if ind.actual is not None and ind.actual != table.average:
            raise CaseError(
                "该指标的实际值由重点项目平均得分计算，请删除 actual",
                field=(*loc, "actual"),
            )
        how = "按项目资金加权平均" if table.weighting == "budget" else "简单平均"
        listed = "、".join(
            f"{n} {fmt.num(s)} 分"
            for n, s in zip(table.table["name"], table.table["score"], strict=True)
        )
        note = f"实际值为 {len(table.table)} 个重点项目评价得分的{how}（{listed}）"
        filled = ind.model_copy(
            update={
                "actual": table.average,
                "unit": ind.unit or "分",
                "note": f"{ind.note}；{note}" if ind.note else note,
            }
        )
        indicators = list(case.indicators)
        indicators[idx] = filled
        # The case is frozen for users; the linked value is filled once, here, at validation.
        object.__setattr__(case, "indicators", indicators)
    return _scored.check(case)


register(
    EvaluationType(
        name="department_overall",
        title="部门整体绩效评价",
        notebook="department_overall.ipynb",
        model=DepartmentCase,
        default_framework="department_overall_2020",
        check=_check_department,
        report_kind="部门整体绩效评价报告",
        scored=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Analysis and results.json


def analyse(case: DepartmentCase) -> ScoredResult:
    """Score the department (key projects included) and perturb its level-1 weights."""
    return _scored.analyse(case)


def conclusions(ev) -> dict[str, list[str]]:
    """主要成效, 存在问题, 有关建议 of a department (:func:`methods.report.conclusions`: findings
    grouped by theme, one suggestion per finding)."""
    from methods import report

    return report.conclusions(ev)


def results(result: ScoredResult) -> dict[str, Any]:
    """results.json: the scored-evaluation keys plus ``key_projects`` and department conclusions."""
    from methods import report

    ev = result.ev
    t = key_project_scores(ev.case)
    fa = final_accounts_summary(ev.case)
    extra = {} if fa is None else {"final_accounts": fa.to_dict()}
    return report.results(
        ev,
        robustness=result.robustness,
        conclusions=conclusions(ev),
        key_projects=None if t is None else t.to_dict(),
        **extra,
    )


# ---------------------------------------------------------------------------------------------
# Report outline


def basic_info(case: DepartmentCase, ev) -> Table:
    """基本信息 of a department."""
    from methods.casefile import BUDGET_TYPES

    pairs = [
        ("部门（单位）名称", case.department),
        ("评价对象", case.title if case.title != case.department else None),
        ("预算年度", f"{case.year} 年"),
        ("评价类型", case.evaluation_type.title),
        ("预算类型", BUDGET_TYPES.get(case.budget_type, case.budget_type)),
        ("评价机构/人员", case.evaluator),
        ("指标框架", ev.framework.name),
    ]
    if case.key_projects is not None:
        pairs.append(("重点项目", f"{len(case.key_projects.projects)} 个"))
    return Table.kv(pairs)


def budget_table(case: DepartmentCase) -> Table:
    """部门预算收支: 年初预算数, 全年预算数, 全年决算（执行）数, 支出完成率, 预算调整率."""
    b = case.budget
    adjust = None
    if b.allocated is not None and b.planned:
        adjust = (b.allocated - b.planned) / b.planned * 100
    header = [
        f"年初预算数（{b.unit}）",
        f"全年预算数（{b.unit}）",
        f"全年支出数（{b.unit}）",
        "支出完成率",
        "预算调整幅度",
    ]
    row = [
        fmt.fixed(b.planned),
        fmt.fixed(b.allocated),
        fmt.fixed(b.spent),
        fmt.pct(b.execution_rate),
        fmt.pct(adjust),
    ]
    note = f"说明：{b.note}" if b.note else None
    return Table([row], header, numeric=range(5), note=note)


def final_accounts_blocks(case: DepartmentCase) -> list[Any]:
    """部门决算收支: one sentence and a table (收入 by source, 支出 by kind with 人员经费 and
    公用经费, carry-overs, 结转结余率 and its formula); nothing without ``final_accounts``."""
    s = final_accounts_summary(case)
    if s is None:
        return []
    a = s.accounts
    u = s.unit

    def share(x: float, of: float) -> str:
        return fmt.pct(x / of * 100) if of else "—"

    prose = (
        f"{case.year} 年部门决算：年初结转结余 {fmt.fixed(a.carried_in)} {u}；本年收入 "
        f"{fmt.fixed(s.income)} {u}，其中财政拨款收入 {fmt.fixed(a.fiscal_income)} {u}"
        f"（占 {share(a.fiscal_income, s.income)}）、其他收入 {fmt.fixed(a.other_income)} {u}；"
        f"本年支出 {fmt.fixed(s.expenditure)} {u}，其中基本支出 {fmt.fixed(a.basic)} {u}"
        f"（人员经费 {fmt.fixed(a.personnel)} {u}、公用经费 {fmt.fixed(a.public)} {u}），"
        f"项目支出 {fmt.fixed(a.project)} {u}（占 {share(a.project, s.expenditure)}）；"
        f"年末结转结余 {fmt.fixed(s.carried_over)} {u}，结转结余率 {fmt.pct(s.rate)}。"
    )
    rows = [
        ["年初结转结余", fmt.fixed(a.carried_in), ""],
        ["本年收入合计", fmt.fixed(s.income), "100%"],
        ["　其中：财政拨款收入", fmt.fixed(a.fiscal_income), share(a.fiscal_income, s.income)],
        ["　　　　其他收入", fmt.fixed(a.other_income), share(a.other_income, s.income)],
        ["本年支出合计", fmt.fixed(s.expenditure), "100%"],
        ["　基本支出", fmt.fixed(a.basic), share(a.basic, s.expenditure)],
        ["　　其中：人员经费", fmt.fixed(a.personnel), share(a.personnel, s.expenditure)],
        ["　　　　　公用经费", fmt.fixed(a.public), share(a.public, s.expenditure)],
        ["　项目支出", fmt.fixed(a.project), share(a.project, s.expenditure)],
        [
            "年末结转结余" + ("（按收支平衡计算）" if s.derived_carried_over else ""),
            fmt.fixed(s.carried_over),
            "",
        ],
        ["结转结余率", fmt.pct(s.rate), s.rule["name"]],
    ]
    note = (
        "说明：年初结转结余 + 本年收入 = 本年支出 + 年末结转结余；本年支出即全年执行数。"
        f"结转结余率 = {s.formula()}。口径来源：{blocks.cite(s.rule['source'])}。"
        + (f"数据来源：{a.source}。" if a.source else "")
    )
    parts: list[Any] = [
        Paragraph(prose),
        Table(rows, ["项目", f"金额（{u}）", "占比 / 口径"], numeric=(1,), note=note),
    ]
    if s.indicator is not None:
        ind = next(i for i in case.indicators if i.code == s.indicator)
        parts.append(
            Paragraph(
                f"结转结余率 {fmt.pct(s.rate)} 作为指标“{ind.name}”的实际值（由决算数据计算）。"
            )
        )
    return parts


def key_projects_blocks(case: DepartmentCase) -> list[Any]:
    """重点项目绩效 table (name, how scored, source, funds, weight, score, grade) and, when the
    average feeds an indicator, a sentence saying which."""
    t = key_project_scores(case)
    if t is None:
        return [Paragraph("案例文件未列出重点项目（key_projects）。")]
    unit = case.budget.unit if case.budget else "万元"
    rows = [
        [
            r["name"],
            r["how"],
            r["source"] or "",
            fmt.fixed(r["budget"]) if r["budget"] is not None and not pd.isna(r["budget"]) else "—",
            fmt.num(r["weight"] * 100, 2) + "%",
            fmt.fixed(r["score"]),
            r["grade"] or "—",
        ]
        for r in t.table.to_dict("records")
    ]
    how = "按项目资金加权平均" if t.weighting == "budget" else "简单平均"
    rows.append(["平均得分（" + how + "）", "", "", "", "100%", fmt.fixed(t.average), ""])
    header = ["项目", "得分取得方式", "来源", f"项目资金（{unit}）", "权数", "得分", "等级"]
    parts: list[Any] = [Table(rows, header, numeric=(3, 4, 5))]
    kp = case.key_projects
    if kp is not None and kp.indicator:
        ind = next(i for i in case.indicators if i.code == kp.indicator)
        parts.append(
            Paragraph(
                f"重点项目平均得分 {fmt.num(t.average)} 分作为指标“{ind.name}”（{ind.code}）的实际值。"
            )
        )
    return parts


def plot_key_projects(case: DepartmentCase, ev, ax=None):
    """Horizontal bars of the key projects' scores with the grade cut-offs."""
    import matplotlib.pyplot as plt

    from methods import fonts

    fonts.register()
    t = key_project_scores(case)
    if t is None:
        return None
    t = t.table.sort_values("score")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.5 * len(t) + 1.4))
    ax.barh(t["name"], t["score"], color="#2F6DB5", height=0.55)
    for i, v in enumerate(t["score"]):
        ax.text(v + 0.5, i, f"{v:.2f}", va="center", fontsize=9)
    for label, low in ev.bands.bands[:-1]:
        ax.axvline(low, color="#999999", lw=0.8, ls="--")
        ax.text(low, len(t) - 0.4, f" {label}≥{low:g}", fontsize=8, color="#666666")
    ax.set_xlim(max(0, min(50, t["score"].min() - 10)), 105)
    ax.set_xlabel("评价得分")
    ax.set_title("部门重点项目绩效评价得分", pad=16)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def section_basic(r: ScoredResult) -> Section:
    """一、部门基本情况"""
    case = r.case
    return Section(
        "一、部门基本情况",
        [
            Section(
                "（一）部门概况",
                [
                    basic_info(case, r.ev),
                    official.overview_paragraph(case, "部门概况"),
                    official.budget_prose(case, subject="部门"),
                    budget_table(case),
                    *final_accounts_blocks(case),
                ],
                level=2,
            ),
            official.objectives_section(case, title="部门整体绩效目标"),
        ],
    )


def section_work(r: ScoredResult) -> Section:
    """二、绩效评价工作开展情况"""
    return official.work_section(r.ev, subject="部门")


def section_conclusion(r: ScoredResult) -> Section:
    """三、综合评价情况及评价结论"""
    return official.conclusion_section(r.ev, r.findings, chart=_scored.level1_chart(r.ev))


def section_analysis(r: ScoredResult) -> Section:
    """四、绩效评价指标分析"""
    # 运行成本、管理效率、履职效能、社会效应、可持续发展能力、服务对象满意度, then key projects
    parts: list[Any] = list(official.analysis_section(r.ev).blocks)
    kp: list[Any] = [
        Paragraph("部门重点项目的绩效评价得分（按案例文件评价或引用已有评价结果），及其平均得分。"),
        *key_projects_blocks(r.case),
    ]
    ax = plot_key_projects(r.case, r.ev)
    if ax is not None:
        kp.append(
            blocks.chart(
                ax.figure,
                "部门重点项目绩效评价得分",
                "各重点项目评价得分横向条形图，按得分从低到高自下而上排列，虚线为等级分界分数",
            )
        )
    n = official.chinese_number(len(parts) + 1)
    parts.append(Section(f"（{n}）重点项目绩效情况", kp, level=2))
    return Section("四、绩效评价指标分析", parts)


def section_problems(r: ScoredResult) -> Section:
    """五、主要成效、存在的问题及原因分析"""
    extra = r.case.conclusions.achievements if r.case.conclusions else ()
    return official.experience_and_problems(
        r.ev, r.findings, title="五、主要成效、存在的问题及原因分析", extra_achievements=extra
    )


def section_advice(r: ScoredResult) -> Section:
    """六、有关建议"""
    extra = r.case.conclusions.suggestions if r.case.conclusions else ()
    return official.advice_section(r.findings, extra=extra)


def section_other(r: ScoredResult) -> Section:
    """七、其他需要说明的问题"""
    return official.other_matters_section(r.ev)


def section_score_sheet(r: ScoredResult) -> Section:
    """附件1：评分表"""
    return official.score_sheet(r.ev)


def section_annex(r: ScoredResult) -> Section:
    """附件2：技术附件"""
    return official.technical_annex(
        r.ev, robustness=r.robustness, lost_chart=_scored.lost_chart(r.ev)
    )


# the level-1 headings of the report (the official outline; tests check both formats)
HEADINGS = (
    "一、部门基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要成效、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件1：评分表",
    "附件2：技术附件",
)

OUTLINE = (
    section_basic,
    section_work,
    section_conclusion,
    section_analysis,
    section_problems,
    section_advice,
    section_other,
    section_score_sheet,
    section_annex,
)


def outline(r: ScoredResult) -> Document:
    """The whole report."""
    from methods.report import assemble

    return assemble(r.case, [build(r) for build in OUTLINE])
