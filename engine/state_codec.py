"""Workflow state <-> text, with the spec stored by reference.

The spec of each definition version is serialized once (process_definition.spec_json); a case's
state leaves it out and takes it back from the caller when restored: smaller rows and a faster
load than SpiffWorkflow's default, which re-embeds the whole spec in every case.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge

from engine.bpmn.script_engine import make_script_engine


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


# -- the state, fast ---------------------------------------------------------------------------
# Serializing is on every completion's path. SpiffWorkflow's generic converter dispatches every
# value through its registry and formats each task UUID four times; `_state_dict` builds the very
# same dictionary (the tests compare them) with one pass over the tasks, for the common shape: no
# subprocesses and plain Task objects. It also notes whether every value is plain JSON (str, int,
# bool, None, finite float, list, dict with str keys): only then is the text written by orjson,
# which would otherwise differ from json.dumps (NaN -> null, UUIDs and enums as strings).
_TASK_TYPENAME = _SERIALIZER.registry.typenames.get(Task)
_WORKFLOW_TYPENAME = _SERIALIZER.registry.typenames.get(BpmnWorkflow)
_FAST_STATE = _CONFIG.get(Task) is TaskConverter and _TASK_TYPENAME is not None
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})
_ORJSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
                   | orjson.OPT_PASSTHROUGH_SUBCLASS)


def _plain(value) -> bool:
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _PLAIN_TYPES and not _plain(item)):
                return False
        return True
    if kind is list:
        for item in value:
            if type(item) not in _PLAIN_TYPES and not _plain(item):
                return False
        return True
    if kind is float:
        return math.isfinite(value)
    return kind in _PLAIN_TYPES


_ID_TEXT: dict[UUID, str] = {}  # str(uuid) of task ids, a memo (a live case's ids recur every save)


def _id_text(task_id: UUID) -> str:
    if len(_ID_TEXT) >= 100_000:
        _ID_TEXT.clear()
    text = _ID_TEXT[task_id] = str(task_id)
    return text


def _state_dict(workflow: BpmnWorkflow) -> tuple[dict, bool]:
    """(the dict _SERIALIZER.to_dict(workflow) returns, whether all of it is plain JSON). With
    plain JSON, equal data means no delta (NaN, never equal to itself, is not plain)."""
    tasks = workflow.tasks
    if not _FAST_STATE or workflow.subprocesses or any(type(t) is not Task for t in tasks.values()):
        return _SERIALIZER.to_dict(workflow), False
    registry = _SERIALIZER.registry
    convert = registry.convert
    known = _ID_TEXT.get
    ids = {task_id: known(task_id) or _id_text(task_id) for task_id in tasks}
    plain = True
    task_dicts = {}
    for task_id, task in tasks.items():
        parent = tasks.get(task._parent)
        if parent is None:
            data, delta = task.data, {}
            plain = plain and _plain(data)
        elif task.data == parent.data:  # most tasks: the same data as the parent, no delta
            data, delta = {}, {"updates": {}, "deletions": []}
        else:
            data = {}
            updates = DeepMerge.get_updated_keys(parent.data, task.data)
            delta = {"updates": updates, "deletions": DeepMerge.get_deleted_keys(parent.data, task.data)}
            plain = plain and _plain(updates) and _plain(delta["deletions"])
        internal = task.internal_data
        if not internal:
            internal = {}
        elif all(type(k) is str and type(v) in _PLAIN_TYPES for k, v in internal.items()):
            internal = dict(internal)  # what convert() returns for plain values, made quicker
        else:
            internal = convert(internal)
            plain = plain and _plain(internal)
        sid = ids[task_id]
        task_dicts[sid] = {
            "id": sid,
            "parent": (ids.get(task._parent) or str(task._parent)) if parent is not None else None,
            "children": [ids.get(child) or str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": internal,
            "data": data,
            "delta": delta,
            "typename": _TASK_TYPENAME,
        }
        changed = task.last_state_change
        plain = plain and type(changed) in (float, int) and math.isfinite(changed)
    dct = {
        "data": convert(registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "tasks": task_dicts,
        "root": str(workflow.task_tree.id),
        "subprocesses": {},
        "bpmn_events": convert(workflow.bpmn_events),
        "typename": _WORKFLOW_TYPENAME,
    }
    plain = (plain and _plain(dct["data"]) and _plain(dct["correlations"]) and _plain(dct["bpmn_events"])
             and type(dct["success"]) in _PLAIN_TYPES and type(dct["completed"]) in _PLAIN_TYPES)
    if not plain:  # something unusual in the data (NaN, say): SpiffWorkflow's own converter
        return _SERIALIZER.to_dict(workflow), False
    return dct, True


def dump_state(workflow: BpmnWorkflow) -> str:
    dct, plain = _state_dict(workflow)
    dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
    if plain:
        try:
            return orjson.dumps(dct, option=_ORJSON_OPTIONS).decode()
        except TypeError:  # orjson.JSONEncodeError, e.g. an int beyond 64 bits
            pass
    return json.dumps(dct, separators=(",", ":"))


def _loads(text: str):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # what only json reads: NaN, lone surrogates, huge ints
        return json.loads(text)


def load_state(text: str, compiled: CompiledProcess) -> BpmnWorkflow:
    dct = _loads(text)
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.from_dict(dct, spec=compiled.spec, subprocess_specs=compiled.subprocess_specs)
    workflow.script_engine = make_script_engine()
    _share_task_ids(workflow)
    return workflow


def last_task_data(text: str) -> dict | None:
    """What load_state(text, ...).last_task.data holds ({} without a last task), read off the text
    without building the workflow: the root task's data with the deltas of the tasks down to the
    last one applied, as TaskConverter.from_dict applies them. None when the state is not of the
    plain shape (subprocesses, another serializer version, an unknown last task): load it then."""
    dct = _loads(text)
    if dct.get(_SERIALIZER.VERSION_KEY) != _SERIALIZER.VERSION or dct.get("subprocesses"):
        return None
    last = dct.get("last_task")
    if last is None:
        return {}
    tasks = dct.get("tasks") or {}
    node = tasks.get(last)
    if node is None:
        return None
    chain = []
    while node is not None:
        chain.append(node)
        parent = node["parent"]
        node = tasks.get(parent) if parent is not None else None
    restore = _SERIALIZER.registry.restore
    data = None
    for node in reversed(chain):  # from the root (or the first task whose parent is not there)
        delta = node.get("delta")
        if delta and data is not None:
            data = {**data, **restore(delta.get("updates", {}))}
            for key in delta.get("deletions", {}):
                data.pop(key, None)
        else:
            data = restore(node["data"])
    return data


def _share_task_ids(workflow: BpmnWorkflow) -> None:
    """Make each task's id, parent and child references the very UUID objects that key
    workflow.tasks, as they are in a workflow that was never serialized. Deserializing makes a
    new UUID per reference; equal, but every lookup then falls through to UUID.__eq__ (Python
    code), which costs a restored case ~5 us per completion. Values are unchanged."""
    if workflow.subprocesses:
        return
    canonical = {task_id: task_id for task_id in workflow.tasks}
    for task in workflow.tasks.values():
        task.id = canonical.get(task.id, task.id)
        if task._parent is not None:
            task._parent = canonical.get(task._parent, task._parent)
        task._children = [canonical.get(child, child) for child in task._children]
    events = workflow.event_manager
    events.tasks = {canonical.get(task_id, task_id): task for task_id, task in events.tasks.items()}
