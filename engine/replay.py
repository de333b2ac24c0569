"""Deterministic re-execution: rebuild a case from the definition it started on and its recorded
events, and say where the result differs from what was recorded. No database: the use case
(engine/services/replay.py) reads the events, definitions and stored state and hands them here.

The workflow is driven exactly as the live engine drives it (engine/case.py, services/tasks.py,
timers.py, migration.py): a fresh workflow from the compiled spec and do_engine_steps; for each
task.completed the READY user task of that BPMN id gets the recorded data and runs; a timer.fired
fires that timer at its recorded due time (the live worker's refresh may fire two timers due at
the same moment in one save: re-execution fires one per recorded event, and would report such a
save as a divergence); an instance.migrated applies the same migration rules to the same target. After
each such event the tasks it made ready or cancelled and the end it reached are compared with the
task.ready / task.cancelled / instance.completed events the same save recorded; at the end the
workflow is compared with the stored state (engine/replay_state.py).

Personal values erased by a retention purge are simply absent (the SOP's conditions read no
personal field), and the comparisons treat those fields as wildcards.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine import runtime
from engine.errors import describe_error
from engine.replay_log import CONSEQUENCES, TRIGGERS, saves, where
from engine.replay_state import compare_final, divergence, value_text
from engine.replay_views import Divergence, ReexecutedStep
from engine.services import migration_rules as rules
from engine.views import EventRecord


@dataclass(frozen=True)
class Pinned:
    """A definition version as re-execution needs it: its fixed columns and its compiled spec."""
    definition: object  # engine.caches.PinnedDefinition
    compiled: runtime.CompiledProcess

    @property
    def id(self) -> int:
        return self.definition.id


@dataclass(frozen=True)
class Stored:
    """What the instance row holds now."""
    definition_id: int
    state_json: str
    status: str
    outcome: str | None


@dataclass
class Outcome:
    steps: list[ReexecutedStep] = field(default_factory=list)
    divergences: list[Divergence] = field(default_factory=list)
    stopped_at: int | None = None
    state_compared: bool = False


class _Stop(Exception):
    """Re-execution cannot get past this event (the divergence is already noted)."""


def reexecute(events: list[EventRecord], start: Pinned, pinned: Callable[[int], Pinned], stored: Stored, *,
              wildcards: frozenset[str], personal: frozenset[str]) -> Outcome:
    """Re-execute `events` from `start`; pinned(id) gives any definition a migration moved to.
    wildcards: fields not compared (purged personal values); personal: fields whose values the
    report never shows."""
    run = _Run(start, pinned, personal)
    for group in saves(events):
        try:
            run.save(group)
        except _Stop:
            run.out.stopped_at = group[0].seq
            break
    if run.out.stopped_at is None and run.workflow is not None:
        run.out.divergences += compare_final(run.workflow, run.current, run.ended, stored, pinned,
                                             wildcards=wildcards, personal=personal)
        run.out.state_compared = True
    return run.out


class _Run:
    def __init__(self, start: Pinned, pinned: Callable[[int], Pinned], personal: frozenset[str]):
        self.current, self.pinned, self.personal = start, pinned, personal
        self.set_by: dict[str, int] = {}  # field -> seq of the last recorded completion that set it
        self.workflow = None
        self.ended: str | None = None
        self.out = Outcome()
        self.recorded_ids: dict[str, str] = {}  # recorded task id -> re-executed task id
        self.recorded_bpmn: dict[str, str] = {}  # recorded task id -> BPMN id

    # -- one save ------------------------------------------------------------------------------
    def save(self, group: list[EventRecord]) -> None:
        trigger = group[0]
        for event in group:
            if event.task_id and event.bpmn_id:
                self.recorded_bpmn[event.task_id] = event.bpmn_id
        here = where(self.current.definition, trigger)
        if trigger.kind not in TRIGGERS:
            if trigger.kind in CONSEQUENCES or len(group) > 1:
                # A consequence with nothing before it to cause it: the log was written by hand.
                self._diverge(trigger.seq, here, "ready", "tidak melakukan apa pun",
                              f"merekam {_kinds(group)} tanpa peristiwa yang memicunya")
            return
        if self.workflow is None and trigger.kind != "instance.started":
            self._diverge(trigger.seq, here, "task", "belum punya kasus yang berjalan",
                          "tidak merekam pembukaan kasus sebelum peristiwa ini")
            raise _Stop
        before = self._ready()
        finished = self._finished()
        completed = None
        try:
            if trigger.kind == "instance.started":
                self._start(trigger, here)
            elif trigger.kind == "task.completed":
                completed = self._complete(trigger, here, before)
            elif trigger.kind == "timer.fired":
                self._fire(trigger, here, has_effects=len(group) > 1)
            else:
                self._migrate(trigger, here)
        except _Stop:
            raise
        except Exception as error:  # SpiffWorkflow failed where the live engine did not
            self._diverge(trigger.seq, here, "engine", f"gagal: {describe_error(error)}",
                          "merekam langkah ini berhasil")
            raise _Stop from error
        if trigger.kind == "task.completed":  # before comparing: a gateway right after it reads this
            for name in {**(trigger.data or {}), **(trigger.personal or {})}:
                self.set_by[name] = trigger.seq
        self._compare(group, here, before, completed, finished)

    def _finished(self) -> set:
        if self.workflow is None:
            return set()
        return {t.id for t in self.workflow.tasks.values() if t.state == TaskState.COMPLETED}

    def _ready(self) -> dict[str, object]:
        if self.workflow is None:
            return {}
        return {str(t.id): t for t in runtime.ready_user_tasks(self.workflow)}

    def _start(self, trigger: EventRecord, here: str) -> None:
        if self.workflow is not None:
            self._diverge(trigger.seq, here, "task", "sudah membuka kasus ini", "merekam pembukaan kasus sekali lagi")
            raise _Stop
        definition = self.current.definition
        version, sha = trigger.data.get("version"), trigger.data.get("sha256")
        if (version is not None and version != definition.version) or (sha and sha != definition.sha256):
            self._diverge(trigger.seq, here, "definition", f"memakai versi {definition.version} ({definition.sha256[:12]})",
                          f"merekam versi {version} ({str(sha)[:12]})")
        self.workflow = runtime.new_workflow(self.current.compiled)
        self.workflow.do_engine_steps()

    def _complete(self, trigger: EventRecord, here: str, before: dict) -> str:
        task = before.get(self.recorded_ids.get(trigger.task_id or "", ""))
        if task is None:
            task = next((t for tid, t in sorted(before.items()) if t.task_spec.bpmn_id == trigger.bpmn_id), None)
        if task is None:
            open_now = _ids(t.task_spec.bpmn_id for t in before.values())
            self._diverge(trigger.seq, here, "task",
                          f"tidak punya {trigger.bpmn_id} yang siap (yang siap: {open_now})",
                          f"merekam {trigger.bpmn_id} diselesaikan oleh {trigger.actor}")
            raise _Stop
        task.set_data(**{**(trigger.data or {}), **(trigger.personal or {})})
        task.run()
        self.workflow.do_engine_steps()
        return str(task.id)

    def _fire(self, trigger: EventRecord, here: str, *, has_effects: bool) -> None:
        bpmn_id, due = trigger.data.get("bpmn_id"), trigger.data.get("due_at")
        if fire_recorded_timer(self.workflow, bpmn_id, due):
            return
        if has_effects:  # an earlier firing may already have taken it; only effects without a timer diverge
            self._diverge(trigger.seq, here, "timer", f"tidak punya pengatur waktu {bpmn_id} yang menunggu",
                          f"merekam {bpmn_id} berbunyi")

    def _migrate(self, trigger: EventRecord, here: str) -> None:
        data = trigger.data
        source, target_id = data.get("from_definition_id"), data.get("to_definition_id")
        if source is not None and int(source) != self.current.id:
            self._diverge(trigger.seq, here, "definition", f"berada pada definisi #{self.current.id} "
                          f"(versi {self.current.definition.version})", f"merekam migrasi dari definisi #{source}")
        try:
            target = self.pinned(int(target_id))
        except Exception:  # noqa: BLE001 - a missing or unreadable target is the divergence itself
            self._diverge(trigger.seq, here, "migration", "tidak menemukan definisi tujuan",
                          f"merekam migrasi ke definisi #{target_id}")
            raise _Stop
        old = self.current
        plan, diff = rules.assess(self.workflow, old.definition, old.compiled, target.definition, target.compiled,
                                  target.definition.version)
        if plan.ok:
            rules.apply(plan, self.workflow, diff, target.compiled, target.definition.version)
        if not plan.ok:
            self._diverge(trigger.seq, here, "migration", "menolak migrasi: " + "; ".join(plan.reasons),
                          f"merekam migrasi ke versi {target.definition.version}")
            raise _Stop
        # The live migration saved the state and the next use case loaded it afresh: so here.
        self.workflow = runtime.load_state(runtime.dump_state(self.workflow), target.compiled)
        self.current = target

    # -- comparing one save --------------------------------------------------------------------
    def _compare(self, group: list[EventRecord], here: str, before: dict, completed: str | None,
                 finished: set) -> None:
        trigger = group[0]
        after = self._ready()
        new_ids = sorted((tid for tid in after if tid not in before), key=lambda tid: after[tid].task_spec.bpmn_id)
        ready = sorted(after[tid].task_spec.bpmn_id for tid in new_ids)
        cancelled = sorted(before[tid].task_spec.bpmn_id for tid in before if tid not in after and tid != completed)
        end = None
        if self.ended is None:
            end = runtime.reached_end_event(self.workflow)
            self.ended = end
        recorded_ready = [e for e in group[1:] if e.kind == "task.ready"]
        rec_ready = sorted(e.bpmn_id or "?" for e in recorded_ready)
        rec_cancelled = sorted(self.recorded_bpmn.get(e.task_id or "", e.bpmn_id or str(e.task_id))
                               for e in group[1:] if e.kind == "task.cancelled")
        rec_end = next((e.data.get("outcome") for e in group[1:] if e.kind == "instance.completed"), None)
        self._pair(new_ids, after, recorded_ready)
        found = len(self.out.divergences)
        note = self._gateways_read(finished, trigger.seq) if (ready != rec_ready or end != rec_end) else ""
        if ready != rec_ready:
            self._diverge(trigger.seq, here, "ready",
                          f"menyiapkan {_ids(ready)}" if ready else "tidak menyiapkan langkah apa pun",
                          f"merekam {_ids(rec_ready)}" if rec_ready else "tidak merekam langkah yang siap", note)
        if cancelled != rec_cancelled:
            self._diverge(trigger.seq, here, "cancelled",
                          f"membatalkan {_ids(cancelled)}" if cancelled else "tidak membatalkan langkah apa pun",
                          f"merekam pembatalan {_ids(rec_cancelled)}" if rec_cancelled
                          else "tidak merekam pembatalan")
        if end != rec_end:
            self._diverge(trigger.seq, here, "end", f"mencapai akhir {end}" if end else "belum mencapai akhir",
                          f"merekam akhir {rec_end}" if rec_end else "tidak merekam akhir kasus", note)
        self.out.steps.append(ReexecutedStep(seq=trigger.seq, kind=trigger.kind, where=here, ready=tuple(ready),
                                             cancelled=tuple(cancelled), end_event=end,
                                             matches=len(self.out.divergences) == found))

    def _pair(self, new_ids: list[str], after: dict, recorded_ready: list[EventRecord]) -> None:
        """Match the re-executed tasks with the recorded ones by BPMN id, in order: a later
        completion names the recorded task id."""
        waiting = list(new_ids)
        for event in recorded_ready:
            match = next((tid for tid in waiting if after[tid].task_spec.bpmn_id == event.bpmn_id), None)
            if match is not None and event.task_id:
                self.recorded_ids[event.task_id] = match
                waiting.remove(match)

    def _gateways_read(self, finished: set, seq: int) -> str:
        """What the gateways passed in this step read, and which recorded event set it: a flow
        that went another way is explained by the data that steered it."""
        parts = []
        for task in self.workflow.tasks.values():
            conditions = getattr(task.task_spec, "cond_task_specs", None)
            if task.id in finished or task.state != TaskState.COMPLETED or not conditions:
                continue
            names = sorted({name for condition, _target in conditions for name in _names(condition)})
            read = []
            for name in names:
                value = "(data pribadi)" if name in self.personal else value_text(task.data.get(name))
                origin = f" dari peristiwa #{self.set_by[name]}" if name in self.set_by else ""
                read.append(f"{name} = {value}{origin}")
            if read:
                parts.append(f"gerbang {task.task_spec.bpmn_id or task.task_spec.name} membaca {', '.join(read)}")
        return "; ".join(parts)

    def _diverge(self, seq: int | None, here: str, aspect: str, reexecuted: str, recorded: str,
                 note: str = "") -> None:
        self.out.divergences.append(divergence(seq, here, aspect, reexecuted, recorded, note))


def fire_recorded_timer(workflow, bpmn_id: str | None, due_at: str | None) -> bool:
    """Fire the waiting timer of this BPMN id at the due time the log recorded.

    A duration timer's due time is reckoned from when the engine reached it, which in a
    re-execution is now: it is set back to the recorded one, which has passed, so the timer
    fires exactly as it did (the live worker's refresh_timers does the same _update)."""
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition) or task.task_spec.bpmn_id != bpmn_id:
            continue
        if due_at and isinstance(task._get_internal_data("event_value"), (str, type(None))):
            task._set_internal_data(event_value=due_at)
        task.task_spec._update(task)
        workflow.do_engine_steps()
        return True
    return False


def _names(condition) -> set[str]:
    """The variable names a gateway condition reads (its expression is checked at deploy)."""
    text = condition.args[0] if getattr(condition, "args", None) else None
    if not isinstance(text, str):
        return set()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _ids(values) -> str:
    values = list(values)
    return ", ".join(values) if values else "tidak ada"


def _kinds(group: list[EventRecord]) -> str:
    return ", ".join(f"{e.kind} #{e.seq}" + (f" {e.bpmn_id}" if e.bpmn_id else "") for e in group)

