"""The diff page: who may open it, the words for a version 2 that adds a step and changes a Waktu,
the JSON block the diagrams' markers come from, and version numbers that do not exist."""
from __future__ import annotations

import html
import json
import re

import pytest

from engine.case import Actor
from engine.errors import Forbidden, NotFound
from tests.unit.test_version_diff import with_new_step, with_step2_waktu
from tests.webapp.conftest import login

PAGE = "/pemodelan/pelayanan_pengaduan/beda"
OWNER = Actor("pemilik", frozenset({"process_owner"}))
MARKERS = re.compile(r'<script type="application/json" id="diff-markers">(.*?)</script>', re.S)


@pytest.fixture
def with_v2(web_alur):
    v2 = web_alur.deploy(with_step2_waktu(with_new_step()).encode("utf-8"), OWNER,
                         change_note="Tambah langkah arsip; verifikasi 5 menit")
    assert v2.version == 2
    return web_alur


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def markers_of(response) -> dict:
    found = MARKERS.search(response.get_data(as_text=True))
    assert found, "no marker block on the page"
    return json.loads(found.group(1))


@pytest.mark.parametrize("username", ["pemilik", "auditor"])
def test_owners_and_auditors_read_the_diff(with_v2, client, username):
    login(client, username)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = text_of(response)
    assert "Langkah 9 'Arsipkan hasil survei' ditambahkan di lajur UPP Unit Kerja " \
           "(Waktu 5 menit, formulir catatan_langkah)." in page
    assert "Langkah 2 'Verifikasi Dumas dan laporkan ke pimpinan' diubah: Waktu 2 menit → 5 menit." in page
    assert "Dari versi 1 ke versi 2: 2 ditambahkan, 0 dihapus, 2 diubah." in page


@pytest.mark.parametrize("username", ["ani", "budi", "sesdep", "admin"])
def test_everyone_else_is_refused(with_v2, client, username):
    login(client, username)
    assert client.get(PAGE).status_code == 403


def test_anonymous_is_sent_to_login(with_v2, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_the_marker_block_lists_the_ids_to_mark(with_v2, client):
    login(client, "pemilik")
    markers = markers_of(client.get(PAGE))
    assert markers == {
        "from": {"removed": [], "changed": ["Flow_Survei_GwHasil", "Task_02_VerifikasiDumas"]},
        "to": {"added": ["Flow_Arsip_GwHasil", "Task_09_Arsip"],
               "changed": ["Flow_Survei_GwHasil", "Task_02_VerifikasiDumas"]},
    }


def test_read_backwards_the_new_step_is_removed_on_the_older_side(with_v2, client):
    login(client, "pemilik")
    response = client.get(PAGE + "?dari=2&ke=1")
    assert response.status_code == 200
    assert markers_of(response)["from"]["removed"] == ["Flow_Arsip_GwHasil", "Task_09_Arsip"]
    assert "Langkah 9 'Arsipkan hasil survei' dihapus dari lajur UPP Unit Kerja." in text_of(response)


def test_the_same_version_twice_says_nothing_changed(with_v2, client):
    login(client, "auditor")
    response = client.get(PAGE + "?dari=2&ke=2")
    assert response.status_code == 200
    assert "tidak ada perubahan" in text_of(response)
    assert markers_of(response) == {"from": {"removed": [], "changed": []}, "to": {"added": [], "changed": []}}


def test_the_diagrams_load_each_version_from_the_download(with_v2, client):
    login(client, "auditor")
    page = client.get(PAGE).get_data(as_text=True)
    urls = re.findall(r'data-xml-url="([^"]+)"', page)
    assert [html.unescape(u) for u in urls] == ["/pemodelan/pelayanan_pengaduan/versi/1.bpmn?unduh=0",
                                                "/pemodelan/pelayanan_pengaduan/versi/2.bpmn?unduh=0"]
    older, newer = (client.get(html.unescape(u)) for u in urls)
    assert older.status_code == newer.status_code == 200
    assert "Task_09_Arsip" in newer.get_data(as_text=True)
    assert "Task_09_Arsip" not in older.get_data(as_text=True)
    # Only files and data blocks: the CSP allows no inline script.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("query, shown", [("?ke=9", "'9'"), ("?dari=abc", "'abc'"), ("?dari=-1", "'-1'"),
                                          ("?ke=1.5", "'1.5'")])
def test_versions_that_do_not_exist_are_refused_clearly(with_v2, client, query, shown):
    login(client, "pemilik")
    response = client.get(PAGE + query)
    assert response.status_code == 404
    page = text_of(response)
    assert f"Versi {shown} tidak ada untuk proses ini; pilih salah satu versi 1 sampai 2." in page
    assert 'id="dari"' in page and 'id="ke"' in page  # the pickers stay to choose again
    assert "diff-markers" not in page


def test_an_unknown_process_is_not_found(with_v2, client):
    login(client, "pemilik")
    assert client.get("/pemodelan/tidak_ada/beda").status_code == 404


def test_with_one_version_the_page_says_so(web_alur, client):
    login(client, "pemilik")
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "baru memiliki 1 versi" in text_of(response)
    assert "diff-markers" not in response.get_data(as_text=True)


def test_the_use_case_on_both_databases_and_its_role_check(alur):
    """`alur` runs on SQLite and on PostgreSQL: the versions and their texts are read the same way."""
    alur.deploy(with_step2_waktu().encode("utf-8"), OWNER, change_note="Verifikasi 5 menit")
    auditor = Actor("audit", frozenset({"auditor"}))
    result = alur.diff_versions(auditor, "pelayanan_pengaduan", 1, 2)
    assert [(e.kind, e.element_id) for e in result.entries] == [("changed", "Task_02_VerifikasiDumas")]
    assert (result.from_version, result.to_version, result.to_note) == (1, 2, "Verifikasi 5 menit")
    with pytest.raises(Forbidden):
        alur.diff_versions(Actor("ani", frozenset({"upp_kementerian"})), "pelayanan_pengaduan", 1, 2)
    with pytest.raises(NotFound):
        alur.diff_versions(auditor, "pelayanan_pengaduan", 1, 3)
