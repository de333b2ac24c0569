"""The printed SOP as data (engine/sop_document.py): the shipped model gives the SOP's own matrix.

Rows are checked against processes/pelayanan_pengaduan.bpmn and against the verbatim source
document (../shared/seed/sop-pelayanan-pengaduan-deputi-v.txt, outside the repository).
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from engine import sop_document
from engine.bpmn import inspect_definition
from engine.errors import Forbidden, NotFound
from engine.services.definitions import _step_dict
from engine.settings import Settings
from engine.views import DefinitionInfo
from forms import FormCatalog
from tests.conftest import AUDITOR, PROCESS_OWNER, UPP_KEMENTERIAN

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "pelayanan_pengaduan.bpmn"
SEED_FILE = ROOT.parent / "shared" / "seed" / "sop-pelayanan-pengaduan-deputi-v.txt"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}

ACTORS = ("Lane_Masyarakat", "Lane_UPP_Kementerian", "Lane_UPP_Unit_Kerja", "Lane_Sesdep")
# SOP row -> (actor, minutes, task names), read off the SOP's matrix
EXPECTED = {
    1: ("Lane_UPP_Kementerian", 2, ("Screening pengunjung dan koordinasi dengan UPP Unit Kerja",)),
    2: ("Lane_UPP_Unit_Kerja", 2, ("Verifikasi Dumas dan laporkan ke pimpinan",)),
    3: ("Lane_Sesdep", 2, ("Verifikasi pengunjung dan beri persetujuan atau penolakan",)),
    4: ("Lane_UPP_Unit_Kerja", 2, ("Sampaikan keputusan pimpinan kepada UPP Kementerian",)),
    5: ("Lane_UPP_Kementerian", 5, ("Sampaikan keputusan pimpinan kepada pengunjung",)),
    6: ("Lane_Masyarakat", 5, ("Datang ke UPP Unit Kerja",)),
    7: ("Lane_UPP_Unit_Kerja", 10, ("Catat identitas dan arahkan ke konsultasi",
                                    "Catat identitas dan sampaikan progres Dumas")),
    8: ("Lane_Masyarakat", 5, ("Isi survei penilaian pelayanan publik",)),
}


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def definition_from(xml: bytes, *, version: int = 1) -> DefinitionInfo:
    """What deploy stores, without a database: the same inspection and the same step dicts."""
    settings = Settings()
    inspected = inspect_definition(xml, form_keys=FormCatalog(settings.forms_dir).keys(),
                                   lane_roles=settings.lane_roles)
    return DefinitionInfo(
        id=version, process_key=inspected.process_id, version=version, sha256=inspected.sha256,
        name=inspected.name, status="published", created_by="pemilik",
        created_at=datetime(2024, 1, 1, tzinfo=timezone.utc), change_note="",
        lanes=[{"id": lane.id, "name": lane.name, "role": lane.role} for lane in inspected.lanes],
        steps={bpmn_id: _step_dict(step) for bpmn_id, step in inspected.steps.items()},
        sop_header=inspected.sop_header)


@pytest.fixture(scope="module")
def document() -> sop_document.SopDocument:
    return sop_document.build(definition_from(BPMN_FILE.read_bytes()))


@pytest.fixture(scope="module")
def task_properties() -> dict[str, dict[str, str]]:
    """user task id -> its spiffworkflow properties and documentation, read straight off the file."""
    tree = etree.parse(str(BPMN_FILE))
    found = {}
    for task in tree.iterfind(".//bpmn:userTask", NS):
        props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiffworkflow:property", NS)}
        props["documentation"] = task.findtext("bpmn:documentation", default="", namespaces=NS)
        found[task.get("id")] = props
    return found


@pytest.fixture(scope="module")
def seed_rows() -> dict[int, dict[str, str]]:
    if not SEED_FILE.is_file():
        pytest.skip(f"the SOP seed is not beside the repository: {SEED_FILE}")
    rows = {}
    for line in SEED_FILE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if re.fullmatch(r"\d+", cells[0]) and len(cells) >= 10:
            rows[int(cells[0])] = {"kegiatan": cells[1], "kelengkapan": cells[6], "waktu": cells[7],
                                   "output": cells[8], "keterangan": cells[9]}
    assert sorted(rows) == list(range(1, 9)), "the seed's matrix could not be read"
    return rows


def test_one_row_per_sop_step_with_its_actor_time_and_tasks(document):
    assert [actor.lane_id for actor in document.actors] == list(ACTORS)
    assert [actor.name for actor in document.actors] == ["Masyarakat", "UPP Kementerian", "UPP Unit Kerja", "Sesdep"]
    assert [row.number for row in document.rows] == list(range(1, 9))
    for row in document.rows:
        lane, minutes, names = EXPECTED[row.number]
        assert row.actor_ids == (lane,), row.number
        assert row.column == ACTORS.index(lane)
        assert row.waktu_seconds == minutes * 60, row.number
        assert row.names == names, row.number
        marked = [i for i, cell in enumerate(row.cells) if cell.symbol]
        assert marked == [ACTORS.index(lane)], row.number
    # the seed: 33 minutes along the approved path (one step-7 task is taken, they are alternatives)
    assert document.total_waktu_seconds == 33 * 60


def test_two_step_7_tasks_make_one_row(document):
    row = document.rows[6]
    assert row.bpmn_ids == ("Task_07_Konsultasi", "Task_07_Progres")
    # same SOP wording and Mutu Baku on both: shown once
    assert len(row.activities) == len(row.kelengkapan) == len(row.output) == len(row.keterangan) == 1


def test_mutu_baku_texts_are_those_of_the_model(document, task_properties):
    for row in document.rows:
        props = [task_properties[bpmn_id] for bpmn_id in row.bpmn_ids]
        assert set(row.kelengkapan) == {norm_ws(p["kelengkapan"]) for p in props}
        assert set(row.output) == {norm_ws(p["output"]) for p in props}
        assert set(row.keterangan) == {norm_ws(p["keterangan"]) for p in props if p["keterangan"].strip()}
        assert set(row.activities) == {norm_ws(p["documentation"]) for p in props}
        assert row.waktu_iso in {p["waktu"] for p in props}


def norm_ws(text: str) -> str:
    return " ".join(text.split())


def test_rows_say_what_the_source_sop_says(document, seed_rows):
    for row in document.rows:
        seed = seed_rows[row.number]
        assert norm(row.kegiatan) == norm(seed["kegiatan"]), row.number
        assert norm(" ".join(row.kelengkapan)) == norm(seed["kelengkapan"]), row.number
        assert norm(" ".join(row.output)) == norm(seed["output"]), row.number
        assert norm(" ".join(row.keterangan)) == norm(seed["keterangan"]), row.number
        assert norm(seed["waktu"]) == f"{row.waktu_seconds // 60} menit", row.number
    # a few phrases a reader would look for, in the row they belong to
    assert "screening" in norm(document.rows[0].kegiatan)
    assert "persetujuan atau penolakan" in norm(document.rows[2].kegiatan)
    assert "bahasa yang santun" in norm(document.rows[4].keterangan[0])
    assert "ruang rapat" in norm(document.rows[6].keterangan[0])
    assert "survey" in norm(document.rows[7].output[0])


def test_symbols_first_and_last_terminators_step_3_a_decision(document):
    symbols = {row.number: row.symbol for row in document.rows}
    assert symbols == {1: "terminator", 2: "kegiatan", 3: "keputusan", 4: "kegiatan", 5: "kegiatan",
                       6: "kegiatan", 7: "kegiatan", 8: "terminator"}
    for row in document.rows:
        assert row.cells[row.column].symbol == row.symbol


def test_connectors_join_consecutive_rows(document):
    pairs = [(c.from_number, c.to_number) for c in document.connectors]
    assert pairs == [(n, n + 1) for n in range(1, 8)]
    kinds = [c.kind for c in document.connectors]
    # 6 -> 7 changes actor (Masyarakat -> UPP Unit Kerja); none stays in one column in this SOP
    assert kinds == ["siku"] * 7
    for connector in document.connectors:
        assert connector.from_column == document.rows[connector.from_number - 1].column
        assert connector.to_column == document.rows[connector.to_number - 1].column


def test_flow_cells_draw_each_connector(document):
    rows = document.rows
    assert sop_document.OUT not in rows[-1].cells[rows[-1].column].segments
    assert not rows[0].cells[rows[0].column].arrow
    for before, row in zip(rows, rows[1:]):
        assert sop_document.OUT in before.cells[before.column].segments
        here, prev = row.column, before.column
        assert row.cells[here].arrow
        assert sop_document.IN_ELBOW in row.cells[here].segments
        assert sop_document.STUB in row.cells[prev].segments
        left, right = sorted((here, prev))
        assert sop_document.ELBOW_RIGHT in row.cells[left].segments
        assert sop_document.ELBOW_LEFT in row.cells[right].segments
        for between in range(left + 1, right):
            assert sop_document.ELBOW_FULL in row.cells[between].segments
        outside = [c for i, c in enumerate(row.cells) if i < left or i > right]
        assert all(cell.empty for cell in outside), row.number


def test_same_actor_twice_is_a_straight_line_and_one_step_in_two_lanes_is_joined():
    xml = BPMN_FILE.read_text(encoding="utf-8")
    # step 4 moved to Sesdep's lane, plus a second (longer) step-4 task for UPP Kementerian:
    # row 4 marks two columns, joined, and its connectors leave from the first in lane order.
    info = definition_from(xml.encode())
    steps = dict(info.steps)
    steps["Task_04_SampaikanKeputusan"] = {**steps["Task_04_SampaikanKeputusan"], "lane_id": "Lane_Sesdep",
                                           "lane_name": "Sesdep", "role": "sesdep"}
    steps["Task_04b"] = {**steps["Task_04_SampaikanKeputusan"], "bpmn_id": "Task_04b",
                         "lane_id": "Lane_UPP_Kementerian", "lane_name": "UPP Kementerian",
                         "role": "upp_kementerian", "waktu_seconds": 600, "waktu": "PT10M"}
    document = sop_document.build(replace(info, steps=steps))
    row3, row4 = document.rows[2], document.rows[3]
    assert row4.actor_ids == ("Lane_UPP_Kementerian", "Lane_Sesdep")
    assert row4.column == 1                      # connectors use the first actor in lane order
    assert row4.waktu_seconds == 600             # the longest task of the row
    assert [i for i, c in enumerate(row4.cells) if c.symbol] == [1, 3]
    assert sop_document.JOIN_RIGHT in row4.cells[1].segments
    assert sop_document.JOIN_FULL in row4.cells[2].segments
    assert sop_document.JOIN_LEFT in row4.cells[3].segments
    assert row3.column == 3 and document.connectors[2].kind == "siku"


def test_a_straight_connector_when_the_actor_stays():
    xml = BPMN_FILE.read_text(encoding="utf-8")
    info = definition_from(xml.encode())
    steps = dict(info.steps)
    steps["Task_02_VerifikasiDumas"] = {**steps["Task_02_VerifikasiDumas"], "lane_id": "Lane_UPP_Kementerian",
                                        "lane_name": "UPP Kementerian", "role": "upp_kementerian"}
    document = sop_document.build(replace(info, steps=steps))
    assert document.connectors[0].kind == "lurus"
    row2 = document.rows[1]
    assert sop_document.IN in row2.cells[1].segments and sop_document.IN_ELBOW not in row2.cells[1].segments
    assert all(cell.empty for i, cell in enumerate(row2.cells) if i != 1)


def test_header_from_the_process_properties(document):
    header = document.header
    assert header.nomor == "OT.01.02-056-056.De.5"
    assert header.instansi.startswith("KEMENTERIAN KOORDINATOR BIDANG POLITIK, HUKUM, DAN KEAMANAN")
    assert header.unit == "Deputi Bidang Koordinasi Keamanan dan Ketertiban Masyarakat"
    assert header.judul.startswith("Pelayanan Pengaduan Masyarakat")
    assert header.tanggal_pembuatan.value == date(2023, 6, 15)
    assert header.tanggal_efektif.value == date(2023, 7, 10)
    assert not header.tanggal_revisi
    assert (header.disahkan_oleh, header.disahkan_id_label, header.disahkan_id) == \
        ("Drs. Rudolf Albert Rodja", "NRP", "66050431")
    assert len(header.dasar_hukum) == 3 and header.dasar_hukum[0].startswith("Undang-Undang Nomor 25 Tahun 2009")
    assert len(header.kualifikasi_pelaksana) == 5
    assert len(header.keterkaitan) == 2 and header.keterkaitan[0].startswith("SOP Makro")
    assert len(header.peralatan) == 4 and len(header.peringatan) == 2
    assert header.pencatatan == ("Disimpan sebagai data elektronik dan manual",)


def test_header_dates_that_are_not_iso_are_kept_as_written():
    assert sop_document._date("15 Juni 2023") == sop_document.SopDate(None, "15 Juni 2023")
    assert not sop_document._date("")


# -- through the facade (both databases) --------------------------------------------------------
def test_facade_reads_for_owners_and_auditors_only(alur):
    for reader in (PROCESS_OWNER, AUDITOR):
        document = alur.sop_document(reader, "pelayanan_pengaduan", 1)
        assert [row.number for row in document.rows] == list(range(1, 9))
        assert document.version == 1 and document.total_waktu_seconds == 33 * 60
    with pytest.raises(Forbidden):
        alur.sop_document(UPP_KEMENTERIAN, "pelayanan_pengaduan", 1)
    with pytest.raises(NotFound):
        alur.sop_document(PROCESS_OWNER, "pelayanan_pengaduan", 9)
