"""The inbox: the lane's open tasks with who holds them, filters in the URL, search, overdue
rows, and the rows fragment inbox.js polls."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import UPP_KEMENTERIAN
from tests.webapp.staff_support import ANA_ACTOR, as_user, case_at_step, inbox_task_ids, start
from web import create_app
from web.formatting import now_utc


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr data-task-id=.*?</tr>", page, re.S)


def test_inbox_lists_the_lanes_open_tasks_with_their_details(make_client, web_alur):
    first = start(web_alur, nama="Siti Rahmawati")
    second = start(web_alur, nama="Agus Pratama")
    page = as_user(make_client, "budi").get("/kotak-masuk").get_data(as_text=True)
    assert inbox_task_ids(page) == [first.ready[0].id, second.ready[0].id]  # oldest first
    for started, name in ((first, "Siti Rahmawati"), (second, "Agus Pratama")):
        assert started.ticket_code in page and name in page
    assert "Verifikasi Dumas" in page and ">2</span>" in page
    assert "Belum diambil" in page and "2 tugas" in page
    assert "sisa 2 menit" in page or "sisa 1 menit" in page  # step 2's Waktu is 2 minutes
    # Sesdep's lane has nothing yet; its inbox says so.
    empty = as_user(make_client, "sesdep").get("/kotak-masuk").get_data(as_text=True)
    assert inbox_task_ids(empty) == [] and "Kotak masuk kosong" in empty


def test_inbox_names_who_holds_each_task(make_client, web_alur):
    _, held_by_ana = case_at_step(web_alur, 5, nama="Dewi Lestari")
    _, held_by_ani = case_at_step(web_alur, 5, nama="Rina Marlina")
    _, free = case_at_step(web_alur, 5, nama="Yusuf Hidayat")
    web_alur.claim(ANA_ACTOR, held_by_ana.id)
    web_alur.claim(UPP_KEMENTERIAN, held_by_ani.id)
    rows = {re.search(r'data-task-id="([^"]+)"', r).group(1): r
            for r in _rows(as_user(make_client, "ani").get("/kotak-masuk").get_data(as_text=True))}
    assert "Diambil oleh ana" in rows[held_by_ana.id]
    assert "Diambil oleh Anda" in rows[held_by_ani.id] and "is-mine" in rows[held_by_ani.id]
    assert "Belum diambil" in rows[free.id]


def test_status_step_and_search_filters(make_client, web_alur):
    _, mine = case_at_step(web_alur, 5, nama="Dewi Lestari")
    _, others = case_at_step(web_alur, 5, nama="Rina Marlina")
    started_free, free = case_at_step(web_alur, 5, nama="Yusuf Hidayat")
    web_alur.claim(UPP_KEMENTERIAN, mine.id)
    web_alur.claim(ANA_ACTOR, others.id)
    client = as_user(make_client, "ani")

    def ids(query: str) -> set[str]:
        response = client.get("/kotak-masuk" + query)
        assert response.status_code == 200
        return set(inbox_task_ids(response.get_data(as_text=True)))

    assert ids("") == {mine.id, others.id, free.id}
    assert ids("?status=saya") == {mine.id}
    assert ids("?status=belum") == {free.id}
    assert ids("?status=lain") == {others.id}
    assert ids("?langkah=5") == {mine.id, others.id, free.id}
    assert ids("?langkah=1") == set()
    assert ids("?cari=yusuf") == {free.id}
    code = started_free.ticket_code
    assert ids("?cari=" + code.replace("-", "").lower()) == {free.id}  # typed without its dash
    assert ids("?cari=" + code[:3]) >= {free.id}
    assert ids("?cari=tidak-ada-nama-ini") == set()
    assert ids("?status=belum&cari=dewi") == set()
    # Unknown values are ignored, not an error: a stale shared link still opens.
    assert ids("?status=semuanya&langkah=x") == {mine.id, others.id, free.id}


def test_filters_are_kept_in_the_page_and_the_polling_url(make_client, web_alur):
    case_at_step(web_alur, 5)
    page = as_user(make_client, "ani").get("/kotak-masuk?status=belum&langkah=5&cari=budi").get_data(as_text=True)
    assert '<option value="belum" selected' in page
    assert '<option value="5" selected' in page
    assert 'value="budi"' in page
    rows_url = re.search(r'data-rows-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert rows_url.startswith("/kotak-masuk/baris?")
    assert {"langkah=5", "status=belum", "cari=budi"} == set(rows_url.split("?", 1)[1].split("&"))
    assert "Tidak ada tugas yang cocok" not in page and "Hapus saringan" in page


def test_step_filter_offers_only_the_steps_of_the_users_lanes(make_client):
    def offered(username: str) -> list[str]:
        page = as_user(make_client, username).get("/kotak-masuk").get_data(as_text=True)
        select = re.search(r'<select id="f-langkah".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="(\d+)"', select)

    assert offered("ani") == ["1", "5"]
    assert offered("budi") == ["2", "4", "7"]
    assert offered("sesdep") == ["3"]


def test_overdue_rows_are_marked_in_words_not_only_colour(make_client, web_alur, monkeypatch):
    started = start(web_alur)
    later = now_utc() + timedelta(minutes=30)
    monkeypatch.setattr("web.staff.inbox.now_utc", lambda: later)
    row = _rows(as_user(make_client, "budi").get("/kotak-masuk").get_data(as_text=True))[0]
    assert started.ready[0].id in row
    assert 'class="overdue' in row
    assert '<span class="badge badge-bad">Terlambat</span>' in row and "terlambat 2" in row


def test_rows_fragment_has_the_same_rows_and_picks_up_new_tasks(make_client, web_alur):
    first = start(web_alur)
    client = as_user(make_client, "budi")
    page = client.get("/kotak-masuk").get_data(as_text=True)
    response = client.get("/kotak-masuk/baris")
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert fragment.lstrip().startswith('<tbody id="inbox-rows"') and "<html" not in fragment
    assert inbox_task_ids(fragment) == inbox_task_ids(page) == [first.ready[0].id]
    second = start(web_alur)  # arrives while the page is open
    fragment = client.get("/kotak-masuk/baris").get_data(as_text=True)
    assert inbox_task_ids(fragment) == [first.ready[0].id, second.ready[0].id]
    assert 'data-count-text="2 tugas"' in fragment
    filtered = client.get("/kotak-masuk/baris?cari=" + second.ticket_code).get_data(as_text=True)
    assert inbox_task_ids(filtered) == [second.ready[0].id]


def test_page_hands_the_poller_its_settings(web_alur):
    app = create_app(web_alur, {"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": False,
                                "ALUR_INBOX_POLL_SECONDS": 7})
    page = as_user(app.test_client, "budi").get("/kotak-masuk").get_data(as_text=True)
    assert 'data-poll-seconds="7"' in page
    assert 'src="/static/js/inbox.js"' in page
    assert 'aria-live="polite"' in page
    assert 'data-new-text="__N__ tugas baru"' in page


def test_the_inbox_reads_only_the_inbox(make_client, web_alur, monkeypatch):
    """The page is benchmarked: once the step choices are cached, the inbox query is its only
    engine call besides the session's account lookup."""
    start(web_alur)
    client = as_user(make_client, "budi")
    assert client.get("/kotak-masuk").status_code == 200  # fills the step cache
    calls = []
    for name in ("definitions", "case", "task", "task_detail", "latest_definition", "case_forms", "start_form"):
        monkeypatch.setattr(web_alur, name, lambda *a, _n=name, **k: calls.append(_n))
    for path in ("/kotak-masuk", "/kotak-masuk/baris", "/kotak-masuk?langkah=2&status=belum"):
        assert client.get(path).status_code == 200
    assert calls == []


def test_the_inbox_comes_a_page_at_a_time_keeping_the_filters(make_client, web_alur, monkeypatch):
    monkeypatch.setattr("web.staff.inbox.PAGE_SIZE", 2)
    tasks = [start(web_alur, nama=f"Tamu {n}").ready[0].id for n in range(5)]
    client = as_user(make_client, "budi")

    def page(query: str) -> tuple[str, list[str], dict[str, str]]:
        text = client.get("/kotak-masuk" + query).get_data(as_text=True)
        found = re.findall(r'<a href="([^"]+)" rel="(prev|next)"', text)
        links = {rel: href.replace("&amp;", "&") for href, rel in found}
        return text, inbox_task_ids(text), links

    first, ids, links = page("")
    assert ids == tasks[:2] and "Tugas 1–2 dari 5" in first
    assert set(links) == {"next"} and links["next"] == "/kotak-masuk?halaman=2"
    second, ids, links = page("?cari=tamu&halaman=2")
    assert ids == tasks[2:4] and "Tugas 3–4 dari 5" in second
    assert links == {"prev": "/kotak-masuk?cari=tamu", "next": "/kotak-masuk?cari=tamu&halaman=3"}
    rows_url = re.search(r'data-rows-url="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert rows_url == "/kotak-masuk/baris?cari=tamu&halaman=2"  # the poller stays on this page
    fragment = client.get(rows_url).get_data(as_text=True)
    assert inbox_task_ids(fragment) == tasks[2:4] and 'data-count-text="Tugas 3–4 dari 5"' in fragment
    last, ids, links = page("?halaman=3")
    assert ids == tasks[4:] and "Tugas 5–5 dari 5" in last and set(links) == {"prev"}
    # Past the end (the lane finished tasks since the link was made): the last page instead.
    _, ids, links = page("?halaman=40")
    assert ids == tasks[4:] and links == {"prev": "/kotak-masuk?halaman=2"}
    assert page("?halaman=0")[1] == page("?halaman=x")[1] == tasks[:2]
    # A filter matching no more than a page: no pager, the plain count.
    only, ids, links = page("?cari=Tamu+3")
    assert ids == [tasks[3]] and links == {} and "1 tugas" in only
