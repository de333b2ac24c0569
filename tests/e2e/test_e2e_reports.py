"""The SLA and SKM reports in a real browser: Chart.js (served from node_modules) draws every
chart on seeded cases, with no script error or CSP refusal; the pages fit a phone and print
without the filter form.

This module runs its own server: its seeded cases must not show up in the other browser tests'
inboxes.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from conftest import browsing_on, running_server
from engine.case import Actor
from engine.facade import Alur
from engine.settings import Settings
from tests.sop_data import DATA_BY_FORM, SURVEI, keputusan, screening

ACTORS = {"upp_kementerian": Actor("ani", frozenset({"upp_kementerian"})),
          "upp_unit_kerja": Actor("budi", frozenset({"upp_unit_kerja"})),
          "sesdep": Actor("sesdep", frozenset({"sesdep"})), "masyarakat": Actor("pengunjung", frozenset({"masyarakat"}))}
START = datetime.now(timezone.utc) - timedelta(days=9)


def _seed(database_url: str) -> None:
    """Six finished cases over the last days, each step 1 to 4 minutes, and one case left open
    at step 2 long past its Waktu."""
    now = [START]
    alur = Alur(Settings(database_url=database_url), clock=lambda: now[0])
    try:
        for n in range(6):
            now[0] = START + timedelta(days=n, hours=1)
            ready = alur.start("pelayanan_pengaduan", ACTORS["upp_kementerian"],
                               first_task_data=screening("konsultasi" if n % 2 else "tanya_progres")).ready
            while ready:
                task = ready[0]
                now[0] += timedelta(minutes=1 + (n + task.sop_step) % 4)
                data = (keputusan(True) if task.form_key == "keputusan_sesdep"
                        else {**SURVEI, **{f"u{i}": 2 + (n + i) % 3 for i in range(1, 10)}}
                        if task.form_key == "survei_skm" else DATA_BY_FORM[task.form_key])
                ready = alur.complete(ACTORS[task.role], task.id, data).ready
        now[0] = START
        alur.start("pelayanan_pengaduan", ACTORS["upp_kementerian"], first_task_data=screening())
    finally:
        alur.close()


@pytest.fixture(scope="module")
def reports_server(tmp_path_factory, browser):
    with running_server(tmp_path_factory.mktemp("e2e-reports"), "server-reports.log") as srv:
        _seed(srv.database_url)
        yield srv


@pytest.fixture
def reports_browsing(browser, reports_server):
    with browsing_on(browser, reports_server) as session:
        yield session


def _charts_drawn(page, count: int) -> None:
    """Every canvas has a Chart.js instance and a drawn, non-empty size."""
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(count)
    page.wait_for_function("() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]"
                           ".every(c => window.Chart.getChart(c))")
    for size in page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].map(c => "
                              "({w: c.width, h: c.height, data: window.Chart.getChart(c).data.datasets.length}))"):
        assert size["w"] > 0 and size["h"] > 0 and size["data"] >= 1, size


def test_sla_and_skm_charts_render(reports_browsing, shots):
    start = (START + timedelta(hours=7)).date()
    page = reports_browsing.staff("pemilik", f"/audit/laporan/sla?dari={start}&sampai={datetime.now().date()}"
                                             f"&periode=hari")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laporan SLA")
    _charts_drawn(page, 2)
    steps = page.evaluate("() => window.Chart.getChart(document.querySelector('canvas[data-chart=steps]'))"
                          ".data.labels")
    assert steps[:2] == ["Langkah 1", "Langkah 2"]
    expect(page.locator("#h-overdue + .hint + .table-wrap tbody tr")).to_have_count(1)  # the case left at step 2
    shots(page, "sla-report", phone=True)

    page.emulate_media(media="print")
    expect(page.locator("form.report-filters")).to_be_hidden()
    expect(page.locator("canvas[data-chart=steps]")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto("/audit/laporan/skm?periode=bulan")
    _charts_drawn(page, 2)
    expect(page.locator(".report-headline")).to_contain_text("responden")
    shots(page, "skm-report", phone=True)

    page.goto("/audit/laporan")
    expect(page.get_by_role("link", name="Buka laporan SKM")).to_be_visible()
    shots(page, "reports-index", phone=True)


def test_a_bad_range_shows_the_form_with_its_error(reports_browsing):
    page = reports_browsing.staff("sesdep", "/audit/laporan/sla?dari=2026-06-30&sampai=2026-06-01")
    expect(page.locator("#f-sampai-error")).to_contain_text("sebelum tanggal awal")
    expect(page.locator("#f-sampai")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("canvas")).to_have_count(0)
