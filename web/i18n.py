"""Language: Indonesian by default everywhere (Perpres 63/2019), English by an explicit switch.

Message ids are the Indonesian text itself, so the default language never depends on a catalog
being complete; web/translations/en holds the English catalog.
"""
from __future__ import annotations

from flask import Blueprint, redirect, request, session

from web.security import safe_next

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

blueprint = Blueprint("i18n", __name__)


def select_locale() -> str:
    # Deliberately not the browser's Accept-Language: the law makes Indonesian the default.
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@blueprint.post("/bahasa")
def set_language():
    lang = request.form.get("lang", DEFAULT_LANGUAGE)
    session["lang"] = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return redirect(safe_next(request.form.get("next")))
