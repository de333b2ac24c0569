"""Staff login and logout. Failed logins count towards a time-limited lockout in the engine."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import LoginRefused
from web.extensions import limiter
from web.formatting import when
from web.security import alur, current_actor, log_in, log_out, safe_next

blueprint = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["ALUR_LOGIN_LIMIT"]


@blueprint.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"), url_for("public.home"))
    if request.method == "GET":
        if current_actor() is not None:
            return redirect(next_url)
        return render_template("login.html", next=next_url, username="", error=None)
    username = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    try:
        actor = alur().authenticate(username, password)
    except LoginRefused as refused:
        error = refused.message
        if refused.locked_until is not None:
            error = _("Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi setelah %(t)s.",
                      t=when(refused.locked_until))
        return render_template("login.html", next=next_url, username=username, error=error), 401
    log_in(actor)
    return redirect(next_url)


@blueprint.post("/keluar")
def logout():
    log_out()
    return redirect(url_for("auth.login"))
