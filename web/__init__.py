"""The web front end: a Flask app factory and one blueprint per audience.

web/ talks to the engine only through engine.facade.Alur; it never imports SpiffWorkflow or
SQLAlchemy (an import-linter contract enforces it).
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.globals import request_ctx

from engine.facade import Alur
from web import errors, formatting
from web.extensions import babel, csrf, limiter
from web.i18n import LANGUAGES, install_request_translations, select_locale
from web.security import current_actor, load_secret_key
from web.sessions import CachedSigningSessionInterface

VAR_DIR = Path(__file__).resolve().parent.parent / "var"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


SECURITY_HEADERS = tuple((name.lower(), name, value) for name, value in (
    # No inline scripts anywhere: page data travels in data- attributes or JSON blocks.
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
     "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
))


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
    app.session_interface = CachedSigningSessionInterface()
    if hops := int(os.environ.get("ALUR_PROXY_HOPS", "0")):
        # Behind a reverse proxy the peer is the proxy: without this, every visitor would share
        # one rate-limit budget and the scheme would read as plain HTTP.
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    babel.init_app(app, locale_selector=select_locale)
    install_request_translations(app)
    csrf.init_app(app)
    limiter.init_app(app)
    errors.register(app)
    formatting.register(app)

    @app.context_processor
    def layout_globals():
        return {"actor": current_actor(), "languages": LANGUAGES, "current_language": select_locale()}

    @app.after_request
    def security_headers(response):
        # Each one unless the view set its own (setdefault, in one pass over the headers).
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        missing = [(name, value) for lower, name, value in SECURITY_HEADERS if lower not in present]
        if missing:
            headers.extend(missing)
        return response

    from web import auth, health, i18n
    for module in (health, auth, i18n):
        app.register_blueprint(module.blueprint)
    for name in ("staff", "public", "owner", "audit", "privacy", "admin", "account", "api"):
        _register_optional(app, name)
    _check_limits_in_their_routes_only(app)
    return app


def _check_limits_in_their_routes_only(app: Flask) -> None:
    """Flask-Limiter checks default, application and blueprint limits before every request (~50 us,
    twice that on a cold CPU, on routes without a limit too) and tidies up after each. Alur has none
    of those, only limits on single routes (login, ticket codes), which their decorator checks when
    the route runs: the check before goes, and the after-request (deduct_when, headers) and teardown
    hooks run only after such a check. With any other kind of limit configured, all stays as is."""
    manager = limiter.limit_manager
    if (not limiter.enabled or manager.default_limits or manager.application_limits
            or getattr(manager, "_blueprint_limits", True) or getattr(limiter, "_meta_limits", True)):
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]
    # A route's check leaves its context on the request (tests/webapp/test_public_rate_limit.py
    # fails if a Flask-Limiter release names it otherwise).
    after = app.after_request_funcs.get(None, [])
    after[:] = [_after_a_limit_check(hook) if getattr(hook, "args", (None,))[:1] == (limiter,) else hook
                for hook in after]
    teardown = app.teardown_request_funcs.get(None, [])
    teardown[:] = [_after_a_limit_check(hook) if getattr(hook, "__self__", None) is limiter else hook
                   for hook in teardown]


def _after_a_limit_check(hook):
    def run(value):
        return hook(value) if hasattr(request_ctx, "_limiter_request_context") else value
    return run


def _register_optional(app: Flask, name: str) -> None:
    import importlib
    module = importlib.import_module(f"web.{name}")
    app.register_blueprint(module.blueprint)
