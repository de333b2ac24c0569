"""SpiffWorkflow behind a few small verbs: compile, new workflow, load, dump, ready tasks, timers.

The workflow state is stored without its spec. The spec of each definition version is
serialized once (process_definition.spec_json) and restored once per process into a cache, so
loading a case is only its task tree: smaller rows and a faster load than SpiffWorkflow's
default, which re-embeds and re-parses the whole spec in every case.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.script_engine import make_script_engine

# The spiff logger attaches task data (NIK, phone numbers) to records below INFO.
logging.getLogger("spiff").setLevel(logging.INFO)


class _WorkflowBySpecReference(BpmnWorkflowConverter):
    """Leaves the spec out of the state; takes it back from the caller when restoring."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = _WorkflowBySpecReference
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
STATE_FORMAT = f"alur-1/spiff-{_SERIALIZER.VERSION}"


@dataclass(frozen=True)
class CompiledProcess:
    """A definition version's spec objects, shared read-only by every case that runs it."""
    spec: object
    subprocess_specs: dict


def spec_to_json(spec, subprocess_specs: dict) -> str:
    return json.dumps({
        "format": STATE_FORMAT,
        "spec": _SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: _SERIALIZER.to_dict(s) for name, s in subprocess_specs.items()},
    })


def compile_spec_json(text: str) -> CompiledProcess:
    dct = json.loads(text)
    return CompiledProcess(
        spec=_SERIALIZER.from_dict(dct["spec"]),
        subprocess_specs={name: _SERIALIZER.from_dict(s) for name, s in dct["subprocess_specs"].items()},
    )


class CompiledCache:
    """Definition id -> CompiledProcess. Definitions never change once stored, so no eviction
    is needed beyond a size bound."""

    def __init__(self, limit: int = 64):
        self._items: dict[int, CompiledProcess] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, definition_id: int, load_spec_json) -> CompiledProcess:
        compiled = self._items.get(definition_id)
        if compiled is None:
            compiled = compile_spec_json(load_spec_json())
            with self._lock:
                if len(self._items) >= self._limit:
                    self._items.pop(next(iter(self._items)))
                self._items[definition_id] = compiled
        return compiled


def new_workflow(compiled: CompiledProcess) -> BpmnWorkflow:
    workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs, script_engine=make_script_engine())
    return workflow


def dump_state(workflow: BpmnWorkflow) -> str:
    dct = _SERIALIZER.to_dict(workflow)
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    return json.dumps(dct, separators=(",", ":"))


def load_state(text: str, compiled: CompiledProcess) -> BpmnWorkflow:
    dct = json.loads(text)
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.from_dict(dct, spec=compiled.spec, subprocess_specs=compiled.subprocess_specs)
    workflow.script_engine = make_script_engine()
    return workflow


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


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


def reached_end_event(workflow: BpmnWorkflow) -> str | None:
    """The BPMN id of the end event that closed the top-level process, if it has closed."""
    if not workflow.is_completed():
        return None
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if isinstance(t.task_spec, EndEvent) and t.workflow is workflow]
    return ends[-1].task_spec.bpmn_id if ends else None
