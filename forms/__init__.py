"""Alur forms: one JSON Schema (2020-12) per SOP user task, with Indonesian UI hints and messages.

No web, engine, SpiffWorkflow or SQL imports here (an import-linter contract enforces it).

    catalog = FormCatalog(SCHEMA_DIR)            # or default_catalog(), or FormCatalog.from_schemas()
    form = catalog.get("screening_pengunjung")
    result = form.validate(form.coerce(request_form_without_csrf))
    if result.ok: store(result.data) else: show(result.errors)
"""

from .catalog import (
    SCHEMA_DIR,
    WIDGETS,
    Field,
    Form,
    FormCatalog,
    FormDefinitionError,
    UnknownFormError,
    default_catalog,
)
from .validation import FORM_ERROR_KEY, ValidationResult

# Field names deliberately shared by two forms. Task data is one flat dict per case, so names are
# unique across forms except these two, used by the mutually exclusive step-7 branches
# (layanan_konsultasi / layanan_progres): only one of them runs in a case, and in both the field
# means the same thing (identity matched against the screening data; the staff's telaahan).
SHARED_FIELD_NAMES = frozenset({"identitas_dicocokkan", "telaahan"})

__all__ = [
    "FORM_ERROR_KEY",
    "SCHEMA_DIR",
    "SHARED_FIELD_NAMES",
    "WIDGETS",
    "Field",
    "Form",
    "FormCatalog",
    "FormDefinitionError",
    "UnknownFormError",
    "ValidationResult",
    "default_catalog",
]
