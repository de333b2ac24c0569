"""Replay a case event by event, and the report of its deterministic re-execution.

The replay page is a plain server-rendered frame (previous / next links and a GET form to jump),
so it works without JavaScript; static/js/audit-replay.js adds the arrow keys and the cancelled
markers on the diagram, which static/js/case-diagram.js (the staff case page's viewer) draws
with the version of the process in force at that event.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext

from web.audit import AUDITORS, blueprint
from web.security import alur, current_actor, roles_required
from web.staff.display import EVENT_KINDS, Shown, actor_text, event_note, field_index, recorded_fields

# What a divergence is about (engine/replay_views.py Divergence.aspect), as the report's heading.
ASPECTS = {
    "ready": lazy_gettext("Langkah yang disiapkan"), "cancelled": lazy_gettext("Langkah yang dibatalkan"),
    "end": lazy_gettext("Akhir kasus"), "task": lazy_gettext("Langkah tercatat"),
    "timer": lazy_gettext("Pengatur waktu"), "migration": lazy_gettext("Migrasi versi"),
    "definition": lazy_gettext("Versi proses"), "engine": lazy_gettext("Mesin alur kerja"),
    "state": lazy_gettext("Keadaan tugas"), "data": lazy_gettext("Data"), "status": lazy_gettext("Status kasus"),
}


@dataclass(frozen=True)
class Marked:
    """A BPMN id with the words the page shows for it."""
    bpmn_id: str
    label: str


@dataclass(frozen=True)
class EventItem:
    seq: int
    label: str


def _step_labels(definition) -> dict[str, str]:
    return {bpmn_id: _("%(num)s · %(name)s", num=step["sop_step"], name=step["name"])
            for bpmn_id, step in (definition.steps or {}).items()}


def _marked(ids, labels: dict[str, str]) -> list[Marked]:
    return [Marked(i, labels.get(i, i)) for i in ids]


def _event_label(frame) -> str:
    kind = str(EVENT_KINDS.get(frame.kind, frame.kind))
    if frame.sop_step is not None:
        return _("#%(seq)s · %(kind)s · langkah %(num)s", seq=frame.seq, kind=kind, num=frame.sop_step)
    return _("#%(seq)s · %(kind)s", seq=frame.seq, kind=kind)


def _fields(data: dict, personal_names, forms: dict, form_key: str | None, index: dict) -> list[Shown]:
    """Recorded values in words, "(disamarkan)" beside the masked personal ones."""
    personal = {k: v for k, v in data.items() if k in personal_names}
    public = {k: v for k, v in data.items() if k not in personal_names}
    form = forms.get(form_key) if form_key else None
    return recorded_fields(form, public, personal, index)


@blueprint.get("/kasus/<int:instance_id>/putar-ulang")
@roles_required(*AUDITORS)
def replay(instance_id: int):
    actor = current_actor()
    raw = request.args.get("langkah", "").strip()
    if raw and not raw.isdigit():
        return render_template("error.html", status=400,
                               message=_("Nomor peristiwa harus berupa angka, misalnya ?langkah=9.")), 400
    case = alur().case_replay(actor, instance_id)
    frame = case.frame_at(int(raw) if raw else None)
    previous, following = case.neighbours(frame)
    forms = alur().case_forms(actor, instance_id)
    index = field_index(forms)
    labels = _step_labels(alur().definition(frame.definition_id))
    done = list(frame.done) + ([frame.end_event] if frame.end_event else [])
    event = {**frame.data, **(frame.personal or {})}
    return render_template(
        "audit/replay_frame.html", case=case, frame=frame, previous=previous, following=following,
        kind_label=str(EVENT_KINDS.get(frame.kind, frame.kind)), actor_name=actor_text(frame.actor),
        note=event_note(frame), event_fields=_fields(event, case.personal_fields, forms, frame.form_key, index)
        if frame.kind == "task.completed" else [],
        case_fields=_fields(frame.case_data, case.personal_fields, forms, None, index),
        done=_marked(frame.done, labels), active=_marked(frame.active, labels),
        cancelled=_marked(frame.cancelled, labels), marker_done=done,
        events=[EventItem(f.seq, _event_label(f)) for f in case.frames])


@blueprint.get("/kasus/<int:instance_id>/eksekusi-ulang")
@roles_required(*AUDITORS)
def reexecution(instance_id: int):
    report = alur().reexecute(current_actor(), instance_id)
    return render_template("audit/replay_reexecution.html", report=report, aspects=ASPECTS,
                           verify_url=url_for("audit.verify_case", instance_id=instance_id))

