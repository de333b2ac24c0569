"""Guessing ticket codes is throttled per address; a visitor's own lookups never count."""
from __future__ import annotations

import pytest

from tests.webapp.public_support import case_at, web_alur  # noqa: F401  (no accounts needed)
from web import create_app
from web.extensions import limiter


@pytest.fixture
def limited_client(web_alur):
    app = create_app(web_alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": True,
                                "ALUR_TRACK_LIMIT": "3 per minute"})
    limiter.reset()
    yield app.test_client()
    limiter.reset()


def test_failed_lookups_are_limited_and_successful_ones_are_free(limited_client, web_alur):
    code = case_at(web_alur, "diproses")
    for _ in range(5):  # more than the limit: found codes do not count
        assert limited_client.get(f"/lacak/{code}").status_code == 200
    for guess in ("ABCDE-23456", "ABCDE-23457", "nonsense"):
        assert limited_client.get(f"/lacak/{guess}").status_code == 404
    blocked = limited_client.get("/lacak/ABCDE-23458")
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)
    # The budget is shared by every route that takes a code, for this address.
    assert limited_client.get(f"/lacak/{code}/kedatangan").status_code == 429
    assert limited_client.get(f"/lacak/{code}/survei").status_code == 429
    assert limited_client.get("/lacak?kode=ABCDE-23459").status_code == 429
    # Another address still has its own budget.
    other = limited_client.get(f"/lacak/{code}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_visitor_routes_count_unknown_codes_too(limited_client):
    for guess in ("ABCDE-23456", "ABCDE-23457"):
        assert limited_client.get(f"/lacak/{guess}/kedatangan").status_code == 404
    assert limited_client.get("/lacak/ABCDE-23458/survei").status_code == 404
    assert limited_client.get("/lacak/ABCDE-23459/survei").status_code == 429


def test_the_limits_are_checked_by_their_routes_not_before_every_request(limited_client):
    # Flask-Limiter's app-wide check serves only default/application limits (Alur has none): it goes,
    # and the limits above still hold, so each limited route checks its own.
    hooks = limited_client.application.before_request_funcs[None]
    assert limiter._check_request_limit not in hooks and hooks  # CSRF's check stays
