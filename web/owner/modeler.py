"""The in-browser modeler (bpmn-js Modeler) and the JSON calls its page makes: save the draft,
check a diagram with exactly the deploy checks. Publishing goes through versions.publish.

The page opens the draft when there is one, otherwise a chosen version (the newest by default).
"""
from __future__ import annotations

from flask import abort, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import Conflict, NotFound, Rejected
from web.owner import OWNERS, blueprint
from web.owner.versions import _problem_json
from web.security import alur, current_actor, roles_required

# What the side panel offers for a step's lane and form; the engine checks them again on publish.
SYMBOL_LABELS = {"kegiatan": "Kegiatan (kotak)", "keputusan": "Keputusan (belah ketupat)"}


@blueprint.get("/<process_key>/modeler")
@roles_required(*OWNERS)
def modeler(process_key: str):
    actor = current_actor()
    process = alur().process_versions(actor, process_key)
    draft = process.draft
    wanted = request.args.get("versi", type=int)
    if wanted is not None or draft is None:
        number = wanted or (process.versions[0].definition.version if process.versions else None)
        if number not in {v.definition.version for v in process.versions}:
            abort(404)
        source_url = url_for("owner.download", process_key=process_key, number=number, unduh=0)
        opened = _("versi %(number)d", number=number)
        base_version = number
    else:
        source_url = url_for("owner.draft_xml", process_key=process_key)
        opened = _("draf (disimpan %(who)s)", who=draft.updated_by)
        base_version = draft.base_version
    forms = alur().form_titles()
    return render_template(
        "owner/modeler.html", process=process, opened=opened, source_url=source_url,
        # Saving replaces the draft on purpose when the owner chose to open a version over it.
        draft_revision=draft.revision if draft else None, base_version=base_version,
        replacing_draft=draft is not None and wanted is not None,
        lane_roles=alur().lane_roles(),
        forms=forms, symbols=SYMBOL_LABELS)


@blueprint.get("/<process_key>/draf.bpmn")
@roles_required(*OWNERS)
def draft_xml(process_key: str):
    draft = alur().process_draft(current_actor(), process_key)
    if draft is None:
        raise NotFound(_("Belum ada draf untuk proses ini."))
    response = make_response(draft.bpmn_xml)
    response.mimetype = "application/xml"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Draft-Revision"] = str(draft.revision)
    return response


@blueprint.post("/<process_key>/draf")
@roles_required(*OWNERS)
def save_draft(process_key: str):
    payload = _json_payload()
    try:
        draft = alur().save_process_draft(current_actor(), process_key, payload["xml"],
                                          expected_revision=_optional_int(payload.get("revision")),
                                          base_version=_optional_int(payload.get("base_version")))
    except Conflict as conflict:
        return jsonify(saved=False, message=conflict.message), 409
    except Rejected as rejected:
        return jsonify(saved=False, message=_("Draf tidak disimpan: berkas tidak aman atau rusak."),
                       problems=[_problem_json(p) for p in rejected.problems]), 422
    return jsonify(saved=True, revision=draft.revision, updated_by=draft.updated_by,
                   message=_("Draf disimpan."))


@blueprint.post("/<process_key>/periksa")
@roles_required(*OWNERS)
def check(process_key: str):
    payload = _json_payload()
    problems = alur().check_process(current_actor(), process_key, payload["xml"])
    return jsonify(valid=not problems, problems=[_problem_json(p) for p in problems],
                   message=_("Lolos semua pemeriksaan: draf ini dapat diterbitkan.") if not problems else
                   _("%(count)d masalah harus diperbaiki sebelum diterbitkan.", count=len(problems)))


def _json_payload() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("xml"), str):
        abort(400)
    return payload


def _optional_int(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        abort(400)
