"""Charts speak Chinese on a fresh machine: the bundled OFL font is registered on import and no
"Glyph … missing" warning is raised when drawing Chinese."""

import logging
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from methods import fonts, plotting

TEXT = "农村生活污水治理 学生营养改善计划 决策 过程 产出 效益 满意度 预算执行率 得分率（%）优良中差 ≥90 ①"


def test_font_is_bundled_with_its_licence():
    assert fonts.FONT_FILE.is_file()
    assert (fonts.FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8").count(
        "SIL OPEN FONT LICENSE"
    ) >= 1


def test_registered_font_resolves_to_the_bundled_file():
    fonts.register()
    assert fonts.FONT_NAME in matplotlib.rcParams["font.family"]
    found = font_manager.findfont(
        font_manager.FontProperties(family=[fonts.FONT_NAME]), fallback_to_default=False
    )
    assert found == str(fonts.FONT_FILE)


def test_no_missing_glyphs_in_report_charts(caplog, tmp_path):
    table = pd.DataFrame(
        {
            "level1": ["决策", "过程", "产出", "效益"],
            "weight": [15, 20, 35, 30],
            "score": [13.1, 17.54, 34.16, 29.0],
        }
    )
    table["rate"] = table["score"] / table["weight"] * 100
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        fig = plotting.level1_overview(table)
        fig.suptitle(TEXT)
        fig.savefig(tmp_path / "chart.png")
        ax = plotting.lost_points(
            pd.DataFrame({"name": ["资金使用合规性", "制度执行有效性"], "lost": [1.0, 0.5]})
        )
        ax.figure.savefig(tmp_path / "lost.png")
        plt.close("all")
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [
        m for m in messages if "Glyph" in m or "missing from font" in m or "findfont" in m
    ], messages


def test_plot_helpers_return_axes():
    table = pd.DataFrame(
        {"level1": ["产出", "效益", "满意度"], "weight": [50, 40, 10], "score": [45, 30, 9]}
    )
    ax = plotting.level1_bar(table)
    assert isinstance(ax, matplotlib.axes.Axes)
    fig, given = plt.subplots(subplot_kw={"projection": "polar"})
    assert plotting.radar(["a", "b", "c"], [90, 80, 70], ax=given) is given
    plt.close("all")
