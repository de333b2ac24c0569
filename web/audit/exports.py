"""The auditors' exports: one case's whole history as JSON (an attachment) and as a printable
report (A4 HTML, and a PDF made by WeasyPrint from the same document), and every event of a
period as CSV, streamed.

The CSV is UTF-8 with a byte order mark, so Excel opens it with the right characters; its columns
(CSV_COLUMNS) are fixed names, the same in every language, for the tools that read it.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timezone

from flask import Response, current_app, make_response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from engine.errors import InvalidData
from web.audit import AUDITORS, blueprint
from web.audit.cases import case_context
from web.formatting import WIB
from web.owner.printing import css_string, render_pdf
from web.security import alur, current_actor, roles_required

CSV_COLUMNS = ("id_kasus", "kode_tiket", "urutan", "waktu_wib", "waktu_utc", "pelaku", "jenis", "langkah",
               "nama_langkah", "jalur", "data", "hash")
CSV_BATCH = 200  # rows written to the response at a time
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@blueprint.get("/kasus/<int:instance_id>/riwayat.json")
@roles_required(*AUDITORS)
def case_json(instance_id: int):
    exported = alur().export_case(current_actor(), instance_id)
    body = json.dumps(exported, ensure_ascii=False, indent=2)
    return _attachment(body, "application/json", f"riwayat-{exported['case']['ticket_code']}.json")


@blueprint.get("/kasus/<int:instance_id>/laporan")
@roles_required(*AUDITORS)
def case_report(instance_id: int):
    return render_template("audit/case_report.html", **_report_context(instance_id))


@blueprint.get("/kasus/<int:instance_id>/laporan.pdf")
@roles_required(*AUDITORS)
def case_pdf(instance_id: int):
    context = _report_context(instance_id)
    html = render_template("audit/case_report_pdf.html", **context)
    pdf = render_pdf(html, url_for("static", filename="", _external=True), current_app.static_folder)
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="laporan-{context["h"].ticket_code}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/ekspor/peristiwa.csv")
@roles_required(*AUDITORS)
def events_csv():
    today = datetime.now(WIB).date()
    try:
        start = _date_arg("dari", date(today.year, today.month, 1))
        end = _date_arg("sampai", today)
        export = alur().events_in_period(current_actor(), start, end)
    except InvalidData as error:
        return render_template("error.html", status=400, message=error.message), 400
    response = Response(stream_with_context(_csv_chunks(export.events)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="peristiwa-{start}_{end}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _date_arg(name: str, default: date) -> date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    label = _("Tanggal awal") if name == "dari" else _("Tanggal akhir")
    if not _ISO_DATE.match(text):
        raise InvalidData({name: text}, _("%(label)s tidak sah: tulis sebagai TTTT-BB-HH, misalnya 2026-01-31.",
                                          label=label))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidData({name: text}, _("%(label)s tidak ada di kalender: %(text)s.", label=label,
                                          text=text)) from None


def _csv_chunks(events):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # the byte order mark: Excel then reads UTF-8
    writer.writerow(CSV_COLUMNS)
    for count, e in enumerate(events, start=1):
        writer.writerow(csv_row(e))
        if count % CSV_BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_row(e) -> list:
    return [e.instance_id, e.ticket_code, e.seq, e.occurred_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S"),
            e.occurred_at.astimezone(timezone.utc).isoformat(), e.actor, e.kind,
            e.sop_step if e.sop_step is not None else "", e.step_name or "", e.lane_name or e.lane_id or "",
            json.dumps(e.data, ensure_ascii=False, sort_keys=True, default=str), e.hash]


def _report_context(instance_id: int) -> dict:
    context = case_context(instance_id)
    context.update(report=alur().verify_case(current_actor(), instance_id), printed_at=datetime.now(timezone.utc),
                   printed_by=current_actor().name, css_string=css_string)
    return context


def _attachment(body: str, mimetype: str, filename: str) -> Response:
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
