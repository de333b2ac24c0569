"""User administration (role admin): the list of accounts, creating one, editing one.

Every refusal comes back inline in the form it concerns, with what was typed kept (passwords
never: they are not sent back to the browser).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext

from engine.errors import Conflict, InvalidData, PasswordPolicy
from web.security import alur, current_actor, roles_required

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

# The roles an account may hold, in the order the forms list them. The engine has the same set
# (engine.services.accounts.ROLE_LABELS); these are the web's words, translated.
ROLE_LABELS = {
    "upp_kementerian": lazy_gettext("UPP Kementerian"),
    "upp_unit_kerja": lazy_gettext("UPP Unit Kerja"),
    "sesdep": lazy_gettext("Sesdep"),
    "process_owner": lazy_gettext("Pemilik Proses"),
    "auditor": lazy_gettext("Auditor"),
    "admin": lazy_gettext("Admin"),
}
ROLE_HELP = {
    "upp_kementerian": lazy_gettext("Meja depan: menerima tamu (langkah 1) dan menyampaikan keputusan (langkah 5)."),
    "upp_unit_kerja": lazy_gettext("Verifikasi Dumas, meneruskan keputusan, melayani pengunjung (langkah 2, 4, 7)."),
    "sesdep": lazy_gettext("Memberi persetujuan atau penolakan konsultasi (langkah 3)."),
    "process_owner": lazy_gettext("Memasang versi proses dan melihat kinerja."),
    "auditor": lazy_gettext("Membaca riwayat kasus dan memeriksa keutuhan catatan."),
    "admin": lazy_gettext("Mengelola akun pengguna."),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def sorted_roles(roles) -> list[str]:
    order = list(ROLE_LABELS)
    return sorted(roles, key=lambda r: (order.index(r) if r in order else len(order), r))


def _password_errors(password: str, confirm: str, username: str, field: str) -> dict[str, str]:
    """The policy's problems and a mismatched confirmation, before the engine hashes anything."""
    errors = {}
    problems = alur().password_problems(password, username=username)
    if problems:
        errors[field] = _("Kata sandi tidak memenuhi kebijakan: %(p)s", p=" ".join(problems))
    if password != confirm:
        errors[field + "_confirm"] = _("Konfirmasi kata sandi tidak sama dengan kata sandi.")
    return errors


def _policy_text(error: PasswordPolicy) -> str:
    return _("Kata sandi tidak memenuhi kebijakan: %(p)s", p=" ".join(error.problems))


@blueprint.get("/pengguna")
@roles_required("admin")
def users():
    return render_template("admin/users.html", users=alur().users(current_actor()))


@blueprint.route("/pengguna/baru", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    values = {"username": "", "full_name": "", "roles": set()}
    if request.method == "GET":
        return render_template("admin/new_user.html", values=values, errors={})
    form = request.form
    values = {"username": form.get("username", "").strip().lower(), "full_name": form.get("full_name", "").strip(),
              "roles": set(form.getlist("roles"))}
    password, confirm = form.get("password", ""), form.get("password_confirm", "")
    errors = _password_errors(password, confirm, values["username"], "password")
    status = 422
    if not errors:
        try:
            created = alur().create_user(current_actor(), values["username"], values["full_name"], values["roles"],
                                         password)
        except InvalidData as invalid:
            errors = dict(invalid.errors)
        except PasswordPolicy as policy:
            errors = {"password": _policy_text(policy)}
        except Conflict as conflict:
            errors, status = {"username": conflict.message}, 409
        else:
            flash(_("Akun %(u)s dibuat. Sampaikan kata sandi awal secara langsung, bukan lewat pesan tertulis.",
                    u=created.username), "success")
            return redirect(url_for("admin.edit_user", username=created.username))
    return render_template("admin/new_user.html", values=values, errors=errors), status


@blueprint.route("/pengguna/<username>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(username: str):
    actor = current_actor()
    user = alur().user(actor, username)  # NotFound -> 404 page
    values = {"full_name": user.full_name, "roles": set(user.roles), "active": user.active}
    errors, reset_errors, status = {}, {}, 200
    if request.method == "POST":
        if request.form.get("action") == "reset_password":
            reset_errors, status = _reset_password(actor, username)
            if not reset_errors:
                return redirect(url_for("admin.edit_user", username=username))
        else:
            values = {"full_name": request.form.get("full_name", "").strip(),
                      "roles": set(request.form.getlist("roles")), "active": request.form.get("active") == "true"}
            try:
                alur().update_user(actor, username, full_name=values["full_name"], roles=values["roles"],
                                   active=values["active"])
            except InvalidData as invalid:
                errors, status = dict(invalid.errors), 422
            except Conflict as conflict:
                errors, status = {"_form": conflict.message}, 409
            else:
                flash(_("Perubahan akun %(u)s disimpan.", u=username), "success")
                return redirect(url_for("admin.edit_user", username=username))
    return render_template("admin/edit_user.html", user=user, values=values, errors=errors,
                           reset_errors=reset_errors, is_self=username == actor.name), status


def _reset_password(actor, username: str) -> tuple[dict[str, str], int]:
    password, confirm = request.form.get("new_password", ""), request.form.get("new_password_confirm", "")
    errors = _password_errors(password, confirm, username, "new_password")
    if errors:
        return errors, 422
    try:
        alur().reset_password(actor, username, password)
    except PasswordPolicy as policy:
        return {"new_password": _policy_text(policy)}, 422
    flash(_("Kata sandi %(u)s direset dan kunci akun (jika ada) dibuka. Minta pemiliknya menggantinya "
            "setelah masuk.", u=username), "success")
    return {}, 200


def role_names() -> dict:
    return {"role_labels": ROLE_LABELS, "role_help": ROLE_HELP, "role_label": role_label, "sorted_roles": sorted_roles}


blueprint.context_processor(role_names)
