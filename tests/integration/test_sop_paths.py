"""The three paths of the SOP, end to end through the facade, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, VISITOR, AUDITOR
from tests.sop_data import DATA_BY_FORM, keputusan, screening

ACTOR_BY_ROLE = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP,
                 "masyarakat": VISITOR}


def run_case(alur, *, tujuan: str, disetujui: bool):
    """Work a case the way the four actors would: each takes the task from their own inbox."""
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(tujuan))
    walked = [1]
    ready = started.ready
    while ready:
        assert len(ready) == 1, ready
        task = ready[0]
        actor = ACTOR_BY_ROLE[task.role]
        assert task.id in {t.id for t in alur.inbox(actor)}, "the task must be in its lane's inbox"
        alur.claim(actor, task.id)
        data = keputusan(disetujui) if task.form_key == "keputusan_sesdep" else DATA_BY_FORM[task.form_key]
        result = alur.complete(actor, task.id, data)
        walked.append(task.sop_step)
        ready = result.ready
    return started, result, walked


@pytest.mark.parametrize("tujuan, disetujui, outcome, steps", [
    ("konsultasi", True, "EndEvent_Konsultasi", [1, 2, 3, 4, 5, 6, 7, 8]),
    ("tanya_progres", True, "EndEvent_Progres", [1, 2, 3, 4, 5, 6, 7, 8]),
    ("konsultasi", False, "EndEvent_Ditolak", [1, 2, 3, 4, 5]),
])
def test_sop_path_end_to_end(alur, tujuan, disetujui, outcome, steps):
    started, result, walked = run_case(alur, tujuan=tujuan, disetujui=disetujui)
    assert walked == steps
    assert (result.status, result.outcome) == ("completed", outcome)

    case = alur.case(AUDITOR, instance_id=started.instance_id)
    assert case.ticket_code == started.ticket_code and case.status == "completed"
    assert case.display_name == "Budi Santoso"
    completed = [t for t in case.tasks if t.state == "completed"]
    assert [t.sop_step for t in completed] == steps
    step7 = [t.bpmn_id for t in completed if t.sop_step == 7]
    assert step7 == ([] if not disetujui else ["Task_07_Konsultasi" if tujuan == "konsultasi" else "Task_07_Progres"])
    # Each task's due time is its step's Waktu after it became ready.
    waktu = {1: 2, 2: 2, 3: 2, 4: 2, 5: 5, 6: 5, 7: 10, 8: 5}
    for task in case.tasks:
        assert task.due_at - task.created_at == timedelta(minutes=waktu[task.sop_step])

    kinds = [e.kind for e in case.events]
    assert kinds[0] == "instance.started" and kinds[-1] == "instance.completed"
    assert kinds.count("task.completed") == len(steps) and kinds.count("task.claimed") == len(steps) - 1
    assert [e.seq for e in case.events] == list(range(1, len(kinds) + 1))
    assert case.events[-1].data["outcome"] == outcome
    report = alur.verify(started.instance_id)
    assert report.intact, report.breaks
    assert report.events == len(kinds)


def test_personal_data_is_kept_apart_from_the_chained_event_data(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    # The front desk, who took the data, reads it back whole; an auditor reads it masked.
    completed = [e for e in alur.history(UPP_KEMENTERIAN, started.instance_id) if e.kind == "task.completed"][0]
    assert "nik" not in completed.data and "telepon" not in completed.data
    assert completed.personal["nik"] == "3171011501900001"
    assert completed.personal["telepon"] == "+6281234567890"  # normalised to E.164
    masked = [e for e in alur.history(AUDITOR, started.instance_id) if e.kind == "task.completed"][0]
    assert masked.personal["nik"] == "************0001"
    assert completed.data["tujuan"] == "konsultasi"
    assert completed.lane_id == "Lane_UPP_Kementerian" and completed.actor == "ani"


def test_events_carry_actor_lane_and_time(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    task = started.ready[0]
    alur.claim(UPP_UNIT_KERJA, task.id)
    alur.release(UPP_UNIT_KERJA, task.id)
    events = alur.history(AUDITOR, started.instance_id)
    claim, release = events[-2], events[-1]
    assert (claim.kind, claim.actor, claim.lane_id, claim.bpmn_id) == (
        "task.claimed", "budi", "Lane_UPP_Unit_Kerja", "Task_02_VerifikasiDumas")
    assert release.kind == "task.released" and release.occurred_at >= claim.occurred_at
    assert alur.verify(started.instance_id).intact
