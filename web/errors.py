"""How refusals reach the user: an HTML page in the UI, JSON under /api/ (never a stack trace)."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden as HTTPForbidden, HTTPException

from engine.errors import AlurError, Conflict, Forbidden, InvalidData, LoginRefused, NotFound, PasswordPolicy, Rejected

log = logging.getLogger(__name__)

STATUS_BY_ERROR = {
    NotFound: 404, Forbidden: 403, Conflict: 409, InvalidData: 422, PasswordPolicy: 422, Rejected: 422,
    LoginRefused: 401,
}


def status_of(error: AlurError) -> int:
    for kind, status in STATUS_BY_ERROR.items():
        if isinstance(error, kind):
            return status
    return 500


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def register(app) -> None:
    @app.errorhandler(AlurError)
    def alur_error(error: AlurError):
        status = status_of(error)
        if status == 500:
            log.error("use case failed: %s", error.code)
        if wants_json():
            extra = {}
            if isinstance(error, InvalidData):
                extra["fields"] = error.errors
            if isinstance(error, (PasswordPolicy, Rejected)):
                extra["problems"] = [str(p) for p in getattr(error, "problems", [])]
            return jsonify(error_body(error.code, error.message, **extra)), status
        return render_template("error.html", status=status, message=error.message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu coba lagi.")
        if wants_json():
            return jsonify(error_body("csrf", message)), 400
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: _("Permintaan tidak sah."),
            403: _("Anda tidak berhak membuka halaman ini."),
            404: _("Halaman tidak ditemukan."),
            405: _("Metode tidak diizinkan untuk alamat ini."),
            413: _("Data yang dikirim terlalu besar."),
            429: _("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
        }
        # A Forbidden raised with our own words (roles_required) keeps them.
        message = error.description if error.code == 403 and error.description and \
            error.description != HTTPForbidden.description else messages.get(error.code, error.name)
        if wants_json():
            return jsonify(error_body(f"http_{error.code}", message)), error.code
        return render_template("error.html", status=error.code, message=message), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Log the kind only: messages of database errors can carry submitted (personal) data.
        log.exception("unexpected failure on %s %s: %s", request.method, request.path, type(error).__name__)
        message = _("Terjadi kesalahan pada server. Tidak ada data yang setengah tersimpan; coba lagi.")
        if wants_json():
            return jsonify(error_body("server_error", message)), 500
        return render_template("error.html", status=500, message=message), 500
