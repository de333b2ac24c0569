"""My account: roles, password change, API tokens."""
from __future__ import annotations

import re

import pytest

from engine.case import Actor
from tests.webapp.conftest import PASSWORD, csrf, login

NEW_PASSWORD = "Kata-Sandi-Baru-456?"


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf(client, "/akun"), **data})


@pytest.fixture
def ani(client):
    return login(client, "ani")


def test_settings_show_my_roles_in_words(client):
    login(client, "pemilik")
    response = client.get("/akun")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Pemilik Proses" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_changing_my_password(ani, web_alur, make_client):
    response = post(ani, "/akun/kata-sandi", old_password=PASSWORD, new_password=NEW_PASSWORD,
                    new_password_confirm=NEW_PASSWORD)
    assert response.status_code == 302
    assert "Kata sandi Anda sudah diganti" in ani.get("/akun").get_data(as_text=True)
    login(make_client(), "ani", NEW_PASSWORD)
    other = make_client()
    assert other.post("/masuk", data={"username": "ani", "password": PASSWORD,
                                      "csrf_token": csrf(other)}).status_code == 401


@pytest.mark.parametrize("fields, error_field, words", [
    ({"old_password": "salah-sekali", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
     "old_password", "Kata sandi lama salah"),
    ({"old_password": PASSWORD, "new_password": "Pendek-1!", "new_password_confirm": "Pendek-1!"},
     "new_password", "Minimal 12 karakter"),
    ({"old_password": PASSWORD, "new_password": "tanpahurufbesar-123", "new_password_confirm": "tanpahurufbesar-123"},
     "new_password", "Harus memuat huruf besar"),
    ({"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": "lain"},
     "new_password_confirm", "Konfirmasi kata sandi tidak sama"),
    ({"old_password": PASSWORD, "new_password": PASSWORD, "new_password_confirm": PASSWORD},
     "new_password", "harus berbeda"),
])
def test_password_change_refusals_are_inline(ani, web_alur, fields, error_field, words):
    response = post(ani, "/akun/kata-sandi", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="err-{error_field}"' in page and words in page
    for value in set(fields.values()):
        assert f'value="{value}"' not in page  # passwords are never sent back
    web_alur.authenticate("ani", PASSWORD)  # unchanged


def test_a_new_token_is_shown_once_and_works(ani, web_alur):
    response = post(ani, "/akun/token", name="skrip laporan")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r'>(alur_[^<]+)</textarea>', page).group(1)
    assert "Salin token ini sekarang" in page and "Bearer &lt;token&gt;" in page
    assert web_alur.actor_for_token(token) == Actor("ani", frozenset({"upp_kementerian"}))
    settings = ani.get("/akun").get_data(as_text=True)
    assert token not in settings
    assert "skrip laporan" in settings and token[:12] in settings


def test_token_needs_a_name(ani):
    response = post(ani, "/akun/token", name="  ")
    assert response.status_code == 422 and 'id="err-name"' in response.get_data(as_text=True)


def test_revoking_a_token(ani, web_alur):
    page = post(ani, "/akun/token", name="sementara").get_data(as_text=True)
    token = re.search(r'>(alur_[^<]+)</textarea>', page).group(1)
    token_id = web_alur.api_tokens(Actor("ani", frozenset({"upp_kementerian"})))[0].id
    response = post(ani, f"/akun/token/{token_id}/cabut")
    assert response.status_code == 302
    assert web_alur.actor_for_token(token) is None
    assert "Dicabut" in ani.get("/akun").get_data(as_text=True)


def test_someone_elses_token_cannot_be_revoked(client, web_alur):
    budi = web_alur.authenticate("budi", PASSWORD)
    info, token = web_alur.create_api_token(budi, "punya budi")
    login(client, "ani")
    response = post(client, f"/akun/token/{info.id}/cabut")
    assert response.status_code == 404
    assert web_alur.actor_for_token(token) is not None
