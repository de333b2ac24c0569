"""bpmn-js for the case diagram, served by the app from node_modules (no CDN: the office network
may have no internet, and the CSP allows scripts from 'self' only).

Only files inside node_modules/bpmn-js/dist/ are served; send_from_directory refuses any path
that would leave it (404), and only the kinds of files the viewer needs.
"""
from __future__ import annotations

from pathlib import Path

from flask import abort, send_from_directory

from web.staff import blueprint

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "node_modules" / "bpmn-js" / "dist"
SERVED_SUFFIXES = frozenset({".js", ".css", ".woff", ".woff2", ".ttf", ".eot", ".svg"})


@blueprint.get("/vendor/bpmn-js/<path:filename>")
def vendor(filename: str):
    if Path(filename).suffix not in SERVED_SUFFIXES:
        abort(404)
    return send_from_directory(DIST, filename, max_age=24 * 3600)


# Chart.js for the SLA and SKM reports' charts (web/static/js/audit-charts.js): only its UMD build.
CHART_JS = ROOT / "node_modules" / "chart.js" / "dist"


@blueprint.get("/vendor/chart.js/chart.umd.min.js")
def vendor_chart_js():
    return send_from_directory(CHART_JS, "chart.umd.min.js", max_age=24 * 3600)
