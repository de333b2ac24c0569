"""A fresh app per test on a fresh SQLite database, with one account per role.

`login(client, username)` posts the real login form (CSRF token included), so every test goes
through the same door as a user. `csrf(client, path)` reads a page's token for hand-made posts.
"""
from __future__ import annotations

import re

import pytest

from engine.case import Actor
from web import create_app

PASSWORD = "Rahasia-Kuat-123!"
SETUP = Actor("setup", frozenset({"admin"}))

# username -> roles; two UPP Kementerian staff to test claims between colleagues.
WEB_USERS = {
    "ani": {"upp_kementerian"},
    "ana": {"upp_kementerian"},
    "budi": {"upp_unit_kerja"},
    "sesdep": {"sesdep"},
    "pemilik": {"process_owner"},
    "auditor": {"auditor"},
    "admin": {"admin"},
}
ROLE_USER = {next(iter(roles)): name for name, roles in WEB_USERS.items() if name != "ana"}

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def web_alur(sqlite_alur):
    for username, roles in WEB_USERS.items():
        sqlite_alur.create_user(SETUP, username, username.title(), roles, PASSWORD)
    return sqlite_alur


@pytest.fixture
def app(web_alur, tmp_path):
    return create_app(web_alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_client(app):
    return app.test_client


def csrf(client, path: str = "/masuk") -> str:
    page = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client, username: str, password: str = PASSWORD):
    response = client.post("/masuk", data={"username": username, "password": password,
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    return client
