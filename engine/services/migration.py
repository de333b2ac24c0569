"""Moving chosen running cases to a newer version of their process: the candidates, a dry run that
says per case whether it can move and why not, and the migration of the safe ones.

New cases start on the newest published version; running ones stay on theirs until a process
owner moves them here. Each case moves in its own transaction, and the rules
(engine/services/migration_rules.py) are evaluated again inside it on the state as it is then:
a dry run is advice, never trusted. A case that changed since the dry run (its revision differs
from the one the owner saw) is refused as a conflict, as is one another writer changes while it
moves (the optimistic revision check); refused cases are left exactly as they were.

A migrated case is pinned to the new definition, its state re-serialized against the new spec
(stored by reference, engine/state_codec.py), its open inbox rows brought in line with the new
steps (claim, draft and creation time kept, the due time recomputed from the new Waktu) and an
"instance.migrated" event chained onto its history.
"""
from __future__ import annotations

from datetime import timedelta

from engine import runtime
from engine.case import Actor, Case
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, NotFound, describe_error
from engine.migration_views import (CaseMigrationReport, MigrationCandidate, MigrationCandidates, MigrationReport,
                                    TargetVersion, TaskMapping)
from engine.repositories import utc
from engine.services import migration_rules as rules

OWNER_ROLES = {"process_owner"}
STATUS_WORDS = {"completed": "sudah selesai", "error": "berhenti karena galat"}


def _require_owner(actor: Actor) -> None:
    if not actor.roles & OWNER_ROLES:
        raise Forbidden("Hanya pemilik proses yang boleh memigrasikan kasus ke versi lain.")


def _target_row(uow, process_key: str, number: int | None):
    if number is None:
        row = uow.definitions.latest_published(process_key)
        if row is None:
            raise NotFound(f"Proses '{process_key}' belum punya versi yang berlaku.")
        return row
    row = uow.definitions.by_version(process_key, int(number))
    if row is None:
        raise NotFound(f"Versi {number} proses '{process_key}' tidak ditemukan.")
    return row


def _target_info(row) -> TargetVersion:
    return TargetVersion(version=row.version, definition_id=row.id, status=row.status,
                         change_note=row.change_note or "")


# -- candidates ------------------------------------------------------------------------------
def candidates(ctx: EngineContext, actor: Actor, process_key: str,
               target_number: int | None = None) -> MigrationCandidates:
    """Running cases on versions older than the target (default: the published version)."""
    _require_owner(actor)
    with ctx.uow(write=False) as uow:
        versions = uow.definitions.of_process(process_key)  # newest first
        if not versions:
            raise NotFound(f"Proses '{process_key}' tidak ditemukan.")
        target = _target_row(uow, process_key, target_number)
        running = uow.definitions.running_counts(process_key)
        cases = uow.migrations.running_cases(process_key, target.version)
        open_rows = uow.migrations.open_tasks_of_running(process_key, target.version)
    steps: dict[int, list[str]] = {}
    for row in open_rows:
        steps.setdefault(row.instance_id, []).append(f"Langkah {row.sop_step} · {row.name}")
    oldest_running = min((v.version for v in versions if running.get(v.id)), default=None)
    targets = [_target_info(v) for v in versions
               if v.id == target.id or (oldest_running is not None and v.version > oldest_running)]
    return MigrationCandidates(
        process_key=process_key, name=versions[0].name, target=_target_info(target), targets=tuple(targets),
        cases=tuple(MigrationCandidate(instance_id=r.id, ticket_code=r.ticket_code, version=r.version,
                                       definition_id=r.definition_id, current_steps=tuple(steps.get(r.id, ())),
                                       started_at=utc(r.started_at), revision=r.revision) for r in cases))


# -- dry run ---------------------------------------------------------------------------------
def dry_run(ctx: EngineContext, actor: Actor, process_key: str, instance_ids,
            target_number: int | None) -> MigrationReport:
    """Per case: can it move, why not, and what would happen. Nothing is written, and no cached
    workflow is touched: each state is loaded afresh and migrated in memory only."""
    _require_owner(actor)
    with ctx.uow(write=False) as uow:
        target = _target_row(uow, process_key, target_number)
        target_def, target_compiled = _pinned(ctx, uow, target.id)
        reports = []
        for instance_id in _unique(instance_ids):
            row = uow.instances.get(instance_id)
            refusal, old_def = _precheck(ctx, uow, row, instance_id, process_key, target_def)
            if refusal is not None:
                reports.append(refusal)
                continue
            old_compiled = ctx.compiled.get(old_def.id, lambda: uow.definitions.spec_json(old_def.id))
            workflow = runtime.load_state(row.state_json, old_compiled)
            plan = _plan(workflow, old_def, old_compiled, target_def, target_compiled)
            reports.append(_report(row, old_def, target_def, plan, uow.tasks.of_instance(row.id)))
    return MigrationReport(process_key=process_key, target_version=target_def.version,
                           target_definition_id=target_def.id, dry_run=True, cases=tuple(reports))


# -- migrating -------------------------------------------------------------------------------
def migrate(ctx: EngineContext, actor: Actor, process_key: str, instance_ids, target_number: int | None, *,
            expected_revisions: dict[int, int] | None = None) -> MigrationReport:
    """Migrate the cases the rules allow, each in its own transaction; the rest are refused with
    their reasons and left untouched. expected_revisions: {case id: the revision the owner's dry
    run saw}; a case whose revision differs has changed since and is refused as a conflict."""
    _require_owner(actor)
    with ctx.uow(write=False) as uow:
        target = _target_row(uow, process_key, target_number)
    expected = {int(k): int(v) for k, v in (expected_revisions or {}).items()}
    reports = []
    for instance_id in _unique(instance_ids):
        try:
            reports.append(_migrate_one(ctx, actor, process_key, instance_id, target.id, expected.get(instance_id)))
        except Conflict as conflict:
            reports.append(_conflict(ctx, instance_id, target.version, conflict.message))
    return MigrationReport(process_key=process_key, target_version=target.version, target_definition_id=target.id,
                           dry_run=False, cases=tuple(reports))


def _migrate_one(ctx: EngineContext, actor: Actor, process_key: str, instance_id: int, target_id: int,
                 expected_revision: int | None) -> CaseMigrationReport:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        target_def, target_compiled = _pinned(ctx, uow, target_id)
        row = uow.instances.get(instance_id)
        refusal, old_def = _precheck(ctx, uow, row, instance_id, process_key, target_def)
        if refusal is not None:
            return refusal
        if expected_revision is not None and row.revision != expected_revision:
            raise Conflict(f"Kasus ini berubah sejak uji migrasi (revisi {expected_revision} menjadi "
                           f"{row.revision}); jalankan uji migrasi lagi untuk menilai keadaannya sekarang.")
        case = Case.load(uow, instance_id, ctx.compiled, now, row=row)
        # The workflow may come from the WorkflowCache (taken, so nobody else holds it); it is
        # migrated in place and never put back: the next use case loads the stored state afresh.
        plan = _plan(case.workflow, old_def, case.compiled, target_def, target_compiled)
        open_rows = uow.tasks.of_instance(instance_id)
        report = _report(row, old_def, target_def, plan, open_rows)
        if not plan.ok:
            return report
        if not uow.migrations.repin(instance_id, row.revision, target_def.id):
            raise Conflict("Kasus ini baru saja diubah oleh pengguna lain; muat ulang dan uji migrasi lagi.")
        case.definition, case.compiled, case.steps = target_def, target_compiled, target_def.steps_json
        case.record("instance.migrated", actor, data=_event_data(old_def, target_def, report))
        case.save()
        for mapping in report.tasks:
            _carry(uow, mapping, target_def.steps_json[mapping.bpmn_id], open_rows)
        uow.commit()
    return CaseMigrationReport(**{**report.__dict__, "migrated": True, "revision": row.revision + 1})


def _carry(uow, mapping: TaskMapping, step: dict, open_rows) -> None:
    old = next(r for r in open_rows if r.id == mapping.old_task_id)
    values = dict(bpmn_id=step["bpmn_id"], name=step["name"], lane_id=step["lane_id"], role=step["role"],
                  sop_step=step["sop_step"], form_key=step["form_key"], due_at=mapping.due_after)
    if not mapping.same_id:  # Case.save opened a fresh row: it takes over the old one's claim and age
        values.update(claimed_by=old.claimed_by, claimed_at=old.claimed_at, draft_json=old.draft_json,
                      created_at=old.created_at)
        uow.migrations.drop_draft(old.id)
    if not uow.migrations.carry_task(mapping.new_task_id, **values):
        raise Conflict("Tugas kasus ini baru saja berubah; muat ulang dan uji migrasi lagi.")


def _event_data(old_def, target_def, report: CaseMigrationReport) -> dict:
    return {
        "from_version": old_def.version, "to_version": target_def.version,
        "from_definition_id": old_def.id, "to_definition_id": target_def.id,
        "from_sha256": old_def.sha256, "to_sha256": target_def.sha256,
        "tasks": [{"from": m.old_task_id, "to": m.new_task_id, "bpmn_id": m.bpmn_id, "sop_step": m.sop_step,
                   "claimed_by": m.claimed_by, "due_before": m.due_before.isoformat(),
                   "due_at": m.due_after.isoformat()} for m in report.tasks],
        "notes": list(report.notes),
    }


# -- shared ------------------------------------------------------------------------------------
def _pinned(ctx: EngineContext, uow, definition_id: int):
    definition = ctx.compiled.definition(definition_id, lambda: uow.definitions.get(definition_id))
    return definition, ctx.compiled.get(definition_id, lambda: uow.definitions.spec_json(definition_id))


def _unique(instance_ids) -> list[int]:
    return list(dict.fromkeys(int(value) for value in instance_ids))


def _precheck(ctx: EngineContext, uow, row, instance_id: int, process_key: str, target_def):
    """(a refusal report, None) for a case that is not this process's, not running or not older
    than the target; (None, its definition) otherwise."""
    def refused(reason: str, old_def=None) -> tuple[CaseMigrationReport, None]:
        return _refused(instance_id, row.ticket_code if row is not None else None,
                        old_def.version if old_def is not None else None, target_def.version, [reason],
                        row.revision if row is not None else None), None

    if row is None:
        return refused(f"Kasus #{instance_id} tidak ditemukan.")
    old_def = ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))
    if old_def.process_key != process_key:
        return refused(f"Kasus ini milik proses lain ({old_def.name}, '{old_def.process_key}'), bukan "
                       f"'{process_key}'.", old_def)
    if row.status != "running":
        word = STATUS_WORDS.get(row.status, f"berstatus {row.status}")
        return refused(f"Kasus ini {word}; hanya kasus yang masih berjalan yang dapat dimigrasikan.", old_def)
    if old_def.version == target_def.version:
        return refused(f"Kasus ini sudah di versi {target_def.version}.", old_def)
    if old_def.version > target_def.version:
        return refused(f"Kasus ini di versi {old_def.version}, lebih baru daripada versi tujuan "
                       f"{target_def.version}; migrasi hanya ke versi yang lebih baru.", old_def)
    return None, old_def


def _plan(workflow, old_def, old_compiled, target_def, target_compiled) -> rules.Plan:
    try:
        plan, diff = rules.assess(workflow, old_def, old_compiled, target_def, target_compiled, target_def.version)
    except Exception as error:  # SpiffWorkflow's diff failed on this pair: refuse, never half-judge
        plan = rules.Plan(reasons=[f"Mesin alur kerja tidak dapat membandingkan kasus ini dengan versi "
                                   f"{target_def.version}: {describe_error(error)}"])
        return plan
    if plan.ok:
        rules.apply(plan, workflow, diff, target_compiled, target_def.version)
    return plan


def _report(row, old_def, target_def, plan: rules.Plan, task_rows) -> CaseMigrationReport:
    rows = {r.id: r for r in task_rows}
    mappings, notes = [], list(plan.sorted_notes())
    for old_id, (new_id, bpmn_id) in sorted(plan.task_map.items(), key=lambda item: item[1][1]):
        old = rows.get(old_id)
        step = target_def.steps_json.get(bpmn_id)
        if old is None or step is None:  # an open task without its inbox row: never in a sound case
            plan.reasons.append(f"Tugas terbuka {old_id} tidak ada di kotak masuk; kasus ini perlu diperiksa.")
            continue
        created = utc(old.created_at)
        mappings.append(TaskMapping(
            old_task_id=old_id, new_task_id=new_id, bpmn_id=bpmn_id, sop_step=int(step["sop_step"]),
            name=step["name"], claimed_by=old.claimed_by, has_draft=old.draft_json is not None,
            created_at=created, due_before=utc(old.due_at),
            due_after=created + timedelta(seconds=step["waktu_seconds"])))
    for task_id in plan.new_open:
        notes.append(f"Tugas baru terbuka setelah migrasi ({task_id}).")
    return CaseMigrationReport(
        instance_id=row.id, ticket_code=row.ticket_code, from_version=old_def.version,
        to_version=target_def.version, can_migrate=plan.ok, reasons=tuple(plan.reasons),
        notes=tuple(notes) if plan.ok else (), tasks=tuple(mappings) if plan.ok else (), revision=row.revision)


def _refused(instance_id, ticket_code, from_version, to_version, reasons, revision, *,
             conflict: bool = False) -> CaseMigrationReport:
    return CaseMigrationReport(instance_id=instance_id, ticket_code=ticket_code, from_version=from_version,
                               to_version=to_version, can_migrate=False, reasons=tuple(reasons), notes=(),
                               tasks=(), revision=revision, conflict=conflict)


def _conflict(ctx: EngineContext, instance_id: int, to_version: int, message: str) -> CaseMigrationReport:
    """A case refused because it changed: described as it stands now (the migration rolled back)."""
    with ctx.uow(write=False) as uow:
        row = uow.instances.get(instance_id)
        old_def = ctx.compiled.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id)) \
            if row is not None else None
    return _refused(instance_id, row.ticket_code if row else None, old_def.version if old_def else None,
                    to_version, [message], row.revision if row else None, conflict=True)
