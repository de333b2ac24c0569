"""The engine's fast paths (measured by `python -m tests.bench`) give exactly what the plain paths
give: the state dict, the stored rows, the rows read, the ready list, and a cached workflow that
is never served for a state other than the one committed. Nothing here is timed."""
from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, exc

from tests.conftest import AUDITOR, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, VISITOR, make_alur
from engine import caches, repositories, runtime, state_codec
from engine.db import prepared
from engine.db.connect import make_engine
from engine.errors import EngineFailure
from engine.services import tasks as task_service
from tests.sop_data import DATA_BY_FORM, keputusan, screening

ACTORS = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP,
          "masyarakat": VISITOR}
PATHS = [("konsultasi", True), ("tanya_progres", True), ("konsultasi", False)]
VERSION = {state_codec._SERIALIZER.VERSION_KEY: state_codec._SERIALIZER.VERSION}
TASK_COLUMNS = repositories._TASK_COLUMNS


def data_for(form_key: str, tujuan: str = "konsultasi", disetujui: bool = True) -> dict:
    if form_key == "screening_pengunjung":
        return screening(tujuan)
    if form_key == "keputusan_sesdep":
        return keputusan(disetujui)
    return DATA_BY_FORM[form_key]


@pytest.fixture
def compiled(sqlite_alur):
    with sqlite_alur.ctx.uow(write=False) as uow:
        row = uow.definitions.latest_published("pelayanan_pengaduan")
        return sqlite_alur.ctx.compiled.get(row.id, lambda: uow.definitions.spec_json(row.id))


def walk(compiled, tujuan, disetujui, *, restore_each_step: bool):
    """Every state of one case run in memory, optionally restored from its text at each step."""
    workflow = runtime.new_workflow(compiled)
    workflow.do_engine_steps()
    while True:
        yield workflow
        if restore_each_step:
            workflow = runtime.load_state(runtime.dump_state(workflow), compiled)
        ready = runtime.ready_user_tasks(workflow)
        if not ready:
            return
        task = ready[0]
        task.set_data(**data_for(task.task_spec.extensions["properties"]["form_key"], tujuan, disetujui))
        task.run()
        workflow.do_engine_steps()


@pytest.mark.parametrize("restore_each_step", [False, True])
@pytest.mark.parametrize("tujuan, disetujui", PATHS)
def test_fast_state_dict_is_spiffworkflows_own(compiled, tujuan, disetujui, restore_each_step):
    for workflow in walk(compiled, tujuan, disetujui, restore_each_step=restore_each_step):
        fast, plain = state_codec._state_dict(workflow)
        stock = state_codec._SERIALIZER.to_dict(workflow)
        assert plain and fast == stock
        assert json.dumps(fast) == json.dumps(stock)  # key order too
        assert json.loads(runtime.dump_state(workflow)) == {**stock, **VERSION}
        assert ({t.id for t in runtime.ready_user_tasks(workflow)}
                == {t.id for t in workflow.get_tasks(state=runtime.TaskState.READY, manual=True)})
        completed = workflow.completed
        assert runtime._is_completed(workflow) == workflow.is_completed() and workflow.completed >= completed


@pytest.mark.parametrize("tujuan, disetujui", PATHS)
def test_the_last_tasks_data_read_off_the_text_is_the_restored_workflows(compiled, tujuan, disetujui):
    for workflow in walk(compiled, tujuan, disetujui, restore_each_step=True):
        text = runtime.dump_state(workflow)
        restored = runtime.load_state(text, compiled).last_task
        assert runtime.last_task_data(text) == (restored.data if restored is not None else {})
    assert runtime.last_task_data(text)["tujuan"] == tujuan  # the walk got somewhere
    other_version = json.loads(text)
    other_version[state_codec._SERIALIZER.VERSION_KEY] = "0.0"
    assert runtime.last_task_data(json.dumps(other_version)) is None  # the caller loads it whole


def test_unusual_task_data_takes_the_plain_json_path(compiled):
    workflow = runtime.new_workflow(compiled)
    workflow.do_engine_steps()
    task = runtime.ready_user_tasks(workflow)[0]
    task.set_data(rasio=float("nan"), besar=2 ** 70)
    text = runtime.dump_state(workflow)
    assert text == json.dumps({**state_codec._SERIALIZER.to_dict(workflow), **VERSION}, separators=(",", ":"))
    restored = runtime.find_task(runtime.load_state(text, compiled), str(task.id))
    assert math.isnan(restored.data["rasio"]) and restored.data["besar"] == 2 ** 70
    task.set_data(waktu=datetime.now(timezone.utc))  # not JSON: refused as before
    with pytest.raises(TypeError):
        runtime.dump_state(workflow)


def test_a_restored_workflow_refers_to_its_tasks_by_the_dict_keys(compiled):
    workflow = next(walk(compiled, "konsultasi", True, restore_each_step=False))
    restored = runtime.load_state(runtime.dump_state(workflow), compiled)
    keys = {key: key for key in restored.tasks}
    for task in restored.tasks.values():
        assert keys[task.id] is task.id
        assert task._parent is None or keys[task._parent] is task._parent
        assert all(keys[child] is child for child in task._children)


def test_the_cache_serves_only_the_revision_and_chain_head_it_was_committed_at():
    cache = caches.WorkflowCache(limit=2)
    marker = object()
    cache.put(1, 5, "head-5", marker)
    assert cache.take(1, 5, "other-head") is None
    assert cache.take(1, 5, "head-5") is None  # a wrong take dropped it
    cache.put(1, 5, "head-5", marker)
    assert cache.take(1, 6, "head-5") is None
    cache.put(1, 5, "head-5", marker)
    cache.advance(1, (4, "head-4"), (6, "head-6"))  # not the entry's key: no change
    cache.advance(1, (5, "head-5"), (6, "head-6"))
    assert cache.take(1, 6, "head-6") is marker
    assert cache.take(1, 6, "head-6") is None  # taking removes
    for instance_id in (1, 2, 3):
        cache.put(instance_id, 1, "h", marker)
    assert cache.take(1, 1, "h") is None and cache.take(3, 1, "h") is marker  # bounded, oldest out


def work(alurs, tujuan="konsultasi", disetujui=True):
    """One case, each step done through the next Alur in turn (several processes on one DB)."""
    started = alurs[0].start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(tujuan))
    ready, step, result = started.ready, 0, None
    while ready:
        task = ready[0]
        alur = alurs[step % len(alurs)]
        actor = ACTORS[task.role]
        if step % 3 == 0:
            alur.claim(actor, task.id)
        result = alur.complete(actor, task.id, data_for(task.form_key, tujuan, disetujui))
        ready, step = result.ready, step + 1
    return started, result


def test_processes_sharing_a_database_never_work_from_a_stale_cached_workflow(sqlite_url):
    first = make_alur(sqlite_url)
    first.deploy_shipped()
    second = make_alur(sqlite_url)
    try:
        for tujuan, disetujui in PATHS:
            alone, alone_result = work([first], tujuan, disetujui)
            shared, shared_result = work([first, second], tujuan, disetujui)
            assert (shared_result.status, shared_result.outcome) == (alone_result.status, alone_result.outcome)
            cases = [second.case(AUDITOR, instance_id=started.instance_id) for started in (alone, shared)]
            assert [e.kind for e in cases[0].events] == [e.kind for e in cases[1].events]
            assert cases[0].data == cases[1].data
            assert all(first.verify(case.id).intact for case in cases)
        assert first.ctx.compiled.workflows.hits > 0  # the lone cases ran from the cache
        assert first.ctx.compiled.workflows.misses > 0  # the shared ones could not, every other step
    finally:
        first.close()
        second.close()


def test_a_failed_completion_leaves_no_workflow_cached(sqlite_alur, monkeypatch):
    started = sqlite_alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    step2 = started.ready[0]
    step3 = sqlite_alur.complete(UPP_UNIT_KERJA, step2.id, DATA_BY_FORM["verifikasi_dumas"]).ready[0]
    cache = sqlite_alur.ctx.compiled.workflows
    assert started.instance_id in cache._items

    def broken(workflow):
        raise RuntimeError("disk full")
    monkeypatch.setattr(runtime, "dump_state", broken)  # fails after the engine ran the step
    with pytest.raises(EngineFailure):
        sqlite_alur.complete(SESDEP, step3.id, keputusan(True))
    assert started.instance_id not in cache._items  # the half-run workflow was dropped
    monkeypatch.undo()
    misses = cache.misses
    result = sqlite_alur.complete(SESDEP, step3.id, keputusan(True))
    assert cache.misses == misses + 1 and result.ready[0].sop_step == 4
    assert sqlite_alur.verify(started.instance_id).intact


def test_ready_tasks_answered_from_memory_are_the_inbox_rows(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    ready = started.ready
    while ready:
        task = ready[0]
        result = alur.complete(ACTORS[task.role], task.id, data_for(task.form_key))
        with alur.ctx.uow(write=False) as uow:
            assert result.ready == task_service.ready_items(uow, started.instance_id)
        ready = result.ready


def _stored(alur, mode: str, instance_id: int, monkeypatch) -> tuple:
    if mode == "sqlalchemy":
        monkeypatch.setattr(prepared, "_plain_sqlite", lambda c: None)
    moment = datetime(2026, 5, 1, 3, 4, 5, 123456, tzinfo=timezone(timedelta(hours=7)))
    with alur.ctx.uow(write=True) as uow:
        uow.tasks.add_many([dict(id=f"t-{mode}", instance_id=instance_id, bpmn_id="b", name="Nama ä", lane_id="l",
                                 role="r", sop_step=1, form_key="f", state="ready", created_at=moment, due_at=moment)])
        assert uow.tasks.claim(f"t-{mode}", "ani", moment) and uow.tasks.release(f"t-{mode}", "ani")
        assert uow.tasks.mark_completed(f"t-{mode}", "ani", moment)
        event_id = uow.events.add(dict(
            instance_id=instance_id, seq=1000 + len(mode), occurred_at=moment, actor="a", kind="k", task_id=None,
            bpmn_id=None, lane_id=None, data_json={"x": [1, "é", None], "b": True}, personal_digest=None,
            prev_hash="0" * 64, hash="1" * 64), {"salt": "s", "data_json": {"nik": "3171"}})
        row = uow.instances.get(instance_id)
        assert uow.instances.save(instance_id, row.revision, state_json=row.state_json, updated_at=moment,
                                  display_name="Ä")
        task, case = uow.tasks.get_with_case(f"t-{mode}")
        uow.commit()
    monkeypatch.undo()
    raw = alur.ctx.db.raw_connection()
    try:
        cursor = raw.cursor()
        columns = [r[1] for r in cursor.execute("PRAGMA table_info(human_task)").fetchall() if r[1] != "id"]
        return (
            cursor.execute(f"SELECT {', '.join(f'quote({c})' for c in columns)} FROM human_task WHERE id = ?",
                           (f"t-{mode}",)).fetchall(),
            cursor.execute("SELECT quote(occurred_at), quote(data_json) FROM event WHERE id = ?", (event_id,)).fetchall(),
            cursor.execute("SELECT quote(salt), quote(data_json) FROM event_personal WHERE event_id = ?",
                           (event_id,)).fetchall(),
            cursor.execute("SELECT quote(updated_at), quote(display_name) FROM instance WHERE id = ?",
                           (instance_id,)).fetchall(),
            tuple(task)[1:TASK_COLUMNS], task._fields, [type(v) for v in task],
            case._replace(revision=0), type(case),
        )
    finally:
        raw.close()


def test_prepared_statements_store_and_read_what_sqlalchemy_does(sqlite_alur, monkeypatch):
    instance_id = sqlite_alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening()).instance_id
    assert _stored(sqlite_alur, "prepared", instance_id, monkeypatch) == \
        _stored(sqlite_alur, "sqlalchemy", instance_id, monkeypatch)


def test_lists_of_tasks_read_on_the_direct_path_what_sqlalchemy_reads(sqlite_alur, monkeypatch):
    started = [sqlite_alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(nama=name))
               for name in ("Budi Santoso", "Siti Aminah", "Rudi Hartono")]
    sqlite_alur.claim(UPP_UNIT_KERJA, started[1].ready[0].id)
    queries = [dict(), dict(status="unclaimed"), dict(status="mine"), dict(status="others"), dict(mine_only=True),
               dict(search="udi", sop_step=2), dict(search=started[2].ticket_code.lower()), dict(limit=1, offset=1),
               dict(limit=2, offset=2), dict(limit=1, offset=9)]

    def read() -> list:
        return ([sqlite_alur.inbox_page(UPP_UNIT_KERJA, **query) for query in queries]
                + [sqlite_alur.case(AUDITOR, instance_id=s.instance_id) for s in started]
                + [sqlite_alur.task_detail(UPP_UNIT_KERJA, s.ready[0].id) for s in started])

    direct = read()
    monkeypatch.setattr(prepared, "_plain_sqlite", lambda c: None)
    assert direct == read()
    assert [len(page.items) for page in direct[:len(queries)]] == [3, 2, 1, 0, 3, 2, 1, 1, 1, 0]
    assert all(t.created_at.tzinfo is timezone.utc and t.due_at.tzinfo is timezone.utc and t.completed_at is None
               for page in direct[:len(queries)] for t in page.items)


def test_prepared_statement_errors_are_wrapped_as_sqlalchemy_wraps_them(sqlite_alur):
    instance_id = sqlite_alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening()).instance_id
    with sqlite_alur.ctx.uow(write=True) as uow:
        duplicate = dict(instance_id=instance_id, seq=1, occurred_at=datetime.now(timezone.utc), actor="a", kind="k",
                         task_id=None, bpmn_id=None, lane_id=None, data_json={}, personal_digest=None,
                         prev_hash="0" * 64, hash="1" * 64)
        with pytest.raises(exc.IntegrityError, match="UNIQUE"):
            uow.events.add(duplicate, None)
        assert uow.instances.get(instance_id) is not None  # the transaction goes on


def test_statements_go_through_sqlalchemy_when_someone_listens(sqlite_alur):
    seen = []
    event.listen(sqlite_alur.ctx.db, "before_cursor_execute", lambda *args: seen.append(args[2]))
    started = sqlite_alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    sqlite_alur.complete(UPP_UNIT_KERJA, started.ready[0].id, DATA_BY_FORM["verifikasi_dumas"])
    assert any(s.startswith("UPDATE instance") for s in seen) and any(s.startswith("INSERT INTO event") for s in seen)


def test_a_begin_that_times_out_is_sqlalchemys_operational_error(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    event.listen(engine, "connect", lambda dbapi_connection, _: dbapi_connection.execute("PRAGMA busy_timeout=50"))
    writer = engine.execution_options(alur_access="write")
    holder, waiter = writer.connect(), writer.connect()
    try:
        holder.begin()
        with pytest.raises(exc.OperationalError, match="locked"):
            waiter.begin()
    finally:
        holder.close()
        waiter.close()
        engine.dispose()
