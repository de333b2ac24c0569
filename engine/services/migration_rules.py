"""Whether one running case can move to a newer version, and why not: no database, no writes.

SpiffWorkflow 3.2.0 compares two specs (SpecDiff: which task specs were added, removed, aligned
and changed) and can re-point a workflow at the new spec (migrate_workflow: it swaps each task's
spec and resets the READY/WAITING branches, so everything ahead of the case is predicted afresh
from the new diagram). Deciding what is safe is ours:

- a step the case already did (COMPLETED, STARTED or ERROR) must still exist and must not have
  changed in what it *does* (its form, its lane's role, the flow after it, its scripts): its
  history would otherwise describe a step the new version does not have, or the case would
  silently skip a step inserted right after it. Changes to its Mutu Baku (Waktu, kelengkapan, output,
  keterangan, name, number) are safe: they are instructions for the steps still to come, and the
  history keeps the due time it had;
- the open step (READY/WAITING) must still exist; its Mutu Baku may change (its due time is then
  recomputed from when it opened) and so may the flow after it (the case follows the new flow),
  but not its form or its role: a claimant's draft was typed into the old form, and the claimant
  may not hold the new role. Finish it on the old version, then migrate;
- a step the diff aligned with a new one whose id differs (it matches by neighbours when the id
  is gone) is a silent re-alignment: refused when the case did or is at that step;
- anything migrate_workflow cannot do, or a state that no longer loads against the new spec.
Changes further ahead are reported as notes: the case meets them when it gets there.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine import runtime
from engine.errors import describe_error
from engine.state_codec import CompiledProcess

# SpecDiff compares task specs by their serialized form; the spec converters are the same ones
# engine/state_codec.py uses (only its workflow converter differs, and no spec goes through it).
_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)

PAST = TaskState.COMPLETED | TaskState.STARTED | TaskState.ERROR
CURRENT = TaskState.READY | TaskState.WAITING
# Properties that instruct the people doing a step (the Mutu Baku columns of the SOP table, its
# number and symbol); none of them changes what the engine does.
MUTU_BAKU = {"waktu": "Waktu", "kelengkapan": "Kelengkapan", "output": "Output", "keterangan": "Keterangan",
             "sop_step": "Nomor", "sop_simbol": "Simbol"}
FLOW_KEYS = {"outputs", "cond_task_specs", "default_task_spec", "choice"}
IGNORED_KEYS = {"name", "bpmn_id", "description", "manual", "lookahead"}


@dataclass
class Plan:
    """The verdict for one case: reasons (refused when any), notes (what changes for it) and, once
    applied, the open tasks old id -> (new id, new BPMN id)."""
    reasons: list[str] = field(default_factory=list)
    notes: list[tuple[tuple, str]] = field(default_factory=list)  # (sort key, sentence)
    task_map: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_open: list[str] = field(default_factory=list)  # ready task ids the migration opened anew

    @property
    def ok(self) -> bool:
        return not self.reasons

    def sorted_notes(self) -> tuple[str, ...]:
        seen, out = set(), []
        for _key, text in sorted(self.notes, key=lambda n: n[0]):
            if text not in seen:
                seen.add(text)
                out.append(text)
        return tuple(out)


def duration_text(seconds: int) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} detik"
    minutes = seconds // 60
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} jam {rest} menit"
    return f"{hours} jam" if hours else f"{minutes} menit"


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(str(text or "").split())
    return f"“{text}”" if len(text) <= limit else f"“{text[:limit - 1]}…”"


class _Side:
    """One version's words for its elements: a step by its SOP number and name, a gateway or an
    event by its name, anything else by its BPMN id."""

    def __init__(self, definition):
        self.steps: dict = definition.steps_json
        self.forms: dict = definition.forms_json or {}

    def is_step(self, name: str) -> bool:
        return name in self.steps

    def named(self, spec) -> bool:
        return spec.name in self.steps or bool(getattr(spec, "bpmn_name", None))

    def label(self, spec) -> str:
        step = self.steps.get(spec.name)
        if step is not None:
            return f"langkah {step['sop_step']} {_clip(step['name'])}"
        name = getattr(spec, "bpmn_name", None)
        kind = type(spec).__name__
        if name and "Gateway" in kind:
            return f"percabangan {_clip(name)}"
        if name and "Event" in kind:
            return f"peristiwa {_clip(name)}"
        return f"elemen {_clip(name)}" if name else f"elemen {spec.name}"

    def form_title(self, key: str) -> str:
        title = (self.forms.get(key) or {}).get("title")
        return f"{_clip(title)} ({key})" if title else key

    def sort_key(self, spec) -> tuple:
        step = self.steps.get(spec.name)
        return (int(step["sop_step"]), spec.name) if step else (10_000, spec.name)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class _Changes:
    mutu: list[tuple[str, str, str]] = field(default_factory=list)  # (property, old shown, new shown)
    flow: list[str] = field(default_factory=list)  # clauses about the flow after it
    behaviour: list[str] = field(default_factory=list)  # clauses about what it does


def _compare(old_spec, new_spec, keys, old: _Side, new: _Side) -> _Changes:
    found = _Changes()
    keys = set(keys)
    if "typename" in keys:
        found.behaviour.append(f"jenis elemennya berubah ({type(old_spec).__name__} → {type(new_spec).__name__})")
        return found
    for key in sorted(keys - IGNORED_KEYS):
        if key == "extensions":
            _compare_properties(old_spec, new_spec, old, new, found)
        elif key == "bpmn_name":
            found.mutu.append(("nama", _clip(old_spec.bpmn_name), _clip(new_spec.bpmn_name)))
        elif key == "documentation":
            found.mutu.append(("uraian", "", ""))
        elif key == "lane":
            _compare_lane(old_spec, new_spec, old, new, found)
        elif key == "inputs":
            continue  # where a step may be entered from: a case that is at or past it has entered
        elif key in FLOW_KEYS:
            continue  # below, in one clause
        elif key in ("prescript", "postscript", "script"):
            found.behaviour.append("skripnya berubah")
        elif key in ("data_input_associations", "data_output_associations", "io_specification", "variable"):
            found.behaviour.append("data masukan/keluarannya berubah")
        elif key == "event_definition":
            found.behaviour.append("pemicunya berubah")
        else:
            found.behaviour.append(f"properti {key} berubah")
    if keys & FLOW_KEYS:
        targets = ", ".join(new.label(t) for t in new_spec.outputs) or "akhir proses"
        found.flow.append(f"cabangnya kini menuju {targets} (kondisi atau tujuannya diubah)"
                          if keys & FLOW_KEYS - {"outputs"} else f"alur sesudahnya kini menuju {targets}")
    return found


def _compare_properties(old_spec, new_spec, old: _Side, new: _Side, found: _Changes) -> None:
    old_ext, new_ext = old_spec.extensions or {}, new_spec.extensions or {}
    for key in sorted(set(old_ext) | set(new_ext)):
        if key != "properties" and old_ext.get(key) != new_ext.get(key):
            found.behaviour.append(f"pengaturan {key} berubah")
    before, after = old_ext.get("properties") or {}, new_ext.get("properties") or {}
    for prop in sorted(set(before) | set(after)):
        a, b = before.get(prop, ""), after.get(prop, "")
        if a == b:
            continue
        if prop == "form_key":
            found.behaviour.append(f"formulirnya berganti dari {old.form_title(a)} menjadi {new.form_title(b)}")
        elif prop == "waktu":
            old_step, new_step = old.steps.get(old_spec.name), new.steps.get(new_spec.name)
            shown_a = duration_text(old_step["waktu_seconds"]) if old_step else a
            shown_b = duration_text(new_step["waktu_seconds"]) if new_step else b
            found.mutu.append((prop, shown_a, shown_b))
        elif prop in MUTU_BAKU:
            shown = (a, b) if prop in ("sop_step", "sop_simbol") else (_clip(a) if a else "(kosong)",
                                                                     _clip(b) if b else "(kosong)")
            found.mutu.append((prop, *shown))
        else:
            found.behaviour.append(f"properti {prop} berubah")


def _compare_lane(old_spec, new_spec, old: _Side, new: _Side, found: _Changes) -> None:
    # A lane's label may be renamed freely: the role is keyed on the lane id (docs/CONVENTIONS.md).
    before, after = old.steps.get(old_spec.name), new.steps.get(new_spec.name)
    if before is None or after is None:
        return  # gateways and events sit in lanes too, but nobody works them
    if (before["lane_id"], before["role"]) != (after["lane_id"], after["role"]):
        found.behaviour.append(f"jalurnya pindah dari {before['lane_name']} ke {after['lane_name']}")
    elif before["lane_name"] != after["lane_name"]:
        found.mutu.append(("jalur", _clip(before["lane_name"]), _clip(after["lane_name"])))


def _mutu_sentence(label: str, prop: str, a: str, b: str) -> str:
    if prop == "uraian":
        return f"Uraian {label} diubah"
    title = MUTU_BAKU.get(prop, _cap(prop))
    if prop == "sop_step":
        return f"Nomor {label} berubah dari {a} menjadi {b}"
    if prop == "nama":
        return f"Nama {label} berubah dari {a} menjadi {b}"
    if prop == "jalur":
        return f"Nama jalur {label} berubah dari {a} menjadi {b} (peran pelaksananya tetap)"
    return f"{title} {label} berubah dari {a} menjadi {b}"


def _relations(workflow) -> dict[str, str]:
    """Spec name -> 'past' (done, started or failed in this case), 'current' (open now) or absent."""
    found: dict[str, str] = {}
    for task in workflow.get_tasks(skip_subprocesses=True):
        name = task.task_spec.name
        if task.state & PAST:
            found[name] = "past"
        elif task.state & CURRENT and found.get(name) != "past":
            found[name] = "current"
    return found


def assess(workflow, old_def, old: CompiledProcess, new_def, new: CompiledProcess,
           to_version: int) -> tuple[Plan, object]:
    """The rules, before anything is touched: (plan, the WorkflowDiff to apply when plan.ok)."""
    plan = Plan()
    if workflow.subprocesses or old.subprocess_specs or new.subprocess_specs:
        plan.reasons.append("Kasus dengan subproses belum dapat dimigrasikan oleh Alur.")
        return plan, None
    old_side, new_side = _Side(old_def), _Side(new_def)
    spec_diff = SpecDiff(_REGISTRY, old.spec, new.spec)
    relation = _relations(workflow)
    version = f"versi {to_version}"
    for task in workflow.get_tasks(skip_subprocesses=True):
        if task.state & TaskState.ERROR:
            plan.reasons.append(f"Kasus ini tertahan karena galat pada {old_side.label(task.task_spec)}; "
                                "tangani galatnya terlebih dahulu.")
    for old_spec in sorted(old.spec.task_specs.values(), key=old_side.sort_key):
        where = relation.get(old_spec.name)
        label, key = old_side.label(old_spec), old_side.sort_key(old_spec)
        if old_spec not in spec_diff.alignment:
            if where:  # unreachable from the start, yet the case has it: leave it alone
                plan.reasons.append(f"{_cap(label)} tidak dapat dicocokkan dengan {version}.")
            continue
        new_spec = spec_diff.alignment[old_spec]
        done = "sudah dikerjakan" if old_side.is_step(old_spec.name) else "sudah dilewati"
        if new_spec is None:
            _removed(plan, where, label, key, version, done, old_side.named(old_spec))
        elif new_spec.name != old_spec.name:
            _realigned(plan, where, old_spec, new_spec, label, key, version, done, new_side)
        elif spec_diff.changed.get(old_spec):
            changes = _compare(old_spec, new_spec, spec_diff.changed[old_spec], old_side, new_side)
            _changed(plan, where, label, key, version, done, changes, old_side.named(old_spec))
    for spec in spec_diff.added:
        if new_side.is_step(spec.name):
            step = new_side.steps[spec.name]
            plan.notes.append((new_side.sort_key(spec), f"Langkah baru di {version}: {new_side.label(spec)} "
                               f"(jalur {step['lane_name']}); kasus ini melewatinya bila alurnya sampai ke sana."))
    # Built only for a case that may move: it looks up every task's spec in the alignment.
    return plan, (WorkflowDiff(workflow, spec_diff) if plan.ok else None)


def _removed(plan: Plan, where, label, key, version, done, named) -> None:
    if where == "past":
        plan.reasons.append(f"{_cap(label)} {done} dalam kasus ini, tetapi dihapus di {version}.")
    elif where == "current":
        plan.reasons.append(f"Langkah yang sedang terbuka, {label}, dihapus di {version}.")
    elif named:
        plan.notes.append((key, f"{_cap(label)} dihapus di {version}; kasus ini belum sampai di sana dan "
                                "tidak akan melewatinya."))


def _realigned(plan: Plan, where, old_spec, new_spec, label, key, version, done, new_side: _Side) -> None:
    if (getattr(old_spec, "bpmn_name", None) or "") != (getattr(new_spec, "bpmn_name", None) or ""):
        what = (f"{_cap(label)} ({old_spec.name}) tidak ada lagi di {version}; pencocokan otomatis "
                f"memasangkannya diam-diam dengan {new_side.label(new_spec)} ({new_spec.name}) karena letaknya sama, "
                "padahal namanya berbeda")
    else:
        what = f"Id BPMN {label} berubah dari {old_spec.name} menjadi {new_spec.name}"
    if where == "past":
        plan.reasons.append(f"{what}; langkah itu {done} dalam kasus ini, sehingga riwayatnya akan tercatat "
                            "atas langkah lain.")
    elif where == "current":
        plan.reasons.append(f"{what}; langkah itu sedang terbuka dalam kasus ini.")
    else:
        plan.notes.append((key, f"{what}; kasus ini belum sampai di sana dan akan menjalankan langkah versi baru."))


def _changed(plan: Plan, where, label, key, version, done, changes: _Changes, named: bool) -> None:
    if where == "past":
        blocking = changes.behaviour + changes.flow
        if blocking:
            why = "; ".join(blocking)
            tail = (": kasus yang sudah melewatinya tidak dapat mengikuti alur baru itu" if changes.flow and not
                    changes.behaviour else "")
            plan.reasons.append(f"{_cap(label)} {done} dalam kasus ini, tetapi di {version} {why}{tail}.")
        for prop, a, b in changes.mutu:
            plan.notes.append((key, f"{_mutu_sentence(label, prop, a, b)}; langkah ini sudah selesai dalam kasus "
                                    "ini, riwayatnya tidak berubah."))
    elif where == "current":
        if changes.behaviour:
            plan.reasons.append(f"Langkah yang sedang terbuka, {label}, berubah di {version}: "
                                f"{'; '.join(changes.behaviour)}. Selesaikan langkah ini pada versi lama terlebih "
                                "dahulu, lalu uji migrasi lagi.")
        for clause in changes.flow:
            plan.notes.append((key, f"{_cap(label)} (langkah yang sedang terbuka) berubah di {version}: {clause}; "
                                    "kasus ini akan mengikuti alur baru."))
        for prop, a, b in changes.mutu:
            effect = ("tenggat tugas yang sedang terbuka dihitung ulang dari saat tugas itu dibuat" if prop == "waktu"
                      else "berlaku juga untuk langkah yang sedang terbuka")
            plan.notes.append((key, f"{_mutu_sentence(label, prop, a, b)}; {effect}."))
    elif named:
        clauses = changes.behaviour + changes.flow
        if clauses:
            plan.notes.append((key, f"{_cap(label)} berubah di {version}: {'; '.join(clauses)}; berlaku saat kasus "
                                    "sampai di sana."))
        for prop, a, b in changes.mutu:
            plan.notes.append((key, f"{_mutu_sentence(label, prop, a, b)}; berlaku untuk langkah yang belum "
                                    "dikerjakan."))


def apply(plan: Plan, workflow, diff, new: CompiledProcess, to_version: int) -> None:
    """Re-point the workflow at the new spec (in place) and map its open tasks; any failure
    becomes a reason (the caller then throws the workflow away)."""
    before = {str(t.id): t.task_spec.name for t in runtime.ready_user_tasks(workflow)}
    # Taken before migrating: migrate_workflow swaps each task's spec for the aligned new one.
    aligned = {task.task_spec.name: spec.name for task, spec in diff.alignment.items() if spec is not None}
    try:
        migrate_workflow(diff, workflow, new.spec)
        workflow.do_engine_steps()
        strays = sorted({t.task_spec.name for t in workflow.tasks.values()
                         if new.spec.task_specs.get(t.task_spec.name) is not t.task_spec})
        if strays:
            plan.reasons.append(f"Setelah migrasi masih ada tugas tanpa padanan di versi {to_version}: "
                                f"{', '.join(strays)}.")
            return
        runtime.load_state(runtime.dump_state(workflow), new)  # the state must load against the new spec
    except Exception as error:  # SpiffWorkflow's own failures: the case stays as it is
        plan.reasons.append(f"Mesin alur kerja tidak dapat memindahkan kasus ini ke versi {to_version}: "
                            f"{describe_error(error)}")
        return
    after = {str(t.id): t.task_spec.name for t in runtime.ready_user_tasks(workflow)}
    unmatched = dict(after)
    for old_id, old_name in before.items():
        if old_id in unmatched:
            plan.task_map[old_id] = (old_id, unmatched.pop(old_id))
            continue
        # A reset branch may re-create an open task under a new id: match it by its aligned spec.
        wanted = aligned.get(old_name, old_name)
        new_id = next((tid for tid, name in unmatched.items() if name == wanted), None)
        if new_id is None:
            plan.reasons.append(f"Tugas terbuka {old_name} tidak terbuka lagi setelah migrasi ke versi {to_version}.")
            continue
        plan.task_map[old_id] = (new_id, unmatched.pop(new_id))
    plan.new_open = sorted(unmatched)
