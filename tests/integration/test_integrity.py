"""Nothing half-written: invalid data, refused deploys and tampering with the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from engine.db.append_only import remove_append_only_guard
from engine.errors import Forbidden, InvalidData, NotFound, Rejected
from tests.sop_data import VERIFIKASI, screening

SOP = ROOT / "processes" / "pelayanan_pengaduan.bpmn"


def started_case(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    return started.instance_id, started.ready[0].id


def test_invalid_data_changes_nothing_and_names_the_fields(alur):
    instance_id, task_id = started_case(alur)
    before = alur.case(AUDITOR, instance_id=instance_id)
    with pytest.raises(InvalidData) as refused:
        alur.complete(UPP_UNIT_KERJA, task_id, {"dumas_ditemukan": "mungkin", "pimpinan_diinformasikan": False})
    assert set(refused.value.errors) >= {"dumas_ditemukan", "ringkasan_verifikasi", "pimpinan_diinformasikan"}
    assert refused.value.errors["ringkasan_verifikasi"] == "Wajib diisi."
    after = alur.case(AUDITOR, instance_id=instance_id)
    assert (after.revision, len(after.events)) == (before.revision, len(before.events))
    assert alur.task(UPP_UNIT_KERJA, task_id).state == "ready"


def test_invalid_first_step_opens_no_case(alur):
    bad = screening() | {"nik": "123", "persetujuan_data_pribadi": False}
    with pytest.raises(InvalidData) as refused:
        alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=bad)
    assert {"nik", "persetujuan_data_pribadi"} <= set(refused.value.errors)
    with alur.ctx.uow(write=False) as uow:
        assert uow.connection.execute(text("select count(*) from instance")).scalar() == 0
        assert uow.connection.execute(text("select count(*) from event")).scalar() == 0


def test_tasks_outside_the_lane_are_invisible_and_untouchable(alur):
    instance_id, task_id = started_case(alur)
    assert task_id not in {t.id for t in alur.inbox(SESDEP)}
    for verb in (lambda: alur.claim(SESDEP, task_id), lambda: alur.complete(SESDEP, task_id, VERIFIKASI),
                 lambda: alur.task(SESDEP, task_id)):
        with pytest.raises(NotFound):
            verb()
    with pytest.raises(NotFound):  # a guessed id answers exactly like a foreign one
        alur.claim(UPP_UNIT_KERJA, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(Forbidden):
        alur.start("pelayanan_pengaduan", SESDEP)


def test_same_content_is_the_same_version_and_a_change_is_a_new_one(alur):
    first = alur.latest_definition("pelayanan_pengaduan")
    again = alur.deploy(SOP.read_bytes(), PROCESS_OWNER)
    assert (again.version, again.newly_deployed) == (first.version, False)
    old_case, _ = started_case(alur)
    changed = SOP.read_text(encoding="utf-8").replace('value="PT10M"', 'value="PT15M"')
    v2 = alur.deploy(changed.encode(), PROCESS_OWNER, change_note="Waktu langkah 7 menjadi 15 menit")
    assert (v2.version, v2.newly_deployed) == (first.version + 1, True)
    assert alur.case(AUDITOR, instance_id=old_case).definition_version == first.version
    new_case, _ = started_case(alur)
    assert alur.case(AUDITOR, instance_id=new_case).definition_version == v2.version


def test_refused_deploy_changes_nothing(alur):
    hostile = SOP.read_text(encoding="utf-8").replace(
        'keputusan == "disetujui"', '__import__("os").system("true")')
    with pytest.raises(Rejected) as refused:
        alur.deploy(hostile.encode(), PROCESS_OWNER)
    assert any(p.code == "expression.unsafe" for p in refused.value.problems)
    assert len(alur.definitions()) == 1
    with pytest.raises(Forbidden):
        alur.deploy(SOP.read_bytes(), UPP_KEMENTERIAN)


def test_a_valid_bpmn_in_another_encoding_is_refused_clearly(alur):
    utf16 = SOP.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with pytest.raises(Rejected, match="UTF-8"):
        alur.deploy(utf16, PROCESS_OWNER)
    assert len(alur.definitions()) == 1


def test_the_event_log_refuses_updates_and_deletes(alur):
    instance_id, _ = started_case(alur)
    for statement in ("update event set actor = 'x'", "delete from event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with alur.ctx.db.begin() as connection:
                connection.execute(text(statement))
    assert alur.verify(instance_id).intact


def tamper(alur, *statements):
    """Play an attacker with direct database access: lift the guard, rewrite, commit."""
    with alur.ctx.db.begin() as connection:
        remove_append_only_guard(connection)
        for statement in statements:
            connection.execute(text(statement))


@pytest.mark.parametrize("attack, expected", [
    ("update event set data_json = '{\"tujuan\": \"tanya_progres\"}' where seq = 3 and instance_id = {id}",
     "event #3: altered"),
    ("delete from event where seq = 3 and instance_id = {id}", "event #3: deleted"),
    ("update event set seq = -seq where seq in (3, 4) and instance_id = {id};"
     "update event set seq = 7 + seq where seq in (-3, -4) and instance_id = {id}", "event #3: reordered"),
    ("delete from event where seq = (select max(seq) from event where instance_id = {id}) and instance_id = {id}",
     "event #5: deleted"),
])
def test_the_hash_chain_detects_tampering(alur, attack, expected):
    instance_id, task_id = started_case(alur)
    alur.claim(UPP_UNIT_KERJA, task_id)
    assert alur.verify(instance_id).intact
    with alur.ctx.db.begin() as connection:  # personal rows first, so deletes pass the foreign key
        remove_append_only_guard(connection)
        connection.execute(text("delete from event_personal"))
    tamper(alur, *[s.replace("{id}", str(instance_id)) for s in attack.split(";")])
    report = alur.verify(instance_id)
    assert not report.intact
    assert any(b.startswith(expected) for b in report.breaks), report.breaks


def test_altered_personal_data_is_caught_by_its_digest(alur):
    instance_id, _ = started_case(alur)
    with alur.ctx.db.begin() as connection:
        connection.execute(text("update event_personal set data_json = :d"), {"d": '{"nik": "3171011501900002"}'})
    report = alur.verify(instance_id)
    assert any(b.startswith("event #3: altered: data pribadinya") for b in report.breaks), report.breaks
