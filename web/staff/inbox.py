"""The inbox: open tasks of the user's lanes, with filters in the URL so a view can be shared,
and a rows-only fragment that inbox.js polls so new tasks appear without a reload.

The inbox query is the only database work of these pages (they are benchmarked): the step
filter's choices come from the deployed definitions, kept a minute in the process.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template, request
from markupsafe import Markup

from web.formatting import now_utc
from web.security import alur, current_actor, roles_required
from web.staff import blueprint
from web.staff.inbox_rows import render_rows
from web.staff.roles import INBOX_ROLES

LIMIT = 200
MAX_SEARCH = 100
STEPS_TTL_SECONDS = 60
# URL words -> the engine's status filter.
STATUSES = {"belum": "unclaimed", "saya": "mine", "lain": "others"}


@dataclass(frozen=True)
class Filters:
    step: int | None = None
    status: str = ""  # "", or a key of STATUSES
    search: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        # Unknown values are dropped rather than refused: a stale shared link still opens.
        step = args.get("langkah", "")
        status = args.get("status", "")
        return cls(step=int(step) if step.isdigit() and 0 < int(step) < 100 else None,
                   status=status if status in STATUSES else "",
                   search=" ".join(args.get("cari", "").split())[:MAX_SEARCH])

    @property
    def active(self) -> bool:
        return bool(self.step or self.status or self.search)

    def query_args(self) -> dict:
        args = {"langkah": self.step, "status": self.status, "cari": self.search}
        return {key: value for key, value in args.items() if value}


def _rows(actor, filters: Filters, now: datetime) -> tuple[int, Markup]:
    """(how many, their HTML) of the inbox rows under these filters: the page's only query."""
    tasks = alur().inbox(actor, sop_step=filters.step, status=STATUSES.get(filters.status),
                         search=filters.search or None, limit=LIMIT)
    return len(tasks), render_rows(tasks, now, actor.name)


@blueprint.get("/kotak-masuk")
@roles_required(*INBOX_ROLES)
def inbox():
    actor = current_actor()
    filters = Filters.from_args(request.args)
    count, rows_html = _rows(actor, filters, now_utc())
    return render_template("staff/inbox.html", count=count, rows_html=rows_html, filters=filters, limit=LIMIT,
                           steps=step_choices(actor.roles), statuses=STATUSES,
                           poll_seconds=current_app.config.get("ALUR_INBOX_POLL_SECONDS", 4))


@blueprint.get("/kotak-masuk/baris")
@roles_required(*INBOX_ROLES)
def inbox_rows():
    filters = Filters.from_args(request.args)
    count, rows_html = _rows(current_actor(), filters, now_utc())
    response = current_app.make_response(render_template(
        "staff/_inbox_rows.html", count=count, rows_html=rows_html, filters=filters, limit=LIMIT))
    response.headers["Cache-Control"] = "no-store"
    return response


_steps_lock = threading.Lock()


def step_choices(roles) -> list[tuple[int, str]]:
    """(SOP step, its task names) of the roles' lanes in the published definitions."""
    steps: dict[int, list[str]] = {}
    for step in _published_steps():
        if step["role"] in roles:
            names = steps.setdefault(int(step["sop_step"]), [])
            if step["name"] not in names:
                names.append(step["name"])
    return [(number, " / ".join(names)) for number, names in sorted(steps.items())]


def _published_steps() -> list[dict]:
    cache = current_app.extensions.setdefault("staff.steps", {})
    now = time.monotonic()
    if cache.get("until", 0) < now:
        # A new version deployed meanwhile shows its steps within the minute.
        steps = [step for definition in alur().definitions() if definition.status == "published"
                 for step in definition.steps.values()]
        with _steps_lock:
            cache.update(steps=steps, until=now + STEPS_TTL_SECONDS)
    return cache["steps"]
