"""Names shared by the report notebooks and the runner (kept free of heavy imports)."""

RESULTS_MIME = "application/vnd.jixiao.results+json"
"""MIME type of the results payload a report notebook publishes (left out of the HTML)."""

HIDE_TAG = "report-hide"
"""Cell tag: shown in JupyterLab, left out of the HTML report."""

DOCUMENT_MIME = "application/vnd.jixiao.document+json"
"""MIME type of the report document (the outline as JSON) a report notebook publishes: the runner
renders report.html and report.docx from it."""
