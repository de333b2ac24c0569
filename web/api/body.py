"""Reading a request: the JSON envelope (400 when it is not one) and the inbox's query filters.

The envelope is checked here; the form data inside it is left exactly as sent, typed JSON, for
the engine to validate against the form's pinned JSON Schema (422 with per-field errors).
"""
from __future__ import annotations

import json

from flask import request
from flask_babel import gettext as _

from engine.errors import InvalidData
from web.api.auth import ApiError


def _no_constants(name: str):
    # NaN and Infinity are not JSON (RFC 8259); accepted, they would end up in the case data.
    raise ValueError(f"{name} is not JSON")


def json_object(*, required: set[str], optional: set[str] = frozenset()) -> dict:
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw, parse_constant=_no_constants) if raw.strip() else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "malformed_json", _("Badan permintaan bukan JSON yang sah.")) from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", _("Badan permintaan harus berupa objek JSON."))
    problems = {}
    for name in sorted(set(body) - required - set(optional)):
        problems[name] = _("Kunci tidak dikenal.")
    for name in sorted(required - set(body)):
        problems[name] = _("Wajib diisi.")
    if problems:
        raise ApiError(400, "invalid_body", _("Badan permintaan tidak sesuai skema operasi ini."), fields=problems)
    return body


def object_member(body: dict, name: str) -> dict:
    value = body.get(name)
    if not isinstance(value, dict):
        raise ApiError(400, "invalid_body", _("Badan permintaan tidak sesuai skema operasi ini."),
                       fields={name: _("Harus berupa objek JSON.")})
    return value


def string_member(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, "invalid_body", _("Badan permintaan tidak sesuai skema operasi ini."),
                       fields={name: _("Harus berupa teks.")})
    return value


def inbox_filters() -> dict:
    """step, status and q of GET /tasks, as the facade's inbox takes them."""
    args = request.args
    errors, step = {}, None
    if args.get("step"):
        text = args["step"].strip()
        step = int(text) if text.isdigit() else None
        if step is None or not 1 <= step <= 99:
            errors["step"] = _("Langkah SOP harus berupa bilangan bulat positif.")
    status = args.get("status") or None
    if errors:
        raise InvalidData(errors)
    # An unknown status is refused by the engine (422 with the field named), like the UI's filter.
    return {"sop_step": step, "status": status, "search": args.get("q") or None}
