"""The visitor's landing page and the status of a case by ticket code."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from tests.webapp.conftest import PASSWORD, SETUP, WEB_USERS, login
from tests.webapp.public_support import PERSONAL, case_at, web_alur  # noqa: F401  (no accounts needed)


def current_step(page: str) -> str:
    found = re.search(r'aria-current="step">.*?class="progress-label">([^<]+)', page, re.S)
    assert found, "no stage is marked current"
    return found.group(1).strip()


def test_home_offers_the_tracking_form_and_the_staff_login(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert 'action="/lacak"' in page and 'name="kode"' in page
    assert "Deputi V" in page and "Dumas" in page
    assert 'href="/masuk"' in page and "Masuk petugas" in page


@pytest.mark.parametrize("username, endpoint", [
    ("ani", "staff.inbox"), ("budi", "staff.inbox"), ("sesdep", "staff.inbox"),
    ("admin", "admin.users"), ("pemilik", "health.processes"), ("auditor", "health.processes"),
])
def test_home_sends_staff_to_their_own_start_page(app, client, web_alur, username, endpoint):
    web_alur.create_user(SETUP, username, username.title(), WEB_USERS[username], PASSWORD)
    login(client, username)
    response = client.get("/")
    assert response.status_code == 302
    with app.test_request_context():
        assert response.headers["Location"] == url_for(endpoint)


def test_track_form_and_normalised_redirect(client, web_alur):
    assert 'name="kode"' in client.get("/lacak").get_data(as_text=True)
    code = case_at(web_alur, "diproses")
    typed = code.lower().replace("-", " ")
    response = client.get("/lacak", query_string={"kode": typed})
    assert response.status_code == 302 and response.headers["Location"] == f"/lacak/{code}"
    # A hand-typed address in lower case lands on the one canonical URL too.
    response = client.get(f"/lacak/{code.lower()}")
    assert response.status_code == 302 and response.headers["Location"] == f"/lacak/{code}"
    assert client.get(f"/lacak/{code}").status_code == 200


def test_empty_code_asks_for_one(client):
    response = client.get("/lacak?kode=+")
    assert response.status_code == 400
    assert "Masukkan kode tiket" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/lacak/ABCDE-23456", "/lacak/nonsense", "/lacak?kode=O0O0O-11111",
                                  "/lacak?kode=%3Cscript%3E"])
def test_unknown_and_malformed_codes_get_the_same_helpful_404(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Kode tiket tidak ditemukan" in page and "ABCDE-23456" in page
    assert "<script>" not in page  # what was typed comes back escaped
    assert 'name="kode"' in page  # the form to try again


STAGE_PAGES = {
    "diproses": ("Permohonan Anda sedang diproses", "Pemeriksaan dan keputusan pimpinan"),
    "keputusan_disampaikan": ("Keputusan pimpinan sedang disampaikan", "Penyampaian keputusan"),
    "menunggu_kedatangan": ("Permohonan Anda disetujui", "Kedatangan ke UPP Unit Kerja"),
    "dilayani": ("Anda sedang dilayani", "Pelayanan"),
    "survei": ("Mohon isi survei kepuasan", "Survei kepuasan"),
    "selesai": ("Layanan selesai", None),
    "ditolak": ("konsultasi langsung belum dapat dilaksanakan", None),
}


@pytest.mark.parametrize("stage", list(STAGE_PAGES))
def test_each_stage_reads_plainly_and_shows_no_personal_data(client, web_alur, stage):
    code = case_at(web_alur, stage)
    response = client.get(f"/lacak/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    headline, current = STAGE_PAGES[stage]
    assert headline in page and code in page
    assert "Langkah berikutnya" in page
    if current:
        assert current_step(page) == current
    else:  # a finished case has no current stage left: every stage reads as done
        assert 'aria-current="step"' not in page and "progress-todo" not in page
    for value in PERSONAL:
        assert value not in page, f"{value!r} leaked on the {stage} page"
    check_in_link = f'href="/lacak/{code}/kedatangan"'
    survey_link = f'href="/lacak/{code}/survei"'
    assert (check_in_link in page) == (stage == "menunggu_kedatangan")
    assert (survey_link in page) == (stage == "survei")


def test_approved_visit_shows_time_place_and_the_check_in_button(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    page = client.get(f"/lacak/{code}").get_data(as_text=True)
    status = web_alur.track(code)
    assert status.scheduled_at == "2026-12-01T10:00:00+07:00"
    assert "1 Desember 2026, 10.00 WIB" in page  # the schedule, in WIB, in words
    assert "Ruang rapat Deputi V" in page
    assert status.message and status.message in page
    assert "Saya sudah tiba di UPP Unit Kerja" in page


def test_rejection_gives_the_message_and_the_reason_politely(client, web_alur):
    code = case_at(web_alur, "ditolak")
    page = client.get(f"/lacak/{code}").get_data(as_text=True)
    status = web_alur.track(code)
    assert status.reason == "Dumas masih dalam proses verifikasi instansi terkait."
    assert status.reason in page and status.message in page
    assert "Mohon maaf" in page
    assert "Keputusan: tidak disetujui" in page
    assert "Survei kepuasan" not in page  # a rejected visit has no survey stage


def test_purpose_is_shown(client, web_alur):
    page = client.get(f"/lacak/{case_at(web_alur, 'diproses', tujuan='tanya_progres')}").get_data(as_text=True)
    assert "Menanyakan progres Dumas" in page
