"""The task page: the step's Mutu Baku as instructions, who holds the task, and its form; and
the verbs on it (claim, release, save a draft, complete).

A refused completion re-renders the page with the errors inline and what was typed kept (422);
a conflict (someone else holds or finished it, a lost race) says so with 409. The engine does
the deciding: a task completes once however often the form is posted.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import Conflict, InvalidData
from web.form_view import check, raw_values, values_for_display
from web.formatting import now_utc
from web.security import alur, current_actor, roles_required
from web.staff import blueprint, courtesy
from web.staff.display import field_index, option_label
from web.staff.roles import INBOX_ROLES


@blueprint.get("/tugas/<task_id>")
@roles_required(*INBOX_ROLES)
def task(task_id: str):
    return render_task(alur().task_detail(current_actor(), task_id))


@blueprint.post("/tugas/<task_id>")
@roles_required(*INBOX_ROLES)
def task_action(task_id: str):
    action = request.form.get("action", "")
    if action in ("claim", "release"):
        return _claim_or_release(task_id, action)
    if action == "draft":
        return _save_draft(task_id)
    if action == "complete":
        return _complete(task_id)
    abort(400)


def _claim_or_release(task_id: str, action: str):
    actor = current_actor()
    try:
        if action == "claim":
            alur().claim(actor, task_id)
            flash(_("Tugas diambil: sekarang Anda yang mengerjakannya."), "success")
        else:
            alur().release(actor, task_id)
            flash(_("Tugas dilepas: rekan satu jalur dapat mengambilnya."), "success")
    except Conflict as error:
        flash(error.message, "error")
    return redirect(url_for("staff.task", task_id=task_id))


def _save_draft(task_id: str):
    actor = current_actor()
    raw = raw_values(request.form)
    try:
        alur().save_draft(actor, task_id, raw)
    except InvalidData as error:
        detail = alur().task_detail(actor, task_id)
        return render_task(detail, values=values_for_display(raw, detail.form), errors=error.errors, status=422)
    except Conflict as error:
        detail = alur().task_detail(actor, task_id)
        return render_task(detail, values=values_for_display(raw, detail.form), problem=error.message, status=409)
    flash(_("Draf disimpan."), "success")
    return redirect(url_for("staff.task", task_id=task_id))


def _complete(task_id: str):
    actor = current_actor()
    # The task and its form are all a valid post needs; the page is read only to show a refusal.
    task_item, form = alur().task_form(actor, task_id)
    raw = raw_values(request.form)
    blocked = _blocked_reason(task_item, actor.name)
    if blocked:
        return _refused(actor, task_id, raw, problem=blocked, status=409)
    data, errors = check(form, raw)
    if errors:
        return _refused(actor, task_id, raw, errors=errors, status=422)
    try:
        alur().complete(actor, task_id, data)
    except InvalidData as error:
        return _refused(actor, task_id, raw, errors=error.errors, status=422)
    except Conflict as error:
        return _refused(actor, task_id, raw, problem=error.message, status=409)
    flash(_("Langkah %(num)s selesai: %(name)s (tiket %(code)s)", num=task_item.sop_step, name=task_item.name,
            code=task_item.ticket_code), "success")
    return redirect(url_for("staff.inbox"))


def _refused(actor, task_id: str, raw: dict, *, status: int, errors=None, problem: str | None = None):
    """The task page as it stands now, with what was typed kept and why it was refused."""
    detail = alur().task_detail(actor, task_id)
    return render_task(detail, values=values_for_display(raw, detail.form), errors=errors, problem=problem,
                       status=status)


def _blocked_reason(task_item, username: str) -> str | None:
    """Why this user cannot complete the task now, before validating anything; the engine checks
    the same again under its lock (a race still ends in its Conflict)."""
    if task_item.state == "completed":
        return _("Tugas ini sudah diselesaikan oleh %(user)s.", user=task_item.completed_by or "–")
    if task_item.state != "ready":
        return _("Tugas ini sudah tidak aktif.")
    if task_item.claimed_by and task_item.claimed_by != username:
        return _("Tugas ini sedang dikerjakan oleh %(user)s.", user=task_item.claimed_by)
    return None


def initial_values(detail) -> dict[str, list[str]]:
    """A saved draft as it was typed; otherwise the schema's defaults, and for step 5 a polite
    message drafted from the decision."""
    form = detail.form
    if detail.draft:
        return values_for_display(detail.draft, form)
    values = values_for_display(None, form)
    if form.key == courtesy.FORM_KEY and courtesy.FIELD in form.order:
        message = courtesy.visitor_message(detail.case.data, detail.case.ticket_code)
        if message:
            values[courtesy.FIELD] = [message]
    return values


def render_task(detail, *, values=None, errors=None, problem: str | None = None, status: int = 200):
    actor = current_actor()
    task_item = detail.task
    mine = task_item.claimed_by == actor.name
    holder = "mine" if mine else ("other" if task_item.claimed_by else "free")
    editable = task_item.state == "ready" and holder != "other"
    case = detail.case
    tujuan = case.data.get("tujuan")
    # The purpose's option title comes from the case's pinned forms (step 1's, not this one's).
    tujuan_text = option_label(field_index(detail.case_forms), "tujuan", tujuan) if tujuan else None
    return render_template(
        "staff/task.html", detail=detail, task=task_item, step=detail.step, case=case,
        fields=detail.form.fields(), values=initial_values(detail) if values is None else values,
        errors=errors or {}, problem=problem, holder=holder, editable=editable, now=now_utc(),
        tujuan=tujuan_text), status

