"""What the personal-data use cases share (UU 27/2022): who may do what, the words for event
kinds, and a case's steps and field labels as its pinned definition has them.

The use cases themselves: `reveal` (an auditor opens one masked value, on the record),
`subject_access` (art. 32: a visitor's data and its processing log, by NIK) and `retention`
(art. 43-44: erase the personal data of cases closed longer than the retention period).
"""
from __future__ import annotations

from engine.case import SYSTEM, Actor
from engine.context import EngineContext
from engine.errors import Forbidden

AUDITOR_ROLE = "auditor"
ADMIN_ROLE = "admin"

# The Indonesian words for each kind of event, for the processing log handed to a data subject
# (the CLI's JSON has no Flask to translate with; the web pages use their own catalog).
KIND_LABELS = {
    "instance.started": "Kasus dibuka",
    "task.ready": "Langkah siap",
    "task.claimed": "Diambil petugas",
    "task.released": "Dilepas petugas",
    "task.completed": "Langkah diselesaikan",
    "task.cancelled": "Langkah dibatalkan",
    "instance.completed": "Kasus selesai",
    "timer.fired": "Batas waktu tercapai",
    "instance.error": "Kesalahan mesin alur kerja",
    "instance.migrated": "Dimigrasikan ke versi baru",
    "personal.revealed": "Data pribadi dibuka oleh auditor",
    "personal.exported": "Data pribadi diekspor untuk subjek data",
    "personal.purged": "Data pribadi dihapus (masa retensi habis)",
}


def require_auditor(actor: Actor) -> None:
    if AUDITOR_ROLE not in actor.roles:
        raise Forbidden("Hanya auditor yang dapat membuka data pribadi yang disamarkan.")


def require_admin(actor: Actor, what: str) -> None:
    if ADMIN_ROLE not in actor.roles:
        raise Forbidden(f"Hanya admin yang dapat {what}.")


def require_admin_or_system(actor: Actor, what: str) -> None:
    # The system itself (the daily worker) acts without roles: it is recognised by identity,
    # so an account that happens to be named "system" gains nothing.
    if actor is not SYSTEM:
        require_admin(actor, what)


def step_of(definition, bpmn_id: str | None) -> tuple[int | None, str | None]:
    """(SOP step number, step name) of a BPMN task in the definition version, or (None, None)."""
    step = definition.steps_json.get(bpmn_id) if bpmn_id else None
    if not step:
        return None, None
    return int(step["sop_step"]), step["name"]


def field_labels(ctx: EngineContext, definition) -> dict[str, str]:
    """{field name: its title} over every form the definition version pinned."""
    labels: dict[str, str] = {}
    catalog = ctx.pinned_forms(definition)
    for key in catalog.keys():
        for name, prop in catalog.get(key).schema["properties"].items():
            labels.setdefault(name, prop.get("title") or name)
    return labels


def definition_of(ctx: EngineContext, uow, definition_id: int):
    return ctx.compiled.definition(definition_id, lambda: uow.definitions.get(definition_id))
