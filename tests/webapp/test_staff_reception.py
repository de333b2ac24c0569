"""Receiving a visitor: step 1's form opens the case (or nothing, when invalid), then the ticket
slip with its QR code and no personal data."""
from __future__ import annotations

import re

import segno

from tests.conftest import AUDITOR, UPP_UNIT_KERJA
from tests.sop_data import screening
from tests.webapp.staff_support import NIK, as_user, post, start


def test_reception_shows_the_first_steps_form(make_client, web_alur):
    form = web_alur.start_form("pelayanan_pengaduan")
    page = as_user(make_client, "ani").get("/terima-tamu").get_data(as_text=True)
    for f in form.fields():
        assert f'name="{f.name}"' in page, f.name
        assert f.label in page
    assert "novalidate" in page and 'name="csrf_token"' in page
    assert 'inputmode="numeric"' in page  # the NIK field


def test_invalid_screening_opens_nothing_and_keeps_what_was_typed(make_client, web_alur):
    client = as_user(make_client, "ani")
    typed = {**screening(nama="Siti Rahmawati"), "nik": "12345", "telepon": ""}
    response = post(client, "/terima-tamu", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Siti Rahmawati" in page and 'value="12345"' in page
    assert re.search(r'id="field-nik"[^>]*>.*?class="field-error"', page, re.S)
    assert re.search(r'id="field-telepon"[^>]*>.*?class="field-error"', page, re.S)
    assert "Kasus belum dibuka" in page
    assert web_alur.inbox(UPP_UNIT_KERJA) == []
    assert as_user(make_client, "budi").get("/kotak-masuk").get_data(as_text=True).count("data-task-id=") == 0


def test_missing_consent_opens_nothing(make_client, web_alur):
    typed = {k: v for k, v in screening().items() if k != "persetujuan_data_pribadi"}
    response = post(as_user(make_client, "ani"), "/terima-tamu", typed)
    assert response.status_code == 422
    assert web_alur.inbox(UPP_UNIT_KERJA) == []


def test_valid_screening_opens_the_case_and_leads_to_the_slip(make_client, web_alur):
    client = as_user(make_client, "ani")
    response = post(client, "/terima-tamu", screening(nama="Siti Rahmawati"))
    assert response.status_code == 302
    instance_id = int(re.fullmatch(r"/kasus/(\d+)/slip", response.headers["Location"]).group(1))
    case = web_alur.case(AUDITOR, instance_id=instance_id)
    assert case.display_name == "Siti Rahmawati" and case.started_by == "ani"
    [task] = web_alur.inbox(UPP_UNIT_KERJA)
    assert task.instance_id == instance_id and task.sop_step == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Kasus dibuka dengan kode tiket {case.ticket_code}" in page


def test_slip_carries_the_code_a_qr_of_the_tracking_page_and_no_personal_data(make_client, web_alur):
    started = start(web_alur, tujuan="tanya_progres", nama="Siti Rahmawati")
    response = as_user(make_client, "ani").get(f"/kasus/{started.instance_id}/slip")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="slip-code ticket">{started.ticket_code}</p>' in page
    url = f"http://localhost/lacak/{started.ticket_code}"
    assert url in page
    svg = re.search(r'<svg[^>]*class="qr".*?</svg>', page, re.S).group(0)
    expected = re.search(r' d="([^"]+)"', segno.make(url, error="m").svg_inline(border=2)).group(1)
    assert f'd="{expected}"' in svg  # the QR encodes exactly the tracking URL
    assert "Menanyakan progres Dumas" in page
    for secret in (NIK, NIK[-6:], "0812", "3456-7890", "Merdeka Barat", "Siti Rahmawati"):
        assert secret not in page, secret
    assert "UPP Unit Kerja" in page and "Sesdep" in page and "survei" in page
    assert "data-print" in page and "/static/js/slip.js" in page
    assert "@media print" in make_client().get("/static/css/staff.css").get_data(as_text=True)
    assert "size: A6" in make_client().get("/static/css/slip-page.css").get_data(as_text=True)
    assert 'href="/static/css/slip-page.css" media="print"' in page


def test_slip_of_an_unknown_case_is_404(make_client):
    assert as_user(make_client, "ani").get("/kasus/999/slip").status_code == 404


def test_admin_cannot_open_cases_since_step_one_is_not_in_its_lane(make_client, web_alur):
    admin = as_user(make_client, "admin")
    assert admin.get("/terima-tamu").status_code == 403
    response = post(admin, "/terima-tamu", screening())
    assert response.status_code == 403
    assert web_alur.inbox(UPP_UNIT_KERJA) == []
    assert 'id="lane-missing"' not in as_user(make_client, "ani").get("/terima-tamu").get_data(as_text=True)


def test_reception_shows_step_ones_mutu_baku_beside_the_form(make_client, web_alur):
    page = as_user(make_client, "ani").get("/terima-tamu").get_data(as_text=True)
    step = min(web_alur.definitions()[0].steps.values(), key=lambda s: int(s["sop_step"]))
    assert 'id="h-mutu"' in page and "Mutu Baku langkah 1" in page
    assert step["output"] in page and step["kelengkapan"] in page
