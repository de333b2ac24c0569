"""The auditors' view of cases: the list of all cases, one case's timeline (who, when, lane, step,
the data submitted, each step's actual duration against its Waktu), the whole history as a JSON
export, and every event of a period as a stream for the CSV export.

Auditors only, and read-only: nothing here writes. Personal fields are masked exactly as
engine/services/privacy.py masks them for the auditor's role; the names of the masked fields are
kept, so a page can offer to reveal one (an explicit, recorded act: helper D's reveal).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Iterator

from engine import sop_document
from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, InvalidData, NotFound
from engine.ledger import GENESIS
from engine.office_calendar import utc_bounds
from engine.repositories import utc
from engine.services import audit, definitions, privacy
from engine.trail_repository import Trail
from engine.trail_views import (CaseList, CaseSummary, CaseTimeline, PeriodEvent, PeriodExport, StepDuration,
                                TimelineEvent, TimelineHeader)

AUDITOR_ROLES = frozenset({"auditor"})
CASE_STATUSES = ("running", "completed", "error")
MAX_PERIOD_DAYS = 366
MAX_PAGE = 100
SYSTEM_ACTOR = "system"
VISITOR_PREFIX = "pengunjung:"  # engine/services/public.py: the visitor acts as pengunjung:<ticket>
EXPORT_FORMAT = "alur.riwayat-kasus"
EXPORT_FORMAT_VERSION = 1


def _require_auditor(actor: Actor) -> None:
    if not actor.roles & AUDITOR_ROLES:
        raise Forbidden("Hanya auditor yang dapat membuka jejak audit kasus.")


# -- the case list -----------------------------------------------------------------------------
def cases(ctx: EngineContext, actor: Actor, *, status: str | None = None, limit: int = 25,
          offset: int = 0) -> CaseList:
    """Every case, newest first, a page at a time; status: running, completed, error or None."""
    _require_auditor(actor)
    if status is not None and status not in CASE_STATUSES:
        raise InvalidData({"status": "Status tidak dikenal."}, "Saringan status tidak dikenal.")
    limit, offset = max(1, min(int(limit), MAX_PAGE)), max(0, int(offset))
    with ctx.uow(write=False) as uow:
        rows, total = Trail(uow.connection).cases(status, limit, offset)
    items = [CaseSummary(id=r.id, ticket_code=r.ticket_code, status=r.status, outcome=r.outcome,
                         display_name=r.display_name, process_key=r.process_key, version=r.version,
                         started_at=utc(r.started_at), completed_at=utc(r.completed_at), event_count=r.event_seq)
             for r in rows]
    return CaseList(items=items, total=total, offset=offset, limit=limit, status=status)


# -- one case's timeline -------------------------------------------------------------------------
def case_timeline(ctx: EngineContext, actor: Actor, instance_id: int) -> CaseTimeline:
    _require_auditor(actor)
    with ctx.uow(write=False) as uow:
        row = uow.instances.get(instance_id)
        if row is None:
            raise NotFound("Kasus tidak ditemukan.")
        pinned = ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))
        events = uow.events.of_instance(instance_id)
        names = Trail(uow.connection).full_names({e.actor for e in events})
    info = definitions.get(ctx, row.definition_id)
    fields = privacy.personal_fields(ctx, row.definition_id)
    masking = not privacy.needs_personal_data(actor)
    timeline = _timeline_events(events, pinned, names, fields, masking)
    done = [e.duration for e in timeline if e.duration is not None]
    completed_at = utc(row.completed_at)
    header = TimelineHeader(
        id=row.id, ticket_code=row.ticket_code, status=row.status, outcome=row.outcome,
        outcome_name=_outcome_name(timeline), display_name=row.display_name, process_key=info.process_key,
        process_name=info.name, version=info.version, definition_id=info.id, sha256=info.sha256,
        started_at=utc(row.started_at), started_by=row.started_by, completed_at=completed_at,
        event_count=row.event_seq, head_hash=row.event_head,
        total_seconds=(completed_at - utc(row.started_at)).total_seconds() if completed_at else None,
        standard_total_seconds=sop_document.build(info).total_waktu_seconds,
        path_standard_seconds=sum(d.standard_seconds or 0 for d in done))
    return CaseTimeline(header=header, events=timeline, personal_masked=masking)


def _timeline_events(rows, pinned, names: dict[str, str], fields: dict[str, bool],
                     masking: bool) -> list[TimelineEvent]:
    steps = pinned.steps_json
    lanes = {lane["id"]: lane["name"] for lane in pinned.lanes_json}
    ready: dict[str, tuple[datetime, dict]] = {}  # task id -> (ready at, task.ready data)
    claims: dict[str, tuple[datetime, str]] = {}  # task id -> the claim holding it now
    bpmn_of: dict[str, str] = {}
    out = []
    for r in rows:
        at = utc(r.occurred_at)
        bpmn_id = r.bpmn_id or bpmn_of.get(r.task_id)
        if r.task_id and r.bpmn_id:
            bpmn_of[r.task_id] = r.bpmn_id
        step = steps.get(bpmn_id) if bpmn_id else None
        duration = None
        if r.kind == "task.ready":
            ready[r.task_id] = (at, r.data_json or {})
        elif r.kind == "task.claimed":
            claims[r.task_id] = (at, r.actor)
        elif r.kind == "task.released":
            claims.pop(r.task_id, None)
        elif r.kind == "task.completed" and r.task_id in ready:
            duration = _duration(ready[r.task_id], at, step, claims.get(r.task_id))
        data, personal, masked = masked_data(r.data_json or {}, r.personal_json, fields, masking)
        lane_id = r.lane_id or (step or {}).get("lane_id")
        ready_data = ready.get(r.task_id, (None, {}))[1] if r.task_id else {}
        sop_step = (step or {}).get("sop_step", ready_data.get("sop_step"))
        out.append(TimelineEvent(
            seq=r.seq, occurred_at=at, kind=r.kind, actor=r.actor, actor_name=names.get(r.actor),
            actor_kind=_actor_kind(r.actor), task_id=r.task_id, bpmn_id=bpmn_id, lane_id=lane_id,
            lane_name=lanes.get(lane_id) or (step or {}).get("lane_name"),
            sop_step=int(sop_step) if sop_step is not None else None,
            step_name=(step or {}).get("name") or ready_data.get("name"), form_key=(step or {}).get("form_key"),
            data=data, personal=personal, masked_fields=masked,
            personal_purged=bool(r.personal_digest) and r.personal_json is None,
            personal_digest=r.personal_digest, prev_hash=r.prev_hash, hash=r.hash, duration=duration))
    return out


def _duration(ready: tuple[datetime, dict], completed_at: datetime, step: dict | None,
              claim: tuple[datetime, str] | None) -> StepDuration:
    ready_at, ready_data = ready
    standard = step.get("waktu_seconds") if step else None
    if standard is None and ready_data.get("due_at"):
        # A step no longer in the pinned version (after a migration): the Waktu it was given.
        standard = int((datetime.fromisoformat(ready_data["due_at"]) - ready_at).total_seconds())
    return StepDuration(ready_at=ready_at, completed_at=completed_at,
                        actual_seconds=(completed_at - ready_at).total_seconds(),
                        standard_seconds=int(standard) if standard is not None else None,
                        claimed_at=claim[0] if claim else None, claimed_by=claim[1] if claim else None)


def masked_data(data: dict, personal: dict | None, fields: dict[str, bool],
                masking: bool) -> tuple[dict, dict | None, tuple[str, ...]]:
    """(data, personal, names of the fields masked) as privacy.py masks them for a role without
    need of personal data: every personal value but the name, whatever the current forms say."""
    if not masking:
        return data, personal, ()
    masked = []
    if personal:
        shown = {}
        for name, value in personal.items():
            if name in privacy.VISIBLE_TO_STAFF or value is None or value == "":
                shown[name] = value
            else:
                shown[name] = privacy.mask_value(value, fields.get(name, False))
                masked.append(name)
        personal = shown
    if data and any(name in fields for name in data):
        data = {name: privacy.mask_value(value, fields[name])
                if name in fields and name not in privacy.VISIBLE_TO_STAFF else value
                for name, value in data.items()}
    return data, personal, tuple(masked)


def _actor_kind(username: str) -> str:
    if username == SYSTEM_ACTOR:
        return "system"
    return "visitor" if username.startswith(VISITOR_PREFIX) else "user"


def _outcome_name(events: list[TimelineEvent]) -> str | None:
    for e in reversed(events):
        if e.kind == "instance.completed":
            return str(e.data.get("outcome_name") or e.data.get("outcome") or "") or None
    return None


# -- exports -----------------------------------------------------------------------------------
def export_case(ctx: EngineContext, actor: Actor, instance_id: int) -> dict:
    """The whole history of one case as JSON-able data. Shape (format "alur.riwayat-kasus",
    format_version 1; times are UTC ISO 8601, durations in seconds):

        {format, format_version, exported_at, exported_by,
         case: {id, ticket_code, status, outcome, outcome_name, display_name, started_at,
                started_by, completed_at, total_seconds, standard_total_seconds, path_standard_seconds},
         definition: {id, process_key, name, version, sha256},
         chain: {algorithm: "sha256", genesis, head_seq, head_hash},
         verification: {checked_at, intact, events, head, breaks: ["event #3: altered: ..."],
                        messages: [the same in an Indonesian sentence]},
         personal_masked,
         events: [{seq, occurred_at, actor, actor_name, kind, task_id, bpmn_id,
                   step: {number, name} | null, lane: {id, name} | null, data, personal,
                   masked_fields, personal_digest, personal_purged, prev_hash, hash,
                   duration: {ready_at, claimed_at, claimed_by, completed_at, actual_seconds,
                              standard_seconds, within_standard, over_seconds} | null}]}

    Each event carries every field its hash covers (instance id = case.id, seq, time, actor,
    kind, task id, BPMN id, lane id, `data`, `personal_digest`, `prev_hash`: engine/ledger.py),
    so anyone can recompute the chain from the file alone. Personal values appear only masked,
    in `personal`, outside the chained data: the chain holds their salted digest."""
    timeline = case_timeline(ctx, actor, instance_id)
    report = audit.verify(ctx, instance_id)
    h = timeline.header
    return {
        "format": EXPORT_FORMAT, "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(ctx.clock()), "exported_by": actor.name,
        "case": {"id": h.id, "ticket_code": h.ticket_code, "status": h.status, "outcome": h.outcome,
                 "outcome_name": h.outcome_name, "display_name": h.display_name,
                 "started_at": _iso(h.started_at), "started_by": h.started_by, "completed_at": _iso(h.completed_at),
                 "total_seconds": h.total_seconds, "standard_total_seconds": h.standard_total_seconds,
                 "path_standard_seconds": h.path_standard_seconds},
        "definition": {"id": h.definition_id, "process_key": h.process_key, "name": h.process_name,
                       "version": h.version, "sha256": h.sha256},
        "chain": {"algorithm": "sha256", "genesis": GENESIS, "head_seq": h.event_count, "head_hash": h.head_hash},
        "verification": {"checked_at": _iso(ctx.clock()), "intact": report.intact, "events": report.events,
                         "head": report.head, "breaks": list(report.breaks),
                         "messages": [getattr(p, "message", str(p)) for p in report.problems]},
        "personal_masked": timeline.personal_masked,
        "events": [_event_json(e) for e in timeline.events],
    }


def _event_json(e: TimelineEvent) -> dict:
    duration = None
    if e.duration is not None:
        d = e.duration
        duration = {"ready_at": _iso(d.ready_at), "claimed_at": _iso(d.claimed_at), "claimed_by": d.claimed_by,
                    "completed_at": _iso(d.completed_at), "actual_seconds": d.actual_seconds,
                    "standard_seconds": d.standard_seconds, "within_standard": d.within_standard,
                    "over_seconds": d.over_seconds}
    return {
        "seq": e.seq, "occurred_at": _iso(e.occurred_at), "actor": e.actor, "actor_name": e.actor_name,
        "kind": e.kind, "task_id": e.task_id, "bpmn_id": e.bpmn_id,
        "step": {"number": e.sop_step, "name": e.step_name} if e.sop_step is not None else None,
        "lane": {"id": e.lane_id, "name": e.lane_name} if e.lane_id else None,
        "data": e.data, "personal": e.personal, "masked_fields": list(e.masked_fields),
        "personal_digest": e.personal_digest, "personal_purged": e.personal_purged,
        "prev_hash": e.prev_hash, "hash": e.hash, "duration": duration,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment is not None else None


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00 WIB, the day after end 00:00 WIB) in UTC; refused when reversed or too long."""
    if end < start:
        raise InvalidData({"sampai": "Tanggal akhir sebelum tanggal awal."},
                          "Periode tidak sah: tanggal akhir sebelum tanggal awal.")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidData({"sampai": f"Paling lama {MAX_PERIOD_DAYS} hari."},
                          f"Periode terlalu panjang: paling lama {MAX_PERIOD_DAYS} hari sekali ekspor.")
    return utc_bounds(start, end)


def events_in_period(ctx: EngineContext, actor: Actor, start: date, end: date) -> PeriodExport:
    """Every event of every case from `start` to `end` (WIB days, both included), oldest first.
    Checked now (role, dates); the events are read as the result is iterated, in one read
    transaction that stays open until the iteration ends."""
    _require_auditor(actor)
    begin, finish = period_bounds(start, end)
    return PeriodExport(start=start, end=end,
                        events=_period_events(ctx, begin, finish, not privacy.needs_personal_data(actor)))


def _period_events(ctx: EngineContext, begin: datetime, finish: datetime, masking: bool) -> Iterator[PeriodEvent]:
    with ctx.uow(write=False) as uow:
        trail = Trail(uow.connection)
        pinned = {i: ctx.compiled.definition(i, lambda i=i: uow.definitions.get(i)) for i in trail.definition_ids()}
    # Read before the stream opens: a cache miss would open a second transaction inside it.
    fields = {i: privacy.personal_fields(ctx, i) for i in pinned}
    lanes = {i: {lane["id"]: lane["name"] for lane in p.lanes_json} for i, p in pinned.items()}
    with ctx.uow(write=False) as uow:
        for r in Trail(uow.connection).events_between(begin, finish):
            data, personal, _masked = masked_data(r.data_json or {}, r.personal_json,
                                                  fields.get(r.definition_id, {}), masking)
            step = pinned[r.definition_id].steps_json.get(r.bpmn_id) if r.bpmn_id else None
            yield PeriodEvent(
                instance_id=r.instance_id, ticket_code=r.ticket_code, seq=r.seq, occurred_at=utc(r.occurred_at),
                actor=r.actor, kind=r.kind, sop_step=int(step["sop_step"]) if step else None,
                step_name=step["name"] if step else None, lane_id=r.lane_id,
                lane_name=lanes[r.definition_id].get(r.lane_id) if r.lane_id else None,
                data={**data, **(personal or {})}, hash=r.hash)
