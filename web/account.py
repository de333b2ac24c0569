"""My account (any logged-in user): my roles, my password, my API tokens.

A new token is shown once, on the page that answers the POST that made it, and that page is
never cached; afterwards only its prefix is known, to tell tokens apart.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidData, LoginRefused, PasswordPolicy
from web.admin import role_names
from web.security import alur, current_actor, login_required

blueprint = Blueprint("account", __name__, url_prefix="/akun")
blueprint.context_processor(role_names)


def _page(password_errors=None, token_errors=None, token_name="", status=200):
    actor = current_actor()
    response = make_response(render_template(
        "account/settings.html", tokens=alur().api_tokens(actor), password_errors=password_errors or {},
        token_errors=token_errors or {}, token_name=token_name), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("")
@login_required
def settings():
    return _page()


@blueprint.post("/kata-sandi")
@login_required
def change_password():
    actor = current_actor()
    old = request.form.get("old_password", "")
    new = request.form.get("new_password", "")
    confirm = request.form.get("new_password_confirm", "")
    errors = {}
    if not old:
        errors["old_password"] = _("Isi kata sandi lama Anda.")
    problems = alur().password_problems(new, username=actor.name)
    if problems:
        errors["new_password"] = _("Kata sandi tidak memenuhi kebijakan: %(p)s", p=" ".join(problems))
    if new != confirm:
        errors["new_password_confirm"] = _("Konfirmasi kata sandi tidak sama dengan kata sandi baru.")
    if not errors:
        try:
            alur().change_password(actor, old, new)
        except PasswordPolicy as policy:
            errors["new_password"] = _("Kata sandi tidak memenuhi kebijakan: %(p)s", p=" ".join(policy.problems))
        except InvalidData as invalid:
            errors.update(invalid.errors or {"old_password": invalid.message})
        except LoginRefused as refused:  # too many wrong old passwords: locked like a login
            errors["old_password"] = refused.message
    if errors:
        return _page(password_errors=errors, status=422)
    flash(_("Kata sandi Anda sudah diganti."), "success")
    return redirect(url_for("account.settings"))


@blueprint.post("/token")
@login_required
def create_token():
    name = request.form.get("name", "").strip()
    try:
        info, token = alur().create_api_token(current_actor(), name)
    except InvalidData as invalid:
        return _page(token_errors=invalid.errors or {"name": invalid.message}, token_name=name, status=422)
    response = make_response(render_template("account/token_created.html", info=info, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/token/<int:token_id>/cabut")
@login_required
def revoke_token(token_id: int):
    alur().revoke_api_token(current_actor(), token_id)  # someone else's token: NotFound -> 404
    flash(_("Token dicabut. Skrip yang memakainya tidak lagi dapat masuk."), "success")
    return redirect(url_for("account.settings"))
