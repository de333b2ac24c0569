"""The auditors' home (find any case, the latest cases, the period export form) and a case's audit
page (header, timeline with durations against Waktu, masking with reveal links, links to the
other audit pages and the exports)."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

from tests.conftest import SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.sop_data import VERIFIKASI, keputusan, screening
from tests.webapp.staff_support import NIK, as_user, start

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def timed_case(alur):
    """A case with a controlled clock: step 2 claimed at 09.01 WIB and done at 09.03 (Waktu 2
    minutes: one over), step 3 done at 09.04 (within); left open at step 4."""
    clock = Clock()
    alur.ctx.clock = clock
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    step2 = started.ready[0]
    clock.now = T0 + timedelta(minutes=1)
    alur.claim(UPP_UNIT_KERJA, step2.id)
    clock.now = T0 + timedelta(minutes=3)
    step3 = alur.complete(UPP_UNIT_KERJA, step2.id, VERIFIKASI).ready[0]
    clock.now = T0 + timedelta(minutes=4)
    alur.complete(SESDEP, step3.id, keputusan(True))
    return started


def text_of(response) -> str:
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def timeline_rows(page: str) -> list[str]:
    return re.findall(r'<tr id="peristiwa-(\d+)"', page)


# -- home -----------------------------------------------------------------------------------------
def test_home_finds_any_case_by_a_loosely_typed_code(make_client, web_alur):
    started = start(web_alur)
    client = as_user(make_client, "auditor")
    loose = " " + started.ticket_code.replace("-", " ").lower() + " "
    response = client.get("/audit/", query_string={"kode": loose})
    assert response.status_code == 302 and response.headers["Location"] == f"/audit/kasus/{started.instance_id}"


def test_home_says_so_when_no_case_matches(make_client, web_alur):
    start(web_alur)
    response = as_user(make_client, "auditor").get("/audit/?kode=ZZZZZ-ZZZZZ")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Tidak ada kasus dengan kode tiket ZZZZZ-ZZZZZ" in page and 'value="ZZZZZ-ZZZZZ"' in page
    assert 'id="case-count"' in page  # the rest of the page is still there


def test_home_lists_the_latest_cases_with_links_and_tools(make_client, web_alur):
    first, second = start(web_alur, nama="Siti Aminah"), start(web_alur)
    page = as_user(make_client, "auditor").get("/audit/").get_data(as_text=True)
    links = re.findall(r'href="/audit/kasus/(\d+)"', page)
    assert links == [str(second.instance_id), str(first.instance_id)]  # newest first
    assert "Siti Aminah" in page and page.count('class="badge badge-info">Berjalan') == 2
    for href in ("/audit/verifikasi", "/audit/digest", "/audit/laporan"):
        assert f'href="{href}"' in page, href
    assert 'action="/audit/ekspor/peristiwa.csv"' in page
    assert re.search(r'<input type="date" id="dari" name="dari" value="\d{4}-\d{2}-01"', page)


def test_home_filters_by_status_and_pages(make_client, web_alur):
    started = [start(web_alur) for _ in range(27)]
    client = as_user(make_client, "auditor")
    page1 = client.get("/audit/").get_data(as_text=True)
    assert len(re.findall(r'href="/audit/kasus/\d+"', page1)) == 25
    assert "27 kasus" in page1 and "Halaman 1 dari 2" in page1 and 'href="/audit/?halaman=2"' in page1
    page2 = client.get("/audit/?halaman=2").get_data(as_text=True)
    assert re.findall(r'href="/audit/kasus/(\d+)"', page2) == [str(started[1].instance_id),
                                                              str(started[0].instance_id)]
    done = client.get("/audit/?status=completed").get_data(as_text=True)
    assert "Tidak ada kasus dengan status ini." in done and "0 kasus" in done
    assert '<option value="completed" selected>' in done
    assert client.get("/audit/?status=apa&halaman=x").status_code == 200  # nonsense falls back to all


# -- the case page --------------------------------------------------------------------------------
def test_case_page_shows_the_timeline_with_durations_against_waktu(make_client, web_alur):
    started = timed_case(web_alur)
    response = as_user(make_client, "auditor").get(f"/audit/kasus/{started.instance_id}")
    assert response.status_code == 200
    page, text = response.get_data(as_text=True), text_of(response)
    events = web_alur.case_timeline(web_alur.authenticate("auditor", "Rahasia-Kuat-123!"), started.instance_id).events
    assert timeline_rows(page) == [str(e.seq) for e in events]
    assert f"Jejak audit kasus {started.ticket_code}" in text
    # Step 2: 3 minutes against 2, claimed at 09.01 WIB; step 3: 1 minute, within.
    step2 = _row(page, next(e.seq for e in events if e.kind == "task.completed" and e.sop_step == 2))
    assert 'class="ev-task-completed is-over"' in step2
    assert "3 menit" in step2 and "/ 2 menit" in step2 and "melebihi standar (+1 menit)" in step2
    assert "diambil 09.01.00 WIB oleh budi" in step2 and "2 · Verifikasi Dumas" in step2
    assert "UPP Unit Kerja" in step2 and "Budi" in step2
    step3 = _row(page, next(e.seq for e in events if e.kind == "task.completed" and e.sop_step == 3))
    assert "dalam standar" in step3 and "is-over" not in step3 and "Disetujui" in step3
    ready = _row(page, next(e.seq for e in events if e.kind == "task.ready"))
    assert "Sistem" in ready and "Langkah siap" in ready and "Batas waktu 2 Mar 2026, 09.02 WIB" in ready
    assert "2 Mar 2026, 09.00.00 WIB" in text
    assert "belum, kasus masih berjalan" in text
    assert "Standar SOP (seluruh langkah): 33 menit" in text
    assert "Waktu langkah yang dilalui: 6 menit" in text


def test_case_page_masks_personal_data_and_offers_to_reveal_it(make_client, web_alur):
    started = timed_case(web_alur)
    page = as_user(make_client, "auditor").get(f"/audit/kasus/{started.instance_id}").get_data(as_text=True)
    assert NIK not in page and "************0001" in page and "+62*******7890" in page
    assert "Budi Santoso" in page  # the name stays visible to staff
    assert 'id="masked-note"' in page
    seq = next(e.seq for e in web_alur.history(UPP_KEMENTERIAN, started.instance_id) if e.personal)
    links = re.findall(r'class="reveal" href="([^"]+)"', page)
    assert sorted(html.unescape(link) for link in links) == sorted(
        f"/audit/kasus/{started.instance_id}/buka-data?seq={seq}&field={name}" for name in ("nik", "telepon", "alamat"))


def test_case_page_links_to_replay_reexecution_verification_and_exports(make_client, web_alur):
    started = start(web_alur)
    case_id = started.instance_id
    page = as_user(make_client, "auditor").get(f"/audit/kasus/{case_id}").get_data(as_text=True)
    for href in (f"/audit/kasus/{case_id}/putar-ulang", f"/audit/kasus/{case_id}/eksekusi-ulang",
                 f"/audit/kasus/{case_id}/verifikasi", f"/audit/kasus/{case_id}/riwayat.json",
                 f"/audit/kasus/{case_id}/laporan", f"/audit/kasus/{case_id}/laporan.pdf",
                 f"/audit/kasus/{case_id}/putar-ulang?langkah=1"):
        assert f'href="{href}"' in page, href
    assert "/static/css/audit-case.css" in page


def test_case_page_of_an_unknown_case_is_404(make_client, web_alur):
    assert as_user(make_client, "auditor").get("/audit/kasus/9999").status_code == 404


def test_other_roles_are_kept_out(make_client, web_alur):
    started = start(web_alur)
    for username in ("ani", "budi", "sesdep", "pemilik", "admin"):
        client = as_user(make_client, username)
        for path in ("/audit/", f"/audit/kasus/{started.instance_id}"):
            assert client.get(path).status_code == 403, (username, path)


def _row(page: str, seq: int) -> str:
    found = re.search(rf'<tr id="peristiwa-{seq}".*?</tr>', page, flags=re.S)
    assert found, seq
    return html.unescape(found.group(0))
