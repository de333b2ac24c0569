"""Processes and their versions: the list, uploads from other modelers, downloads, publishing the
draft with a change note (the plain-form way; the modeler publishes through the same use case).
"""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import Conflict, NotFound, Rejected
from web.owner import OWNERS, READERS, blueprint
from web.security import alur, current_actor, roles_required

STATUS_LABELS = {"published": _l("berlaku"), "retired": _l("ditarik"), "draft": _l("draf")}
STATUS_HELP = {
    "published": _l("kasus baru dimulai pada versi ini"),
    "retired": _l("tidak menerima kasus baru; kasus yang berjalan tetap pada versi ini"),
    "draft": _l("belum diterbitkan; tidak pernah dijalankan"),
}


@blueprint.get("")
@roles_required(*READERS)
def processes():
    actor = current_actor()
    return render_template("owner/processes.html", processes=alur().processes(actor),
                           can_edit=bool(actor.roles & set(OWNERS)), status_labels=STATUS_LABELS)


@blueprint.get("/<process_key>")
@roles_required(*READERS)
def versions(process_key: str):
    actor = current_actor()
    process = alur().process_versions(actor, process_key)
    return render_template("owner/versions.html", process=process, can_edit=bool(actor.roles & set(OWNERS)),
                           status_labels=STATUS_LABELS, status_help=STATUS_HELP,
                           problems=None, change_note="")


@blueprint.get("/<process_key>/versi/<int:number>.bpmn")
@roles_required(*READERS)
def download(process_key: str, number: int):
    text = alur().process_version_xml(current_actor(), process_key, number)
    response = make_response(text)
    response.mimetype = "application/xml"
    if request.args.get("unduh", "1") != "0":
        response.headers["Content-Disposition"] = f'attachment; filename="{process_key}-v{number}.bpmn"'
    # A published version never changes; it is internal, so private caches only.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@blueprint.post("/unggah")
@roles_required(*OWNERS)
def upload_new():
    return _upload(None)


@blueprint.post("/<process_key>/unggah")
@roles_required(*OWNERS)
def upload(process_key: str):
    return _upload(process_key)


def _upload(process_key: str | None):
    file = request.files.get("berkas")
    back = url_for("owner.versions", process_key=process_key) if process_key else url_for("owner.processes")
    if file is None or not file.filename:
        flash(_("Pilih berkas .bpmn untuk diunggah."), "error")
        return redirect(back)
    data = file.read()
    try:
        draft, problems = alur().upload_process(current_actor(), data, process_key=process_key)
    except Rejected as rejected:
        return _refused_upload(process_key, file.filename, rejected.problems)
    if problems:
        flash(_("Berkas %(name)s disimpan sebagai draf, tetapi belum dapat diterbitkan: %(count)d masalah. "
                "Buka modeler untuk memperbaikinya.", name=file.filename, count=len(problems)), "error")
    else:
        flash(_("Berkas %(name)s disimpan sebagai draf dan lolos semua pemeriksaan; tulis catatan perubahan "
                "lalu terbitkan.", name=file.filename), "success")
    return redirect(url_for("owner.versions", process_key=draft.process_key, _anchor="draf"))


def _refused_upload(process_key: str | None, filename: str, problems):
    """A file refused outright (hostile, too big, not XML): nothing was stored."""
    actor = current_actor()
    context = dict(upload_problems=problems, upload_name=filename, can_edit=True, status_labels=STATUS_LABELS)
    if process_key is None:
        return render_template("owner/processes.html", processes=alur().processes(actor), **context), 422
    process = alur().process_versions(actor, process_key)
    return render_template("owner/versions.html", process=process, status_help=STATUS_HELP, problems=None,
                           change_note="", **context), 422


@blueprint.post("/<process_key>/terbitkan")
@roles_required(*OWNERS)
def publish(process_key: str):
    actor = current_actor()
    note = request.form.get("catatan", "")
    revision = request.form.get("revisi", type=int)
    wants_json = request.is_json or request.accept_mimetypes.best == "application/json"
    try:
        published = alur().publish_process(actor, process_key, note, expected_revision=revision)
    except (Rejected, Conflict, NotFound) as refused:
        problems = getattr(refused, "problems", None)
        status = 422 if problems is not None else (409 if isinstance(refused, Conflict) else 404)
        if wants_json:
            message = refused.message if problems is None else _(
                "Draf tidak diterbitkan: %(count)d masalah. Versi yang berlaku tidak berubah.", count=len(problems))
            return {"published": False, "message": message,
                    "problems": [_problem_json(p) for p in problems or []]}, status
        process = alur().process_versions(actor, process_key)
        return render_template("owner/versions.html", process=process, can_edit=True, status_labels=STATUS_LABELS,
                               status_help=STATUS_HELP, problems=problems, refusal=refused.message,
                               change_note=note), status
    message = _("Versi %(version)d diterbitkan: kasus baru kini dimulai pada versi ini; kasus yang sedang "
                "berjalan tetap pada versinya.", version=published.version)
    flash(message, "success")
    target = url_for("owner.versions", process_key=process_key)
    if wants_json:
        return {"published": True, "version": published.version, "redirect": target, "message": message}
    return redirect(target)


@blueprint.post("/<process_key>/draf/buang")
@roles_required(*OWNERS)
def discard_draft(process_key: str):
    alur().discard_process_draft(current_actor(), process_key)
    flash(_("Draf dibuang. Versi yang berlaku tidak berubah."), "success")
    return redirect(url_for("owner.versions", process_key=process_key))


def _problem_json(problem) -> dict:
    return {"code": getattr(problem, "code", "definition.rejected"),
            "element_id": getattr(problem, "element_id", None), "message": str(problem)}
