"""An auditor reveals one masked personal value (UU 27/2022): explicit, with a reason, on the record.

GET names the field and its event (masked) and asks for the reason; without ?seq=&field= it lists
the case's personal fields to choose from. POST records the reveal in the case's hash chain (the
engine does it in the same transaction) and shows the value once, on a page no cache keeps. The
value never travels in a URL, a flash message or a log line; a refused reason keeps what was typed.
"""
from __future__ import annotations

from flask import make_response, render_template, request

from engine.errors import InvalidData
from web.audit import AUDITORS, blueprint
from web.security import alur, current_actor, roles_required
from web.staff.display import EVENT_KINDS

MAX_FIELD = 100


def no_store(body, status: int = 200):
    """The page as a response neither the browser nor a proxy keeps a copy of."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    return response


def _seq(text) -> int | None:
    try:
        return int(text) if text is not None and str(text).strip() else None
    except ValueError:
        return None


@blueprint.route("/kasus/<int:instance_id>/buka-data", methods=["GET", "POST"])
@roles_required(*AUDITORS)
def reveal_personal(instance_id: int):
    actor = current_actor()
    source = request.form if request.method == "POST" else request.args
    seq, field = _seq(source.get("seq")), source.get("field", "").strip()[:MAX_FIELD]
    if seq is None or not field:
        targets = alur().personal_fields(actor, instance_id)  # NotFound -> 404 page
        return no_store(render_template("audit/personal_choose.html", instance_id=instance_id, targets=targets,
                                        event_kinds=EVENT_KINDS))
    target = alur().personal_field(actor, instance_id, seq, field)
    if request.method == "GET":
        return no_store(render_template("audit/personal_reveal.html", target=target, reason="", errors={},
                                        event_kinds=EVENT_KINDS))
    reason = request.form.get("alasan", "")
    try:
        revealed = alur().reveal_personal(actor, instance_id, seq, field, reason)
    except InvalidData as invalid:
        return no_store(render_template("audit/personal_reveal.html", target=target, reason=reason[:1000],
                                        errors=invalid.errors, event_kinds=EVENT_KINDS), 422)
    return no_store(render_template("audit/personal_revealed.html", target=target, revealed=revealed,
                                    event_kinds=EVENT_KINDS))
