"""The browsable catalogue of a case library: ``<library>/index.html``.

One static, offline page (no network fetches): the cases as JSON embedded in the page, filters for
year, department, evaluation type and grade plus a text search, sortable columns and a link to each
report. Filters are mirrored in the URL hash (``index.html#grade=优&year=2023``), so a filtered view
can be bookmarked. User text is inserted with ``textContent`` only, never as HTML. The header links
the year's 预算绩效管理工作情况报告 present under ``reports/<YEAR>/`` (``jixiao library report``), and
beside each case its 公开版 when one was published (``jixiao library publish``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from methods import fonts
from methods.casefile import BUDGET_TYPES, EVALUATIONS
from methods.library import Library, list_cases

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>案例库目录 · Jixiao</title>
<style>
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Jixiao Sans SC", sans-serif; margin: 0; color: #222; }
header { background: #2f6db5; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; font-size: 13px; opacity: .9; }
main { padding: 16px 24px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin-bottom: 12px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: #555; gap: 3px; }
select, input { font-size: 14px; padding: 4px 6px; min-width: 120px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e1e4ea; padding: 6px 8px; text-align: left; }
th { background: #f4f6f9; cursor: pointer; white-space: nowrap; user-select: none; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grade { font-weight: 600; padding: 0 6px; border-radius: 3px; color: #fff; }
.g-优 { background: #2e7d32; } .g-良 { background: #2f6db5; } .g-中 { background: #e39b16; } .g-差 { background: #c0392b; }
#count { color: #555; font-size: 13px; margin: 6px 0; }
header nav { margin-top: 6px; font-size: 13px; }
header nav a { color: #fff; margin-right: 12px; }
</style>
</head>
<body>
<header><h1>案例库目录</h1><p id="stats"></p>__REPORTS__</header>
<main>
<div class="filters">
  <label>年度<select id="f-year"></select></label>
  <label>部门<select id="f-department"></select></label>
  <label>评价类型<select id="f-evaluation"></select></label>
  <label>等级<select id="f-grade"></select></label>
  <label>搜索<input id="f-q" type="search" placeholder="名称或编号"></label>
</div>
<p id="count"></p>
<table>
<thead><tr>
<th data-key="year">年度</th><th data-key="case_id">案例编号</th><th data-key="title">名称</th>
<th data-key="department">部门</th><th data-key="evaluation_title">评价类型</th>
<th data-key="budget_title">预算类型</th><th data-key="total_score">总分</th>
<th data-key="grade">等级</th><th>报告</th>
</tr></thead>
<tbody id="rows"></tbody>
</table>
</main>
<script id="data" type="application/json">__DATA__</script>
<script>
(function () {
  var cases = JSON.parse(document.getElementById("data").textContent);
  var keys = ["year", "department", "evaluation", "grade"];
  var labels = {evaluation: function (c) { return c.evaluation_title; }};
  var sortKey = "year", sortAsc = false;
  function uniq(key) {
    var seen = {}, out = [];
    cases.forEach(function (c) { var v = c[key]; if (v !== null && !(v in seen)) { seen[v] = labels[key] ? labels[key](c) : v; out.push(v); } });
    out.sort();
    return out.map(function (v) { return [v, seen[v]]; });
  }
  keys.forEach(function (key) {
    var sel = document.getElementById("f-" + key);
    var all = document.createElement("option"); all.value = ""; all.textContent = "全部"; sel.appendChild(all);
    uniq(key).forEach(function (pair) {
      var o = document.createElement("option"); o.value = String(pair[0]); o.textContent = String(pair[1]); sel.appendChild(o);
    });
    sel.addEventListener("change", update);
  });
  document.getElementById("f-q").addEventListener("input", update);
  document.querySelectorAll("th[data-key]").forEach(function (th) {
    th.addEventListener("click", function () {
      var k = th.getAttribute("data-key"); sortAsc = (sortKey === k) ? !sortAsc : true; sortKey = k; render();
    });
  });
  function fromHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    keys.forEach(function (key) { if (params.has(key)) document.getElementById("f-" + key).value = params.get(key); });
    if (params.has("q")) document.getElementById("f-q").value = params.get("q");
  }
  function filters() {
    var f = {};
    keys.forEach(function (key) { f[key] = document.getElementById("f-" + key).value; });
    f.q = document.getElementById("f-q").value.trim();
    return f;
  }
  function update() {
    var f = filters(), params = new URLSearchParams();
    Object.keys(f).forEach(function (k) { if (f[k]) params.set(k, f[k]); });
    history.replaceState(null, "", "#" + params.toString());
    render();
  }
  function cell(tr, text, cls) { var td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; }
  function render() {
    var f = filters();
    var shown = cases.filter(function (c) {
      return keys.every(function (k) { return !f[k] || String(c[k]) === f[k]; }) &&
        (!f.q || (c.title + " " + c.case_id).indexOf(f.q) >= 0);
    });
    shown.sort(function (a, b) {
      var x = a[sortKey], y = b[sortKey];
      if (x === y) return 0; if (x === null) return 1; if (y === null) return -1;
      return (x < y ? -1 : 1) * (sortAsc ? 1 : -1);
    });
    var body = document.getElementById("rows"); body.textContent = "";
    shown.forEach(function (c) {
      var tr = document.createElement("tr"); tr.setAttribute("data-case", c.case_id);
      cell(tr, c.year); cell(tr, c.case_id); cell(tr, c.title); cell(tr, c.department);
      cell(tr, c.evaluation_title); cell(tr, c.budget_title);
      cell(tr, c.total_score === null ? "—" : c.total_score.toFixed(2), "num");
      var g = cell(tr, ""); if (c.grade) { var s = document.createElement("span"); s.className = "grade g-" + c.grade; s.textContent = c.grade; g.appendChild(s); }
      var l = cell(tr, ""); var a = document.createElement("a"); a.href = c.path + "/report.html"; a.textContent = "打开"; l.appendChild(a);
      if (c.public) { var p = document.createElement("a"); p.href = c.public; p.textContent = "公开版"; p.className = "public"; l.appendChild(document.createTextNode(" ")); l.appendChild(p); }
      body.appendChild(tr);
    });
    document.getElementById("count").textContent = "显示 " + shown.length + " / " + cases.length + " 个案例";
  }
  document.getElementById("stats").textContent = "共 " + cases.length + " 个案例 · 生成于 __GENERATED__";
  fromHash();
  render();
  window.addEventListener("hashchange", function () { fromHash(); render(); });
})();
</script>
</body>
</html>
"""


def _reports_nav(root: Path) -> str:
    """Links to the annual reports present (``reports/<YEAR>/report.html``), newest first."""
    from methods.annual_report import REPORTS_DIR, present

    years = present(root)
    if not years:
        return ""
    links = "".join(
        f'<a href="{REPORTS_DIR}/{y}/report.html">{y}年度预算绩效管理工作情况报告</a>'
        for y in reversed(years)
    )
    return f'<nav id="reports">年度报告：{links}</nav>'


def _public_version(root: Path, path: str) -> str | None:
    """The link to a case's 公开版 (``public/<year>/<case_id>/report.html``, written by
    ``jixiao library publish``), or None when none was published."""
    link = f"public/{path}/report.html"
    return link if (Path(root) / link).is_file() else None


def build(library: Library) -> Path:
    """Write ``<library>/index.html`` (atomically) from the index; return its path."""
    from datetime import UTC, datetime

    with library.lock():
        return _build(library, datetime.now(UTC))


def _build(library: Library, now) -> Path:
    df = list_cases(library)
    records = []
    for r in df.to_dict("records"):
        score = r["total_score"]
        records.append(
            {
                "year": int(r["year"]),
                "case_id": r["case_id"],
                "title": r["title"],
                "department": r["department"],
                "evaluation": r["evaluation"],
                "evaluation_title": getattr(
                    EVALUATIONS.get(r["evaluation"]), "title", r["evaluation"]
                ),
                "budget_title": BUDGET_TYPES.get(r["budget_type"], r["budget_type"]),
                "total_score": None if score is None or score != score else float(score),
                "grade": r["grade"] if isinstance(r["grade"], str) else None,
                "path": r["path"],
                "public": _public_version(library.root, r["path"]),
            }
        )
    data = (
        json.dumps(records, ensure_ascii=False, allow_nan=False)
        # inert inside <script type="application/json">: no tag or comment can start in the data
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    generated = now.astimezone().strftime("%Y-%m-%d %H:%M")
    page = (
        _PAGE.replace("__DATA__", data)
        .replace("__GENERATED__", generated)
        .replace("__REPORTS__", _reports_nav(library.root))
    )
    # the bundled font, subset to the page's characters (titles and departments in the data
    # included), after the system CJK fonts: the catalogue reads in Chinese on any machine
    page = page.replace("</style>\n</head>", f"{fonts.web_font_css(page)}</style>\n</head>", 1)
    target = library.root / "index.html"
    tmp = target.with_name(f".index.html.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target
