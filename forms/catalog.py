"""The form catalog: loads, checks and serves the JSON Schema forms of the SOP's user tasks."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .coercion import coerce_data
from .definition import FORMAT_CHECKER, WIDGETS, FormDefinitionError, check_definition
from .validation import ValidationResult, checking_schema, option_pairs, validate_data

__all__ = [
    "SCHEMA_DIR",
    "WIDGETS",
    "Field",
    "Form",
    "FormCatalog",
    "FormDefinitionError",
    "UnknownFormError",
    "default_catalog",
]

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


class UnknownFormError(KeyError):
    """No form with this key in the catalog."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(key)

    def __str__(self) -> str:
        return f"Formulir tidak dikenal: {self.key!r}."


@dataclass(frozen=True)
class Field:
    """One input of a form, as the web layer renders it (in ``x-ui.order``)."""

    name: str
    label: str
    widget: str
    help: str
    required: bool
    options: list[tuple[Any, str]]
    personal: bool
    type: str = "string"
    default: Any = None
    max_length: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    format: str | None = None
    # {field: value} when the field is required only if another field has that value (if/then)
    required_when: dict[str, Any] = field(default_factory=dict)


def _conditional_requirements(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Map field -> {other_field: value} from ``allOf`` items of the form
    ``{"if": {"properties": {other: {"const": value}}}, "then": {"required": [field]}}``."""
    found: dict[str, dict[str, Any]] = {}
    for rule in schema.get("allOf", []) or []:
        if not isinstance(rule, Mapping):
            continue
        cond = (rule.get("if") or {}).get("properties") or {}
        then_required = (rule.get("then") or {}).get("required") or []
        consts = {k: v["const"] for k, v in cond.items() if isinstance(v, Mapping) and "const" in v}
        for name in then_required:
            found.setdefault(name, {}).update(consts)
    return found


class Form:
    """One form: its schema, UI order, personal fields, coercion and validation."""

    def __init__(self, key: str, schema: Mapping[str, Any], *, source: str | None = None):
        schema = copy.deepcopy(dict(schema))
        check_definition(source or key, schema)
        self.key = key
        self.schema: dict[str, Any] = schema
        self.title: str = schema["title"]
        self.description: str = schema["description"]
        self.sop_step: str = str(schema["x-sop-step"])
        self.order: list[str] = list(schema["x-ui"]["order"])
        props = schema["properties"]
        self.personal_fields: frozenset[str] = frozenset(
            n for n, p in props.items() if p.get("x-personal") is True
        )
        self.required_fields: frozenset[str] = frozenset(schema.get("required", []))
        self._validator = Draft202012Validator(checking_schema(schema), format_checker=FORMAT_CHECKER)
        self._fields: list[Field] | None = None

    def __repr__(self) -> str:
        return f"Form({self.key!r}, langkah {self.sop_step})"

    def validate(self, data: Mapping[str, Any]) -> ValidationResult:
        return validate_data(self._validator, data, self.schema)

    def coerce(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        return coerce_data(self.schema, raw)

    def fields(self) -> list[Field]:
        """The inputs in x-ui order. Built once (a page asks for them several times; a Form does not
        change once made): a new list of the same Field objects each call."""
        if self._fields is None:
            self._fields = self._build_fields()
        return list(self._fields)

    def _build_fields(self) -> list[Field]:
        props = self.schema["properties"]
        ui = self.schema["x-ui"]["fields"]
        conditional = _conditional_requirements(self.schema)
        out = []
        for name in self.order:
            prop = props[name]
            declared = prop.get("type", "string")
            out.append(
                Field(
                    name=name,
                    label=prop["title"],
                    widget=ui[name]["widget"],
                    help=ui[name].get("help", ""),
                    required=name in self.required_fields,
                    options=option_pairs(prop),
                    personal=name in self.personal_fields,
                    type=declared if isinstance(declared, str) else declared[0],
                    default=copy.deepcopy(prop.get("default")),
                    max_length=prop.get("maxLength"),
                    minimum=prop.get("minimum"),
                    maximum=prop.get("maximum"),
                    format=prop.get("format"),
                    required_when=conditional.get(name, {}),
                )
            )
        return out


class FormCatalog:
    """Every form of a directory (``<form_key>.json``), checked when the catalog is built."""

    def __init__(self, directory: str | Path):
        path = Path(directory)
        if not path.is_dir():
            raise FormDefinitionError(str(path), "direktori formulir tidak ditemukan")
        files = sorted(path.glob("*.json"))
        if not files:
            raise FormDefinitionError(str(path), "tidak ada berkas *.json")
        forms: dict[str, Form] = {}
        for file in files:
            try:
                schema = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise FormDefinitionError(file.name, f"JSON tidak dapat dibaca: {exc}") from exc
            forms[file.stem] = Form(file.stem, schema, source=file.name)
        self._forms = forms

    @classmethod
    def from_schemas(cls, schemas: Mapping[str, Mapping[str, Any]]) -> FormCatalog:
        """Build from already-loaded schemas (e.g. a definition version's pinned snapshot)."""
        catalog = cls.__new__(cls)
        catalog._forms = {key: Form(key, schema) for key, schema in schemas.items()}
        return catalog

    def keys(self) -> list[str]:
        """Form keys in SOP order (step number, then key)."""

        def step_key(key: str) -> tuple[int, str, str]:
            step = self._forms[key].sop_step
            return (int(step) if step.isdigit() else 10**6, step, key)

        return sorted(self._forms, key=step_key)

    def by_key(self) -> dict[str, Form]:
        """{form key: Form} in SOP order: a new dict each call, of the catalog's own (shared) forms."""
        ordered = getattr(self, "_ordered", None)
        if ordered is None:
            ordered = self._ordered = {key: self._forms[key] for key in self.keys()}
        return dict(ordered)

    def get(self, key: str) -> Form:
        try:
            return self._forms[key]
        except (KeyError, TypeError):
            raise UnknownFormError(key) from None

    def __getitem__(self, key: str) -> Form:
        return self.get(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._forms

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._forms)

    def schemas(self) -> dict[str, dict[str, Any]]:
        """Deep copies of the raw schemas, keyed by form key, for snapshotting."""
        return {key: copy.deepcopy(self._forms[key].schema) for key in self.keys()}

    def shared_field_names(self) -> dict[str, list[str]]:
        """Field names used by more than one form -> the forms using them (task data is flat)."""
        users: dict[str, list[str]] = {}
        for key in self.keys():
            for name in self._forms[key].order:
                users.setdefault(name, []).append(key)
        return {name: keys for name, keys in users.items() if len(keys) > 1}


def default_catalog() -> FormCatalog:
    """The catalog of the forms shipped with the package (forms/schemas)."""
    return FormCatalog(SCHEMA_DIR)
