"""Charts for reports (Chinese labels, bundled font). Each helper takes ``ax=None`` and returns the Axes.

Importing this module registers the bundled CJK font (:func:`methods.fonts.register`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from methods import fonts

fonts.register()

PALETTE = {
    "score": "#2F6DB5",
    "lost": "#E4E8EE",
    "target": "#C0392B",
    "grid": "#D0D4DA",
    "text": "#333333",
}


def level1_bar(level1_table: pd.DataFrame, ax=None, *, title: str = "一级指标得分"):
    """Horizontal bars of points won (dark) and lost (light) per level-1 indicator.

    Parameters
    ----------
    level1_table : DataFrame
        Columns ``level1``, ``weight``, ``score`` (e.g. :attr:`Evaluation.level1_table`).
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.6 * len(level1_table) + 1.4))
    names = level1_table["level1"].tolist()[::-1]
    weight = level1_table["weight"].to_numpy(dtype=float)[::-1]
    score = level1_table["score"].to_numpy(dtype=float)[::-1]
    y = np.arange(len(names))
    ax.barh(y, score, color=PALETTE["score"], height=0.55, label="得分")
    ax.barh(y, weight - score, left=score, color=PALETTE["lost"], height=0.55, label="失分")
    for yi, s, w in zip(y, score, weight, strict=True):
        ax.text(
            w + max(weight) * 0.01,
            yi,
            f"{s:.2f} / {w:g}",
            va="center",
            fontsize=9,
            color=PALETTE["text"],
        )
    ax.set_yticks(y, names)
    ax.set_xlim(0, max(weight) * 1.25)
    ax.set_xlabel("分值")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return ax


def radar(labels, values, ax=None, *, maximum: float = 100.0, title: str = "一级指标得分率（%）"):
    """Radar (spider) chart of shares, e.g. each level-1 indicator's 得分率 in percent.

    Parameters
    ----------
    labels : sequence of str
    values : sequence of float
        One value per label (same scale as ``maximum``).
    ax : matplotlib polar Axes, optional
        Created with ``subplot_kw={"projection": "polar"}`` when omitted.
    maximum : float
        Outer ring value (default 100).
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    labels = list(labels)
    values = np.asarray(values, dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 5.2), subplot_kw={"projection": "polar"})
    n = len(labels)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed_angles = np.append(angles, angles[0])
    closed_values = np.append(values, values[0])
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.plot(closed_angles, closed_values, color=PALETTE["score"], linewidth=2)
    ax.fill(closed_angles, closed_values, color=PALETTE["score"], alpha=0.2)
    ax.set_xticks(angles, labels)
    ax.set_ylim(0, maximum)
    ax.set_yticks(np.linspace(0, maximum, 5)[1:])
    ax.tick_params(axis="y", labelsize=8, colors="#777777")
    for ang, val in zip(angles, values, strict=True):
        ax.annotate(
            f"{val:.1f}",
            (ang, val),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=9,
        )
    ax.set_title(title, pad=18)
    return ax


def lost_points(table: pd.DataFrame, ax=None, *, top: int = 10, title: str = "失分最多的指标"):
    """Bars of the indicators that lost the most points (``name``, ``lost`` columns)."""
    lost = table[table["lost"] > 0.005].nlargest(top, "lost")[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.45 * max(len(lost), 1) + 1.2))
    if lost.empty:
        ax.text(0.5, 0.5, "没有失分指标", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    ax.barh(lost["name"], lost["lost"], color=PALETTE["target"], height=0.55)
    for i, v in enumerate(lost["lost"]):
        ax.text(v, i, f" {v:.2f}", va="center", fontsize=9)
    ax.set_xlabel("失分")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def level1_overview(level1_table: pd.DataFrame):
    """A figure with :func:`level1_bar` and :func:`radar` of 得分率 side by side; returns the Figure."""
    fig = plt.figure(figsize=(11.0, 4.2))
    bar_ax = fig.add_subplot(1, 2, 1)
    radar_ax = fig.add_subplot(1, 2, 2, projection="polar")
    level1_bar(level1_table, ax=bar_ax)
    if len(level1_table) >= 3:
        radar(level1_table["level1"], level1_table["rate"], ax=radar_ax)
    else:
        radar_ax.set_axis_off()
    fig.tight_layout()
    return fig
