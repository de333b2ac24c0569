"""The printed SOP (web/owner/printing.py): the print page and the PDF, who may see them, and that
both carry the SOP's header and every row of its matrix."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import PROCESS_OWNER, ROOT
from tests.webapp.conftest import login
from tests.sop_versions import with_step_after_survey
from web.owner.printing import duration_text, static_files_only

SOP = (ROOT / "processes" / "pelayanan_pengaduan.bpmn").read_text(encoding="utf-8")
PAGE = "/pemodelan/pelayanan_pengaduan/versi/{n}/sop"
PDF = PAGE + ".pdf"

# SOP row -> (distinctive words of its activity, its Waktu, words of its output)
ROWS = {
    1: ("proses screening", "2 menit", "data dan identitas"),
    2: ("Melakukan verifikasi terhadap Dumas", "2 menit", "Dumas telah diverifikasi"),
    3: ("persetujuan atau penolakan", "2 menit", "menyiapkan waktu untuk konsultasi"),
    4: ("Menyampaikan kepada UPP Kementerian", "2 menit", "dokumen Dumas"),
    5: ("apabila masyarakat ditolak", "5 menit", "Persetujuan Pimpinan"),
    6: ("Mendatangi UPP Unit Kerja", "5 menit", "telahaan"),
    7: ("Mencatat identitas", "10 menit", "terlayani"),
    8: ("survey penilaian pelayanan publik", "5 menit", "Hasil Survey"),
}

def with_step_9() -> bytes:
    """Step 9 (UPP Unit Kerja, 1 h 30 min) between the survey and the last gateway."""
    return with_step_after_survey(
        name="Arsipkan berkas pengaduan", waktu="PT1H30M", output="Berkas terarsip rapi",
        documentation="Mengarsipkan berkas pengaduan dan hasil survei ke dalam sistem kearsipan").encode("utf-8")


def text_of(response) -> str:
    """The page's visible text, whitespace folded, entities decoded."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def matrix_rows(body: str) -> list[str]:
    return re.findall(r'<tr class="sop-row" data-step="(\d+)">', body)


# -- who may see it -----------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["pemilik", "auditor"])
def test_readers_get_the_page(client, username):
    login(client, username)
    response = client.get(PAGE.format(n=1))
    assert response.status_code == 200
    assert "text/html" in response.content_type


@pytest.mark.parametrize("username", ["ani", "budi", "sesdep", "admin"])
def test_others_are_refused(client, username):
    login(client, username)
    assert client.get(PAGE.format(n=1)).status_code == 403
    assert client.get(PDF.format(n=1)).status_code == 403


def test_without_a_login_both_send_to_the_login_page(client):
    for path in (PAGE.format(n=1), PDF.format(n=1)):
        response = client.get(path)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_an_unknown_version_is_not_found(client):
    login(client, "pemilik")
    assert client.get(PAGE.format(n=7)).status_code == 404
    assert client.get(PDF.format(n=7)).status_code == 404
    assert client.get("/pemodelan/tidak_ada/versi/1/sop").status_code == 404


# -- the print page -----------------------------------------------------------------------------
def test_the_page_has_the_header_and_every_row(client):
    login(client, "auditor")
    response = client.get(PAGE.format(n=1))
    body, text = response.get_data(as_text=True), text_of(response)
    for label in ("Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Efektif", "Disahkan oleh",
                  "Judul SOP", "Dasar Hukum", "Kualifikasi Pelaksana", "Keterkaitan", "Peralatan/Perlengkapan",
                  "Peringatan", "Pencatatan dan Pendataan", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu",
                  "Output", "Keterangan"):
        assert label in text, label
    for value in ("OT.01.02-056-056.De.5", "Kamis, 15 Juni 2023", "Senin, 10 Juli 2023",
                  "Drs. Rudolf Albert Rodja", "NRP. 66050431",
                  "KEMENTERIAN KOORDINATOR BIDANG POLITIK, HUKUM, DAN KEAMANAN REPUBLIK INDONESIA",
                  "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
                  "Mampu menjaga penampilan", "Mesin Fotokopi", "Disimpan sebagai data elektronik dan manual"):
        assert value in text, value
    # the actor columns in the lane order of the BPMN
    assert re.findall(r'<th scope="col" class="actor">([^<]+)</th>', body) == \
        ["Masyarakat", "UPP Kementerian", "UPP Unit Kerja", "Sesdep"]
    assert matrix_rows(body) == [str(n) for n in range(1, 9)]
    for number, (activity, waktu, output) in ROWS.items():
        row = re.search(rf'data-step="{number}">(.*?)</tr>', body, flags=re.S).group(1)
        row_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        assert activity in row_text and waktu in row_text and output in row_text, number
    assert "bahasa yang santun" in text and "ruang rapat" in text
    assert "Jumlah waktu baku" in text and "33 menit" in text


def test_the_page_draws_the_flowchart(client):
    login(client, "pemilik")
    body = client.get(PAGE.format(n=1)).get_data(as_text=True)
    rows = {n: re.search(rf'data-step="{n}">(.*?)</tr>', body, flags=re.S).group(1) for n in range(1, 9)}
    symbols = {n: re.findall(r'class="sym sym-(\w+)"', row) for n, row in rows.items()}
    assert symbols == {1: ["terminator"], 2: ["kegiatan"], 3: ["keputusan"], 4: ["kegiatan"],
                       5: ["kegiatan"], 6: ["kegiatan"], 7: ["kegiatan"], 8: ["terminator"]}
    # the symbol sits in its actor's column: row 3 (Sesdep) is the 4th actor cell
    cells = re.findall(r'<td class="flow[^"]*"[^>]*>.*?</td>', rows[3], flags=re.S)
    assert len(cells) == 4 and "sym-keputusan" in cells[3]
    # every row after the first has an arrowhead into its symbol; lines are the cells' backgrounds
    assert [n for n, row in rows.items() if 'class="flow-arrow"' in row] == list(range(2, 9))
    assert "sop-line.svg" in rows[2]


def test_the_page_offers_print_and_pdf(client):
    login(client, "pemilik")
    response = client.get(PAGE.format(n=1))
    body = response.get_data(as_text=True)
    assert "Cetak" in body and "data-print" in body
    assert f'href="{PDF.format(n=1)}"' in body
    assert "css/sop-print.css" in body
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in body  # no inline script (CSP)


# -- the PDF --------------------------------------------------------------------------------------
def test_the_pdf_carries_the_sop(client):
    login(client, "pemilik")
    response = client.get(PDF.format(n=1))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="SOP-pelayanan_pengaduan-v1.pdf"'
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = pdf_text(response.data)
    for value in ("OT.01.02-056-056.De.5", "Drs. Rudolf Albert Rodja", "Dasar Hukum", "Kualifikasi Pelaksana",
                  "Kelengkapan", "Mutu Baku", "Jumlah waktu baku", "33 menit"):
        assert value in text, value
    for number, (activity, waktu, output) in ROWS.items():
        assert re.search(rf"(^|\s){number}\s", text), number
        assert activity in text and waktu in text and output in text, number


def test_the_pdf_for_the_auditor_too(client):
    login(client, "auditor")
    response = client.get(PDF.format(n=1))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_new_version_with_an_added_step_prints_9_rows(client, web_alur):
    v2 = web_alur.deploy(with_step_9(), PROCESS_OWNER, change_note="Langkah 9: arsip")
    assert v2.version == 2
    login(client, "pemilik")
    body = client.get(PAGE.format(n=2)).get_data(as_text=True)
    assert matrix_rows(body) == [str(n) for n in range(1, 10)]
    last = re.search(r'data-step="9">(.*?)</tr>', body, flags=re.S).group(1)
    assert "Mengarsipkan berkas pengaduan" in last and "1 jam 30 menit" in last
    assert re.findall(r'class="sym sym-(\w+)"', last) == ["terminator"]
    eighth = re.search(r'data-step="8">(.*?)</tr>', body, flags=re.S).group(1)
    assert re.findall(r'class="sym sym-(\w+)"', eighth) == ["kegiatan"]
    assert "2 jam 3 menit" in text_of(client.get(PAGE.format(n=2)))  # 33 min + 90 min
    text = pdf_text(client.get(PDF.format(n=2)).data)
    assert "Mengarsipkan berkas pengaduan" in text and "1 jam 30 menit" in text
    # version 1 is retired now: still printable, marked as no longer in force
    old = text_of(client.get(PAGE.format(n=1)))
    assert "TIDAK BERLAKU" in old and matrix_rows(client.get(PAGE.format(n=1)).get_data(as_text=True)) == \
        [str(n) for n in range(1, 9)]
    assert "TIDAK BERLAKU" not in text_of(client.get(PAGE.format(n=2)))


# -- WeasyPrint reaches nothing but the app's static files ---------------------------------------
def test_the_pdf_fetcher_serves_only_static_files(app, tmp_path):
    static = Path(app.static_folder)
    fetcher = static_files_only("http://localhost/static/", static)
    served = fetcher("http://localhost/static/css/sop-print.css")
    assert served.read() == (static / "css" / "sop-print.css").read_bytes()
    assert served.content_type == "text/css"
    secret = tmp_path / "secret.txt"
    secret.write_text("rahasia")
    for url in ("http://example.com/static/css/sop-print.css", "https://localhost/static/css/sop-print.css",
                f"file://{secret}", "http://localhost/static/../../pyproject.toml",
                "http://localhost/static/%2e%2e/%2e%2e/pyproject.toml", "http://localhost/staticx/a.css",
                "http://localhost/static/css/tidak-ada.css", "data:text/css,body{color:red}"):
        with pytest.raises(ValueError):
            fetcher(url)


def test_waktu_in_indonesian(app):
    with app.test_request_context():
        assert [duration_text(s) for s in (120, 600, 3600, 5400, 90000, 45, 0)] == \
            ["2 menit", "10 menit", "1 jam", "1 jam 30 menit", "1 hari 1 jam", "45 detik", "0 menit"]


def test_footer_text_cannot_leave_its_css_string():
    from web.owner.printing import css_string
    quoted = str(css_string('SOP "x" </style><script>·'))
    assert quoted.startswith('"') and quoted.endswith('"') and quoted.count('"') == 2
    assert "<" not in quoted and ">" not in quoted
    assert "\\22 " in quoted and "\\b7 " in quoted
