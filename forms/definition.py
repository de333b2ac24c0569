"""Structural checks of a form definition (a JSON Schema 2020-12 document with UI hints)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .formats import build_format_checker
from .validation import option_pairs

__all__ = ["DIALECT", "WIDGETS", "FormDefinitionError", "check_definition", "FORMAT_CHECKER"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
WIDGETS = frozenset(
    {"text", "textarea", "select", "radio", "checkbox", "date", "time", "datetime", "tel", "number"}
)
_CHOICE_WIDGETS = {"select", "radio"}
FORMAT_CHECKER = build_format_checker()


class FormDefinitionError(ValueError):
    """A form file or schema is broken. ``source`` names the file (or key), ``problem`` says why."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"Definisi formulir tidak valid ({source}): {problem}")


def check_definition(source: str, schema: Any) -> None:
    """Raise FormDefinitionError unless ``schema`` is a well-formed form definition."""

    def fail(problem: str) -> None:
        raise FormDefinitionError(source, problem)

    if not isinstance(schema, dict):
        fail("isi berkas harus berupa objek JSON")
    if schema.get("$schema") != DIALECT:
        fail(f"$schema harus {DIALECT!r}")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(akar)"
        fail(f"bukan JSON Schema 2020-12 yang sah di {where}: {exc.message}")
    if schema.get("type") != "object":
        fail('"type" harus "object"')
    for key in ("title", "description"):
        if not isinstance(schema.get(key), str) or not schema[key].strip():
            fail(f'"{key}" wajib berisi teks')
    if schema.get("additionalProperties") is not False:
        fail('"additionalProperties" harus false')
    step = schema.get("x-sop-step")
    if not isinstance(step, (str, int)) or isinstance(step, bool) or not str(step).strip():
        fail('"x-sop-step" wajib diisi (nomor langkah SOP)')
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        fail('"properties" wajib berisi paling sedikit satu isian')
    unknown_required = [n for n in schema.get("required", []) if n not in properties]
    if unknown_required:
        fail(f'"required" menyebut isian yang tidak ada: {", ".join(unknown_required)}')
    for name, prop in properties.items():
        if not isinstance(prop, dict) or not isinstance(prop.get("title"), str):
            fail(f'isian {name!r} wajib punya "title"')
        if prop.get("type") == "string" and not option_pairs(prop) and "const" not in prop:
            if not isinstance(prop.get("maxLength"), int):
                fail(f'isian teks {name!r} wajib punya "maxLength"')
        fmt = prop.get("format")
        if fmt is not None and fmt not in FORMAT_CHECKER.checkers:
            fail(f"isian {name!r} memakai format yang tidak dikenal: {fmt!r}")
    x_ui = schema.get("x-ui")
    if not isinstance(x_ui, dict):
        fail('"x-ui" wajib ada')
    order = x_ui.get("order")
    if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
        fail('"x-ui.order" harus berupa daftar nama isian')
    duplicates = sorted({n for n in order if order.count(n) > 1})
    if duplicates:
        fail(f'"x-ui.order" menyebut isian lebih dari sekali: {", ".join(duplicates)}')
    missing = [n for n in properties if n not in order]
    if missing:
        fail(f'"x-ui.order" tidak mencakup isian: {", ".join(missing)}')
    extra = [n for n in order if n not in properties]
    if extra:
        fail(f'"x-ui.order" menyebut isian yang tidak ada: {", ".join(extra)}')
    fields = x_ui.get("fields")
    if not isinstance(fields, dict):
        fail('"x-ui.fields" wajib ada')
    for name in properties:
        spec = fields.get(name)
        if not isinstance(spec, dict) or spec.get("widget") not in WIDGETS:
            fail(f'"x-ui.fields.{name}.widget" wajib salah satu dari: {", ".join(sorted(WIDGETS))}')
        if not isinstance(spec.get("help"), str) or not spec["help"].strip():
            fail(f'"x-ui.fields.{name}.help" wajib berisi teks bantuan')
        if spec["widget"] in _CHOICE_WIDGETS and not option_pairs(properties[name]):
            fail(f"isian {name!r} memakai widget {spec['widget']!r} tanpa pilihan (oneOf/enum)")
    stray = [n for n in fields if n not in properties]
    if stray:
        fail(f'"x-ui.fields" menyebut isian yang tidak ada: {", ".join(stray)}')
