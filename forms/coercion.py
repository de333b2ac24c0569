"""Turn an HTML form post (every value a string, or a list of strings) into typed data.

Never raises: a value that cannot be converted is left as the (stripped) string so that
validation reports it in Indonesian. Rules:
- strings are stripped; an empty string means "no answer" and the key is left out;
- ``integer``/``number`` properties: decimal text becomes int/float;
- ``boolean`` properties: "on", "true", "1", "ya" -> True; "off", "false", "0", "tidak" -> False;
  a checkbox-widget boolean absent from the post is False (browsers do not send unchecked boxes);
- ``array`` properties keep every non-empty value, each converted per ``items``;
- a scalar property posted several times keeps the list (validation then reports it);
- names the schema does not know are passed through, so validation reports them: the web layer
  must drop its own control fields (e.g. ``csrf_token``) before calling ``coerce``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["coerce_data"]

_TRUE = {"on", "true", "1", "ya", "yes"}
_FALSE = {"off", "false", "0", "tidak", "no"}
_INT_RE = re.compile(r"^[+-]?\d{1,18}$")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")


def _types(prop: Mapping[str, Any]) -> list[str]:
    declared = prop.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    return []


def _scalar(value: str, types: list[str]) -> Any:
    if "boolean" in types:
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    if "integer" in types and _INT_RE.match(value):
        return int(value)
    if "number" in types and _NUMBER_RE.match(value):
        if "." in value or "," in value:
            return float(value.replace(",", "."))
        return int(value)
    return value


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _strip_all(values: list[Any]) -> list[Any]:
    out = []
    for value in values:
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        if value is None:
            continue
        out.append(value)
    return out


def _is_checkbox(name: str, prop: Mapping[str, Any], widgets: Mapping[str, Any]) -> bool:
    if "boolean" not in _types(prop):
        return False
    spec = widgets.get(name)
    widget = spec.get("widget") if isinstance(spec, Mapping) else None
    return widget in (None, "checkbox")


def coerce_data(schema: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    properties: Mapping[str, Any] = schema.get("properties", {}) or {}
    x_ui = schema.get("x-ui") if isinstance(schema.get("x-ui"), Mapping) else {}
    widgets: Mapping[str, Any] = x_ui.get("fields", {}) or {}
    out: dict[str, Any] = {}
    try:
        items = list(raw.items())
    except Exception:  # not a mapping at all: leave it to validate() to say so
        return {}
    for name, value in items:
        values = _strip_all(_as_list(value))
        if not values:
            continue
        prop = properties.get(name)
        if not isinstance(prop, Mapping):
            out[name] = values[0] if len(values) == 1 else values
            continue
        types = _types(prop)
        if "array" in types:
            item_schema = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
            item_types = _types(item_schema)
            out[name] = [_scalar(v, item_types) if isinstance(v, str) else v for v in values]
            continue
        if "boolean" in types and len(values) > 1:
            # hidden "off" + checkbox "on" pattern: any true value wins
            converted = [_scalar(v, types) if isinstance(v, str) else v for v in values]
            if all(isinstance(v, bool) for v in converted):
                out[name] = any(converted)
                continue
        if len(values) > 1:
            out[name] = values
            continue
        single = values[0]
        out[name] = _scalar(single, types) if isinstance(single, str) else single
    for name, prop in properties.items():
        if name not in out and isinstance(prop, Mapping) and _is_checkbox(name, prop, widgets):
            out[name] = False
    return out
