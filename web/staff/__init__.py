"""The staff's pages: the inbox of each lane, the task page, receiving a visitor (with the
ticket slip) and the case page with its diagram.

Every route is guarded here by role and again by the engine inside each use case; tasks of
another lane answer 404 exactly like ids that do not exist (the engine's NotFound).
"""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("staff", __name__)

# Registers the routes on the blueprint; imported last because they import `blueprint`.
from web.staff import case_page, inbox, reception, task_page, vendor  # noqa: E402,F401
