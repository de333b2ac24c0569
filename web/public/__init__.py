"""The visitor's pages: no account, only the ticket code printed on the slip.

tracking.py: the landing page and the status of a case; visitor.py: the two steps the visitor
does themselves (check-in at the work unit, the SKM survey); stages.py: what each stage means,
in plain words.
"""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("public", __name__)

from web.public import tracking, visitor  # noqa: E402,F401  (the routes register on import)
