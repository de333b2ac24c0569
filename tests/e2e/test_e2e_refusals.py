"""What the browser shows when something is refused: inline errors with the typed values kept,
and the 404 page for another lane's task."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e_flow import fill_form, inbox_row
from tests.sop_data import screening


def test_invalid_screening_shows_inline_error_and_keeps_values(browsing, shots):
    ani = browsing.staff("ani", "/terima-tamu")
    typed = {**screening("tanya_progres", nama="Joko Prasetyo"), "nik": "12345"}
    fill_form(ani, "screening_pengunjung", typed)
    with ani.expect_response(lambda r: r.request.method == "POST") as sent:
        ani.get_by_role("button", name="Buka kasus dan cetak slip").click()
    assert sent.value.status == 422
    assert "/terima-tamu" in ani.url

    error = ani.locator("#err-nik")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"NIK|digit|angka", re.I))
    expect(ani.locator("#in-nik")).to_have_attribute("aria-invalid", "true")
    expect(ani.locator("#error-summary")).to_contain_text("NIK")
    # Everything typed is still there, the wrong NIK included, so only it needs retyping.
    expect(ani.locator("#in-nik")).to_have_value("12345")
    expect(ani.locator("#in-nama")).to_have_value("Joko Prasetyo")
    expect(ani.locator("#in-alamat")).to_have_value(typed["alamat"])
    expect(ani.locator('#field-tujuan input[value="tanya_progres"]')).to_be_checked()
    expect(ani.locator("#in-persetujuan_data_pribadi")).to_be_checked()
    shots(ani, "terima-tamu-nik-salah")

    # Nothing was opened: the work unit finds no case for this visitor.
    budi = browsing.staff("budi", "/kotak-masuk?cari=Joko+Prasetyo")
    expect(budi.locator("#inbox-rows tr.empty")).to_be_visible()
    expect(budi.locator("#inbox-rows tr[data-task-id]")).to_have_count(0)

    # Corrected, the same form opens the case.
    ani.locator("#in-nik").fill(screening()["nik"])
    ani.get_by_role("button", name="Buka kasus dan cetak slip").click()
    ani.wait_for_url(re.compile(r"/kasus/\d+/slip$"))
    expect(ani.locator(".slip-code")).to_be_visible()
    shots(ani, "slip-setelah-perbaikan")


def test_sesdep_gets_404_for_a_task_of_another_lane(browsing, shots):
    budi = browsing.staff("budi")
    ani = browsing.staff("ani", "/terima-tamu")
    fill_form(ani, "screening_pengunjung", screening(nama="Wati Susanti"))
    ani.get_by_role("button", name="Buka kasus dan cetak slip").click()
    ani.wait_for_url(re.compile(r"/kasus/\d+/slip$"))
    code = ani.locator(".slip-code").inner_text().strip()

    task_url = inbox_row(budi, code, 2).get_by_role("link").get_attribute("href")
    assert re.fullmatch(r"/tugas/[^/]+", task_url), task_url

    sesdep = browsing.staff("sesdep")
    response = sesdep.goto(task_url)
    assert response.status == 404
    expect(sesdep.locator("h1")).to_have_text("Tidak ditemukan")
    expect(sesdep.get_by_role("button", name="Ambil tugas")).to_have_count(0)
    assert "Wati Susanti" not in sesdep.content()
    shots(sesdep, "sesdep-tugas-jalur-lain")

    # The same address works for the lane it belongs to.
    response = budi.goto(task_url)
    assert response.status == 200
    expect(budi.get_by_role("button", name="Ambil tugas")).to_be_visible()
    shots(budi, "budi-tugas-sendiri")
