"""Text from variables (labels, errors) is escaped even when it goes through the translations."""
from __future__ import annotations

from web.formatting import translate


def test_translated_variable_text_is_escaped_in_templates(app):
    with app.test_request_context("/"):
        template = app.jinja_env.from_string("{{ message|translate }}")
        html = template.render(message='<img src=x onerror="alert(1)"> 100%')
    assert "<img" not in html and "&lt;img" in html and "100%" in html


def test_translate_keeps_empty_values(app):
    with app.test_request_context("/"):
        assert translate(None) is None and translate("") == ""
