"""Step 5's polite message to the visitor, drafted from the case so the front desk starts from
the decision's facts (schedule, place, reason) instead of typing them again.

Only a suggestion: it fills the field when no draft exists, and the officer edits it freely.
It never names the visitor: the message is public, chained data (the tracking page shows it),
so a name in it would outlive the retention purge of the visitor's personal fields.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import format_date, format_time, gettext as _

FORM_KEY = "pemberitahuan_pengunjung"
FIELD = "pesan_kepada_pengunjung"


def visitor_message(data: Mapping, ticket_code: str) -> str | None:
    """The message for the decision in the case data, or None before Sesdep has decided."""
    decision = data.get("keputusan")
    if decision == "disetujui":
        place = str(data.get("tempat_konsultasi") or "").strip() or _("unit kerja")
        schedule = schedule_text(data.get("jadwal_konsultasi"))
        if data.get("tujuan") == "tanya_progres":
            return _("Yth. Bapak/Ibu, dengan hormat kami sampaikan bahwa permohonan Anda untuk "
                     "menanyakan progres Dumas telah disetujui. Silakan datang ke %(tempat)s pada %(jadwal)s, "
                     "dengan membawa slip tiket %(kode)s. Terima kasih.",
                     tempat=place, jadwal=schedule, kode=ticket_code)
        return _("Yth. Bapak/Ibu, dengan hormat kami sampaikan bahwa permohonan konsultasi Anda telah "
                 "disetujui. Silakan datang ke %(tempat)s pada %(jadwal)s, dengan membawa slip tiket %(kode)s. "
                 "Terima kasih.", tempat=place, jadwal=schedule, kode=ticket_code)
    if decision == "ditolak":
        reason = str(data.get("alasan_keputusan") or "").strip().rstrip(".") or _("pertimbangan pimpinan")
        return _("Yth. Bapak/Ibu, dengan berat hati kami sampaikan bahwa permohonan Anda belum dapat "
                 "kami penuhi karena: %(alasan)s. Anda tetap dapat menanyakan progres Dumas melalui saluran "
                 "pengaduan resmi Kemenko Polhukam, atau melacaknya dengan kode tiket %(kode)s. Mohon maaf dan "
                 "terima kasih atas pengertiannya.", alasan=reason, kode=ticket_code)
    return None


def schedule_text(value) -> str:
    """'Selasa, 1 Desember 2026 pukul 10.00 WIB' from Sesdep's ISO date-time; the text as entered
    when it is not one (an old case, a hand-made value)."""
    text = str(value or "").strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text or _("waktu yang akan kami informasikan")
    if moment.tzinfo is None:
        # The form's datetime widget sends local time without an offset: the office's clock.
        return _("%(tanggal)s pukul %(jam)s WIB", tanggal=format_date(moment, "EEEE, d MMMM yyyy", rebase=False),
                 jam=format_time(moment, "HH.mm", rebase=False))
    return _("%(tanggal)s pukul %(jam)s WIB", tanggal=format_date(moment, "EEEE, d MMMM yyyy"),
             jam=format_time(moment, "HH.mm"))
