"""The auditor in a real browser: logs in, finds a case by its ticket code as typed from the slip,
opens its audit page, sees a step that ran over its Waktu, downloads the history as JSON and opens
the printable report."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from e2e_server import PASSWORD, SETUP
from engine.case import Actor
from engine.errors import Conflict
from engine.facade import Alur
from engine.settings import Settings
from tests.sop_data import VERIFIKASI, keputusan, screening

AUDITOR_NAME = "auditor.jejak"
FRONT_DESK = Actor("ani", frozenset({"upp_kementerian"}))
WORK_UNIT = Actor("budi", frozenset({"upp_unit_kerja"}))
SESDEP = Actor("sesdep", frozenset({"sesdep"}))


def overdue_case(server) -> tuple[int, str]:
    """A case written straight to the server's database with a clock in the past: step 2 took 17
    minutes against its 2 (over), step 3 one minute (within). The auditor account too."""
    alur = Alur(Settings(database_url=server.database_url))
    try:
        try:
            alur.create_user(SETUP, AUDITOR_NAME, "Auditor Inspektorat", {"auditor"}, PASSWORD)
        except Conflict:
            pass  # made by an earlier test on this server
        start = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
        moments = iter([start, start + timedelta(minutes=17), start + timedelta(minutes=18)])
        clock = {"now": next(moments)}
        alur.ctx.clock = lambda: clock["now"]
        started = alur.start("pelayanan_pengaduan", FRONT_DESK, first_task_data=screening(nama="Rina Wulandari"))
        clock["now"] = next(moments)
        step3 = alur.complete(WORK_UNIT, started.ready[0].id, VERIFIKASI).ready[0]
        clock["now"] = next(moments)
        alur.complete(SESDEP, step3.id, keputusan(False))
        return started.instance_id, started.ticket_code
    finally:
        alur.close()


def test_auditor_finds_a_case_reads_its_timeline_and_exports_it(browsing, server, shots, tmp_path):
    case_id, code = overdue_case(server)
    page = browsing.staff(AUDITOR_NAME, "/audit/")
    expect(page.get_by_role("heading", name="Audit kasus")).to_be_visible()
    shots(page, "audit-home", phone=True)

    # The code as read off the slip: lower case, a space instead of the dash.
    page.get_by_label("Kode tiket").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Buka jejak audit").click()
    page.wait_for_url(re.compile(rf"/audit/kasus/{case_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)

    over = page.locator("tr.is-over")
    expect(over).to_have_count(1)
    expect(over).to_contain_text("melebihi standar (+15 menit)")
    expect(over).to_contain_text("2 · Verifikasi Dumas")
    expect(page.locator("tr.ev-task-completed").filter(has_text="dalam standar")).to_have_count(2)
    expect(page.locator("#total-time")).to_contain_text("Standar SOP (seluruh langkah): 33 menit")
    assert screening()["nik"] not in page.content()
    expect(page.get_by_text("************0001")).to_be_visible()
    shots(page, "audit-case", phone=True)

    with page.expect_download() as download_info:
        page.locator("#export-json").click()
    download = download_info.value
    assert download.suggested_filename == f"riwayat-{code}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["case"]["ticket_code"] == code and exported["verification"]["intact"] is True
    assert exported["exported_by"] == AUDITOR_NAME

    page.locator("#export-report").click()
    page.wait_for_url(re.compile(rf"/audit/kasus/{case_id}/laporan$"))
    expect(page.get_by_role("heading", name=re.compile("Laporan jejak audit kasus"))).to_be_visible()
    expect(page.locator("#chain-result")).to_contain_text("Utuh")
    expect(page.locator(".audit-report tr.is-over")).to_contain_text("melebihi standar")
    expect(page.get_by_role("button", name="Cetak")).to_be_visible()
    shots(page, "audit-report", phone=True)
