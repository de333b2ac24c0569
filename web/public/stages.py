"""What a visitor reads about each stage of their case: a headline, what is happening now, and
what comes next. The engine's PublicStatus.stage names the stage; the words live here because
they are the web's (and go through the translation catalog)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext


@dataclass(frozen=True)
class Stage:
    key: str
    label: str  # the short name in the progress list
    headline: str
    now: str
    next: str
    tone: str  # info / ok / warn / bad: the colour of the status card


STAGES = {stage.key: stage for stage in (
    Stage(
        key="diproses",
        label=lazy_gettext("Pemeriksaan dan keputusan pimpinan"),
        headline=lazy_gettext("Permohonan Anda sedang diproses"),
        now=lazy_gettext("Petugas sedang memeriksa Dumas Anda dan melaporkannya kepada pimpinan, yang akan "
                         "memutuskan apakah Anda dapat berkonsultasi langsung."),
        next=lazy_gettext("Petugas UPP Kementerian akan menyampaikan keputusan pimpinan kepada Anda. Mohon "
                          "menunggu; halaman ini dapat Anda buka kembali kapan saja dengan kode tiket yang sama."),
        tone="info"),
    Stage(
        key="keputusan_disampaikan",
        label=lazy_gettext("Penyampaian keputusan"),
        headline=lazy_gettext("Keputusan pimpinan sedang disampaikan"),
        now=lazy_gettext("Pimpinan sudah memutuskan. Keputusan itu sedang diteruskan kepada petugas UPP "
                         "Kementerian untuk disampaikan kepada Anda."),
        next=lazy_gettext("Petugas akan segera memberi tahu Anda. Muat ulang halaman ini sebentar lagi untuk "
                          "melihat keputusannya."),
        tone="info"),
    Stage(
        key="menunggu_kedatangan",
        label=lazy_gettext("Kedatangan ke UPP Unit Kerja"),
        headline=lazy_gettext("Permohonan Anda disetujui"),
        now=lazy_gettext("Pimpinan bersedia menerima Anda. Silakan datang ke UPP Unit Kerja sesuai jadwal di "
                         "bawah ini."),
        next=lazy_gettext("Setibanya di UPP Unit Kerja, tekan tombol lapor kedatangan (atau tunjukkan kode tiket "
                          "kepada petugas) agar Anda segera dilayani."),
        tone="ok"),
    Stage(
        key="dilayani",
        label=lazy_gettext("Pelayanan"),
        headline=lazy_gettext("Anda sedang dilayani"),
        now=lazy_gettext("Kedatangan Anda sudah tercatat. Petugas UPP Unit Kerja mencocokkan identitas Anda lalu "
                         "mengarahkan Anda untuk berkonsultasi dengan pimpinan atau menyampaikan progres Dumas."),
        next=lazy_gettext("Setelah pelayanan selesai, Anda akan diminta mengisi survei kepuasan singkat."),
        tone="info"),
    Stage(
        key="survei",
        label=lazy_gettext("Survei kepuasan"),
        headline=lazy_gettext("Mohon isi survei kepuasan"),
        now=lazy_gettext("Pelayanan untuk Anda sudah selesai. Penilaian Anda membantu kami memperbaiki "
                         "pelayanan Deputi V."),
        next=lazy_gettext("Isi Survei Kepuasan Masyarakat (SKM): sembilan pertanyaan pilihan, kurang lebih tiga "
                          "menit."),
        tone="warn"),
    Stage(
        key="selesai",
        label=lazy_gettext("Selesai"),
        headline=lazy_gettext("Layanan selesai"),
        now=lazy_gettext("Seluruh tahapan layanan untuk tiket ini sudah selesai dan survei Anda sudah kami terima."),
        next=lazy_gettext("Terima kasih atas kunjungan Anda. Tidak ada lagi yang perlu Anda lakukan."),
        tone="ok"),
    Stage(
        key="ditolak",
        label=lazy_gettext("Keputusan: tidak disetujui"),
        headline=lazy_gettext("Mohon maaf, konsultasi langsung belum dapat dilaksanakan"),
        now=lazy_gettext("Pimpinan belum dapat menerima Anda untuk berkonsultasi langsung atas permohonan ini."),
        next=lazy_gettext("Sesuai SOP, Anda tidak perlu mendatangi UPP Unit Kerja untuk permohonan ini. Dumas Anda "
                          "tetap ditangani sesuai ketentuan; untuk pertanyaan lain silakan menghubungi petugas UPP "
                          "Kementerian."),
        tone="bad"),
)}

# The order a served visit goes through; a rejected one ends after the decision is told.
SERVED_PATH = ("diproses", "keputusan_disampaikan", "menunggu_kedatangan", "dilayani", "survei", "selesai")
REJECTED_PATH = ("diproses", "keputusan_disampaikan", "ditolak")

TUJUAN_LABELS = {"konsultasi": lazy_gettext("Konsultasi dengan pimpinan"),
                 "tanya_progres": lazy_gettext("Menanyakan progres Dumas")}


def progress(stage: str) -> list[tuple[Stage, str]]:
    """Each stage of this case's path with its state: done, current or todo."""
    path = REJECTED_PATH if stage == "ditolak" else SERVED_PATH
    if stage not in path:
        return [(STAGES[key], "todo") for key in path]
    here = path.index(stage)
    # A finished case has nothing "current" left to do: its last stage reads as done.
    last_done = stage in ("selesai", "ditolak")
    return [(STAGES[key], "done" if i < here or (i == here and last_done) else "current" if i == here else "todo")
            for i, key in enumerate(path)]
