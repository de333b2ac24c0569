"""Read a case's history and verify its hash chain."""
from __future__ import annotations

from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.ledger import ChainBreak, ChainedContent, StoredEvent, personal_digest, verify_chain
from engine.services.cases import STAFF_ROLES, to_record
from engine.views import EventRecord, VerifyReport


def history(ctx: EngineContext, actor: Actor, instance_id: int) -> list[EventRecord]:
    if not actor.roles & STAFF_ROLES:
        raise Forbidden("Anda tidak berhak melihat riwayat kasus.")
    with ctx.uow(write=False) as uow:
        if uow.instances.get(instance_id) is None:
            raise NotFound("Kasus tidak ditemukan.")
        return [to_record(e) for e in uow.events.of_instance(instance_id)]


def verify(ctx: EngineContext, instance_id: int) -> VerifyReport:
    with ctx.uow(write=False) as uow:
        case = uow.instances.get(instance_id)
        if case is None:
            raise NotFound("Kasus tidak ditemukan.")
        rows = uow.events.of_instance(instance_id)
    stored = [StoredEvent(ChainedContent(
        instance_id=r.instance_id, seq=r.seq, occurred_at=r.occurred_at, actor=r.actor, kind=r.kind,
        task_id=r.task_id, bpmn_id=r.bpmn_id, lane_id=r.lane_id, data=r.data_json,
        personal_digest=r.personal_digest), prev_hash=r.prev_hash, hash=r.hash) for r in rows]
    breaks = verify_chain(stored, head_seq=case.event_seq, head_hash=case.event_head)
    breaks += _personal_data_breaks(rows)
    return VerifyReport(instance_id=case.id, ticket_code=case.ticket_code, events=len(rows),
                        head=case.event_head, breaks=[str(b) for b in breaks])


def _personal_data_breaks(rows) -> list[ChainBreak]:
    """Personal fields sit outside the chained content; the chain holds their salted digest, so
    they are checked against it wherever they have not been purged."""
    return [ChainBreak(r.seq, "altered", "its personal data no longer matches the digest in the chain")
            for r in rows
            if r.personal_digest and r.personal_json is not None
            and personal_digest(r.salt, r.personal_json) != r.personal_digest]
