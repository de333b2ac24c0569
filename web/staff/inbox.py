"""The inbox: open tasks of the user's lanes, 50 to a page, with filters in the URL so a view can
be shared, and a rows-only fragment that inbox.js polls (same filters, same page) so new tasks
appear without a reload.

The inbox query is the only database work of these pages (they are benchmarked): the step
filter's choices come from the deployed definitions, kept a minute in the process.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from markupsafe import Markup

from web.formatting import now_utc
from web.security import alur, current_actor, roles_required
from web.staff import blueprint
from web.staff.inbox_rows import render_rows
from web.staff.roles import INBOX_ROLES

# Fifty rows a page: more than a lane works through between two looks, and the page stays light.
PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_SEARCH = 100
STEPS_TTL_SECONDS = 60
# URL words -> the engine's status filter.
STATUSES = {"belum": "unclaimed", "saya": "mine", "lain": "others"}


@dataclass(frozen=True)
class Filters:
    step: int | None = None
    status: str = ""  # "", or a key of STATUSES
    search: str = ""
    page: int = 1  # not a filter: a new filter starts again at the first page

    @classmethod
    def from_args(cls, args) -> "Filters":
        # Unknown values are dropped rather than refused: a stale shared link still opens.
        step = args.get("langkah", "")
        status = args.get("status", "")
        page = args.get("halaman", "")
        return cls(step=int(step) if step.isdigit() and 0 < int(step) < 100 else None,
                   status=status if status in STATUSES else "",
                   search=" ".join(args.get("cari", "").split())[:MAX_SEARCH],
                   page=int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1)

    @property
    def active(self) -> bool:
        return bool(self.step or self.status or self.search)

    def query_args(self) -> dict:
        """The URL's arguments for these filters and this page (the first page needs none)."""
        args = {"langkah": self.step, "status": self.status, "cari": self.search,
                "halaman": self.page if self.page > 1 else None}
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class Rows:
    """What both the page and the polled fragment show of one page of the inbox."""
    count: int  # rows on this page
    html: Markup
    count_text: str
    filters: Filters  # with the page actually shown
    total: int


def _rows(actor, filters: Filters, now: datetime) -> Rows:
    """One page of the inbox rows under these filters, as HTML: the page's only query (two when the
    page asked for is past the end, the lane having finished tasks meanwhile: then the last one)."""
    page = _page(actor, filters)
    if not page.items and filters.page > 1:
        filters = replace(filters, page=max(1, min(filters.page, -(-page.total // PAGE_SIZE))))
        if page.total:
            page = _page(actor, filters)
    first, last = page.offset + 1, page.offset + len(page.items)
    if page.total > PAGE_SIZE and page.items:
        count_text = _("Tugas %(first)d–%(last)d dari %(total)d", first=first, last=last, total=page.total)
    else:
        count_text = ngettext("%(num)d tugas", "%(num)d tugas", page.total)
    return Rows(count=len(page.items), html=render_rows(page.items, now, actor.name), count_text=count_text,
                filters=filters, total=page.total)


def _page(actor, filters: Filters):
    return alur().inbox_page(actor, sop_step=filters.step, status=STATUSES.get(filters.status),
                             search=filters.search or None, limit=PAGE_SIZE, offset=(filters.page - 1) * PAGE_SIZE)


def _pager(rows: Rows) -> dict[str, str | None]:
    """Links to the previous and next pages, keeping the filters (None where there is none)."""
    filters = rows.filters
    before = replace(filters, page=filters.page - 1) if filters.page > 1 else None
    after = replace(filters, page=filters.page + 1) if filters.page * PAGE_SIZE < rows.total else None
    return {name: url_for("staff.inbox", **other.query_args()) if other else None
            for name, other in (("previous", before), ("next", after))}


@blueprint.get("/kotak-masuk")
@roles_required(*INBOX_ROLES)
def inbox():
    actor = current_actor()
    rows = _rows(actor, Filters.from_args(request.args), now_utc())
    return render_template("staff/inbox.html", rows=rows, filters=rows.filters, pager=_pager(rows),
                           steps=step_choices(actor.roles), statuses=STATUSES,
                           poll_seconds=current_app.config.get("ALUR_INBOX_POLL_SECONDS", 4))


@blueprint.get("/kotak-masuk/baris")
@roles_required(*INBOX_ROLES)
def inbox_rows():
    rows = _rows(current_actor(), Filters.from_args(request.args), now_utc())
    response = current_app.make_response(render_template("staff/_inbox_rows.html", rows=rows,
                                                         filters=rows.filters))
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
