"""The two SOP steps in the Masyarakat lane, done by the visitor with their ticket code:
step 6, reporting arrival at the UPP Unit Kerja desk (a kiosk, or their phone via the slip's QR),
and step 8, the SKM survey. Both are refused politely, not with an error, when the case is not at
that step: a visitor who scans the slip too early or twice has done nothing wrong."""
from __future__ import annotations

import re
from datetime import datetime

from flask import redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from engine.errors import Conflict, InvalidData, NotFound
from engine.tickets import normalise_ticket_code
from web.form_view import check, raw_values, values_for_display
from web.formatting import WIB
from web.public import blueprint
from web.public.tracking import guarded, parse_time, unknown_code
from web.security import alur

CHECK_IN, SURVEY = "kedatangan_pengunjung", "survei_skm"
QUESTION = re.compile(r"u\d+")

# Why a step is not open, by step and by where the case is now.
UNAVAILABLE = {
    CHECK_IN: {
        "ditolak": lazy_gettext("Lapor kedatangan tidak tersedia untuk tiket ini karena permohonan konsultasi "
                                "tidak disetujui."),
        "done": lazy_gettext("Kedatangan Anda untuk tiket ini sudah tercatat. Tidak perlu melapor lagi."),
        "early": lazy_gettext("Lapor kedatangan belum tersedia untuk tiket ini: keputusan pimpinan belum "
                              "disampaikan kepada Anda."),
    },
    SURVEY: {
        "ditolak": lazy_gettext("Survei tidak tersedia untuk tiket ini karena tidak ada pelayanan yang dinilai."),
        "done": lazy_gettext("Survei untuk tiket ini sudah diisi. Terima kasih atas penilaian Anda."),
        "early": lazy_gettext("Survei belum tersedia: survei dibuka setelah Anda selesai dilayani oleh UPP Unit "
                              "Kerja."),
    },
}
AFTER = {CHECK_IN: ("dilayani", "survei", "selesai"), SURVEY: ("selesai",)}


def now_wib() -> datetime:
    return datetime.now(WIB).replace(microsecond=0)


def _unavailable(code: str, form_key: str, stage: str, message: str | None = None):
    reason = "ditolak" if stage == "ditolak" else "done" if stage in AFTER[form_key] else "early"
    return render_template("public/unavailable.html", code=code, form_key=form_key, early=reason == "early",
                           message=message or UNAVAILABLE[form_key][reason]), 409


def _open_step(code: str, form_key: str):
    """(status, detail, None) when the visitor may fill this form now; else (.., .., response)."""
    normal = normalise_ticket_code(code)
    if normal is None:
        return None, None, unknown_code(code[:40])
    if normal != code:  # a hand-typed address: one canonical URL (a POST keeps its body only at 307)
        return None, None, redirect(url_for(request.endpoint, code=normal), 307)
    try:
        status = alur().track(code)
    except NotFound:
        return None, None, unknown_code(code)
    if status.visitor_form_key != form_key:
        return status, None, _unavailable(code, form_key, status.stage)
    try:
        detail = alur().visitor_task(code, form_key)
    except NotFound:  # the step closed between the two reads
        return status, None, _unavailable(code, form_key, status.stage)
    return status, detail, None


def _field(form, name: str):
    return next((f for f in form.fields() if f.name == name), None)


def _submit(code: str, form_key: str, form, raw, *, stage_after: str):
    """Check and complete the visitor's step: (field errors, None) or (None, a refusal page).
    A second submit (a double tap, a second device; the survey is taken once per case) is the
    engine's Conflict, told as the stage the case has moved on to."""
    data, errors = check(form, raw)
    if errors:
        return errors, None
    try:
        alur().visitor_complete(code, form_key, data)
    except InvalidData as invalid:
        return invalid.errors or {"_form": invalid.message}, None
    except Conflict as error:
        return None, _unavailable(code, form_key, stage_after, error.message)
    except NotFound:
        return None, _unavailable(code, form_key, stage_after)
    return {}, None


@blueprint.route("/lacak/<code>/kedatangan", methods=["GET", "POST"])
@guarded
def check_in(code: str):
    status, detail, refused = _open_step(code, CHECK_IN)
    if refused:
        return refused
    form = detail.form
    extra = [f for f in (_field(form, "keperluan_tambahan"),) if f is not None]
    page = dict(code=code, status=status, scheduled=parse_time(status.scheduled_at), fields=extra)
    if request.method == "GET":
        return render_template("public/check_in.html", values={}, errors={}, **page)
    note = request.form.get("keperluan_tambahan", "").strip()
    raw = {"waktu_kedatangan": [now_wib().isoformat()], "dicatat_oleh": ["pengunjung"]}
    if note and extra:
        raw["keperluan_tambahan"] = [note]
    errors, refused = _submit(code, CHECK_IN, form, raw, stage_after="dilayani")
    if refused:
        return refused
    if errors:
        return render_template("public/check_in.html", values={"keperluan_tambahan": [note]}, errors=errors,
                               **page), 422
    return render_template("public/thanks.html", code=code, kind="check_in")


def survey_band(now: datetime, options) -> str | None:
    """The survey's time band ("08.00-12.00") holding `now`, else the nearest one."""
    minute = now.hour * 60 + now.minute
    best, best_distance = None, None
    for value, _label in options:
        found = re.fullmatch(r"(\d{1,2})\.(\d{2})\s*-\s*(\d{1,2})\.(\d{2})", str(value))
        if not found:
            continue
        h1, m1, h2, m2 = (int(x) for x in found.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        distance = 0 if start <= minute <= end else min(abs(minute - start), abs(minute - end))
        if best_distance is None or distance < best_distance:
            best, best_distance = str(value), distance
    return best


def _survey_defaults(form) -> dict[str, list[str]]:
    values = values_for_display(None, form)
    now = now_wib()
    if (date_field := _field(form, "tanggal_survei")) is not None and date_field.widget == "date":
        values["tanggal_survei"] = [now.date().isoformat()]
    if (band_field := _field(form, "waktu_survei")) is not None:
        band = survey_band(now, band_field.options)
        if band:
            values["waktu_survei"] = [band]
    return values


def _render_survey(code, form, values, errors, status=200):
    fields = form.fields()
    questions = [f for f in fields if QUESTION.fullmatch(f.name)]
    profile = [f for f in fields if not QUESTION.fullmatch(f.name)]
    # The summary names questions by number: their full text is long, and sits right below.
    number = {f.name: i for i, f in enumerate(questions, start=1)}
    ordered_errors = [(f.name, gettext("Pertanyaan %(n)d", n=number[f.name]) if f.name in number else gettext(f.label),
                       gettext(errors[f.name])) for f in fields if f.name in errors]
    return render_template("public/survey.html", code=code, form=form, questions=questions, profile=profile,
                           values=values, errors=errors, error_list=ordered_errors,
                           profile_errors={k: v for k, v in errors.items() if k != "_form"}), status


@blueprint.route("/lacak/<code>/survei", methods=["GET", "POST"])
@guarded
def survey(code: str):
    _status, detail, refused = _open_step(code, SURVEY)
    if refused:
        return refused
    form = detail.form
    if request.method == "GET":
        return _render_survey(code, form, _survey_defaults(form), {})
    raw = raw_values(request.form)
    errors, refused = _submit(code, SURVEY, form, raw, stage_after="selesai")
    if refused:
        return refused
    if errors:
        return _render_survey(code, form, values_for_display(raw, form), errors, 422)
    return render_template("public/thanks.html", code=code, kind="survey")
