"""The OpenAPI document against the server: a valid document, every route documented, and every
documented response of every operation produced for real and matching its schema."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.sop_data import VERIFIKASI, screening
from tests.webapp.api_support import PREFIX, ApiClient, documented_operations, token_for
from web import create_app
from web.api.openapi import document

TOO_BIG = b'{"data": {"x": "' + b"a" * (3 * 1024 * 1024) + b'"}}'


def test_the_document_is_valid_openapi_3_1():
    doc = document()
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerAuth"][
            "description"]}


def test_the_document_is_served_without_a_token(client):
    response = ApiClient(client).call("GET", "/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == document()


def test_every_api_route_is_documented_and_every_documented_path_is_routed(app):
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/") or rule.rule == PREFIX:
            template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
            routed |= {(template, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method.upper()) for path, item in document()["paths"].items() for method in item}
    assert routed, "no routes under /api/v1"
    assert routed - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routed == set(), "documented operations with no route"


def test_every_documented_response_of_every_operation_is_produced_and_matches(app, client, web_alur):
    api = ApiClient(client)
    ani, budi, auditor = (token_for(web_alur, name) for name in ("ani", "budi", "auditor"))
    call = api.call

    call("GET", "/openapi.json")

    # POST /cases
    started = call("POST", "/cases", ani, json={"data": screening()})
    assert started.status_code == 201
    case_id, code = started.get_json()["id"], started.get_json()["ticket_code"]
    step2 = started.get_json()["ready"][0]["id"]
    assert call("POST", "/cases", json={"data": screening()}).status_code == 401
    assert call("POST", "/cases", auditor, json={"data": screening()}).status_code == 403
    assert call("POST", "/cases", ani, json={"process_key": "tidak_ada", "data": screening()}).status_code == 404
    assert call("POST", "/cases", ani, json={"data": {**screening(), "nik": "12"}}).status_code == 422
    assert call("POST", "/cases", ani, data="{bukan json").status_code == 400
    assert call("POST", "/cases", ani, data=TOO_BIG).status_code == 413

    # GET /tasks
    assert call("GET", "/tasks", budi).status_code == 200
    assert call("GET", "/tasks").status_code == 401
    assert call("GET", "/tasks", auditor).status_code == 403
    assert call("GET", "/tasks?status=semua", budi).status_code == 422

    # GET /tasks/{task_id}
    assert call("GET", f"/tasks/{step2}", budi).status_code == 200
    assert call("GET", f"/tasks/{step2}").status_code == 401
    assert call("GET", f"/tasks/{step2}", auditor).status_code == 403
    assert call("GET", f"/tasks/{step2}", ani).status_code == 404

    # release before anyone holds it (409), claim, release, claim again
    assert call("POST", f"/tasks/{step2}/release", budi).status_code == 409
    for verb in ("claim", "release"):
        assert call("POST", f"/tasks/{step2}/{verb}").status_code == 401
        assert call("POST", f"/tasks/{step2}/{verb}", auditor).status_code == 403
        assert call("POST", f"/tasks/{step2}/{verb}", ani).status_code == 404
    assert call("POST", f"/tasks/{step2}/claim", budi).status_code == 200
    assert call("POST", f"/tasks/{step2}/release", budi).status_code == 200

    # POST /tasks/{task_id}/complete
    assert call("POST", f"/tasks/{step2}/complete", budi, data="[1, 2").status_code == 400
    assert call("POST", f"/tasks/{step2}/complete", budi, json={"data": {}}).status_code == 422
    assert call("POST", f"/tasks/{step2}/complete", budi, data=TOO_BIG).status_code == 413
    assert call("POST", f"/tasks/{step2}/complete", json={"data": VERIFIKASI}).status_code == 401
    assert call("POST", f"/tasks/{step2}/complete", auditor, json={"data": VERIFIKASI}).status_code == 403
    assert call("POST", f"/tasks/{step2}/complete", ani, json={"data": VERIFIKASI}).status_code == 404
    assert call("POST", f"/tasks/{step2}/complete", budi, json={"data": VERIFIKASI}).status_code == 200
    assert call("POST", f"/tasks/{step2}/complete", budi, json={"data": VERIFIKASI}).status_code == 409
    assert call("POST", f"/tasks/{step2}/claim", budi).status_code == 409

    # the case and its history
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/history"):
        assert call("GET", path, auditor).status_code == 200
        assert call("GET", path).status_code == 401
    assert call("GET", "/cases/987654", auditor).status_code == 404
    assert call("GET", "/cases/987654/history", auditor).status_code == 404

    # the visitor's tracking, then its rate limit on a second app whose limiter is on
    assert call("GET", f"/public/track/{code}").status_code == 200
    assert call("GET", "/public/track/AAAAA-AAAAA").status_code == 404
    limited = create_app(web_alur, {"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                                    "ALUR_TRACK_LIMIT": "2 per minute"}).test_client()
    statuses = [call("GET", "/public/track/AAAAA-AAAAA", client=limited).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]

    missing = documented_operations(api.doc) - api.seen
    assert missing == set(), f"documented but never produced: {sorted(missing)}"


@pytest.mark.parametrize("path", ["/tidak-ada", "/tasks/x/hapus", "/cases/bukan-angka"])
def test_unknown_api_paths_answer_json_404(client, path):
    response = client.get(PREFIX + path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "http_404"
