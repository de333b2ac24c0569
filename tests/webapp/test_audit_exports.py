"""The auditors' exports on the web: the case's history as a JSON attachment, the printable report
and its PDF (text read back with pypdf), and the period CSV (BOM, columns, WIB days, masking,
refusals of bad dates)."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from tests.conftest import UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.integration.chain_attacks import Attacker
from tests.sop_data import screening
from tests.webapp.staff_support import NIK, as_user
from tests.webapp.test_audit_case import Clock, text_of, timed_case
from web.audit.exports import CSV_COLUMNS

CSV = "/audit/ekspor/peristiwa.csv"


@pytest.fixture
def auditor(make_client):
    return as_user(make_client, "auditor")


def test_case_json_is_an_attachment_with_the_whole_history(auditor, web_alur):
    started = timed_case(web_alur)
    response = auditor.get(f"/audit/kasus/{started.instance_id}/riwayat.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="riwayat-{started.ticket_code}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    exported = json.loads(response.get_data(as_text=True))
    assert exported["case"]["ticket_code"] == started.ticket_code and exported["exported_by"] == "auditor"
    assert exported["definition"]["process_key"] == "pelayanan_pengaduan" and len(exported["definition"]["sha256"]) == 64
    assert exported["verification"]["intact"] is True
    assert [e["seq"] for e in exported["events"]] == list(range(1, exported["chain"]["head_seq"] + 1))
    assert exported["events"][-1]["hash"] == exported["chain"]["head_hash"]
    assert NIK not in response.get_data(as_text=True)
    over = [e for e in exported["events"] if e["duration"] and not e["duration"]["within_standard"]]
    assert [e["step"]["number"] for e in over] == [2]


def test_printable_report_has_header_chain_and_durations(auditor, web_alur):
    started = timed_case(web_alur)
    response = auditor.get(f"/audit/kasus/{started.instance_id}/laporan")
    assert response.status_code == 200
    page, text = response.get_data(as_text=True), text_of(response)
    head = web_alur.verify(started.instance_id).head
    assert f"Laporan jejak audit kasus {started.ticket_code}" in text
    assert head in page and "Utuh" in text and "melebihi standar (+1 menit)" in text and "dalam standar" in text
    assert "counter(page)" in page and "counter(pages)" in page  # page numbers when printed
    assert 'href="/audit/kasus/%d/laporan.pdf"' % started.instance_id in page
    assert "data-print" in page and "/static/js/slip.js" in page
    assert 'class="reveal"' not in page and NIK not in page  # no links on paper, values masked


def test_report_pdf_carries_the_same_text(auditor, web_alur):
    started = timed_case(web_alur)
    response = auditor.get(f"/audit/kasus/{started.instance_id}/laporan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="laporan-{started.ticket_code}.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "Laporan jejak audit kasus" in text and started.ticket_code in text
    assert "melebihi standar (+1 menit)" in text and "Utuh" in text
    assert web_alur.verify(started.instance_id).head[:32] in text.replace(" ", "")
    assert f"Halaman 1 dari {len(reader.pages)}" in text
    assert NIK not in text and "************0001" in text


def _rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # the BOM, for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_period_csv_follows_wib_days_and_masks(auditor, web_alur):
    clock = Clock()
    web_alur.ctx.clock = clock
    clock.now = datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)  # 23.30 WIB on 1 March
    late = web_alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    clock.now += timedelta(hours=1)  # 00.30 WIB on 2 March
    web_alur.claim(UPP_UNIT_KERJA, late.ready[0].id)

    response = auditor.get(CSV, query_string={"dari": "2026-03-01", "sampai": "2026-03-01"})
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="peristiwa-2026-03-01_2026-03-01.csv"'
    rows = _rows(response)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r[6] for r in rows[1:]] == ["instance.started", "task.ready", "task.completed", "task.ready"]
    first = dict(zip(CSV_COLUMNS, rows[1]))
    assert (first["id_kasus"], first["kode_tiket"], first["urutan"]) == (str(late.instance_id), late.ticket_code, "1")
    assert first["waktu_wib"] == "2026-03-01 23:30:00" and first["waktu_utc"] == "2026-03-01T16:30:00+00:00"
    screening_row = dict(zip(CSV_COLUMNS, rows[3]))
    data = json.loads(screening_row["data"])
    assert data["nik"] == "************0001" and data["nama"] == "Budi Santoso" and NIK not in response.get_data(as_text=True)
    assert (screening_row["langkah"], screening_row["jalur"], screening_row["pelaku"]) == ("1", "UPP Kementerian", "ani")
    assert len(screening_row["hash"]) == 64

    next_day = _rows(auditor.get(CSV, query_string={"dari": "2026-03-02", "sampai": "2026-03-02"}))
    assert [(r[6], r[3], r[5]) for r in next_day[1:]] == [("task.claimed", "2026-03-02 00:30:00", "budi")]
    both = _rows(auditor.get(CSV, query_string={"dari": "2026-03-01", "sampai": "2026-03-02"}))
    assert len(both) == 1 + 5


@pytest.mark.parametrize("query, words", [
    ({"dari": "01-03-2026", "sampai": "2026-03-02"}, "Tanggal awal tidak sah"),
    ({"dari": "2026-03-01", "sampai": "2026-02-30"}, "Tanggal akhir tidak ada di kalender"),
    ({"dari": "2026-03-02", "sampai": "2026-03-01"}, "tanggal akhir sebelum tanggal awal"),
    ({"dari": "2025-01-01", "sampai": "2026-01-02"}, "paling lama 366 hari"),
])
def test_period_csv_refuses_bad_dates_in_indonesian(auditor, web_alur, query, words):
    response = auditor.get(CSV, query_string=query)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert words in text_of(response)


def test_period_csv_defaults_to_this_month(auditor, web_alur):
    response = auditor.get(CSV)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="peristiwa-')
    assert _rows(response)[0] == list(CSV_COLUMNS)


def test_exports_are_for_auditors_only(make_client, web_alur):
    started = timed_case(web_alur)
    for username in ("ani", "sesdep", "pemilik", "admin"):
        client = as_user(make_client, username)
        for path in (f"/audit/kasus/{started.instance_id}/riwayat.json", f"/audit/kasus/{started.instance_id}/laporan",
                     f"/audit/kasus/{started.instance_id}/laporan.pdf", CSV + "?dari=2026-03-01&sampai=2026-03-02"):
            assert client.get(path).status_code == 403, (username, path)


def test_a_tampered_case_reports_its_broken_chain(auditor, web_alur):
    started = timed_case(web_alur)
    with Attacker(web_alur, started.instance_id) as attacker:
        attacker.edit_data(5, {"keputusan": "ditolak"})
    report = auditor.get(f"/audit/kasus/{started.instance_id}/laporan")
    text = text_of(report)
    assert "RUSAK" in text and "Peristiwa #5 diubah" in text
    exported = json.loads(auditor.get(f"/audit/kasus/{started.instance_id}/riwayat.json").get_data(as_text=True))
    assert exported["verification"]["intact"] is False
    assert exported["verification"]["breaks"][0].startswith("event #5: altered")
    assert exported["verification"]["messages"][0].startswith("Peristiwa #5 diubah")
