"""Who is calling the API: a per-user bearer token, and nothing else.

The session cookie is deliberately ignored here: a browser sends it on its own, so accepting it
would make every API POST forgeable from another site (the API is exempt from CSRF precisely
because a bearer token is never sent automatically). Tokens are hashed by the engine; they never
reach a log from here.
"""
from __future__ import annotations

import functools

from flask import g, request
from flask_babel import gettext as _

from engine.case import Actor
from web.security import alur

# Who may call what, checked here before the engine checks it again on every use case.
LANE_ROLES = frozenset({"upp_kementerian", "upp_unit_kerja", "sesdep"})
STARTER_ROLES = frozenset({"upp_kementerian", "admin"})
STAFF_ROLES = LANE_ROLES | frozenset({"process_owner", "auditor", "admin"})
REALM = 'Bearer realm="alur"'


class ApiError(Exception):
    """A refusal decided by the API layer itself (bad body, no token), rendered as JSON."""

    def __init__(self, status: int, code: str, message: str, *, fields: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.headers = fields, headers or {}

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}


def bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def api_actor() -> Actor:
    return g.api_actor


def token_required(*roles: str):
    """The view needs a valid token whose owner holds at least one of these roles (now, not when
    the token was made: roles and deactivation are read afresh on every call)."""
    wanted = frozenset(roles)

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            token = bearer_token()
            if token is None:
                raise ApiError(401, "unauthorized", _("Sertakan token API: Authorization: Bearer <token>."),
                               headers={"WWW-Authenticate": REALM})
            actor = alur().actor_for_token(token)
            if actor is None:
                raise ApiError(401, "invalid_token", _("Token API tidak sah, sudah dicabut, atau akunnya nonaktif."),
                               headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
            if not actor.roles & wanted:
                raise ApiError(403, "forbidden", _("Peran Anda tidak berhak memakai operasi ini."))
            g.api_actor = actor
            return view(*args, **kwargs)
        return wrapped
    return decorate
