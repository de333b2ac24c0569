"""An auditor reveals one masked personal value, and the reveal goes on the case's own record.

Auditors see personal fields masked everywhere (services/privacy.py). When an audit needs one
value (an Ombudsman request naming a visitor, say), the auditor asks for that one field of that one
event and gives a reason; the value is returned only after a `personal.revealed` event (which
event, which field, the reason, who) is chained in the same transaction, so no reveal is ever
unrecorded. A value the retention purge erased answers "sudah dihapus" and records nothing:
nothing was disclosed.
"""
from __future__ import annotations

from engine.case import Actor, Case
from engine.context import EngineContext
from engine.errors import Conflict, InvalidData, NotFound
from engine.personal_repository import PersonalData
from engine.personal_views import RevealedValue, RevealTarget
from engine.repositories import utc
from engine.services import privacy
from engine.services.personal_data import field_labels, require_auditor, step_of

MIN_REASON = 10
MAX_REASON = 500
_REASON_FIELD = "alasan"


def target(ctx: EngineContext, actor: Actor, instance_id: int, seq: int, field: str) -> RevealTarget:
    """The field to reveal, masked, with its event: what the reason form shows. Writes nothing."""
    require_auditor(actor)
    with ctx.uow(write=False) as uow:
        row, definition = _case(ctx, uow, instance_id)
        event = PersonalData(uow.connection).event(instance_id, seq)
    _locate(ctx, definition, event, field)
    return _target(ctx, row, definition, event, field)


def targets(ctx: EngineContext, actor: Actor, instance_id: int) -> list[RevealTarget]:
    """Every personal field of every event of the case, masked (purged ones marked): what an
    auditor may choose to reveal. Writes nothing."""
    require_auditor(actor)
    with ctx.uow(write=False) as uow:
        row, definition = _case(ctx, uow, instance_id)
        events = [e for e in PersonalData(uow.connection).events_of([instance_id]) if e.personal_event_id is not None]
    found = []
    for event in events:
        if event.personal_json is not None and event.purged_at is None:
            names = list(event.personal_json)
        else:  # the values are gone: the personal fields of the step's form say what was there
            step = definition.steps_json.get(event.bpmn_id) or {}
            catalog = ctx.pinned_forms(definition)
            form = catalog.get(step["form_key"]) if step.get("form_key") in catalog else None
            names = [n for n in form.order if n in form.personal_fields] if form is not None else []
        # The name is shown to every staff role anyway (privacy.VISIBLE_TO_STAFF): nothing to reveal.
        found += [_target(ctx, row, definition, event, name) for name in names if name not in privacy.VISIBLE_TO_STAFF]
    return found


def _case(ctx: EngineContext, uow, instance_id: int):
    row = uow.instances.get(instance_id)
    if row is None:
        raise NotFound("Kasus tidak ditemukan.")
    return row, ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))


def _target(ctx: EngineContext, row, definition, event, field: str) -> RevealTarget:
    purged = event.purged_at is not None or event.personal_json is None
    keeps_last_four = privacy.personal_fields(ctx, definition.id).get(field, False)
    sop_step, step_name = step_of(definition, event.bpmn_id)
    return RevealTarget(
        instance_id=row.id, ticket_code=row.ticket_code, seq=event.seq, field=field,
        field_label=field_labels(ctx, definition).get(field, field), event_kind=event.kind,
        occurred_at=utc(event.occurred_at), actor=event.actor, sop_step=sop_step, step_name=step_name,
        masked_value=None if purged else _as_shown(event.personal_json.get(field), field, keeps_last_four),
        purged=purged)


def reveal(ctx: EngineContext, actor: Actor, instance_id: int, seq: int, field: str, reason: str) -> RevealedValue:
    require_auditor(actor)
    reason = " ".join(str(reason or "").split())
    if len(reason) < MIN_REASON:
        raise InvalidData({_REASON_FIELD: f"Tuliskan alasan membuka data ini, minimal {MIN_REASON} karakter."},
                          "Alasan membuka data pribadi belum cukup.")
    if len(reason) > MAX_REASON:
        raise InvalidData({_REASON_FIELD: f"Alasan terlalu panjang (paling banyak {MAX_REASON} karakter)."},
                          "Alasan membuka data pribadi terlalu panjang.")
    try:
        return _reveal_once(ctx, actor, instance_id, seq, field, reason)
    except Conflict:
        # A staff member completed a task of this case at that very moment: the case moved on
        # and our event must chain after theirs. Once more; a second loss is a real contention.
        pass
    try:
        return _reveal_once(ctx, actor, instance_id, seq, field, reason)
    except Conflict:
        raise Conflict("Kasus ini sedang diubah oleh petugas lain; data belum dibuka. Coba lagi sebentar lagi.") \
            from None


def _reveal_once(ctx, actor, instance_id, seq, field, reason) -> RevealedValue:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        case = Case.load(uow, instance_id, ctx.compiled, now)
        event = PersonalData(uow.connection).event(instance_id, seq)
        value, purged = _locate(ctx, case.definition, event, field)
        label = field_labels(ctx, case.definition).get(field, field)
        if purged:
            return RevealedValue(instance_id=instance_id, ticket_code=case.row.ticket_code, seq=seq, field=field,
                                 field_label=label, value=None, purged=True, revealed_at=None, reveal_seq=None)
        case.record("personal.revealed", actor, data={"seq": seq, "field": field, "reason": reason})
        case.save_events_only()
        reveal_seq = case.row.event_seq + 1
        uow.commit()
    case.keep_after_commit()
    return RevealedValue(instance_id=instance_id, ticket_code=case.row.ticket_code, seq=seq, field=field,
                         field_label=label, value=None if value is None else str(value), purged=False,
                         revealed_at=now, reveal_seq=reveal_seq)


def _as_shown(value, field: str, keeps_last_four: bool):
    """The value as the auditor's pages show it (services/privacy.py masks all but the name)."""
    return value if field in privacy.VISIBLE_TO_STAFF else privacy.mask_value(value, keeps_last_four)


def _locate(ctx: EngineContext, definition, event, field: str) -> tuple[object, bool]:
    """(the value, whether it was purged); NotFound unless the event holds that personal field."""
    if event is None:
        raise NotFound("Peristiwa itu tidak ada dalam riwayat kasus ini.")
    if event.personal_event_id is None:
        raise NotFound("Peristiwa ini tidak memuat data pribadi.")
    if event.purged_at is not None or event.personal_json is None:
        # The values are gone, names and all: accept any personal field of the case's forms.
        if field not in privacy.personal_fields(ctx, definition.id):
            raise NotFound("Kolom data pribadi itu tidak ada pada peristiwa ini.")
        return None, True
    if field not in event.personal_json:
        raise NotFound("Kolom data pribadi itu tidak ada pada peristiwa ini.")
    return event.personal_json[field], False
