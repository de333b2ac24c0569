"""The inbox's rows as HTML, built here rather than in Jinja: the page is benchmarked with 200
open tasks, and a template escaping eighteen values per row cost more than the query. Each
distinct text (a label, an age in minutes, a holder, a step name) is translated and escaped once
per request; per row only the ticket, the visitor's name and the task id are escaped.

The markup is the same as a template would write; staff/_inbox_rows.html wraps it in the tbody.
"""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from web import formatting

_ROW = ('<tr data-task-id="{id}" class="{cls}">\n'
        '  <td data-label="{l_step}"><a href="{url}"><span class="step-no">{step}</span> {name}</a></td>\n'
        '  <td data-label="{l_ticket}" class="nowrap"><span class="ticket">{code}</span></td>\n'
        '  <td data-label="{l_visitor}">{visitor}</td>\n'
        '  <td data-label="{l_age}" class="nowrap">{age}</td>\n'
        '  <td data-label="{l_left}" class="nowrap">{late}{left}</td>\n'
        '  <td data-label="{l_status}"><span class="badge {badge}">{holder}</span></td>\n'
        '</tr>\n')
_BADGES = {"free": "badge-muted", "mine": "badge-info", "other": "badge-warn"}
# Task ids are UUIDs: nothing to escape in HTML or in a URL, so one check replaces both.
_PLAIN_ID = re.compile(r"[0-9A-Za-z-]+")


def _text(value) -> str:
    return str(escape(value))


def render_rows(tasks, now: datetime, username: str) -> Markup:
    labels = {key: _text(text) for key, text in (
        ("l_step", _("Langkah")), ("l_ticket", _("Tiket")), ("l_visitor", _("Pengunjung")),
        ("l_age", _("Umur")), ("l_left", _("Sisa waktu")), ("l_status", _("Status")))}
    late = '<span class="badge badge-bad">' + _text(_("Terlambat")) + "</span> "
    holders = {None: ("free", _text(_("Belum diambil"))), username: ("mine", _text(_("Diambil oleh Anda")))}
    ages: dict[int, str] = {}
    lefts: dict[tuple[bool, int], str] = {}
    names: dict[str, str] = {}
    url_before, _sep, url_after = url_for("staff.task", task_id="__TASK__").partition("__TASK__")
    out = []
    for task in tasks:
        age_key = int((now - task.created_at).total_seconds() // 60)
        if age_key not in ages:
            ages[age_key] = _text(formatting.age(task.created_at, now))
        seconds = (task.due_at - now).total_seconds()
        left_key = (seconds >= 0, int(abs(seconds) // 60))
        if left_key not in lefts:
            lefts[left_key] = _text(formatting.time_left(task.due_at, now))
        if task.claimed_by not in holders:
            holders[task.claimed_by] = ("other", _text(_("Diambil oleh %(user)s", user=task.claimed_by)))
        holder, holder_text = holders[task.claimed_by]
        if task.name not in names:
            names[task.name] = _text(task.name)
        overdue = task.is_overdue(now)
        if _PLAIN_ID.fullmatch(task.id):
            task_id, url = task.id, url_before + task.id + url_after
        else:
            task_id, url = _text(task.id), _text(url_before + quote(task.id, safe="") + url_after)
        out.append(_ROW.format(
            id=task_id, cls=("overdue" if overdue else "") + (" is-mine" if holder == "mine" else ""),
            url=url, step=int(task.sop_step),
            name=names[task.name], code=_text(task.ticket_code), visitor=_text(task.display_name or "–"),
            age=ages[age_key], late=late if overdue else "", left=lefts[left_key],
            badge=_BADGES[holder], holder=holder_text, **labels))
    return Markup("".join(out))
