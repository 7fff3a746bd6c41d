"""Names shared by the report notebooks and the runner (kept free of heavy imports)."""

RESULTS_MIME = "application/vnd.jixiao.results+json"
"""MIME type of the results payload a report notebook publishes (left out of the HTML)."""

HIDE_TAG = "report-hide"
"""Cell tag: shown in JupyterLab, left out of the HTML report."""
