"""Language: Indonesian by default everywhere (Perpres 63/2019), English by an explicit switch.

Message ids are the Indonesian text itself, so the default language never depends on a catalog
being complete; web/translations/en holds the English catalog.
"""
from __future__ import annotations

from flask import Blueprint, g, redirect, request, session
from flask_babel import get_translations

from web.security import safe_next

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

blueprint = Blueprint("i18n", __name__)


def select_locale() -> str:
    # Deliberately not the browser's Accept-Language: the law makes Indonesian the default.
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def install_request_translations(app) -> None:
    """Templates' _() and ngettext() with the request's catalog looked up once per request.

    Flask-Babel's own callables look it up again for every message (three trips through g and the
    locale formatted each time): a task page shows about fifty. The locale is fixed for a request
    (Flask-Babel keeps it in g as well), so the catalog is too; the messages are the same."""
    def translations():
        try:
            return g._alur_translations
        except AttributeError:
            found = g._alur_translations = get_translations()
            return found
        except RuntimeError:  # no application context: Flask-Babel's answer (no translations)
            return get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n))


@blueprint.post("/bahasa")
def set_language():
    lang = request.form.get("lang", DEFAULT_LANGUAGE)
    session["lang"] = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return redirect(safe_next(request.form.get("next")))
