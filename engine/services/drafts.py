"""The task page: a task with its step's Mutu Baku, its pinned form and a saved draft; and saving
unfinished input as that draft.

A draft is what the user typed, unvalidated and possibly personal, so it lives only on its
human_task row: never in the events (the chain would keep it for good), and cleared by the same
UPDATE that marks the task completed (repositories._TASK_COMPLETE).
"""
from __future__ import annotations

import json

from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Conflict, InvalidData
from engine.services import cases, privacy
from engine.services import tasks as task_service
from engine.views import CaseView, StepInfo, TaskDetail, TaskItem
from forms import Form

MAX_DRAFT_BYTES = 64 * 1024  # a form's text fields at their maxLength fit with room to spare


def task_detail(ctx: EngineContext, actor: Actor, task_id: str) -> TaskDetail:
    """The task page's reading: the task and its case in one round trip, the definition from the
    process's cache, the case's data off its state's text, and no history (the page shows none)."""
    with ctx.uow(write=False) as uow:
        row, case_row = uow.tasks.get_with_case(str(task_id))
        task_service.check_role(row, actor)
        definition = ctx.compiled.definition(case_row.definition_id,
                                             lambda: uow.definitions.get(case_row.definition_id))
        view = cases.view_in(ctx, uow, case_row, events=False)
    item = task_service.to_item(row, case_row.ticket_code, case_row.display_name)
    return detail_of(ctx, definition, item, privacy.mask_case(ctx, view, actor), draft=row.draft_json)


def task_form(ctx: EngineContext, actor: Actor, task_id: str) -> tuple[TaskItem, Form]:
    """The task and the form it is completed with, pinned by its case's version: what a form post
    needs before complete() (the page itself is read again only to show a refusal)."""
    with ctx.uow(write=False) as uow:
        row, case_row = uow.tasks.get_with_case(str(task_id))
        task_service.check_role(row, actor)
        definition = ctx.compiled.definition(case_row.definition_id,
                                             lambda: uow.definitions.get(case_row.definition_id))
    item = task_service.to_item(row, case_row.ticket_code, case_row.display_name)
    return item, ctx.pinned_forms(definition).get(row.form_key)


def detail_of(ctx: EngineContext, definition, item: TaskItem, case: CaseView, *, draft: dict | None) -> TaskDetail:
    """A TaskDetail from what the caller read; the caller has masked `case` for its reader."""
    catalog = ctx.pinned_forms(definition)
    return TaskDetail(task=item, step=step_info(definition, item.bpmn_id), form=catalog.get(item.form_key),
                      draft=draft or None, case=case, case_forms=catalog.by_key())


def step_info(definition, bpmn_id: str) -> StepInfo:
    step = definition.steps_json[bpmn_id]
    lane_names = {lane["id"]: lane["name"] for lane in definition.lanes_json}
    return StepInfo(
        bpmn_id=bpmn_id, name=step["name"], sop_step=int(step["sop_step"]), lane_id=step["lane_id"],
        lane_name=lane_names.get(step["lane_id"]) or step.get("lane_name", ""), role=step["role"],
        kelengkapan=step["kelengkapan"], waktu=step["waktu"],
        # deploy parsed the ISO duration into waktu_seconds; the same number, no second parser
        waktu_minutes=step["waktu_seconds"] / 60, output=step["output"], keterangan=step["keterangan"],
        form_key=step["form_key"])


def save_draft(ctx: EngineContext, actor: Actor, task_id: str, raw: dict) -> TaskItem:
    """Keep the form as typed. An unclaimed task is claimed for the actor first (with its
    'task.claimed' event, as a claim would), so nobody else starts the same work meanwhile."""
    draft = _checked(raw)
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row = task_service.authorised(uow, actor, task_id)
        task_service.must_be_ready(row)
        if row.claimed_by is not None and row.claimed_by != actor.name:
            raise Conflict(f"Tugas ini sedang dikerjakan oleh {row.claimed_by}; draf Anda tidak disimpan.")
        case = task_service.claim_in(ctx, uow, actor, row, now)
        if not uow.tasks.save_draft(row.id, actor.name, draft or None):
            raise Conflict("Tugas ini baru saja berubah; muat ulang halaman.")
        item = task_service.get_task_in(uow, row.id)
        uow.commit()
    if case is not None:
        case.keep_after_commit()
    return item


def _checked(raw) -> dict:
    if not isinstance(raw, dict) or not all(isinstance(key, str) for key in raw):
        raise InvalidData({"_form": "Draf harus berupa objek dengan nama isian sebagai kunci."})
    try:
        size = len(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise InvalidData({"_form": "Draf hanya boleh berisi teks, angka, atau daftar."}) from None
    if size > MAX_DRAFT_BYTES:
        raise InvalidData({"_form": f"Draf terlalu besar ({size // 1024} KB; paling banyak "
                                    f"{MAX_DRAFT_BYTES // 1024} KB)."})
    return dict(raw)
