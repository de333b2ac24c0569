"""The three SOP paths, each person in their own browser: the front desk (ani), the work unit
(budi), Sesdep, and the visitor with only the ticket slip.

Staff inboxes are opened before the step that feeds them completes elsewhere, and never reloaded:
the new task has to arrive by the inbox's own polling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from e2e_browser import PHONE, no_horizontal_overflow
from e2e_flow import TICKET, claim, complete, fill_form, inbox_row, open_from_inbox, tap_choice
from tests.sop_data import KONSULTASI, PENYAMPAIAN, PROGRES, SURVEI, VERIFIKASI, keputusan, screening


@dataclass(frozen=True)
class SopPath:
    tujuan: str
    approved: bool
    visitor: str

    @property
    def service(self) -> tuple[str, dict, str]:
        """Step 7's form, its data and the task it runs as."""
        if self.tujuan == "konsultasi":
            return "layanan_konsultasi", KONSULTASI, "Task_07_Konsultasi"
        return "layanan_progres", PROGRES, "Task_07_Progres"


PATHS = {
    "approved-consultation": SopPath("konsultasi", True, "Siti Aminah"),
    "approved-progress": SopPath("tanya_progres", True, "Rudi Hermawan"),
    "rejected": SopPath("konsultasi", False, "Dewi Kartika"),
}
DONE_BEFORE_DECISION = ["Task_01_Screening", "Task_02_VerifikasiDumas", "Task_03_KeputusanSesdep",
                        "Task_04_SampaikanKeputusan", "Task_05_InformasikanPengunjung"]


@pytest.mark.parametrize("name", list(PATHS))
def test_sop_path_in_the_browser(browsing, shots, name):
    path = PATHS[name]
    budi = browsing.staff("budi")  # the work unit's inbox, open and waiting from the start
    shots(budi, "budi-inbox-before")

    # Step 1: the front desk receives the visitor and prints the slip.
    ani = browsing.staff("ani", "/terima-tamu")
    fill_form(ani, "screening_pengunjung", screening(path.tujuan, nama=path.visitor))
    shots(ani, "ani-terima-tamu")
    ani.get_by_role("button", name="Buka kasus dan cetak slip").click()
    ani.wait_for_url(re.compile(r"/kasus/\d+/slip$"))
    case_id = int(re.search(r"/kasus/(\d+)/slip", ani.url).group(1))
    code = ani.locator(".slip-code").inner_text().strip()
    assert TICKET.match(code), code
    expect(ani.locator(".slip-qr svg")).to_be_visible()
    assert screening()["nik"] not in ani.content(), "the slip must not carry the NIK"
    shots(ani, "slip")

    # The visitor scans the slip: the case is being processed.
    visitor = browsing.visitor()
    visitor.goto(f"/lacak/{code}")
    expect(visitor.locator("h1")).to_have_text("Permohonan Anda sedang diproses")
    expect(visitor.locator(".progress [aria-current='step']")).to_contain_text("Pemeriksaan")
    assert path.visitor not in visitor.content(), "the tracking page must not show personal data"
    shots(visitor, "visitor-diproses", phone=True)

    # Step 2: the work unit verifies the Dumas (the task arrives in budi's open inbox).
    inbox_row(budi, code, 2)
    shots(budi, "budi-inbox-tugas-baru", phone=True)
    open_from_inbox(budi, code, 2)
    expect(budi.get_by_role("region", name="Ringkasan kasus")).to_contain_text(path.visitor)
    claim(budi)
    fill_form(budi, "verifikasi_dumas", VERIFIKASI)
    shots(budi, "budi-langkah-2")
    sesdep = browsing.staff("sesdep")
    complete(budi, 2, code)

    # Step 3: Sesdep decides.
    open_from_inbox(sesdep, code, 3)
    claim(sesdep)
    decision = keputusan(path.approved)
    fill_form(sesdep, "keputusan_sesdep", decision)
    shots(sesdep, "sesdep-langkah-3")
    complete(sesdep, 3, code)

    # Step 4: the work unit passes the decision to the front desk.
    open_from_inbox(budi, code, 4)
    claim(budi)
    fill_form(budi, "penyampaian_keputusan", PENYAMPAIAN)
    ani.goto("/kotak-masuk")
    complete(budi, 4, code)

    # Step 5: the front desk tells the visitor, with a polite message drafted for them.
    open_from_inbox(ani, code, 5)
    claim(ani)
    if not path.approved:
        colleague_sees_the_claim(browsing, shots, urlsplit(ani.url).path)
    message = ani.locator("#in-pesan_kepada_pengunjung")
    expect(message).to_have_value(re.compile(r"^Yth\. Bapak/Ibu, "))
    if path.approved:
        expect(message).to_have_value(re.compile(rf"{decision['tempat_konsultasi']}.*{code}", re.S))
    else:
        expect(message).to_have_value(re.compile(re.escape(decision["alasan_keputusan"])))
    fill_form(ani, "pemberitahuan_pengunjung", {"pengunjung_diberi_tahu": True, "cara_pemberitahuan": "langsung"})
    shots(ani, "ani-langkah-5")
    complete(ani, 5, code)

    visitor.reload()
    if not path.approved:
        expect(visitor.locator("h1")).to_have_text(re.compile("Mohon maaf"))
        expect(visitor.locator(".status-card")).to_contain_text(decision["alasan_keputusan"])
        expect(visitor.get_by_role("link", name="Saya sudah tiba di UPP Unit Kerja")).to_have_count(0)
        shots(visitor, "visitor-ditolak", phone=True)
        # Coming to the work unit anyway is refused politely, not with an error.
        visitor.goto(f"/lacak/{code}/kedatangan")
        expect(visitor.locator("h1")).to_have_text("Lapor kedatangan tidak tersedia")
        expect(visitor.locator(".error-message")).to_contain_text("tidak disetujui")
        shots(visitor, "visitor-kedatangan-ditolak", phone=True)
        check_case_page(browsing.staff("admin", f"/kasus/{case_id}"), shots, case_id, code,
                        DONE_BEFORE_DECISION, finished=True)
        return

    expect(visitor.locator("h1")).to_have_text("Permohonan Anda disetujui")
    schedule = visitor.locator(".schedule")
    # Sesdep typed 1 December 2026, 10:00 (WIB) in a datetime-local input.
    expect(schedule).to_contain_text(re.compile(r"(1 Desember 2026|2026-12-01)\D+10[.:]00"))
    expect(schedule).to_contain_text(decision["tempat_konsultasi"])
    shots(visitor, "visitor-disetujui", phone=True)

    # Step 6: the visitor reports arrival from the tracking page (budi's inbox is waiting).
    budi.goto("/kotak-masuk")
    visitor.get_by_role("link", name="Saya sudah tiba di UPP Unit Kerja").click()
    visitor.wait_for_url(f"**/lacak/{code}/kedatangan")
    shots(visitor, "visitor-kedatangan", phone=True)
    visitor.get_by_role("button", name="Saya sudah tiba di UPP Unit Kerja").click()
    expect(visitor.locator("h1")).to_have_text("Terima kasih, petugas UPP Unit Kerja akan segera melayani Anda")
    shots(visitor, "visitor-kedatangan-tercatat", phone=True)

    # Step 7: the work unit serves the visitor.
    form_key, data, service_task = path.service
    open_from_inbox(budi, code, 7)
    claim(budi)
    fill_form(budi, form_key, data)
    shots(budi, "budi-langkah-7")
    complete(budi, 7, code)

    # Step 8: the survey, on the visitor's phone.
    visitor.set_viewport_size(PHONE)
    visitor.goto(f"/lacak/{code}")
    expect(visitor.locator("h1")).to_have_text("Mohon isi survei kepuasan")
    visitor.get_by_role("link", name="Isi survei kepuasan").click()
    visitor.wait_for_url(f"**/lacak/{code}/survei")
    # A second tab with the same survey, to send it again afterwards.
    again = browsing.page(visitor.context)
    again.set_viewport_size(PHONE)
    again.goto(f"/lacak/{code}/survei")
    # The tab in front is the one being used (a background tab's animation frames are throttled).
    visitor.bring_to_front()
    fill_survey(visitor)
    no_horizontal_overflow(visitor)
    shots(visitor, "visitor-survei-360")
    visitor.get_by_role("button", name="Kirim survei").click()
    expect(visitor.locator("h1")).to_have_text("Terima kasih atas penilaian Anda")
    shots(visitor, "visitor-survei-terima-kasih-360")

    again.bring_to_front()
    fill_survey(again)
    with again.expect_response(lambda r: r.request.method == "POST") as sent:
        again.get_by_role("button", name="Kirim survei").click()
    assert sent.value.status in (404, 409), sent.value.status
    expect(again.locator("h1")).to_have_text("Survei tidak tersedia")
    expect(again.locator(".error-message")).to_contain_text("sudah")
    shots(again, "visitor-survei-kedua-360")

    visitor.goto(f"/lacak/{code}")
    expect(visitor.locator("h1")).to_have_text("Layanan selesai")
    expect(visitor.locator(".progress li").last).to_contain_text("Selesai")
    expect(visitor.get_by_role("link", name="Isi survei kepuasan")).to_have_count(0)
    shots(visitor, "visitor-selesai-360")

    done = DONE_BEFORE_DECISION + ["Task_06_Kedatangan", service_task, "Task_08_Survei"]
    check_case_page(budi, shots, case_id, code, done, finished=True)
    other_service = {"Task_07_Konsultasi", "Task_07_Progres"} - {service_task}
    for bpmn_id in other_service:
        expect(budi.locator(f'g.djs-element[data-element-id="{bpmn_id}"]')).not_to_have_class(
            re.compile(r"\bis-done\b"))


def colleague_sees_the_claim(browsing, shots, task_url: str) -> None:
    """Another UPP Kementerian officer sees who holds the task and cannot work on it."""
    ana = browsing.staff("ana", task_url)
    expect(ana.locator(".claim-box")).to_contain_text("Diambil oleh ani")
    expect(ana.locator("#in-pesan_kepada_pengunjung")).to_be_disabled()
    expect(ana.get_by_role("button", name="Selesaikan")).to_have_count(0)
    expect(ana.get_by_role("button", name="Ambil tugas")).to_have_count(0)
    shots(ana, "ana-tugas-diambil-rekan")


def fill_survey(page) -> None:
    """The SKM answers as a visitor taps them; the date and time band come prefilled."""
    expect(page.locator("#in-tanggal_survei")).not_to_have_value("")
    expect(page.locator('#field-waktu_survei input[type="radio"]:checked')).to_have_count(1)
    for number in range(1, 10):
        tap_choice(page, f"u{number}", SURVEI[f"u{number}"])
    # Each answer is a thumb-sized target on a phone.
    box = page.locator("#field-u1 label.choice").first.bounding_box()
    assert box and box["height"] >= 40, box
    profile = {key: SURVEI[key] for key in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan", "jenis_layanan")}
    fill_form(page, "survei_skm", profile)


def check_case_page(page, shots, case_id: int, code: str, done: list[str], *, finished: bool) -> None:
    """The case page: the diagram drawn by bpmn-js with the steps done marked, and the timeline."""
    page.goto(f"/kasus/{case_id}")
    expect(page.locator("h1 .ticket")).to_have_text(code)
    expect(page.locator("#case-diagram.diagram-ready .djs-container svg")).to_be_visible()
    for bpmn_id in done:
        expect(page.locator(f'g.djs-element[data-element-id="{bpmn_id}"]')).to_have_class(re.compile(r"\bis-done\b"))
    expect(page.locator(".is-current")).to_have_count(0 if finished else 1)
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Kasus dibuka")
    expect(timeline).to_contain_text("Diselesaikan")
    if finished:
        expect(timeline).to_contain_text("Kasus selesai")
        expect(page.locator(".page-head .badge-ok")).to_have_text("Selesai")
    shots(page, "kasus")
