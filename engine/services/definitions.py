"""Deploy a BPMN file as a new definition version, after every check; list what is deployed."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError

from engine.bpmn import DefinitionRejected, inspect_definition
from engine.bpmn.model import Problem
from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, NotFound, Rejected
from engine.repositories import utc
from engine.services.cases import STAFF_ROLES
from engine.state_codec import spec_to_json
from engine.views import DefinitionInfo

# Only process owners change an SOP (the admin manages accounts, not procedures).
DEPLOYER_ROLES = {"process_owner"}
UTF8_ADVICE = "berkas BPMN harus disimpan dalam pengodean UTF-8; simpan ulang dari modeler sebagai UTF-8."


def deploy(ctx: EngineContext, xml: bytes, actor: Actor, *, change_note: str = "",
           require_role: bool = True) -> DefinitionInfo:
    if require_role and not (actor.roles & DEPLOYER_ROLES):
        raise Forbidden("Hanya pemilik proses yang boleh memasang definisi proses.")
    inspected, text, forms = inspect(ctx, xml)
    with ctx.uow(write=True) as uow:
        existing = uow.definitions.by_sha(inspected.process_id, inspected.sha256)
        if existing is not None:
            return _info(existing)
        definition_id = add_version(ctx, uow, inspected, text, forms, actor, change_note)
        uow.commit()
    with ctx.uow(write=False) as uow:
        return _info(uow.definitions.get(definition_id), newly_deployed=True)


def inspect(ctx: EngineContext, xml: bytes | str):
    """Every deploy check: (InspectedDefinition, the XML as text, the form catalog) or Rejected."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    forms = ctx.current_forms()
    try:
        inspected = inspect_definition(xml, form_keys=forms.keys(), lane_roles=ctx.settings.lane_roles,
                                       max_bytes=ctx.settings.max_bpmn_bytes)
    except DefinitionRejected as rejected:
        raise Rejected(rejected.problems) from None
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected([Problem("xml.encoding", None, f"{inspected.process_id}: {UTF8_ADVICE}")]) from None
    return inspected, text, forms


def add_version(ctx: EngineContext, uow, inspected, text: str, forms, actor: Actor, change_note: str) -> int:
    """Insert the next version as the one new cases start on, and retire the one it replaces: one
    transaction (the caller's), so a failure leaves the last good version serving."""
    used_forms = {step.form_key for step in inspected.steps.values()}
    values = dict(
        process_key=inspected.process_id, version=uow.definitions.next_version(inspected.process_id),
        sha256=inspected.sha256, name=inspected.name, status="published",
        bpmn_xml=text, spec_json=spec_to_json(inspected.spec, inspected.subprocess_specs),
        steps_json={bpmn_id: _step_dict(step) for bpmn_id, step in inspected.steps.items()},
        lanes_json=[{"id": lane.id, "name": lane.name, "role": lane.role} for lane in inspected.lanes],
        sop_header_json=inspected.sop_header,
        # The schemas themselves, not their keys: a running case keeps the forms it started with
        # even after forms/ changes.
        forms_json={key: forms.get(key).schema for key in sorted(used_forms)},
        change_note=change_note, created_by=actor.name, created_at=ctx.clock())
    try:
        definition_id = uow.definitions.add(**values)
    except IntegrityError:
        raise Conflict("Versi ini baru saja dipasang oleh pengguna lain; muat ulang daftar versi.") from None
    uow.definitions.retire_published(inspected.process_id, except_id=definition_id)
    return definition_id


def deploy_file(ctx: EngineContext, path: str | Path, actor: Actor, **kwargs) -> DefinitionInfo:
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"Berkas tidak ditemukan: {path}")
    size = path.stat().st_size
    if size > ctx.settings.max_bpmn_bytes:
        # Refuse before reading a huge file into memory.
        raise Rejected([f"{path.name}: berkas {size} byte melebihi batas {ctx.settings.max_bpmn_bytes} byte."])
    return deploy(ctx, path.read_bytes(), actor, **kwargs)


def list_definitions(ctx: EngineContext) -> list[DefinitionInfo]:
    with ctx.uow(write=False) as uow:
        return [_info(row) for row in uow.definitions.all()]


def latest(ctx: EngineContext, process_key: str) -> DefinitionInfo:
    with ctx.uow(write=False) as uow:
        row = uow.definitions.latest_published(process_key)
    if row is None:
        raise NotFound(f"Proses '{process_key}' belum dipasang. Jalankan: alur deploy processes/{process_key}.bpmn")
    return _info(row)


def get(ctx: EngineContext, definition_id: int) -> DefinitionInfo:
    with ctx.uow(write=False) as uow:
        row = uow.definitions.get(definition_id)
    if row is None:
        raise NotFound("Versi definisi proses tidak ditemukan.")
    return _info(row)


def xml(ctx: EngineContext, actor: Actor, definition_id: int) -> str:
    """The BPMN of one version, for the case page's diagram: staff only, since the file carries
    internal notes (documentation, keterangan) that the public status page does not show."""
    if not actor.roles & STAFF_ROLES:
        raise Forbidden("Anda tidak berhak melihat definisi proses.")
    with ctx.uow(write=False) as uow:
        text = uow.definitions.bpmn_xml(definition_id)
    if text is None:
        raise NotFound("Versi definisi proses tidak ditemukan.")
    return text


def _step_dict(step) -> dict:
    return {
        "bpmn_id": step.bpmn_id, "name": step.name, "lane_id": step.lane_id, "lane_name": step.lane_name,
        "role": step.role, "sop_step": step.sop_step, "kelengkapan": step.kelengkapan,
        "waktu": step.waktu_iso, "waktu_seconds": int(step.waktu.total_seconds()), "output": step.output,
        "keterangan": step.keterangan, "form_key": step.form_key, "documentation": step.documentation,
        "symbol": step.symbol,
    }


def _info(row, newly_deployed: bool = False) -> DefinitionInfo:
    return DefinitionInfo(
        id=row.id, process_key=row.process_key, version=row.version, sha256=row.sha256, name=row.name,
        status=row.status, created_by=row.created_by, created_at=utc(row.created_at), change_note=row.change_note,
        lanes=row.lanes_json, steps=row.steps_json, sop_header=row.sop_header_json, newly_deployed=newly_deployed)
