"""The three SOP paths over HTTP: each staff member logs in, finds the task in their inbox,
opens it and completes it with the page's own form. The visitor's steps (6 check-in, 8 survey)
belong to the public pages and go through the facade here."""
from __future__ import annotations

import re

import pytest

from tests.conftest import AUDITOR
from tests.sop_data import DATA_BY_FORM, keputusan, screening
from tests.webapp.staff_support import as_user, inbox_task_ids, post

USER_BY_ROLE = {"upp_kementerian": "ani", "upp_unit_kerja": "budi", "sesdep": "sesdep"}


def _prefilled(page: str, name: str) -> str | None:
    found = re.search(rf'<textarea id="in-{name}"[^>]*>([^<]*)</textarea>', page)
    return found.group(1) if found else None


@pytest.mark.parametrize("tujuan, disetujui, outcome, steps", [
    ("konsultasi", True, "EndEvent_Konsultasi", [2, 3, 4, 5, 6, 7, 8]),
    ("tanya_progres", True, "EndEvent_Progres", [2, 3, 4, 5, 6, 7, 8]),
    ("konsultasi", False, "EndEvent_Ditolak", [2, 3, 4, 5]),
])
def test_sop_path_over_http(make_client, web_alur, tujuan, disetujui, outcome, steps):
    clients = {username: as_user(make_client, username) for username in USER_BY_ROLE.values()}
    response = post(clients["ani"], "/terima-tamu", screening(tujuan))
    assert response.status_code == 302
    instance_id = int(re.search(r"/kasus/(\d+)/slip", response.headers["Location"]).group(1))
    code = web_alur.case(AUDITOR, instance_id=instance_id).ticket_code

    walked = []
    while True:
        case = web_alur.case(AUDITOR, instance_id=instance_id)
        ready = [t for t in case.tasks if t.state == "ready"]
        if not ready:
            break
        [task] = ready
        walked.append(task.sop_step)
        data = keputusan(disetujui) if task.form_key == "keputusan_sesdep" else DATA_BY_FORM[task.form_key]
        if task.role == "masyarakat":
            web_alur.visitor_complete(code, task.form_key, data)
            continue
        client = clients[USER_BY_ROLE[task.role]]
        inbox = client.get(f"/kotak-masuk?cari={code}").get_data(as_text=True)
        assert inbox_task_ids(inbox) == [task.id], f"step {task.sop_step} not in its lane's inbox"
        page = client.get(f"/tugas/{task.id}").get_data(as_text=True)
        if task.form_key == "pemberitahuan_pengunjung":
            # The officer keeps the suggested polite message and fills in the rest.
            suggested = _prefilled(page, "pesan_kepada_pengunjung")
            assert suggested and code in suggested
            data = {**data, "pesan_kepada_pengunjung": suggested}
        assert post(client, f"/tugas/{task.id}", {}, action="claim").status_code == 302
        response = post(client, f"/tugas/{task.id}", data, action="complete")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert f"Langkah {task.sop_step} selesai" in client.get("/kotak-masuk").get_data(as_text=True)

    assert walked == steps
    case = web_alur.case(AUDITOR, instance_id=instance_id)
    assert case.status == "completed" and case.outcome == outcome
    page = clients["budi"].get(f"/kasus/{instance_id}").get_data(as_text=True)
    assert "Kasus selesai" in page and outcome in re.search(r'data-done="([^"]*)"', page).group(1)
    if disetujui:
        assert web_alur.track(code).message and code in web_alur.track(code).message
