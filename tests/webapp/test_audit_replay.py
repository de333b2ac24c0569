"""The auditors' replay and re-execution pages through the Flask client: a frame rendered by the
server (links, jump form, the event list, the diagram's markers, the data as it was, masked),
bad step numbers, the re-execution report matching and not, and who may open them."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import text

from engine.db.append_only import remove_append_only_guard
from tests.integration.test_sop_paths import run_case
from tests.webapp.conftest import WEB_USERS
from tests.webapp.staff_support import as_user, case_at_step

NIK = "3171011501900001"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def attribute(body: str, element_id: str, name: str) -> str:
    tag = re.search(rf'<[^>]*\bid="{element_id}"[^>]*>', body, re.S).group(0)
    return html.unescape(re.search(rf'\b{name}="([^"]*)"', tag).group(1))


@pytest.fixture
def finished(web_alur):
    started, _result, _walked = run_case(web_alur, tujuan="konsultasi", disetujui=True)
    return started


def test_a_frame_is_rendered_by_the_server_with_its_moment(make_client, finished):
    auditor = as_user(make_client, "auditor")
    base = f"/audit/kasus/{finished.instance_id}/putar-ulang"
    body = page(auditor, f"{base}?langkah=9")
    assert "Peristiwa 9 dari 25" in body and "Peristiwa #9: Diselesaikan" in body
    # Previous / next are plain links; the jump is a GET form with every event, this one selected.
    assert f'href="{base}?langkah=8"' in body and f'href="{base}?langkah=10"' in body
    assert 'rel="prev"' in body and 'rel="next"' in body
    assert re.search(rf'<form method="get" action="{base}"', body)
    assert body.count("<option value=") == 25 and '<option value="9" selected>' in body
    # The event list marks the current one for assistive technology, not by colour alone.
    current = re.findall(r'<a href="[^"]*langkah=(\d+)" aria-current="step"', body)
    assert current == ["9"]
    # The diagram of version 1 with steps 1-3 done and step 4 open; the same in words.
    assert attribute(body, "case-diagram", "data-done").split() == [
        "Task_01_Screening", "Task_02_VerifikasiDumas", "Task_03_KeputusanSesdep"]
    assert attribute(body, "case-diagram", "data-current") == "Task_04_SampaikanKeputusan"
    assert attribute(body, "case-diagram", "data-cancelled") == ""
    assert attribute(body, "case-diagram", "data-xml-url") == "/pemodelan/pelayanan_pengaduan/versi/1.bpmn?unduh=0"
    state = re.search(r'id="replay-state".*?</dl>', body, re.S).group(0)
    assert "✓ 3 · Verifikasi pengunjung dan beri persetujuan atau penolakan" in state
    assert "● 4 · Sampaikan keputusan pimpinan kepada UPP Kementerian" in state
    assert "belum, kasus masih berjalan" in state
    # The decision just sent and the case data as it was: labels, option titles, masked NIK.
    assert "Disetujui: pimpinan menerima pengunjung" in body
    data = re.search(r'id="replay-case-data".*?</dl>', body, re.S).group(0)
    assert "************0001" in data and "(disamarkan)" in data and "Budi Santoso" in data
    assert "Ringkasan konsultasi" not in data  # step 7's field: not yet sent at event 9
    assert NIK not in body
    # No inline script: the keys and the cancelled marker come from a file.
    assert "js/audit-replay.js" in body and "js/case-diagram.js" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


def test_the_first_and_last_frames_and_the_end(make_client, finished):
    auditor = as_user(make_client, "auditor")
    base = f"/audit/kasus/{finished.instance_id}/putar-ulang"
    first = page(auditor, base)
    assert "Peristiwa 1 dari 25" in first and 'rel="prev"' not in first and 'aria-disabled="true"' in first
    assert attribute(first, "case-diagram", "data-done") == ""
    assert "Belum ada data yang dikirim" in first
    last = page(auditor, f"{base}?langkah=25")
    assert 'rel="next"' not in last and "Konsultasi selesai" in last
    assert "EndEvent_Konsultasi" in attribute(last, "case-diagram", "data-done").split()
    assert attribute(last, "case-diagram", "data-current") == ""


def test_bad_step_numbers_get_clear_answers(make_client, finished):
    auditor = as_user(make_client, "auditor")
    base = f"/audit/kasus/{finished.instance_id}/putar-ulang"
    assert "Peristiwa #999 tidak ada dalam riwayat kasus ini." in page(auditor, f"{base}?langkah=999", 404)
    assert "harus berupa angka" in page(auditor, f"{base}?langkah=sembilan", 400)
    assert "harus berupa angka" in page(auditor, f"{base}?langkah=-3", 400)
    assert "Kasus tidak ditemukan." in page(auditor, "/audit/kasus/987654/putar-ulang", 404)
    assert "Kasus tidak ditemukan." in page(auditor, "/audit/kasus/987654/eksekusi-ulang", 404)


def test_the_reexecution_report_says_it_matches(make_client, finished):
    body = page(as_user(make_client, "auditor"), f"/audit/kasus/{finished.instance_id}/eksekusi-ulang")
    verdict = re.search(r'<div class="verdict [^"]*" id="verdict".*?</div>\s*</div>', body, re.S).group(0)
    assert "Cocok" in verdict and "verdict-ok" in verdict and "25 peristiwa" in verdict
    assert 'id="divergences"' not in body
    rows = re.findall(r"<tr>\s*<td data-label=\"#\">", body)
    assert len(rows) == 9 and body.count("✓ cocok") == 9


def test_the_reexecution_report_lists_each_divergence(make_client, web_alur, finished):
    with web_alur.ctx.db.begin() as connection:
        remove_append_only_guard(connection)
        row = connection.execute(text("select id, data_json from event where instance_id = :i and seq = 9"),
                                 {"i": finished.instance_id}).one()
        data = json.loads(row.data_json) if isinstance(row.data_json, str) else dict(row.data_json)
        connection.execute(text("update event set data_json = :d where id = :id"),
                           {"d": json.dumps({**data, "keputusan": "ditolak"}), "id": row.id})
    body = page(as_user(make_client, "auditor"), f"/audit/kasus/{finished.instance_id}/eksekusi-ulang")
    assert "Tidak cocok: 3 perbedaan" in body and "verdict-bad" in body
    items = re.findall(r'<li data-seq="(\d*)" data-aspect="(\w+)">', body)
    assert items == [("15", "ready"), ("15", "end"), ("18", "task")]
    first = re.search(r'<li data-seq="15" data-aspect="ready">.*?</li>', body, re.S).group(0)
    assert "langkah 5 UPP Kementerian" in first and "tidak menyiapkan langkah apa pun" in first
    assert "merekam Task_06_Kedatangan" in html.unescape(first)
    assert "keputusan = “ditolak” dari peristiwa #9" in html.unescape(first)
    assert f'href="/audit/kasus/{finished.instance_id}/putar-ulang?langkah=15"' in first
    assert 'id="stopped"' in body and "berhenti di peristiwa #18" in body
    assert "✗ berbeda" in body


@pytest.mark.parametrize("username", sorted(set(WEB_USERS) - {"auditor"}))
def test_only_auditors_open_replay_and_reexecution(make_client, web_alur, username):
    started, _task = case_at_step(web_alur, 2)
    client = as_user(make_client, username)
    for url in (f"/audit/kasus/{started.instance_id}/putar-ulang?langkah=1",
                f"/audit/kasus/{started.instance_id}/eksekusi-ulang"):
        assert client.get(url).status_code == 403
    anonymous = make_client().get(f"/audit/kasus/{started.instance_id}/putar-ulang")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/masuk")
