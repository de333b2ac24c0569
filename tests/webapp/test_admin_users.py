"""User administration pages (role admin)."""
from __future__ import annotations

import re

import pytest

from engine.errors import LoginRefused
from engine.services.accounts import ROLE_LABELS as ENGINE_ROLE_LABELS
from tests.webapp.conftest import PASSWORD, SETUP, WEB_USERS, csrf, login
from web.admin import ROLE_LABELS

NEW_PASSWORD = "Kata-Sandi-Baru-456?"


@pytest.fixture
def admin_client(client):
    return login(client, "admin")


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf(client, path), **data})


def test_the_web_labels_every_role_the_engine_knows():
    assert set(ROLE_LABELS) == set(ENGINE_ROLE_LABELS)


def test_user_list_shows_names_roles_state_and_lock(admin_client, web_alur):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            web_alur.authenticate("budi", "salah")
    web_alur.update_user(SETUP, "auditor", active=False)
    response = admin_client.get("/admin/pengguna")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for username in WEB_USERS:
        assert f'href="/admin/pengguna/{username}"' in page
    assert "UPP Kementerian" in page and "Pemilik Proses" in page and "Sesdep" in page
    assert "process_owner" not in page  # labels, not codes
    rows = _rows(page)
    assert "Terkunci" in rows["budi"] and "sampai" in rows["budi"] and "Terkunci" not in rows["ani"]
    assert "Nonaktif" in rows["auditor"] and "Aktif" in rows["ani"]
    assert "belum pernah" in rows["ani"] and "belum pernah" not in rows["admin"]  # admin just logged in


def _rows(page: str) -> dict[str, str]:
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        found = re.search(r'href="/admin/pengguna/([^"]+)"', row)
        if found:
            rows[found.group(1)] = row
    return rows


def test_creating_a_user_who_can_then_log_in(admin_client, web_alur, make_client):
    response = post(admin_client, "/admin/pengguna/baru", username="Citra", full_name="Citra Lestari",
                    roles=["sesdep", "auditor"], password=NEW_PASSWORD, password_confirm=NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/pengguna/citra"
    user = web_alur.user(SETUP, "citra")
    assert user.full_name == "Citra Lestari" and user.roles == {"sesdep", "auditor"} and user.active
    assert "Akun citra dibuat" in admin_client.get("/admin/pengguna/citra").get_data(as_text=True)
    login(make_client(), "citra", NEW_PASSWORD)


@pytest.mark.parametrize("password, problem", [
    ("Pendek-1!", "Minimal 12 karakter"),
    ("semuahurufkecil-123!", "Harus memuat huruf besar"),
    ("TanpaAngkaSamaSekali!", "Harus memuat angka"),
    ("TanpaSimbol12345", "Harus memuat simbol"),
    ("Dewi-Rahasia-123!", "Tidak boleh memuat nama pengguna"),
])
def test_password_policy_on_create_is_shown_inline(admin_client, web_alur, password, problem):
    response = post(admin_client, "/admin/pengguna/baru", username="dewi", full_name="Dewi Anggraini",
                    roles="auditor", password=password, password_confirm=password)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="err-password"' in page and problem in page
    assert 'value="Dewi Anggraini"' in page and 'value="dewi"' in page  # kept
    assert password not in page  # never sent back
    assert re.search(r'value="auditor"\s*checked', page)
    assert "dewi" not in {u.username for u in web_alur.users(SETUP)}


def test_mismatched_confirmation_and_missing_roles(admin_client):
    response = post(admin_client, "/admin/pengguna/baru", username="eko", full_name="",
                    password=NEW_PASSWORD, password_confirm=NEW_PASSWORD + "x")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="err-password_confirm"' in page
    response = post(admin_client, "/admin/pengguna/baru", username="eko", full_name="",
                    password=NEW_PASSWORD, password_confirm=NEW_PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pilih setidaknya satu peran" in page and 'id="err-full_name"' in page


def test_taken_username_is_a_conflict(admin_client):
    response = post(admin_client, "/admin/pengguna/baru", username="ani", full_name="Ani Lain", roles="auditor",
                    password=NEW_PASSWORD, password_confirm=NEW_PASSWORD)
    assert response.status_code == 409
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_editing_name_roles_and_active(admin_client, web_alur):
    response = post(admin_client, "/admin/pengguna/ani", full_name="Ani Rahmawati",
                    roles=["upp_kementerian", "upp_unit_kerja"], active="true")
    assert response.status_code == 302
    user = web_alur.user(SETUP, "ani")
    assert user.full_name == "Ani Rahmawati" and user.roles == {"upp_kementerian", "upp_unit_kerja"} and user.active
    post(admin_client, "/admin/pengguna/ani", full_name="Ani Rahmawati", roles="upp_kementerian")  # box unticked
    assert not web_alur.user(SETUP, "ani").active
    page = admin_client.get("/admin/pengguna/ani").get_data(as_text=True)
    assert "Nonaktif" in page and 'value="Ani Rahmawati"' in page


def test_admin_cannot_lock_themself_out(admin_client, web_alur):
    response = post(admin_client, "/admin/pengguna/admin", full_name="Admin", roles="admin")
    assert response.status_code == 422
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.get_data(as_text=True)
    response = post(admin_client, "/admin/pengguna/admin", full_name="Admin", roles="auditor", active="true")
    assert response.status_code == 422 and "mencabut peran admin" in response.get_data(as_text=True)
    assert web_alur.user(SETUP, "admin").roles == {"admin"}


def test_reset_password_checks_the_policy_and_lifts_a_lock(admin_client, web_alur, make_client):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            web_alur.authenticate("budi", "salah")
    page = admin_client.get("/admin/pengguna/budi").get_data(as_text=True)
    assert ">Terkunci<" in page
    weak = post(admin_client, "/admin/pengguna/budi", action="reset_password", new_password="lemah",
                new_password_confirm="lemah")
    assert weak.status_code == 422 and 'id="err-new_password"' in weak.get_data(as_text=True)
    done = post(admin_client, "/admin/pengguna/budi", action="reset_password", new_password=NEW_PASSWORD,
                new_password_confirm=NEW_PASSWORD)
    assert done.status_code == 302
    page = admin_client.get("/admin/pengguna/budi").get_data(as_text=True)
    assert "direset" in page and "Tidak terkunci" in page
    login(make_client(), "budi", NEW_PASSWORD)


def test_unknown_user_is_404(admin_client):
    response = admin_client.get("/admin/pengguna/tidakada")
    assert response.status_code == 404 and "tidak ditemukan" in response.get_data(as_text=True)
