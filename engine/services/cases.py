"""Start a case on the newest published version; read a case with its tasks and history."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from engine import runtime
from engine.case import Actor, Case
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.repositories import utc
from engine.ledger import GENESIS
from engine.services import tasks as task_service
from engine.tickets import new_ticket_code, normalise_ticket_code
from engine.views import CaseView, EventRecord, StartResult
from forms import Form

STAFF_ROLES = {"upp_kementerian", "upp_unit_kerja", "sesdep", "process_owner", "auditor", "admin"}
STARTER_ROLES = {"upp_kementerian", "admin"}


def start(ctx: EngineContext, process_key: str, actor: Actor, *, first_task_data: dict | None = None) -> StartResult:
    """Open a case, pinned to the newest published version for its whole life.

    With first_task_data, the first task is completed in the same transaction, so a visitor's
    screening either opens a case with its data or, when invalid, opens nothing at all.
    """
    if not actor.roles & STARTER_ROLES:
        raise Forbidden("Anda tidak berhak menerima tamu baru.")
    for _attempt in range(5):
        try:
            return _start_once(ctx, process_key, actor, first_task_data)
        except IntegrityError as error:
            if "ticket_code" not in str(error.orig):
                raise
    raise RuntimeError("could not draw a free ticket code in 5 attempts")


def _start_once(ctx, process_key, actor, first_task_data) -> StartResult:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        definition = uow.definitions.latest_published(process_key)
        if definition is None:
            raise NotFound(f"Proses '{process_key}' belum dipasang.")
        compiled = ctx.compiled.get(definition.id, lambda: uow.definitions.spec_json(definition.id))
        ticket = new_ticket_code()  # a collision (~2^-49) fails the insert; start() draws again
        workflow = runtime.new_workflow(compiled)
        instance_id = uow.instances.add(
            definition_id=definition.id, ticket_code=ticket, status="running", state_json="{}", revision=0,
            event_seq=0, event_head=GENESIS, started_by=actor.name, started_at=now, updated_at=now)
        case = Case(uow, uow.instances.get(instance_id), definition, compiled, now)
        case.attach_new_workflow(workflow)
        case.record("instance.started", actor, data={
            "process_key": definition.process_key, "version": definition.version,
            "sha256": definition.sha256, "ticket_code": ticket})
        workflow.do_engine_steps()
        case.save()
        if first_task_data is not None:
            first = _first_ready_for(uow, instance_id, actor)
            _, case = task_service.complete_in(ctx, uow, actor, first, first_task_data, now)
        ready = task_service.ready_items(uow, instance_id)
        uow.commit()
    case.keep_after_commit()
    return StartResult(instance_id=instance_id, ticket_code=ticket, definition_version=definition.version,
                       ready=ready)


def _first_ready_for(uow, instance_id: int, actor: Actor):
    for row in uow.tasks.of_instance(instance_id):
        if row.state == "ready" and actor.has_role(row.role):
            return row
    raise Forbidden("Langkah pertama proses ini bukan di jalur peran Anda.")


def get_case(ctx: EngineContext, actor: Actor, *, instance_id: int | None = None,
             ticket_code: str | None = None) -> CaseView:
    if not actor.roles & STAFF_ROLES:
        raise Forbidden("Anda tidak berhak melihat kasus ini.")
    with ctx.uow(write=False) as uow:
        return view_in(ctx, uow, _find(uow, instance_id, ticket_code))


def view_in(ctx: EngineContext, uow, row, *, events: bool = True) -> CaseView:
    """The case of an instance row read in this unit of work, unmasked: callers mask it. With
    events=False its history is left out (CaseView.events stays empty): a task page shows none."""
    definition = ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))
    tasks = [task_service.to_item(t, row.ticket_code, row.display_name) for t in uow.tasks.of_instance(row.id)]
    records = [to_record(e) for e in uow.events.of_instance(row.id)] if events else []
    return CaseView(
        id=row.id, ticket_code=row.ticket_code, status=row.status, outcome=row.outcome,
        display_name=row.display_name, process_key=definition.process_key, definition_version=definition.version,
        definition_id=definition.id, started_by=row.started_by, started_at=utc(row.started_at),
        updated_at=utc(row.updated_at), completed_at=utc(row.completed_at), revision=row.revision,
        data=case_data(ctx, uow, row), tasks=tasks, events=records)


def case_data(ctx: EngineContext, uow, row) -> dict:
    """The case's data (its last task's), read off the stored state's text; the workflow is built
    only for a state of another shape (engine/state_codec.py last_task_data)."""
    data = runtime.last_task_data(row.state_json)
    if data is None:
        compiled = ctx.compiled.get(row.definition_id, lambda: uow.definitions.spec_json(row.definition_id))
        workflow = runtime.load_state(row.state_json, compiled)
        data = dict(workflow.last_task.data) if workflow.last_task is not None else {}
    return data


def _find(uow, instance_id, ticket_code):
    row = None
    if instance_id is not None:
        row = uow.instances.get(instance_id)
    elif ticket_code is not None:
        code = normalise_ticket_code(ticket_code)
        row = uow.instances.by_ticket(code) if code else None
    if row is None:
        raise NotFound("Kasus tidak ditemukan.")
    return row


def to_record(row) -> EventRecord:
    return EventRecord(seq=row.seq, occurred_at=utc(row.occurred_at), actor=row.actor, kind=row.kind,
                       task_id=row.task_id, bpmn_id=row.bpmn_id, lane_id=row.lane_id, data=row.data_json,
                       personal=row.personal_json, hash=row.hash)


def start_form(ctx: EngineContext, process_key: str) -> Form:
    """The form a new case opens with: the first user task's (lowest SOP step) of the newest
    published version, pinned exactly as start() will validate it, so the page and the check agree."""
    with ctx.uow(write=False) as uow:
        row = uow.definitions.latest_published(process_key)
        if row is None:
            raise NotFound(f"Proses '{process_key}' belum dipasang.")
        definition = ctx.compiled.definition(row.id, lambda: row)
    if not definition.steps_json:
        raise NotFound(f"Proses '{process_key}' tidak punya langkah pengguna.")
    first = min(definition.steps_json.values(), key=lambda step: (int(step["sop_step"]), step["bpmn_id"]))
    return ctx.pinned_forms(definition).get(first["form_key"])


def case_forms(ctx: EngineContext, actor: Actor, instance_id: int) -> dict[str, Form]:
    """{form key: forms.Form} as the case's definition version pinned them: the labels and option
    titles a case page shows next to the data entered at each step."""
    if not actor.roles & STAFF_ROLES:
        raise Forbidden("Anda tidak berhak melihat kasus ini.")
    with ctx.uow(write=False) as uow:
        row = uow.instances.get(instance_id)
        if row is None:
            raise NotFound("Kasus tidak ditemukan.")
        definition = ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))
    return ctx.pinned_forms(definition).by_key()
