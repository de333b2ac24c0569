"""Valid form data for every step of the SOP, shared by the engine, CLI and benchmark tests."""
from __future__ import annotations


def screening(tujuan: str = "konsultasi", nama: str = "Budi Santoso") -> dict:
    return {
        "nama": nama, "nik": "3171011501900001", "telepon": "0812-3456-7890",
        "alamat": "Jl. Merdeka Barat No. 15, Jakarta Pusat", "tujuan": tujuan,
        "nomor_dumas": "DUMAS-2026-0142", "perihal_dumas": "Tindak lanjut laporan gangguan ketertiban",
        "persetujuan_data_pribadi": True,
    }


VERIFIKASI = {"dumas_ditemukan": "ya", "status_dumas": "ditindaklanjuti",
              "ringkasan_verifikasi": "Dumas tercatat dan sedang ditindaklanjuti.", "pimpinan_diinformasikan": True}


def keputusan(disetujui: bool = True) -> dict:
    if disetujui:
        return {"keputusan": "disetujui", "jadwal_konsultasi": "2026-12-01T10:00:00+07:00",
                "tempat_konsultasi": "Ruang rapat Deputi V"}
    return {"keputusan": "ditolak", "alasan_keputusan": "Dumas masih dalam proses verifikasi instansi terkait."}


PENYAMPAIAN = {"keputusan_disampaikan": True, "dokumen_dumas_dilampirkan": True}
PEMBERITAHUAN = {"pengunjung_diberi_tahu": True, "cara_pemberitahuan": "langsung",
                 "pesan_kepada_pengunjung": "Bapak/Ibu, dengan hormat kami sampaikan keputusan pimpinan."}
KEDATANGAN = {"waktu_kedatangan": "2026-12-01T09:50:00+07:00", "dicatat_oleh": "petugas"}
KONSULTASI = {"identitas_dicocokkan": True, "pimpinan_yang_menerima": "Sesdep Deputi V",
              "ruang_konsultasi": "Ruang rapat Deputi V", "ringkasan_konsultasi": "Konsultasi berjalan baik."}
PROGRES = {"identitas_dicocokkan": True, "progres_dumas": "ditindaklanjuti",
           "penjelasan_progres": "Dumas sedang ditindaklanjuti oleh unit terkait."}
SURVEI = {**{f"u{i}": 4 for i in range(1, 10)}, "tanggal_survei": "2026-12-01", "waktu_survei": "08.00-12.00",
          "jenis_kelamin": "L", "usia": 35, "pendidikan": "D4/S1", "pekerjaan": "Swasta",
          "jenis_layanan": "Pelayanan Pengaduan Masyarakat"}

DATA_BY_FORM = {
    "verifikasi_dumas": VERIFIKASI, "penyampaian_keputusan": PENYAMPAIAN,
    "pemberitahuan_pengunjung": PEMBERITAHUAN, "kedatangan_pengunjung": KEDATANGAN,
    "layanan_konsultasi": KONSULTASI, "layanan_progres": PROGRES, "survei_skm": SURVEI,
}
