"""The last comparison of a re-execution: the rebuilt workflow against the stored instance.

Compared: the definition the case is pinned to, whether and where it ended (the row's status
and outcome), each task's state by BPMN id (every task of the tree, predicted ones too: the
same events on the same spec must give the same tree), the case data (the last task's data)
and the workflow's own data. Fields in `wildcards` (personal values a purge erased) are not
compared; values of `personal` fields are never written into the report.
"""
from __future__ import annotations

import re
from collections import Counter

from SpiffWorkflow.util.task import TaskState

from engine import runtime
from engine.errors import describe_error
from engine.replay_views import Divergence
from engine.services.privacy import HIDDEN

FINAL = "keadaan akhir"
STATE_WORDS = {
    "COMPLETED": "selesai", "READY": "siap", "CANCELLED": "dibatalkan", "WAITING": "menunggu",
    "STARTED": "berjalan", "ERROR": "galat", "FUTURE": "menunggu giliran", "LIKELY": "diperkirakan",
    "MAYBE": "mungkin",
}
_CLIP = 60


def divergence(seq: int | None, here: str, aspect: str, reexecuted: str, recorded: str,
               note: str = "") -> Divergence:
    head = f"peristiwa #{seq} ({here})" if seq is not None else here
    message = f"{head}: eksekusi ulang {reexecuted}, catatan {recorded}" + (f" ({note})" if note else "")
    return Divergence(seq=seq, where=here, aspect=aspect, reexecuted=reexecuted, recorded=recorded,
                      message=message, note=note)


def compare_final(workflow, current, ended: str | None, stored, pinned, *, wildcards: frozenset[str],
                  personal: frozenset[str]) -> list[Divergence]:
    found: list[Divergence] = []

    def diverge(aspect: str, subject: str, reexecuted: str, recorded: str) -> None:
        found.append(Divergence(seq=None, where=FINAL, aspect=aspect, reexecuted=reexecuted, recorded=recorded,
                                message=f"{FINAL}, {subject}: eksekusi ulang {reexecuted}, tersimpan {recorded}"))

    if current.id != stored.definition_id:
        diverge("definition", "definisi proses", f"#{current.id} (versi {current.definition.version})",
                f"#{stored.definition_id}")
        return found
    status = "completed" if ended else "running"
    if (status, ended) != (stored.status, stored.outcome if stored.status == "completed" else None):
        diverge("status", "status kasus", _status_text(status, ended), _status_text(stored.status, stored.outcome))
    try:
        kept = runtime.load_state(stored.state_json, pinned(stored.definition_id).compiled)
    except Exception as error:  # noqa: BLE001 - an unreadable state is itself the finding
        diverge("state", "keadaan alur kerja", "menghasilkan keadaan yang sah",
                f"tidak dapat dibaca ({describe_error(error)})")
        return found
    for name, ours, theirs in _state_differences(workflow, kept):
        diverge("state", name, ours, theirs)
    ours_data = workflow.last_task.data if workflow.last_task is not None else {}
    theirs_data = kept.last_task.data if kept.last_task is not None else {}
    for key, ours, theirs in _data_differences(ours_data, theirs_data, wildcards, personal):
        diverge("data", f"data kasus '{key}'", ours, theirs)
    for key, ours, theirs in _data_differences(workflow.data, kept.data, wildcards, personal):
        diverge("data", f"data alur kerja '{key}'", ours, theirs)
    return found


def _status_text(status: str, outcome: str | None) -> str:
    if status == "completed":
        return f"selesai di {outcome}" if outcome else "selesai"
    return {"running": "masih berjalan", "error": "berhenti karena galat"}.get(status, status)


def task_states(workflow) -> dict[str, Counter]:
    """BPMN id (or the spec's name for the engine's own tasks) -> how many tasks in each state."""
    states: dict[str, Counter] = {}
    for task in workflow.get_tasks():
        spec = task.task_spec
        key = getattr(spec, "bpmn_id", None) or spec.name
        states.setdefault(key, Counter())[TaskState.get_name(task.state)] += 1
    return states


def _state_differences(ours_wf, theirs_wf) -> list[tuple[str, str, str]]:
    ours, theirs = task_states(ours_wf), task_states(theirs_wf)
    out = []
    for name in sorted(set(ours) | set(theirs)):
        if ours.get(name, Counter()) != theirs.get(name, Counter()):
            out.append((name, _states_text(ours.get(name)), _states_text(theirs.get(name))))
    return out


def _states_text(counts: Counter | None) -> str:
    if not counts:
        return "tidak ada"
    parts = []
    for state, count in sorted(counts.items()):
        word = STATE_WORDS.get(state, state.lower())
        parts.append(f"{word}" + (f" ×{count}" if count > 1 else ""))
    return ", ".join(parts)


def _data_differences(ours: dict, theirs: dict, wildcards: frozenset[str],
                      personal: frozenset[str]) -> list[tuple[str, str, str]]:
    out = []
    for key in sorted(set(ours) | set(theirs)):
        if key in wildcards:
            continue
        a, b = ours.get(key, _ABSENT), theirs.get(key, _ABSENT)
        if a == b or (wildcards and _masked_match(a, b)):
            continue
        if key in personal:  # never write a personal value into a report
            if a is _ABSENT or b is _ABSENT:
                out.append((key, "ada" if b is _ABSENT else "tidak ada", "tidak ada" if b is _ABSENT else "ada"))
            else:
                out.append((key, "satu nilai", "nilai lain (data pribadi: nilainya tidak ditampilkan)"))
            continue
        out.append((key, value_text(a), value_text(b)))
    return out


def _masked_match(ours, theirs) -> bool:
    """After a purge the stored free texts have the visitor's values masked ("•••") where the
    recorded text still has them: each mask stands for any run of characters."""
    if not (isinstance(ours, str) and isinstance(theirs, str) and HIDDEN in theirs):
        return False
    pattern = ".+?".join(re.escape(part) for part in theirs.split(HIDDEN))
    return re.fullmatch(pattern, ours, flags=re.DOTALL) is not None


class _Absent:
    def __repr__(self) -> str:
        return "tidak ada"


_ABSENT = _Absent()


def value_text(value) -> str:
    if value is _ABSENT:
        return "tidak ada"
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= _CLIP else text[:_CLIP - 1] + "…"
