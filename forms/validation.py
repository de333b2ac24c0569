"""Validation of a submission against a form schema, with one Indonesian message per field."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as _JsonSchemaError

from .formats import FORMAT_PROBLEMS, NORMALISERS

__all__ = ["FORM_ERROR_KEY", "ValidationResult", "checking_schema", "option_pairs", "validate_data"]

# Key of form-level messages (not tied to one field) in ValidationResult.errors.
FORM_ERROR_KEY = "_form"

MSG_REQUIRED = "Wajib diisi."
MSG_MUST_CHECK = "Harus dicentang."
MSG_NOT_OBJECT = "Data formulir tidak valid: harus berupa pasangan nama isian dan nilai."
MSG_UNKNOWN = "Isian tidak dikenal: {names}."
MSG_INVALID = "Isian tidak valid."
MSG_TYPE = {
    "string": "Harus berupa teks.",
    "integer": "Harus berupa bilangan bulat.",
    "number": "Harus berupa angka.",
    "boolean": "Harus berupa pilihan ya atau tidak.",
    "array": "Harus berupa daftar pilihan.",
    "object": "Isian tidak valid.",
}

# Lower number wins when a field has several errors: the most basic problem is reported first.
_PRIORITY = {
    "required": 0,
    "type": 1,
    "format": 2,
    "const": 3,
    "enum": 3,
    "oneOf": 3,
    "anyOf": 3,
    "maxLength": 4,
    "minLength": 4,
    "maxItems": 4,
    "minItems": 4,
    "minimum": 5,
    "maximum": 5,
    "exclusiveMinimum": 5,
    "exclusiveMaximum": 5,
}
_CHOICE_VALIDATORS = {"type", "const", "enum", "oneOf", "anyOf", "minimum", "maximum"}


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of ``Form.validate``.

    ``data``: when valid, the cleaned submission (strings stripped, empty strings dropped,
    schema defaults filled in, NIK compacted, phone numbers in E.164, date-times with ``T``).
    When invalid, the stripped submission as received (no normalisation), handy to re-render
    the form; never store it.
    ``errors``: field name -> one Indonesian message; form-level problems under ``"_form"``.
    """

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def option_pairs(prop: Mapping[str, Any]) -> list[tuple[Any, str]]:
    """The (value, label) choices of a property: ``oneOf``/``anyOf`` consts with titles, or enum."""
    target = prop
    if prop.get("type") == "array" and isinstance(prop.get("items"), Mapping):
        target = prop["items"]
    for keyword in ("oneOf", "anyOf"):
        branches = target.get(keyword)
        if isinstance(branches, list) and branches and all(
            isinstance(b, Mapping) and "const" in b for b in branches
        ):
            return [(b["const"], str(b.get("title", b["const"]))) for b in branches]
    if isinstance(target.get("enum"), list):
        return [(v, str(v)) for v in target["enum"]]
    return []


def checking_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema the validator runs: each choice list written as oneOf-of-consts (so its labels
    live in the schema) becomes the equivalent enum. jsonschema tries every oneOf branch as a
    sub-schema, which made the survey form's validation three times slower; the verdict is the
    same, and messages are still written from the original schema's labels."""
    fast = copy.deepcopy(dict(schema))
    for prop in fast.get("properties", {}).values():
        target = prop.get("items") if prop.get("type") == "array" else prop
        if not isinstance(target, dict):
            continue
        for keyword in ("oneOf", "anyOf"):
            branches = target.get(keyword)
            if (isinstance(branches, list) and branches
                    and all(isinstance(b, Mapping) and set(b) <= {"const", "title", "description"} for b in branches)):
                del target[keyword]
                target["enum"] = [b["const"] for b in branches]
    return fast


def _must_be_true(prop: Mapping[str, Any]) -> bool:
    return prop.get("const") is True


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [v.strip() if isinstance(v, str) else v for v in value]
    return value


def _clean(data: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        value = _strip(value)
        if value == "" or value is None:
            continue  # an empty answer is no answer: "required" reports it
        cleaned[name] = value
    for name, prop in properties.items():
        if name not in cleaned and isinstance(prop, Mapping) and "default" in prop:
            cleaned[name] = copy.deepcopy(prop["default"])
    return cleaned


def _message(error: _JsonSchemaError, prop: Mapping[str, Any]) -> str:
    kind = error.validator
    if _must_be_true(prop) and kind in {"required", "const", "type"}:
        return MSG_MUST_CHECK
    if kind == "required":
        return MSG_REQUIRED
    options = option_pairs(prop)
    if options and kind in _CHOICE_VALIDATORS:
        return "Pilih salah satu: " + ", ".join(label for _, label in options) + "."
    if kind == "type":
        expected = error.validator_value
        expected = expected[0] if isinstance(expected, list) and expected else expected
        return MSG_TYPE.get(expected, MSG_INVALID)
    if kind == "format":
        problem = FORMAT_PROBLEMS.get(error.validator_value)
        if problem is not None and isinstance(error.instance, str):
            return problem(error.instance) or MSG_INVALID
        return MSG_INVALID
    if kind == "const":
        return f"Nilai harus: {error.validator_value}."
    if kind == "maxLength":
        return f"Terlalu panjang (maksimal {error.validator_value} karakter)."
    if kind == "minLength":
        return f"Terlalu pendek (minimal {error.validator_value} karakter)."
    if kind in {"minimum", "maximum"}:
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None and high is not None:
            return f"Harus antara {low} dan {high}."
        return f"Minimal {low}." if kind == "minimum" else f"Maksimal {high}."
    if kind == "exclusiveMinimum":
        return f"Harus lebih dari {error.validator_value}."
    if kind == "exclusiveMaximum":
        return f"Harus kurang dari {error.validator_value}."
    return MSG_INVALID


def _collect(
    errors: list[_JsonSchemaError],
    instance: Mapping[str, Any],
    properties: Mapping[str, Any],
) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}

    def offer(name: str, priority: int, message: str) -> None:
        if name not in best or priority < best[name][0]:
            best[name] = (priority, message)

    for error in errors:
        path = list(error.absolute_path)
        kind = error.validator
        if not path:
            if kind == "required":
                # One error per missing name; a "then" branch of if/then lands here too.
                for name in error.validator_value:
                    if name not in instance:
                        prop = properties.get(name, {})
                        offer(name, 0, _message(error, prop))
            elif kind == "additionalProperties":
                unknown = sorted(str(k) for k in instance if k not in properties)
                offer(FORM_ERROR_KEY, 0, MSG_UNKNOWN.format(names=", ".join(unknown)))
            else:
                offer(FORM_ERROR_KEY, 9, MSG_INVALID)
            continue
        name = str(path[0])
        prop = properties.get(name, {})
        offer(name, _PRIORITY.get(kind, 9), _message(error, prop))
    return {name: message for name, (_, message) in best.items()}


def _normalise(data: dict[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    for name, value in data.items():
        prop = properties.get(name)
        if isinstance(prop, Mapping) and isinstance(value, str):
            normaliser = NORMALISERS.get(prop.get("format", ""))
            if normaliser is not None:
                data[name] = normaliser(value)
    return data


def validate_data(validator: Draft202012Validator, data: Any, schema: Mapping[str, Any] | None = None) -> ValidationResult:
    """Validate ``data`` with a prepared validator (schema with format checker); messages and field
    order come from ``schema``, the form as written (default: the validator's own schema)."""
    schema = validator.schema if schema is None else schema
    properties: Mapping[str, Any] = schema.get("properties", {})
    if not isinstance(data, Mapping):
        return ValidationResult(data={}, errors={FORM_ERROR_KEY: MSG_NOT_OBJECT})
    cleaned = _clean(data, properties)
    errors = _collect(list(validator.iter_errors(cleaned)), cleaned, properties)
    if errors:
        # form-level message first, then fields in the order the form shows them
        order = list((schema.get("x-ui") or {}).get("order") or properties)
        rank = {name: i for i, name in enumerate([FORM_ERROR_KEY, *order])}
        errors = dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(rank))))
        return ValidationResult(data=cleaned, errors=errors)
    return ValidationResult(data=_normalise(cleaned, properties), errors={})
