"""The SLA and SKM reports: an index with this month's headline figures, each report with a GET
filter form (dari, sampai, periode), charts drawn by static/js/audit-charts.js from a JSON block,
a data table under every chart, and a CSV download of the same figures.

A filter the engine cannot answer comes back as the form with its errors beside the fields (400),
never as an error page: the reader fixes the dates and tries again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidData
from web.audit import REPORT_READERS, blueprint
from web.audit import report_charts, report_csv
from web.audit.report_format import Format
from web.formatting import WIB, now_utc
from web.security import alur, current_actor, roles_required

# The URL speaks Indonesian (periode=minggu); the engine English (week).
SLA_PERIODS = {"hari": "day", "minggu": "week", "bulan": "month"}
SKM_PERIODS = {"bulan": "month", "triwulan": "quarter", "tahun": "year"}


@dataclass
class Filters:
    """The filter form as the reader filled it, what it means, and what is wrong with it."""
    dari: str
    sampai: str
    periode: str
    choices: dict[str, str]
    start: date | None = None
    end: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def period(self) -> str:
        return self.choices.get(self.periode, self.periode)

    def query(self) -> dict[str, str]:
        return {"dari": self.dari, "sampai": self.sampai, "periode": self.periode}


def _today() -> date:
    return now_utc().astimezone(WIB).date()


def _parse_date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Tanggal '%(value)s' tidak dikenali; tulis sebagai TTTT-BB-HH, misalnya 2026-06-01.",
                         value=raw[:20])
        return None


def _filters(choices: dict[str, str], default_start: date, default_period: str) -> Filters:
    today = _today()
    args = request.args
    filters = Filters(dari=args.get("dari", "").strip()[:20] or default_start.isoformat(),
                      sampai=args.get("sampai", "").strip()[:20] or today.isoformat(),
                      periode=args.get("periode", "").strip()[:20] or default_period, choices=choices)
    filters.start = _parse_date(filters.dari, "dari", filters.errors)
    filters.end = _parse_date(filters.sampai, "sampai", filters.errors)
    return filters


def _sla_filters() -> Filters:
    return _filters(SLA_PERIODS, _today().replace(day=1), "hari")


def _skm_filters() -> Filters:
    return _filters(SKM_PERIODS, _today().replace(month=1, day=1), "bulan")


def _run(filters: Filters, use_case):
    """The report, or None with the engine's refusals added to the form's errors."""
    if filters.errors:
        return None
    try:
        return use_case(current_actor(), filters.start, filters.end, filters.period)
    except InvalidData as refused:
        filters.errors.update(refused.errors)
        return None


def _page(template: str, filters: Filters, report, **extra):
    page = render_template(template, filters=filters, report=report, fmt=Format(), **extra)
    return page, (400 if report is None else 200)


# -- index ------------------------------------------------------------------------------------
@blueprint.get("/laporan")
@roles_required(*REPORT_READERS)
def reports():
    actor, today = current_actor(), _today()
    month_start = today.replace(day=1)
    sla = alur().sla_report(actor, month_start, today, "day")
    skm = alur().skm_report(actor, month_start, today, "month")
    return render_template("audit/report_index.html", sla=sla, skm=skm, month_start=month_start, today=today,
                           fmt=Format())


# -- SLA --------------------------------------------------------------------------------------
@blueprint.get("/laporan/sla")
@roles_required(*REPORT_READERS)
def sla_report():
    filters = _sla_filters()
    report = _run(filters, alur().sla_report)
    charts = report_charts.sla(report, Format()) if report else None
    return _page("audit/report_sla.html", filters, report, charts=charts,
                 csv_url=url_for("audit.sla_csv", **filters.query()))


@blueprint.get("/laporan/sla.csv")
@roles_required(*REPORT_READERS)
def sla_csv():
    filters = _sla_filters()
    report = _run(filters, alur().sla_report)
    if report is None:
        return _page("audit/report_sla.html", filters, None, charts=None, csv_url=None)
    return _download(report_csv.sla(report), f"laporan-sla-{report.start}-{report.end}.csv")


# -- SKM --------------------------------------------------------------------------------------
@blueprint.get("/laporan/skm")
@roles_required(*REPORT_READERS)
def skm_report():
    filters = _skm_filters()
    report = _run(filters, alur().skm_report)
    charts = report_charts.skm(report, Format()) if report else None
    return _page("audit/report_skm.html", filters, report, charts=charts,
                 csv_url=url_for("audit.skm_csv", **filters.query()))


@blueprint.get("/laporan/skm.csv")
@roles_required(*REPORT_READERS)
def skm_csv():
    filters = _skm_filters()
    report = _run(filters, alur().skm_report)
    if report is None:
        return _page("audit/report_skm.html", filters, None, charts=None, csv_url=None)
    return _download(report_csv.skm(report), f"laporan-skm-{report.start}-{report.end}.csv")


def _download(text: str, filename: str) -> Response:
    # A byte-order mark so that spreadsheet programs read the Indonesian text as UTF-8.
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})

