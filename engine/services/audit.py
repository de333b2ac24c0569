"""Read a case's history and verify its hash chain."""
from __future__ import annotations

from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.services import integrity
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
    """One case's chain, for the engine's own callers (no role check); auditors use
    integrity.verify_case."""
    return integrity.verify_one(ctx, instance_id)
