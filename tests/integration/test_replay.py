"""Replay and deterministic re-execution, on SQLite and PostgreSQL: the frames of all three SOP
paths, their re-execution (step by step and against the stored state), a migrated case, a timer
that cancels a task, a purged case, and the divergences a tampered state or a rewritten event
leave; only auditors; the CLI's `alur replay` and `alur reexecute`."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from SpiffWorkflow.util.task import TaskState

from engine import runtime
from engine.case import Actor
from engine.cli import cli
from engine.db.append_only import remove_append_only_guard
from engine.errors import Forbidden, NotFound
from tests.conftest import (AUDITOR, PROCESS_OWNER, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, make_alur)
from tests.integration.test_migration import archive_after_survey, case_at, publish_v2, work
from tests.integration.test_sop_paths import run_case
from tests.integration.test_timers import STARTER, TIMERS_BPMN
from tests.sop_data import PEMBERITAHUAN

KEY = "pelayanan_pengaduan"
DONE_BY_STEP = ["Task_01_Screening", "Task_02_VerifikasiDumas", "Task_03_KeputusanSesdep",
                "Task_04_SampaikanKeputusan", "Task_05_InformasikanPengunjung", "Task_06_Kedatangan"]
PATHS = {
    "konsultasi": ("konsultasi", True, "Task_07_Konsultasi", "EndEvent_Konsultasi"),
    "progres": ("tanya_progres", True, "Task_07_Progres", "EndEvent_Progres"),
    "ditolak": ("konsultasi", False, None, "EndEvent_Ditolak"),
}
ADMIN = Actor("admin", frozenset({"admin"}))


def completion(replay, bpmn_id: str):
    return next(f for f in replay.frames if f.kind == "task.completed" and f.bpmn_id == bpmn_id)


def state_of(alur, instance_id: int):
    with alur.ctx.db.connect() as connection:
        return connection.execute(text("select state_json, definition_id from instance where id = :id"),
                                  {"id": instance_id}).one()


def stored_workflow(alur, instance_id: int):
    row = state_of(alur, instance_id)
    with alur.ctx.uow(write=False) as uow:
        compiled = alur.ctx.compiled.get(row.definition_id, lambda: uow.definitions.spec_json(row.definition_id))
    return runtime.load_state(row.state_json, compiled)


def write_state(alur, instance_id: int, workflow) -> None:
    """An attacker with database access: the instance table has no append-only guard."""
    with alur.ctx.db.begin() as connection:
        connection.execute(text("update instance set state_json = :s where id = :id"),
                           {"s": runtime.dump_state(workflow), "id": instance_id})


def rewrite_event(alur, instance_id: int, seq: int, change) -> None:
    """An attacker who removed the append-only guard rewrites one event's data."""
    with alur.ctx.db.begin() as connection:
        remove_append_only_guard(connection)
        row = connection.execute(text("select id, data_json from event where instance_id = :i and seq = :s"),
                                 {"i": instance_id, "s": seq}).one()
        data = json.loads(row.data_json) if isinstance(row.data_json, str) else dict(row.data_json)
        change(data)
        connection.execute(text("update event set data_json = :d where id = :id"),
                           {"d": json.dumps(data), "id": row.id})


def stored_rows(alur, instance_id: int) -> tuple:
    with alur.ctx.db.connect() as connection:
        return (tuple(connection.execute(text("select revision, event_seq, state_json from instance where id = :i"),
                                         {"i": instance_id}).one()),
                connection.execute(text("select count(*) from event where instance_id = :i"),
                                   {"i": instance_id}).scalar())


# -- replay ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PATHS)
def test_replay_shows_each_moment_of_every_path(alur, path):
    tujuan, approved, step_7, end = PATHS[path]
    started, _result, walked = run_case(alur, tujuan=tujuan, disetujui=approved)
    replay = alur.case_replay(AUDITOR, started.instance_id)
    history = alur.history(AUDITOR, started.instance_id)
    assert [f.seq for f in replay.frames] == [e.seq for e in history]
    assert replay.ticket_code == started.ticket_code and replay.personal_masked

    first = replay.frames[0]
    assert first.kind == "instance.started" and first.done == () and first.active == ("Task_01_Screening",)
    assert first.case_data == {} and first.definition_version == 1

    # The moment step 3 was completed: steps 1-3 done, step 4 open, the decision in the data.
    step_3 = completion(replay, "Task_03_KeputusanSesdep")
    assert step_3.seq == 9 and step_3.sop_step == 3 and step_3.lane_name == "Sesdep" and step_3.actor == "sesdep"
    assert step_3.done == tuple(DONE_BY_STEP[:3]) and step_3.active == ("Task_04_SampaikanKeputusan",)
    assert step_3.cancelled == () and step_3.end_event is None and step_3.status == "running"
    assert step_3.case_data["keputusan"] == ("disetujui" if approved else "ditolak")
    assert "keputusan_disampaikan" not in step_3.case_data  # step 4's data comes later
    # Personal data masked as the auditors' history shows it; the name stays.
    assert step_3.case_data["nik"] == "************0001" and step_3.case_data["alamat"] == "•••"
    assert step_3.case_data["nama"] == "Budi Santoso"
    screening_frame = completion(replay, "Task_01_Screening")
    assert screening_frame.personal["nik"] == "************0001" and "nik" not in screening_frame.data
    # The claim of step 4 changes nothing: same state as the save before it.
    claim_4 = next(f for f in replay.frames if f.kind == "task.claimed" and f.bpmn_id == "Task_04_SampaikanKeputusan")
    assert (claim_4.done, claim_4.active) == (step_3.done, step_3.active)

    step_5 = completion(replay, "Task_05_InformasikanPengunjung")
    if approved:
        assert step_5.active == ("Task_06_Kedatangan",) and step_5.end_event is None
        step_6 = completion(replay, "Task_06_Kedatangan")
        assert step_6.active == (step_7,) and step_6.lane_name == "Masyarakat"
        assert completion(replay, step_7).active == ("Task_08_Survei",)
    else:
        assert step_5.active == () and step_5.end_event == end and step_5.end_name == "Kunjungan ditolak"
    last = replay.frames[-1]
    assert last.kind == "instance.completed" and last.end_event == end and last.active == ()
    assert len(last.done) == len(walked) and last.status == "completed"
    assert replay.frame_at(None) is first and replay.frame_at(9) is step_3
    assert replay.neighbours(step_3) == (replay.frames[7], replay.frames[9])
    with pytest.raises(NotFound, match="#999"):
        replay.frame_at(999)


def test_replay_and_reexecution_are_for_auditors_only(alur):
    started = alur.start(KEY, UPP_KEMENTERIAN)
    for actor in (UPP_KEMENTERIAN, UPP_UNIT_KERJA, SESDEP, PROCESS_OWNER, ADMIN):
        with pytest.raises(Forbidden, match="auditor"):
            alur.case_replay(actor, started.instance_id)
        with pytest.raises(Forbidden, match="auditor"):
            alur.reexecute(actor, started.instance_id)
        with pytest.raises(Forbidden):
            alur.reexecute_all(actor)
    with pytest.raises(NotFound):
        alur.case_replay(AUDITOR, 987654)
    with pytest.raises(NotFound):
        alur.reexecute(AUDITOR, 987654)


# -- re-execution ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PATHS)
def test_every_path_reexecutes_exactly_as_recorded(alur, path):
    tujuan, approved, step_7, end = PATHS[path]
    started, _result, walked = run_case(alur, tujuan=tujuan, disetujui=approved)
    before = stored_rows(alur, started.instance_id)
    report = alur.reexecute(AUDITOR, started.instance_id)
    assert report.matches, [d.message for d in report.divergences]
    assert report.state_compared and report.stopped_at is None and report.start_version == 1
    # One step per workflow move: the start and each completion.
    assert [s.kind for s in report.steps] == ["instance.started"] + ["task.completed"] * len(walked)
    assert report.steps[0].ready == ("Task_01_Screening",)
    assert report.steps[3].where == "langkah 3 Sesdep" and report.steps[3].ready == ("Task_04_SampaikanKeputusan",)
    assert report.steps[-1].end_event == end and all(s.matches for s in report.steps)
    if step_7:
        assert report.steps[6].ready == (step_7,)
    assert stored_rows(alur, started.instance_id) == before  # nothing written


def test_a_running_case_reexecutes_up_to_where_it_is(alur):
    instance_id = case_at(alur, 4)
    report = alur.reexecute(AUDITOR, instance_id)
    assert report.matches and report.state_compared
    assert report.steps[-1].ready == ("Task_04_SampaikanKeputusan",)
    assert alur.case_replay(AUDITOR, instance_id).frames[-1].active == ("Task_04_SampaikanKeputusan",)


def test_a_migrated_case_reexecutes_through_its_migration(alur):
    instance_id = case_at(alur, 4)
    publish_v2(alur, archive_after_survey())
    assert alur.migrate(PROCESS_OWNER, KEY, [instance_id], 2).migrated_count == 1
    assert work(alur, instance_id) == [4, 5, 6, 7, 8, 9]
    report = alur.reexecute(AUDITOR, instance_id)
    assert report.matches, [d.message for d in report.divergences]
    assert (report.start_version, report.final_version) == (1, 2) and report.state_compared
    assert "instance.migrated" in [s.kind for s in report.steps]
    assert report.steps[-2].ready == ("Task_09_Arsip",)  # the step version 2 added

    replay = alur.case_replay(AUDITOR, instance_id)
    migrated = next(f for f in replay.frames if f.kind == "instance.migrated")
    before = replay.frames[migrated.index - 1]
    assert before.definition_version == 1 and migrated.definition_version == 2
    assert migrated.definition_id != before.definition_id
    assert migrated.active == ("Task_04_SampaikanKeputusan",) and migrated.cancelled == ()
    archive = completion(replay, "Task_09_Arsip")
    assert archive.sop_step == 9 and archive.step_name == "Arsipkan berkas kunjungan"
    assert replay.frames[-1].done[-1] == "Task_09_Arsip" and replay.frames[-1].end_event == "EndEvent_Konsultasi"


def test_a_timer_that_cancels_a_task_reexecutes(database_url):
    alur = make_alur(database_url)
    try:
        alur.deploy(TIMERS_BPMN.read_bytes(), PROCESS_OWNER)
        started = alur.start("proses_pengingat", STARTER)
        for pause in (1.1, 2.1):  # the intermediate timer (PT1S), then the task's boundary timer (PT2S)
            time.sleep(pause)
            assert alur.fire_due_timers() == 1
        report = alur.reexecute(AUDITOR, started.instance_id)
        assert report.matches, [d.message for d in report.divergences]
        assert [s.kind for s in report.steps] == ["instance.started", "timer.fired", "timer.fired"]
        assert report.steps[1].ready == ("Task_Verifikasi",)
        assert report.steps[2].cancelled == ("Task_Verifikasi",) and report.steps[2].end_event == "End_Batas"
        frames = alur.case_replay(AUDITOR, started.instance_id).frames
        assert frames[-1].cancelled == ("Task_Verifikasi",) and frames[-1].active == ()
        assert frames[-1].end_event == "End_Batas"
    finally:
        alur.close()


def test_a_purged_case_still_reexecutes_with_its_personal_fields_as_wildcards(alur):
    started, _result, _walked = run_case(alur, tujuan="konsultasi", disetujui=True)
    real = alur.ctx.clock
    alur.ctx.clock = lambda: real() + timedelta(days=800)
    report = alur.purge_expired(ADMIN, dry_run=False)
    alur.ctx.clock = real
    assert [c.instance_id for c in report.purged] == [started.instance_id]
    result = alur.reexecute(AUDITOR, started.instance_id)
    assert result.personal_purged and result.matches, [d.message for d in result.divergences]
    frames = alur.case_replay(AUDITOR, started.instance_id).frames
    assert "nik" not in frames[-1].case_data and frames[-1].case_data["tujuan"] == "konsultasi"


def test_a_purged_free_text_quoting_the_visitor_matches_its_masked_copy(alur):
    from tests.integration.test_migration import STAFF
    from tests.sop_data import DATA_BY_FORM, keputusan, screening
    started = alur.start(KEY, UPP_KEMENTERIAN, first_task_data=screening("tanya_progres"))
    message = {**PEMBERITAHUAN, "pesan_kepada_pengunjung": "Bapak Budi Santoso, permohonan Anda disetujui."}
    while True:
        ready = [t for t in alur.case(AUDITOR, instance_id=started.instance_id).tasks if t.state == "ready"]
        if not ready:
            break
        task = ready[0]
        data = (keputusan(True) if task.form_key == "keputusan_sesdep" else
                message if task.form_key == "pemberitahuan_pengunjung" else DATA_BY_FORM[task.form_key])
        if task.role == "masyarakat":
            alur.visitor_complete(started.ticket_code, task.form_key, data)
        else:
            alur.complete(STAFF[task.role], task.id, data)
    real = alur.ctx.clock
    alur.ctx.clock = lambda: real() + timedelta(days=800)
    alur.purge_expired(ADMIN, dry_run=False)
    alur.ctx.clock = real
    kept = runtime.last_task_data(state_of(alur, started.instance_id).state_json)
    assert "Budi" not in kept["pesan_kepada_pengunjung"]  # the purge masked it in the state
    report = alur.reexecute(AUDITOR, started.instance_id)
    assert report.matches, [d.message for d in report.divergences]


# -- divergences -------------------------------------------------------------------------------
def test_a_tampered_state_is_reported_at_the_end_with_what_differs(alur):
    started, _result, _walked = run_case(alur, tujuan="tanya_progres", disetujui=True)
    workflow = stored_workflow(alur, started.instance_id)
    workflow.last_task.data["tujuan"] = "konsultasi"
    workflow.last_task.data["nik"] = "3171011501900009"
    write_state(alur, started.instance_id, workflow)

    report = alur.reexecute(AUDITOR, started.instance_id)
    assert not report.matches and report.state_compared and report.stopped_at is None
    assert all(s.matches for s in report.steps)  # the log itself is intact
    by_aspect = {(d.aspect, d.seq) for d in report.divergences}
    assert by_aspect == {("data", None)}
    messages = [d.message for d in report.divergences]
    assert "keadaan akhir, data kasus 'tujuan': eksekusi ulang “tanya_progres”, tersimpan “konsultasi”" in messages
    nik = next(m for m in messages if "'nik'" in m)
    assert "3171011501900009" not in nik and "0001" not in nik and "data pribadi" in nik


def test_a_task_state_changed_in_the_stored_state_is_named(alur):
    instance_id = case_at(alur, 4)
    workflow = stored_workflow(alur, instance_id)
    task = runtime.ready_user_tasks(workflow)[0]
    task._set_state(TaskState.CANCELLED)  # as if someone withdrew the open step by hand
    write_state(alur, instance_id, workflow)
    report = alur.reexecute(AUDITOR, instance_id)
    states = [d for d in report.divergences if d.aspect == "state"]
    assert [d.message for d in states] == [
        "keadaan akhir, Task_04_SampaikanKeputusan: eksekusi ulang siap, tersimpan dibatalkan"]


def test_a_rewritten_decision_is_reported_where_the_gateway_went_the_other_way(alur):
    started, _result, _walked = run_case(alur, tujuan="konsultasi", disetujui=True)
    decision = completion(alur.case_replay(AUDITOR, started.instance_id), "Task_03_KeputusanSesdep")
    step_5 = completion(alur.case_replay(AUDITOR, started.instance_id), "Task_05_InformasikanPengunjung")
    rewrite_event(alur, started.instance_id, decision.seq, lambda data: data.update(keputusan="ditolak"))

    report = alur.reexecute(AUDITOR, started.instance_id)
    assert not report.matches
    first = report.divergences[0]
    # The gateway after step 5 reads the decision: that save is where the flow left the record.
    assert (first.seq, first.aspect) == (step_5.seq, "ready")
    assert first.message == (
        f"peristiwa #{step_5.seq} (langkah 5 UPP Kementerian): eksekusi ulang tidak menyiapkan langkah apa pun, "
        f"catatan merekam Task_06_Kedatangan (gerbang Gateway_Keputusan membaca keputusan = “ditolak” "
        f"dari peristiwa #{decision.seq})")
    end = report.divergences[1]
    assert (end.seq, end.aspect, end.reexecuted) == (step_5.seq, "end", "mencapai akhir EndEvent_Ditolak")
    # Step 6 was recorded as done, but re-execution never opened it: it stops there.
    step_6 = completion(alur.case_replay(AUDITOR, started.instance_id), "Task_06_Kedatangan")
    assert report.stopped_at == step_6.seq and not report.state_compared
    assert report.divergences[-1].aspect == "task" and "Task_06_Kedatangan" in report.divergences[-1].message
    assert [s.matches for s in report.steps] == [True] * 5 + [False]


def test_a_rewritten_ready_step_is_reported_at_the_save_that_made_it(alur):
    instance_id = case_at(alur, 4)
    replay = alur.case_replay(AUDITOR, instance_id)
    ready_3 = next(f for f in replay.frames if f.kind == "task.ready" and f.bpmn_id == "Task_03_KeputusanSesdep")
    with alur.ctx.db.begin() as connection:
        remove_append_only_guard(connection)
        connection.execute(text("update event set bpmn_id = 'Task_05_InformasikanPengunjung' "
                                "where instance_id = :i and seq = :s"), {"i": instance_id, "s": ready_3.seq})
    report = alur.reexecute(AUDITOR, instance_id)
    assert [(d.seq, d.aspect) for d in report.divergences][:1] == [(ready_3.seq - 1, "ready")]
    assert "eksekusi ulang menyiapkan Task_03_KeputusanSesdep, catatan merekam Task_05_InformasikanPengunjung" \
        in report.divergences[0].message


def test_reexecute_all_counts_and_names_the_divergent_cases(alur):
    good = run_case(alur, tujuan="konsultasi", disetujui=False)[0].instance_id
    bad = run_case(alur, tujuan="konsultasi", disetujui=True)[0].instance_id
    rewrite_event(alur, bad, 9, lambda data: data.update(keputusan="ditolak"))
    summary = alur.reexecute_all(AUDITOR)
    assert (summary.cases, summary.matching) == (2, 1) and not summary.matches
    assert [r.instance_id for r in summary.divergent] == [bad] and good != bad


# -- the CLI -----------------------------------------------------------------------------------
def test_cli_replay_and_reexecute(sqlite_alur, sqlite_url):
    runner = CliRunner()

    def run(*args, expect: int = 0):
        result = runner.invoke(cli, ["--database", sqlite_url, *args])
        assert result.exit_code == expect, (args, result.output, result.exception)
        return result.output

    started, _result, _walked = run_case(sqlite_alur, tujuan="konsultasi", disetujui=True)
    case = str(started.instance_id)
    listing = run("replay", case)
    assert f"tiket {started.ticket_code}: 25 peristiwa" in listing
    assert "#9   " in listing and "aktif: Task_04_SampaikanKeputusan" in listing
    frame = run("replay", started.ticket_code, "--step", "9")
    assert "selesai: Task_01_Screening, Task_02_VerifikasiDumas, Task_03_KeputusanSesdep" in frame
    assert "aktif: Task_04_SampaikanKeputusan" in frame and "nik: ************0001" in frame
    assert "3171011501900001" not in frame
    data = json.loads(run("--json", "replay", case, "--step", "9"))
    assert data["seq"] == 9 and data["active"] == ["Task_04_SampaikanKeputusan"]
    assert json.loads(run("--json", "replay", case))["frames"][-1]["end_event"] == "EndEvent_Konsultasi"
    run("replay", case, "--step", "999", expect=1)

    assert "COCOK" in run("reexecute", case)
    assert json.loads(run("--json", "reexecute", case))["matches"] is True
    assert "1 kasus dieksekusi ulang: 1 cocok, 0 tidak cocok." in run("reexecute", "--all")
    run("reexecute", expect=2)  # neither a case nor --all: a usage error

    rewrite_event(sqlite_alur, started.instance_id, 9, lambda data: data.update(keputusan="ditolak"))
    out = run("reexecute", case, expect=4)
    assert "TIDAK COCOK" in out and "peristiwa #15 (langkah 5 UPP Kementerian)" in out
    assert json.loads(run("--json", "reexecute", "--all", expect=4))["matches"] is False


def test_the_bench_helper_measures_both(sqlite_alur):
    from tests.bench.replay_cost import measure_replay
    started, _result, _walked = run_case(sqlite_alur, tujuan="tanya_progres", disetujui=True)
    cost = measure_replay(sqlite_alur, started.instance_id, AUDITOR, 2)
    assert set(cost) == {"replay", "reexecute"} and all(seconds > 0 for seconds in cost.values())
    with pytest.raises(ValueError):
        measure_replay(sqlite_alur, started.instance_id, AUDITOR, 0)
