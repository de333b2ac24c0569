"""The visitor's side, by ticket code and without an account: the status of their case, and the
two Masyarakat-lane forms they fill in themselves (check-in at the unit's desk, step 6, and the
survey, step 8).

Nothing personal leaves here. The status is built from a short list of non-personal fields
(never from the case data as a whole), and the free texts it does show are scrubbed of the
case's personal values in case staff typed a name or number into them.

Step 6 (documented decision): the visitor checks in with the ticket code on a public page at the
unit's desk, so the Masyarakat lane's act stays the visitor's own; staff never complete a task
of a lane that is not theirs.
"""
from __future__ import annotations

from dataclasses import replace

from engine.case import DISPLAY_NAME_FIELD, Actor
from engine.context import EngineContext
from engine.errors import Conflict, NotFound
from engine.repositories import utc
from engine.services import cases, drafts, privacy
from engine.services import tasks as task_service
from engine.tickets import normalise_ticket_code
from engine.views import CompletionResult, PublicStatus, TaskDetail

VISITOR_ROLE = "masyarakat"
UNKNOWN_CODE = "Kode tiket tidak ditemukan. Periksa kembali kode pada slip Anda."
NO_SUCH_FORM = "Formulir ini tidak sedang menunggu untuk kode tiket tersebut."
ALREADY_SENT = "Formulir ini sudah dikirim. Terima kasih."
REJECTED_END = "EndEvent_Ditolak"
TOLD_FORM = "pemberitahuan_pengunjung"  # step 5: from here on the visitor knows the decision
_STAGE_BY_STEP = {1: "diproses", 2: "diproses", 3: "diproses", 4: "keputusan_disampaikan",
                  5: "keputusan_disampaikan", 6: "menunggu_kedatangan", 7: "dilayani", 8: "survei"}


def visitor_actor(ticket_code: str) -> Actor:
    return Actor(name=f"pengunjung:{ticket_code}", roles=frozenset({VISITOR_ROLE}))


def track(ctx: EngineContext, ticket_code: str) -> PublicStatus:
    with ctx.uow(write=False) as uow:
        row = _case_row(uow, ticket_code)
        tasks = uow.tasks.of_instance(row.id)
        data = cases.case_data(ctx, uow, row)
    ready = [t for t in tasks if t.state == "ready"]  # of_instance reads them oldest first
    if row.status == "completed":
        stage, current = ("ditolak" if row.outcome == REJECTED_END else "selesai"), None
    elif ready:
        current = ready[0].sop_step
        stage = _STAGE_BY_STEP.get(current, "diproses")
    else:  # between steps (a timer, an engine error): still being processed
        stage, current = "diproses", None
    told = any(t.form_key == TOLD_FORM and t.state == "completed" for t in tasks)
    approved = told and data.get("keputusan") == "disetujui"
    rejected = told and data.get("keputusan") == "ditolak"
    scrub = _scrubber(ctx, row.definition_id, data)
    return PublicStatus(
        ticket_code=row.ticket_code, stage=stage, current_step=current, started_at=utc(row.started_at),
        updated_at=utc(row.updated_at), tujuan=_text(data.get("tujuan")),
        scheduled_at=_text(data.get("jadwal_konsultasi")) if approved else None,
        place=scrub(data.get("tempat_konsultasi")) if approved else None,
        message=scrub(data.get("pesan_kepada_pengunjung")) if told else None,
        reason=scrub(data.get("alasan_keputusan")) if rejected else None,
        visitor_form_key=next((t.form_key for t in ready if t.role == VISITOR_ROLE), None))


def visitor_task(ctx: EngineContext, ticket_code: str, form_key: str) -> TaskDetail:
    """The visitor's open task with this form; its case is masked whole (the name too)."""
    with ctx.uow(write=False) as uow:
        row = _case_row(uow, ticket_code)
        task = _open_visitor_task(uow.tasks.of_instance(row.id), form_key)
        if task is None:
            raise NotFound(NO_SUCH_FORM)
        definition = ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))
        view = cases.view_in(ctx, uow, row, events=False)  # the visitor's page shows no history
    item = task_service.to_item(task, row.ticket_code, None)
    return drafts.detail_of(ctx, definition, item, privacy.mask_for_visitor(ctx, view), draft=None)


def visitor_complete(ctx: EngineContext, ticket_code: str, form_key: str, data: dict) -> CompletionResult:
    """Complete the visitor's open task with this form, validated like any completion. Once it
    was sent, sending again answers Conflict (the survey is once per case)."""
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row = _case_row(uow, ticket_code)
        rows = uow.tasks.of_instance(row.id)
        task = _open_visitor_task(rows, form_key)
        if task is None:
            if any(t.role == VISITOR_ROLE and t.form_key == form_key and t.state == "completed" for t in rows):
                raise Conflict(ALREADY_SENT)
            raise NotFound(NO_SUCH_FORM)
        result, case = task_service.complete_in(ctx, uow, visitor_actor(row.ticket_code), task, data, now,
                                                case_row=row)
        uow.commit()
    case.keep_after_commit()
    # The next tasks are staff's; the visitor gets them without the name they carry.
    return replace(result, ready=[replace(t, display_name=None) for t in result.ready])


def _case_row(uow, ticket_code: str):
    # Unknown and malformed codes answer alike: the page must not help anyone probe codes.
    code = normalise_ticket_code(ticket_code) if isinstance(ticket_code, str) else None
    row = uow.instances.by_ticket(code) if code else None
    if row is None:
        raise NotFound(UNKNOWN_CODE)
    return row


def _open_visitor_task(rows, form_key: str):
    return next((t for t in rows if t.state == "ready" and t.role == VISITOR_ROLE and t.form_key == form_key), None)


def _text(value) -> str | None:
    return None if value is None or value == "" else str(value)


def _scrubber(ctx: EngineContext, definition_id: int, data: dict):
    """A function that masks the case's personal values (and each word of the name) in a text."""
    fields = privacy.personal_fields(ctx, definition_id)
    name = data.get(DISPLAY_NAME_FIELD) if DISPLAY_NAME_FIELD in fields else None
    scrub_text = privacy.text_scrubber([data.get(field) for field in fields], name=name if isinstance(name, str) else None)

    def scrub(value) -> str | None:
        text = _text(value)
        return scrub_text(text) if text is not None else text
    return scrub
