"""The OpenAPI 3.1 document of /api/v1, built here so it lives next to the code it describes.

Response schemas are closed (additionalProperties: false): the contract tests validate every
real response against them, so a field the server adds or drops without the document fails.
"""
from __future__ import annotations

import copy
import functools

API_VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _closed(properties: dict, *, optional: tuple[str, ...] = (), description: str = "") -> dict:
    schema = {"type": "object", "properties": properties,
              "required": [name for name in properties if name not in optional], "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


TIME = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC (suffix Z), milliseconds."}
FREE_OBJECT = {"type": "object", "additionalProperties": True}

TASK_PROPERTIES = {
    "id": {"type": "string"},
    "instance_id": {"type": "integer"},
    "ticket_code": {"type": "string", "examples": ["K7M2Q-9XHTP"]},
    "display_name": _nullable("string", description="The visitor's name (the case's display name)."),
    "bpmn_id": {"type": "string", "examples": ["Task_02_VerifikasiDumas"]},
    "name": {"type": "string"},
    "lane_id": {"type": "string"},
    "role": {"type": "string", "description": "The role of the task's lane; only it may see or act on the task."},
    "sop_step": {"type": "integer", "minimum": 1},
    "form_key": {"type": "string"},
    "state": {"type": "string", "enum": ["ready", "completed", "cancelled"]},
    "claimed_by": _nullable("string"),
    "created_at": TIME,
    "due_at": {**TIME, "description": "created_at plus the step's Waktu (Mutu Baku), UTC."},
    "overdue": {"type": "boolean", "description": "Still ready and past due_at at the time of the answer."},
    "completed_at": _nullable("string", format="date-time"),
    "completed_by": _nullable("string"),
}

STEP = _closed({
    "bpmn_id": {"type": "string"}, "name": {"type": "string"}, "sop_step": {"type": "integer"},
    "lane_id": {"type": "string"}, "lane_name": {"type": "string"}, "role": {"type": "string"},
    "kelengkapan": {"type": "string"}, "waktu": {"type": "string", "description": "ISO 8601 duration, e.g. PT5M."},
    "waktu_minutes": {"type": "number"}, "output": {"type": "string"}, "keterangan": {"type": "string"},
    "form_key": {"type": "string"},
}, description="The step's Mutu Baku as the case's definition version pinned it.")

CASE = _closed({
    "id": {"type": "integer"}, "ticket_code": {"type": "string"},
    "status": {"type": "string", "enum": ["running", "completed"]},
    "outcome": _nullable("string", description="The end event reached, once completed."),
    "display_name": _nullable("string"), "process_key": {"type": "string"},
    "definition_version": {"type": "integer"}, "started_by": {"type": "string"}, "started_at": TIME,
    "updated_at": TIME, "completed_at": _nullable("string", format="date-time"), "revision": {"type": "integer"},
    "data": {**FREE_OBJECT, "description": "The case data; personal fields masked unless the caller's role needs them."},
    "tasks": {"type": "array", "items": _ref("Task")},
    "personal_masked": {"type": "boolean"},
})

SCHEMAS = {
    "Error": _closed({"error": _closed({
        "code": {"type": "string", "description": "Stable, for programs (e.g. invalid_data, conflict)."},
        "message": {"type": "string", "description": "For people, in Indonesian."},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Field name -> what is wrong with it (422, and 400 for the envelope)."},
        "problems": {"type": "array", "items": {"type": "string"}},
    }, optional=("fields", "problems"))}),
    "Task": _closed(TASK_PROPERTIES),
    "TaskList": _closed({"tasks": {"type": "array", "items": _ref("Task")}}),
    "Step": STEP,
    "TaskDetail": _closed({
        **TASK_PROPERTIES,
        "step": _ref("Step"),
        "form": _closed({"key": {"type": "string"}, "title": {"type": "string"},
                         "schema": {**FREE_OBJECT, "description": "The JSON Schema (2020-12) the data must meet."}}),
        "draft": _nullable("object", description="Unfinished input saved from the UI, if any."),
        "case": _ref("Case"),
    }, description="The task, its step, its form's JSON Schema, a saved draft and the case."),
    "Case": CASE,
    "Event": _closed({
        "seq": {"type": "integer"}, "occurred_at": TIME, "actor": {"type": "string"}, "kind": {"type": "string"},
        "task_id": _nullable("string"), "bpmn_id": _nullable("string"), "lane_id": _nullable("string"),
        "data": FREE_OBJECT, "personal": _nullable("object", description="Personal fields (masked per role)."),
        "hash": {"type": "string", "description": "SHA-256 of the event chained to the previous one."},
    }),
    "EventList": _closed({"events": {"type": "array", "items": _ref("Event")}}),
    "StartRequest": _closed({
        "process_key": {"type": "string", "description": "Default: the first deployed process."},
        "data": {**FREE_OBJECT, "description": "The first step's form data (screening), typed JSON."},
    }, optional=("process_key",)),
    "StartResult": _closed({"id": {"type": "integer"}, "ticket_code": {"type": "string"},
                            "definition_version": {"type": "integer"},
                            "ready": {"type": "array", "items": _ref("Task")}}),
    "CompleteRequest": _closed({"data": {**FREE_OBJECT, "description": "The task's form data, typed JSON."}}),
    "CompletionResult": _closed({"instance_id": {"type": "integer"},
                                 "status": {"type": "string", "enum": ["running", "completed"]},
                                 "outcome": _nullable("string"), "ready": {"type": "array", "items": _ref("Task")}}),
    "PublicStatus": _closed({
        "ticket_code": {"type": "string"},
        "stage": {"type": "string", "enum": ["diproses", "keputusan_disampaikan", "menunggu_kedatangan",
                                             "dilayani", "survei", "selesai", "ditolak"]},
        "current_step": _nullable("integer"), "started_at": TIME, "updated_at": TIME,
        "tujuan": _nullable("string"), "scheduled_at": _nullable("string"), "place": _nullable("string"),
        "message": _nullable("string"), "reason": _nullable("string"), "visitor_form_key": _nullable("string"),
    }, description="What a visitor may see of their case: no personal data."),
}

_ERROR_CONTENT = {"application/json": {"schema": _ref("Error")}}
RESPONSES = {
    "BadRequest": {"description": "The body is not JSON, not an object, or not the operation's envelope.",
                   "content": _ERROR_CONTENT},
    "Unauthorized": {"description": "No bearer token, or one revoked or of a deactivated account.",
                     "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}, "content": _ERROR_CONTENT},
    "Forbidden": {"description": "The token's owner lacks the role for this operation.", "content": _ERROR_CONTENT},
    "NotFound": {"description": "No such resource, or (for tasks) one outside the caller's lanes.",
                 "content": _ERROR_CONTENT},
    "Conflict": {"description": "The task is no longer ready, is held by someone else, or the case changed "
                                "meanwhile; nothing was written.", "content": _ERROR_CONTENT},
    "PayloadTooLarge": {"description": "The body exceeds the server's limit (2 MiB).", "content": _ERROR_CONTENT},
    "InvalidData": {"description": "The data fails the form's JSON Schema (or a filter is invalid); "
                                   "error.fields names each field.", "content": _ERROR_CONTENT},
    "TooManyRequests": {"description": "Too many unknown ticket codes from this address; wait and retry.",
                        "content": _ERROR_CONTENT},
}
_ERROR_STATUSES = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
                   413: "PayloadTooLarge", 422: "InvalidData", 429: "TooManyRequests"}


def _operation(operation_id: str, summary: str, ok: tuple[int, str, str], errors: tuple[int, ...], *,
               tags: tuple[str, ...], public: bool = False, parameters: list | None = None,
               request: str | None = None, description: str = "") -> dict:
    status, schema, text = ok
    operation = {"operationId": operation_id, "summary": summary, "tags": list(tags),
                 "responses": {str(status): {"description": text,
                                             "content": {"application/json": {"schema": _ref(schema)}}}}}
    for code in errors:
        operation["responses"][str(code)] = {"$ref": f"#/components/responses/{_ERROR_STATUSES[code]}"}
    if description:
        operation["description"] = description
    if public:
        operation["security"] = []
    if parameters:
        operation["parameters"] = parameters
    if request:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(request)}}}
    return operation


def _path_parameter(name: str, kind: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}, "description": description}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


TASK_ID = _path_parameter("task_id", "string", "A task id from the inbox or a `ready` list.")
CASE_ID = _path_parameter("instance_id", "integer", "The case id.")
TASK_ERRORS = (401, 403, 404, 409)


def _paths() -> dict:
    return {
        "/cases": {"post": _operation(
            "startCase", "Receive a visitor: open a case with the screening (SOP step 1)",
            (201, "StartResult", "The case is open; `ready` holds the next tasks."), (400, 401, 403, 404, 413, 422),
            tags=("cases",), request="StartRequest",
            description="Roles upp_kementerian (admin is refused by the engine unless it also holds the first "
                        "step's lane). Invalid data opens nothing (422). Location names the new case.")},
        "/tasks": {"get": _operation(
            "listTasks", "The inbox: open tasks of the caller's lanes, oldest first",
            (200, "TaskList", "At most 200 tasks."), (401, 403, 422), tags=("tasks",), parameters=[
                _query("step", {"type": "integer", "minimum": 1}, "Only tasks of this SOP step."),
                _query("status", {"type": "string", "enum": ["unclaimed", "mine", "others"]},
                       "unclaimed, claimed by the caller (mine) or by a colleague (others)."),
                _query("q", {"type": "string"}, "Part of a ticket code (with or without its dash) or of the name."),
            ])},
        "/tasks/{task_id}": {"get": _operation(
            "getTask", "A task with its step, its form's JSON Schema, a saved draft and the case",
            (200, "TaskDetail", "The task."), (401, 403, 404), tags=("tasks",), parameters=[TASK_ID])},
        "/tasks/{task_id}/claim": {"post": _operation(
            "claimTask", "Take a task, so colleagues see it is being worked on",
            (200, "Task", "The task, claimed by the caller (claiming one's own task again is no change)."),
            TASK_ERRORS, tags=("tasks",), parameters=[TASK_ID])},
        "/tasks/{task_id}/release": {"post": _operation(
            "releaseTask", "Give a claimed task back to the lane",
            (200, "Task", "The task, unclaimed."), TASK_ERRORS, tags=("tasks",), parameters=[TASK_ID])},
        "/tasks/{task_id}/complete": {"post": _operation(
            "completeTask", "Complete a task with its form data",
            (200, "CompletionResult", "The case moved on; `ready` holds its open tasks now."),
            (400, *TASK_ERRORS, 413, 422), tags=("tasks",), parameters=[TASK_ID], request="CompleteRequest",
            description="The data is validated against the form's JSON Schema pinned by the case's definition "
                        "version (GET /tasks/{task_id} returns it); invalid data writes nothing (422).")},
        "/cases/{instance_id}": {"get": _operation(
            "getCase", "A case with its data and tasks (personal fields masked per role)",
            (200, "Case", "The case."), (401, 404), tags=("cases",), parameters=[CASE_ID])},
        "/cases/{instance_id}/history": {"get": _operation(
            "getCaseHistory", "The case's hash-chained event log",
            (200, "EventList", "Events in order."), (401, 404), tags=("cases",), parameters=[CASE_ID])},
        "/public/track/{ticket_code}": {"get": _operation(
            "trackCase", "A visitor's view of their case by ticket code (no token)",
            (200, "PublicStatus", "The case's public status."), (404, 429), tags=("public",), public=True,
            parameters=[_path_parameter("ticket_code", "string", "The ticket code, e.g. K7M2Q-9XHTP.")],
            description="Rate-limited per address; only unknown codes count towards the limit.")},
        "/openapi.json": {"get": _operation(
            "getOpenApi", "This document", (200, "OpenApiDocument", "OpenAPI 3.1."), (), tags=("meta",),
            public=True)},
    }


@functools.lru_cache(maxsize=1)
def _built() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Alur API",
            "version": API_VERSION,
            "description": "Integrations for the SOP Pelayanan Pengaduan Masyarakat (Deputi V, Kemenko Polhukam): "
                           "receive visitors, work the inbox and read cases, with the same rules as the web UI. "
                           "Authenticate with `Authorization: Bearer <token>`; tokens are made in the UI "
                           "(Akun saya) or with `alur tokens create`. Error messages are in Indonesian.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in ("cases", "tasks", "public", "meta")],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A per-user API token (alur_...)."}},
            "schemas": {**SCHEMAS, "OpenApiDocument": {
                "type": "object", "required": ["openapi", "info", "paths"],
                "properties": {"openapi": {"type": "string", "pattern": r"^3\.1\."}}}},
            "responses": RESPONSES,
        },
    }


def document() -> dict:
    """A copy: callers (and jsonify) may not change the cached document."""
    return copy.deepcopy(_built())
