"""Auditors replay a case event by event, and re-execute it to prove its history and state agree.

Both read only (write=False units of work; nothing is ever written). Replay derives each
moment's state from the log (engine/replay_frames.py), with the data masked as privacy.py masks
it for the actor. Re-execution runs the case again from the definition it started on
(engine/replay.py) outside any transaction: the rows are read first, then the engine runs.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from engine import replay as reexecution
from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.replay_frames import build_frames
from engine.replay_repository import ReplayReads
from engine.replay_views import CaseReplay, ReexecutionReport, ReexecutionSummary
from engine.services import privacy
from engine.services.cases import to_record

AUDITOR_ROLES = frozenset({"auditor"})
_PAGE = 500


def _require_auditor(actor: Actor) -> None:
    if not actor.roles & AUDITOR_ROLES:
        raise Forbidden("Hanya auditor yang boleh memutar ulang atau mengeksekusi ulang kasus.")


@dataclass
class _Loaded:
    row: object
    events: list  # event rows, seq order
    definitions: dict  # id -> PinnedDefinition
    compiled: dict  # id -> CompiledProcess (re-execution only)
    start_id: int


def _load(ctx: EngineContext, uow, instance_id: int, *, compiled: bool) -> _Loaded:
    row = uow.instances.get(instance_id)
    if row is None:
        raise NotFound("Kasus tidak ditemukan.")
    events = uow.events.of_instance(instance_id)
    migrations = [e.data_json or {} for e in events if e.kind == "instance.migrated"]
    start_id = _int(migrations[0].get("from_definition_id")) if migrations else None
    start_id = start_id if start_id is not None else row.definition_id
    wanted = [start_id, row.definition_id] + [_int(m.get("to_definition_id")) for m in migrations]
    definitions, specs = {}, {}
    for definition_id in dict.fromkeys(d for d in wanted if d is not None):
        definition = ctx.compiled.definition(definition_id, lambda i=definition_id: uow.definitions.get(i))
        if definition is None:
            continue  # a migration naming a definition that is not there: re-execution reports it
        definitions[definition_id] = definition
        if compiled:
            specs[definition_id] = ctx.compiled.get(definition_id,
                                                    lambda i=definition_id: uow.definitions.spec_json(i))
    if start_id not in definitions:
        raise NotFound("Definisi proses tempat kasus ini dimulai tidak ditemukan.")
    return _Loaded(row=row, events=events, definitions=definitions, compiled=specs, start_id=start_id)


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _records(rows) -> list:
    """The events as EventRecords, with {} for data a hand-made row may lack."""
    return [record if record.data is not None else replace(record, data={}) for record in map(to_record, rows)]


def _purged(event_row) -> bool:
    return bool(event_row.personal_digest) and event_row.personal_json is None


# -- replay ------------------------------------------------------------------------------------
def case_replay(ctx: EngineContext, actor: Actor, instance_id: int) -> CaseReplay:
    _require_auditor(actor)
    with ctx.uow(write=False) as uow:
        loaded = _load(ctx, uow, instance_id, compiled=False)
    row = loaded.row
    records = privacy.mask_events(ctx, _records(loaded.events), actor, instance_id)
    purged = [_purged(e) for e in loaded.events]
    definitions = loaded.definitions

    def definition_of(definition_id: int):
        return definitions.get(definition_id, definitions[loaded.start_id])

    frames = build_frames(records, definitions[loaded.start_id], definition_of)
    current = definitions.get(row.definition_id, definitions[loaded.start_id])
    return CaseReplay(instance_id=row.id, ticket_code=row.ticket_code, display_name=row.display_name,
                      process_key=current.process_key, status=row.status, outcome=row.outcome, frames=frames,
                      personal_masked=not privacy.needs_personal_data(actor),
                      personal_purged=row.personal_purged_at is not None or any(purged),
                      personal_fields=tuple(sorted({name for i in definitions
                                                    for name in privacy.personal_fields(ctx, i)})))


# -- re-execution ------------------------------------------------------------------------------
def reexecute(ctx: EngineContext, actor: Actor, instance_id: int) -> ReexecutionReport:
    _require_auditor(actor)
    return _reexecute(ctx, instance_id)


def _reexecute(ctx: EngineContext, instance_id: int) -> ReexecutionReport:
    with ctx.uow(write=False) as uow:
        loaded = _load(ctx, uow, instance_id, compiled=True)
    row, definitions = loaded.row, loaded.definitions
    pinned = {i: reexecution.Pinned(definitions[i], loaded.compiled[i]) for i in definitions}

    def pinned_of(definition_id: int) -> reexecution.Pinned:
        return pinned[definition_id]  # KeyError: the migration's target is missing, reported as such

    purged = row.personal_purged_at is not None or any(_purged(e) for e in loaded.events)
    personal = frozenset(name for i in definitions for name in privacy.personal_fields(ctx, i))
    events = _records(loaded.events)
    stored = reexecution.Stored(definition_id=row.definition_id, state_json=row.state_json, status=row.status,
                                outcome=row.outcome)
    outcome = reexecution.reexecute(events, pinned[loaded.start_id], pinned_of, stored,
                                    wildcards=personal if purged else frozenset(), personal=personal)
    start, final = definitions[loaded.start_id], definitions.get(row.definition_id, definitions[loaded.start_id])
    return ReexecutionReport(
        instance_id=row.id, ticket_code=row.ticket_code, process_key=start.process_key,
        start_version=start.version, final_version=final.version, events=len(events),
        steps=tuple(outcome.steps), divergences=tuple(outcome.divergences), stopped_at=outcome.stopped_at,
        state_compared=outcome.state_compared, personal_purged=purged)


def reexecute_all(ctx: EngineContext, actor: Actor) -> ReexecutionSummary:
    """Every case, one at a time (each read in its own short transaction)."""
    _require_auditor(actor)
    cases, matching, divergent, after = 0, 0, [], 0
    while True:
        with ctx.uow(write=False) as uow:
            ids = ReplayReads(uow.connection).instance_ids(after, _PAGE)
        if not ids:
            break
        for instance_id in ids:
            try:
                report = _reexecute(ctx, instance_id)
            except NotFound:  # gone since the page was read (cases are never deleted; be safe)
                continue
            cases += 1
            if report.matches:
                matching += 1
            else:
                divergent.append(report)
        after = ids[-1]
    return ReexecutionSummary(cases=cases, matching=matching, divergent=tuple(divergent))

