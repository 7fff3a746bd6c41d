"""The case model of ``evaluation: satisfaction`` (公众评判法 / 服务对象满意度调查) and its registration.

A satisfaction case names a respondent file (CSV or XLSX) and describes the questionnaire as data
in its ``survey:`` block: items with dimension, scale, labels, reverse-keyed flag, 不适用/不了解
codes, importance items, group columns, the sampling design (weights, strata, clusters, fpc),
known population margins and the index method. The analysis is
:mod:`methods.evaltypes.satisfaction.analysis`; the report outline
:mod:`methods.evaltypes.satisfaction.outline`. The respondent file is personal data: it is hashed
into ``provenance.json`` but never copied into the archive (:meth:`SatisfactionCase.private_paths`);
columns recognised as personal may only be named in ``drop`` (never as an item, group or design
column), and group breakdowns withhold cells of fewer than ``min_cell`` respondents.

The same :class:`SurveySpec` may be written inline as the ``survey:`` of a 满意度 indicator of a
project or self evaluation (:func:`methods.evaltypes.satisfaction.indicator_value`).

Only pydantic is imported here; the statistics are imported when a survey is analysed.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from methods.casefile import (
    Budget,
    Case,
    Conclusions,
    _Model,
)

DEFAULT_LABELS_1_5 = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}


class SurveyItem(_Model):
    """One questionnaire item (题目): a column of the respondent file."""

    column: str = Field(min_length=1, description="数据文件中的列名")
    text: str | None = Field(None, description="题目内容（简短，用于报告）")
    dimension: str | None = Field(None, description="所属维度（如 服务态度）")
    reverse: bool = Field(
        False, description="反向计分题（负向表述），分析前按 最小+最大−x 重新编码"
    )
    importance: str | None = Field(None, description="该题的重要性评分列（陈述重要性，用于 IPA）")


class WeightTrim(_Model):
    """Weight trimming (R's trimWeights): weights outside [lower, upper] are set to the bound."""

    lower: float | None = Field(None, gt=0, allow_inf_nan=False)
    upper: float | None = Field(None, gt=0, allow_inf_nan=False)


class SurveyDesign(_Model):
    """How the respondents were sampled (R's svydesign)."""

    weights: str | None = Field(None, description="抽样权重列（> 0）")
    strata: str | None = Field(None, description="分层列（如 镇街道）")
    cluster: str | None = Field(None, description="初级抽样单位（整群）列（如 社区）")
    fpc: str | None = Field(None, description="有限总体校正列：层的总体单位数或抽样比")
    nest: bool = Field(False, description="整群编号只在层内唯一")
    lonely_psu: Literal["certainty", "remove", "adjust", "average"] | None = Field(
        None, description="只有 1 个 PSU 的层如何计算方差（默认报错）"
    )
    trim: WeightTrim | None = None
    variance: Literal["taylor", "bootstrap", "jackknife"] = "taylor"
    replicates: int = Field(2000, ge=50, le=20000, description="自助法重复次数")
    seed: int = Field(20231130, description="自助法随机种子")


class Calibration(_Model):
    """Known population margins (e.g. 民政登记的服务对象 性别、年龄段 人数)."""

    method: Literal["rake", "poststratify"] = "rake"
    margins: dict[str, dict[str | int, float]] = Field(
        description="{变量: {类别: 总体数}}；poststratify 只能有一个变量"
    )


class SurveySpec(_Model):
    """The questionnaire as data: file, items, scale, codes, groups, design, index method."""

    data: str = Field(min_length=1, description="受访者数据文件（CSV 或 XLSX，相对案例文件）")
    sheet: str | int | None = Field(None, description="XLSX 工作表（名称或从 0 起的序号）")
    encoding: Literal["auto", "utf-8", "gbk", "gb18030"] = "auto"
    scale: list[int] = Field([1, 5], description="[最低等级, 最高等级]")
    labels: dict[int, str] | None = Field(None, description="等级标签，如 {5: 很满意, …}")
    na_codes: list[int | str] | dict[int | str, str] | None = Field(
        None,
        description="表示 不了解/不适用 的代码（计为缺失并单独统计），如 {8: 不了解, 9: 不适用}",
    )
    items: list[SurveyItem] = Field(min_length=1)
    overall: str | None = Field(None, description="总体满意度题目列（IPA 推导重要性、差异检验）")
    groups: list[str] = Field([], description="受访者分组列（如 镇街道、人群）")
    design: SurveyDesign = SurveyDesign()
    calibration: Calibration | None = None
    drop: list[str] = Field(
        [], description="读入时删除的个人信息列（姓名、电话等），不进入任何输出"
    )
    method: Literal["rate", "likert_points", "rescaled"] = "rate"
    satisfied: list[int] | None = Field(
        None, description="计为“满意”的等级（满意率）；默认高于量表中点的等级"
    )
    points: dict[int, float] | None = Field(None, description="各等级赋分（likert_points）")
    pooling: Literal["responses", "items"] = "responses"
    conf_level: float = Field(0.95, gt=0.5, lt=1)
    min_cell: int = Field(
        5,
        ge=3,
        description="统计披露控制的最小单元：受访者少于此数的分组不报告满意度估计（至少 3）",
    )
    population: int | None = Field(None, ge=1, description="调查对象总体规模（样本量评估）")
    margin: float = Field(0.05, gt=0, lt=0.5, description="样本量评估的允许误差（比例）")

    @field_validator("labels", "points", mode="before")
    @classmethod
    def _level_keys(cls, value: Any) -> Any:
        """Levels written as text keys ('5': …) are the same levels: papermill passes YAML
        mappings to the notebook with string keys."""
        if isinstance(value, dict):
            return {
                int(k) if isinstance(k, str) and re.fullmatch(r"-?\d+", k.strip()) else k: v
                for k, v in value.items()
            }
        return value


class SurveyRef(_Model):
    """A 满意度 indicator pointing at a satisfaction case file (``survey: {case: …}``)."""

    case: str = Field(min_length=1, description="满意度调查案例文件（相对本案例文件）")
    dimension: str | None = Field(None, description="取某一维度的指数（默认总体）")


class InlineSurvey(SurveySpec):
    """A 满意度 indicator with its survey written inline (``survey: {data: …, items: …}``)."""

    dimension: str | None = None


class ReliabilityOptions(_Model):
    missing: Literal["listwise", "pairwise"] = "listwise"
    ci_method: Literal["feldt", "bootstrap"] = "feldt"
    rotation: Literal["varimax", "promax", "oblimin", "none"] = "varimax"
    n_factors: int | None = Field(None, ge=1, description="因子数（默认由平行分析确定）")
    seed: int = 20231130


class IpaOptions(_Model):
    importance: Literal["stated", "derived_regression", "derived_correlation"] | None = Field(
        None, description="默认：有重要性题目时 stated，否则有总体满意度题目时 derived_correlation"
    )
    crosshair: Literal["midpoint", "mean"] = Field(
        "mean", description="象限分界：数据均值（默认）或量表中点"
    )


class IndicatorOptions(_Model):
    """How the index converts into 满意度 indicator points (positive rule)."""

    name: str = Field("服务对象满意度", min_length=1)
    weight: float = Field(10.0, gt=0, le=100, allow_inf_nan=False)
    target: float = Field(90.0, gt=0, le=100, allow_inf_nan=False)


class SatisfactionCase(Case):
    """A satisfaction survey (evaluation: satisfaction)."""

    budget: Budget | None = None  # type: ignore[assignment]
    overview: str | None = None
    evaluator: str | None = None
    survey: SurveySpec
    reliability: ReliabilityOptions = ReliabilityOptions()
    ipa: IpaOptions = IpaOptions()
    indicator: IndicatorOptions | None = None
    conclusions: Conclusions | None = None

    def data_paths(self) -> list[tuple[tuple, str]]:
        return [(("survey", "data"), self.survey.data)]

    def private_paths(self) -> set[str]:
        return {self.survey.data}
