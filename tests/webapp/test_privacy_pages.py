"""The personal-data pages: an auditor's reveal (/audit/kasus/<id>/buka-data) and the admin's
data-subject export and retention purge (/data-pribadi). Who gets in, CSRF on every post, no-store
on every page that shows personal data, the NIK never in a URL, refusals in Indonesian."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import AUDITOR
from tests.integration.personal_support import AGUS, SITI, closed_case, screening_seq, start_case, use_clock
from tests.webapp.conftest import WEB_USERS, csrf, login

REASON = "Permintaan Ombudsman RI nomor 12/2026 atas kasus ini"


@pytest.fixture
def clock(web_alur):
    return use_clock(web_alur)


@pytest.fixture
def siti(web_alur, clock):
    started = start_case(web_alur, SITI)
    return started.instance_id, screening_seq(web_alur, started.instance_id)


def reveal_url(instance_id: int, seq: int | None = None, field: str | None = None) -> str:
    query = f"?seq={seq}&field={field}" if seq is not None else ""
    return f"/audit/kasus/{instance_id}/buka-data{query}"


def as_user(make_client, username: str):
    return login(make_client(), username)


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def kinds(alur, instance_id):
    return [e.kind for e in alur.history(AUDITOR, instance_id)]


# -- who gets in -------------------------------------------------------------------------------

def test_each_role_on_every_personal_data_route(make_client, web_alur, siti):
    instance_id, seq = siti
    pages = {reveal_url(instance_id, seq, "nik"): {"auditor"}, reveal_url(instance_id): {"auditor"},
             "/data-pribadi/": {"admin"}, "/data-pribadi/subjek": {"admin"}, "/data-pribadi/retensi": {"admin"}}
    posts = {reveal_url(instance_id): ({"seq": seq, "field": "nik", "alasan": REASON}, {"auditor"}),
             "/data-pribadi/subjek": ({"nik": SITI["nik"]}, {"admin"}),
             "/data-pribadi/retensi": ({"konfirmasi": "ya"}, {"admin"})}
    wrong = []
    anonymous = make_client()
    for url in [*pages, *posts]:
        response = anonymous.get(url)
        if response.status_code != 302 or not response.headers["Location"].startswith("/masuk"):
            wrong.append(("anonymous", url, response.status_code))
    for username in WEB_USERS:
        client = as_user(make_client, username)
        token = csrf(client, "/akun")
        for url, allowed in pages.items():
            status = client.get(url).status_code
            if status != (200 if username in allowed else 403):
                wrong.append((username, "GET", url, status))
        for url, (data, allowed) in posts.items():
            status = client.post(url, data={**data, "csrf_token": token}).status_code
            if username not in allowed and status != 403:
                wrong.append((username, "POST", url, status))
    assert wrong == []
    # Refused posts did nothing: only the auditor's reveal and the admin's export were chained.
    assert kinds(web_alur, instance_id).count("personal.revealed") == 1
    assert kinds(web_alur, instance_id).count("personal.exported") == 1


@pytest.mark.parametrize("url, data", [
    ("reveal", {"seq": "SEQ", "field": "nik", "alasan": REASON}),
    ("/data-pribadi/subjek", {"nik": SITI["nik"]}),
    ("/data-pribadi/retensi", {"konfirmasi": "ya"}),
])
def test_every_post_needs_its_csrf_token(make_client, web_alur, siti, url, data):
    instance_id, seq = siti
    user = "auditor" if url == "reveal" else "admin"
    url = reveal_url(instance_id) if url == "reveal" else url
    data = {k: (seq if v == "SEQ" else v) for k, v in data.items()}
    before = kinds(web_alur, instance_id)
    response = as_user(make_client, user).post(url, data=data)
    assert response.status_code == 400
    assert "token CSRF" in response.get_data(as_text=True)
    assert kinds(web_alur, instance_id) == before


# -- reveal ------------------------------------------------------------------------------------

def test_the_reveal_form_names_the_field_and_its_event_masked(make_client, siti):
    instance_id, seq = siti
    response = as_user(make_client, "auditor").get(reveal_url(instance_id, seq, "nik"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_store(response)
    assert "Buka data pribadi" in page and f"#{seq}" in page and "NIK" in page
    assert "************0002" in page and SITI["nik"] not in page
    assert 'name="csrf_token"' in page and f'name="seq" value="{seq}"' in page and 'name="field" value="nik"' in page
    assert 'name="alasan"' in page and "dicatat di rantai riwayat kasus" in page


def test_without_a_field_the_page_lists_the_cases_personal_fields(make_client, siti):
    instance_id, seq = siti
    page = as_user(make_client, "auditor").get(reveal_url(instance_id)).get_data(as_text=True)
    links = re.findall(r'href="(/audit/kasus/\d+/buka-data\?[^"]+)"', page)
    assert {link.replace("&amp;", "&") for link in links} == {
        reveal_url(instance_id, seq, f) for f in ("nik", "telepon", "alamat", "email")}  # the name is never masked
    assert SITI["nik"] not in page and SITI["alamat"] not in page


def test_a_short_reason_is_refused_in_indonesian_and_kept(make_client, web_alur, siti):
    instance_id, seq = siti
    client = as_user(make_client, "auditor")
    before = kinds(web_alur, instance_id)
    token = csrf(client, reveal_url(instance_id, seq, "nik"))
    response = client.post(reveal_url(instance_id), data={"seq": seq, "field": "nik", "alasan": "cek saja",
                                                          "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and no_store(response)
    assert "Tuliskan alasan membuka data ini, minimal 10 karakter." in page and ">cek saja</textarea>" in page
    assert SITI["nik"] not in page
    assert kinds(web_alur, instance_id) == before


def test_revealing_records_it_then_shows_the_value_once_on_a_page_no_cache_keeps(make_client, web_alur, siti):
    instance_id, seq = siti
    client = as_user(make_client, "auditor")
    token = csrf(client, reveal_url(instance_id, seq, "telepon"))
    response = client.post(reveal_url(instance_id), data={"seq": seq, "field": "telepon", "alasan": REASON,
                                                          "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_store(response) and "Location" not in response.headers
    assert "+6281322223333" in page and "Data pribadi dibuka" in page
    last = web_alur.history(AUDITOR, instance_id)[-1]
    assert (last.kind, last.actor, last.data) == ("personal.revealed", "auditor",
                                                  {"seq": seq, "field": "telepon", "reason": REASON})
    assert f"peristiwa #{last.seq}" in page
    assert web_alur.verify(instance_id).intact
    # Nowhere else: not on the case page, not in a flash kept in the session for the next page.
    assert "+6281322223333" not in client.get(f"/audit/kasus/{instance_id}").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "+6281322223333" not in repr(dict(session))


def test_an_unknown_field_or_event_is_an_indonesian_404(make_client, siti):
    instance_id, seq = siti
    client = as_user(make_client, "auditor")
    unknown = client.get(reveal_url(instance_id, seq, "tujuan"))
    assert unknown.status_code == 404 and "Kolom data pribadi itu tidak ada" in unknown.get_data(as_text=True)
    assert client.get(reveal_url(instance_id, 999, "nik")).status_code == 404
    assert client.get(reveal_url(424242, 1, "nik")).status_code == 404
    assert client.get(f"/audit/kasus/{instance_id}/buka-data?seq=abc&field=nik").status_code == 200  # the list


def test_a_purged_value_says_so(make_client, web_alur, clock):
    instance_id = closed_case(web_alur, AGUS)
    seq = screening_seq(web_alur, instance_id)
    clock.advance(days=731)
    web_alur.ensure_retention()
    client = as_user(make_client, "auditor")
    form = client.get(reveal_url(instance_id, seq, "nik")).get_data(as_text=True)
    assert "sudah dihapus (masa retensi habis)" in form and 'name="alasan"' not in form
    listing = client.get(reveal_url(instance_id)).get_data(as_text=True)
    assert "sudah dihapus" in listing and "buka-data?" not in listing


# -- data-subject export -----------------------------------------------------------------------

def test_the_export_form_posts_the_nik_never_in_a_url(make_client):
    client = as_user(make_client, "admin")
    response = client.get("/data-pribadi/subjek")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_store(response)
    assert '<form method="post" action="/data-pribadi/subjek"' in page and 'name="nik"' in page
    assert 'name="csrf_token"' in page


def test_a_bad_nik_is_refused_in_indonesian(make_client):
    client = as_user(make_client, "admin")
    token = csrf(client, "/data-pribadi/subjek")
    response = client.post("/data-pribadi/subjek", data={"nik": "12345", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "NIK harus 16 digit angka." in page and 'value="12345"' in page
    empty = client.post("/data-pribadi/subjek", data={"nik": "", "csrf_token": token})
    assert empty.status_code == 422 and "NIK wajib diisi." in empty.get_data(as_text=True)


def test_the_summary_shows_the_subjects_cases_and_processing_log(make_client, web_alur, clock):
    siti_case = closed_case(web_alur, SITI)
    agus_case = closed_case(web_alur, AGUS)
    seq = screening_seq(web_alur, siti_case)
    web_alur.reveal_personal(AUDITOR, siti_case, seq, "nik", REASON)
    client = as_user(make_client, "admin")
    token = csrf(client, "/data-pribadi/subjek")
    response = client.post("/data-pribadi/subjek", data={"nik": SITI["nik"], "format": "ringkasan",
                                                         "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and no_store(response)
    tickets = {i: web_alur.case(AUDITOR, instance_id=i).ticket_code for i in (siti_case, agus_case)}
    assert tickets[siti_case] in page and tickets[agus_case] not in page
    assert SITI["alamat"] in page and AGUS["nama"] not in page
    assert "Data pribadi dibuka oleh auditor" in page and REASON in page
    assert "Data pribadi diekspor untuk subjek data" in page
    assert "Konsultasi dengan pimpinan" in page  # an option in words, not its code
    assert kinds(web_alur, siti_case)[-1] == "personal.exported"


def test_the_json_download_is_an_attachment_no_cache_keeps(make_client, web_alur, clock):
    instance_id = closed_case(web_alur, SITI)
    client = as_user(make_client, "admin")
    token = csrf(client, "/data-pribadi/subjek")
    response = client.post("/data-pribadi/subjek", data={"nik": SITI["nik"], "format": "json", "csrf_token": token})
    assert response.status_code == 200 and no_store(response)
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="data-subjek-') and SITI["nik"][-4:] not in disposition
    body = json.loads(response.get_data(as_text=True))
    assert body["nik"] == SITI["nik"] and [c["instance_id"] for c in body["cases"]] == [instance_id]
    assert body["cases"][0]["processing"][-1]["kind"] == "personal.exported"


def test_no_case_found_says_so(make_client):
    client = as_user(make_client, "admin")
    token = csrf(client, "/data-pribadi/subjek")
    page = client.post("/data-pribadi/subjek", data={"nik": AGUS["nik"], "csrf_token": token}).get_data(as_text=True)
    assert "Tidak ada kasus dengan NIK ini." in page


# -- retention ---------------------------------------------------------------------------------

@pytest.fixture
def due(web_alur, clock):
    """Siti's case closed 731 days ago (past the 730-day default); Agus's yesterday."""
    siti_case = closed_case(web_alur, SITI)
    clock.advance(days=730)
    agus_case = closed_case(web_alur, AGUS)
    clock.advance(days=1)
    return siti_case, agus_case


def test_the_retention_page_shows_the_setting_and_a_dry_run(make_client, web_alur, due):
    siti_case, agus_case = due
    response = as_user(make_client, "admin").get("/data-pribadi/retensi")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "730 hari" in page and 'id="due-count">1<' in page
    assert web_alur.case(AUDITOR, instance_id=siti_case).ticket_code in page
    assert web_alur.case(AUDITOR, instance_id=agus_case).ticket_code not in page
    assert 'name="konfirmasi"' in page and 'name="csrf_token"' in page
    assert "personal.purged" not in kinds(web_alur, siti_case)
    home = as_user(make_client, "admin").get("/data-pribadi/").get_data(as_text=True)
    assert 'id="due-count">1 kasus<' in home


def test_purging_needs_the_confirmation(make_client, web_alur, due):
    siti_case, _ = due
    client = as_user(make_client, "admin")
    token = csrf(client, "/data-pribadi/retensi")
    response = client.post("/data-pribadi/retensi", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Centang pernyataan bahwa Anda memahami penghapusan ini permanen." in response.get_data(as_text=True)
    assert "personal.purged" not in kinds(web_alur, siti_case)


def test_purging_erases_the_due_cases_and_says_what_it_did(make_client, web_alur, due):
    siti_case, agus_case = due
    client = as_user(make_client, "admin")
    token = csrf(client, "/data-pribadi/retensi")
    response = client.post("/data-pribadi/retensi", data={"konfirmasi": "ya", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Data pribadi 1 kasus dihapus." in page
    assert web_alur.case(AUDITOR, instance_id=siti_case).ticket_code in page
    assert kinds(web_alur, siti_case)[-1] == "personal.purged"
    assert "personal.purged" not in kinds(web_alur, agus_case)
    assert web_alur.verify(siti_case).intact
    again = client.get("/data-pribadi/retensi").get_data(as_text=True)
    assert "Tidak ada kasus yang jatuh tempo." in again and 'id="already-purged">1 kasus<' in again
