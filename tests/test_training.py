"""The training course (notebooks/training/): exercises as data, check() feedback, the trainer's
answer key, the lesson-7 library builder, and every training notebook executed unanswered and with
the answer key."""

import json
import math
import re
import time

import nbformat
import pytest

from methods import library, scoring, training

from .conftest import NOTEBOOKS

TRAINING = NOTEBOOKS / "training"
IDS = list(training.exercises()["id"])


def training_notebooks():
    return sorted(p for p in TRAINING.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def checked_ids(path):
    nb = nbformat.read(path, as_version=4)
    return [
        m
        for c in nb.cells
        if c.cell_type == "code"
        for m in re.findall(r'training\.check\("([^"]+)"', c.source)
    ]


# ---------------------------------------------------------------------------------------------
# Exercises as data


def test_course_has_seven_notebooks_with_three_to_five_exercises_each():
    paths = training_notebooks()
    assert [p.name[:2] for p in paths] == ["01", "02", "03", "04", "05", "06", "07"]
    table = training.exercises()
    for path in paths:
        ids = checked_ids(path)
        assert 3 <= len(ids) <= 5, path.name
        assert len(set(ids)) == len(ids), path.name
        # the notebook checks exactly the exercises the data file assigns to it
        assert set(ids) == set(table.loc[table["notebook"] == path.name, "id"]), path.name
    assert sorted(i for p in paths for i in checked_ids(p)) == sorted(IDS)


@pytest.mark.parametrize("path", training_notebooks(), ids=lambda p: p.name)
def test_notebook_has_trainer_parameter_and_exercise_pattern(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    ns = {}
    exec(tagged[0].source, ns)
    assert ns["use_answer_key"] is False
    for ex_id in checked_ids(path):
        var = "答案_" + ex_id.replace(".", "_")
        cell = next(c for c in nb.cells if f'training.check("{ex_id}"' in c.source)
        assert f"{var} = None  # 在此填写" in cell.source
        assert f'training.answer("{ex_id}", {var}, use_answer_key)' in cell.source
        # the question shown to learners is the one in the data file
        question = training.question(ex_id).splitlines()[0]
        assert any(question in c.source for c in nb.cells if c.cell_type == "markdown"), ex_id


def test_exercise_records_are_complete():
    for ex_id in IDS:
        ex = training.exercise(ex_id)
        assert ex.type in training.TYPES
        assert ex.question and ex.prompt and ex.source and ex.title
        assert ex.notebook.startswith(ex_id.split(".")[0].zfill(2) + "_")
        if ex.type == "choice":
            key = training.answer_key(ex_id)
            assert any(training._same_word(ex, key, opt) for opt in ex.options), ex_id


def test_unknown_exercise_is_a_key_error():
    with pytest.raises(KeyError, match="没有编号为 9.9 的练习"):
        training.check("9.9", 1)


# ---------------------------------------------------------------------------------------------
# Answer key and wrong answers


@pytest.mark.parametrize("ex_id", IDS)
def test_answer_key_is_correct(ex_id, capsys):
    key = training.answer_key(ex_id)
    assert training.check(ex_id, key) is True
    assert capsys.readouterr().out.startswith("✔ 正确")
    assert training.answer(ex_id, None, True) == key
    assert training.answer(ex_id, "我的答案", False) == "我的答案"


@pytest.mark.parametrize("ex_id", [i for i in IDS if training.exercise(i).wrong_answers])
def test_known_wrong_answers_get_their_own_hint(ex_id, capsys):
    ex = training.exercise(ex_id)
    key = training.answer_key(ex_id)
    for wrong, hint, _ in training._wrong_values(ex):
        if ex.type == "number":
            # a wrong answer the hint recognises must not be accepted as right
            assert not math.isclose(float(wrong), key, abs_tol=ex.tolerance), (ex_id, wrong)
        assert training.check(ex_id, wrong) is False
        out = capsys.readouterr().out
        assert out.startswith(f"✘ 还不对（练习 {ex_id}）") and hint in out, (ex_id, wrong, out)


def test_computed_keys_come_from_the_projects_methods():
    # 2.1 is scoring.score_indicator on C11 of the example case; 4.2 is cba.npv with t0 = 0
    assert training.answer_key("2.1") == scoring.score_indicator(
        "positive", 8, target=120, actual=118
    )
    assert training.answer_key("1.3") == 95.0
    assert training.answer_key("2.5") == pytest.approx(
        training.evaluate_example("wujin_rural_sewage_2023.yaml").total + 0.4
    )
    assert training.answer_key("4.3") == [25.0, 400.0]  # Lorie & Savage (1955)
    assert training.answer_key("4.5") == "甲"  # Brealey, Myers & Allen, EAC
    assert training.answer_key("5.3") == 549
    assert training.answer_key("7.4") == 3.9  # C41 with 2022's actual value 0.39 as target


# ---------------------------------------------------------------------------------------------
# Feedback


def test_unanswered_prints_the_prompt(capsys):
    assert training.check("2.1", None) is False
    out = capsys.readouterr().out
    assert out.startswith("尚未作答（练习 2.1）") and training.exercise("2.1").prompt in out
    assert training.check("1.1", "  ") is False
    assert "尚未作答" in capsys.readouterr().out


def test_tolerance_edges(capsys):
    # 2.1: 7.87 ± 0.005, inclusive
    assert training.check("2.1", 7.875) is True
    assert training.check("2.1", 7.865) is True
    assert training.check("2.1", 7.8752) is False
    capsys.readouterr()
    # 5.3 (sample size) is an integer: no tolerance
    assert training.check("5.3", 549) is True
    assert training.check("5.3", 549.4) is False
    # 4.1 (a discount factor) to 4 dp
    assert training.check("4.1", 0.34595) is True
    assert training.check("4.1", 0.3461) is False


def test_rounding_slip_is_near(capsys):
    assert training.check("2.1", 7.9) is False
    assert "差得不远：注意四舍五入到两位小数" in capsys.readouterr().out
    assert training.check("3.3", 0.13) is False
    assert "差得不远：注意四舍五入到三位小数" in capsys.readouterr().out


def test_specific_hints(capsys):
    assert training.check("2.2", 3.79) is False
    assert "提示：反向指标 ratio 变体按 目标 ÷ 实际 计分" in capsys.readouterr().out
    t0_one = training._wrong_values(training.exercise("4.2"))[0][0]
    assert training.check("4.2", t0_one) is False
    assert "你的答案像是把 t0 当成了 1" in capsys.readouterr().out


def test_unit_and_sign_slips(capsys):
    assert training.check("1.3", 0.95) is False  # a fraction where a percentage is asked
    assert "100 倍" in capsys.readouterr().out
    assert training.check("1.3", "95%") is True
    assert training.check("1.3", "９５") is True  # full-width digits
    capsys.readouterr()
    assert training.check("4.2", -training.answer_key("4.2")) is False
    assert "符号反了" in capsys.readouterr().out


def test_bad_input_never_raises(capsys):
    for odd in ("abc", [1, 2], {"a": 1}, object(), True, float("nan")):
        assert training.check("2.1", odd) is False
    for odd in (3.5, [1], object()):
        assert training.check("1.2", odd) is False
    for odd in ("事前评估", 5, {"a": 1}, object()):
        assert training.check("1.1", odd) is False
    out = capsys.readouterr().out
    assert "请填写一个数字" in out and "请填写一个列表" in out
    assert "Traceback" not in out


def test_choice_accepts_codes_and_aliases(capsys):
    assert training.check("1.2", "事前绩效评估") is True
    assert training.check("1.2", "ex_ante") is True
    assert training.check("1.2", " 事前评估 ") is True
    assert training.check("1.4", "社会保险基金预算") is True
    assert training.check("6.2", "红灯") is True
    assert training.check("6.2", "red") is True
    capsys.readouterr()
    assert training.check("1.2", "不知道") is False
    assert "不是选项之一" in capsys.readouterr().out


def test_sequence_feedback(capsys):
    assert training.check("1.1", ["事前绩效评估", "目标管理", "监控", "绩效评价", "结果应用"])
    capsys.readouterr()
    assert (
        training.check("1.1", ["事前评估", "运行监控", "目标管理", "绩效评价", "结果应用"]) is False
    )
    out = capsys.readouterr().out
    assert "第 2 项不对" in out and "谁申请资金，谁设置目标" in out
    assert training.check("1.1", ["事前评估", "目标管理"]) is False
    assert "缺少：运行监控、绩效评价、结果应用" in capsys.readouterr().out
    assert training.check("4.3", [25]) is False
    assert "答案应有 2 个数" in capsys.readouterr().out
    assert training.check("4.3", [400, 25]) is False
    assert "从小到大" in capsys.readouterr().out
    assert training.check("4.3", (25.004, 399.996)) is True


def test_summary_reports_this_sessions_results(capsys):
    training.check("6.1", training.answer_key("6.1"))
    training.check("6.2", None)
    state = training.summary("06")
    assert state["6.1"] is True and state["6.2"] is False
    assert "待完成" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Example cases and the lesson-7 library


def test_load_example_drops_standards_unless_asked():
    raw = training.load_example("wujin_rural_sewage_2023.yaml")
    c41 = next(i for i in raw["indicators"] if i["code"] == "C41")
    assert "target_from" not in c41
    kept = training.load_example("wujin_rural_sewage_2023.yaml", standards=True)
    assert "target_from" in next(i for i in kept["indicators"] if i["code"] == "C41")
    with pytest.raises(KeyError, match="Z99"):
        training.load_example("wujin_rural_sewage_2023.yaml", indicators={"Z99": {"actual": 1}})


def test_build_library_scores_cases_without_notebooks(tmp_path):
    lib = training.build_library(
        tmp_path / "lib", ["wujin_rural_sewage_2022.yaml", "wujin_rural_sewage_2023.yaml"]
    )
    cases = library.list_cases(lib)
    assert list(cases["case_id"]) == ["wujin_rural_sewage_2022", "wujin_rural_sewage_2023"]
    assert (
        cases["total_score"].iloc[0]
        == scoring.evaluate(training.example_path("wujin_rural_sewage_2022.yaml")).total
    )
    # 2023 took C41's target from 2022 (历史标准)
    results = json.loads((lib.root / "2023/wujin_rural_sewage_2023/results.json").read_text())
    c41 = next(i for i in results["indicators"] if i["code"] == "C41")
    assert c41["target"] == 0.39 and c41["score"] == 3.9
    assert library.benchmark(lib, "D21")["actual_p50"].iloc[0] == pytest.approx(87.5)


def test_recommended_budget_uses_the_results_application_map():
    assert training.recommended_budget("中", 1000, 0.1) == 900
    assert training.recommended_budget("中", 1000, 0.2) == 800
    assert training.recommended_budget("优", 1000) == 1000
    assert training.recommended_budget("差", 1000) == 0


# ---------------------------------------------------------------------------------------------
# Every training notebook, unanswered and with the answer key


def _outputs(nb):
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            elif out.get("output_type") == "error":
                texts.append("ERROR " + out.get("ename", ""))
    return "".join(texts)


@pytest.mark.notebook
def test_training_notebooks_execute_unanswered_and_with_answer_key(tmp_path):
    import papermill as pm

    from methods import kernels

    # one warm kernel, reset between notebooks (as batches do): seconds per notebook, not ten
    warm = kernels.WarmKernel()
    timings = {}
    try:
        for path in training_notebooks():
            n = len(checked_ids(path))
            for key in (False, True):
                out = tmp_path / f"{path.stem}_{key}.ipynb"
                t0 = time.perf_counter()
                pm.execute_notebook(
                    str(path),
                    str(out),
                    parameters={"use_answer_key": key},
                    kernel_name="python3",
                    cwd=str(TRAINING),
                    progress_bar=False,
                    engine_name=kernels.ENGINE_NAME,
                    km=warm.acquire(str(TRAINING)),
                )
                timings[(path.name, key)] = time.perf_counter() - t0
                _check_output(out, key, n, path)
    finally:
        warm.discard()
    slow = {k: round(v, 1) for k, v in timings.items() if v > 30}
    assert not slow, f"training notebooks should run in seconds: {slow}"


def _check_output(out, key, n, path):
    text = _outputs(nbformat.read(out, as_version=4))
    assert "ERROR" not in text and "✘" not in text, path.name
    if key:
        assert text.count("✔ 正确") == n, path.name
        assert "尚未作答" not in text and "全部完成" in text, path.name
    else:
        assert text.count("尚未作答") == n, path.name
        assert "✔ 正确" not in text, path.name


def _with_exercise(monkeypatch, **fields):
    ex = training.Exercise(
        id="0.1",
        notebook="00_测试.ipynb",
        title="测试",
        question="问题",
        prompt="请填一个词",
        source="测试",
        **fields,
    )
    table = dict(training._load())
    table["0.1"] = ex
    monkeypatch.setattr(training, "_load", lambda: table)
    monkeypatch.setattr(training, "_key_cache", {})
    return ex


def test_text_exercise(monkeypatch, capsys):
    _with_exercise(
        monkeypatch,
        type="text",
        expected="优",
        aliases={"优": ("优秀",)},
        wrong_answers=({"value": "良", "hint": "看一下等级口径"},),
    )
    assert training.check("0.1", "优秀") is True
    assert training.check("0.1", "良") is False
    assert "看一下等级口径" in capsys.readouterr().out
    assert training.check("0.1", "中") is False


def test_broken_exercise_data_does_not_stop_the_learner(monkeypatch, capsys):
    _with_exercise(monkeypatch, type="number", expected={"call": "scoring.no_such_function"})
    assert training.check("0.1", 1) is False
    assert "参考答案计算出错" in capsys.readouterr().out
    with pytest.raises(AttributeError):  # the trainer's answer key does fail loudly
        training.answer("0.1", None, True)
