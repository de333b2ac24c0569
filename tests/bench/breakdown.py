"""Where a persisted completion's time goes, measured by wrapping the engine's pieces.

Nothing in the engine changes: for one round, the functions below are replaced by timing
wrappers (restored afterwards). A piece's time counts only when no other labelled piece is
running around it (the outermost label wins), so the pieces partition each completion and
"other" is what no label covers (connection checkout, BEGIN, role checks, glue).
"""
from __future__ import annotations

import functools
from collections import defaultdict

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

from engine import case as case_module
from engine import repositories, runtime, uow
from engine.services import tasks as task_service
from forms.catalog import Form
from tests.bench import persisted
from tests.bench.stats import median, now, us

LOAD = "load rows (task, case, definition)"
DESERIALIZE = "deserialize workflow state"
VALIDATE = "form validation (JSON Schema)"
SPIFF = "SpiffWorkflow run + engine steps"
SERIALIZE = "serialize workflow state"
PROJECTION = "inbox + timer projection"
EVENTS = "event hashing + insert"
SAVE = "case row update (revision check)"
COMMIT = "commit"
RESULT = "result: ready tasks"
OTHER = "other (connect, BEGIN, checks, glue)"

ORDER = [LOAD, DESERIALIZE, VALIDATE, SPIFF, SERIALIZE, PROJECTION, EVENTS, SAVE, COMMIT, RESULT, OTHER]

# (owner, attribute, label). Missing attributes are skipped, so the table survives refactors.
TARGETS = [
    (repositories.Tasks, "get", LOAD),
    (repositories.Tasks, "get_with_case", LOAD),
    (repositories.Instances, "get", LOAD),
    (repositories.Definitions, "get", LOAD),
    (runtime, "load_state", DESERIALIZE),
    (runtime, "restore_state", DESERIALIZE),
    (Form, "validate", VALIDATE),
    (Task, "run", SPIFF),
    (BpmnWorkflow, "do_engine_steps", SPIFF),
    (runtime, "dump_state", SERIALIZE),
    (case_module.Case, "_snapshot", PROJECTION),
    (case_module.Case, "_sync_inbox", PROJECTION),
    (case_module.Case, "_sync_timers", PROJECTION),
    (repositories.Tasks, "mark_completed", PROJECTION),
    (case_module.Case, "_append_events", EVENTS),
    (repositories.Instances, "save", SAVE),
    (uow.UnitOfWork, "commit", COMMIT),
    (task_service, "ready_items", RESULT),
    (case_module.Case, "ready_items", RESULT),
]


class _Recorder:
    def __init__(self):
        self.depth = 0
        self.current: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function):
        recorder = self

        @functools.wraps(function)
        def timed(*args, **kwargs):
            if recorder.depth:
                return function(*args, **kwargs)
            recorder.depth += 1
            t0 = now()
            try:
                return function(*args, **kwargs)
            finally:
                recorder.current[label] += now() - t0
                recorder.depth -= 1
        return timed


class Instrumented:
    """Context manager: wraps TARGETS while active; `take()` returns and resets the pieces."""

    def __init__(self):
        self.recorder = _Recorder()
        self._saved: list[tuple[object, str, object]] = []

    def __enter__(self) -> "Instrumented":
        for owner, name, label in TARGETS:
            original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
            if original is None:
                continue
            self._saved.append((owner, name, original))
            setattr(owner, name, self.recorder.wrap(label, original))
        return self

    def __exit__(self, *exc) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()

    def take(self) -> dict[str, int]:
        pieces = dict(self.recorder.current)
        self.recorder.current.clear()
        return pieces


def measure(alur, count: int) -> tuple[dict[str, list[int]], list[int]]:
    """Start `count` cases, then complete them all under instrumentation. Returns each label's
    ns per completion and each completion's total ns."""
    ready, _ = persisted.start_cases(alur, count)
    per_label: dict[str, list[int]] = {label: [] for label in ORDER}
    totals: list[int] = []
    with Instrumented() as probe:
        pending = [r for r in ready if r]
        while pending:
            following = []
            for tasks in pending:
                task = tasks[0]
                probe.take()
                t0 = now()
                result = alur.complete(persisted.ACTORS[task.role], task.id, persisted.data_for(task.form_key))
                total = now() - t0
                pieces = probe.take()
                totals.append(total)
                for label in ORDER[:-1]:
                    per_label[label].append(pieces.get(label, 0))
                per_label[OTHER].append(total - sum(pieces.values()))
                if result.ready:
                    following.append(result.ready)
            pending = following
    return per_label, totals


def rows(per_label: dict[str, list[int]], totals: list[int]) -> list[list]:
    """Table rows: label, median us, mean us, share of the mean total."""
    mean_total = sum(totals) / len(totals)
    out = []
    for label in ORDER:
        values = per_label[label]
        mean = sum(values) / len(values)
        out.append([label, us(median(values)), us(mean), f"{100 * mean / mean_total:.0f}%"])
    out.append(["total (instrumented)", us(median(totals)), us(mean_total), "100%"])
    return out
