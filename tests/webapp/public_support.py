"""Cases at a given stage for the visitor's pages: worked through the facade the way the staff
and the visitor would, stopping before a chosen form."""
from __future__ import annotations

import pytest

from tests.conftest import AUDITOR, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.sop_data import DATA_BY_FORM, keputusan, screening

STAFF = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP}
# stage -> (stop before this form, approved?)
STAGE_STOPS = {
    "diproses": ("verifikasi_dumas", True),
    "keputusan_disampaikan": ("penyampaian_keputusan", True),
    "menunggu_kedatangan": ("kedatangan_pengunjung", True),
    "dilayani": ("layanan_konsultasi", True),
    "survei": ("survei_skm", True),
    "selesai": (None, True),
    "ditolak": (None, False),
}
# What the screening records about the visitor: none of it may reach a public page.
PERSONAL = ("Budi", "Santoso", "3171011501900001", "0812", "6281234567890", "Merdeka Barat")


def ready_tasks(alur, code: str):
    return [t for t in alur.case(AUDITOR, ticket_code=code).tasks if t.state == "ready"]


def advance(alur, code: str, stop_before: str | None = None, *, disetujui: bool = True) -> None:
    """Complete the case's open tasks in order until `stop_before` is the open form (or the end)."""
    while ready := ready_tasks(alur, code):
        task = ready[0]
        if task.form_key == stop_before:
            return
        data = keputusan(disetujui) if task.form_key == "keputusan_sesdep" else DATA_BY_FORM[task.form_key]
        if task.role == "masyarakat":
            alur.visitor_complete(code, task.form_key, data)
        else:
            actor = STAFF[task.role]
            alur.claim(actor, task.id)
            alur.complete(actor, task.id, data)


def case_at(alur, stage: str, tujuan: str = "konsultasi") -> str:
    """A new case at this public stage; its ticket code."""
    stop_before, disetujui = STAGE_STOPS[stage]
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(tujuan))
    advance(alur, started.ticket_code, stop_before, disetujui=disetujui)
    assert alur.track(started.ticket_code).stage == stage
    return started.ticket_code


@pytest.fixture
def web_alur(sqlite_alur):
    """The visitor needs no accounts: skipping the seven password hashes keeps these tests quick."""
    return sqlite_alur
