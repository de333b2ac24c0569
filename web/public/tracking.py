"""The landing page and a case's status by ticket code.

A ticket code is the only key a visitor has, so every route that takes one shares one rate limit
per address that counts only failed lookups: a visitor checking their own case is never slowed,
a guesser is stopped after a few misses.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import NotFound
from engine.tickets import normalise_ticket_code
from web.extensions import limiter
from web.formatting import WIB
from web.public import blueprint
from web.public.stages import STAGES, TUJUAN_LABELS, progress
from web.security import alur, current_actor

LANE_ROLES = frozenset({"upp_kementerian", "upp_unit_kerja", "sesdep"})


def _track_limit() -> str:
    return current_app.config["ALUR_TRACK_LIMIT"]


def _failed_lookup(response) -> bool:
    return response.status_code == 404


# One budget per address across all ticket-code routes: switching routes gains a guesser nothing.
guarded = limiter.shared_limit(_track_limit, scope="ticket-code", deduct_when=_failed_lookup)


def unknown_code(entered: str = ""):
    """The 404 for a code that is malformed or matches no case: the same answer for both, with
    the form to try again."""
    return render_template("public/track.html", code=entered, not_found=True), 404


def parse_time(text: str | None) -> datetime | None:
    """Sesdep's schedule is stored as entered (ISO 8601); shown in WIB when it parses."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    # A datetime-local input sends no offset; forms/formats.py reads those as office time (WIB).
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def staff_home(actor) -> str:
    if actor.roles & LANE_ROLES:
        return url_for("staff.inbox")
    if "admin" in actor.roles:
        return url_for("admin.users")
    return url_for("health.processes")


@blueprint.get("/")
def home():
    actor = current_actor()
    if actor is not None:
        return redirect(staff_home(actor))
    return render_template("public/home.html")


@blueprint.get("/lacak")
@guarded
def track():
    entered = request.args.get("kode")
    if entered is None:
        return render_template("public/track.html", code="", not_found=False)
    if not entered.strip():
        return render_template("public/track.html", code="", not_found=False,
                               error=_("Masukkan kode tiket yang tertera pada slip Anda.")), 400
    code = normalise_ticket_code(entered)
    if code is None:
        return unknown_code(entered.strip()[:40])
    return redirect(url_for("public.track_code", code=code))


@blueprint.get("/lacak/<code>")
@guarded
def track_code(code: str):
    normal = normalise_ticket_code(code)
    if normal is None:
        return unknown_code(code[:40])
    if normal != code:  # lower case or spaces from a hand-typed address: one canonical URL
        return redirect(url_for("public.track_code", code=normal))
    try:
        status = alur().track(normal)
    except NotFound:
        return unknown_code(normal)
    stage = STAGES.get(status.stage, STAGES["diproses"])
    return render_template("public/status.html", status=status, stage=stage,
                           steps=progress(status.stage), tujuan=TUJUAN_LABELS.get(status.tujuan or ""),
                           scheduled=parse_time(status.scheduled_at))
