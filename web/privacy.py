"""The admin's data-protection pages (UU 27/2022) under /data-pribadi: a data subject's export by
NIK (art. 32) and the retention purge (art. 43-44).

The NIK travels only in POST bodies (never a URL: URLs land in logs and browser history), and
every page that shows personal data, and the JSON download, is sent no-store. The engine checks
the admin role again in each use case and chains each export and purge onto the cases' records.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from flask import Blueprint, make_response, render_template, request
from flask_babel import gettext as _

from engine.errors import InvalidData
from web.audit.personal import no_store
from web.security import alur, current_actor, roles_required
from web.staff.display import EVENT_KINDS

blueprint = Blueprint("privacy", __name__, url_prefix="/data-pribadi")

ADMINS = ("admin",)
MAX_NIK = 40
CONFIRM = "ya"


@blueprint.get("/")
@roles_required(*ADMINS)
def home():
    report = alur().purge_expired(current_actor(), dry_run=True)
    return render_template("privacy/home.html", report=report)


@blueprint.route("/subjek", methods=["GET", "POST"])
@roles_required(*ADMINS)
def subject_export():
    if request.method == "GET":
        return no_store(render_template("privacy/subject_form.html", nik="", errors={}))
    nik = request.form.get("nik", "").strip()[:MAX_NIK]
    try:
        export = alur().subject_export(current_actor(), nik)
    except InvalidData as invalid:
        return no_store(render_template("privacy/subject_form.html", nik=nik, errors=invalid.errors), 422)
    if request.form.get("format") == "json":
        return _download(export)
    return no_store(render_template("privacy/subject_summary.html", export=export, event_kinds=EVENT_KINDS))


def _download(export):
    body = json.dumps(dataclasses.asdict(export), ensure_ascii=False, indent=2, default=_plain)
    response = make_response(body + "\n")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    # The file name carries no part of the NIK: downloads are listed in the browser's history.
    stamp = export.generated_at.strftime("%Y%m%d-%H%M%S")
    response.headers["Content-Disposition"] = f'attachment; filename="data-subjek-{stamp}.json"'
    response.headers["Cache-Control"] = "no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    return response


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@blueprint.route("/retensi", methods=["GET", "POST"])
@roles_required(*ADMINS)
def retention():
    actor = current_actor()
    if request.method == "GET":
        return render_template("privacy/retention.html", report=alur().purge_expired(actor, dry_run=True), errors={})
    if request.form.get("konfirmasi") != CONFIRM:
        errors = {"konfirmasi": _("Centang pernyataan bahwa Anda memahami penghapusan ini permanen.")}
        return render_template("privacy/retention.html", report=alur().purge_expired(actor, dry_run=True),
                               errors=errors), 422
    report = alur().purge_expired(actor, dry_run=False)
    return render_template("privacy/retention_done.html", report=report)
