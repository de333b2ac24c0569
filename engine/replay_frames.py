"""Replay: the case as it stood at each recorded event, derived from the log alone.

No workflow is run: the steps done, open and cancelled, the end reached and the data submitted
follow from task.ready / task.completed / task.cancelled / instance.completed, and the version in
force from instance.started and instance.migrated. Each frame shows the state the save of its
event left (see engine/replay_log.py): the completion of step 3 and the task.ready of step 4 it
caused happened at one moment, so both frames show step 3 done and step 4 open.

The events given here are already masked for the actor: frames never hold more than that.
"""
from __future__ import annotations

from typing import Callable

from engine.replay_log import lane_name, saves, step_of
from engine.replay_views import ReplayFrame
from engine.views import EventRecord


class _State:
    def __init__(self, definition):
        self.definition = definition
        self.task_bpmn: dict[str, str] = {}  # recorded task id -> BPMN id
        self.open: dict[str, str] = {}  # recorded task id -> BPMN id, in the order they opened
        self.done: list[str] = []
        self.cancelled: list[str] = []
        self.end: tuple[str, str | None] | None = None
        self.data: dict = {}

    def apply(self, event: EventRecord, definition_of: Callable[[int], object]) -> None:
        if event.task_id and event.bpmn_id:
            self.task_bpmn[event.task_id] = event.bpmn_id
        kind = event.kind
        if kind == "task.ready" and event.task_id:
            self.open[event.task_id] = event.bpmn_id
        elif kind == "task.completed":
            self.open.pop(event.task_id, None)
            _add(self.done, event.bpmn_id)
            self.data.update(event.data or {})
            self.data.update(event.personal or {})
        elif kind == "task.cancelled":
            bpmn_id = self.open.pop(event.task_id, None) or self.task_bpmn.get(event.task_id)
            _add(self.cancelled, bpmn_id)
        elif kind == "instance.completed":
            self.end = (event.data.get("outcome"), event.data.get("outcome_name"))
        elif kind == "instance.migrated" and event.data.get("to_definition_id") is not None:
            self.definition = definition_of(int(event.data["to_definition_id"]))

    def sets(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        active = tuple(dict.fromkeys(self.open.values()))
        done = tuple(self.done)
        cancelled = tuple(b for b in self.cancelled if b not in active and b not in done)
        return done, active, cancelled


def _add(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)


def build_frames(events: list[EventRecord], start_definition, definition_of: Callable[[int], object]) -> tuple[ReplayFrame, ...]:
    """One frame per event. start_definition: the definition the case started on;
    definition_of(id): the definition an instance.migrated event moved it to."""
    state = _State(start_definition)
    frames: list[ReplayFrame] = []
    for group in saves(events):
        for event in group:
            state.apply(event, definition_of)
        done, active, cancelled = state.sets()
        definition = state.definition
        end_event, end_name = state.end if state.end else (None, None)
        case_data = dict(state.data)
        for event in group:
            bpmn_id = event.bpmn_id or state.task_bpmn.get(event.task_id or "")
            step = step_of(definition, bpmn_id)
            frames.append(ReplayFrame(
                index=len(frames), seq=event.seq, occurred_at=event.occurred_at, actor=event.actor,
                kind=event.kind, task_id=event.task_id, bpmn_id=bpmn_id, lane_id=event.lane_id,
                lane_name=lane_name(definition, event.lane_id, bpmn_id),
                sop_step=int(step["sop_step"]) if step else _int(event.data.get("sop_step")),
                step_name=step["name"] if step else event.data.get("name"),
                form_key=step.get("form_key") if step else None,
                data=dict(event.data or {}), personal=dict(event.personal) if event.personal else None,
                definition_id=definition.id, process_key=definition.process_key,
                definition_version=definition.version, done=done, active=active, cancelled=cancelled,
                end_event=end_event, end_name=end_name, case_data=case_data))
    return tuple(frames)


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
