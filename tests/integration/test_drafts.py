"""The task page (task_detail) and drafts, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import AUDITOR, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from engine.case import Actor
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from forms import Form
from tests.sop_data import VERIFIKASI, screening

CITRA = Actor("citra", frozenset({"upp_unit_kerja"}))
TYPED = {"dumas_ditemukan": "ya", "ringkasan_verifikasi": "Dumas tercatat, NIK 3171011501900001 cocok",
         "pimpinan_diinformasikan": ""}


@pytest.fixture
def step2(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    return alur, started.instance_id, started.ready[0]


def stored_draft(alur, task_id) -> tuple[bool, object]:
    """(is it SQL NULL, the column as read)."""
    with alur.ctx.db.connect() as connection:
        is_null, value = connection.execute(
            text("select draft_json is null, draft_json from human_task where id = :id"), {"id": task_id}).one()
    return bool(is_null), value


def test_task_detail_gives_the_step_the_pinned_form_and_the_case(step2):
    alur, instance_id, task = step2
    detail = alur.task_detail(UPP_UNIT_KERJA, task.id)
    assert detail.task == alur.task(UPP_UNIT_KERJA, task.id)
    step = detail.step
    assert (step.bpmn_id, step.sop_step, step.lane_id, step.lane_name, step.role, step.form_key) == (
        "Task_02_VerifikasiDumas", 2, "Lane_UPP_Unit_Kerja", "UPP Unit Kerja", "upp_unit_kerja", "verifikasi_dumas")
    assert (step.waktu, step.waktu_minutes) == ("PT2M", 2.0)
    assert step.kelengkapan and step.output and step.name
    assert isinstance(detail.form, Form) and detail.form.key == "verifikasi_dumas"
    assert detail.draft is None
    assert detail.case.id == instance_id and detail.case.data["nik"] == "3171011501900001"  # UPP Unit Kerja
    assert detail.case.personal_masked is False


def test_task_detail_masks_the_case_for_sesdep(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    step3 = alur.complete(UPP_UNIT_KERJA, started.ready[0].id, VERIFIKASI).ready[0]
    detail = alur.task_detail(SESDEP, step3.id)
    assert detail.step.sop_step == 3 and detail.step.waktu_minutes == 2.0
    assert detail.case.personal_masked and detail.case.data["nik"] == "************0001"
    assert detail.case.data["nama"] == detail.task.display_name == "Budi Santoso"


def test_a_task_outside_the_lane_is_not_found_like_an_unknown_id(step2):
    alur, _, task = step2
    with pytest.raises(NotFound) as cross_lane:
        alur.task_detail(SESDEP, task.id)
    with pytest.raises(NotFound) as unknown:
        alur.task_detail(UPP_UNIT_KERJA, "00000000-0000-0000-0000-000000000000")
    assert cross_lane.value.message == unknown.value.message
    with pytest.raises(NotFound):
        alur.save_draft(AUDITOR, task.id, TYPED)


def test_saving_a_draft_claims_the_task_and_keeps_the_input(step2):
    alur, instance_id, task = step2
    item = alur.save_draft(UPP_UNIT_KERJA, task.id, TYPED)
    assert item.claimed_by == "budi" and item.state == "ready"
    assert alur.task_detail(UPP_UNIT_KERJA, task.id).draft == TYPED
    events = alur.history(UPP_KEMENTERIAN, instance_id)
    assert [e.kind for e in events].count("task.claimed") == 1
    assert events[-1].kind == "task.claimed" and events[-1].actor == "budi"
    again = dict(TYPED, ringkasan_verifikasi="diperbarui")
    alur.save_draft(UPP_UNIT_KERJA, task.id, again)  # already held: no second claim event
    assert alur.task_detail(UPP_UNIT_KERJA, task.id).draft == again
    assert [e.kind for e in alur.history(UPP_KEMENTERIAN, instance_id)].count("task.claimed") == 1
    # Draft text never reaches the events, personal or not.
    for event in alur.history(UPP_KEMENTERIAN, instance_id):
        assert "diperbarui" not in repr(event) and "cocok" not in repr(event)
    assert alur.verify(instance_id).intact


def test_the_draft_is_cleared_when_the_task_is_completed(step2):
    alur, _, task = step2
    alur.save_draft(UPP_UNIT_KERJA, task.id, TYPED)
    assert stored_draft(alur, task.id)[0] is False
    alur.complete(UPP_UNIT_KERJA, task.id, VERIFIKASI)
    assert stored_draft(alur, task.id) == (True, None)  # SQL NULL, not the JSON text 'null'


def test_another_holder_keeps_the_task(step2):
    alur, _, task = step2
    alur.claim(CITRA, task.id)
    with pytest.raises(Conflict) as refused:
        alur.save_draft(UPP_UNIT_KERJA, task.id, TYPED)
    assert "citra" in refused.value.message
    assert stored_draft(alur, task.id)[0] is True
    alur.save_draft(CITRA, task.id, TYPED)  # the holder may
    alur.release(CITRA, task.id)
    assert alur.task_detail(UPP_UNIT_KERJA, task.id).draft == TYPED  # kept across a release


def test_a_finished_task_takes_no_draft(step2):
    alur, _, task = step2
    alur.complete(UPP_UNIT_KERJA, task.id, VERIFIKASI)
    with pytest.raises(Conflict):
        alur.save_draft(UPP_UNIT_KERJA, task.id, TYPED)


def test_drafts_are_capped_and_must_be_objects(step2):
    alur, _, task = step2
    with pytest.raises(InvalidData):
        alur.save_draft(UPP_UNIT_KERJA, task.id, {"ringkasan_verifikasi": "x" * 70_000})
    with pytest.raises(InvalidData):
        alur.save_draft(UPP_UNIT_KERJA, task.id, ["not", "an", "object"])
    with pytest.raises(InvalidData):
        alur.save_draft(UPP_UNIT_KERJA, task.id, {"x": object()})
    assert alur.task(UPP_UNIT_KERJA, task.id).claimed_by is None  # refused before claiming
    alur.save_draft(UPP_UNIT_KERJA, task.id, {})
    assert stored_draft(alur, task.id)[0] is True and alur.task_detail(UPP_UNIT_KERJA, task.id).draft is None


def test_a_definition_and_its_bpmn_for_the_case_page(step2):
    alur, instance_id, _ = step2
    case = alur.case(UPP_UNIT_KERJA, instance_id=instance_id)
    info = alur.definition(case.definition_id)
    assert (info.id, info.process_key, info.version) == (case.definition_id, "pelayanan_pengaduan", 1)
    assert "Task_02_VerifikasiDumas" in info.steps
    xml = alur.definition_xml(AUDITOR, case.definition_id)
    assert xml.lstrip().startswith("<?xml") and "Task_08_Survei" in xml
    with pytest.raises(Forbidden):
        alur.definition_xml(Actor("pengunjung", frozenset({"masyarakat"})), case.definition_id)
    with pytest.raises(NotFound):
        alur.definition(case.definition_id + 99)
    with pytest.raises(NotFound):
        alur.definition_xml(AUDITOR, case.definition_id + 99)
