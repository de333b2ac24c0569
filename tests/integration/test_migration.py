"""Migrating running cases to a newer version, on SQLite and PostgreSQL: the dry run's verdicts,
the migration of the safe ones (claims, drafts, ages and the hash chain kept), refusals that
leave a case untouched, a case that changes between the dry run and the migration, and roles."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.case import Actor
from engine.errors import Forbidden
from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.sop_versions import with_step_after_survey
from tests.sop_data import DATA_BY_FORM, keputusan, screening

KEY = "pelayanan_pengaduan"
SOP = (ROOT / "processes" / f"{KEY}.bpmn").read_text(encoding="utf-8")
STAFF = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP}
FORM_DATA = {**DATA_BY_FORM, "screening_pengunjung": screening(),
             "catatan_langkah": {"langkah_dilaksanakan": True, "catatan_pelaksanaan": "Diarsipkan."}}
DRAFT = {"identitas_dicocokkan": "true", "ringkasan_konsultasi": "Setengah jalan"}


# -- versions 2 of the SOP -------------------------------------------------------------------
def waktu_7_is_15_minutes() -> str:
    return SOP.replace('value="PT10M"', 'value="PT15M"')


def archive_after_survey() -> str:
    """A new step 9 (UPP Unit Kerja) between the survey and the end."""
    return with_step_after_survey(name="Arsipkan berkas kunjungan", output="Berkas terarsip")


def form_of_step_2_changed() -> str:
    return SOP.replace('value="verifikasi_dumas"', 'value="catatan_langkah"')


def step_4_removed() -> str:
    """Sesdep's decision goes straight to step 5."""
    xml = re.sub(r'\s*<bpmn:userTask id="Task_04_SampaikanKeputusan".*?</bpmn:userTask>', "", SOP, flags=re.S)
    xml = re.sub(r'\s*<bpmn:flowNodeRef>Task_04_SampaikanKeputusan</bpmn:flowNodeRef>', "", xml)
    xml = re.sub(r'\s*<bpmn:sequenceFlow id="Flow_Sampaikan_Informasikan"[^>]*/>', "", xml)
    xml = re.sub(r'\s*<bpmndi:BPMNShape id="Task_04_SampaikanKeputusan_di".*?</bpmndi:BPMNShape>', "", xml, flags=re.S)
    xml = re.sub(r'\s*<bpmndi:BPMNEdge id="Flow_Sampaikan_Informasikan_di".*?</bpmndi:BPMNEdge>', "", xml, flags=re.S)
    xml = xml.replace('targetRef="Task_04_SampaikanKeputusan"', 'targetRef="Task_05_InformasikanPengunjung"')
    return xml.replace("<bpmn:incoming>Flow_Sampaikan_Informasikan</bpmn:incoming>",
                       "<bpmn:incoming>Flow_Keputusan_Sampaikan</bpmn:incoming>")


def konsultasi_replaced_by_a_meeting() -> str:
    """Step 7's consultation task gives way to another task in the same place, with another id
    and another name: SpiffWorkflow's diff pairs them by their neighbours."""
    return (SOP.replace("Task_07_Konsultasi", "Task_07_RapatPimpinan")
            .replace('name="Catat identitas dan arahkan ke konsultasi"', 'name="Rapat dengan pimpinan"'))


def publish_v2(alur, xml: str):
    info = alur.deploy(xml.encode("utf-8"), PROCESS_OWNER, change_note="Versi 2 untuk uji migrasi")
    assert info.version == 2 and info.newly_deployed
    return info


# -- cases -----------------------------------------------------------------------------------
def open_tasks(alur, instance_id: int):
    return [t for t in alur.case(AUDITOR, instance_id=instance_id).tasks if t.state == "ready"]


def work(alur, instance_id: int, *, until_step: int | None = None) -> list[int]:
    """Complete open tasks (staff or the visitor's) until the open one is until_step, or to the
    end; the SOP steps passed, in order."""
    passed = []
    ticket = alur.case(AUDITOR, instance_id=instance_id).ticket_code
    while True:
        ready = open_tasks(alur, instance_id)
        if not ready:
            return passed
        assert len(ready) == 1, ready
        task = ready[0]
        if task.sop_step == until_step:
            return passed
        data = keputusan(True) if task.form_key == "keputusan_sesdep" else FORM_DATA[task.form_key]
        if task.role == "masyarakat":
            alur.visitor_complete(ticket, task.form_key, data)
        else:
            alur.complete(STAFF[task.role], task.id, data)
        passed.append(task.sop_step)


def case_at(alur, step: int, *, tujuan: str = "konsultasi") -> int:
    if step == 1:
        return alur.start(KEY, UPP_KEMENTERIAN).instance_id
    started = alur.start(KEY, UPP_KEMENTERIAN, first_task_data=screening(tujuan))
    work(alur, started.instance_id, until_step=step)
    return started.instance_id


def stored(alur, instance_id: int) -> tuple:
    """What must not move when a case is refused: (state, revision, definition, chain head)."""
    with alur.ctx.db.connect() as connection:
        return tuple(connection.execute(text(
            "select state_json, revision, definition_id, event_seq, event_head from instance where id = :id"),
            {"id": instance_id}).one())


def stored_task(alur, task_id: str) -> dict:
    with alur.ctx.db.connect() as connection:
        row = connection.execute(text("select * from human_task where id = :id"), {"id": task_id}).mappings().one()
    return dict(row)


def events(alur, instance_id: int, kind: str):
    return [e for e in alur.history(AUDITOR, instance_id) if e.kind == kind]


def by_case(report):
    return {c.instance_id: c for c in report.cases}


# -- (a) a changed Waktu: every case is safe ---------------------------------------------------
def test_a_changed_waktu_migrates_every_case_keeping_claims_drafts_and_ages(alur):
    cases = {step: case_at(alur, step) for step in (2, 5, 7, 8)}
    progres = case_at(alur, 7, tujuan="tanya_progres")
    step7 = open_tasks(alur, cases[7])[0]
    alur.save_draft(UPP_UNIT_KERJA, step7.id, DRAFT)  # claims it for budi
    alur.claim(UPP_KEMENTERIAN, open_tasks(alur, cases[5])[0].id)
    before_7 = stored_task(alur, step7.id)
    v2 = publish_v2(alur, waktu_7_is_15_minutes())
    ids = [*cases.values(), progres]

    snapshots = {i: stored(alur, i) for i in ids}
    dry = alur.migration_dry_run(PROCESS_OWNER, KEY, ids, None)
    assert dry.dry_run and dry.target_version == 2 and dry.target_definition_id == v2.id
    assert all(c.can_migrate and not c.reasons for c in dry.cases), [c.reasons for c in dry.cases]
    assert {i: stored(alur, i) for i in ids} == snapshots  # a dry run writes nothing
    notes_7 = by_case(dry)[cases[7]].notes
    assert any("Waktu langkah 7 “Catat identitas dan arahkan ke konsultasi” berubah dari 10 menit menjadi "
               "15 menit" in n and "tenggat" in n for n in notes_7), notes_7
    assert any("berlaku untuk langkah yang belum dikerjakan" in n for n in by_case(dry)[cases[2]].notes)
    planned = by_case(dry)[cases[7]].tasks[0]
    assert (planned.old_task_id, planned.claimed_by, planned.has_draft) == (step7.id, "budi", True)
    assert planned.due_before == planned.created_at + timedelta(minutes=10)
    assert planned.due_after == planned.created_at + timedelta(minutes=15)

    done = alur.migrate(PROCESS_OWNER, KEY, ids, None)
    assert not done.dry_run and done.migrated_count == 5 and done.refused_count == 0
    for instance_id in ids:
        case = alur.case(AUDITOR, instance_id=instance_id)
        assert (case.definition_version, case.definition_id) == (2, v2.id)
        assert case.revision == snapshots[instance_id][1] + 1
        migrated = events(alur, instance_id, "instance.migrated")
        assert len(migrated) == 1 and migrated[0].actor == "pemilik"
        assert (migrated[0].data["from_version"], migrated[0].data["to_version"]) == (1, 2)
        assert migrated[0].data["to_definition_id"] == v2.id
        assert alur.verify(instance_id).intact

    after_7 = stored_task(alur, step7.id)  # the same task carried over, not a new one
    assert [t.id for t in open_tasks(alur, cases[7])] == [step7.id]
    assert after_7["claimed_by"] == "budi" and after_7["claimed_at"] == before_7["claimed_at"]
    assert after_7["created_at"] == before_7["created_at"]
    assert alur.task_detail(UPP_UNIT_KERJA, step7.id).draft == DRAFT
    item = alur.task(UPP_UNIT_KERJA, step7.id)
    assert item.due_at == item.created_at + timedelta(minutes=15)  # was + 10
    mapped = events(alur, cases[7], "instance.migrated")[0].data["tasks"]
    assert mapped == [{"from": step7.id, "to": step7.id, "bpmn_id": "Task_07_Konsultasi", "sop_step": 7,
                       "claimed_by": "budi", "due_before": planned.due_before.isoformat(),
                       "due_at": item.due_at.isoformat()}]
    assert alur.task(UPP_KEMENTERIAN, open_tasks(alur, cases[5])[0].id).claimed_by == "ani"

    for instance_id in ids:  # every case runs to its end on version 2
        work(alur, instance_id)
        case = alur.case(AUDITOR, instance_id=instance_id)
        assert case.status == "completed" and case.outcome in ("EndEvent_Konsultasi", "EndEvent_Progres")
        assert alur.verify(instance_id).intact
    again = alur.migration_dry_run(PROCESS_OWNER, KEY, [cases[2]], None)
    assert again.cases[0].reasons == ("Kasus ini sudah selesai; hanya kasus yang masih berjalan yang dapat "
                                      "dimigrasikan.",)


# -- (b) a step added after the survey ----------------------------------------------------------
def test_a_step_added_after_the_survey_is_walked_by_the_migrated_cases(alur):
    early, at_survey, left_alone = case_at(alur, 3), case_at(alur, 8), case_at(alur, 3)
    publish_v2(alur, archive_after_survey())
    dry = alur.migration_dry_run(PROCESS_OWNER, KEY, [early, at_survey], None)
    assert all(c.can_migrate for c in dry.cases)
    assert any("Langkah baru di versi 2: langkah 9 “Arsipkan berkas kunjungan”" in n for n in by_case(dry)[early].notes)
    assert any("langkah yang sedang terbuka" in n and "langkah 9" in n for n in by_case(dry)[at_survey].notes)

    done = alur.migrate(PROCESS_OWNER, KEY, [early, at_survey], 2)
    assert done.migrated_count == 2
    assert work(alur, early) == [3, 4, 5, 6, 7, 8, 9]
    assert work(alur, at_survey) == [8, 9]
    assert work(alur, left_alone) == [3, 4, 5, 6, 7, 8]  # still on version 1: no step 9
    for instance_id in (early, at_survey, left_alone):
        assert alur.case(AUDITOR, instance_id=instance_id).status == "completed"
        assert alur.verify(instance_id).intact


# -- (c) a step the case already did changed or was removed; (d) its open step removed ---------
def test_a_changed_step_already_done_refuses_the_case_and_leaves_it_untouched(alur):
    at_1, past_2 = case_at(alur, 1), case_at(alur, 3)
    publish_v2(alur, form_of_step_2_changed())
    untouched = stored(alur, past_2)
    done = alur.migrate(PROCESS_OWNER, KEY, [at_1, past_2], None)
    refused = by_case(done)[past_2]
    assert not refused.migrated and not refused.can_migrate and not refused.conflict
    assert refused.reasons == ("Langkah 2 “Verifikasi Dumas dan laporkan ke pimpinan” sudah dikerjakan dalam "
                               "kasus ini, tetapi di versi 2 formulirnya berganti dari “Verifikasi Dumas” "
                               "(verifikasi_dumas) menjadi “Catatan Pelaksanaan Langkah” (catatan_langkah).",)
    assert stored(alur, past_2) == untouched
    assert events(alur, past_2, "instance.migrated") == []
    assert by_case(done)[at_1].migrated  # it has not reached step 2 yet: it will use the new form
    assert work(alur, at_1, until_step=3) == [1, 2]
    assert [e.data for e in events(alur, at_1, "task.completed")][-1] == FORM_DATA["catatan_langkah"]
    assert done.migrated_count == 1 and done.refused_count == 1


def test_a_removed_step_refuses_cases_that_did_it_or_are_at_it(alur):
    before, at_4, past_4 = case_at(alur, 3), case_at(alur, 4), case_at(alur, 5)
    publish_v2(alur, step_4_removed())
    untouched = {i: stored(alur, i) for i in (at_4, past_4)}
    dry = by_case(alur.migration_dry_run(PROCESS_OWNER, KEY, [before, at_4, past_4], None))
    # Step 3, done by both, now leads elsewhere: that is said too, after the step itself.
    assert dry[past_4].reasons[-1] == ("Langkah 4 “Sampaikan keputusan pimpinan kepada UPP Kementerian” sudah "
                                       "dikerjakan dalam kasus ini, tetapi dihapus di versi 2.")
    assert dry[at_4].reasons[-1] == ("Langkah yang sedang terbuka, langkah 4 “Sampaikan keputusan pimpinan kepada "
                                     "UPP Kementerian”, dihapus di versi 2.")
    assert "alur sesudahnya kini menuju langkah 5" in dry[at_4].reasons[0]
    assert dry[before].can_migrate
    assert any("dihapus di versi 2; kasus ini belum sampai di sana" in n for n in dry[before].notes)

    done = by_case(alur.migrate(PROCESS_OWNER, KEY, [before, at_4, past_4], None))
    assert [done[i].migrated for i in (before, at_4, past_4)] == [True, False, False]
    assert {i: stored(alur, i) for i in (at_4, past_4)} == untouched
    assert work(alur, before) == [3, 5, 6, 7, 8]
    assert work(alur, at_4) == [4, 5, 6, 7, 8]  # refused cases finish on version 1
    assert all(alur.verify(i).intact for i in (before, at_4, past_4))


# -- (e) a silent re-alignment -------------------------------------------------------------------
def test_a_step_silently_realigned_to_another_is_refused_where_the_case_is_at_it(alur):
    at_7, early = case_at(alur, 7), case_at(alur, 3)
    publish_v2(alur, konsultasi_replaced_by_a_meeting())
    untouched = stored(alur, at_7)
    done = by_case(alur.migrate(PROCESS_OWNER, KEY, [at_7, early], None))
    assert not done[at_7].migrated
    assert any("memasangkannya diam-diam dengan langkah 7 “Rapat dengan pimpinan” "
               "(Task_07_RapatPimpinan)" in r and "sedang terbuka" in r for r in done[at_7].reasons), done[at_7].reasons
    assert stored(alur, at_7) == untouched
    assert done[early].migrated
    assert any("diam-diam" in n and "akan menjalankan langkah versi baru" in n for n in done[early].notes)
    work(alur, early, until_step=7)
    assert [t.bpmn_id for t in open_tasks(alur, early)] == ["Task_07_RapatPimpinan"]


# -- (f) the case changes between the dry run and the migration ------------------------------
def test_a_case_changed_since_the_dry_run_is_refused_as_a_conflict(alur):
    changing, quiet = case_at(alur, 2), case_at(alur, 2)
    publish_v2(alur, waktu_7_is_15_minutes())
    dry = alur.migration_dry_run(PROCESS_OWNER, KEY, [changing, quiet], None)
    assert all(c.can_migrate for c in dry.cases)
    work(alur, changing, until_step=3)  # someone completes step 2 meanwhile
    untouched = stored(alur, changing)
    seen = {c.instance_id: c.revision for c in dry.cases}
    done = by_case(alur.migrate(PROCESS_OWNER, KEY, [changing, quiet], None, expected_revisions=seen))
    assert done[changing].conflict and not done[changing].migrated
    assert "berubah sejak uji migrasi" in done[changing].reasons[0]
    assert stored(alur, changing) == untouched
    assert done[quiet].migrated


def test_two_owners_migrating_one_case_at_once_move_it_once(alur):
    instance_id = case_at(alur, 5)
    publish_v2(alur, waktu_7_is_15_minutes())
    owners = [Actor("pemilik", frozenset({"process_owner"})), Actor("pemilik2", frozenset({"process_owner"}))]
    barrier, outcomes = threading.Barrier(2), [None, None]

    def run(index):
        barrier.wait()
        outcomes[index] = alur.migrate(owners[index], KEY, [instance_id], None).cases[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.migrated for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if not o.migrated)
    assert loser.conflict or loser.reasons == ("Kasus ini sudah di versi 2.",)
    assert len(events(alur, instance_id, "instance.migrated")) == 1
    assert alur.verify(instance_id).intact


# -- what may be chosen, and by whom --------------------------------------------------------------
def test_candidates_are_the_running_cases_on_older_versions(alur):
    at_3, at_7, finished = case_at(alur, 3), case_at(alur, 7), case_at(alur, 3)
    work(alur, finished)
    publish_v2(alur, waktu_7_is_15_minutes())
    on_v2 = case_at(alur, 2)
    listing = alur.migration_candidates(PROCESS_OWNER, KEY)
    assert (listing.target.version, [t.version for t in listing.targets]) == (2, [2])
    assert [c.instance_id for c in listing.cases] == [at_3, at_7]
    assert listing.cases[1].current_steps == ("Langkah 7 · Catat identitas dan arahkan ke konsultasi",)
    assert listing.case_versions == [1]
    assert alur.migration_candidates(PROCESS_OWNER, KEY, 1).cases == ()
    report = by_case(alur.migration_dry_run(PROCESS_OWNER, KEY, [on_v2, 999_999], None))
    assert report[on_v2].reasons == ("Kasus ini sudah di versi 2.",)
    assert report[999_999].reasons == ("Kasus #999999 tidak ditemukan.",)
    older = by_case(alur.migration_dry_run(PROCESS_OWNER, KEY, [on_v2], 1))[on_v2]
    assert "lebih baru daripada versi tujuan 1" in older.reasons[0]


def test_a_case_of_another_process_is_refused(alur):
    other_key = "pelayanan_lain"
    alur.deploy(SOP.replace(KEY, other_key).encode(), PROCESS_OWNER, change_note="Proses lain")
    other = alur.start(other_key, UPP_KEMENTERIAN).instance_id
    publish_v2(alur, waktu_7_is_15_minutes())
    report = alur.migration_dry_run(PROCESS_OWNER, KEY, [other], None)
    assert report.cases[0].reasons[0].startswith("Kasus ini milik proses lain")
    assert not alur.migrate(PROCESS_OWNER, KEY, [other], None).cases[0].migrated


def test_a_renamed_lane_label_is_safe_because_roles_follow_the_lane_id(alur):
    at_7 = case_at(alur, 7)
    publish_v2(alur, SOP.replace('name="UPP Unit Kerja"', 'name="UPP Unit Kerja Deputi V"'))
    done = alur.migrate(PROCESS_OWNER, KEY, [at_7], None).cases[0]
    assert done.migrated, done.reasons
    assert any("Nama jalur" in n and "peran pelaksananya tetap" in n for n in done.notes)
    assert open_tasks(alur, at_7)[0].role == "upp_unit_kerja"


@pytest.mark.parametrize("actor", [AUDITOR, UPP_UNIT_KERJA, Actor("admin", frozenset({"admin"}))])
def test_only_process_owners_migrate(alur, actor):
    instance_id = case_at(alur, 2)
    publish_v2(alur, waktu_7_is_15_minutes())
    untouched = stored(alur, instance_id)
    with pytest.raises(Forbidden):
        alur.migration_candidates(actor, KEY)
    with pytest.raises(Forbidden):
        alur.migration_dry_run(actor, KEY, [instance_id], None)
    with pytest.raises(Forbidden):
        alur.migrate(actor, KEY, [instance_id], None)
    assert stored(alur, instance_id) == untouched


def test_the_shipped_sop_is_what_these_versions_edit():
    """The edits above are text replacements: each must have found its mark."""
    for make in (waktu_7_is_15_minutes, archive_after_survey, form_of_step_2_changed, step_4_removed,
                 konsultasi_replaced_by_a_meeting):
        assert make() != SOP, make.__name__
    assert "Task_04_SampaikanKeputusan" not in step_4_removed()
    assert Path(ROOT / "forms" / "schemas" / "catatan_langkah.json").is_file()
