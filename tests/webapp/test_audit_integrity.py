"""The auditors' integrity pages (web/audit/integrity.py): verification of one case and of all, the
digests (made now with CSRF, printed, exported, checked against a typed hash or a kept file)."""
from __future__ import annotations

import hashlib
import html
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import AUDITOR
from tests.integration.chain_attacks import Attacker, case_with_events
from tests.webapp.conftest import csrf, login


@pytest.fixture
def auditor(client):
    return login(client, "auditor")


@pytest.fixture
def cases(web_alur):
    ids = [case_with_events(web_alur, nama=f"Tamu {n}") for n in range(3)]
    later = datetime.now(timezone.utc) + timedelta(minutes=1)  # past the digests' settling time
    web_alur.ctx.clock = lambda: later
    return ids


def text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def words(response) -> str:
    return " ".join(text(response).split())


def ticket(web_alur, instance_id: int) -> str:
    return web_alur.case(AUDITOR, instance_id=instance_id).ticket_code


def test_an_intact_case_and_a_tampered_one(auditor, web_alur, cases):
    page = auditor.get(f"/audit/kasus/{cases[0]}/verifikasi")
    assert page.status_code == 200 and "Rantai hash utuh" in words(page) and "7 peristiwa diperiksa" in words(page)
    with Attacker(web_alur, cases[0]) as attacker:
        attacker.renumber({4: 5, 5: 4})
    page = auditor.get(f"/audit/kasus/{cases[0]}/verifikasi")
    said = words(page)
    assert "Rantai hash RUSAK" in said and "ditukar urutannya Peristiwa #4 dan #5" in said
    body = page.get_data(as_text=True)
    assert f'href="/audit/kasus/{cases[0]}#peristiwa-4"' in body  # each event links to its timeline row


def test_verify_all_lists_the_broken_case_first_with_its_events_named(auditor, web_alur, cases):
    assert "Semua rantai utuh" in words(auditor.get("/audit/verifikasi"))
    with Attacker(web_alur, cases[1]) as attacker:
        attacker.delete(4)
    with Attacker(web_alur, cases[2]) as attacker:
        attacker.edit_data(2, {"x": 1})
    page = auditor.get("/audit/verifikasi")
    said = words(page)
    assert "2 kasus dengan rantai RUSAK" in said
    broken = page.get_data(as_text=True).split('id="broken-cases"')[1].split("</table>")[0]
    assert ticket(web_alur, cases[1]) in broken and ticket(web_alur, cases[2]) in broken
    assert ticket(web_alur, cases[0]) not in broken
    assert "dihapus Peristiwa #4" in words_of(broken) and "diubah Peristiwa #2" in words_of(broken)
    intact = page.get_data(as_text=True).split('id="intact-cases"')[1]
    assert ticket(web_alur, cases[0]) in intact


def words_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_make_a_digest_print_it_and_download_its_exports(auditor, web_alur, cases):
    assert "Belum ada digest" in words(auditor.get("/audit/digest"))
    refused = auditor.post("/audit/digest", data={})
    assert refused.status_code == 400  # no CSRF token
    made = auditor.post("/audit/digest", data={"csrf_token": csrf(auditor, "/audit/digest")})
    assert made.status_code == 302
    [digest] = web_alur.digests(AUDITOR)
    assert made.headers["Location"].endswith(f"/audit/digest/{digest.id}") and digest.case_count == 3
    sheet = auditor.get(f"/audit/digest/{digest.id}")
    body = sheet.get_data(as_text=True)
    groups = [digest.digest[i:i + 8] for i in range(0, 64, 8)]
    assert all(f"<span>{g}</span>" in body for g in groups)
    assert re.search(r'<svg[^>]*class="qr"', body) and "Auditor" in body and "Saksi" in body
    assert "<script>" not in body  # strict CSP: no inline script
    exported = auditor.get(f"/audit/digest/{digest.id}.json")
    assert exported.headers["Content-Disposition"] == f'attachment; filename="digest-{digest.id}.json"'
    doc = json.loads(exported.get_data(as_text=True))
    assert doc["digest"] == digest.digest and len(doc["heads"]) == 3
    csv = auditor.get(f"/audit/digest/{digest.id}.csv")
    assert csv.headers["Content-Type"] == "text/csv"
    by_hand = f"alur-digest-v1\n{digest.period_text}\n{digest.prev_digest}\n".encode() + csv.get_data()
    assert hashlib.sha256(by_hand).hexdigest() == digest.digest
    listed = auditor.get("/audit/digest").get_data(as_text=True)
    assert f"/audit/digest/{digest.id}/periksa" in listed and digest.digest[:8] in listed


def test_check_against_a_stored_digest_a_typed_hash_and_a_kept_file(auditor, web_alur, cases):
    digest = web_alur.create_digest(AUDITOR)
    kept = web_alur.digest_export(AUDITOR, digest.id).encode()
    token = csrf(auditor, "/audit/digest")
    assert "Cocok" in words(auditor.get(f"/audit/digest/{digest.id}/periksa"))
    typed = " ".join(digest.digest[i:i + 8] for i in range(0, 64, 8))
    assert "Cocok" in words(auditor.post("/audit/digest/periksa", data={"csrf_token": token, "hash": typed}))
    with Attacker(web_alur, cases[1]) as attacker:
        attacker.rewrite_consistently(3, {"tujuan": "tanya_progres"})
    stored = auditor.get(f"/audit/digest/{digest.id}/periksa")
    said = words(stored)
    assert "TIDAK COCOK" in said and ticket(web_alur, cases[1]) in said and "riwayat ditulis ulang" in said
    assert ticket(web_alur, cases[0]) not in said
    from_file = auditor.post("/audit/digest/periksa", content_type="multipart/form-data",
                             data={"csrf_token": token, "berkas": (io.BytesIO(kept), "digest.json")})
    assert from_file.status_code == 200 and ticket(web_alur, cases[1]) in words(from_file)


def test_bad_check_input_is_refused_in_words(auditor, web_alur, cases):
    digest = web_alur.create_digest(AUDITOR)
    token = csrf(auditor, "/audit/digest")
    nothing = auditor.post("/audit/digest/periksa", data={"csrf_token": token})
    assert nothing.status_code == 422 and "ketik hash akar" in words(nothing)
    short = auditor.post("/audit/digest/periksa", data={"csrf_token": token, "hash": "abc"})
    assert short.status_code == 422 and "64 digit heksadesimal" in words(short) and 'value="abc"' in short.get_data(
        as_text=True)
    doc = json.loads(web_alur.digest_export(AUDITOR, digest.id))
    doc["heads"][0][1] += 1
    altered = auditor.post("/audit/digest/periksa", content_type="multipart/form-data",
                           data={"csrf_token": token, "berkas": (io.BytesIO(json.dumps(doc).encode()), "d.json")})
    assert altered.status_code == 422 and "tidak utuh" in words(altered)
    garbage = auditor.post("/audit/digest/periksa", content_type="multipart/form-data",
                           data={"csrf_token": token, "berkas": (io.BytesIO(b"\x00\xff"), "d.json")})
    assert garbage.status_code == 422 and "bukan JSON" in words(garbage)


def test_others_may_not_make_or_check_digests(make_client, web_alur, cases):
    digest = web_alur.create_digest(AUDITOR)
    for username in ("pemilik", "sesdep", "admin", "budi"):
        client = login(make_client(), username)
        token = csrf(client, "/akun")
        assert client.post("/audit/digest", data={"csrf_token": token}).status_code == 403
        assert client.post("/audit/digest/periksa", data={"csrf_token": token, "hash": digest.digest}).status_code == 403
    assert [d.id for d in web_alur.digests(AUDITOR)] == [digest.id]


def test_a_second_digest_in_the_same_second_is_refused_plainly(auditor, web_alur, cases):
    token = csrf(auditor, "/audit/digest")
    assert auditor.post("/audit/digest", data={"csrf_token": token}).status_code == 302
    again = auditor.post("/audit/digest", data={"csrf_token": token}, follow_redirects=True)
    assert again.status_code == 200 and "digest baru harus menutup periode yang lebih baru" in words(again)
