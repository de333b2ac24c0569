"""Finding a case by its ticket code, and the case page: the diagram with the steps done and the
one open now, the steps as a table, and the timeline of what happened with the data entered.
"""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for

from engine.errors import NotFound
from web.security import alur, current_actor, roles_required
from web.staff import blueprint
from web.staff.display import TASK_STATES, timeline
from web.staff.roles import STAFF_ROLES

MAX_CODE = 40


@blueprint.get("/kasus")
@roles_required(*STAFF_ROLES)
def find_case():
    code = " ".join(request.args.get("kode", "").split())[:MAX_CODE]
    if not code:
        return render_template("staff/find_case.html", code="", not_found=False)
    try:
        case = alur().case(current_actor(), ticket_code=code)
    except NotFound:
        return render_template("staff/find_case.html", code=code, not_found=True), 404
    return redirect(url_for("staff.case", instance_id=case.id))


@blueprint.get("/kasus/<int:instance_id>")
@roles_required(*STAFF_ROLES)
def case(instance_id: int):
    actor = current_actor()
    case = alur().case(actor, instance_id=instance_id)
    forms = alur().case_forms(actor, instance_id)
    done = {t.bpmn_id for t in case.tasks if t.state == "completed"}
    if case.outcome:
        done.add(case.outcome)
    current = {t.bpmn_id for t in case.tasks if t.state == "ready"}
    open_tasks = [t for t in case.tasks if t.state == "ready"]
    return render_template(
        "staff/case.html", case=case, entries=timeline(case, forms), done=sorted(done), current=sorted(current),
        open_tasks=open_tasks, task_states=TASK_STATES, outcome_name=_outcome_name(case))


@blueprint.get("/kasus/<int:instance_id>/diagram.bpmn")
@roles_required(*STAFF_ROLES)
def case_diagram(instance_id: int):
    actor = current_actor()
    case = alur().case(actor, instance_id=instance_id)
    response = make_response(alur().definition_xml(actor, case.definition_id))
    response.mimetype = "application/xml"
    # A version's BPMN never changes once deployed; it is internal, so private caches only.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _outcome_name(case) -> str | None:
    for event in reversed(case.events):
        if event.kind == "instance.completed":
            return str(event.data.get("outcome_name") or event.data.get("outcome") or "") or None
    return case.outcome
