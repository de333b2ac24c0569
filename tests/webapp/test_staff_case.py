"""Finding a case by code, the case page (diagram data, steps, timeline, masking) and the BPMN
the diagram draws."""
from __future__ import annotations

import re

from tests.conftest import UPP_KEMENTERIAN
from tests.sop_data import PEMBERITAHUAN
from tests.webapp.staff_support import NIK, as_user, case_at_step, start


def test_find_case_by_code_typed_loosely(make_client, web_alur):
    started = start(web_alur)
    client = as_user(make_client, "sesdep")
    assert "Kode tiket" in client.get("/kasus").get_data(as_text=True)
    loose = started.ticket_code.replace("-", "").lower()
    response = client.get(f"/kasus?kode={loose}")
    assert response.status_code == 302 and response.headers["Location"] == f"/kasus/{started.instance_id}"


def test_find_case_says_so_when_nothing_matches(make_client, web_alur):
    start(web_alur)
    response = as_user(make_client, "auditor").get("/kasus?kode=ZZZZZ-ZZZZZ")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Tidak ada kasus dengan kode tiket ZZZZZ-ZZZZZ" in page and 'value="ZZZZZ-ZZZZZ"' in page


def test_case_page_passes_done_and_current_steps_to_the_diagram(make_client, web_alur):
    started, task = case_at_step(web_alur, 3)
    page = as_user(make_client, "auditor").get(f"/kasus/{started.instance_id}").get_data(as_text=True)
    done = re.search(r'data-done="([^"]*)"', page).group(1).split()
    current = re.search(r'data-current="([^"]*)"', page).group(1).split()
    assert done == ["Task_01_Screening", "Task_02_VerifikasiDumas"]
    assert current == [task.bpmn_id] == ["Task_03_KeputusanSesdep"]
    assert f'data-xml-url="/kasus/{started.instance_id}/diagram.bpmn"' in page
    assert "/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert "/vendor/bpmn-js/assets/bpmn-js.css" in page and "/static/js/case-diagram.js" in page
    assert "Sedang berjalan" in page and page.count('class="badge badge-ok">Selesai') == 2


def test_a_finished_case_marks_its_end_event(make_client, web_alur):
    started, task = case_at_step(web_alur, 5, disetujui=False)
    web_alur.complete(UPP_KEMENTERIAN, task.id, PEMBERITAHUAN)
    page = as_user(make_client, "auditor").get(f"/kasus/{started.instance_id}").get_data(as_text=True)
    assert "EndEvent_Ditolak" in re.search(r'data-done="([^"]*)"', page).group(1)
    assert 'data-current=""' in page
    assert "Kasus selesai" in page and "Kunjungan ditolak" in page


def test_timeline_names_each_event_and_the_data_entered(make_client, web_alur):
    started, _ = case_at_step(web_alur, 3)
    page = as_user(make_client, "budi").get(f"/kasus/{started.instance_id}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">.*?</ol>', page, re.S).group(0)
    for words in ("Kasus dibuka", "Langkah siap", "Diselesaikan", "oleh ani", "oleh budi", "oleh Sistem"):
        assert words in timeline, words
    assert "Nama lengkap" in timeline and "Tujuan kunjungan" in timeline and "Konsultasi dengan pimpinan" in timeline
    assert "Dumas ditemukan?" in timeline and "Ya" in timeline  # labels and option titles, not keys
    assert "instance.started" not in timeline


def test_upp_unit_kerja_sees_personal_data_in_full(make_client, web_alur):
    started, _ = case_at_step(web_alur, 3)
    page = as_user(make_client, "budi").get(f"/kasus/{started.instance_id}").get_data(as_text=True)
    assert NIK in page and "Merdeka Barat" in page
    assert "(disamarkan)" not in page and 'id="masked-note"' not in page


def test_sesdep_and_auditor_see_personal_data_masked(make_client, web_alur):
    started, _ = case_at_step(web_alur, 3, nama="Siti Rahmawati")
    for username in ("sesdep", "auditor", "pemilik"):
        page = as_user(make_client, username).get(f"/kasus/{started.instance_id}").get_data(as_text=True)
        assert NIK not in page and "Merdeka Barat" not in page and "3456" not in page, username
        assert "*" * 12 + NIK[-4:] in page, username
        assert "(disamarkan)" in page and 'id="masked-note"' in page, username
        assert "Siti Rahmawati" in page  # the name stays visible to all staff


def test_diagram_xml_is_the_cases_bpmn_for_staff_only(make_client, web_alur):
    started = start(web_alur)
    response = as_user(make_client, "auditor").get(f"/kasus/{started.instance_id}/diagram.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b"Task_01_Screening" in response.data and b"bpmndi:BPMNDiagram" in response.data
    assert "private" in response.headers["Cache-Control"]
    anonymous = make_client().get(f"/kasus/{started.instance_id}/diagram.bpmn")
    assert anonymous.status_code == 302 and b"bpmn" not in anonymous.data.lower().replace(b"diagram.bpmn", b"")
    assert as_user(make_client, "auditor").get("/kasus/999/diagram.bpmn").status_code == 404


def test_unknown_case_is_404(make_client):
    assert as_user(make_client, "auditor").get("/kasus/999").status_code == 404
