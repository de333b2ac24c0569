"""The health check and the page listing deployed processes with their steps."""
from __future__ import annotations

import pytest

from tests.webapp.conftest import login


def test_health_answers_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "definitions": 1}


def test_process_page_needs_a_login(client):
    response = client.get("/proses")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_process_page_lists_the_process_its_version_and_lanes(client):
    login(client, "pemilik")
    page = client.get("/proses").get_data(as_text=True)
    assert 'lang="id"' in page
    assert "Pelayanan Pengaduan Masyarakat" in page and "OT.01.02-056-056.De.5" in page
    for lane in ("Masyarakat", "UPP Kementerian", "UPP Unit Kerja", "Sesdep"):
        assert f"<li>{lane} — peran" in page
    assert "Versi</dt><dd>1 (terbit)" in page
    assert "10 menit" in page  # step 7's Waktu
