"""The SLA and SKM report pages: who sees them, the filter form's errors, charts' data, CSV."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest

from tests.conftest import SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, VISITOR
from tests.sop_data import DATA_BY_FORM, SURVEI, keputusan, screening
from tests.webapp.staff_support import as_user

ACTORS = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP,
          "masyarakat": VISITOR}
PAGES = ["/audit/laporan", "/audit/laporan/sla", "/audit/laporan/skm", "/audit/laporan/sla.csv",
         "/audit/laporan/skm.csv"]
CHARTS = re.compile(r'<script type="application/json" id="report-charts">(.*?)</script>', re.S)


def finish_case(alur, scores: int = 3, **survey):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    ready = started.ready
    while ready:
        task = ready[0]
        if task.form_key == "keputusan_sesdep":
            data = keputusan(True)
        elif task.form_key == "survei_skm":
            data = {**SURVEI, **{f"u{i}": scores for i in range(1, 10)}, **survey}
        else:
            data = DATA_BY_FORM[task.form_key]
        ready = alur.complete(ACTORS[task.role], task.id, data).ready
    return started


def charts_of(page: str) -> dict:
    found = CHARTS.search(page)
    assert found, "no chart data block"
    return json.loads(found.group(1))


@pytest.mark.parametrize("username, allowed", [("auditor", True), ("pemilik", True), ("sesdep", True),
                                               ("ani", False), ("budi", False), ("admin", False)])
def test_report_readers_see_the_reports_and_others_get_403(make_client, username, allowed):
    client = as_user(make_client, username)
    for path in PAGES:
        assert client.get(path).status_code == (200 if allowed else 403), (username, path)


def test_anonymous_is_sent_to_login(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_index_shows_this_months_headline_figures(web_alur, make_client):
    finish_case(web_alur, 3)
    page = as_user(make_client, "sesdep").get("/audit/laporan").get_data(as_text=True)
    assert "SLA: Waktu Mutu Baku" in page and "SKM: Indeks Kepuasan Masyarakat" in page
    assert "75,00" in page and "badge-warn" in page and "Kurang Baik" in page  # all 3s: 75.00, C
    assert 'href="/audit/laporan/sla"' in page and 'href="/audit/laporan/skm"' in page


def test_sla_page_has_charts_with_tables_and_the_filter_form(web_alur, make_client):
    finish_case(web_alur)
    client = as_user(make_client, "auditor")
    today = date.today()
    page = client.get(f"/audit/laporan/sla?dari={today - timedelta(days=6)}&sampai={today}&periode=hari")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    charts = charts_of(html)
    assert charts["steps"]["labels"][:2] == ["Langkah 1", "Langkah 2"]
    assert [d["kind"] for d in charts["steps"]["datasets"]] == ["bar", "bar", "marker"]
    assert charts["steps"]["datasets"][2]["data"][:2] == [2.0, 2.0]  # Waktu of steps 1 and 2: 2 minutes
    assert len(charts["periods"]["labels"]) == 7 and charts["periods"]["y"]["max"] == 100
    assert html.count('<canvas data-chart=') == 2 and html.count('class="report-table') == 3  # steps, lanes, periods; nothing overdue
    assert "/vendor/chart.js/chart.umd.min.js" in html and "/static/js/audit-charts.js" in html
    assert "<script>" not in html  # no inline script: the CSP allows none
    assert 'name="dari"' in html and 'value="hari" selected' in html
    assert "Terlambat sekarang" in html and "Catatan dan metode" in html
    assert f'href="/audit/laporan/sla.csv?dari={today - timedelta(days=6)}' in html


def test_bad_filters_come_back_as_the_form_with_errors_in_indonesian(make_client):
    client = as_user(make_client, "auditor")
    response = client.get("/audit/laporan/sla?dari=2026-06-30&sampai=2026-06-01&periode=hari")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="f-sampai-error"' in html and "jatuh sebelum tanggal awal" in html
    assert 'value="2026-06-30"' in html  # what the reader typed stays in the form
    assert "report-charts" not in html
    response = client.get("/audit/laporan/skm?dari=kemarin&sampai=2026-06-01&periode=minggu")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tanggal &#39;kemarin&#39; tidak dikenali" in html
    response = client.get("/audit/laporan/skm?dari=2024-01-01&sampai=2026-06-01&periode=minggu")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "paling panjang 366 hari" in html
    assert "Periode harus salah satu dari: bulan, triwulan, tahun." in html
    assert client.get("/audit/laporan/sla.csv?dari=2026-06-30&sampai=2026-06-01").status_code == 400


def test_skm_page_and_csv(web_alur, make_client):
    finish_case(web_alur, 4, jenis_kelamin="P")
    finish_case(web_alur, 3)
    client = as_user(make_client, "pemilik")
    html = client.get("/audit/laporan/skm").get_data(as_text=True)
    charts = charts_of(html)
    assert charts["elements"]["labels"] == [f"U{i}" for i in range(1, 10)]
    assert charts["elements"]["datasets"][0]["data"] == [87.5] * 9  # NRR 3.5 x 25
    assert charts["elements"]["datasets"][1]["data"] == [87.5] * 9
    assert "Profil responden" in html and "Perempuan" in html
    assert "87,50" in html and "Baik" in html

    response = client.get("/audit/laporan/skm.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    total = next(r for r in rows if r["bagian"] == "total")
    assert (total["responden"], total["nilai_25_100"], total["mutu"]) == ("2", "87.5", "B")
    assert [r["unsur"] for r in rows if r["bagian"] == "unsur"] == [f"U{i}" for i in range(1, 10)]


def test_sla_csv_parts_and_formula_guard(web_alur, make_client):
    finish_case(web_alur)
    response = as_user(make_client, "sesdep").get("/audit/laporan/sla.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    parts = {r["bagian"] for r in rows}
    assert {"total", "langkah", "lajur", "periode"} <= parts
    two = next(r for r in rows if r["bagian"] == "langkah" and r["langkah"] == "2")
    assert two["jumlah"] == "1" and two["waktu_baku_detik"] == "120" and two["dalam_standar"] == "1"
    from web.audit.report_csv import _cell
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("-2") == "'-2" and _cell(-2.5) == "-2.5"


def test_english_pages_translate_the_frame(make_client):
    client = as_user(make_client, "auditor")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/audit/laporan").get_data(as_text=True))
    client.post("/bahasa", data={"lang": "en", "next": "/audit/laporan", "csrf_token": token.group(1)})
    html = client.get("/audit/laporan/sla").get_data(as_text=True)
    assert 'lang="en"' in html


def test_chart_js_is_served_from_node_modules(client):
    response = client.get("/vendor/chart.js/chart.umd.min.js")
    assert response.status_code == 200 and b"Chart" in response.data[:5000]
    assert client.get("/vendor/chart.js/package.json").status_code == 404
    assert client.get("/vendor/chart.js/../chart.js/package.json").status_code == 404
