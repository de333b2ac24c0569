"""The landing page and health check served until the staff inbox lands."""
from __future__ import annotations

import pytest

from web import create_app


@pytest.fixture
def client(sqlite_alur):
    return create_app(sqlite_alur, {"TESTING": True}).test_client()


def test_health_answers_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "definitions": 1}


def test_landing_page_lists_the_process_its_version_and_lanes(client):
    page = client.get("/").get_data(as_text=True)
    assert 'lang="id"' in page
    assert "Pelayanan Pengaduan Masyarakat" in page and "OT.01.02-056-056.De.5" in page
    for lane in ("Masyarakat", "UPP Kementerian", "UPP Unit Kerja", "Sesdep"):
        assert f"<li>{lane} — peran" in page
    assert "Versi</dt><dd>1 (terbit)" in page
    assert "10 menit" in page  # step 7's Waktu
