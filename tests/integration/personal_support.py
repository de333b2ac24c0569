"""Shared by the personal-data tests (engine, web, CLI): a clock the test moves, visitors with
their own NIK, and cases worked to their end through the facade."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine.case import Actor
from tests.conftest import SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, VISITOR
from tests.sop_data import DATA_BY_FORM, keputusan, screening

ADMIN = Actor("admin", frozenset({"admin"}))
ACTOR_BY_ROLE = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP,
                 "masyarakat": VISITOR}

# Two visitors, each with their own identity; no word of one appears in the other's data or in
# the staff's usernames, so a search of the database for one cannot hit the other.
SITI = {"nama": "Siti Rahmawati", "nik": "3171015505850002", "telepon": "0813-2222-3333",
        "alamat": "Jl. Cempaka Putih Tengah No. 7, Jakarta Pusat", "email": "siti.rahma@contoh.id"}
AGUS = {"nama": "Agus Pranoto", "nik": "3273014107920003", "telepon": "0857-4444-5555",
        "alamat": "Jl. Dago Atas No. 21, Bandung", "email": "agus.pranoto@contoh.id"}
DEWI = {"nama": "Dewi Kartikasari", "nik": "3171011501900001", "telepon": "0812-3456-7890",
        "alamat": "Jl. Merdeka Barat No. 15, Jakarta Pusat", "email": "dewi.k@contoh.id"}
# As stored: the phone normalised to E.164.
STORED_PHONE = {"0813-2222-3333": "+6281322223333", "0857-4444-5555": "+6285744445555",
                "0812-3456-7890": "+6281234567890"}


class Clock:
    """The engine's clock, moved by the test."""

    def __init__(self, start: datetime = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def use_clock(alur, clock: Clock | None = None) -> Clock:
    clock = clock or Clock()
    alur.ctx.clock = clock
    return clock


def screening_for(visitor: dict, tujuan: str = "konsultasi") -> dict:
    return {**screening(tujuan), **visitor}


def start_case(alur, visitor: dict, tujuan: str = "konsultasi"):
    return alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening_for(visitor, tujuan))


def finish(alur, started, *, disetujui: bool = True, message: str | None = None):
    """Work the case to its end, each step by its own lane; message: step 5's text."""
    ready = started.ready
    result = None
    while ready:
        task = ready[0]
        actor = ACTOR_BY_ROLE[task.role]
        if task.form_key == "keputusan_sesdep":
            data = keputusan(disetujui)
        else:
            data = dict(DATA_BY_FORM[task.form_key])
            if task.form_key == "pemberitahuan_pengunjung" and message is not None:
                data["pesan_kepada_pengunjung"] = message
        result = alur.complete(actor, task.id, data)
        ready = result.ready
    assert result is not None and result.status == "completed"
    return result


def closed_case(alur, visitor: dict, **kwargs) -> int:
    started = start_case(alur, visitor)
    finish(alur, started, **kwargs)
    return started.instance_id


def screening_seq(alur, instance_id: int) -> int:
    return next(e.seq for e in alur.history(UPP_KEMENTERIAN, instance_id)
                if e.kind == "task.completed" and e.personal)
