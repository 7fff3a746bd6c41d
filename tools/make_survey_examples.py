"""Write the synthetic satisfaction surveys of the examples (fixed seed, reproducible).

Usage: python tools/make_survey_examples.py   (writes parameters/examples/satisfaction/*.csv)

Both surveys are invented; names, phone numbers and answers are random. They mimic what
evaluators receive from a fieldwork company:

- ``wujin_bus_survey_2023.csv`` (UTF-8 with BOM, as Excel saves "CSV UTF-8"): passengers of
  the 城乡公交 interviewed at stops, a sample stratified by 镇/街道 (12 strata) with sampling
  weights N_h / n_h and the stratum population N_h as fpc; nine 1–5 items (5 = 很满意) in four
  dimensions, stated importance for each item, an overall item, a few blanks and 不适用 for the
  complaints item.
- ``wujin_elderly_care_survey_2023.csv`` (GBK, as Chinese Excel saves "CSV"): users of home-care
  services, a two-stage sample (20 of 186 communities, then users within them) with weights;
  agreement items 1–5 of which two are negatively worded (reverse-keyed), codes 8 = 不了解 and
  9 = 不适用 (meal items for users without meal service), and the personal-data columns 姓名 and
  联系电话 that the case file must drop.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "parameters" / "examples" / "satisfaction"
SEED = 20231130


def _cut(latent: np.ndarray, cuts=(-1.6, -0.9, -0.1, 1.0)) -> np.ndarray:
    """Latent scores → 1..5."""
    return 1 + np.searchsorted(np.asarray(cuts), latent)


def _write(path: Path, header: list[str], rows: list[list], encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def bus(rng: np.random.Generator) -> None:
    towns = {  # 镇/街道: (常乘公交人口 N_h, 样本量 n_h, 满意度效应)
        "湖塘镇": (62000, 80, 0.35),
        "牛塘镇": (18000, 40, 0.15),
        "洛阳镇": (14000, 36, 0.05),
        "遥观镇": (21000, 42, 0.20),
        "横林镇": (24000, 44, 0.10),
        "横山桥镇": (15000, 36, 0.00),
        "雪堰镇": (12000, 34, -0.45),
        "前黄镇": (13000, 34, -0.10),
        "礼嘉镇": (11000, 32, -0.05),
        "嘉泽镇": (9000, 30, -0.35),
        "湟里镇": (8000, 30, -0.40),
        "南夏墅街道": (16000, 38, 0.25),
    }
    groups = {"学生": 0.10, "上班族": -0.15, "老年人": 0.30, "其他": 0.0}
    freq = ["每天", "每周数次", "偶尔"]
    items = [  # (列, 均值, 载荷)
        ("q1", 0.95, 0.8),  # 车厢整洁舒适
        ("q2", 1.05, 0.7),  # 车辆安全
        ("q3", 0.15, 0.9),  # 准点
        ("q4", -0.05, 0.9),  # 候车时间
        ("q5", 0.55, 0.8),  # 线路与换乘
        ("q6", 0.95, 0.7),  # 驾驶员态度
        ("q7", 0.45, 0.8),  # 投诉处理
        ("q8", 1.25, 0.5),  # 票价优惠
        ("q9", 0.65, 0.6),  # 站点与实时信息
    ]
    importance = [0.4, 1.2, 1.3, 1.2, 0.8, 0.5, 0.1, 0.3, -0.2]
    header = ["问卷编号", "镇街道", "人群", "乘车频率", "性别"]
    header += [c for c, _, _ in items] + [f"i{j + 1}" for j in range(len(items))]
    header += ["q_overall", "权重", "总体人数"]
    rows = []
    k = 0
    for town, (big_n, n, eff) in towns.items():
        for _ in range(n):
            k += 1
            g = rng.choice(list(groups), p=[0.22, 0.38, 0.28, 0.12])
            z = eff + groups[g] + rng.normal(0, 0.8)
            ans = []
            for col, mu, lam in items:
                a = int(_cut(np.array([mu + lam * z + rng.normal(0, 0.6)]))[0])
                if col == "q7" and rng.random() < 0.55:
                    ans.append("不适用")  # 未投诉过
                elif rng.random() < 0.015:
                    ans.append("")  # 漏答
                else:
                    ans.append(a)
            imp = [
                int(_cut(np.array([m + rng.normal(0, 0.7)]), (-1.8, -1.0, -0.2, 0.6))[0])
                for m in importance
            ]
            overall = int(_cut(np.array([0.6 + 0.9 * z + rng.normal(0, 0.5)]))[0])
            rows.append(
                [f"GJ23-{k:04d}", town, g, rng.choice(freq, p=[0.5, 0.3, 0.2])]
                + [rng.choice(["男", "女"])]
                + ans
                + imp
                + [overall, round(big_n / n, 4), big_n]
            )
    _write(OUT / "wujin_bus_survey_2023.csv", header, rows, "utf-8-sig")


def elderly(rng: np.random.Generator) -> None:
    towns = ["湖塘镇", "牛塘镇", "洛阳镇", "遥观镇", "横林镇", "雪堰镇", "前黄镇", "礼嘉镇"]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    items = [  # (列, 均值, 载荷, 反向)
        ("s1", 0.9, 0.8, False),  # 技能熟练
        ("s2", 1.0, 0.7, False),  # 内容与约定一致
        ("s3", 0.6, 0.8, True),  # 经常迟到或提前离开（反向）
        ("s4", 1.1, 0.8, False),  # 态度亲切耐心
        ("s5", 1.0, 0.7, True),  # 感到不被尊重（反向）
        ("s6", 0.3, 0.7, False),  # 饭菜口味营养
        ("s7", 0.5, 0.7, False),  # 送餐准时保温
        ("s8", 0.2, 0.8, False),  # 反映渠道畅通
        ("s9", -0.1, 0.9, False),  # 问题及时处理
    ]
    services = ["助餐", "助洁", "助浴", "康复护理"]
    header = ["问卷编号", "姓名", "联系电话", "镇街道", "社区", "性别", "年龄段", "居住状况"]
    header += ["主要服务"] + [c for c, *_ in items] + ["s0", "权重"]
    rows = []
    k = 0
    for c in range(20):
        town = towns[c % len(towns)]
        community = f"{town[:-1]}{'东西南北中新'[c % 6]}社区"
        users = int(rng.integers(25, 130))
        m = int(min(users, rng.integers(14, 26)))
        ceff = rng.normal(0, 0.35)
        weight = round(186 / 20 * users / m, 4)
        for _ in range(m):
            k += 1
            sex = rng.choice(["男", "女"], p=[0.4, 0.6])
            age = rng.choice(["60-69岁", "70-79岁", "80岁及以上"], p=[0.3, 0.4, 0.3])
            living = rng.choice(["独居", "与配偶同住", "与子女同住"], p=[0.3, 0.45, 0.25])
            service = rng.choice(services, p=[0.45, 0.3, 0.1, 0.15])
            z = ceff + (0.25 if age == "80岁及以上" else 0) - (0.3 if living == "独居" else 0)
            z += rng.normal(0, 0.8)
            ans = []
            for col, mu, lam, rev in items:
                a = int(_cut(np.array([mu + lam * z + rng.normal(0, 0.6)]))[0])
                if rev:
                    a = 6 - a
                if col in ("s6", "s7") and service != "助餐":
                    ans.append(9)  # 不适用：未使用助餐服务
                elif col in ("s8", "s9") and rng.random() < 0.18:
                    ans.append(8)  # 不了解
                elif rng.random() < 0.01:
                    ans.append("")
                else:
                    ans.append(a)
            overall = int(_cut(np.array([0.7 + 0.9 * z + rng.normal(0, 0.5)]))[0])
            name = surnames[int(rng.integers(len(surnames)))] + "**"
            phone = f"1{rng.integers(30, 90)}****{rng.integers(0, 10000):04d}"
            rows.append(
                [f"YL23-{k:04d}", name, phone, town, community, sex, age, living, service]
                + ans
                + [overall, weight]
            )
    _write(OUT / "wujin_elderly_care_survey_2023.csv", header, rows, "gbk")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    bus(rng)
    elderly(rng)
    for p in sorted(OUT.glob("*.csv")):
        print(f"wrote {p.relative_to(ROOT)} ({p.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
