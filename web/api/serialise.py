"""The facade's frozen views as JSON: times in ISO 8601 UTC, nothing the view does not carry.

Each function here has a twin schema in openapi.py; the contract tests check one against the
other on every response, so a field added here without the document (or the reverse) fails.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from engine.views import CaseView, CompletionResult, EventRecord, PublicStatus, StartResult, StepInfo, TaskDetail, TaskItem


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # Milliseconds, always: a fixed width sorts as text and parses in every client.
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def plain(value):
    """Case and event data as JSON values. Form data is JSON already; the workflow engine may add
    dates or decimals of its own, which a client must still be able to read."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return iso(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def task(item: TaskItem, now: datetime) -> dict:
    return {
        "id": item.id, "instance_id": item.instance_id, "ticket_code": item.ticket_code,
        "display_name": item.display_name, "bpmn_id": item.bpmn_id, "name": item.name, "lane_id": item.lane_id,
        "role": item.role, "sop_step": item.sop_step, "form_key": item.form_key, "state": item.state,
        "claimed_by": item.claimed_by, "created_at": iso(item.created_at), "due_at": iso(item.due_at),
        "overdue": item.is_overdue(now), "completed_at": iso(item.completed_at), "completed_by": item.completed_by,
    }


def step(info: StepInfo) -> dict:
    return {
        "bpmn_id": info.bpmn_id, "name": info.name, "sop_step": info.sop_step, "lane_id": info.lane_id,
        "lane_name": info.lane_name, "role": info.role, "kelengkapan": info.kelengkapan, "waktu": info.waktu,
        "waktu_minutes": info.waktu_minutes, "output": info.output, "keterangan": info.keterangan,
        "form_key": info.form_key,
    }


def task_detail(detail: TaskDetail, now: datetime) -> dict:
    form = detail.form
    return {
        **task(detail.task, now),
        "step": step(detail.step),
        "form": {"key": form.key, "title": form.title, "schema": form.schema},
        "draft": plain(detail.draft) if detail.draft else None,
        "case": case(detail.case, now),
    }


def case(view: CaseView, now: datetime) -> dict:
    return {
        "id": view.id, "ticket_code": view.ticket_code, "status": view.status, "outcome": view.outcome,
        "display_name": view.display_name, "process_key": view.process_key,
        "definition_version": view.definition_version, "started_by": view.started_by,
        "started_at": iso(view.started_at), "updated_at": iso(view.updated_at),
        "completed_at": iso(view.completed_at), "revision": view.revision, "data": plain(view.data),
        "tasks": [task(item, now) for item in view.tasks], "personal_masked": view.personal_masked,
    }


def event(record: EventRecord) -> dict:
    return {
        "seq": record.seq, "occurred_at": iso(record.occurred_at), "actor": record.actor, "kind": record.kind,
        "task_id": record.task_id, "bpmn_id": record.bpmn_id, "lane_id": record.lane_id,
        "data": plain(record.data or {}), "personal": plain(record.personal) if record.personal is not None else None,
        "hash": record.hash,
    }


def started(result: StartResult, now: datetime) -> dict:
    return {"id": result.instance_id, "ticket_code": result.ticket_code,
            "definition_version": result.definition_version, "ready": [task(item, now) for item in result.ready]}


def completed(result: CompletionResult, now: datetime) -> dict:
    return {"instance_id": result.instance_id, "status": result.status, "outcome": result.outcome,
            "ready": [task(item, now) for item in result.ready]}


def public_status(status: PublicStatus) -> dict:
    return {
        "ticket_code": status.ticket_code, "stage": status.stage, "current_step": status.current_step,
        "started_at": iso(status.started_at), "updated_at": iso(status.updated_at), "tujuan": status.tujuan,
        "scheduled_at": status.scheduled_at, "place": status.place, "message": status.message,
        "reason": status.reason, "visitor_form_key": status.visitor_form_key,
    }
