"""The process owners' pages over the Flask client: versions, the modeler's JSON calls (save,
check), publishing with a note, uploads (hostile, foreign, too big) and downloads."""
from __future__ import annotations

import io
import re

from tests.conftest import PROCESS_OWNER, ROOT
from tests.webapp.conftest import csrf, login

KEY = "pelayanan_pengaduan"
BASE = f"/pemodelan/{KEY}"
SOP = (ROOT / "processes" / "pelayanan_pengaduan.bpmn").read_text(encoding="utf-8")
MIWG = ROOT.parent / "shared" / "corpus" / "miwg"


def owner(make_client):
    return login(make_client(), "pemilik")


def json_post(client, path, payload, token):
    return client.post(path, json=payload, headers={"X-CSRFToken": token, "Accept": "application/json"})


def test_versions_page_lists_each_version_with_its_status(make_client):
    client = owner(make_client)
    page = client.get(BASE).get_data(as_text=True)
    assert "berlaku" in page and "Versi awal dari repositori" in page
    assert f'href="{BASE}/versi/1.bpmn"' in page and f'href="{BASE}/modeler"' in page
    assert "Tidak ada draf" in page
    listing = client.get("/pemodelan").get_data(as_text=True)
    assert "Pelayanan Pengaduan Masyarakat" in listing and "versi 1" in listing


def test_the_modeler_opens_the_newest_version_then_the_draft(make_client):
    client = owner(make_client)
    page = client.get(f"{BASE}/modeler").get_data(as_text=True)
    assert f'data-source-url="{BASE}/versi/1.bpmn?unduh=0"' in page
    assert 'id="modeler-data"' in page and "catatan_langkah" in page  # the forms a new step may use
    assert "<script>" not in page  # CSP: no inline script, data travels as JSON
    token = csrf(client, f"{BASE}/modeler")
    saved = json_post(client, f"{BASE}/draf", {"xml": SOP.replace("PT10M", "PT15M"), "revision": None,
                                                "base_version": 1}, token)
    assert saved.status_code == 200 and saved.json["revision"] == 1
    page = client.get(f"{BASE}/modeler").get_data(as_text=True)
    assert f'data-source-url="{BASE}/draf.bpmn"' in page and 'data-revision="1"' in page
    assert "PT15M" in client.get(f"{BASE}/draf.bpmn").get_data(as_text=True)
    stale = json_post(client, f"{BASE}/draf", {"xml": SOP, "revision": None}, token)
    assert stale.status_code == 409 and "pemilik" in stale.json["message"]


def test_check_lists_problems_with_their_elements(make_client):
    client = owner(make_client)
    token = csrf(client, f"{BASE}/modeler")
    broken = SOP.replace('<spiffworkflow:property name="form_key" value="keputusan_sesdep" />', "")
    answer = json_post(client, f"{BASE}/periksa", {"xml": broken}, token).json
    assert answer["valid"] is False
    assert [(p["code"], p["element_id"]) for p in answer["problems"]] == [("task.property_missing",
                                                                           "Task_03_KeputusanSesdep")]
    assert json_post(client, f"{BASE}/periksa", {"xml": SOP}, token).json == {
        "valid": True, "problems": [], "message": "Lolos semua pemeriksaan: draf ini dapat diterbitkan."}
    assert client.post(f"{BASE}/periksa", json={"xml": SOP}).status_code == 400  # no CSRF token


def test_publish_with_a_note_from_the_versions_page(make_client, web_alur):
    client = owner(make_client)
    token = csrf(client, f"{BASE}/modeler")
    json_post(client, f"{BASE}/draf", {"xml": SOP.replace("PT10M", "PT15M"), "revision": None}, token)
    versions = client.get(BASE).get_data(as_text=True)
    assert 'name="revisi" value="1"' in versions
    no_note = client.post(f"{BASE}/terbitkan", data={"catatan": "", "revisi": "1", "csrf_token": token})
    assert no_note.status_code == 422 and "catatan perubahan" in no_note.get_data(as_text=True)
    done = client.post(f"{BASE}/terbitkan", data={"catatan": "Waktu langkah 7 menjadi 15 menit", "revisi": "1",
                                                  "csrf_token": token}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Versi 2 diterbitkan" in page and "Waktu langkah 7 menjadi 15 menit" in page and "ditarik" in page
    assert web_alur.latest_definition(KEY).version == 2


def test_an_invalid_draft_is_refused_and_the_serving_version_stays(make_client, web_alur):
    client = owner(make_client)
    token = csrf(client, f"{BASE}/modeler")
    broken = SOP.replace('value="PT2M"', 'value="dua menit"', 1)
    json_post(client, f"{BASE}/draf", {"xml": broken, "revision": None}, token)
    refused = client.post(f"{BASE}/terbitkan", data={"catatan": "Mencoba draf rusak", "revisi": "1",
                                                     "csrf_token": token}, headers={"Accept": "application/json"})
    assert refused.status_code == 422 and refused.json["published"] is False
    assert refused.json["problems"][0]["element_id"] == "Task_01_Screening"
    page = client.post(f"{BASE}/terbitkan", data={"catatan": "Mencoba draf rusak", "revisi": "1",
                                                  "csrf_token": token})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Versi yang berlaku tidak berubah" in text and "Task_01_Screening" in text
    assert web_alur.latest_definition(KEY).version == 1


def upload(client, path, data: bytes, name="proses.bpmn"):
    token = csrf(client, BASE)
    return client.post(path, data={"csrf_token": token, "berkas": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_hostile_uploads_are_refused_with_clear_words_and_nothing_stored(make_client, web_alur):
    client = owner(make_client)
    entity = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    answer = upload(client, f"{BASE}/unggah", entity, "jahat.bpmn")
    assert answer.status_code == 422
    assert "ENTITY" in answer.get_data(as_text=True) and "tidak ada yang disimpan" in answer.get_data(as_text=True)
    too_big = upload(client, f"{BASE}/unggah", b"<x>" + b"a" * (3 * 1024 * 1024) + b"</x>")
    assert too_big.status_code == 413 and "terlalu besar" in too_big.get_data(as_text=True)
    assert web_alur.process_draft(PROCESS_OWNER, KEY) is None


def test_a_foreign_file_becomes_a_draft_with_its_problems(make_client, web_alur):
    client = owner(make_client)
    answer = upload(client, "/pemodelan/unggah", (MIWG / "A.1.0.bpmn").read_bytes(), "A.1.0.bpmn")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "belum dapat diterbitkan" in page and "A.1.0.bpmn" in page
    assert web_alur.latest_definition(KEY).version == 1


def test_download_any_version_as_an_attachment(make_client):
    client = owner(make_client)
    answer = client.get(f"{BASE}/versi/1.bpmn")
    assert answer.status_code == 200 and answer.mimetype == "application/xml"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{KEY}-v1.bpmn"'
    assert re.search(r'<bpmn:process id="pelayanan_pengaduan"', answer.get_data(as_text=True))
    assert client.get(f"{BASE}/versi/7.bpmn").status_code == 404


def test_auditors_read_but_change_nothing(make_client):
    auditor = login(make_client(), "auditor")
    page = auditor.get(BASE).get_data(as_text=True)
    assert "Versi awal dari repositori" in page and "Catatan perubahan" in page
    assert 'id="draf"' not in page and "Buka di modeler" not in page
    token = csrf(auditor, BASE)
    assert json_post(auditor, f"{BASE}/draf", {"xml": SOP, "revision": None}, token).status_code == 403
    assert auditor.post(f"{BASE}/terbitkan", data={"catatan": "x" * 10, "csrf_token": token}).status_code == 403
