"""Training course support (培训课程): exercises with immediate feedback, and the trainer's answer key.

The course is ``notebooks/training/01_…ipynb`` to ``07_…ipynb``. Its exercises are data, in
``methods/_data/training/exercises.yaml``: each has an id (``"2.1"``: notebook 2, exercise 1), its
notebook, the question, a prompt shown while it is unanswered, a type (``number``, ``choice``,
``sequence`` or ``text``), the expected answer, a tolerance, the source of its numbers, and hints
keyed by the mistakes people commonly make (``wrong_answers: [{value: …, hint: …}]``).

Wherever possible the expected answer (and a wrong answer that a hint recognises) is not written
down but *computed* by the project's own methods when the exercise is checked, e.g.::

    expected:
      call: scoring.score_indicator          # methods.scoring.score_indicator
      args: [positive, 8]
      kwargs: {target: 120, actual: 118}

A computation spec is a mapping with ``call`` (``module.function`` under :mod:`methods`), optional
``args`` / ``kwargs`` (which may hold further specs, ``{example: NAME}`` for the path of
``parameters/examples/NAME`` and ``{frame: {column: values}}`` for a DataFrame), ``get`` (a list of
attributes, keys or indexes applied to the result) and ``round`` / ``scale``.

In a notebook::

    答案_2_1 = None  # 在此填写：该指标的得分
    答案_2_1 = training.answer("2.1", 答案_2_1, use_answer_key)  # 训练师模式下自动填入参考答案
    training.check("2.1", 答案_2_1)

:func:`check` prints ``✔ 正确`` or a hint and returns True / False; an unanswered exercise
(``None``) prints ``尚未作答：…`` and returns False, so a notebook shipped unanswered runs top to
bottom. Trainers run every exercise with ``papermill … -p use_answer_key True``.

Tables the lessons show go through :func:`table`: Chinese column names (:data:`COLUMNS`), "—"
for a missing value, 是/否 for True/False.

This module also builds the small throwaway case library of lesson 7 (:func:`build_library`):
cases scored with :func:`methods.evaluation.evaluate` and archived without executing their report
notebooks, so the lesson runs in seconds (``jixiao batch`` builds the real thing).

Report notebooks built from archived cases (结果应用, 考核) call :func:`example_library` before
reading their case: run as they stand ("运行全部" in JupyterLab, e.g. from a fresh clone), they
first archive the example cases into the project's ``case_library/`` when the library lacks them,
as ``make demo`` does; a case run by ``jixiao run``/``batch``/papermill is left untouched.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import math
import numbers
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from methods import _format as fmt
from methods import _yaml, documents
from methods._resources import data_path

__all__ = [
    "Exercise",
    "answer",
    "answer_key",
    "build_library",
    "check",
    "evaluate_example",
    "example_library",
    "example_path",
    "example_value",
    "exercise",
    "exercises",
    "library_benchmark",
    "load_example",
    "question",
    "recommended_budget",
    "summary",
    "table",
]

EXERCISES_FILE = data_path("training", "exercises.yaml")
TYPES = ("number", "choice", "sequence", "text")
CORRECT = "✔ 正确"
WRONG = "✘ 还不对"
UNANSWERED = "尚未作答"

_results: dict[str, bool] = {}  # latest outcome per exercise in this kernel (for summary())


# ---------------------------------------------------------------------------------------------
# The exercises (data)


@dataclass(frozen=True)
class Exercise:
    """One exercise as defined in ``exercises.yaml``."""

    id: str
    notebook: str
    title: str
    question: str
    prompt: str
    type: str
    expected: Any
    source: str
    tolerance: float = 0.005
    decimals: int | None = None
    near: float | None = None
    near_hint: str | None = None
    unit: str | None = None
    options: tuple[str, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    wrong_answers: tuple[Mapping[str, Any], ...] = ()
    item_hints: Mapping[str, str] = field(default_factory=dict)
    hint: str | None = None
    explanation: str | None = None


@cache
def _load() -> dict[str, Exercise]:
    with EXERCISES_FILE.open(encoding="utf-8") as fh:
        raw = _yaml.load(fh.read())
    out: dict[str, Exercise] = {}
    for entry in raw["exercises"]:
        ex_id = str(entry["id"])
        if ex_id in out:
            raise ValueError(f"练习编号重复：{ex_id}")
        kind = entry["type"]
        if kind not in TYPES:
            raise ValueError(f"练习 {ex_id} 的类型 '{kind}' 未知（可用：{'、'.join(TYPES)}）")
        aliases = {str(k): tuple(map(str, v)) for k, v in (entry.get("aliases") or {}).items()}
        vocab = entry.get("vocabulary")
        if vocab:
            for key, words in _vocabulary(vocab).items():
                aliases[key] = tuple(dict.fromkeys((*aliases.get(key, ()), *words)))
        out[ex_id] = Exercise(
            id=ex_id,
            notebook=str(entry["notebook"]),
            title=entry["title"],
            question=entry["question"].strip(),
            prompt=entry["prompt"],
            type=kind,
            expected=entry["expected"],
            source=documents.cite(entry["source"]),
            tolerance=float(entry.get("tolerance", 0.005 if kind == "number" else 0.0)),
            decimals=entry.get("decimals"),
            near=entry.get("near"),
            near_hint=entry.get("near_hint"),
            unit=entry.get("unit"),
            options=tuple(map(str, entry.get("options") or ())),
            aliases=aliases,
            wrong_answers=tuple(entry.get("wrong_answers") or ()),
            item_hints={str(k): v for k, v in (entry.get("item_hints") or {}).items()},
            hint=entry.get("hint"),
            explanation=entry.get("explanation"),
        )
    return out


def _vocabulary(name: str) -> dict[str, tuple[str, ...]]:
    """Aliases from the project's own vocabularies (code → Chinese names)."""
    from methods import casefile
    from methods.evaltypes import monitoring

    if name == "evaluations":
        return {k: (v.title,) for k, v in casefile.EVALUATIONS.items()}
    if name == "budget_types":
        return {k: (v,) for k, v in casefile.BUDGET_TYPES.items()}
    if name == "lights":
        return {
            k: (monitoring.light_name(k), monitoring.light_name(k).removesuffix("灯"))
            for k in monitoring.LIGHTS
        }
    raise ValueError(f"未知的词表 '{name}'")


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id (``"2.1"``); KeyError naming the known ids otherwise."""
    key = str(exercise_id).strip()
    table = _load()
    if key not in table:
        raise KeyError(f"没有编号为 {key} 的练习（共有：{'、'.join(table)}）")
    return table[key]


def exercises(notebook: str | None = None):
    """All exercises (or one notebook's, by its number ``"02"`` or file name) as a DataFrame:
    ``id``, ``notebook``, ``title``, ``type``, ``source``."""
    import pandas as pd

    rows = [
        {"id": e.id, "notebook": e.notebook, "title": e.title, "type": e.type, "source": e.source}
        for e in _load().values()
        if notebook is None or _same_notebook(e.notebook, notebook)
    ]
    return pd.DataFrame(rows, columns=["id", "notebook", "title", "type", "source"])


def _same_notebook(name: str, wanted: str) -> bool:
    wanted = str(wanted)
    return (
        name == wanted
        or name.startswith(wanted.zfill(2) + "_")
        or name.removesuffix(".ipynb") == wanted.removesuffix(".ipynb")
    )


def question(exercise_id: str) -> str:
    """The question text of an exercise."""
    return exercise(exercise_id).question


# ---------------------------------------------------------------------------------------------
# Computing expected answers with the project's methods


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def example_path(name: str) -> Path:
    """Path of an example case file (``parameters/examples/NAME``) of this project.

    Looked up beside the package (editable install) and then upwards from the working
    directory, so notebooks run from ``notebooks/training`` find it."""
    candidates = [_repo_root() / "parameters" / "examples" / name]
    here = Path.cwd().resolve()
    candidates += [p / "parameters" / "examples" / name for p in (here, *here.parents)]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(f"找不到示例案例文件 parameters/examples/{name}")


def load_example(
    name: str,
    indicators: Mapping[str, Mapping[str, Any] | None] | None = None,
    *,
    standards: bool = False,
    **top: Any,
) -> dict[str, Any]:
    """An example case file as a mapping, optionally changed for a what-if exercise.

    Parameters
    ----------
    name : str
        File name in ``parameters/examples`` (e.g. ``"wujin_rural_sewage_2023.yaml"``).
    indicators : mapping code → {field: value}, optional
        Fields to change per indicator (a value of None removes the field).
    standards : bool
        Keep ``target_from`` (历史标准 / 行业标准 from a case library). Default False: the
        indicators use their own fallback ``target``, so results never depend on a library.
    **top
        Top-level keys to replace (e.g. ``grade_bands="local_80"``).
    """
    raw = _yaml.load(example_path(name).read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    wanted = dict(indicators or {})
    for ind in raw.get("indicators") or []:
        if not standards:
            ind.pop("target_from", None)
        for key, value in (wanted.pop(ind.get("code"), None) or {}).items():
            if value is None:
                ind.pop(key, None)
            else:
                ind[key] = value
    if wanted:
        raise KeyError(f"示例 {name} 中没有指标 {'、'.join(wanted)}")
    raw.update(top)
    return raw


def evaluate_example(
    name: str,
    indicators: Mapping[str, Mapping[str, Any] | None] | None = None,
    *,
    library: str | Path | None = None,
    **top: Any,
):
    """Score an example case (optionally changed, see :func:`load_example`) with
    :func:`methods.evaluation.evaluate`. With ``library`` the indicators keep their ``target_from``
    and take their standards from that case library."""
    from methods import casefile, evaluation

    raw = load_example(name, indicators, standards=library is not None, **top)
    if library is not None:
        raw["library"] = str(Path(library).resolve())
    case = casefile.validate_mapping(raw, base_dir=example_path(name).parent)
    return evaluation.evaluate(case)


def example_value(
    example: str,
    what: str,
    code: str | None = None,
    indicators: Mapping[str, Mapping[str, Any] | None] | None = None,
    library_from: Sequence[str] | None = None,
    **top: Any,
) -> Any:
    """One number or word from an example case, for exercises.

    ``what``: a column of the scored indicator table (``score``, ``weight``, ``target`` …, with
    ``code``), ``total``, ``grade``, ``execution_rate``, ``arrival_rate``, or a top-level key of
    the case file (``evaluation``, ``budget_type`` …). ``library_from``: example cases archived
    first into a temporary library that the case takes its standards from (历史标准).
    """
    if what in ("total", "grade", "execution_rate", "arrival_rate") or code is not None:
        if library_from:
            import tempfile

            with tempfile.TemporaryDirectory(prefix="jixiao-training-") as tmp:
                build_library(tmp, library_from)
                ev = evaluate_example(example, indicators, library=tmp, **top)
        else:
            ev = evaluate_example(example, indicators, **top)
        if what in ("total", "grade"):
            return getattr(ev, what)
        if what in ("execution_rate", "arrival_rate"):
            return getattr(ev.case.budget, what)
        row = ev.table[ev.table["code"] == code]
        if row.empty:
            raise KeyError(f"示例 {example} 中没有指标 {code}")
        value = row.iloc[0][what]
        return value.item() if hasattr(value, "item") else value
    raw = load_example(example, indicators, **top)
    if what not in raw:
        raise KeyError(f"示例 {example} 中没有字段 {what}")
    return raw[what]


def recommended_budget(
    grade: str,
    request: float,
    cut_ratio: float | None = None,
    grade_map: str = "grade_linkage_common",
) -> float:
    """Next year's recommended budget for a grade (结果应用), with the map of
    :func:`methods.evaltypes.results_application.grade_map`: request × factor, 2 dp."""
    from types import SimpleNamespace

    from methods.evaltypes import results_application

    gmap, _ = results_application.grade_map(
        SimpleNamespace(grade_map=grade_map, cut_ratio=cut_ratio)
    )
    return fmt.round_half_up(float(request) * gmap[grade]["factor"], 2)


def _resolve(spec: Any) -> Any:
    """Evaluate a computation spec (see the module docstring); plain values pass through."""
    if isinstance(spec, list):
        return [_resolve(v) for v in spec]
    if not isinstance(spec, Mapping):
        return spec
    if set(spec) == {"example"}:
        return str(example_path(spec["example"]))
    if set(spec) == {"frame"}:
        import pandas as pd

        return pd.DataFrame({k: _resolve(v) for k, v in spec["frame"].items()})
    if "call" not in spec:
        return {k: _resolve(v) for k, v in spec.items()}
    module_name, _, func_name = str(spec["call"]).rpartition(".")
    module = importlib.import_module(f"methods.{module_name}")
    func = getattr(module, func_name)
    args = [_resolve(a) for a in spec.get("args") or []]
    kwargs = {k: _resolve(v) for k, v in (spec.get("kwargs") or {}).items()}
    value = func(*args, **kwargs)
    for step in spec.get("get") or []:
        value = _step(value, _resolve(step))
    if hasattr(value, "item") and not isinstance(value, str) and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if "scale" in spec:
        value = _scale(value, float(spec["scale"]))
    if "round" in spec:
        value = _round(value, int(spec["round"]))
    return value


def _step(value: Any, step: Any) -> Any:
    import numpy as np
    import pandas as pd

    if (
        isinstance(step, str)
        and hasattr(value, step)
        and not isinstance(value, pd.DataFrame | dict)
    ):
        return getattr(value, step)
    if isinstance(value, pd.Series) and not isinstance(step, int):
        return value[step]
    if isinstance(value, pd.Series):
        return value.iloc[step]
    if isinstance(value, pd.DataFrame) and isinstance(step, str):
        return value[step]
    if isinstance(value, np.ndarray):
        return value[step]
    return value[step]


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, list | tuple):
        return [_scale(v, factor) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, numbers.Number):
        return [_scale(v, factor) for v in value.tolist()]
    return float(value) * factor


def _round(value: Any, digits: int) -> Any:
    if isinstance(value, list | tuple):
        return [_round(v, digits) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, numbers.Number):
        return [_round(v, digits) for v in value.tolist()]
    return fmt.round_half_up(float(value), digits)


_key_cache: dict[str, Any] = {}


def answer_key(exercise_id: str) -> Any:
    """The reference answer of an exercise (computed by the project's methods where the exercise
    says so), for trainers. Numbers are floats, choices the canonical option, sequences lists."""
    ex = exercise(exercise_id)
    if ex.id not in _key_cache:
        value = _resolve(ex.expected)
        if ex.type == "number":
            value = float(value)
            if ex.decimals is not None:
                value = fmt.round_half_up(value, ex.decimals)
        elif ex.type == "sequence":
            value = list(value)
        else:
            value = str(value)
        _key_cache[ex.id] = value
    return copy.deepcopy(_key_cache[ex.id])


def _wrong_values(ex: Exercise) -> list[tuple[Any, str, float | None]]:
    key = f"{ex.id}#wrong"
    if key not in _key_cache:
        _key_cache[key] = [
            (_resolve(w["value"]), w["hint"], w.get("tolerance")) for w in ex.wrong_answers
        ]
    return _key_cache[key]


# ---------------------------------------------------------------------------------------------
# Checking answers


def answer(exercise_id: str, value: Any, use_answer_key: bool = False) -> Any:
    """The learner's ``value``, or in trainer mode (``use_answer_key``) the reference answer."""
    if use_answer_key:
        return answer_key(exercise_id)
    return value


def _norm(text: Any) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return "".join(s.split())


def _canonical(ex: Exercise, value: Any) -> str | None:
    """The canonical option / word an answer stands for (aliases resolved), or None."""
    n = _norm(value)
    for key, words in ex.aliases.items():
        if n == _norm(key) or any(n == _norm(w) for w in words):
            return key
    for opt in ex.options:
        if n == _norm(opt):
            return opt
    return None


def _same_word(ex: Exercise, a: Any, b: Any) -> bool:
    ca, cb = _canonical(ex, a), _canonical(ex, b)
    if ca is not None and cb is not None:
        return ca == cb
    return _norm(a) == _norm(b)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _as_number(value.item())
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
        text = text.removesuffix("%")
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _close(a: float, b: float, tol: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= tol + 1e-9 * max(1.0, abs(b))


def _say(ok: bool, ex: Exercise, message: str) -> bool:
    _results[ex.id] = ok
    print(message)
    return ok


def _fail(ex: Exercise, hint: str) -> bool:
    return _say(False, ex, f"{WRONG}（练习 {ex.id}）：{hint}")


def _default_hint(ex: Exercise) -> str:
    return ex.hint or "再对照一下上面的公式和数据，重新算一遍。"


def _check_number(ex: Exercise, value: Any) -> bool:
    a = _as_number(value)
    if a is None:
        return _fail(ex, f"请填写一个数字（不带单位），例如 12.34；你填的是 {value!r}")
    expected = answer_key(ex.id)
    tol = ex.tolerance
    if _close(a, expected, tol):
        return _correct(ex)
    for wrong, hint, wtol in _wrong_values(ex):
        w = _as_number(wrong)
        if w is not None and _close(a, w, tol if wtol is None else float(wtol)):
            return _fail(ex, hint)
    if expected != 0 and _close(-a, expected, tol):
        return _fail(ex, "符号反了：检查一下正负号（收益为正、成本为负）。")
    if expected != 0 and (_close(a * 100, expected, tol) or _close(a / 100, expected, tol)):
        unit = f"（{ex.unit}）" if ex.unit else ""
        return _fail(ex, f"数量级差了 100 倍：注意题目要求的单位{unit}，是百分数还是小数。")
    decimals = 2 if ex.decimals is None else ex.decimals
    near = ex.near if ex.near is not None else 5 * 10.0**-decimals
    if _close(a, expected, near):
        digits = {0: "整数", 1: "一位小数", 2: "两位小数", 3: "三位小数", 4: "四位小数"}
        default = f"注意四舍五入到{digits.get(decimals, f' {decimals} 位小数')}"
        return _fail(ex, f"差得不远：{ex.near_hint or default}。")
    return _fail(ex, _default_hint(ex))


def _check_word(ex: Exercise, value: Any) -> bool:
    if not isinstance(value, str | numbers.Number) or isinstance(value, bool):
        return _fail(
            ex, f'请填写文字答案（字符串），例如 "{ex.options[0] if ex.options else "……"}"'
        )
    expected = answer_key(ex.id)
    if _same_word(ex, value, expected):
        return _correct(ex)
    for wrong, hint, _ in _wrong_values(ex):
        if _same_word(ex, value, wrong):
            return _fail(ex, hint)
    if ex.type == "choice" and _canonical(ex, value) is None:
        return _fail(ex, f"“{value}”不是选项之一，请从以下选项中选择：{'、'.join(ex.options)}")
    return _fail(ex, _default_hint(ex))


def _items_equal(ex: Exercise, a: Any, b: Any) -> bool:
    na, nb = _as_number(a), _as_number(b)
    if isinstance(b, numbers.Real) and not isinstance(b, bool):
        return na is not None and nb is not None and _close(na, nb, ex.tolerance)
    return _same_word(ex, a, b)


def _check_sequence(ex: Exercise, value: Any) -> bool:
    if isinstance(value, str) or not isinstance(value, Sequence):
        if hasattr(value, "tolist"):
            value = value.tolist()
        else:
            return _fail(ex, '请填写一个列表，例如 ["第一项", "第二项"]（用方括号，逗号分隔）')
    value = list(value)
    expected = answer_key(ex.id)
    if len(value) == len(expected) and all(
        _items_equal(ex, a, b) for a, b in zip(value, expected, strict=True)
    ):
        return _correct(ex)
    for wrong, hint, _ in _wrong_values(ex):
        if len(wrong) == len(value) and all(
            _items_equal(ex, a, b) for a, b in zip(value, wrong, strict=True)
        ):
            return _fail(ex, hint)
    numeric = all(isinstance(b, numbers.Real) for b in expected)
    if numeric:
        if len(value) != len(expected):
            return _fail(ex, f"个数不对：答案应有 {len(expected)} 个数。{ex.hint or ''}".strip())
        return _fail(ex, _default_hint(ex))
    missing = [b for b in expected if not any(_items_equal(ex, a, b) for a in value)]
    extra = [a for a in value if not any(_items_equal(ex, a, b) for b in expected)]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"缺少：{'、'.join(map(str, missing))}")
        if extra:
            parts.append(f"多了或写法不对：{'、'.join(map(str, extra))}")
        return _fail(ex, f"应包含全部 {len(expected)} 项（{'；'.join(parts)}）。")
    if len(value) != len(expected):
        return _fail(ex, f"有重复的项：答案应恰好 {len(expected)} 项、各出现一次。")
    for pos, (a, b) in enumerate(zip(value, expected, strict=True), start=1):
        if not _items_equal(ex, a, b):
            extra_hint = ex.item_hints.get(str(_canonical(ex, b) or b), "")
            return _fail(ex, f"第 {pos} 项不对（你填的是“{a}”）。{extra_hint}".strip())
    return _fail(ex, _default_hint(ex))  # pragma: no cover - unreachable


def _correct(ex: Exercise) -> bool:
    text = CORRECT
    if ex.explanation:
        text += f"：{ex.explanation}"
    return _say(True, ex, text)


def check(exercise_id: str, answer: Any) -> bool:
    """Check a learner's answer and print feedback.

    Prints ``✔ 正确`` (with a short explanation where the exercise has one), or ``✘ 还不对`` and a
    hint about what probably went wrong (a known wrong answer's own hint, a sign or unit slip, a
    rounding slip, or the exercise's general hint). ``None`` prints ``尚未作答：`` and the prompt.
    Never raises on a learner's answer.

    Returns
    -------
    bool
        True when the answer is right (within the exercise's tolerance).

    Examples
    --------
    >>> check("2.1", 7.87)  # doctest: +SKIP
    ✔ 正确
    True
    """
    ex = exercise(exercise_id)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _say(False, ex, f"{UNANSWERED}（练习 {ex.id}）：{ex.prompt}")
    try:
        answer_key(ex.id)
    except Exception as exc:  # noqa: BLE001 - a broken exercise must not stop a learner's notebook
        return _fail(ex, f"参考答案计算出错，请告诉培训老师（{type(exc).__name__}: {exc}）。")
    try:
        if ex.type == "number":
            return _check_number(ex, answer)
        if ex.type == "sequence":
            return _check_sequence(ex, answer)
        return _check_word(ex, answer)
    except Exception as exc:  # noqa: BLE001 - a learner's odd input must never stop the notebook
        return _fail(ex, f"无法判断这个答案（{type(exc).__name__}: {exc}），请检查填写格式。")


def summary(notebook: str | None = None) -> dict[str, bool | None]:
    """Print how many exercises of a notebook (or all) were answered correctly in this session;
    return {id: True / False / None (not checked yet)}."""
    ids = [
        e.id for e in _load().values() if notebook is None or _same_notebook(e.notebook, notebook)
    ]
    state = {i: _results.get(i) for i in ids}
    right = [i for i, v in state.items() if v]
    todo = [i for i, v in state.items() if not v]
    print(f"本课练习 {len(ids)} 道：已答对 {len(right)} 道。", end="")
    print(f"待完成：{'、'.join(todo)}" if todo else "全部完成，祝贺！")
    return state


# ---------------------------------------------------------------------------------------------
# Tables shown in the lessons


COLUMNS: dict[str, str] = {
    # indicators and scores
    "code": "编号",
    "name": "指标名称",
    "level1": "一级指标",
    "level2": "二级指标",
    "weight": "分值",
    "rule": "计分规则",
    "target": "目标值",
    "actual": "实际值",
    "unit": "单位",
    "score": "得分",
    "lost": "扣分",
    "reason": "扣分原因",
    "rate": "得分率（%）",
    # monitoring
    "expected": "应完成值",
    "likelihood": "完成可能性",
    "mode": "进度口径",
    "v": "进度比 v",
    "light": "灯色",
    # weights
    "round": "轮次",
    "indicator": "指标",
    "n_experts": "专家数",
    "mean": "均值",
    "sd": "标准差",
    "cv": "变异系数",
    "cv_ok": "变异系数 ≤ 0.25",
    "criterion": "指标",
    "type": "方向",
    "std": "标准差",
    "conflict": "冲突性",
    "information": "信息量",
    # surveys
    "estimate": "估计值",
    "se": "标准误",
    "ci_low": "95% 置信区间下限",
    "ci_high": "95% 置信区间上限",
    "n_respondents": "受访者数",
    "item": "题目",
    "n": "样本数",
    "item_total_r": "校正题总相关",
    "alpha_if_deleted": "删除该题后的 α",
    # case library and results application
    "year": "年度",
    "case_id": "案例编号",
    "title": "项目名称",
    "department": "部门",
    "total_score": "总分",
    "grade": "等级",
    "action": "处理方式",
    "factor": "预算系数",
    "request": "申报数（万元）",
    "recommended": "建议安排数（万元）",
    "no": "序号",
    "problem": "问题",
    "deadline": "整改期限",
    "status": "状态",
    "vintage": "年份",
    "actual_mean": "实际值均值",
}
BLANK = "—"


def column_name(column: Any) -> Any:
    """The Chinese header of a column name used by the project's methods (``score`` → 得分,
    ``actual_p50`` → 实际值 P50（actual_p50）); other names unchanged."""
    if not isinstance(column, str):
        return column
    if column in COLUMNS:
        return COLUMNS[column]
    for prefix, label in (("actual_p", "实际值"), ("score_rate_p", "得分率（%）")):
        if column.startswith(prefix) and column[len(prefix) :].isdigit():
            return f"{label} P{column[len(prefix) :]}（{column}）"
    return column


def table(
    frame: Any,
    columns: Mapping[str, str] | None = None,
    *,
    transpose: bool = False,
    blank: str = BLANK,
):
    """A DataFrame (or Series) ready to show in a lesson: columns and the index named in Chinese
    (``columns`` first, then :data:`COLUMNS`), missing values shown as ``blank`` ("—") instead of
    NaN/None, True/False as 是/否 and whole numbers without a trailing ``.0``. ``transpose``
    shows one row per column (each value keeps its own form)."""
    import pandas as pd

    df = frame.to_frame() if isinstance(frame, pd.Series) else frame.copy()
    extra = dict(columns or {})

    def name(c: Any) -> Any:
        return extra[c] if isinstance(c, str) and c in extra else column_name(c)

    df = df.rename(columns=name)
    df.columns.name = name(df.columns.name)
    df.index.names = [name(n) for n in df.index.names]
    for col in df.columns:
        values = df[col]
        if values.dtype == bool:
            df[col] = values.map({True: "是", False: "否"})
        elif (
            values.dtype == object
            or values.isna().any()
            or (values.dtype.kind == "f" and bool((values % 1 == 0).all()))
        ):
            df[col] = pd.Series([_shown(v, blank) for v in values], index=df.index, dtype=object)
    return df.astype(object).T if transpose else df


def _shown(value: Any, blank: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return blank
    try:
        import pandas as pd

        if pd.isna(value) is True:
            return blank
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# ---------------------------------------------------------------------------------------------
# A small case library for lesson 7, without executing report notebooks


def build_library(root: str | Path, examples: Sequence[str]):
    """Archive example cases into a (new or existing) case library, fast.

    Each case is scored with :func:`methods.evaluation.evaluate` (taking 历史标准 from the cases
    archived before it in the same library) and archived with its ``results.json``, the case
    file, a provenance record and a placeholder ``report.html``: the report notebook is *not*
    executed. For teaching only; ``jixiao run`` / ``jixiao batch`` build real archives.

    Returns
    -------
    methods.library.Library
    """
    from methods import casefile, evaluation, report, runner
    from methods.library import Library

    lib = Library(root)
    for name in examples:
        path = example_path(name)
        raw = load_example(name, standards=True)
        raw["library"] = str(Path(root).resolve())
        case = casefile.validate_mapping(raw, base_dir=path.parent, source=str(path))
        ev = evaluation.evaluate(case)
        results = report.results(ev)
        text = path.read_bytes()
        html = (
            "<html><body><p>教学用案例库：本案例只存评分结果，未执行报告 notebook。"
            "正式报告请用 jixiao run / jixiao batch 生成。</p></body></html>"
        ).encode()
        files = {
            "report.html": html,
            "results.json": runner.dumps_json(results).encode("utf-8"),
            "parameters.yaml": text,
        }
        now = datetime.now(UTC).isoformat(timespec="seconds")
        provenance = {
            "case_id": case.case_id,
            "year": case.year,
            "runner": "methods.training.build_library（教学用，未执行 notebook）",
            "finished_at": now,
            "files": {k: hashlib.sha256(v).hexdigest() for k, v in sorted(files.items())},
        }
        files["provenance.json"] = runner.dumps_json(provenance).encode("utf-8")
        digest = hashlib.sha256(text).hexdigest()
        record = runner.case_record(
            case,
            results,
            files,
            source=path,
            input_hash=digest,
            case_hash=digest,
            notebook_hash="",
            package_hash="",
            archived_at=now,
        )
        runner.archive(runner.Artifacts(case.case_id, case.year, files, record, results, {}), lib)
    return lib


def library_benchmark(examples: Sequence[str], indicator: str, column: str) -> float:
    """One figure of :func:`methods.library.benchmark` over a temporary library built from
    example cases (for exercises)."""
    import tempfile

    from methods import library

    with tempfile.TemporaryDirectory(prefix="jixiao-training-") as tmp:
        lib = build_library(tmp, examples)
        table = library.benchmark(lib, indicator)
    return float(table[column].iloc[0])


# ---------------------------------------------------------------------------------------------
# The library a report notebook's own example reads ("运行全部" in JupyterLab)


def example_library(namespace: Mapping[str, Any]) -> Path | None:
    """Archive the example cases into the project's case library when a report notebook built
    from archived cases (结果应用, 考核) runs its own example as it stands.

    Run as it stands ("运行全部" in JupyterLab), such a notebook computes the example case its
    parameters cell holds (``parameters/examples``), which reads earlier years' example cases
    from a library. When the library the notebook would read (``$JIXIAO_LIBRARY``, else the
    project's ``case_library/``) does not hold every example case, the examples in
    ``example_dir`` are archived into the project's ``case_library/`` by
    :func:`methods.batch.run_batch`, as ``make demo`` does (unchanged cases skipped), and this
    kernel reads that library from then on (``$JIXIAO_LIBRARY``). Each step is printed.

    Does nothing and returns None when papermill injected the parameters (``jixiao run``,
    ``jixiao batch``, ``papermill -f case.yaml``: the case's own library is read as always, so
    what they compute never depends on this function), when the parameters name a ``library``,
    when the evaluation type reads no library or when the notebook has no ``example_dir``.

    Returns
    -------
    Path or None
        The library the example reads.
    """
    from methods import casefile
    from methods import library as _library

    if casefile.injected_names(namespace) is not None:
        return None
    etype = casefile.EVALUATIONS.get(str(namespace.get("evaluation")))
    folder = namespace.get("example_dir")
    if etype is None or not etype.reads_library or namespace.get("library") or not folder:
        return None
    examples = Path(os.path.abspath(str(folder)))
    if not examples.is_dir():
        return None
    wanted = {key for f in casefile.find_case_files([examples]) if (key := _case_key(f))}
    current, origin = _library.discover(Path.cwd())
    if current is not None and _holds(current, wanted):
        return current
    target = (_library.project_root(examples) or examples.parent) / _library.DEFAULT_LIBRARY
    where = f"案例库 {current}（{origin}）" if current is not None else "未找到案例库"
    if target != current and _holds(target, wanted):
        _library.use(target)
        print(f"{where}中没有本示例读取的示例案例；改用已存有全部示例案例的项目案例库 {target}。")
        return target
    print(
        f"本 notebook 按参数单元中的示例运行，要读取案例库中已存档的以前年度示例案例；{where}"
        + ("中还没有全部示例案例。" if current is not None else "。")
    )
    print(
        f"正在运行 {examples} 中的 {len(wanted)} 个示例案例并存入项目的案例库 {target}"
        "（与 make demo 相同；未变化的案例跳过），约需 1 分钟……",
        flush=True,
    )
    summary = _archive_examples(examples, target, len(wanted))
    print(summary.line())
    if not summary.ok:
        from methods.batch import failures_report
        from methods.errors import JixiaoError

        raise JixiaoError(
            "示例案例未能全部存入案例库，本示例无法按原样生成报告：\n"
            + "\n".join(failures_report(summary.failures))
        )
    _library.use(target)
    print(f"本 notebook 此后读取案例库 {target}。")
    return target


def _case_key(path: Path) -> tuple[int, str] | None:
    """(year, case_id) of a case file, read without validating it; None when unreadable."""
    try:
        raw = _yaml.load(path.read_text(encoding="utf-8"))
        return int(raw["year"]), str(raw["case_id"])
    except Exception:  # noqa: BLE001 - a broken example is reported by the batch
        return None


def _holds(root: Path, keys: set[tuple[int, str]]) -> bool:
    """Whether the library at ``root`` has every (year, case_id) of ``keys`` archived."""
    from methods.library import Library

    if not (root / "index.sqlite").is_file():
        return False
    lib = Library(root, readonly=True)
    return all(
        lib.get(year, case_id) is not None and lib.case_dir(year, case_id).is_dir()
        for year, case_id in keys
    )


def _archive_examples(examples: Path, target: Path, total: int):
    """``jixiao batch <examples> --library <target>``, one printed line per finished case."""
    from methods.batch import run_batch

    count = 0

    def event(kind: str, text: str) -> None:
        nonlocal count
        if kind in ("done", "failed"):
            count += 1
            name = Path(text).name if kind == "done" else text.splitlines()[0]
            print(f"  {count}/{total} {'完成' if kind == 'done' else '失败'}：{name}", flush=True)

    return run_batch([examples], target, progress=False, on_event=event)
