"""Who is asking: the session's user (or an API token's), and role checks for every view.

Roles are read from the database on every request, so a deactivated account or a removed role
takes effect at once, not when the session expires.
"""
from __future__ import annotations

import functools
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from engine.case import Actor

SESSION_USER = "user"


def alur():
    return current_app.extensions["alur"]


def current_actor() -> Actor | None:
    if "actor" not in g:
        username = session.get(SESSION_USER)
        g.actor = alur().actor_for_user(username) if username else None
        if username and g.actor is None:  # deactivated since login
            session.clear()
    return g.actor


def log_in(actor: Actor) -> None:
    lang = session.get("lang")
    session.clear()  # a fresh session on login: no fixation
    session[SESSION_USER] = actor.name
    if lang:
        session["lang"] = lang
    session.permanent = True
    g.actor = actor


def log_out() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.actor = None


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_actor() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def roles_required(*roles: str):
    """The view needs a login and at least one of these roles (checked on the server, always)."""
    wanted = frozenset(roles)

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not actor.roles & wanted:
                raise Forbidden(_("Peran Anda tidak berhak membuka halaman ini."))
            return view(*args, **kwargs)
        return wrapped
    return decorate


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: an open redirect after login would hand phishers our domain."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def load_secret_key(var_dir: Path) -> str:
    """The session signing key: from ALUR_SECRET_KEY, else a random one kept in var/ (0600)."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
