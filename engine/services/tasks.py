"""The inbox and the verbs on a task: claim, release, complete.

Role checks run here, on the server side of every entry point: a task belongs to the role of
its lane, and nobody outside that role can see, claim or complete it.
"""
from __future__ import annotations

import re
from datetime import timezone
from types import SimpleNamespace

from engine.case import Actor, Case
from engine.context import EngineContext
from engine.errors import Conflict, InvalidData, NotFound
from engine.repositories import INBOX_STATUSES, utc
from engine.tickets import ALPHABET
from engine.views import CompletionResult, InboxPage, TaskItem

_CODE_SYMBOLS = frozenset(ALPHABET)


def inbox(ctx: EngineContext, actor: Actor, *, sop_step: int | None = None, mine_only: bool = False,
          status: str | None = None, search: str | None = None, limit: int = 200, offset: int = 0) -> list[TaskItem]:
    """status: None (every open task of the actor's lanes), 'unclaimed', 'mine' or 'others'.
    search: part of a ticket code (typed with or without its dash, any case) or of the name."""
    return _inbox(ctx, actor, sop_step, mine_only, status, search, limit, offset, with_total=False)[0]


def inbox_page(ctx: EngineContext, actor: Actor, *, sop_step: int | None = None, mine_only: bool = False,
               status: str | None = None, search: str | None = None, limit: int = 50,
               offset: int = 0) -> InboxPage:
    """A page of the inbox with the number of tasks matching in all, read in one transaction."""
    limit, offset = max(0, int(limit)), max(0, int(offset))
    items, total = _inbox(ctx, actor, sop_step, mine_only, status, search, limit, offset, with_total=True)
    return InboxPage(items=items, total=total, offset=offset, limit=limit)


def _inbox(ctx, actor, sop_step, mine_only, status, search, limit, offset, *, with_total):
    if status is not None and status not in INBOX_STATUSES:
        raise InvalidData({"status": "Saringan status tidak dikenal: pilih unclaimed, mine atau others."})
    roles = sorted(actor.roles)
    if not roles:
        return [], 0
    terms = search_terms(search)
    with ctx.uow(write=False) as uow:
        rows, total = uow.tasks.inbox(roles, actor.name, include_others_claims=not mine_only, sop_step=sop_step,
                                      status=status, search=terms, limit=max(0, int(limit)),
                                      offset=max(0, int(offset)), with_total=with_total)
    # The rows hold a TaskItem's fields in its order (engine/inbox_repository.py); the times are
    # aware already on SQLite's direct path, where utc() leaves them as they are.
    return [TaskItem(*row[:12], utc(row[12]), utc(row[13]), utc(row[14]), row[15]) for row in rows], total


def search_terms(search: str | None) -> tuple[str, str] | None:
    """(ticket-code part, name part) as the repository compares them, or None for no search.
    The code part is cleaned the way normalise_ticket_code cleans a whole code (no spaces or
    dash, upper case) and left empty when it holds a symbol no code can contain."""
    text = " ".join((search or "").split())
    if not text:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    return (code if code and set(code) <= _CODE_SYMBOLS else "", text)


def get_task(ctx: EngineContext, actor: Actor, task_id: str) -> TaskItem:
    with ctx.uow(write=False) as uow:
        row = authorised(uow, actor, task_id)
        case = uow.instances.get(row.instance_id)
    return to_item(row, case.ticket_code, case.display_name)


def claim(ctx: EngineContext, actor: Actor, task_id: str) -> TaskItem:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row = authorised(uow, actor, task_id)
        case = claim_in(ctx, uow, actor, row, now)
        item = get_task_in(uow, row.id)
        uow.commit()
    if case is not None:
        case.keep_after_commit()
    return item


def claim_in(ctx: EngineContext, uow, actor: Actor, row, now) -> Case | None:
    """Claim inside the caller's transaction (claim, and a draft's first save), chaining the
    'task.claimed' event; None when the actor already held it (nothing to write)."""
    must_be_ready(row)
    if row.claimed_by == actor.name:
        return None
    if not uow.tasks.claim(row.id, actor.name, now):
        # Lost to a claim committed after our read: name the holder as it stands now.
        raise Conflict(f"Tugas ini sudah diambil oleh {uow.tasks.get(row.id).claimed_by or 'pengguna lain'}.")
    return _chain_event(ctx, uow, actor, row, "task.claimed", now)


def release(ctx: EngineContext, actor: Actor, task_id: str) -> TaskItem:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row = authorised(uow, actor, task_id)
        must_be_ready(row)
        if row.claimed_by != actor.name:
            raise Conflict("Anda tidak sedang memegang tugas ini." if row.claimed_by is None
                           else f"Tugas ini dipegang oleh {row.claimed_by}, bukan Anda.")
        uow.tasks.release(task_id, actor.name)
        case = _chain_event(ctx, uow, actor, row, "task.released", now)
        item = get_task_in(uow, row.id)
        uow.commit()
    case.keep_after_commit()
    return item


def _chain_event(ctx: EngineContext, uow, actor: Actor, row, kind: str, now) -> Case:
    """Chain the event of a claim or release onto its case; the workflow is untouched."""
    case = Case.load(uow, row.instance_id, ctx.compiled, now)
    case.record(kind, actor, task_row=row)
    case.save_events_only()
    return case


def complete(ctx: EngineContext, actor: Actor, task_id: str, data: dict) -> CompletionResult:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row, case_row = uow.tasks.get_with_case(str(task_id))
        check_role(row, actor)
        result, case = complete_in(ctx, uow, actor, row, data, now, case_row=case_row)
        uow.commit()
    case.keep_after_commit()
    return result


def complete_in(ctx: EngineContext, uow, actor: Actor, row, data: dict, now,
                case_row=None) -> tuple[CompletionResult, Case]:
    """Validate, then complete, inside the caller's transaction; invalid data writes nothing.
    Hands back the Case too: once the caller has committed, `case.keep_after_commit()` lets the
    next use case on it skip deserializing the workflow."""
    must_be_ready(row)
    if row.claimed_by is not None and row.claimed_by != actor.name:
        raise Conflict(f"Tugas ini sedang dikerjakan oleh {row.claimed_by}.")
    case = Case.load(uow, row.instance_id, ctx.compiled, now, row=case_row)
    form = ctx.pinned_forms(case.definition).get(row.form_key)
    if not isinstance(data, dict):
        raise InvalidData({"_form": "Data formulir harus berupa objek JSON."})
    checked = form.validate(data)
    if not checked.ok:
        raise InvalidData(checked.errors)
    case.complete_task(row, checked.data, form.personal_fields, actor)
    case.save()
    added = case.ready_rows_if_all_new()
    if added is None:
        ready = ready_items(uow, row.instance_id)
    else:  # the rows this save inserted are all there is: no need to read them back
        ready = [to_item(_new_row(r), case.row.ticket_code, case.display_name) for r in added]
    return CompletionResult(instance_id=row.instance_id, status=case.status, outcome=case.outcome, ready=ready), case


def ready_items(uow, instance_id: int) -> list[TaskItem]:
    case = uow.instances.get(instance_id)
    return [to_item(t, case.ticket_code, case.display_name)
            for t in uow.tasks.of_instance(instance_id) if t.state == "ready"]


def _new_row(values: dict) -> SimpleNamespace:
    """An inbox row just inserted, as it reads back (times in UTC, nobody's claim yet)."""
    return SimpleNamespace(**{**values, "created_at": _as_utc(values["created_at"]),
                              "due_at": _as_utc(values["due_at"])},
                           claimed_by=None, completed_at=None, completed_by=None)


def _as_utc(moment):
    return utc(moment).astimezone(timezone.utc)


def get_task_in(uow, task_id: str) -> TaskItem:
    row = uow.tasks.get(task_id)
    case = uow.instances.get(row.instance_id)
    return to_item(row, case.ticket_code, case.display_name)


def authorised(uow, actor: Actor, task_id: str):
    """The task row if it is in one of the actor's lanes; NotFound otherwise (as for no task)."""
    return check_role(uow.tasks.get(str(task_id)), actor)


def check_role(row, actor: Actor):
    # Same answer for "no such task" and "not your lane", so ids cannot be probed.
    if row is None or not actor.has_role(row.role):
        raise NotFound("Tugas tidak ditemukan atau bukan untuk peran Anda.")
    return row


def must_be_ready(row) -> None:
    if row.state == "completed":
        raise Conflict(f"Tugas ini sudah diselesaikan oleh {row.completed_by}.")
    if row.state != "ready":
        raise Conflict("Tugas ini sudah tidak aktif.")


def to_item(row, ticket_code: str, display_name: str | None) -> TaskItem:
    return TaskItem(
        id=row.id, instance_id=row.instance_id, ticket_code=ticket_code, display_name=display_name,
        bpmn_id=row.bpmn_id, name=row.name, lane_id=row.lane_id, role=row.role, sop_step=row.sop_step,
        form_key=row.form_key, state=row.state, claimed_by=row.claimed_by, created_at=utc(row.created_at),
        due_at=utc(row.due_at), completed_at=utc(row.completed_at), completed_by=row.completed_by)
