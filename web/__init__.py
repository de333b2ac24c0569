"""The web front end: a Flask app factory and one blueprint per audience.

web/ talks to the engine only through engine.facade.Alur; it never imports SpiffWorkflow or
SQLAlchemy (an import-linter contract enforces it).
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask

from engine.facade import Alur
from web import errors, formatting
from web.extensions import babel, csrf, limiter
from web.i18n import LANGUAGES, select_locale
from web.security import current_actor, load_secret_key

VAR_DIR = Path(__file__).resolve().parent.parent / "var"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def default_config() -> dict:
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # `make run` serves plain HTTP on loopback; behind TLS set ALUR_SECURE_COOKIES=1.
        "SESSION_COOKIE_SECURE": os.environ.get("ALUR_SECURE_COOKIES") == "1",
        "SESSION_COOKIE_NAME": "alur_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS),
        # In-process counters; with several worker processes point this at a shared store
        # (e.g. redis://...), see README.
        "RATELIMIT_STORAGE_URI": os.environ.get("ALUR_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Explicit: the limiter is shared by every app in a process (tests make many).
        "RATELIMIT_ENABLED": True,
        "ALUR_TRACK_LIMIT": os.environ.get("ALUR_TRACK_LIMIT", "20 per minute"),
        "ALUR_LOGIN_LIMIT": os.environ.get("ALUR_LOGIN_LIMIT", "30 per minute"),
        "ALUR_INBOX_POLL_SECONDS": 4,
    }


def create_app(alur: Alur | None = None, config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(default_config())
    app.config.from_mapping(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("ALUR_SECRET_KEY") or load_secret_key(VAR_DIR)
    app.extensions["alur"] = alur or Alur()
    if hops := int(os.environ.get("ALUR_PROXY_HOPS", "0")):
        # Behind a reverse proxy the peer is the proxy: without this, every visitor would share
        # one rate-limit budget and the scheme would read as plain HTTP.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.register(app)
    formatting.register(app)

    @app.context_processor
    def layout_globals():
        return {"actor": current_actor(), "languages": LANGUAGES, "current_language": select_locale()}

    @app.after_request
    def security_headers(response):
        # No inline scripts anywhere: page data travels in data- attributes or JSON blocks.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    from web import auth, health, i18n
    for module in (health, auth, i18n):
        app.register_blueprint(module.blueprint)
    for name in ("staff", "public", "admin", "account", "api"):
        _register_optional(app, name)
    return app


def _register_optional(app: Flask, name: str) -> None:
    import importlib
    module = importlib.import_module(f"web.{name}")
    app.register_blueprint(module.blueprint)
