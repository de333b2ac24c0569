"""One case (process instance) loaded for change inside a unit of work.

Every use case that changes a case goes through here: it loads the row and the workflow, lets
the use case act, then `save` writes the new state, the inbox rows and timers that changed, and
the new events, with an optimistic check on the case's revision. A lost race raises Conflict and
the unit of work rolls everything back, so nothing is half-written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine import runtime
from engine.caches import CompiledCache, WorkflowCache
from engine.errors import Conflict, NotFound
from engine.ledger import ChainedContent, new_salt, personal_digest
from engine.uow import UnitOfWork

DISPLAY_NAME_FIELD = "nama"


@dataclass
class Actor:
    name: str
    roles: frozenset[str] = frozenset()

    def has_role(self, role: str) -> bool:
        return role in self.roles


SYSTEM = Actor("system", frozenset())


@dataclass
class _PendingEvent:
    kind: str
    actor: str
    task_id: str | None = None
    bpmn_id: str | None = None
    lane_id: str | None = None
    data: dict = field(default_factory=dict)
    personal: dict | None = None


class Case:
    def __init__(self, uow: UnitOfWork, row, definition, compiled: runtime.CompiledProcess, now: datetime,
                 workflows: WorkflowCache | None = None):
        self.uow, self.row, self.definition, self.compiled, self.now = uow, row, definition, compiled, now
        self._workflows = workflows
        self._saved: tuple[int, str] | None = None  # (revision, chain head) this unit of work wrote
        self._state_saved = False
        self.steps: dict = definition.steps_json
        self._workflow = None
        self._events: list[_PendingEvent] = []
        self._ready_before: set[str] = set()
        self._timers_before: dict[str, datetime] = {}
        self._completed: set[str] = set()
        self._changes: dict = {}
        self._inbox_added: list[dict] = []
        self._inbox_carried: set[str] = set()

    # -- loading --------------------------------------------------------------------------
    @classmethod
    def load(cls, uow: UnitOfWork, instance_id: int, compiled_cache: CompiledCache, now: datetime,
             *, row=None) -> "Case":
        """`row`: the instance row when the caller already read it in this unit of work."""
        if row is None or row.id != instance_id:
            row = uow.instances.get(instance_id)
        if row is None:
            raise NotFound("Kasus tidak ditemukan.")
        definition = compiled_cache.definition(row.definition_id, lambda: uow.definitions.get(row.definition_id))
        compiled = compiled_cache.get(definition.id, lambda: uow.definitions.spec_json(definition.id))
        return cls(uow, row, definition, compiled, now, workflows=compiled_cache.workflows)

    @property
    def workflow(self):
        if self._workflow is None:
            cached = None
            if self._workflows is not None:
                cached = self._workflows.take(self.row.id, self.row.revision, self.row.event_head)
            self._workflow = cached if cached is not None else runtime.load_state(self.row.state_json, self.compiled)
            self._snapshot()
        return self._workflow

    def attach_new_workflow(self, workflow) -> None:
        self._workflow = workflow
        self._ready_before, self._timers_before = set(), {}

    def _snapshot(self) -> None:
        self._ready_before = {str(t.id) for t in runtime.ready_user_tasks(self._workflow)}
        self._timers_before = {t.task_id: t.due_at for t in runtime.pending_timers(self._workflow)}

    @property
    def status(self) -> str:
        return self._changes.get("status", self.row.status)

    @property
    def outcome(self) -> str | None:
        return self._changes.get("outcome", self.row.outcome)

    @property
    def display_name(self) -> str | None:
        return self._changes.get("display_name", self.row.display_name)

    def ready_rows_if_all_new(self) -> list[dict] | None:
        """After `save`: the inbox rows it created, when they are all of the case's ready tasks
        (none was already ready before and still is), so a caller can answer without reading
        them back; None when some ready task was carried over (its row may have a claimant)."""
        return None if self._inbox_carried else list(self._inbox_added)

    # -- acting ---------------------------------------------------------------------------
    def record(self, kind: str, actor: Actor, *, task_row=None, data: dict | None = None,
               personal: dict | None = None) -> None:
        self._events.append(_PendingEvent(
            kind=kind, actor=actor.name,
            task_id=task_row.id if task_row is not None else None,
            bpmn_id=task_row.bpmn_id if task_row is not None else None,
            lane_id=task_row.lane_id if task_row is not None else None,
            data=data or {}, personal=personal or None))

    def complete_task(self, task_row, data: dict, personal_fields: frozenset[str], actor: Actor) -> None:
        task = runtime.find_task(self.workflow, task_row.id)
        if not runtime.is_ready(task):
            raise Conflict("Tugas ini sudah tidak aktif; muat ulang halaman.")
        task.set_data(**data)
        task.run()
        self.workflow.do_engine_steps()
        self._completed.add(task_row.id)
        if not self.uow.tasks.mark_completed(task_row.id, actor.name, self.now):
            raise Conflict("Tugas ini baru saja diselesaikan oleh pengguna lain.")
        public = {k: v for k, v in data.items() if k not in personal_fields}
        private = {k: v for k, v in data.items() if k in personal_fields}
        self.record("task.completed", actor, task_row=task_row, data=public, personal=private)
        if DISPLAY_NAME_FIELD in data and not self.row.display_name:
            self._changes["display_name"] = str(data[DISPLAY_NAME_FIELD])[:200]

    def fire_timers(self) -> None:
        runtime.fire_due_timers(self.workflow)

    # -- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        workflow = self.workflow
        self._sync_inbox(workflow)
        self._sync_timers(workflow)
        outcome = runtime.reached_end_event(workflow)
        if outcome and self.row.status == "running":
            self._changes.update(status="completed", outcome=outcome, completed_at=self.now)
            self.record("instance.completed", SYSTEM, data={"outcome": outcome,
                                                            "outcome_name": self._node_name(outcome)})
        seq, head = self._append_events()
        saved = self.uow.instances.save(
            self.row.id, self.row.revision, state_json=runtime.dump_state(workflow),
            event_seq=seq, event_head=head, updated_at=self.now, **self._changes)
        if not saved:
            raise Conflict("Kasus ini baru saja diubah oleh pengguna lain; muat ulang dan coba lagi.")
        self._saved, self._state_saved = (self.row.revision + 1, head), True

    def save_events_only(self) -> None:
        """For changes that touch the inbox but not the workflow (claim, release, errors)."""
        seq, head = self._append_events()
        if not self.uow.instances.save(self.row.id, self.row.revision, event_seq=seq, event_head=head,
                                       updated_at=self.now, **self._changes):
            raise Conflict("Kasus ini baru saja diubah oleh pengguna lain; muat ulang dan coba lagi.")
        self._saved = (self.row.revision + 1, head)

    def keep_after_commit(self) -> None:
        """Call only once the unit of work has committed: the next use case on this case in this
        process may then reuse the workflow instead of deserializing it (see WorkflowCache)."""
        if self._workflows is None or self._saved is None:
            return
        if self._state_saved:
            self._workflows.put(self.row.id, *self._saved, self._workflow)
        elif self._workflow is None:  # the state was not even read: a cached copy is still current
            self._workflows.advance(self.row.id, (self.row.revision, self.row.event_head), self._saved)

    def _sync_inbox(self, workflow) -> None:
        ready_now = {str(t.id): t for t in runtime.ready_user_tasks(workflow)}
        gone = [tid for tid in self._ready_before - set(ready_now) if tid not in self._completed]
        self.uow.tasks.mark_cancelled(gone, self.now)
        new_rows = []
        for task_id in sorted(set(ready_now) - self._ready_before, key=lambda t: ready_now[t].task_spec.bpmn_id):
            step = self.steps[ready_now[task_id].task_spec.bpmn_id]
            row = dict(id=task_id, instance_id=self.row.id, bpmn_id=step["bpmn_id"], name=step["name"],
                       lane_id=step["lane_id"], role=step["role"], sop_step=step["sop_step"],
                       form_key=step["form_key"], state="ready", created_at=self.now,
                       due_at=self.now + timedelta(seconds=step["waktu_seconds"]))
            new_rows.append(row)
            self._events.append(_PendingEvent(
                kind="task.ready", actor=SYSTEM.name, task_id=task_id, bpmn_id=step["bpmn_id"],
                lane_id=step["lane_id"], data={"name": step["name"], "sop_step": step["sop_step"],
                                               "role": step["role"], "due_at": row["due_at"].isoformat()}))
        self.uow.tasks.add_many(new_rows)
        self._inbox_added = new_rows
        self._inbox_carried = set(ready_now) - {row["id"] for row in new_rows}
        for task_id in gone:
            self._events.append(_PendingEvent(kind="task.cancelled", actor=SYSTEM.name, task_id=task_id))

    def _sync_timers(self, workflow) -> None:
        now_pending = {t.task_id: t for t in runtime.pending_timers(workflow)}
        finished = [tid for tid in self._timers_before if tid not in now_pending]
        self.uow.timers.deactivate(self.row.id, finished, None)
        changed = [tid for tid, t in now_pending.items()
                   if tid in self._timers_before and self._timers_before[tid] != t.due_at]
        self.uow.timers.reschedule(self.row.id, {tid: now_pending[tid].due_at for tid in changed})
        self.uow.timers.add_many([
            dict(instance_id=self.row.id, task_id=t.task_id, bpmn_id=t.bpmn_id, due_at=t.due_at, active=True)
            for tid, t in now_pending.items() if tid not in self._timers_before])

    def _append_events(self) -> tuple[int, str]:
        seq, head = self.row.event_seq, self.row.event_head
        for pending in self._events:
            seq += 1
            digest, personal_row = None, None
            if pending.personal:
                salt = new_salt()
                digest = personal_digest(salt, pending.personal)
                personal_row = {"salt": salt, "data_json": pending.personal}
            content = ChainedContent(
                instance_id=self.row.id, seq=seq, occurred_at=self.now, actor=pending.actor, kind=pending.kind,
                task_id=pending.task_id, bpmn_id=pending.bpmn_id, lane_id=pending.lane_id,
                data=pending.data, personal_digest=digest)
            new_head = content.hash_after(head)
            self.uow.events.add(dict(
                instance_id=self.row.id, seq=seq, occurred_at=self.now, actor=pending.actor, kind=pending.kind,
                task_id=pending.task_id, bpmn_id=pending.bpmn_id, lane_id=pending.lane_id, data_json=pending.data,
                personal_digest=digest, prev_hash=head, hash=new_head), personal_row)
            head = new_head
        self._events.clear()
        return seq, head

    def _node_name(self, bpmn_id: str) -> str:
        spec = self.compiled.spec.task_specs.get(bpmn_id)
        return getattr(spec, "bpmn_name", None) or bpmn_id
