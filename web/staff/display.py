"""Recorded case data in words: field labels and option titles from the case's pinned forms,
yes/no for booleans, times in WIB, and the timeline of a case's events.

The values arrive already masked by the facade for roles that do not need personal data; this
only says so next to them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_datetime, gettext as _, lazy_gettext

from web.formatting import when

EVENT_KINDS = {
    "instance.started": lazy_gettext("Kasus dibuka"),
    "task.ready": lazy_gettext("Langkah siap"),
    "task.claimed": lazy_gettext("Diambil"),
    "task.released": lazy_gettext("Dilepas"),
    "task.completed": lazy_gettext("Diselesaikan"),
    "task.cancelled": lazy_gettext("Dibatalkan"),
    "instance.completed": lazy_gettext("Kasus selesai"),
    "timer.fired": lazy_gettext("Batas waktu tercapai"),
    "instance.error": lazy_gettext("Kesalahan mesin alur kerja"),
    "instance.migrated": lazy_gettext("Dimigrasikan ke versi baru"),
    "personal.revealed": lazy_gettext("Data pribadi dibuka oleh auditor"),
    "personal.exported": lazy_gettext("Data pribadi diekspor untuk subjek data"),
    "personal.purged": lazy_gettext("Data pribadi dihapus (masa retensi habis)"),
}
TASK_STATES = {
    "ready": lazy_gettext("Sedang berjalan"),
    "completed": lazy_gettext("Selesai"),
    "cancelled": lazy_gettext("Dibatalkan"),
}
SYSTEM_ACTOR = "system"


# The facade's mask format (engine/services/privacy.py): "•••", or "*"s keeping the last four
# (and a phone's "+62"). Only used to say "(disamarkan)" next to a value; the masking is the engine's.
_MASKED = re.compile(r"^(?:•••|(?:\+62)?\*+[^*]{4})$")


@dataclass(frozen=True)
class Shown:
    label: str
    value: str
    masked: bool = False
    name: str = ""  # the field's name (the auditors' page links a masked one to its reveal)


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    kind: str
    kind_label: str
    step: str | None
    note: str | None
    fields: list[Shown] = field(default_factory=list)


def field_index(forms: dict) -> dict:
    """{field name: forms.Field} over every form of the case (task data is one flat namespace)."""
    index = {}
    for form in forms.values():
        for f in form.fields():
            index.setdefault(f.name, f)
    return index


def value_text(f, value) -> str:
    """One recorded value as a person reads it."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, list):
        return ", ".join(value_text(f, v) for v in value)
    if f is not None:
        for option, label in f.options:
            if option == value:
                return _(label)
        if f.format == "date-time" and isinstance(value, str):
            return _datetime_text(value)
    return str(value)


def option_label(index: dict, name: str, value) -> str:
    return value_text(index.get(name), value)


def recorded_fields(form, data: dict, personal: dict | None, index: dict) -> list[Shown]:
    """A completed step's data in its form's order; fields the form no longer has come last."""
    merged = {**(data or {}), **(personal or {})}
    secret = set(personal or {})
    order = list(form.order) if form is not None else []
    names = [n for n in order if n in merged] + [n for n in merged if n not in order]
    shown = []
    for name in names:
        f = index.get(name)
        label = _(f.label) if f is not None else name
        value = merged[name]
        masked = name in secret and isinstance(value, str) and bool(_MASKED.match(value))
        shown.append(Shown(label=label, value=value_text(f, value), masked=masked, name=name))
    return shown


def timeline(case, forms: dict) -> list[Entry]:
    index = field_index(forms)
    tasks = {t.id: t for t in case.tasks}
    entries = []
    for event in case.events:
        task = tasks.get(event.task_id) if event.task_id else None
        step = None
        if task is not None:
            step = _("%(num)s · %(name)s", num=task.sop_step, name=task.name)
        elif event.data.get("name"):
            step = str(event.data["name"])
        fields = []
        if event.kind == "task.completed":
            form = forms.get(task.form_key) if task is not None else None
            fields = recorded_fields(form, event.data, event.personal, index)
        entries.append(Entry(at=event.occurred_at, actor=actor_text(event.actor), kind=event.kind,
                             kind_label=str(EVENT_KINDS.get(event.kind, event.kind)), step=step,
                             note=event_note(event), fields=fields))
    return entries


def actor_text(name: str) -> str:
    return _("Sistem") if name == SYSTEM_ACTOR else name


def event_note(event) -> str | None:
    """A line about an event beyond its kind (version, outcome, error, due time); event: anything
    with .kind and .data (an engine EventRecord or TimelineEvent)."""
    data = event.data or {}
    if event.kind == "instance.started" and data.get("version") is not None:
        return _("Versi proses %(version)s", version=data["version"])
    if event.kind == "instance.completed":
        return str(data.get("outcome_name") or data.get("outcome") or "") or None
    if event.kind == "instance.migrated" and data.get("to_version") is not None:
        return _("Dari versi %(old)s ke versi %(new)s", old=data.get("from_version"), new=data["to_version"])
    if event.kind == "instance.error":
        return str(data.get("error") or "") or None
    if event.kind == "task.ready" and data.get("due_at"):
        return _("Batas waktu %(when)s", when=_datetime_text(data["due_at"]))
    return None


def _datetime_text(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:  # office-local, as the datetime widget sends it
        return format_datetime(moment, "d MMM yyyy, HH.mm", rebase=False) + " WIB"
    return when(moment)
