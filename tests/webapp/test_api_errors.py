"""Refusals over the API: always JSON {"error": {code, message, fields?}}, never an HTML page,
and nothing written when a request is refused."""
from __future__ import annotations

from engine.case import Actor
from tests.sop_data import PENYAMPAIAN, VERIFIKASI, keputusan, screening
from tests.webapp.api_support import PREFIX, ApiClient, token_for
from tests.webapp.conftest import PASSWORD
from web import create_app

PROCESS = "pelayanan_pengaduan"
BUDI = Actor("budi", frozenset({"upp_unit_kerja"}))
SESDEP = Actor("sesdep", frozenset({"sesdep"}))


def _case(web_alur):
    return web_alur.start(PROCESS, web_alur.authenticate("ani", PASSWORD), first_task_data=screening())


def test_malformed_or_misshapen_bodies_get_400_and_write_nothing(client, web_alur):
    api, budi = ApiClient(client), token_for(web_alur, "budi")
    step2 = _case(web_alur).ready[0].id
    path = f"/tasks/{step2}/complete"
    cases = [
        ('{"data": {', "malformed_json", None), (b"\xff\xfe", "malformed_json", None),
        ('{"data": {"usia": NaN}}', "malformed_json", None), ("[" * 100_000, "malformed_json", None),
        ("", "invalid_body", None),
        ("[1, 2]", "invalid_body", None), ('"teks"', "invalid_body", None),
        ("{}", "invalid_body", {"data"}), ('{"data": [1]}', "invalid_body", {"data"}),
        ('{"data": {}, "dat": {}}', "invalid_body", {"dat"}),
    ]
    for raw, code, fields in cases:
        response = api.call("POST", path, budi, data=raw)
        assert response.status_code == 400, raw
        error = response.get_json()["error"]
        assert error["code"] == code, raw
        assert (set(error["fields"]) if "fields" in error else None) == fields, raw
    assert web_alur.task(BUDI, step2).state == "ready"


def test_start_refuses_a_misshapen_envelope_with_400(client, web_alur):
    api, ani = ApiClient(client), token_for(web_alur, "ani")
    for body, field in (({"data": screening(), "process_key": 7}, "process_key"), ({"process_key": PROCESS}, "data")):
        response = api.call("POST", "/cases", ani, json=body)
        assert response.status_code == 400
        assert set(response.get_json()["error"]["fields"]) == {field}


def test_invalid_form_data_gets_422_with_each_field_named_and_writes_nothing(client, web_alur):
    api, budi = ApiClient(client), token_for(web_alur, "budi")
    step2 = _case(web_alur).ready[0].id
    bad = {**VERIFIKASI, "dumas_ditemukan": "mungkin", "pimpinan_diinformasikan": "ya"}
    response = api.call("POST", f"/tasks/{step2}/complete", budi, json={"data": bad})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_data"
    assert {"dumas_ditemukan", "pimpinan_diinformasikan"} <= set(error["fields"])
    assert all(isinstance(message, str) and message for message in error["fields"].values())
    task = web_alur.task(BUDI, step2)
    assert (task.state, task.claimed_by) == ("ready", None)


def test_an_invalid_screening_opens_no_case(client, web_alur):
    api, ani, budi = ApiClient(client), token_for(web_alur, "ani"), token_for(web_alur, "budi")
    response = api.call("POST", "/cases", ani, json={"data": {**screening(), "nik": "123", "tujuan": "lain"}})
    assert response.status_code == 422
    assert {"nik", "tujuan"} <= set(response.get_json()["error"]["fields"])
    assert api.call("GET", "/tasks", budi).get_json() == {"tasks": []}


def test_completing_twice_gets_409_and_the_case_moves_once(client, web_alur):
    api, budi = ApiClient(client), token_for(web_alur, "budi")
    started = _case(web_alur)
    step2 = started.ready[0].id
    first = api.call("POST", f"/tasks/{step2}/complete", budi, json={"data": VERIFIKASI})
    second = api.call("POST", f"/tasks/{step2}/complete", budi, json={"data": VERIFIKASI})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.get_json()["error"]["code"] == "conflict"
    completions = [e for e in web_alur.history(SESDEP, started.instance_id) if e.kind == "task.completed"]
    assert len(completions) == 2  # the screening and step 2, once


def test_a_task_held_by_a_colleague_gets_409(client, web_alur):
    api = ApiClient(client)
    started = _case(web_alur)
    task = started.ready[0].id
    for actor, data in ((BUDI, VERIFIKASI), (SESDEP, keputusan()), (BUDI, PENYAMPAIAN)):
        task = web_alur.complete(actor, task, data).ready[0].id  # on to step 5, UPP Kementerian's
    ani, ana = token_for(web_alur, "ani"), token_for(web_alur, "ana")
    assert api.call("POST", f"/tasks/{task}/claim", ani).status_code == 200
    assert api.call("POST", f"/tasks/{task}/claim", ani).status_code == 200  # holding it already: no change
    for verb, body in (("claim", None), ("release", None), ("complete", {"data": {}})):
        response = api.call("POST", f"/tasks/{task}/{verb}", ana, json=body)
        assert response.status_code == 409, verb
        assert "ani" in response.get_json()["error"]["message"]


def test_inbox_filters_are_checked_and_applied(client, web_alur):
    api, budi = ApiClient(client), token_for(web_alur, "budi")
    first, second = _case(web_alur), _case(web_alur)
    assert len(api.call("GET", "/tasks", budi).get_json()["tasks"]) == 2
    found = api.call("GET", f"/tasks?q={second.ticket_code.replace('-', '').lower()}", budi).get_json()["tasks"]
    assert [t["instance_id"] for t in found] == [second.instance_id]
    web_alur.claim(BUDI, first.ready[0].id)
    assert [t["instance_id"] for t in api.call("GET", "/tasks?status=mine", budi).get_json()["tasks"]] == \
        [first.instance_id]
    assert [t["instance_id"] for t in api.call("GET", "/tasks?status=unclaimed", budi).get_json()["tasks"]] == \
        [second.instance_id]
    assert api.call("GET", "/tasks?step=3", budi).get_json() == {"tasks": []}
    for query, field in (("step=dua", "step"), ("step=0", "step"), ("status=semua", "status")):
        response = api.call("GET", f"/tasks?{query}", budi)
        assert response.status_code == 422, query
        assert set(response.get_json()["error"]["fields"]) == {field}


def test_wrong_methods_and_oversized_bodies_answer_json(client, web_alur):
    api, budi = ApiClient(client), token_for(web_alur, "budi")
    step2 = _case(web_alur).ready[0].id
    wrong = client.get(f"{PREFIX}/tasks/{step2}/complete", headers={"Authorization": f"Bearer {budi}"})
    assert (wrong.status_code, wrong.mimetype) == (405, "application/json")
    assert wrong.get_json()["error"]["code"] == "http_405"
    big = api.call("POST", f"/tasks/{step2}/complete", budi, data=b'{"data": "' + b"x" * (3 << 20) + b'"}')
    assert big.status_code == 413
    assert web_alur.task(BUDI, step2).state == "ready"


def test_only_unknown_ticket_codes_count_towards_the_tracking_limit(web_alur):
    code = _case(web_alur).ticket_code
    app = create_app(web_alur, {"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": True,
                                "ALUR_TRACK_LIMIT": "2 per minute"})
    api = ApiClient(app.test_client())
    assert [api.call("GET", f"/public/track/{code}").status_code for _ in range(4)] == [200] * 4
    statuses = [api.call("GET", f"/public/track/{c}").status_code for c in ("ZZZZZ-ZZZZZ", "bukan", code)]
    assert statuses == [404, 404, 429]
    assert api.call("GET", "/public/track/ZZZZZ-ZZZZZ").get_json()["error"]["code"] == "http_429"
