"""A data subject's access request (UU 27/2022 art. 32): their data and its processing log.

The admin (or the operator's CLI) looks a visitor up by NIK. Every case whose recorded personal
data holds that NIK is found in one statement (the database narrows by the JSON text, Python checks
the field), and for each: what the visitor gave (the steps that recorded their personal data and
the steps of their own lane: screening, check-in, survey) and every event of the case as a
processing log (when, who, what, at which step), reveals and earlier exports included. The export
itself is processing too: a `personal.exported` event goes on each case's chain in the same
transaction, and appears in the log it returns. The NIK never enters the chained data.
"""
from __future__ import annotations

from datetime import datetime

from engine.case import Actor, Case
from engine.context import EngineContext
from engine.errors import Conflict, InvalidData
from engine.office_calendar import WIB, day_text
from engine.personal_repository import PersonalData
from engine.personal_views import GivenField, GivenRecord, ProcessingEntry, SubjectCase, SubjectExport
from engine.repositories import utc
from engine.services.personal_data import KIND_LABELS, definition_of, field_labels, require_admin, step_of
from forms.formats import compact_nik, nik_problem

VISITOR_ROLE = "masyarakat"


def export(ctx: EngineContext, actor: Actor, nik: str) -> SubjectExport:
    require_admin(actor, "mengekspor data pribadi subjek data")
    number = compact_nik(str(nik or "").strip())
    problem = nik_problem(number) if number else "NIK wajib diisi."
    if problem:
        raise InvalidData({"nik": problem}, "NIK subjek data tidak sah.")
    try:
        return _export_once(ctx, actor, number)
    except Conflict:
        pass  # a case moved on while we chained onto it: once more, from a fresh read
    try:
        return _export_once(ctx, actor, number)
    except Conflict:
        raise Conflict("Salah satu kasus subjek data sedang diubah petugas; ekspor belum dibuat. "
                       "Coba lagi sebentar lagi.") from None


def _holds(personal: dict, nik: str) -> bool:
    return any(isinstance(value, str) and compact_nik(value) == nik for value in personal.values())


def _export_once(ctx: EngineContext, actor: Actor, nik: str) -> SubjectExport:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        repo = PersonalData(uow.connection)
        ids = sorted({r.instance_id for r in repo.personal_data_containing(nik) if _holds(r.personal_json, nik)})
        recorded = []
        for instance_id in ids:
            case = Case.load(uow, instance_id, ctx.compiled, now)
            case.record("personal.exported", actor, data={"cases": len(ids)})
            case.save_events_only()
            recorded.append(case)
        rows = repo.instances(ids) if ids else []
        events = repo.events_of(ids) if ids else []
        definitions = {row.definition_id: definition_of(ctx, uow, row.definition_id) for row in rows}
        uow.commit()
    for case in recorded:
        case.keep_after_commit()
    by_case: dict[int, list] = {}
    for event in events:
        by_case.setdefault(event.instance_id, []).append(event)
    cases = [_subject_case(ctx, row, definitions[row.definition_id], by_case.get(row.id, [])) for row in rows]
    return SubjectExport(nik=nik, generated_at=now, generated_by=actor.name,
                         retention_days=ctx.settings.retention_days, cases=cases)


def _subject_case(ctx: EngineContext, row, definition, events) -> SubjectCase:
    labels = field_labels(ctx, definition)
    by_seq = {e.seq: e for e in events}
    return SubjectCase(
        instance_id=row.id, ticket_code=row.ticket_code, status=row.status, process_key=definition.process_key,
        definition_version=definition.version, started_at=utc(row.started_at), completed_at=utc(row.completed_at),
        given=[_given(ctx, definition, labels, e) for e in events if _from_the_visitor(definition, e)],
        processing=[_entry(definition, labels, by_seq, row.ticket_code, e) for e in events])


def _from_the_visitor(definition, event) -> bool:
    if event.kind != "task.completed":
        return False
    step = definition.steps_json.get(event.bpmn_id) or {}
    return event.personal_event_id is not None or step.get("role") == VISITOR_ROLE


def _given(ctx: EngineContext, definition, labels: dict[str, str], event) -> GivenRecord:
    personal = event.personal_json or {}
    values = {**(event.data_json or {}), **personal}
    step = definition.steps_json.get(event.bpmn_id) or {}
    catalog = ctx.pinned_forms(definition)
    form = catalog.get(step["form_key"]) if step.get("form_key") in catalog else None
    order = form.order if form is not None else []
    fields = {f.name: f for f in form.fields()} if form is not None else {}
    names = [n for n in order if n in values] + sorted(n for n in values if n not in order)
    sop_step, step_name = step_of(definition, event.bpmn_id)
    return GivenRecord(
        seq=event.seq, occurred_at=utc(event.occurred_at), sop_step=sop_step, step_name=step_name,
        recorded_by=event.actor,
        fields=[GivenField(name=n, label=labels.get(n, n), value=values[n], text=_text(values[n], fields.get(n)),
                           personal=n in personal) for n in names])


def _text(value, field) -> str:
    """A recorded value as the visitor reads it: an option's title, Ya/Tidak, a date in words."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, list):
        return ", ".join(_text(v, field) for v in value)
    if field is not None and field.format in ("date", "date-time") and isinstance(value, str):
        return _date_text(value, with_time=field.format == "date-time")
    options = dict(field.options) if field is not None else {}
    try:
        return str(options.get(value, value))
    except TypeError:  # an unhashable value: shown as recorded
        return str(value)


def _date_text(value: str, *, with_time: bool) -> str:
    """'1 Desember 2026 pukul 09.50 WIB'; the text as recorded when it is not an ISO date."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:  # a form's local time carries no offset: the office's clock
        moment = moment.astimezone(WIB)
    day = day_text(moment.date())
    return f"{day} pukul {moment:%H.%M} WIB" if with_time else day


def _entry(definition, labels: dict[str, str], by_seq: dict, ticket_code: str, event) -> ProcessingEntry:
    sop_step, step_name = step_of(definition, event.bpmn_id)
    return ProcessingEntry(
        seq=event.seq, occurred_at=utc(event.occurred_at), actor=event.actor, kind=event.kind,
        kind_label=KIND_LABELS.get(event.kind, event.kind), sop_step=sop_step, step_name=step_name,
        detail=_detail(event, labels, by_seq, ticket_code))


def _detail(event, labels: dict[str, str], by_seq: dict, ticket_code: str) -> str | None:
    data = event.data_json or {}
    if event.kind == "instance.started":
        return f"Tiket {ticket_code}, proses versi {data.get('version', '-')}"
    if event.kind == "instance.completed":
        return data.get("outcome_name") or data.get("outcome")
    if event.kind == "task.completed" and event.personal_event_id is not None:
        return "Data pribadi dicatat" if event.personal_json is not None else "Data pribadi dicatat (sudah dihapus)"
    if event.kind == "personal.revealed":
        target = by_seq.get(data.get("seq"))
        where = f"dari peristiwa #{data.get('seq')}" + (f" ({KIND_LABELS.get(target.kind, target.kind)})"
                                                        if target is not None else "")
        return f"Kolom {labels.get(data.get('field'), data.get('field'))} {where}; alasan: {data.get('reason', '-')}"
    if event.kind == "personal.exported":
        return "Atas permintaan subjek data (UU 27/2022 pasal 32)"
    if event.kind == "personal.purged":
        return (f"{data.get('fields_erased', 0)} nilai data pribadi dihapus setelah masa retensi "
                f"{data.get('retention_days', '-')} hari")
    return None
