"""Health check and the list of deployed processes with their steps."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_babel import lazy_gettext as _l

from web.security import alur, login_required

blueprint = Blueprint("health", __name__)
STATUS_LABELS = {"draft": _l("draf"), "published": _l("terbit"), "retired": _l("ditarik")}


@blueprint.get("/health")
def health():
    definitions = alur().definitions()  # touches the database: a health check that means it
    return jsonify(status="ok", definitions=len(definitions))


@blueprint.get("/proses")
@login_required
def processes():
    return render_template("processes.html", definitions=alur().definitions(), status_labels=STATUS_LABELS)
