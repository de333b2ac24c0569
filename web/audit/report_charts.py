"""The reports' charts as data: static/js/audit-charts.js reads each from a
<script type="application/json"> block and draws it with Chart.js. Every figure here is also in a
table on the page; the chart only shows it.

A chart is {labels, datasets: [{kind: bar|line|marker, label, data, color}], y: {title, min, max,
log, percent}}; a missing figure is null (a gap, not a zero).
"""
from __future__ import annotations

from flask_babel import gettext as _

# Past this ratio between the longest p90 and the shortest Waktu, a linear axis would flatten
# the short steps to nothing (a visitor's arrival may take days, a verification two minutes).
LOG_RATIO = 30


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


def sla(report, fmt) -> dict:
    steps = [row for row in report.steps if row.figures.count]
    medians = [_minutes(r.figures.median_seconds) for r in steps]
    p90s = [_minutes(r.figures.p90_seconds) for r in steps]
    standards = [_minutes(r.figures.current_standard) for r in steps]
    positive = [v for v in medians + p90s + standards if v]
    log = bool(positive) and max(positive) / min(positive) > LOG_RATIO
    by_step = {
        "labels": [_("Langkah %(n)d", n=r.sop_step) for r in steps],
        "datasets": [
            {"kind": "bar", "label": _("Median"), "data": medians, "color": "navy"},
            {"kind": "bar", "label": _("Persentil ke-90"), "data": p90s, "color": "sky"},
            {"kind": "marker", "label": _("Waktu baku"), "data": standards, "color": "accent"},
        ],
        "y": {"title": _("menit") + (" " + _("(skala logaritmik)") if log else ""), "log": log, "min": 0},
    }
    by_period = {
        "labels": [fmt.period_short(p, report.period) for p in report.periods],
        "datasets": [{"kind": "bar", "label": _("Dalam standar (%)"), "color": "green",
                      "data": [None if p.figures.share_within is None else round(p.figures.share_within * 100, 1)
                               for p in report.periods]}],
        "y": {"title": _("% tugas dalam standar"), "min": 0, "max": 100, "percent": True},
    }
    return {"steps": by_step, "periods": by_period, "log": log}


def skm(report, fmt) -> dict:
    total = report.total
    elements = {
        "labels": [e.code for e in total.elements],
        "titles": [e.name for e in total.elements],
        "datasets": [
            {"kind": "bar", "label": _("NRR × 25"), "color": "navy",
             "data": [None if e.unit_value is None else round(e.unit_value, 2) for e in total.elements]},
            {"kind": "line", "label": _("Nilai IKM unit"), "color": "accent",
             "data": [total.unit_value for _e in total.elements]},
        ],
        "y": {"title": _("nilai (25–100)"), "min": 0, "max": 100},
    }
    periods = {
        "labels": [fmt.period_short(p, report.period) for p in report.periods],
        "datasets": [{"kind": "bar", "label": _("Nilai IKM unit"), "color": "green",
                      "data": [p.figures.unit_value for p in report.periods]}],
        "y": {"title": _("nilai (25–100)"), "min": 0, "max": 100},
    }
    return {"elements": elements, "periods": periods}
