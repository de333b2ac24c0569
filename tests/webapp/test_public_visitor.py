"""The visitor's own steps by ticket code: check-in at the work unit (6) and the survey (8)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from engine.errors import Conflict
from tests.conftest import AUDITOR
from tests.sop_data import SURVEI
from tests.webapp.conftest import csrf
from tests.webapp.public_support import PERSONAL, case_at, web_alur  # noqa: F401  (no accounts needed)
from web.public.visitor import survey_band

WIB = timezone(timedelta(hours=7))


def completed_data(alur, code: str, form_key: str) -> dict:
    case = alur.case(AUDITOR, ticket_code=code)
    task = next(t for t in case.tasks if t.form_key == form_key and t.state == "completed")
    event = next(e for e in case.events if e.kind == "task.completed" and e.task_id == task.id)
    return event.data


def survey_form(**changes) -> dict:
    data = {name: str(value) for name, value in SURVEI.items()}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# -- check-in ------------------------------------------------------------------------------------
def test_check_in_page_shows_the_schedule_and_one_button(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    response = client.get(f"/lacak/{code}/kedatangan")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "10.00 WIB" in page and "Ruang rapat Deputi V" in page
    assert page.count('type="submit"') == 2  # the check-in button (and the language switch)
    assert "Saya sudah tiba di UPP Unit Kerja" in page
    assert 'name="csrf_token"' in page and "novalidate" in page
    for value in PERSONAL:
        assert value not in page


def test_checking_in_records_the_arrival_now_in_wib_by_the_visitor(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    before = datetime.now(WIB).replace(microsecond=0)
    response = client.post(f"/lacak/{code}/kedatangan",
                           data={"csrf_token": csrf(client, f"/lacak/{code}/kedatangan"),
                                 "keperluan_tambahan": "Membawa dokumen tambahan."})
    after = datetime.now(WIB)
    assert response.status_code == 200
    assert "Terima kasih, petugas UPP Unit Kerja akan segera melayani Anda" in response.get_data(as_text=True)
    assert web_alur.track(code).stage == "dilayani"
    data = completed_data(web_alur, code, "kedatangan_pengunjung")
    assert data["dicatat_oleh"] == "pengunjung"
    assert data["keperluan_tambahan"] == "Membawa dokumen tambahan."
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", data["waktu_kedatangan"])
    assert before <= datetime.fromisoformat(data["waktu_kedatangan"]) <= after


def test_check_in_without_a_note_leaves_it_out(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    client.post(f"/lacak/{code}/kedatangan", data={"csrf_token": csrf(client, f"/lacak/{code}/kedatangan")})
    assert "keperluan_tambahan" not in completed_data(web_alur, code, "kedatangan_pengunjung")


def test_too_long_note_is_refused_inline_and_kept(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    note = "x" * 2001
    response = client.post(f"/lacak/{code}/kedatangan",
                           data={"csrf_token": csrf(client, f"/lacak/{code}/kedatangan"), "keperluan_tambahan": note})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="err-keperluan_tambahan"' in page and note in page
    assert web_alur.track(code).stage == "menunggu_kedatangan"


@pytest.mark.parametrize("stage, words", [
    ("diproses", "belum tersedia"), ("ditolak", "tidak disetujui"), ("dilayani", "sudah tercatat"),
])
def test_check_in_at_the_wrong_stage_is_refused_kindly(client, web_alur, stage, words):
    code = case_at(web_alur, stage)
    for response in (client.get(f"/lacak/{code}/kedatangan"),
                     client.post(f"/lacak/{code}/kedatangan", data={"csrf_token": csrf(client, "/lacak")})):
        assert response.status_code == 409
        page = response.get_data(as_text=True)
        title = "Lapor kedatangan belum tersedia" if stage == "diproses" else "Lapor kedatangan tidak tersedia"
        assert f"<h1 id=\"unavailable-title\">{title}</h1>" in page and words in page
    assert web_alur.track(code).stage == stage


def test_checking_in_twice_is_told_it_already_counted(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    token = csrf(client, f"/lacak/{code}/kedatangan")
    assert client.post(f"/lacak/{code}/kedatangan", data={"csrf_token": token}).status_code == 200
    again = client.post(f"/lacak/{code}/kedatangan", data={"csrf_token": token})
    assert again.status_code == 409 and "sudah tercatat" in again.get_data(as_text=True)


def test_visitor_pages_take_a_hand_typed_code(client, web_alur):
    code = case_at(web_alur, "menunggu_kedatangan")
    response = client.get(f"/lacak/{code.lower()}/kedatangan")
    assert response.status_code == 307 and response.headers["Location"] == f"/lacak/{code}/kedatangan"


def test_visitor_pages_of_an_unknown_code_are_404(client):
    for path in ("/lacak/ABCDE-23456/kedatangan", "/lacak/ABCDE-23456/survei", "/lacak/xx/survei"):
        response = client.get(path)
        assert response.status_code == 404 and "Kode tiket tidak ditemukan" in response.get_data(as_text=True)


# -- survey --------------------------------------------------------------------------------------
def test_survey_page_has_nine_questions_and_prefilled_date_and_band(client, web_alur):
    code = case_at(web_alur, "survei")
    response = client.get(f"/lacak/{code}/survei")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for n in range(1, 10):
        assert page.count(f'name="u{n}"') == 4, f"u{n} must offer four answers"
    today = datetime.now(WIB).date().isoformat()
    assert re.search(rf'name="tanggal_survei" type="date" value="{today}"', page)
    checked_band = re.search(r'name="waktu_survei" value="([^"]+)"\s*checked', page)
    assert checked_band, "a time band is chosen for the visitor"
    assert 'value="Pelayanan Pengaduan Masyarakat"' in page  # the schema's default
    for value in PERSONAL:
        assert value not in page


@pytest.mark.parametrize("hour, minute, band", [
    (8, 0, "08.00-12.00"), (11, 59, "08.00-12.00"), (12, 20, "08.00-12.00"), (12, 45, "13.00-17.00"),
    (15, 0, "13.00-17.00"), (20, 0, "13.00-17.00"), (6, 30, "08.00-12.00"),
])
def test_survey_band_is_the_one_holding_the_time_or_the_nearest(hour, minute, band):
    options = [("08.00-12.00", "08.00–12.00"), ("13.00-17.00", "13.00–17.00")]
    assert survey_band(datetime(2026, 12, 1, hour, minute, tzinfo=WIB), options) == band


def test_sending_the_survey_ends_the_case(client, web_alur):
    code = case_at(web_alur, "survei")
    data = survey_form(u3="2", saran="Ruang tunggu perlu kipas angin.")
    response = client.post(f"/lacak/{code}/survei", data={"csrf_token": csrf(client, f"/lacak/{code}/survei"),
                                                          **data})
    assert response.status_code == 200
    assert "Terima kasih atas penilaian Anda" in response.get_data(as_text=True)
    assert web_alur.track(code).stage == "selesai"
    stored = completed_data(web_alur, code, "survei_skm")
    assert stored["u3"] == 2 and stored["u1"] == 4 and stored["saran"] == "Ruang tunggu perlu kipas angin."


def test_incomplete_survey_is_refused_inline_with_answers_kept(client, web_alur):
    code = case_at(web_alur, "survei")
    data = survey_form(u2=None, u7=None, u5="1", usia="9")
    response = client.post(f"/lacak/{code}/survei", data={"csrf_token": csrf(client, f"/lacak/{code}/survei"),
                                                          **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("u2", "u7", "usia"):
        assert f'id="err-{name}"' in page and f'href="#field-{name}"' in page
    assert 'id="err-u1"' not in page
    assert re.search(r'name="u5" value="1"\s*checked', page), "the answers given stay chosen"
    assert 'value="9"' in page
    assert web_alur.track(code).stage == "survei"


def test_the_survey_is_taken_once(client, web_alur):
    code = case_at(web_alur, "survei")
    token = csrf(client, f"/lacak/{code}/survei")
    assert client.post(f"/lacak/{code}/survei", data={"csrf_token": token, **survey_form()}).status_code == 200
    for again in (client.get(f"/lacak/{code}/survei"),
                  client.post(f"/lacak/{code}/survei", data={"csrf_token": token, **survey_form()})):
        assert again.status_code == 409
        assert "sudah diisi" in again.get_data(as_text=True)


def test_a_survey_sent_meanwhile_from_another_device_is_a_kind_409(client, web_alur, monkeypatch):
    code = case_at(web_alur, "survei")
    token = csrf(client, f"/lacak/{code}/survei")

    def raced(*_args):
        raise Conflict("Formulir ini sudah dikirim. Terima kasih.")
    monkeypatch.setattr(web_alur, "visitor_complete", raced)
    response = client.post(f"/lacak/{code}/survei", data={"csrf_token": token, **survey_form()})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Formulir ini sudah dikirim. Terima kasih." in page and "Survei tidak tersedia" in page


@pytest.mark.parametrize("stage, words", [("dilayani", "belum tersedia"), ("ditolak", "tidak tersedia")])
def test_survey_at_the_wrong_stage_is_refused_kindly(client, web_alur, stage, words):
    code = case_at(web_alur, stage)
    response = client.get(f"/lacak/{code}/survei")
    assert response.status_code == 409 and words in response.get_data(as_text=True)
