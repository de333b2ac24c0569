"""SpiffWorkflow behind a few small verbs: new workflow, load, dump, ready tasks, timers, outcome.

The state's text form lives in engine/state_codec.py; the caches in engine/caches.py.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.script_engine import make_script_engine
from engine.state_codec import CompiledProcess, dump_state, last_task_data, load_state

__all__ = ["CompiledProcess", "dump_state", "last_task_data", "load_state", "new_workflow", "ready_user_tasks",
           "find_task", "is_ready", "PendingTimer", "pending_timers", "fire_due_timers", "reached_end_event"]

# The spiff logger attaches task data (NIK, phone numbers) to records below INFO, and makes an
# INFO record on every task state change (about five per completion, ~35 us, a third of the
# engine's own cost); nothing reads them (the event log is the audit trail), so WARNING.
logging.getLogger("spiff").setLevel(logging.WARNING)


def new_workflow(compiled: CompiledProcess) -> BpmnWorkflow:
    workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=make_script_engine())
    return workflow


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    if workflow.subprocesses:
        return workflow.get_tasks(state=TaskState.READY, manual=True)
    # Without subprocesses every task is in workflow.tasks: a scan of that dict finds the same
    # tasks as the tree walk of get_tasks (a READY task never hangs below a predicted one),
    # in a fraction of the time; callers do not depend on the order.
    return [t for t in workflow.tasks.values() if t.state == TaskState.READY and t.task_spec.manual]


def find_task(workflow: BpmnWorkflow, task_id: str):
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except Exception:  # SpiffWorkflow raises its own TaskNotFoundException
        return None


def is_ready(task) -> bool:
    return task is not None and task.state == TaskState.READY


@dataclass(frozen=True)
class PendingTimer:
    task_id: str
    bpmn_id: str
    due_at: datetime


def pending_timers(workflow: BpmnWorkflow) -> list[PendingTimer]:
    timers = []
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        value = definition.details(task).value
        if isinstance(value, str):
            due = datetime.fromisoformat(value)
            if due.tzinfo is None:
                due = due.replace(tzinfo=timezone.utc)
            timers.append(PendingTimer(str(task.id), task.task_spec.bpmn_id, due.astimezone(timezone.utc)))
    return timers


def fire_due_timers(workflow: BpmnWorkflow) -> None:
    workflow.refresh_timers()
    workflow.do_engine_steps()


def _is_completed(workflow: BpmnWorkflow) -> bool:
    """workflow.is_completed(), by a scan of workflow.tasks instead of a tree walk when there are
    no subprocesses (same answer, same side effect: it sets workflow.completed)."""
    if workflow.subprocesses:
        return workflow.is_completed()
    if not workflow.completed and not any(t.state & TaskState.NOT_FINISHED_MASK for t in workflow.tasks.values()):
        workflow.completed = True
    return workflow.completed


def reached_end_event(workflow: BpmnWorkflow) -> str | None:
    """The BPMN id of the end event that closed the top-level process, if it has closed."""
    if not _is_completed(workflow):
        return None
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if isinstance(t.task_spec, EndEvent) and t.workflow is workflow]
    return ends[-1].task_spec.bpmn_id if ends else None
