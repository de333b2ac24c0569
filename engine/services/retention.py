"""The retention purge (UU 27/2022 art. 43-44): the personal data of cases closed longer than
the retention period (settings.retention_days, from the office's Jadwal Retensi Arsip) is erased.

Per case, in one transaction: the events' personal records lose their values (the salt and the
chained digest stay, so every hash chain still verifies); the workflow state loses every personal
field from the workflow's and each task's data, and free texts quoting those values (step 5's
message names the visitor) have them masked; the inbox rows lose any draft; the case loses its
display name and is marked purged; a `personal.purged` event (counts only) goes on its chain. A
case that fails is rolled back whole and reported; the others go on. Running it again finds
nothing: purged cases are marked.

What the purge cannot reach: values a person typed into a chained public field (a free-text note,
or the step-5 message, which the front desk's draft addresses by name). The chain commits to
those, so erasing them would break it; see docs/ARCHITECTURE.md for the fix.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from engine.case import DISPLAY_NAME_FIELD, Actor, Case
from engine.context import EngineContext
from engine.errors import Conflict
from engine.personal_repository import PersonalData
from engine.personal_views import PurgeCandidate, PurgedCase, PurgeFailure, PurgeReport
from engine.repositories import utc
from engine.services import privacy
from engine.services.personal_data import require_admin_or_system

log = logging.getLogger(__name__)


class _Leftover(Exception):
    """A personal value survived the scrub (a script copied it somewhere unusual): roll back."""


def purge_expired(ctx: EngineContext, actor: Actor, *, dry_run: bool, now: datetime | None = None) -> PurgeReport:
    require_admin_or_system(actor, "menghapus data pribadi yang melewati masa retensi")
    now = now or ctx.clock()
    days = ctx.settings.retention_days
    cutoff = now - timedelta(days=days)
    with ctx.uow(write=False) as uow:
        repo = PersonalData(uow.connection)
        due = [PurgeCandidate(instance_id=r.id, ticket_code=r.ticket_code, outcome=r.outcome,
                              completed_at=utc(r.completed_at)) for r in repo.due_for_purge(cutoff)]
        already = repo.purged_count()
    report = dict(retention_days=days, cutoff=cutoff, ran_at=now, actor=actor.name, due=due, already_purged=already)
    if dry_run:
        return PurgeReport(dry_run=True, **report)
    purged, failed = [], []
    for candidate in due:
        try:
            done = _purge_with_retry(ctx, actor, candidate, cutoff, days, now)
        except _Leftover:
            failed.append(PurgeFailure(candidate.instance_id, candidate.ticket_code,
                                       "nilai data pribadi masih tersisa di status alur kerja; kasus tidak diubah"))
        except Exception as error:  # one bad case must not keep the others' data past retention
            log.error("retention purge of case %s failed: %s", candidate.instance_id, type(error).__name__)
            failed.append(PurgeFailure(candidate.instance_id, candidate.ticket_code,
                                       f"gagal ({type(error).__name__}); kasus tidak diubah"))
        else:
            if done is not None:
                purged.append(done)
    return PurgeReport(dry_run=False, purged=purged, failed=failed, **report)


def _purge_with_retry(ctx, actor, candidate, cutoff, days, now) -> PurgedCase | None:
    try:
        return _purge_case(ctx, actor, candidate, cutoff, days, now)
    except Conflict:  # an auditor's reveal chained onto the case meanwhile: once more
        return _purge_case(ctx, actor, candidate, cutoff, days, now)


def _purge_case(ctx: EngineContext, actor: Actor, candidate: PurgeCandidate, cutoff: datetime, days: int,
                now: datetime) -> PurgedCase | None:
    with ctx.uow(write=True) as uow:
        case = Case.load(uow, candidate.instance_id, ctx.compiled, now)
        row = case.row
        if row.status != "completed" or row.personal_purged_at is not None or utc(row.completed_at) >= cutoff:
            return None  # another run got there first, or the case changed since the list was read
        repo = PersonalData(uow.connection)
        records = repo.unpurged_personal(row.id)
        personal = [r.personal_json or {} for r in records]
        names = set(privacy.personal_fields(ctx, case.definition.id)).union(*personal)
        erased = [v for values in personal for v in values.values()]
        state_fields, texts = _scrub_workflow(case.workflow, names, erased, row.display_name)
        repo.erase_personal([r.event_id for r in records], now)
        drafts = repo.clear_drafts(row.id)
        case.record("personal.purged", actor, data={
            "fields_erased": sum(len(values) for values in personal), "state_fields": state_fields,
            "texts_masked": texts, "drafts_cleared": drafts, "retention_days": days})
        case.save()
        repo.mark_purged(row.id, now)
        _check_state(uow, row.id, erased + [row.display_name])
        uow.commit()
    case.keep_after_commit()
    return PurgedCase(instance_id=row.id, ticket_code=row.ticket_code, fields_erased=sum(len(v) for v in personal),
                      state_fields=state_fields, drafts_cleared=drafts, event_seq=row.event_seq + 1)


def _scrub_workflow(workflow, names: set[str], erased: list, display_name: str | None) -> tuple[int, int]:
    """Remove the personal fields from the workflow's and every task's data (subprocesses too),
    and mask the erased values inside the texts that remain. (distinct fields removed, texts masked)"""
    collected = list(erased)
    workflows = [workflow, *getattr(workflow, "subprocesses", {}).values()]
    containers = [data for wf in workflows for data in (wf.data, *(t.data for t in wf.tasks.values()))]
    for data in containers:  # the state's own copies count too (a field the events never had)
        collected += [data[name] for name in names if name in data]
    name = next((data[DISPLAY_NAME_FIELD] for data in containers if isinstance(data.get(DISPLAY_NAME_FIELD), str)),
                display_name)
    scrub = privacy.text_scrubber(collected, name=name)
    removed, masked = set(), set()
    for data in containers:
        for field in names & data.keys():
            del data[field]
            removed.add(field)
        for key, value in list(data.items()):
            cleaned = _scrub_value(value, scrub)
            if cleaned != value:
                data[key] = cleaned
                masked.add(key)
    return len(removed), len(masked)


def _scrub_value(value, scrub):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_value(v, scrub) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, scrub) for k, v in value.items()}
    return value


def _check_state(uow, instance_id: int, values: list) -> None:
    """The state as written must not hold any erased value, as JSON would spell it."""
    state = uow.instances.get(instance_id).state_json
    for value in values:
        if not isinstance(value, str) or len(value.strip()) < 3:
            continue
        spelled = {json.dumps(value.strip(), ensure_ascii=ascii_only)[1:-1] for ascii_only in (False, True)}
        if any(text in state for text in spelled):
            raise _Leftover()
