"""The web front end: a Flask app factory and one blueprint per audience.

web/ talks to the engine only through engine.facade.Alur; it never imports SpiffWorkflow or
SQLAlchemy (an import-linter contract enforces it).
"""
from __future__ import annotations

from flask import Flask

from engine.facade import Alur


def create_app(alur: Alur | None = None, config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(config or {})
    app.extensions["alur"] = alur or Alur()

    from web import health
    app.register_blueprint(health.blueprint)
    return app
