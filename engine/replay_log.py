"""A case's recorded events (engine.views.EventRecord) as replay and re-execution read them:
grouped by the save that wrote them, and where each happened in words. No database, no
SpiffWorkflow.

A save writes one event that moves the workflow (the case opened, a task completed, a timer
fired, a migration) and then what the engine did because of it: task.ready for each task it
made ready, task.cancelled for each open task it withdrew, instance.completed when an end event
was reached (engine/case.py Case.save). Events that do not touch the workflow (claims,
releases, errors, personal-data events) are saves of their own with no consequences.
"""
from __future__ import annotations

from engine.views import EventRecord

TRIGGERS = frozenset({"instance.started", "task.completed", "timer.fired", "instance.migrated"})
CONSEQUENCES = frozenset({"task.ready", "task.cancelled", "instance.completed"})


def saves(events: list[EventRecord]) -> list[list[EventRecord]]:
    """The events grouped by save: each group is one event followed by its consequences."""
    groups: list[list[EventRecord]] = []
    for event in events:
        if event.kind in CONSEQUENCES and groups:
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups


def step_of(definition, bpmn_id: str | None) -> dict | None:
    """The step (Mutu Baku row) a definition pinned for this BPMN id, if it is a user task."""
    if not bpmn_id:
        return None
    return (definition.steps_json or {}).get(bpmn_id)


def lane_name(definition, lane_id: str | None, bpmn_id: str | None = None) -> str | None:
    for lane in definition.lanes_json or []:
        if lane.get("id") == lane_id and lane_id:
            return lane.get("name") or lane_id
    step = step_of(definition, bpmn_id)
    return step.get("lane_name") if step else None


def where(definition, event: EventRecord, bpmn_id: str | None = None) -> str:
    """Where an event happened, in words: "langkah 3 Sesdep", "kasus dibuka", ..."""
    bpmn_id = bpmn_id or event.bpmn_id
    step = step_of(definition, bpmn_id)
    data = event.data or {}
    if event.kind == "instance.started":
        return "kasus dibuka"
    if event.kind == "timer.fired":
        return f"pengatur waktu {data.get('bpmn_id') or bpmn_id or '?'}"
    if event.kind == "instance.migrated":
        return f"migrasi ke versi {data.get('to_version', '?')}"
    if event.kind == "instance.completed":
        return "kasus selesai"
    if step is not None:
        lane = lane_name(definition, event.lane_id or step.get("lane_id"), bpmn_id)
        return f"langkah {step['sop_step']} {lane}" if lane else f"langkah {step['sop_step']}"
    if data.get("sop_step") is not None:
        return f"langkah {data['sop_step']}"
    return bpmn_id or event.kind
