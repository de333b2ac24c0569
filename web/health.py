"""Health check and the list of deployed processes (the landing page until the inbox lands)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

blueprint = Blueprint("health", __name__)
STATUS_LABELS = {"draft": "draf", "published": "terbit", "retired": "ditarik"}


def alur():
    return current_app.extensions["alur"]


@blueprint.get("/health")
def health():
    definitions = alur().definitions()  # touches the database: a health check that means it
    return jsonify(status="ok", definitions=len(definitions))


@blueprint.get("/")
def processes():
    return render_template("processes.html", definitions=alur().definitions(), status_labels=STATUS_LABELS)
