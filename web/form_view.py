"""Between an HTML form post and a forms.Form: raw values in, coerced data or field errors out.

The form definitions live in forms/ (JSON Schema); this only adapts what a browser sends: every
value is a string, several for multi-valued fields, and our own control fields ride along.
"""
from __future__ import annotations

from collections.abc import Mapping

CONTROL_FIELDS = frozenset({"csrf_token", "action", "revision"})


def raw_values(posted) -> dict[str, list[str]]:
    """A request.form (MultiDict) as {field: [values]}, without csrf_token and our controls."""
    return {name: posted.getlist(name) for name in posted.keys() if name not in CONTROL_FIELDS}


def values_for_display(raw: Mapping | None, form) -> dict[str, list[str]]:
    """What each input shows: the raw values when there are some (a draft, a refused post),
    otherwise the schema's defaults."""
    if raw:
        return {name: [str(v) for v in (value if isinstance(value, list) else [value])]
                for name, value in raw.items()}
    shown = {}
    for field in form.fields():
        if field.default is not None:
            shown[field.name] = ["true" if field.default is True else str(field.default)]
    return shown


def check(form, raw: Mapping[str, list[str]]) -> tuple[dict, dict[str, str]]:
    """(data, {}) when valid, else (coerced, errors) with one Indonesian message per field."""
    coerced = form.coerce(raw)
    result = form.validate(coerced)
    return (result.data, {}) if result.ok else (coerced, dict(result.errors))
