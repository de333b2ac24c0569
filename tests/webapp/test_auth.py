"""Login, logout, lockout, CSRF, cookies, redirects, the access matrix and the language switch."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from engine.facade import Alur
from engine.settings import Settings
from tests.webapp.conftest import PASSWORD, SETUP, WEB_USERS, csrf, login
from web import create_app

WIB = timezone(timedelta(hours=7))


def login_error(response) -> str:
    found = re.search(r'id="login-error">([^<]+)<', response.get_data(as_text=True))
    assert found, "no login error shown"
    return found.group(1).strip()


def try_login(client, username: str, password: str):
    return client.post("/masuk", data={"username": username, "password": password, "csrf_token": csrf(client)})


def test_login_and_logout(client):
    response = try_login(client, "ani", PASSWORD)
    assert response.status_code == 302
    assert client.get("/akun").status_code == 200
    assert client.get("/keluar").status_code == 405  # a link cannot log anyone out
    assert client.post("/keluar").status_code == 400  # nor a post without the token
    assert client.get("/akun").status_code == 200
    response = client.post("/keluar", data={"csrf_token": csrf(client, "/akun")})
    assert response.status_code == 302
    assert client.get("/akun").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_words(client):
    unknown = try_login(client, "tidakada", PASSWORD)
    wrong = try_login(client, "ani", "Salah-Sekali-123!")
    assert unknown.status_code == wrong.status_code == 401
    assert login_error(unknown) == login_error(wrong) == "Nama pengguna atau kata sandi salah."
    assert 'value="ani"' in wrong.get_data(as_text=True)  # the username is kept, the password never


@pytest.fixture
def clocked(sqlite_url):
    now = [datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)]
    alur = Alur(Settings(database_url=sqlite_url), clock=lambda: now[0])
    alur.init_db()
    alur.create_user(SETUP, "ani", "Ani", {"upp_kementerian"}, PASSWORD)
    app = create_app(alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False})
    yield app.test_client(), now
    alur.close()


def test_five_failures_lock_the_account_and_say_until_when(clocked):
    client, now = clocked
    for _ in range(4):
        assert login_error(try_login(client, "ani", "Salah-Sekali-123!")) == "Nama pengguna atau kata sandi salah."
    locked = try_login(client, "ani", "Salah-Sekali-123!")
    until = (now[0] + timedelta(minutes=15)).astimezone(WIB)
    message = login_error(locked)
    assert "dikunci" in message.lower() or "terkunci" in message.lower()
    assert until.strftime("%H.%M") in message and "WIB" in message
    # While locked even the right password is refused, with the same unlock time.
    still = try_login(client, "ani", PASSWORD)
    assert still.status_code == 401 and until.strftime("%H.%M") in login_error(still)
    now[0] += timedelta(minutes=16)
    assert try_login(client, "ani", PASSWORD).status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = try_login(client, "ani", PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("alur_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "https:/evil.example",
                                    "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, target):
    client.get("/masuk", query_string={"next": target})
    response = client.post("/masuk", data={"username": "ani", "password": PASSWORD, "next": target,
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_same_site_next(client):
    response = client.post("/masuk", data={"username": "ani", "password": PASSWORD, "next": "/akun",
                                           "csrf_token": csrf(client)})
    assert response.headers["Location"] == "/akun"


POST_ROUTES = ["/masuk", "/keluar", "/bahasa", "/lacak/ABCDE-23456/kedatangan", "/lacak/ABCDE-23456/survei",
               "/admin/pengguna/baru", "/admin/pengguna/ani", "/akun/kata-sandi", "/akun/token",
               "/akun/token/1/cabut"]


@pytest.mark.parametrize("path", POST_ROUTES)
def test_every_post_without_the_csrf_token_is_refused(app, client, path, web_alur):
    assert app.config.get("WTF_CSRF_ENABLED", True)
    login(client, "admin")
    users_before = {u.username: u for u in web_alur.users(SETUP)}
    response = client.post(path, data={"username": "ani", "password": PASSWORD, "lang": "en",
                                       "full_name": "Diganti", "roles": "auditor", "name": "x"})
    assert response.status_code == 400
    assert "token CSRF" in response.get_data(as_text=True)
    assert {u.username: u for u in web_alur.users(SETUP)} == users_before  # nothing changed


ADMIN_PAGES = ["/admin/pengguna", "/admin/pengguna/baru", "/admin/pengguna/ani"]


@pytest.mark.parametrize("username", sorted(WEB_USERS))
def test_access_matrix_by_role(client, username):
    login(client, username)
    for path in ADMIN_PAGES:
        expected = 200 if "admin" in WEB_USERS[username] else 403
        assert client.get(path).status_code == expected, (username, path)
    assert client.get("/akun").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client):
    for path in ADMIN_PAGES + ["/akun"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/masuk?next=")


def test_a_deactivated_users_session_stops_at_the_next_request(client, web_alur):
    login(client, "ani")
    assert client.get("/akun").status_code == 200
    web_alur.update_user(SETUP, "ani", active=False)
    response = client.get("/akun")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    web_alur.update_user(SETUP, "ani", active=True)
    assert client.get("/akun").status_code == 302  # the session was ended, not just paused


def test_language_switch(client):
    assert '<html lang="id">' in client.get("/masuk").get_data(as_text=True)
    response = client.post("/bahasa", data={"lang": "en", "next": "/masuk", "csrf_token": csrf(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/masuk"
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    assert '<html lang="en">' in client.get("/masuk").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "xx", "csrf_token": csrf(client)})
    assert '<html lang="id">' in client.get("/masuk").get_data(as_text=True)
