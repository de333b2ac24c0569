"""The operations of /api/v1: each one a facade call between reading the request and writing JSON.

Same rules as the UI, because they are the engine's: the engine checks roles on every use case,
answers "not found" for another lane's task, validates form data against the pinned schema and
refuses a lost race with Conflict. The guards here only refuse earlier and more plainly.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, url_for
from flask_babel import gettext as _

from engine.errors import NotFound
from web.api import body, serialise
from web.api.auth import LANE_ROLES, STAFF_ROLES, STARTER_ROLES, ApiError, api_actor, token_required
from web.api.openapi import document
from web.extensions import limiter
from web.formatting import now_utc
from web.security import alur

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


@blueprint.errorhandler(ApiError)
def api_error(error: ApiError):
    return jsonify(error.body()), error.status, error.headers


@blueprint.after_request
def no_store(response):
    # Answers carry case data, personal data included for some roles: no cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/cases")
@token_required(*STARTER_ROLES)
def start_case():
    request_body = body.json_object(required={"data"}, optional={"process_key"})
    data = body.object_member(request_body, "data")
    process_key = body.string_member(request_body, "process_key") or _default_process_key()
    result = alur().start(process_key, api_actor(), first_task_data=data)
    response = jsonify(serialise.started(result, now_utc()))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_case", instance_id=result.instance_id)
    return response


def _default_process_key() -> str:
    published = [d for d in alur().definitions() if d.status == "published"]
    if not published:
        raise NotFound(_("Belum ada proses yang dipasang."))
    return published[0].process_key


@blueprint.get("/tasks")
@token_required(*LANE_ROLES)
def list_tasks():
    items = alur().inbox(api_actor(), **body.inbox_filters())
    now = now_utc()
    return jsonify(tasks=[serialise.task(item, now) for item in items])


@blueprint.get("/tasks/<task_id>")
@token_required(*LANE_ROLES)
def get_task(task_id: str):
    return jsonify(serialise.task_detail(alur().task_detail(api_actor(), task_id), now_utc()))


@blueprint.post("/tasks/<task_id>/claim")
@token_required(*LANE_ROLES)
def claim_task(task_id: str):
    return jsonify(serialise.task(alur().claim(api_actor(), task_id), now_utc()))


@blueprint.post("/tasks/<task_id>/release")
@token_required(*LANE_ROLES)
def release_task(task_id: str):
    return jsonify(serialise.task(alur().release(api_actor(), task_id), now_utc()))


@blueprint.post("/tasks/<task_id>/complete")
@token_required(*LANE_ROLES)
def complete_task(task_id: str):
    data = body.object_member(body.json_object(required={"data"}), "data")
    return jsonify(serialise.completed(alur().complete(api_actor(), task_id, data), now_utc()))


@blueprint.get("/cases/<int:instance_id>")
@token_required(*STAFF_ROLES)
def get_case(instance_id: int):
    return jsonify(serialise.case(alur().case(api_actor(), instance_id=instance_id), now_utc()))


@blueprint.get("/cases/<int:instance_id>/history")
@token_required(*STAFF_ROLES)
def case_history(instance_id: int):
    return jsonify(events=[serialise.event(record) for record in alur().history(api_actor(), instance_id)])


@blueprint.get("/public/track/<ticket_code>")
# Only misses count, as on the UI's tracking page: guessing codes is what the limit is for.
@limiter.limit(lambda: current_app.config["ALUR_TRACK_LIMIT"], deduct_when=lambda r: r.status_code == 404)
def track(ticket_code: str):
    return jsonify(serialise.public_status(alur().track(ticket_code)))


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(document())

