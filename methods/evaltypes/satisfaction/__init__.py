"""服务对象满意度调查 (evaluation: satisfaction, 公众评判法): from a respondent file to a report and
to the actual value of a 满意度 indicator.

One home, split by topic:

- :mod:`.model`: the case model (``survey:`` spec, design, calibration, options) and its
  registration;
- :mod:`.reading`: the respondent file as evaluators receive it (CSV in UTF-8 / UTF-8 with BOM /
  GBK / GB18030, or XLSX), every problem naming the file, column and spreadsheet row;
- :mod:`.privacy`: personal data recognised by column name and content (never an item, group or
  design column; only ``drop`` may name it), messages that never quote a personal-looking cell,
  and the disclosure control of group breakdowns (:func:`withhold`: cells below
  ``survey.min_cell``, with complementary suppression; withheld groups published only as one
  merged row without their labels);
- :mod:`.prepare`: answers cleaned (labels, 不了解/不适用 codes, reverse-keyed items) and the
  sampling design built (weights, strata, clusters, fpc, calibration, replicates);
- :mod:`.indicator`: the link to scoring (:func:`indicator_data`, :func:`indicator_value`) for a
  满意度 indicator written ``survey: {case: …}`` or with its survey inline;
- :mod:`.analysis`: :func:`analyse` (indices with confidence intervals, reliability and validity,
  group comparisons, IPA, ordinal model, sample size, indicator points, conclusions);
- :mod:`.findings`: 存在的问题 (target, weak dimensions, low items, groups that differ), one
  改进建议 per problem, the 总体结论 paragraph and 其他需要说明的问题, in plain words;
- :mod:`.outline`: the report on the customary outline of a 满意度调查分析报告 (``section_*``,
  :data:`HEADINGS`, :data:`OUTLINE`, :func:`outline`) and :func:`results` (results.json).

The statistics are :mod:`methods.survey` and :mod:`methods.reliability`. No respondent row
reaches any output (tables are aggregates; the file is only hashed), and no error message quotes
a personal value.
"""

from methods.casefile import EvaluationType, register
from methods.evaltypes.satisfaction.analysis import SatisfactionAnalysis, analyse, check
from methods.evaltypes.satisfaction.indicator import (
    IndicatorValue,
    indicator_data,
    indicator_value,
)
from methods.evaltypes.satisfaction.model import (
    DEFAULT_LABELS_1_5,
    Calibration,
    IndicatorOptions,
    InlineSurvey,
    IpaOptions,
    ReliabilityOptions,
    SatisfactionCase,
    SurveyDesign,
    SurveyItem,
    SurveyRef,
    SurveySpec,
    WeightTrim,
)
from methods.evaltypes.satisfaction.outline import (
    HEADINGS,
    OUTLINE,
    answers_table,
    design_table,
    design_words,
    group_blocks,
    group_tests_blocks,
    index_blocks,
    indicator_blocks,
    ipa_blocks,
    outline,
    plot_index,
    plot_ipa,
    reliability_blocks,
    results,
    results_table,
    sample_blocks,
    section_advice,
    section_annex,
    section_basic,
    section_groups,
    section_other,
    section_problems,
    section_results,
    section_sample,
)
from methods.evaltypes.satisfaction.prepare import (
    DEFAULT_NA_TEXT,
    Prepared,
    design_label,
    prepare,
    satisfaction_table,
)
from methods.evaltypes.satisfaction.privacy import (
    MERGED_GROUPS,
    Personal,
    looks_personal,
    personal_column,
    personal_content,
    personal_header,
    used_columns,
    withhold,
)
from methods.evaltypes.satisfaction.reading import Table, cell_text, read_table

__all__ = [
    "DEFAULT_LABELS_1_5",
    "DEFAULT_NA_TEXT",
    "MERGED_GROUPS",
    "HEADINGS",
    "OUTLINE",
    "Calibration",
    "IndicatorOptions",
    "IndicatorValue",
    "InlineSurvey",
    "IpaOptions",
    "Personal",
    "Prepared",
    "ReliabilityOptions",
    "SatisfactionAnalysis",
    "SatisfactionCase",
    "SurveyDesign",
    "SurveyItem",
    "SurveyRef",
    "SurveySpec",
    "Table",
    "WeightTrim",
    "analyse",
    "answers_table",
    "cell_text",
    "check",
    "design_label",
    "design_table",
    "design_words",
    "group_blocks",
    "group_tests_blocks",
    "index_blocks",
    "indicator_blocks",
    "indicator_data",
    "indicator_value",
    "ipa_blocks",
    "looks_personal",
    "outline",
    "personal_column",
    "personal_content",
    "personal_header",
    "plot_index",
    "plot_ipa",
    "prepare",
    "read_table",
    "reliability_blocks",
    "results",
    "results_table",
    "sample_blocks",
    "satisfaction_table",
    "section_advice",
    "section_annex",
    "section_basic",
    "section_groups",
    "section_other",
    "section_problems",
    "section_results",
    "section_sample",
    "used_columns",
    "withhold",
]

register(
    EvaluationType(
        name="satisfaction",
        title="服务对象满意度调查",
        notebook="satisfaction.ipynb",
        model=SatisfactionCase,
        check=check,
        report_kind="分析报告",
    )
)
