"""How big a case's stored state is, and how much memory cases take."""
from __future__ import annotations

import gc
import resource
import tracemalloc

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine import runtime
from engine.db.tables import instance
from tests.bench import persisted
from tests.bench.sop import data_for


def state_sizes(spec, subprocess_specs) -> list[list]:
    """One instance walked step by step: the project's state (spec by reference) against
    SpiffWorkflow's default serializer (spec embedded), in bytes, at each step."""
    default = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    wf = BpmnWorkflow(spec, subprocess_specs)
    wf.do_engine_steps()
    rows, step = [], 0
    while True:
        ours = len(runtime.dump_state(wf).encode())
        theirs = len(default.serialize_json(wf).encode())
        label = "started" if step == 0 else ("completed" if wf.is_completed() else f"after {step} completions")
        rows.append([label, len(wf.tasks), ours, theirs, f"{theirs / ours:.1f}x"])
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        task = ready[0]
        task.set_data(**data_for(task.task_spec.extensions["properties"]["form_key"]))
        task.run()
        wf.do_engine_steps()
        step += 1
    return rows


def stored_sizes(alur) -> tuple[float, float, int]:
    """Mean state_json bytes of the completed and the running cases in the bench database."""
    with alur.ctx.db.connect() as c:
        length = func.length(instance.c.state_json)
        done = c.execute(select(func.avg(length)).where(instance.c.status == "completed")).scalar() or 0
        running = c.execute(select(func.avg(length)).where(instance.c.status == "running")).scalar() or 0
        count = c.execute(select(func.count()).select_from(instance)).scalar()
    return float(done), float(running), int(count)


def raw_memory(spec, subprocess_specs, count: int) -> float:
    """MB that `count` completed in-memory workflows hold (tracemalloc, after collection)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = []
    for _ in range(count):
        wf = BpmnWorkflow(spec, subprocess_specs)
        wf.do_engine_steps()
        while ready := wf.get_tasks(state=TaskState.READY, manual=True):
            task = ready[0]
            task.set_data(**data_for(task.task_spec.extensions["properties"]["form_key"]))
            task.run()
            wf.do_engine_steps()
        kept.append(wf)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del kept
    return held / 1e6


def persisted_memory(count: int) -> tuple[float, float]:
    """Start and complete `count` cases on a fresh database under tracemalloc: (peak MB above
    the start, MB still held at the end, which is what the process keeps, caches included)."""
    with persisted.Database() as db:
        persisted.run_round(db.alur, 5)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        persisted.run_round(db.alur, count)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return (peak - base) / 1e6, (current - base) / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
