"""The task page and its verbs: claim, release, draft, complete; refusals keep what was typed
(422), conflicts answer 409, and a task completes once however often it is posted."""
from __future__ import annotations

import re

from tests.conftest import UPP_UNIT_KERJA
from tests.sop_data import PEMBERITAHUAN, VERIFIKASI
from tests.webapp.staff_support import (ANA_ACTOR, as_user, case_at_step, completed_events, open_task, post,
                                        ready_tasks)


def test_task_page_shows_the_case_the_mutu_baku_and_the_form(make_client, web_alur):
    started, task = case_at_step(web_alur, 2, nama="Siti Rahmawati")
    step = web_alur.latest_definition("pelayanan_pengaduan").steps[task.bpmn_id]
    page = as_user(make_client, "budi").get(f"/tugas/{task.id}").get_data(as_text=True)
    assert started.ticket_code in page and "Siti Rahmawati" in page and "Konsultasi dengan pimpinan" in page
    assert f'href="/kasus/{started.instance_id}"' in page
    for text in (step["kelengkapan"], step["output"], step["name"]):
        assert text in page
    assert f"{step['waktu_seconds'] // 60} menit" in page and "sisa " in page
    for field in VERIFIKASI:
        assert f'name="{field}"' in page
    assert 'value="claim"' in page and "Ambil tugas" in page
    assert 'value="draft"' in page and 'value="complete"' in page
    assert "novalidate" in page and 'name="csrf_token"' in page


def test_claim_then_release(make_client, web_alur):
    _, task = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    response = post(client, f"/tugas/{task.id}", {}, action="claim")
    assert response.status_code == 302 and response.headers["Location"] == f"/tugas/{task.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tugas diambil" in page and "Diambil oleh Anda" in page and 'value="release"' in page
    assert web_alur.task(UPP_UNIT_KERJA, task.id).claimed_by == "budi"
    response = post(client, f"/tugas/{task.id}", {}, action="release")
    assert response.status_code == 302
    assert "Tugas dilepas" in client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert web_alur.task(UPP_UNIT_KERJA, task.id).claimed_by is None


def test_a_task_held_by_a_colleague_is_read_only_and_cannot_be_taken(make_client, web_alur):
    started, task = case_at_step(web_alur, 5)
    web_alur.claim(ANA_ACTOR, task.id)
    client = as_user(make_client, "ani")
    page = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Diambil oleh ana" in page and "hanya dapat dibaca" in page
    assert 'value="complete"' not in page and 'value="claim"' not in page
    assert re.search(r'<textarea id="in-pesan_kepada_pengunjung"[^>]*disabled', page)
    response = post(client, f"/tugas/{task.id}", {}, action="claim")
    assert response.status_code == 302
    assert "sudah diambil oleh ana" in client.get(f"/tugas/{task.id}").get_data(as_text=True)
    response = post(client, f"/tugas/{task.id}", PEMBERITAHUAN, action="complete")
    assert response.status_code == 409
    assert "sedang dikerjakan oleh ana" in response.get_data(as_text=True)
    assert open_task(web_alur, started.instance_id).id == task.id


def test_a_draft_is_kept_and_shown_again(make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    typed = {"ringkasan_verifikasi": "Sebagian diperiksa, menunggu berkas.", "dumas_ditemukan": "ya"}
    response = post(client, f"/tugas/{task.id}", typed, action="draft")
    assert response.status_code == 302
    page = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Draf disimpan" in page and "Draf tersimpan ditampilkan" in page
    assert "Sebagian diperiksa, menunggu berkas." in page
    assert re.search(r'name="dumas_ditemukan" value="ya"\s+checked', page)
    # Saving a draft takes the task, so no colleague starts the same work meanwhile.
    assert web_alur.task(UPP_UNIT_KERJA, task.id).claimed_by == "budi"
    assert completed_events(web_alur, started.instance_id, task.id) == []


def test_invalid_completion_keeps_the_values_shows_errors_and_completes_nothing(make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    typed = {"ringkasan_verifikasi": "Catatan yang harus tetap ada", "status_dumas": "bukan-pilihan"}
    response = post(client, f"/tugas/{task.id}", typed, action="complete")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Catatan yang harus tetap ada" in page
    assert page.count('class="field-error"') >= 2 and 'id="error-summary"' in page
    assert 'href="#field-dumas_ditemukan"' in page
    assert 'aria-invalid="true"' in page
    assert open_task(web_alur, started.instance_id).id == task.id
    assert completed_events(web_alur, started.instance_id, task.id) == []


def test_completing_moves_the_case_on_and_says_so(make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    response = post(client, f"/tugas/{task.id}", VERIFIKASI, action="complete")
    assert response.status_code == 302 and response.headers["Location"] == "/kotak-masuk"
    page = client.get("/kotak-masuk").get_data(as_text=True)
    assert f"Langkah 2 selesai: {task.name} (tiket {started.ticket_code})" in page
    nxt = open_task(web_alur, started.instance_id)
    assert nxt.sop_step == 3 and nxt.role == "sesdep"
    [event] = completed_events(web_alur, started.instance_id, task.id)
    assert event.actor == "budi" and event.data["status_dumas"] == VERIFIKASI["status_dumas"]


def test_a_second_complete_is_a_conflict_and_the_case_moves_once(make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    assert post(client, f"/tugas/{task.id}", VERIFIKASI, action="complete").status_code == 302
    again = post(client, f"/tugas/{task.id}", VERIFIKASI, action="complete")
    assert again.status_code == 409
    assert "sudah diselesaikan oleh budi" in again.get_data(as_text=True)
    assert len(completed_events(web_alur, started.instance_id, task.id)) == 1
    assert [t.sop_step for t in ready_tasks(web_alur, started.instance_id)] == [3]
    # The page of a finished task says who finished it and offers no buttons.
    page = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Diselesaikan oleh budi" in page and 'value="complete"' not in page


def test_step_5_suggests_a_polite_message_for_an_approval(make_client, web_alur):
    started, task = case_at_step(web_alur, 5, nama="Siti Rahmawati")
    page = as_user(make_client, "ani").get(f"/tugas/{task.id}").get_data(as_text=True)
    message = re.search(r'<textarea id="in-pesan_kepada_pengunjung"[^>]*>([^<]*)</textarea>', page).group(1)
    assert message.startswith("Yth. Bapak/Ibu, dengan hormat")
    assert "telah disetujui" in message and "Ruang rapat Deputi V" in message
    assert "1 Desember 2026 pukul 10.00 WIB" in message and started.ticket_code in message


def test_step_5_suggests_a_polite_refusal_with_the_reason(make_client, web_alur):
    started, task = case_at_step(web_alur, 5, disetujui=False)
    reason = web_alur.case(UPP_UNIT_KERJA, instance_id=started.instance_id).data["alasan_keputusan"]
    page = as_user(make_client, "ani").get(f"/tugas/{task.id}").get_data(as_text=True)
    message = re.search(r'<textarea id="in-pesan_kepada_pengunjung"[^>]*>([^<]*)</textarea>', page).group(1)
    assert "dengan berat hati" in message and reason.rstrip(".") in message
    assert "Mohon maaf dan terima kasih atas pengertiannya." in message


def test_step_5_draft_wins_over_the_suggestion(make_client, web_alur):
    _, task = case_at_step(web_alur, 5)
    client = as_user(make_client, "ani")
    post(client, f"/tugas/{task.id}", {"pesan_kepada_pengunjung": "Pesan saya sendiri."}, action="draft")
    page = client.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Pesan saya sendiri." in page and "dengan hormat kami sampaikan" not in page


def test_an_unknown_action_is_a_bad_request(make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    assert post(as_user(make_client, "budi"), f"/tugas/{task.id}", {}, action="hapus").status_code == 400
    assert open_task(web_alur, started.instance_id).claimed_by is None


def test_the_page_and_a_valid_post_make_one_light_engine_read(make_client, web_alur, monkeypatch):
    """Benchmarked: the page reads the task detail alone (no case_forms, no history), and a valid
    post reads only the task and its form before completing; the page is read for a refusal only."""
    _, task = case_at_step(web_alur, 2)
    _, other = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    calls = []
    for name in ("task_detail", "task_form", "case", "case_forms", "history", "task"):
        real = getattr(web_alur, name)
        monkeypatch.setattr(web_alur, name, lambda *a, _n=name, _real=real, **k: calls.append(_n) or _real(*a, **k))
    assert client.get(f"/tugas/{task.id}").status_code == 200 and calls == ["task_detail"]
    assert web_alur.task_detail(UPP_UNIT_KERJA, task.id).case.events == []  # the page shows no history
    calls.clear()
    assert post(client, f"/tugas/{task.id}", VERIFIKASI, action="complete").status_code == 302
    assert calls == ["task_form"]
    calls.clear()
    assert post(client, f"/tugas/{other.id}", {}, action="complete").status_code == 422
    assert calls == ["task_form", "task_detail"]
