"""The auditors' home (find any case by ticket code, the latest cases, the period export) and a
case's audit page: its header with the total time against the SOP's, the timeline of every event
with each step's duration against its Waktu, and links to replay, re-execution, verification and
the exports.

Labels and the wording of events come from web/staff/display.py, as on the staff case page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext

from engine.errors import NotFound
from web.audit import AUDITORS, blueprint
from web.formatting import WIB
from web.owner.printing import duration_text
from web.security import alur, current_actor, roles_required
from web.staff.display import (EVENT_KINDS, Shown, actor_text, event_note, field_index, recorded_fields,
                               value_text)

PAGE_SIZE = 25
MAX_CODE = 40  # as the staff's find_case: enough for a code typed with spaces
CASE_STATUSES = {
    "running": lazy_gettext("Berjalan"),
    "completed": lazy_gettext("Selesai"),
    "error": lazy_gettext("Galat"),
}
# Events whose data the timeline spells out field by field; the others get a one-line note
# (display.event_note) or nothing: their data is the engine's own bookkeeping.
_QUIET_KINDS = {"instance.started", "task.ready", "task.claimed", "task.released", "task.cancelled",
                "instance.completed", "timer.fired", "instance.error"}


@dataclass(frozen=True)
class Verdict:
    """A time against its standard, in words."""
    actual: str
    standard: str | None
    over: bool | None  # None: no standard to judge by
    text: str


@dataclass(frozen=True)
class Row:
    """One timeline row as the page and the printed report show it."""
    seq: int
    at: datetime
    kind: str
    kind_label: str
    step: str | None
    lane: str | None
    actor: str
    actor_user: str | None  # the username beside a full name
    note: str | None
    fields: list[Shown] = field(default_factory=list)
    purged: bool = False
    verdict: Verdict | None = None
    claimed_at: datetime | None = None
    claimed_by: str | None = None
    hash: str = ""


def verdict(actual_seconds: float, standard_seconds: int | None) -> Verdict:
    """"dalam standar" or "melebihi standar (+N menit)", N rounded up: a step 10 s over is over."""
    actual = duration_text(round(actual_seconds))
    if standard_seconds is None:
        return Verdict(actual, None, None, _("tanpa standar Waktu"))
    standard = duration_text(standard_seconds)
    if actual_seconds <= standard_seconds:
        return Verdict(actual, standard, False, _("dalam standar"))
    over = math.ceil((actual_seconds - standard_seconds) / 60) * 60
    return Verdict(actual, standard, True, _("melebihi standar (+%(t)s)", t=duration_text(over)))


def actor_label(event) -> tuple[str, str | None]:
    """(who, their username when a full name is shown): "Ani Rahmawati" + "ani", "Sistem", "Pengunjung"."""
    if event.actor_kind == "visitor":
        return _("Pengunjung"), None
    if event.actor_kind == "system":
        return actor_text(event.actor), None
    if event.actor_name and event.actor_name != event.actor:
        return event.actor_name, event.actor
    return event.actor, None


def timeline_rows(timeline, forms: dict) -> list[Row]:
    index = field_index(forms)
    rows = []
    for e in timeline.events:
        who, username = actor_label(e)
        shown = []
        if e.kind == "task.completed":
            shown = recorded_fields(forms.get(e.form_key), e.data, e.personal, index)
        elif e.kind not in _QUIET_KINDS and e.data:
            shown = [Shown(label=_field_label(index, name), value=value_text(index.get(name), value), name=name)
                     for name, value in e.data.items()]
        # The engine says which values it masked (the page's own pattern only guesses).
        shown = [replace(f, masked=f.name in e.masked_fields) for f in shown]
        d = e.duration
        rows.append(Row(
            seq=e.seq, at=e.occurred_at, kind=e.kind, kind_label=str(EVENT_KINDS.get(e.kind, e.kind)),
            step=_("%(num)s · %(name)s", num=e.sop_step, name=e.step_name) if e.sop_step is not None else e.step_name,
            lane=e.lane_name, actor=who, actor_user=username, note=event_note(e), fields=shown,
            purged=e.personal_purged, verdict=verdict(d.actual_seconds, d.standard_seconds) if d else None,
            claimed_at=d.claimed_at if d else None, claimed_by=d.claimed_by if d else None, hash=e.hash))
    return rows


def _field_label(index: dict, name: str) -> str:
    f = index.get(name)
    return _(f.label) if f is not None else name


def case_context(instance_id: int) -> dict:
    """What the case page and the printed report both show."""
    actor = current_actor()
    timeline = alur().case_timeline(actor, instance_id)
    forms = alur().case_forms(actor, instance_id)
    h = timeline.header
    total = verdict(h.total_seconds, h.standard_total_seconds) if h.total_seconds is not None else None
    return {"timeline": timeline, "h": h, "rows": timeline_rows(timeline, forms), "total": total,
            "standard_total": duration_text(h.standard_total_seconds),
            "path_standard": duration_text(h.path_standard_seconds), "statuses": CASE_STATUSES}


@blueprint.get("/")
@roles_required(*AUDITORS)
def home():
    actor = current_actor()
    code = " ".join(request.args.get("kode", "").split())[:MAX_CODE]
    if code:
        try:
            return redirect(url_for("audit.case", instance_id=alur().case(actor, ticket_code=code).id))
        except NotFound:
            pass
    status = request.args.get("status") or None
    if status not in CASE_STATUSES:
        status = None
    page = _page_number(request.args.get("halaman"))
    listing = alur().audit_cases(actor, status=status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    today = datetime.now(WIB).date()
    pages = max(1, math.ceil(listing.total / PAGE_SIZE))
    return render_template(
        "audit/home.html", code=code, not_found=bool(code), listing=listing, status=status, page=page,
        pages=pages, statuses=CASE_STATUSES, period_start=date(today.year, today.month, 1), period_end=today,
    ), 404 if code else 200


@blueprint.get("/kasus/<int:instance_id>")
@roles_required(*AUDITORS)
def case(instance_id: int):
    return render_template("audit/case.html", **case_context(instance_id))


def _page_number(text: str | None) -> int:
    try:
        return max(1, min(int(text or 1), 100_000))
    except ValueError:
        return 1
