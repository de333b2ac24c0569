"""BPMN timers fire from the worker within a second of their due time, survive restarts, and
fire exactly once even with several workers (separate processes) on one PostgreSQL database."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, make_alur
from engine.case import Actor
from tests.sop_data import VERIFIKASI

TIMERS_BPMN = ROOT / "tests" / "fixtures" / "bpmn" / "timers.bpmn"
STARTER = Actor("admin", frozenset({"admin"}))
UNIT = Actor("budi", frozenset({"upp_unit_kerja"}))


@pytest.fixture
def timer_alur(database_url):
    alur = make_alur(database_url)
    alur.deploy(TIMERS_BPMN.read_bytes(), PROCESS_OWNER)
    yield alur
    alur.close()


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def fired_events(alur, instance_id):
    return [e for e in alur.history(AUDITOR, instance_id) if e.kind == "timer.fired"]


def test_worker_fires_within_a_second_of_the_due_time(timer_alur):
    stop = threading.Event()
    worker = threading.Thread(target=timer_alur.run_timer_worker, args=(stop,), daemon=True)
    worker.start()
    try:
        started = timer_alur.start("proses_pengingat", STARTER)
        assert started.ready == []  # waiting on the intermediate timer
        event = wait_for(lambda: fired_events(timer_alur, started.instance_id))[0]
        due = datetime.fromisoformat(event.data["due_at"])
        lateness = (event.occurred_at.replace(tzinfo=due.tzinfo) - due).total_seconds()
        assert 0 <= lateness < 1.0, lateness
        assert [t.bpmn_id for t in timer_alur.inbox(UNIT)] == ["Task_Verifikasi"]
        # The boundary timer then interrupts the task and ends the case by its own path.
        wait_for(lambda: timer_alur.case(AUDITOR, instance_id=started.instance_id).status == "completed")
        case = timer_alur.case(AUDITOR, instance_id=started.instance_id)
        assert case.outcome == "End_Batas"
        assert [t.state for t in case.tasks] == ["cancelled"]
        assert [e.data["bpmn_id"] for e in fired_events(timer_alur, started.instance_id)] == [
            "Timer_Tunggu", "Timer_Batas"]
        assert timer_alur.verify(started.instance_id).intact
    finally:
        stop.set()
        worker.join(timeout=5)


def test_completing_the_task_disarms_its_boundary_timer(timer_alur):
    started = timer_alur.start("proses_pengingat", STARTER)
    time.sleep(1.05)
    assert timer_alur.fire_due_timers() == 1
    task = timer_alur.inbox(UNIT)[0]
    timer_alur.complete(UNIT, task.id, VERIFIKASI)
    assert timer_alur.next_timer_due() is None
    time.sleep(2.1)
    assert timer_alur.fire_due_timers() == 0
    assert timer_alur.case(AUDITOR, instance_id=started.instance_id).outcome == "End_Selesai"


def test_pending_timers_survive_a_restart(database_url):
    first = make_alur(database_url)
    first.deploy(TIMERS_BPMN.read_bytes(), PROCESS_OWNER)
    started = first.start("proses_pengingat", STARTER)
    first.close()  # the process that scheduled it is gone
    time.sleep(1.05)
    second = make_alur(database_url)
    assert second.fire_due_timers() == 1
    assert [e.data["bpmn_id"] for e in fired_events(second, started.instance_id)] == ["Timer_Tunggu"]
    second.close()


@pytest.mark.postgres
def test_several_worker_processes_fire_each_timer_exactly_once(postgres_url):
    alur = make_alur(postgres_url)
    alur.deploy(TIMERS_BPMN.read_bytes(), PROCESS_OWNER)
    cases = [alur.start("proses_pengingat", STARTER).instance_id for _ in range(12)]
    env = {**os.environ, "ALUR_DATABASE_URL": postgres_url}
    workers = [subprocess.Popen([sys.executable, "-m", "engine.cli", "worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    try:
        # Each case's intermediate timer fires, then its boundary timer ends it.
        wait_for(lambda: all(alur.case(AUDITOR, instance_id=i).status == "completed" for i in cases), 20)
    finally:
        for worker in workers:
            worker.terminate()
        errors = [w.communicate(timeout=10)[1].decode() for w in workers]
    for instance_id in cases:
        fired = [e.data["bpmn_id"] for e in fired_events(alur, instance_id)]
        assert fired == ["Timer_Tunggu", "Timer_Batas"], (instance_id, fired)
    assert not any("Traceback" in e for e in errors), errors
    alur.close()
