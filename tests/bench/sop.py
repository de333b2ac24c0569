"""The SOP under test and the data each of its steps is completed with (tests/sop_data.py)."""
from __future__ import annotations

from pathlib import Path

from tests.sop_data import DATA_BY_FORM, keputusan, screening

ROOT = Path(__file__).resolve().parents[2]
BPMN = ROOT / "processes" / "pelayanan_pengaduan.bpmn"
PROCESS_KEY = "pelayanan_pengaduan"


def data_for(form_key: str) -> dict:
    """Approved, konsultasi path: 8 user tasks from screening to the survey."""
    if form_key == "screening_pengunjung":
        return screening("konsultasi")
    if form_key == "keputusan_sesdep":
        return keputusan(True)
    return DATA_BY_FORM[form_key]
