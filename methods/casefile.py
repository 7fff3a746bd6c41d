"""Case files (案例文件): UTF-8 YAML whose top-level keys are the report notebook's parameters.

:func:`load_case` reads and validates a case file and returns a frozen :class:`Case` model;
errors become one :class:`~methods.errors.CaseError` naming the file, the field (with the indicator
code) and the line. :func:`validate` also runs the checks of the case's evaluation type (for scored
evaluations: the indicator tree). :func:`from_parameters` builds the same model inside a notebook from
the papermill parameters, so ``jixiao run`` and plain papermill read a case identically.

The schema is declared with pydantic in strict mode: YAML already types values, so ``"95"`` is not
silently taken for 95 and ``yes`` is not a number.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from methods import _yaml
from methods.errors import INVISIBLE, CaseError
from methods.ppp import Payment
from methods.scoring import DERIVED_ACTUALS as DERIVED_ACTUALS
from methods.scoring import QUANTITATIVE_RULES as QUANTITATIVE_RULES
from methods.scoring import RULES as RULES
from methods.scoring import VARIANTS as VARIANTS
from methods.scoring import grade_bands, qualitative_tier

MAX_CASE_FILE_BYTES = 2_000_000
MAX_YAML_NODES = 500_000  # values after expanding YAML aliases
MAX_YAML_DEPTH = 64  # nested lists and mappings
CASE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

BUDGET_TYPES = {
    "general_public": "一般公共预算",
    "government_fund": "政府性基金预算",
    "state_capital": "国有资本经营预算",
    "social_insurance": "社会保险基金预算",
}
OBJECT_TYPES = {
    "project": "项目",
    "policy": "政策",
    "department": "部门（单位）整体",
    "government": "政府（财政运行）",
    "ppp": "政府和社会资本合作（PPP）项目",
    "procurement": "政府采购项目",
    "purchased_service": "政府购买服务项目",
    "debt": "政府债务项目",
    "investment_fund": "政府投资基金",
}

_TYPE_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "float_type": "应为数字",
    "int_type": "应为整数",
    "string_type": "应为文本（字符串）",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "literal_error": "取值无效",
    "string_pattern_mismatch": "格式不符合要求",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "greater_than": "应大于",
    "greater_than_equal": "应不小于",
    "less_than_equal": "应不大于",
    "finite_number": "应为有限数字",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _not_blank(cls, value: Any, info: ValidationInfo) -> Any:
        """A required text (``min_length`` ≥ 1) that is only blanks (spaces, full-width spaces)
        names nothing: refused like an empty one."""
        if isinstance(value, str) and not value.strip():
            field = cls.model_fields.get(info.field_name or "")
            if field is not None and any(getattr(m, "min_length", 0) for m in field.metadata):
                raise ValueError("不能为空（只有空白字符）")
        return value


class Budget(_Model):
    """预算资金 (amounts in ``unit``, default 万元)."""

    planned: float | None = Field(None, ge=0, allow_inf_nan=False, description="年初预算数")
    allocated: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="全年预算数（年初预算加减年中调整）"
    )
    received: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="实际到位资金（资金到位率 = 实际到位资金 ÷ 全年预算数）",
    )
    spent: float | None = Field(None, ge=0, allow_inf_nan=False, description="全年执行数")
    unit: str = Field("万元", min_length=1)
    note: str | None = Field(None, description="说明，例如执行数超过预算数的原因")

    @property
    def execution_rate(self) -> float | None:
        """预算执行率 (%) = spent / allocated × 100, or None when either is missing or allocated is 0."""
        if self.spent is None or not self.allocated:
            return None
        return self.spent / self.allocated * 100.0

    @property
    def arrival_rate(self) -> float | None:
        """资金到位率 (%) = received / allocated × 100 (实际到位资金 ÷ 全年预算数); None without
        ``received``. A budget cut during the year (年初预算 → 全年预算) is an adjustment, never
        funds that failed to arrive (资金到位率 = 实际到位资金/计划投入资金, 财预〔2013〕53号
        framework as 10号 carries it, practice)."""
        if self.received is None or not self.allocated:
            return None
        return self.received / self.allocated * 100.0

    @property
    def adjustment(self) -> float | None:
        """预算调整 = 全年预算数 − 年初预算数 (None when either is missing)."""
        if self.allocated is None or self.planned is None:
            return None
        return self.allocated - self.planned


class ChecklistItem(_Model):
    """One 评价要点 of a checklist indicator."""

    name: str = Field(min_length=1)
    met: bool
    points: float | None = Field(None, ge=0, allow_inf_nan=False)


class TargetFrom(_Model):
    """A target taken from the case library (标杆管理法): 历史标准 or 行业标准.

    ``history``: the same project's archived cases of earlier years (``project_id``); ``stat``
    ``last`` (default: the most recent earlier year's actual value), ``mean`` or ``median`` over the
    last ``years`` years. ``industry``: other projects' archived values of the same indicator in
    earlier years (the last ``years`` years if given); ``percentile`` (default 50). "The same
    indicator" is its identity, unit and direction (:mod:`methods.standards`), never a bare
    case-local code. ``min_cases``: fewest values to use (default 1 for history, 5 for industry).
    When the library has too few values the indicator's own ``target`` is used as the fallback and
    the report says so; without a fallback the case is refused, naming the indicator.
    """

    standard: Literal["history", "industry"]
    stat: Literal["last", "mean", "median", "percentile"] | None = None
    percentile: float = Field(50.0, ge=0, le=100)
    years: int | None = Field(None, ge=1, le=50)
    min_cases: int | None = Field(None, ge=1)


class Indicator(_Model):
    """One indicator (末级指标) of a case file."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1)
    level1: str = Field(min_length=1)
    level2: str = Field(min_length=1)
    level3: str | None = None
    weight: float = Field(gt=0, le=100, allow_inf_nan=False)
    rule: Literal["positive", "reverse", "equal", "range", "qualitative", "deduction", "checklist"]
    target: float | list[float] | str | None = None
    actual: float | str | None = None
    unit: str | None = None
    variant: str | None = None
    tier: str | None = None
    score: float | None = Field(None, ge=0, allow_inf_nan=False)
    points_per_unit: float | None = Field(None, gt=0, allow_inf_nan=False)
    items: list[ChecklistItem] | None = None
    met: int | None = Field(None, ge=0)
    total: int | None = Field(None, gt=0)
    derive: Literal["execution_rate", "arrival_rate"] | None = None
    cap: bool = True
    applicable: bool = True
    note: str | None = None
    cause: str | None = Field(
        None, description="原因说明：未达目标或扣分的原因（写入报告的原因分析；note 写问题表现）"
    )
    overachievement_factor: float | None = Field(
        None,
        gt=0,
        le=1,
        allow_inf_nan=False,
        description="超额完成调减系数：目标设定明显偏低时评价人按偏离度调减（得分 × 系数，10号）",
    )
    source: str | None = None
    standard: Literal["计划标准", "行业标准", "历史标准", "其他标准"] | None = None
    target_from: TargetFrom | None = None
    ref: str | None = Field(None, description="引用的指标库代码（名称、层级、规则等继承自指标库）")
    benchmark_key: str | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="对标标识：与其他案例的同一指标对应（优先于 ref；都未填时按名称、单位和方向对应）",
    )
    survey: dict[str, Any] | None = Field(
        None, description="实际值取自满意度调查（methods.evaltypes.satisfaction.indicator_value）"
    )


class RobustnessOptions(_Model):
    """Monte Carlo perturbation of the level-1 weights reported with the grade."""

    concentration: float = Field(100.0, gt=0, description="Dirichlet 集中度（越大扰动越小）")
    draws: int = Field(10_000, ge=100, le=1_000_000)
    seed: int = 20200210


_FRACTION = re.compile(r"^\s*\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?\s*$")


def check_comparisons(value: Any) -> Any:
    """AHP judgements are ``[甲, 乙, 值]``: two criteria named as text and a positive number or a
    fraction such as ``'1/3'``."""
    for k, entry in enumerate(value or []):
        if len(entry) != 3:
            raise ValueError(
                f"第 {k + 1} 条判断应写作 [甲, 乙, 值]（3 项），实际为 {len(entry)} 项"
            )
        a, b, v = entry
        if not (isinstance(a, str) and isinstance(b, str)):
            raise ValueError(f"第 {k + 1} 条判断的前两项应为准则名称（文本）")
        if isinstance(v, str):
            ok = bool(_FRACTION.match(v)) and float(v.split("/")[1]) > 0
        else:
            ok = not isinstance(v, bool) and math.isfinite(v) and v > 0
        if not ok or (isinstance(v, str) and float(v.split("/")[0]) <= 0):
            raise ValueError(f"第 {k + 1} 条判断的值应为正数或分数（如 3 或 '1/3'），实际为 {v!r}")
        num = float(v.split("/")[0]) / float(v.split("/")[1]) if isinstance(v, str) else v
        if not 1 / 9 - 1e-9 <= num <= 9 + 1e-9:
            raise ValueError(
                f"第 {k + 1} 条判断的值 {v!r} 超出 Saaty 1–9 标度（应在 1/9 到 9 之间）"
            )
    return value


class WeightSpec(_Model):
    """Weights derived in the case file instead of given as points (AHP comparisons or Delphi).

    ``target: level1`` derives the level-1 points (each level's indicators keep their relative
    weights); ``target: <level-1 name>`` derives the weights of that level's indicators (by code).
    """

    target: str = Field("level1", min_length=1)
    method: Literal["ahp", "ahp_group", "delphi"]
    comparisons: list[list[str | float]] | None = Field(
        None, description="AHP 判断：[[甲, 乙, 3], …] 表示甲比乙重要 3 倍；可写 '1/3'"
    )
    experts: dict[str, list[list[str | float]]] | None = Field(
        None, description="群组 AHP：每位专家一组判断"
    )
    aggregation: Literal["aij", "aip"] = "aij"
    ahp_method: Literal["eigenvector", "geometric"] = "eigenvector"
    ri_table: str = "saaty1980"
    require_consistent: bool = Field(False, description="CR > 0.10 时报错（默认只提示）")
    rounds: list[str] | None = Field(
        None, description="德尔菲各轮打分文件（CSV/XLSX，行=专家，列=指标）"
    )
    cv_max: float = Field(0.25, gt=0)
    alpha: float = Field(0.05, gt=0, lt=1)

    @field_validator("comparisons", mode="after")
    @classmethod
    def _comparisons(cls, value: Any) -> Any:
        return check_comparisons(value)

    @field_validator("experts", mode="after")
    @classmethod
    def _experts(cls, value: Any) -> Any:
        for judgements in (value or {}).values():
            check_comparisons(judgements)
        return value


class ScoringOptions(_Model):
    """Named scoring choices (each a documented variant; the defaults follow practice)."""

    execution_cap: bool = Field(
        True, description="自评预算执行率得分封顶于其分值（practice：有的系统不封顶）"
    )
    overachievement_threshold: float | None = Field(
        None,
        gt=1,
        allow_inf_nan=False,
        description="正向指标完成率超过该倍数时视为目标偏低、按超出部分比例扣分（unverified，默认关闭）",
    )
    robustness: RobustnessOptions = RobustnessOptions()


class Objectives(_Model):
    """年度总体目标: planned (预期目标) and achieved (实际完成情况)."""

    planned: str = Field(min_length=1)
    achieved: str | None = None


class Conclusions(_Model):
    """Evaluator-written findings added to the automatic ones."""

    achievements: list[str] = []
    problems: list[str] = []
    suggestions: list[str] = []


class Finding(_Model):
    """A finding the evaluator states (``findings:``): always a problem of the report, whatever
    points it cost (compliance, safety and audit findings above all)."""

    title: str = Field(min_length=1, max_length=120, description="问题标题（一句完整的判断）")
    kind: Literal["compliance", "safety", "audit", "other"] = Field(
        "other", description="性质：compliance 资金合规、safety 安全、audit 审计发现、other 其他"
    )
    theme: str | None = Field(None, description="归入的问题主题（见 methods/_data/findings.yaml）")
    category: Literal["以拨代支", "违规使用资金", "安全责任事故", "审计问题", "数据造假"] | None = (
        Field(
            None,
            description="问题类别：等级限定条款据此限定等级（methods/_data/grade_limits.yaml）",
        )
    )
    severity: Literal["一般", "较大", "重大", "特别重大"] | None = Field(
        None, description="严重程度（安全责任事故按事故等级；审计问题按问题性质）"
    )
    facts: str | list[str] = Field([], description="事实：金额、数量、涉及单位")
    cause: str | None = Field(None, description="原因说明；未提供时报告写“有待进一步核实”")
    indicators: list[str] = Field([], description="涉及的指标代码（其失分事实并入本问题）")
    advice: str | None = Field(None, description="针对本问题的建议（代替建议库的建议）")
    responsible: str | None = Field(None, description="整改责任主体（默认为被评价单位）")

    @model_validator(mode="after")
    def _has_substance(self) -> Finding:
        if not self.facts and not self.indicators:
            raise ValueError("facts（事实）与 indicators（涉及的指标代码）至少填写一项")
        return self


class EvaluationWork(_Model):
    """绩效评价工作开展情况 (the 10号 outline's part 二) and 其他需要说明的问题: what the report
    states as given and marks （未提供） when absent."""

    purpose: str | None = Field(None, description="评价目的")
    scope: str | None = Field(None, description="评价对象和范围")
    process: str | list[str] | None = Field(
        None, description="评价工作过程：前期准备、组织实施、分析评价"
    )
    fieldwork: str | None = Field(None, description="现场核查的范围和数量")
    questionnaires: str | None = Field(None, description="问卷调查的范围和数量")
    limitations: list[str] = Field([], description="评价的局限、未能核实的事项")
    date: str | None = Field(None, description="报告日期")


# A personal contact or identity number has no place in a case file: 11-digit mobile numbers,
# landlines with an area code, 15/18-character 居民身份证号码 and e-mail addresses are refused.
CONTACT_PATTERN = re.compile(
    r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"
    r"|(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)|[\w.+-]+@[\w-]+\.[\w.]+"
)


class Responsible(_Model):
    """项目（预算）责任主体 (``responsible:``): who answers for the budget's performance.

    中发〔2018〕34号 and 武发〔2020〕48号 make the 项目责任人 answer for the project's budget
    performance and hold the responsible persons of 重大项目 to lifetime accountability
    (绩效终身责任追究). The unit and the role are indexed in the case library (``jixiao library
    list --responsible``, ``jixiao library responsible``); a name is optional, appears only in
    the internal report and never in the index, the catalogue or a public version. Phone
    numbers, ID numbers and e-mail addresses are refused.
    """

    unit: str = Field(
        min_length=1, max_length=100, description="责任单位（如“区水利局农村水利科”）"
    )
    role: str | None = Field(
        None, min_length=1, max_length=40, description="责任岗位（如“项目负责人”“分管领导”）"
    )
    name: str | None = Field(
        None,
        min_length=1,
        max_length=20,
        description="责任人姓名（可选；只写入内部报告，不进入索引、目录或公开版）",
    )
    major: bool = Field(False, description="重大项目（实行绩效终身责任追究）")

    @field_validator("unit", "role", "name")
    @classmethod
    def _no_contact(cls, value: str | None) -> str | None:
        if value is not None and CONTACT_PATTERN.search(value):
            raise ValueError(
                "不能含电话号码、身份证号或电子邮箱（案例文件不保存个人联系方式和证件号码）"
            )
        return value


class ExpertPanel(_Model):
    """The 评审专家 of an assessment, review or evaluation, drawn from the 专家库 (``jixiao registry
    draw``): their ids, the seed of the draw, and the registry folder when it is not the
    project's ``parameters/registries/``. The evaluation type checks them against the registry
    (each exists, is active and has no conflict of interest with the evaluated unit)."""

    experts: list[str] = Field(min_length=1, description="专家编号（专家库 id）")
    seed: int | None = Field(None, description="抽取时的随机种子（记录在案，可复现）")
    registry: str | None = Field(
        None, description="名录目录（相对案例文件）；默认项目的 parameters/registries"
    )


class Withhold(_Model):
    """Something the public version (公开版) of the report leaves out: a ``text`` (every
    paragraph, list item, table row or chart containing it) or a ``section`` (a heading
    containing it: the whole section), with the ``reason`` the public version states."""

    text: str | None = Field(
        None, min_length=2, max_length=200, description="含此文字的段落、行不予公开"
    )
    section: str | None = Field(
        None, min_length=2, max_length=60, description="标题含此文字的整节不予公开"
    )
    reason: str = Field(
        min_length=2,
        max_length=60,
        description="不予公开的原因（公开版写作“此处内容{原因}，不予公开”）",
    )

    @model_validator(mode="after")
    def _one_target(self) -> Withhold:
        if (self.text is None) == (self.section is None):
            raise ValueError("text（文字）与 section（章节标题）须填写且只填写一项")
        return self


class Publication(_Model):
    """公开版 settings (``publication:``): what the case keeps out of the public version, besides
    what is always removed (personal data, contacts, the 技术附件; methods/_data/publication.yaml)."""

    withhold: list[Withhold] = Field([], description="不予公开的内容及原因")


class Case(_Model):
    """Keys every case file has (contracts §3)."""

    case_id: str = Field(pattern=CASE_ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=1990, le=2100)
    department: str = Field(min_length=1, max_length=200)
    evaluation: str
    budget_type: Literal["general_public", "government_fund", "state_capital", "social_insurance"]
    object_type: Literal[
        "project",
        "policy",
        "department",
        "government",
        "ppp",
        "procurement",
        "purchased_service",
        "debt",
        "investment_fund",
    ]
    budget: Budget
    grade_bands: str | dict[str, float] | None = None
    project_id: str | None = Field(
        None,
        pattern=CASE_ID_PATTERN,
        description="跨年度不变的项目编号（用于历史标准）；默认为 case_id 去掉末尾的 _年份",
    )
    library: str | None = Field(
        None,
        min_length=1,
        description="对标用的案例库目录（相对案例文件）；默认 $JIXIAO_LIBRARY 或项目的 case_library",
    )
    department_short: str | None = Field(
        None, min_length=1, max_length=40, description="被评价单位简称（如“区住建局”），用于建议"
    )
    work: EvaluationWork | None = Field(
        None, description="评价工作开展情况（目的、范围、过程、局限）"
    )
    findings: list[Finding] = Field([], description="评价发现的问题（总是写入存在的问题）")
    responsible: Responsible | None = Field(
        None, description="项目（预算）责任主体：责任单位、岗位，可选姓名；重大项目终身追责"
    )
    publication: Publication | None = Field(
        None, description="公开版：不予公开的内容（jixiao library publish）"
    )

    _source: str | None = PrivateAttr(None)
    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> str | None:
        """The case file as the user named it (None when built from notebook parameters)."""
        return self._source

    @property
    def project_key(self) -> str:
        """The project this case belongs to across years: ``project_id`` or ``case_id`` without a
        trailing ``_<year>`` / ``-<year>``."""
        if self.project_id:
            return self.project_id
        return re.sub(r"[_-](19|20)\d\d$", "", self.case_id) or self.case_id

    @property
    def base_dir(self) -> Path:
        """Folder that relative data paths resolve against (the case file's folder)."""
        return self._base_dir

    @property
    def raw(self) -> dict[str, Any]:
        """The mapping exactly as read from YAML: the papermill parameters."""
        return self._raw

    def resolve(self, path: str | Path) -> Path:
        """Resolve a data path of the case against the case file's folder."""
        if "\0" in str(path):
            raise CaseError(f"数据文件路径含有空字符（\\0）：{str(path)!r}")
        return (self._base_dir / path).resolve()

    def data_paths(self) -> list[tuple[tuple, str]]:
        """(field path, path as written) of every data file the case names."""
        return []

    def private_paths(self) -> set[str]:
        """Data paths (as written) holding personal data, e.g. survey respondents: the archive
        keeps their hash, never a copy."""
        return set()

    def data_files(self) -> list[Path]:
        """Data files the case reads, resolved (copied or hashed into the archive)."""
        return [resolve_data_path(self, value, loc) for loc, value in self.data_paths()]

    def member_case_entries(self) -> list[tuple[tuple, str]]:
        """(field path, path as written) of the case files this case scores as part of itself
        (a portfolio's cases, a department's key projects)."""
        return []

    def member_case_files(self) -> list[str]:
        """The member case files as written, relative to this one."""
        return [value for _, value in self.member_case_entries()]

    def _loaded_members(self) -> list[tuple[tuple, Path, Case]]:
        """(field, resolved path, parsed case) of each member that loads (no deep checks: the
        run validates them)."""
        out = []
        for loc, value in self.member_case_entries():
            member_path = self.resolve(value)
            if not member_path.is_file():
                continue
            try:
                out.append((loc, member_path, load_case(member_path, deep=False)))
            except CaseError:
                continue
        return out

    def member_cases(self) -> list[Case]:
        """The member cases that load."""
        return [member for _, _, member in self._loaded_members()]

    def _from_member(self, member_path: Path, inner: str) -> str:
        """A member's data path re-expressed relative to this case's folder."""
        rel = (member_path.parent / inner).resolve()
        try:
            return rel.relative_to(self.base_dir.resolve()).as_posix()
        except ValueError:
            return str(rel)

    def member_data_paths(self) -> list[tuple[tuple, str]]:
        """The member case files, then their data files (relative to this case's folder)."""
        out = list(self.member_case_entries())
        for loc, member_path, member in self._loaded_members():
            out += [(loc, self._from_member(member_path, v)) for _, v in member.data_paths()]
        return out

    def member_private_paths(self) -> set[str]:
        """Members' personal data (e.g. survey respondents), relative to this case's folder."""
        return {
            self._from_member(member_path, inner)
            for _, member_path, member in self._loaded_members()
            for inner in member.private_paths()
        }

    @property
    def evaluation_type(self) -> EvaluationType:
        return EVALUATIONS[self.evaluation]

    def reads_library(self) -> bool:
        """Whether the case is built from other archived cases (batches then run it after all
        cases that are not)."""
        return self.evaluation_type.reads_library


class ScoredCase(Case):
    """A case scored on an indicator tree: project evaluations and self-evaluations."""

    indicators: list[Indicator] = Field(min_length=1)
    framework: str | None = None
    levels: dict[str, float | dict[str, float]] | None = None
    overview: str | None = None
    objectives: Objectives | None = None
    evaluator: str | None = None
    options: ScoringOptions = ScoringOptions()
    conclusions: Conclusions | None = None
    grade_limits: str = Field(
        "common_local",
        min_length=1,
        description="等级限定条款预设：common_local（常见条款，待核实）或 none（按得分定级）",
    )
    evidence: list[str] | None = Field(
        None, description="佐证材料：相对案例文件的路径，存档时复制并记录哈希"
    )
    weights: list[WeightSpec] | None = Field(
        None, description="由 AHP 判断或德尔菲打分确定权重（代替直接给出分值）"
    )
    panel: ExpertPanel | None = Field(
        None, description="评审专家（从专家库抽取，回避被评价单位和受托机构）"
    )
    payment: Payment | None = Field(
        None, description="按效付费：合同约定的付费公式，由评价得分核定运维绩效付费（PPP 等）"
    )

    def data_paths(self) -> list[tuple[tuple, str]]:
        paths = [(("evidence", i), value) for i, value in enumerate(self.evidence or [])]
        for i, spec in enumerate(self.weights or []):
            paths += [(("weights", i, "rounds", j), v) for j, v in enumerate(spec.rounds or [])]
        paths += [(loc, value) for loc, value, _ in self._survey_data()]
        return paths

    def private_paths(self) -> set[str]:
        return {value for _, value, private in self._survey_data() if private}

    def _survey_data(self) -> list[tuple[tuple, str, bool]]:
        """(field, path, private) of survey files that indicators take their actual value from."""
        out: list[tuple[tuple, str, bool]] = []
        for i, ind in enumerate(self.indicators):
            if ind.survey is not None:
                source = actual_source("survey")
                out += source.data(self, ind.survey, ("indicators", i, "survey"))
        return out


@dataclass(frozen=True)
class EvaluationType:
    """An evaluation type: its notebook, schema, default framework and deep checks."""

    name: str
    title: str
    notebook: str
    model: type[Case]
    default_framework: str | None = None
    check: Callable[[Case], list[str]] | None = None
    report_kind: str | None = None  # e.g. 绩效评价报告; default: title + 报告
    scored: bool = False  # has total_score and grade
    reads_library: bool = False  # built from other archived cases: batches run it last


class _Registry(Mapping):
    """The evaluation types by name, filled by the modules of :mod:`methods.evaltypes`.

    The types are found on first use (a plug-in discovery: this layer never imports a type by
    name), project_evaluation and self_evaluation first, then the others alphabetically."""

    def __init__(self) -> None:
        self._types: dict[str, EvaluationType] = {}
        self._discovered = False

    def _discover(self) -> dict[str, EvaluationType]:
        if not self._discovered:
            self._discovered = True
            import_module("methods.evaltypes")
        return self._types

    def __getitem__(self, name: str) -> EvaluationType:
        return self._discover()[name]

    def __iter__(self):
        return iter(self._discover())

    def __len__(self) -> int:
        return len(self._discover())

    def __contains__(self, name: object) -> bool:
        return name in self._discover()

    def __repr__(self) -> str:
        return f"<evaluation types: {', '.join(self)}>"


EVALUATIONS = _Registry()
"""Every evaluation type by name (``EVALUATIONS["monitoring"].title``)."""


def register(etype: EvaluationType) -> EvaluationType:
    """Add an evaluation type (the modules of :mod:`methods.evaltypes` call this on import)."""
    if etype.notebook != f"{etype.name}.ipynb":
        raise ValueError(f"notebook of {etype.name} must be {etype.name}.ipynb")
    EVALUATIONS._types[etype.name] = etype
    return etype


@dataclass(frozen=True)
class ActualSource:
    """Where an indicator's actual value can come from besides the case file (e.g. a
    satisfaction survey: ``survey:``), registered by the evaluation type that owns it.

    ``data(case, spec, loc)`` lists ``(field, path, private)`` of the files it reads;
    ``value(case, spec, loc)`` computes the value (an object with ``value`` and ``basis``)."""

    name: str
    data: Callable[[Any, dict, tuple], list[tuple[tuple, str, bool]]]
    value: Callable[[Any, dict, tuple], Any]


_ACTUAL_SOURCES: dict[str, ActualSource] = {}


def register_actual_source(source: ActualSource) -> ActualSource:
    """Add a source of actual values (the satisfaction type registers ``survey``)."""
    _ACTUAL_SOURCES[source.name] = source
    return source


def actual_source(name: str) -> ActualSource:
    """The registered source ``name`` (evaluation types are discovered first)."""
    EVALUATIONS._discover()
    return _ACTUAL_SOURCES[name]


# ---------------------------------------------------------------------------------------------
# Reading YAML with line numbers and duplicate-key detection


class _LineLoader(_yaml.Loader):
    """The project's YAML 1.2 loader (:mod:`methods._yaml`); nodes keep their lines."""


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)
    return out


# C0/C1 control characters (tab, newline and carriage return are YAML's own), bidi embeddings,
# overrides and isolates, zero-width characters and the BOM inside the text: each makes what a
# reviewer sees differ from what is scored or shown, and ANSI escapes would drive the terminal.
_CONTROL = re.compile(f"[{INVISIBLE}]")


def _control_character(text: str) -> tuple[int, str] | None:
    """(line, escaped character) of the first control or invisible formatting character."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1, f"U+{ord(m.group()):04X}"


def _path_at(node: yaml.Node, mark) -> tuple:
    """Field path of the node (or key) that starts at ``mark``; () when none does."""
    stack: list[tuple[yaml.Node, tuple]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if current.start_mark.index == mark.index and current.start_mark.line == mark.line:
            return path
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                if (
                    key_node.start_mark.line == mark.line
                    and key_node.start_mark.index == mark.index
                ):
                    return (*path, key)
                stack.append((value_node, (*path, key)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(current.value))
    return ()


def _depth(node: yaml.Node) -> int:
    """Deepest nesting of lists and mappings (iterative: no recursion limit to hit)."""
    deepest, stack, seen = 0, [(node, 1)], set()
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if id(current) in seen or depth > MAX_YAML_DEPTH:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            stack.extend((n, depth + 1) for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in current.value)
    return deepest


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of values in the YAML tree with every alias expanded, in time linear in the file
    (memoised per node), stopping early past :data:`MAX_YAML_NODES` ("billion laughs")."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # an alias of a node being counted (a recursive structure) counts once
    size = 1
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = []
    for child in children:
        size += _expanded_size(child, memo)
        if size > MAX_YAML_NODES:
            break
    memo[key] = size
    return size


_YAML_PROBLEMS = {
    "cannot start any token": "含有制表符（Tab）或非法字符，YAML 只能用空格缩进",
    "found a tab character": "含有制表符（Tab），YAML 只能用空格缩进",
    "mapping values are not allowed here": "此处不能出现“键: 值”（可能是缩进不对，或值中的冒号需要加引号）",
    "could not find expected ':'": "缺少冒号“:”（或引号未闭合）",
    "did not find expected key": "缩进不一致，找不到预期的字段",
    "did not find expected '-' indicator": "列表缩进不一致（每项以“- ”开头）",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "expected <block end>, but found": "缩进不一致",
    "could not determine a constructor for the tag": "不支持的 YAML 标签（如 !!python/…），"
    "案例文件只能写普通的文本、数字、列表和映射",
}


def _yaml_problem(problem: str) -> str:
    for key, text in _YAML_PROBLEMS.items():
        if key in problem:
            return f"{text}（{problem}）"
    return problem


def read_yaml(path: str | Path, *, display: str | None = None) -> tuple[dict[str, Any], dict]:
    """Read a case file: UTF-8 (with or without BOM) YAML mapping → (mapping, line map).

    Raises :class:`CaseError` for a missing, empty, oversized, non-UTF-8 or malformed file.
    """
    path = Path(path)
    shown = display or str(path)
    if not path.is_file():
        raise CaseError("文件不存在或不是普通文件", file=shown)
    size = path.stat().st_size
    if size > MAX_CASE_FILE_BYTES:
        raise CaseError(
            f"文件过大（{size / 1e6:.1f} MB，上限 {MAX_CASE_FILE_BYTES / 1e6:.0f} MB）",
            file=shown,
            hint="大量数据请放在 CSV/XLSX 数据文件中，由案例文件引用",
        )
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (or UTF-32 LE) byte-order mark
        raise CaseError(
            "文件不是 UTF-8 编码：文件以 UTF-16 字节顺序标记（BOM）开头",
            file=shown,
            hint="请用 UTF-8 编码另存该文件（记事本“另存为”选择 UTF-8，而不是 Unicode）",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "请用 UTF-8 编码另存该文件"
        try:
            data.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码，请用 UTF-8 编码另存（记事本“另存为”选择 UTF-8）"
        except UnicodeDecodeError:
            pass
        raise CaseError("文件不是 UTF-8 编码", file=shown, line=line, hint=hint) from None
    if not text.strip():
        raise CaseError("文件为空", file=shown)
    bad = _control_character(text)
    if bad is not None:
        line, char = bad
        raise CaseError(
            f"文件含有不可见的控制字符 {char}",
            file=shown,
            line=line,
            hint="控制字符、方向控制符和零宽字符会让显示的内容与实际内容不一致，请删除后再保存",
        )
    node = None
    try:
        node = yaml.compose(text, Loader=_LineLoader)
        if node is not None and _depth(node) > MAX_YAML_DEPTH:
            raise CaseError(f"YAML 嵌套层次过深（超过 {MAX_YAML_DEPTH} 层）")
        if node is not None and _expanded_size(node, {}) > MAX_YAML_NODES:
            raise CaseError(
                f"YAML 内容过大：别名（&锚点 / *引用）展开后超过 {MAX_YAML_NODES:,} 个值",
                hint="案例文件中不要用别名层层复制内容；大量数据请放在 CSV/XLSX 数据文件中",
            )
        raw = yaml.load(text, Loader=_LineLoader)
        lines = _line_map(node) if isinstance(raw, dict) else {}
    except RecursionError:
        raise CaseError("YAML 嵌套层次过深（或别名引用了自身）", file=shown) from None
    except CaseError as exc:
        raise exc.with_context(file=shown) from None
    except (_yaml.AmbiguousScalar, _yaml.InvalidDate, _yaml.BadKey) as exc:
        mark = exc.problem_mark
        path = _path_at(node, mark) if node is not None and mark is not None else None
        raise CaseError(
            exc.problem,
            file=shown,
            field=path or None,
            line=(mark.line + 1) if mark else None,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = _yaml_problem(exc.problem or str(exc))
        raise CaseError(
            f"YAML 语法错误：{problem}",
            file=shown,
            line=(mark.line + 1) if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise CaseError(f"YAML 语法错误：{exc}", file=shown) from None
    if not isinstance(raw, dict):
        raise CaseError("案例文件的顶层应为“字段: 值”的映射", file=shown)
    bad_keys = [k for k in raw if not isinstance(k, str)]
    if bad_keys:
        raise CaseError(
            f"字段名应为文本：{bad_keys[0]!r}",
            file=shown,
            line=lines.get((str(bad_keys[0]),)),
            hint="顶层字段名是案例字段（case_id、title …），不能是数字；年度等数据应写在字段之下",
        )
    return raw, lines


# ---------------------------------------------------------------------------------------------
# Validation


def _field_path(loc: tuple, raw: Any, kind: str | None = None) -> tuple:
    """The part of a pydantic location that exists in the data (drops union-member tags).

    With the error ``kind``, a key not in the data is named only when it is the missing or
    unknown key itself (the last part of a ``missing`` / ``extra_forbidden`` location); other
    parts not in the data are union-member tags (``float``, ``dict[str,float]``) and are skipped.
    """
    out: list = []
    node = raw
    for k, part in enumerate(loc):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif kind is not None:
            if k == len(loc) - 1 and kind in ("missing", "extra_forbidden"):
                out.append(part)
            continue
        elif isinstance(node, Mapping) and isinstance(part, str) and not out[-1:] == [part]:
            out.append(part)  # a missing or unknown key: name it, then stop
            break
        else:
            break
        out.append(part)
    return tuple(out)


def _pick_error(errors: list[dict[str, Any]], raw: Any) -> tuple[dict[str, Any], tuple]:
    """The error to report and its field path: the first error, or, when that field may be
    written in several forms (a union), the most specific error of the same field (e.g. the
    entry of ``levels.产出`` that is not a number rather than "levels.产出 is not a number")."""
    first = errors[0]
    anchor = _field_path(tuple(first["loc"]), raw, first["type"])
    best, best_path = first, anchor
    if not anchor:
        return best, best_path
    for err in errors[1:]:
        path = _field_path(tuple(err["loc"]), raw, err["type"])
        if path[: len(anchor)] == anchor and len(path) > len(best_path):
            best, best_path = err, path
    return best, best_path


_LINE_BREAKING = re.compile(f"[\\r\\n\\t{INVISIBLE}]")


def _label_text(value: Any) -> str:
    """A key or code inside a field label, on one line: line breaks, tabs and invisible
    characters written as ``\\uXXXX``."""
    return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value))


def field_label(path: tuple, raw: Mapping[str, Any] | None = None) -> str:
    """Human label of a field path: ``indicators[3]（C11）.weight``."""
    text = ""
    node: Any = raw
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("code"), str | int):
                text += f"（{_label_text(node['code'])}）"
        else:
            text += ("." if text else "") + _label_text(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def _line_for(path: tuple, lines: Mapping[tuple, int]) -> int | None:
    for i in range(len(path), 0, -1):
        if path[:i] in lines:
            return lines[path[:i]]
    return None


def shown(value: Any, limit: int = 60) -> str:
    """A value as messages show it: ``repr`` (control and invisible characters escaped), cut to
    ``limit`` characters."""
    text = repr(value)
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pydantic_message(err: Mapping[str, Any], model: type[BaseModel], path: tuple) -> str:
    kind = err["type"]
    base = _TYPE_MESSAGES.get(kind)
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, path)
        msg = "未知字段"
        if allowed:
            msg += "（可用字段：" + "、".join(allowed) + "）"
        return msg
    if kind == "missing":
        return base
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", kind)))
    if isinstance(given, datetime.date):  # YAML reads an unquoted 2023-01-01 as a date
        wanted = base or "取值无效"
        return (
            f"{wanted}，实际为日期 {given.isoformat()}"
            "（YAML 把未加引号的 年-月-日 读作日期；文本请加引号）"
        )
    if kind in {"too_short", "too_long"}:
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        which = "至少" if kind == "too_short" else "至多"
        return f"{which}需要 {bound} 项，实际为 {ctx.get('actual_length', len(given or ()))} 项"
    if kind == "literal_error":
        return f"取值 {shown(given)} 无效，应为 {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return f"{shown(given)} 格式不符合要求（应匹配 {ctx.get('pattern', '')}）"
    if kind in {"greater_than", "greater_than_equal", "less_than_equal"}:
        bound = ctx.get("gt", ctx.get("ge", ctx.get("le")))
        return f"{base} {bound}，实际为 {shown(given)}"
    if kind in {"float_type", "int_type"} and isinstance(given, str):
        if "e" in given.lower() and _yaml.FLOAT_12.fullmatch(given.strip()):
            return (
                f"{base}，实际为文本 {shown(given)}（YAML 1.1 读取器如 papermill 把 1e2 这样的写法"
                "读作文本；请写作 100 或 1.0e+2）"
            )
    if base:
        return f"{base}，实际为 {shown(given)}" if given is not None else base
    return str(err.get("msg", kind))


def _allowed_keys(model: type[BaseModel], path: tuple) -> list[str]:
    current: Any = model
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        current = next(
            (
                a
                for a in _flatten_annotation(ann)
                if isinstance(a, type) and issubclass(a, BaseModel)
            ),
            None,
        )
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _flatten_annotation(ann: Any) -> list[Any]:
    args = getattr(ann, "__args__", None)
    if not args:
        return [ann]
    out = []
    for a in args:
        out.extend(_flatten_annotation(a))
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


COUNT_UNITS = frozenset(
    "项 个 次 人 人次 户 件 起 家 所 座 处 台 辆 名 份 篇 条 套 张 册 场 期 批 棵 株 头 只 宗 门".split()
)
"""Units of things counted: a negative count (−10 项 problems) is a slip, never a value."""


def _check_indicator(ind: Indicator, i: int) -> None:
    """Rule-specific requirements of one indicator; raises CaseError with the field path."""

    def fail(field: str, msg: str, hint: str | None = None):
        raise CaseError(msg, field=("indicators", i, field), hint=hint)  # type: ignore[arg-type]

    if ind.variant is not None:
        allowed = VARIANTS.get(ind.rule, ())
        if ind.variant not in allowed:
            fail(
                "variant",
                f"规则 {ind.rule} 不支持变体 '{ind.variant}'"
                + (f"（可用：{'、'.join(allowed)}）" if allowed else "（该规则没有变体）"),
            )
    if not ind.applicable:
        return
    quantitative = ind.rule in QUANTITATIVE_RULES
    if ind.target_from is not None and (not quantitative or ind.rule == "range"):
        fail("target_from", f"规则 {ind.rule} 不能从案例库取目标值（只适用于单一数值目标）")
    if quantitative and ind.rule != "deduction" and not (ind.target is None and ind.target_from):
        if ind.target is None:
            fail("target", f"规则 {ind.rule} 需要目标值 target（或 target_from 从案例库取值）")
        if ind.rule == "range":
            if not (isinstance(ind.target, list) and len(ind.target) == 2):
                fail("target", "区间型指标的目标值应写作 [下限, 上限]")
            lo, hi = ind.target  # type: ignore[misc]
            if not (math.isfinite(lo) and math.isfinite(hi)):
                fail("target", "区间的下限和上限应为有限数字（不能是 .inf 或 .nan）")
            if lo > hi:
                fail("target", f"区间下限 {lo:g} 大于上限 {hi:g}")
            if lo < 0:
                fail("target", "区间型指标的下限应不小于 0")
        elif not _is_number(ind.target):
            fail("target", f"规则 {ind.rule} 的目标值应为数字，实际为 {ind.target!r}")
        elif not math.isfinite(ind.target):  # type: ignore[arg-type]
            fail("target", "目标值应为有限数字")
        elif ind.target < 0:  # type: ignore[operator]
            fail(
                "target",
                f"目标值 {ind.target:g} 为负数，无法按 {ind.rule} 规则计算完成比例",
                hint="负向目标（如降幅）请改写为正数并使用 reverse 规则，或使用 deduction 规则",
            )
    if ind.rule == "deduction":
        if ind.points_per_unit is None:
            fail("points_per_unit", "扣分型指标需要 points_per_unit（每单位扣分）")
        if ind.target is not None and not _is_number(ind.target):
            fail("target", f"扣分型指标的目标值应为数字，实际为 {shown(ind.target)}")
        if _is_number(ind.target) and not math.isfinite(ind.target):  # type: ignore[arg-type]
            fail("target", "目标值应为有限数字（不能是 .inf 或 .nan）")
    if quantitative and ind.actual is not None and not _is_number(ind.actual):
        fail("actual", f"规则 {ind.rule} 的实际值应为数字，实际为 {ind.actual!r}")
    if quantitative and _is_number(ind.actual) and not math.isfinite(ind.actual):  # type: ignore[arg-type]
        fail("actual", "实际值应为有限数字")
    if quantitative and (ind.unit or "").strip() in COUNT_UNITS:
        for name in ("target", "actual"):
            value = getattr(ind, name)
            if _is_number(value) and value < 0:
                fail(name, f"计量单位为“{ind.unit}”的数量不能为负数，实际为 {value:g}")
    if ind.derive is not None and ind.actual is not None:
        fail("derive", "同时给出了 actual 与 derive，请只保留一个")
    if ind.survey is not None and (ind.actual is not None or ind.derive is not None):
        fail("survey", "实际值取自满意度调查时不能再给出 actual 或 derive")
    if ind.rule == "qualitative":
        if ind.tier is None:
            fail(
                "tier",
                "定性指标需要评价档次 tier",
                hint="可选：达成年度指标、部分达成年度指标并具有一定效果、未达成年度指标且效果较差",
            )
        try:
            tier = qualitative_tier(ind.tier)
        except ValueError as exc:
            fail("tier", str(exc))
        if ind.score is not None:
            lo, hi = tier.low * ind.weight, tier.high * ind.weight
            top = tier.high >= 1.0
            inside = lo - 1e-9 <= ind.score and (
                ind.score <= hi + 1e-9 if top else ind.score < hi - 1e-9
            )
            if not inside:
                bracket = "]" if top else ")"
                fail(
                    "score",
                    f"评分 {ind.score:g} 不在档次“{tier.name}”的分值范围 [{lo:g}, {hi:g}{bracket} 内",
                )
    elif ind.score is not None:
        fail("score", "只有定性指标（qualitative）可以直接给出评分 score")
    if ind.rule == "checklist":
        if ind.items:
            points = [it.points for it in ind.items]
            if any(p is not None for p in points):
                if any(p is None for p in points):
                    fail("items", "评价要点的分值 points 要么都给出，要么都不给")
                total = sum(points)  # type: ignore[arg-type]
                if abs(total - ind.weight) > 1e-6:
                    fail("items", f"评价要点分值合计 {total:g}，应等于指标分值 {ind.weight:g}")
        elif ind.met is None or ind.total is None:
            fail("items", "评价要点型指标需要 items（逐项列出是否满足），或 met 与 total")
        elif ind.met > ind.total:
            fail("met", f"满足要点数 {ind.met} 大于要点总数 {ind.total}")
    elif ind.items is not None or ind.met is not None or ind.total is not None:
        fail("items", "只有评价要点型指标（checklist）可以使用 items / met / total")


def allow_external_data() -> bool:
    """Whether data paths may point outside the case file's folder (``JIXIAO_ALLOW_EXTERNAL_DATA=1``)."""
    return os.environ.get("JIXIAO_ALLOW_EXTERNAL_DATA") == "1"


def resolve_data_path(case: Case, value: str, loc: tuple) -> Path:
    """Resolve a data path of a case against its folder; refuse absolute paths, paths that leave
    the folder (``../``, symlinks pointing out) unless allowed, and missing files."""
    if "\0" in value:
        raise CaseError(f"数据文件路径含有空字符（\\0）：{value!r}", field=loc)
    raw = Path(value)
    base = case.base_dir.resolve()
    if raw.is_absolute() and not allow_external_data():
        raise CaseError(
            f"数据文件应写相对案例文件的路径，不能是绝对路径：{value}",
            field=loc,
            hint="把数据文件放在案例文件所在目录（或其子目录）中",
        )
    full = (base / raw).resolve()
    if not full.is_relative_to(base) and not allow_external_data():
        raise CaseError(
            f"数据文件路径不能指向案例文件所在目录之外：{value}",
            field=loc,
            hint="确需引用外部文件时设置环境变量 JIXIAO_ALLOW_EXTERNAL_DATA=1",
        )
    if not full.is_file():
        raise CaseError(
            f"数据文件不存在：{value}（相对 {case.source or '案例文件'} 所在目录）", field=loc
        )
    try:
        check_data_file(full, value)
    except CaseError as exc:
        raise CaseError(exc.message, field=loc, hint=exc.hint) from None
    return full


MAX_DATA_FILE_BYTES = 50_000_000  # a data file (CSV, XLSX, evidence) as stored
MAX_XLSX_UNPACKED_BYTES = 200_000_000  # an .xlsx is a zip: its parts once unpacked


def check_data_file(path: Path, shown: str | None = None) -> None:
    """Refuse a data file too large to read safely: over :data:`MAX_DATA_FILE_BYTES` on disk, or
    an .xlsx whose parts unpack to more than :data:`MAX_XLSX_UNPACKED_BYTES` (a "zip bomb")."""
    import zipfile

    name = shown or path.name
    size = path.stat().st_size
    if size > MAX_DATA_FILE_BYTES:
        raise CaseError(
            f"数据文件 {name} 过大（{size / 1e6:.1f} MB，上限 {MAX_DATA_FILE_BYTES / 1e6:.0f} MB）",
            hint="请只保留评价所需的数据，或拆分为多个文件",
        )
    if path.suffix.lower() in {".csv", ".txt", ".tsv"}:
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = ""  # the reader names an undecodable file
        bad = _control_character(text.replace("\t", " "))
        if bad is not None:
            line, char = bad
            raise CaseError(
                f"数据文件 {name} 第 {line} 行含有不可见的控制字符 {char}",
                hint="控制字符、方向控制符和零宽字符会让显示的内容与实际内容不一致，请删除后再保存",
            )
    if path.suffix.lower() in {".xlsx", ".xlsm"} and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                unpacked = sum(info.file_size for info in zf.infolist())
        except (zipfile.BadZipFile, OSError):
            return  # the reader names a damaged workbook
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise CaseError(
                f"Excel 文件 {name} 解压后过大（{unpacked / 1e6:.0f} MB，"
                f"上限 {MAX_XLSX_UNPACKED_BYTES / 1e6:.0f} MB）",
                hint="请另存为只含所需数据的工作簿",
            )


# Amounts in 万元 per unit; a case amount above MAX_AMOUNT_WANYUAN (100 万亿元, above the whole
# national budget) is a slip of unit or digits, never a real budget.
AMOUNT_UNITS = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "十万元": 10.0, "百万元": 100.0, "亿元": 1e4}
MAX_AMOUNT_WANYUAN = 1e10


def check_amounts(amounts: Mapping[str, float | None], unit: str | None, field: tuple) -> None:
    """Refuse an amount beyond :data:`MAX_AMOUNT_WANYUAN` (in the given ``unit``; an unknown unit
    is taken as 万元 for the bound) naming its field."""
    factor = AMOUNT_UNITS.get((unit or "万元").strip(), 1.0)
    for key, value in amounts.items():
        if value is not None and abs(value) * factor > MAX_AMOUNT_WANYUAN:
            raise CaseError(
                f"金额 {value:,.2f}{unit or ''} 超出合理范围（上限 100 万亿元），可能是单位或位数有误",
                field=(*field, key),
            )


def _check_case(case: Case, *, check_data: bool = True) -> None:
    for loc, value in case.data_paths() if check_data else ():
        resolve_data_path(case, value, loc)
    limits = getattr(case, "grade_limits", None)
    if limits is not None:
        from methods._resources import load_yaml

        presets = load_yaml("grade_limits.yaml")["presets"]
        if limits not in presets:
            raise CaseError(
                f"未知的等级限定预设 {limits!r}（可用：{'、'.join(presets)}）",
                field=("grade_limits",),
                hint="common_local 为常见等级限定条款（待核实）；none 为按得分定级",
            )
    budget = case.budget
    if budget is not None:
        check_amounts(
            {k: getattr(budget, k) for k in ("planned", "allocated", "received", "spent")
             if hasattr(budget, k)},
            budget.unit,
            ("budget",),
        )  # fmt: skip
    if budget is not None and budget.spent is not None and budget.allocated is not None:
        if budget.spent > budget.allocated + 1e-9 and not budget.note:
            raise CaseError(
                f"执行数 {budget.spent:g} 大于全年预算数 {budget.allocated:g}，且未说明原因",
                field=("budget", "spent"),  # type: ignore[arg-type]
                hint="请核对数据，或在 budget.note 中说明（如：含上年结转资金）",
            )
    if case.grade_bands is None:
        pass
    elif isinstance(case.grade_bands, str):
        try:
            grade_bands(case.grade_bands)
        except ValueError as exc:
            raise CaseError(str(exc), field=("grade_bands",)) from None  # type: ignore[arg-type]
    else:
        lower: dict[float, str] = {}
        for label, bound in case.grade_bands.items():
            if not 0 <= bound <= 100:
                raise CaseError(
                    f"等级“{label}”的下限 {bound:g} 应在 0 到 100 之间",
                    field=("grade_bands", label),  # type: ignore[arg-type]
                )
            if bound in lower:
                raise CaseError(
                    f"等级“{label}”与“{lower[bound]}”的下限都是 {bound:g}，其中一个等级永远不会出现",
                    field=("grade_bands", label),  # type: ignore[arg-type]
                )
            lower[bound] = label
        if 0 not in lower:
            raise CaseError(
                "自定义等级缺少下限为 0 的最低等级：低于最低下限的得分将没有等级",
                field=("grade_bands",),  # type: ignore[arg-type]
                hint="例如 grade_bands: {优: 90, 良: 80, 中: 60, 差: 0}",
            )
    if isinstance(case, ScoredCase):
        seen: dict[str, int] = {}
        for i, ind in enumerate(case.indicators):
            if ind.code in seen:
                raise CaseError(
                    f"指标代码 '{ind.code}' 重复（与 indicators[{seen[ind.code]}] 相同）",
                    field=("indicators", i, "code"),  # type: ignore[arg-type]
                )
            seen[ind.code] = i
            _check_indicator(ind, i)
            if ind.derive is not None:
                value = getattr(case.budget, ind.derive)
                if value is None and ind.derive == "arrival_rate":
                    raise CaseError(
                        "资金到位率需要 budget.received（实际到位资金）和 budget.allocated（全年预算数）",
                        field=("indicators", i, "derive"),  # type: ignore[arg-type]
                        hint="年初预算与全年预算之差是预算调整，不是资金未到位；请填写实际到位资金",
                    )
                if value is None:
                    raise CaseError(
                        f"无法由预算数据计算 {DERIVED_ACTUALS[ind.derive]}：budget 缺少所需数据",
                        field=("indicators", i, "derive"),  # type: ignore[arg-type]
                    )
        if case.framework is not None:
            from methods import frameworks

            try:
                frameworks.get(case.framework)
            except CaseError as exc:
                raise CaseError(exc.message, field=("framework",), hint=exc.hint) from None  # type: ignore[arg-type]


def _list_item_model(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    """The model of the items of a ``list[Model]`` (or ``list[Model] | None``) field."""
    info = model.model_fields.get(key)
    if info is None:
        return None
    stack = [info.annotation]
    while stack:
        ann = stack.pop()
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return ann
        stack.extend(typing.get_args(ann))
    return None


def _literal_values(model: type[BaseModel], key: str) -> tuple[Any, ...] | None:
    """The allowed values of a ``Literal[...]`` (or ``Literal[...] | None``) field, else None."""
    info = model.model_fields.get(key)
    if info is None:
        return None
    stack, values = [info.annotation], []
    while stack:
        ann = stack.pop()
        if typing.get_origin(ann) is Literal:
            values.extend(typing.get_args(ann))
        else:
            stack.extend(typing.get_args(ann))
    return tuple(values) or None


def _expand_entries(entries: list, path: tuple, item_model: type[BaseModel], error) -> list:
    from methods import indicators as library

    fields = set(item_model.model_fields)
    rules = _literal_values(item_model, "rule")
    expanded = []
    for i, entry in enumerate(entries):
        if not (isinstance(entry, Mapping) and "ref" in entry):
            expanded.append(entry)
            continue
        try:
            item = library.expand_reference(entry)
        except ValueError as exc:
            raise error(
                CaseError(str(exc).removeprefix("ref: "), field=(*path, i, "ref"))
            ) from None
        # library fields this evaluation type's indicators do not have (e.g. ``derive`` on a
        # target sheet) are left behind; the entry's own fields are always checked
        item = {k: v for k, v in item.items() if k in entry or k in fields}
        if "ref" in fields:
            item["ref"] = entry["ref"]
        if rules is not None and "rule" not in entry and item.get("rule") not in rules:
            raise error(
                CaseError(
                    f"指标库指标 {entry['ref']} 的计分规则 {item.get('rule')} 不适用于本评价类型"
                    f"（可用：{'、'.join(map(str, rules))}）",
                    field=(*path, i, "ref"),
                    hint="在该条目中写明 rule，或改用其他指标",
                )
            )
        expanded.append(item)
    return expanded


def _expand_references(raw: dict[str, Any], error, model: type[BaseModel]) -> dict[str, Any]:
    """Indicators written as ``{ref: CODE, ...}`` inherit their definition from the indicator
    library (:func:`methods.indicators.expand_reference`); the entry's own fields win. Works for
    the case's ``indicators`` and for ``indicators`` of its ``projects`` (monitoring), keeping
    only the library fields the evaluation type's indicator model has."""

    def has_ref(entries: Any) -> bool:
        return isinstance(entries, list) and any(
            isinstance(e, Mapping) and "ref" in e for e in entries
        )

    out = raw
    item_model = _list_item_model(model, "indicators")
    if item_model is not None and has_ref(raw.get("indicators")):
        out = {
            **out,
            "indicators": _expand_entries(raw["indicators"], ("indicators",), item_model, error),
        }
    project_model = _list_item_model(model, "projects")
    projects = raw.get("projects")
    inner = _list_item_model(project_model, "indicators") if project_model else None
    if inner is not None and isinstance(projects, list):
        if any(isinstance(p, Mapping) and has_ref(p.get("indicators")) for p in projects):
            out = {
                **out,
                "projects": [
                    {
                        **p,
                        "indicators": _expand_entries(
                            p["indicators"], ("projects", j, "indicators"), inner, error
                        ),
                    }
                    if isinstance(p, Mapping) and has_ref(p.get("indicators"))
                    else p
                    for j, p in enumerate(projects)
                ],
            }
    return out


MAX_MAGNITUDE = 1e12
"""No number a case file holds is larger in magnitude (amounts in 元 of a national budget stay
below it): beyond it a value is a slip of digits or units, and numbers like 1e308 overflow."""
_NOT_BOUNDED = {"seed"}  # random seeds are identifiers, not quantities


def check_values(raw: Any, path: tuple = ()) -> None:
    """Every value of a case, whatever its field: text without control or invisible characters
    (also when written as YAML escapes such as ``"\\e[2J"``), keys that are not blank, finite
    numbers within :data:`MAX_MAGNITUDE`. Raises CaseError naming the field."""
    stack: list[tuple[Any, tuple]] = [(raw, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, Mapping):
            for k, v in value.items():
                if isinstance(k, str):
                    _check_text(k, (*where, k), key=True)
                stack.append((v, (*where, k)))
        elif isinstance(value, list | tuple):
            stack.extend((v, (*where, i)) for i, v in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, float) and not math.isfinite(value):
            raise CaseError("应为有限数字（不能是 .inf 或 .nan）", field=where)
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) > MAX_MAGNITUDE
            and not (where and where[-1] in _NOT_BOUNDED)
        ):
            raise CaseError(
                f"数值 {float(value):.4g} 超出合理范围（绝对值上限 10¹²），可能是单位或位数有误",
                field=where,
            )


def _check_text(text: str, where: tuple, *, key: bool = False) -> None:
    m = _CONTROL.search(text)
    if m is not None:
        what = "字段名" if key else "文本"
        raise CaseError(
            f"{what}含有不可见的控制字符 U+{ord(m.group()):04X}",
            field=where,
            hint="控制字符、方向控制符和零宽字符会让显示的内容与实际内容不一致，请删除",
        )
    if key and not text.strip():
        raise CaseError("字段名不能为空白", field=where)


_INTEGER_KEY = re.compile(r"-?(?:0|[1-9][0-9]*)")


def _integer_keys(value: Any) -> Any:
    """Nested mapping keys written as whole numbers (``{2025: 6800}``) become ints, whether the
    YAML gave an int or papermill handed the notebook the same mapping with text keys ("2025"):
    every route then validates the same mapping."""
    if isinstance(value, Mapping):
        return {
            (int(k) if isinstance(k, str) and _INTEGER_KEY.fullmatch(k) else k): _integer_keys(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_integer_keys(v) for v in value]
    return value


def validate_mapping(
    raw: Mapping[str, Any],
    *,
    source: str | None = None,
    base_dir: str | Path | None = None,
    lines: Mapping[tuple, int] | None = None,
    deep: bool = True,
    check_data: bool = True,
) -> Case:
    """Validate a parsed case mapping and return the frozen case model.

    Parameters
    ----------
    raw : mapping
        The case as parsed from YAML (or the notebook's papermill parameters).
    source : str, optional
        File name used in messages.
    base_dir : path, optional
        Folder that relative data paths resolve against (default: the current directory).
    lines : mapping, optional
        Field path → line number, from :func:`read_yaml`.
    deep : bool
        Also run the evaluation type's checks (indicator tree, frameworks).
    check_data : bool
        Check that the data files exist inside the case folder.

    Raises
    ------
    CaseError
        The first problem, naming the file, field and line.
    """
    lines = lines or {}
    raw = dict(raw)

    def error(exc: CaseError) -> CaseError:
        path = exc.field if isinstance(exc.field, tuple) else None
        if path is None:
            return exc.with_context(file=source)
        return CaseError(
            exc.message,
            file=exc.file or source,
            field=field_label(path, raw),
            line=exc.line or _line_for(path, lines),
            hint=exc.hint,
        )

    evaluation = raw.get("evaluation")
    if evaluation is None:
        raise error(CaseError("缺少必填字段 evaluation（评价类型）", field=("evaluation",)))  # type: ignore[arg-type]
    if not isinstance(evaluation, str) or evaluation not in EVALUATIONS:
        raise error(
            CaseError(
                f"未知的评价类型 {evaluation!r}",
                field=("evaluation",),  # type: ignore[arg-type]
                hint="可用：" + "、".join(f"{k}（{v.title}）" for k, v in EVALUATIONS.items()),
            )
        )
    etype = EVALUATIONS[evaluation]
    original = raw
    try:
        check_values(raw)
    except CaseError as exc:
        raise error(exc) from None
    raw = {k: _integer_keys(v) for k, v in raw.items()}
    raw = _expand_references(raw, error, etype.model)
    try:
        case = etype.model.model_validate(raw)
    except ValidationError as exc:
        err, path = _pick_error(exc.errors(include_url=False), raw)
        message = _pydantic_message(err, etype.model, path)
        raise error(CaseError(message, field=path)) from None  # type: ignore[arg-type]
    case._source = source
    case._base_dir = Path(base_dir).resolve() if base_dir is not None else Path.cwd()
    case._raw = original
    case._lines = dict(lines)
    try:
        _check_case(case, check_data=check_data)
        if deep and etype.check is not None:
            etype.check(case)
    except CaseError as exc:
        raise error(exc) from None
    return case


def load_case(path: str | Path, *, deep: bool = True, display: str | None = None) -> Case:
    """Read and validate a case file.

    Parameters
    ----------
    path : str or Path
        The YAML case file.
    deep : bool
        Also check the indicator tree and other evaluation-specific rules (default True).
    display : str, optional
        How to name the file in messages (default: ``path`` as given).

    Returns
    -------
    Case
        The validated, frozen case (a :class:`ScoredCase` for scored evaluations).

    Raises
    ------
    CaseError
        One message naming the file, the field and the line.

    Examples
    --------
    >>> case = load_case("parameters/examples/wujin_rural_sewage_2023.yaml")  # doctest: +SKIP
    >>> case.title  # doctest: +SKIP
    '武进区农村生活污水治理项目'
    """
    shown = display or str(path)
    raw, lines = read_yaml(path, display=shown)
    return validate_mapping(raw, source=shown, base_dir=Path(path).parent, lines=lines, deep=deep)


def validate(path: str | Path) -> Case:
    """Validate a case file completely (what ``jixiao validate`` runs)."""
    return load_case(path, deep=True)


def injected_names(namespace: Mapping[str, Any]) -> set[str] | None:
    """Names assigned by the cell papermill injected (its source starts with ``# Parameters``),
    found in the kernel's input history; None when no parameters were injected (the notebook runs
    with its own defaults, e.g. "Run All" in JupyterLab)."""
    import ast

    history = namespace.get("In") or namespace.get("_ih") or []
    for source in reversed(list(history)):
        if isinstance(source, str) and source.lstrip().startswith("# Parameters"):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return None
            return {
                t.id
                for node in tree.body
                if isinstance(node, ast.Assign)
                for t in node.targets
                if isinstance(t, ast.Name)
            }
    return None


_OCTAL_12 = re.compile(r"0o[0-7]+")


def _yaml11_numbers(value: Any) -> Any:
    """Numbers papermill handed over as text: its YAML 1.1 reader takes ``1e2``, ``9.0e3`` (an
    exponent without a sign or a dot) and ``0o17`` for text where the project's YAML 1.2 reader
    (``jixiao run``) takes numbers; read them as the same numbers, so both routes score alike."""
    if isinstance(value, str):
        text = value.strip()
        if "e" in text.lower() and _yaml.FLOAT_12.fullmatch(text):
            return float(text)
        if _OCTAL_12.fullmatch(text):
            return int(text[2:], 8)
        return value
    if isinstance(value, Mapping):
        return {k: _yaml11_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_yaml11_numbers(v) for v in value]
    return value


def from_parameters(namespace: Mapping[str, Any], evaluation: str) -> Case:
    """Build the case inside a report notebook from its papermill parameters.

    When papermill injected parameters, only the injected names are read: optional keys a case
    file leaves out do not inherit the notebook's example values.

    Picks the schema's keys present in ``namespace`` (the notebook's globals), so a notebook run by
    ``jixiao run`` and one run by plain ``papermill -f case.yaml --cwd <case folder>`` validate the
    same mapping. Relative data paths resolve against the working directory; when they are not
    found there and the notebook defines ``example_dir`` (the folder of its default example, used
    when the notebook is run as it stands in JupyterLab), they resolve against that folder.
    """
    model = EVALUATIONS[evaluation].model
    injected = injected_names(namespace)
    keys = [k for k in model.model_fields if k in namespace and (injected is None or k in injected)]
    raw = {k: _yaml11_numbers(namespace[k]) for k in keys}
    raw["evaluation"] = namespace.get("evaluation", evaluation)
    source = f"notebooks/{evaluation}.ipynb 参数"
    base_dir = Path.cwd()
    example_dir = namespace.get("example_dir")
    if example_dir:
        shallow = validate_mapping(
            raw, source=source, base_dir=base_dir, deep=False, check_data=False
        )
        paths = [Path(v) for _, v in shallow.data_paths()]
        if paths and not all((base_dir / p).is_file() for p in paths):
            if all((Path(example_dir) / p).is_file() for p in paths):
                base_dir = Path(example_dir)
    return validate_mapping(raw, source=source, base_dir=base_dir)


def is_case_file(path: Path) -> bool:
    """Whether a file looks like a case file (``*.yaml`` / ``*.yml`` not starting with ``_`` or ``.``)."""
    return path.suffix in {".yaml", ".yml"} and not path.name.startswith(("_", "."))


def find_case_files(paths: list[str | Path]) -> list[Path]:
    """Case files named directly or found (recursively) under folders, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*") if q.is_file() and is_case_file(q)))
        else:
            found.append(p)
    return found
