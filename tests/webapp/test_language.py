"""Pages render in English from the compiled catalog once a visitor picks English, and stay in
Indonesian by default.

The catalog is compiled here into a temporary directory, so the test needs no `make` step and
always checks the .po under review, not a stale .mo.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.webapp.conftest import csrf, login
from web import create_app
from web.extensions import babel

PO = Path(__file__).resolve().parents[2] / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def english_app(web_alur, tmp_path):
    target = tmp_path / "translations" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(PO, "rb") as po:
        catalog = read_po(po, locale="en")
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    app = create_app(web_alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False,
                                "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations")})
    # Flask-Babel caches loaded catalogs on the shared Babel object, across apps: without this
    # an earlier test's catalog (or its absence) would answer instead of the one compiled here.
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield app
    with app.app_context():
        babel.domain_instance.cache.clear()


def _in_english(client) -> None:
    response = client.post("/bahasa", data={"lang": "en", "next": "/", "csrf_token": csrf(client, "/")})
    assert response.status_code == 302


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_public_pages_in_english(english_app):
    client = english_app.test_client()
    _in_english(client)
    home = _page(client, "/")
    assert '<html lang="en">' in home
    assert "Track your request" in home and "About this service" in home
    assert "Lacak permohonan Anda" not in home
    login_page = _page(client, "/masuk")
    assert "Sign in" in login_page and "Username" in login_page and "Password" in login_page
    assert "Nama pengguna" not in login_page
    track = _page(client, "/lacak")
    assert "Ticket code" in track and "Track" in track
    assert "Kode tiket" not in track


def test_indonesian_is_the_default(english_app):
    client = english_app.test_client()
    home = _page(client, "/")
    assert '<html lang="id">' in home
    assert "Lacak permohonan Anda" in home and "Track your request" not in home
    assert "Nama pengguna" in _page(client, "/masuk")


def test_switching_back_to_indonesian(english_app):
    client = english_app.test_client()
    _in_english(client)
    client.post("/bahasa", data={"lang": "id", "next": "/", "csrf_token": csrf(client, "/")})
    home = _page(client, "/")
    assert '<html lang="id">' in home and "Lacak permohonan Anda" in home


def test_staff_pages_and_form_schema_labels_in_english(english_app):
    client = english_app.test_client()
    _in_english(client)
    login(client, "ani")
    inbox = _page(client, "/kotak-masuk")
    assert "Inbox" in inbox and "Sign out" in inbox
    assert "Kotak masuk" not in inbox
    # The reception form's labels come from the JSON schema through forms/messages.py.
    reception = _page(client, "/terima-tamu")
    assert "Full name" in reception and "Purpose of visit" in reception
    assert "Nama lengkap" not in reception


def test_refused_form_explains_itself_in_english(english_app):
    client = english_app.test_client()
    _in_english(client)
    login(client, "ani")
    response = client.post("/terima-tamu", data={"csrf_token": csrf(client, "/terima-tamu")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # Both the summary at the top and the message under each field.
    assert page.count("This field is required.") >= 2 * 5
    assert "Wajib diisi." not in page and "Harus dicentang." not in page
