"""The approved-consultation path of the SOP driven over the API alone, each lane by its own
user's token; the visitor's own steps (6 and 8) go through the facade, as the public pages do."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.sop_data import KEDATANGAN, KONSULTASI, PEMBERITAHUAN, PENYAMPAIAN, SURVEI, VERIFIKASI, keputusan, screening
from tests.webapp.api_support import ApiClient, token_for

# (sop_step, lane role, form_key, data) of the staff steps after the screening, in SOP order
STAFF_STEPS = [
    (2, "upp_unit_kerja", "verifikasi_dumas", VERIFIKASI),
    (3, "sesdep", "keputusan_sesdep", keputusan(disetujui=True)),
    (4, "upp_unit_kerja", "penyampaian_keputusan", PENYAMPAIAN),
    (5, "upp_kementerian", "pemberitahuan_pengunjung", PEMBERITAHUAN),
]


def _only_ready(ready: list[dict]) -> dict:
    assert len(ready) == 1, ready
    return ready[0]


def test_an_approved_consultation_runs_end_to_end_over_the_api(client, web_alur):
    api = ApiClient(client)
    tokens = {role: token_for(web_alur, user) for role, user in
              (("upp_kementerian", "ani"), ("upp_unit_kerja", "budi"), ("sesdep", "sesdep"), ("auditor", "auditor"))}
    before = datetime.now(timezone.utc)

    started = api.call("POST", "/cases", tokens["upp_kementerian"], json={"data": screening("konsultasi")})
    assert started.status_code == 201
    body = started.get_json()
    case_id, code = body["id"], body["ticket_code"]
    assert started.headers["Location"].endswith(f"/api/v1/cases/{case_id}")
    assert body["definition_version"] == 1
    ready = body["ready"]

    for sop_step, role, form_key, data in STAFF_STEPS:
        task = _only_ready(ready)
        assert (task["sop_step"], task["role"], task["form_key"]) == (sop_step, role, form_key)
        token = tokens[role]
        inbox = api.call("GET", f"/tasks?step={sop_step}", token).get_json()["tasks"]
        assert [t["id"] for t in inbox] == [task["id"]]
        detail = api.call("GET", f"/tasks/{task['id']}", token).get_json()
        assert detail["form"]["key"] == form_key and detail["form"]["schema"]["type"] == "object"
        assert detail["step"]["sop_step"] == sop_step and detail["case"]["ticket_code"] == code
        claimed = api.call("POST", f"/tasks/{task['id']}/claim", token).get_json()
        assert claimed["claimed_by"] == web_alur.actor_for_token(token).name
        assert api.call("GET", "/tasks?status=mine", token).get_json()["tasks"][0]["id"] == task["id"]
        done = api.call("POST", f"/tasks/{task['id']}/complete", token, json={"data": data})
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["status"] == "running"
        ready = done.get_json()["ready"]

    arrival = _only_ready(ready)
    assert (arrival["sop_step"], arrival["role"]) == (6, "masyarakat")
    # Nobody on staff holds the Masyarakat lane: its task is in no inbox and answers 404 to all.
    for token in (tokens["upp_kementerian"], tokens["upp_unit_kerja"], tokens["sesdep"]):
        assert arrival["id"] not in [t["id"] for t in api.call("GET", "/tasks", token).get_json()["tasks"]]
        assert api.call("GET", f"/tasks/{arrival['id']}", token).status_code == 404
    assert api.call("GET", f"/public/track/{code}").get_json()["stage"] == "menunggu_kedatangan"
    web_alur.visitor_complete(code, "kedatangan_pengunjung", KEDATANGAN)

    consultation = _only_ready(api.call("GET", "/tasks?step=7", tokens["upp_unit_kerja"]).get_json()["tasks"])
    assert (consultation["bpmn_id"], consultation["ticket_code"]) == ("Task_07_Konsultasi", code)
    done = api.call("POST", f"/tasks/{consultation['id']}/complete", tokens["upp_unit_kerja"],
                    json={"data": KONSULTASI}).get_json()
    assert _only_ready(done["ready"])["form_key"] == "survei_skm"
    finished = web_alur.visitor_complete(code, "survei_skm", SURVEI)
    assert finished.status == "completed"

    seen_by_auditor = api.call("GET", f"/cases/{case_id}", tokens["auditor"]).get_json()
    assert (seen_by_auditor["status"], seen_by_auditor["outcome"]) == ("completed", "EndEvent_Konsultasi")
    assert seen_by_auditor["personal_masked"] is True
    assert seen_by_auditor["data"]["nik"] != screening()["nik"] and seen_by_auditor["data"]["nik"].endswith("0001")
    assert seen_by_auditor["data"]["nama"] == screening()["nama"]
    assert all(t["state"] == "completed" for t in seen_by_auditor["tasks"])
    assert [t["sop_step"] for t in seen_by_auditor["tasks"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    completed_at = datetime.fromisoformat(seen_by_auditor["completed_at"].replace("Z", "+00:00"))
    assert completed_at >= before.replace(microsecond=0)
    seen_by_desk = api.call("GET", f"/cases/{case_id}", tokens["upp_kementerian"]).get_json()
    assert seen_by_desk["personal_masked"] is False and seen_by_desk["data"]["nik"] == screening()["nik"]

    events = api.call("GET", f"/cases/{case_id}/history", tokens["auditor"]).get_json()["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    completions = [(e["actor"], e["bpmn_id"]) for e in events if e["kind"] == "task.completed"]
    assert [actor for actor, _ in completions] == ["ani", "budi", "sesdep", "budi", "ani", f"pengunjung:{code}",
                                                  "budi", f"pengunjung:{code}"]
    assert events[-1]["kind"] == "instance.completed"
    assert len({e["hash"] for e in events}) == len(events)
    assert web_alur.verify(case_id).intact
    assert api.call("GET", f"/public/track/{code}").get_json()["stage"] == "selesai"


def test_a_rejected_visit_ends_after_step_5_over_the_api(client, web_alur):
    api = ApiClient(client)
    ani, budi, sesdep = (token_for(web_alur, name) for name in ("ani", "budi", "sesdep"))
    started = api.call("POST", "/cases", ani, json={"data": screening("tanya_progres")})
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    ready = body["ready"]
    for token, data in ((budi, VERIFIKASI), (sesdep, keputusan(disetujui=False)), (budi, PENYAMPAIAN),
                        (ani, PEMBERITAHUAN)):
        result = api.call("POST", f"/tasks/{_only_ready(ready)['id']}/complete", token, json={"data": data})
        assert result.status_code == 200, result.get_json()
        ready = result.get_json()["ready"]
    assert ready == []
    assert (result.get_json()["status"], result.get_json()["outcome"]) == ("completed", "EndEvent_Ditolak")
    status = api.call("GET", f"/public/track/{body['ticket_code']}").get_json()
    assert status["stage"] == "ditolak" and status["reason"] == keputusan(False)["alasan_keputusan"]
