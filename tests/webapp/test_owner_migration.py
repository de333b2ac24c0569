"""The migration pages with the Flask client: the candidates, the dry-run report, migrating the
safe ones with the summary, conflicts, roles and CSRF."""
from __future__ import annotations

import re

import pytest

from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, UPP_KEMENTERIAN
from tests.sop_data import screening
from tests.webapp.conftest import csrf, login
from tests.webapp.staff_support import advance_to

KEY = "pelayanan_pengaduan"
LIST = f"/pemodelan/{KEY}/migrasi"
DRY_RUN = f"/pemodelan/{KEY}/migrasi/uji"
MIGRATE = f"/pemodelan/{KEY}/migrasi"
SOP = (ROOT / "processes" / f"{KEY}.bpmn").read_text(encoding="utf-8")
CHECKED = re.compile(r'<input type="checkbox" name="kasus" value="(\d+)"[^>]*checked>')
REVISION = re.compile(r'name="rev_(\d+)" value="(\d+)"')


@pytest.fixture
def cases(web_alur):
    """(at step 1: safe, at step 3: refused) once version 2 gives step 2 another form."""
    at_1 = web_alur.start(KEY, UPP_KEMENTERIAN).instance_id
    at_3 = web_alur.start(KEY, UPP_KEMENTERIAN, first_task_data=screening()).instance_id
    advance_to(web_alur, at_3, 3)
    web_alur.deploy(SOP.replace('value="verifikasi_dumas"', 'value="catatan_langkah"').encode(), PROCESS_OWNER,
                    change_note="Langkah 2 memakai formulir catatan")
    return at_1, at_3


@pytest.fixture
def owner(client):
    return login(client, "pemilik")


def version_of(alur, instance_id: int) -> int:
    return alur.case(AUDITOR, instance_id=instance_id).definition_version


def ticket(alur, instance_id: int) -> str:
    return alur.case(AUDITOR, instance_id=instance_id).ticket_code


def dry_run(client, **form):
    return client.post(DRY_RUN, data={"csrf_token": csrf(client, LIST), **form})


def test_the_list_offers_each_running_case_and_every_case_of_a_version(owner, web_alur, cases):
    page = owner.get(LIST).get_data(as_text=True)
    for instance_id in cases:
        assert f'name="kasus" value="{instance_id}"' in page
        assert ticket(web_alur, instance_id) in page
    assert 'name="semua_versi" value="1"' in page and "Pilih semua dari versi 1" in page
    assert re.search(r'<option value="2"\s+selected>\s*Versi 2 \(berlaku\)', page)
    assert "Langkah 3 · Verifikasi pengunjung dan beri persetujuan atau penolakan" in page
    assert f'href="/pemodelan/{KEY}"' in page  # back to the versions page
    assert "Langkah 2 memakai formulir catatan" in page  # the target's change note


def test_the_dry_run_reports_each_case_and_checks_only_the_safe_ones(owner, web_alur, cases):
    at_1, at_3 = cases
    response = dry_run(owner, ke="2", semua_versi="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hasil uji migrasi ke versi 2" in page
    assert CHECKED.findall(page) == [str(at_1)]
    assert dict(REVISION.findall(page)) == {str(at_1): str(web_alur.case(AUDITOR, instance_id=at_1).revision)}
    assert "formulirnya berganti dari “Verifikasi Dumas” (verifikasi_dumas)" in page
    assert "Migrasikan yang aman" in page and "1 aman" in page and "1 ditolak" in page
    assert version_of(web_alur, at_1) == version_of(web_alur, at_3) == 1  # nothing moved


def test_migrating_the_safe_ones_moves_them_and_says_how_many(owner, web_alur, cases):
    at_1, at_3 = cases
    page = dry_run(owner, ke="2", kasus=[str(at_1), str(at_3)]).get_data(as_text=True)
    form = {"csrf_token": csrf(owner, LIST), "ke": "2", "kasus": CHECKED.findall(page),
            **{f"rev_{i}": r for i, r in REVISION.findall(page)}}
    response = owner.post(MIGRATE, data=form)
    result = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 kasus dimigrasikan ke versi 2, 0 ditolak." in result
    assert "Hasil migrasi ke versi 2" in result and "Dimigrasikan" in result
    assert (version_of(web_alur, at_1), version_of(web_alur, at_3)) == (2, 1)
    assert [e.kind for e in web_alur.history(AUDITOR, at_1)][-1] == "instance.migrated"
    # Sent anyway, the refused one is judged again and refused again.
    again = owner.post(MIGRATE, data={"csrf_token": csrf(owner, LIST), "ke": "2", "kasus": [str(at_3)]})
    assert "0 kasus dimigrasikan ke versi 2, 1 ditolak." in again.get_data(as_text=True)
    assert version_of(web_alur, at_3) == 1
    assert f'name="kasus" value="{at_1}"' not in owner.get(LIST).get_data(as_text=True)


def test_a_case_changed_after_the_dry_run_shows_as_a_conflict(owner, web_alur, cases):
    at_1, _ = cases
    page = dry_run(owner, ke="2", kasus=str(at_1)).get_data(as_text=True)
    revisions = dict(REVISION.findall(page))
    web_alur.claim(UPP_KEMENTERIAN, web_alur.case(AUDITOR, instance_id=at_1).tasks[0].id)  # the case moves on
    result = owner.post(MIGRATE, data={"csrf_token": csrf(owner, LIST), "ke": "2", "kasus": str(at_1),
                                       "rev_" + str(at_1): revisions[str(at_1)]}).get_data(as_text=True)
    assert "Konflik" in result and "berubah sejak uji migrasi" in result
    assert "0 kasus dimigrasikan ke versi 2, 1 ditolak." in result
    assert version_of(web_alur, at_1) == 1


def test_nothing_chosen_goes_back_with_a_message(owner, cases):
    response = dry_run(owner, ke="2")
    assert response.status_code == 302 and response.headers["Location"].startswith(LIST)
    assert "Pilih paling sedikit satu kasus" in owner.get(response.headers["Location"]).get_data(as_text=True)
    response = owner.post(MIGRATE, data={"csrf_token": csrf(owner, LIST), "ke": "2"})
    assert response.status_code == 302


def test_posts_need_the_csrf_token(owner, web_alur, cases):
    at_1, _ = cases
    assert owner.post(DRY_RUN, data={"ke": "2", "kasus": str(at_1)}).status_code == 400
    assert owner.post(MIGRATE, data={"ke": "2", "kasus": str(at_1)}).status_code == 400
    assert version_of(web_alur, at_1) == 1


@pytest.mark.parametrize("username", ["auditor", "ani", "budi", "admin"])
def test_only_process_owners_reach_the_pages(make_client, web_alur, cases, username):
    client = login(make_client(), username)
    at_1, _ = cases
    token = csrf(client, "/akun")
    assert client.get(LIST).status_code == 403
    assert client.post(DRY_RUN, data={"csrf_token": token, "ke": "2", "kasus": str(at_1)}).status_code == 403
    assert client.post(MIGRATE, data={"csrf_token": token, "ke": "2", "kasus": str(at_1)}).status_code == 403
    assert version_of(web_alur, at_1) == 1


def test_an_unknown_process_or_version_is_not_found(owner, cases):
    assert owner.get("/pemodelan/tidak_ada/migrasi").status_code == 404
    assert owner.get(LIST + "?ke=9").status_code == 404
