"""Personal data on staff pages: shown in full only to the roles whose work needs it.

Personal fields are those the case's pinned forms mark x-personal. UPP Kementerian (screens the
visitor and tells them the decision) and UPP Unit Kerja (matches the visitor's identity at step 7)
need them; every other role (Sesdep, process owner, auditor, admin) sees them masked. The
visitor's name stays visible to all staff: every lane calls the visitor by name, and it is the
case's display name in every list anyway.

Mask format (what a masked page shows):
- NIK and telephone (fields with format "nik" or "phone-id"): the last four characters kept and
  the rest as "*"; a telephone keeps its "+62" too: "************0001", "+62*******7890". Four
  digits let staff match a caller to a case, not reach or identify them.
- every other personal value (alamat, email, free text): "•••", whatever its length, so even the
  length tells nothing.
Empty values stay empty: there is nothing to hide and the page can say "not filled in".
"""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from weakref import WeakKeyDictionary

from engine.case import DISPLAY_NAME_FIELD, Actor
from engine.context import EngineContext
from engine.views import CaseView, EventRecord

PERSONAL_DATA_ROLES = frozenset({"upp_kementerian", "upp_unit_kerja"})
VISIBLE_TO_STAFF = frozenset({DISPLAY_NAME_FIELD})
HIDDEN = "•••"
_KEEP_LAST_FOUR_FORMATS = frozenset({"nik", "phone-id"})
_KEPT_PREFIX = "+62"

# Pinned catalog -> {personal field: keeps its last four}. Keyed by the catalog object that
# ctx.pinned_forms caches per definition id, so two databases (two contexts) never share an entry.
_fields_cache: WeakKeyDictionary = WeakKeyDictionary()
_fields_lock = threading.Lock()


def needs_personal_data(actor: Actor) -> bool:
    return bool(actor.roles & PERSONAL_DATA_ROLES)


def mask_case(ctx: EngineContext, case: CaseView, actor: Actor) -> CaseView:
    """The case as this actor may see it: unchanged for the roles that need personal data."""
    if needs_personal_data(actor):
        return case
    return _masked(case, personal_fields(ctx, case.definition_id), VISIBLE_TO_STAFF)


def mask_for_visitor(ctx: EngineContext, case: CaseView) -> CaseView:
    """For the public pages: every personal value masked, the name too, and no task list or
    history (they name staff and the visitor's page shows neither)."""
    masked = _masked(case, personal_fields(ctx, case.definition_id), frozenset())
    return replace(masked, display_name=HIDDEN if case.display_name else None, tasks=[], events=[])


def mask_events(ctx: EngineContext, events: list[EventRecord], actor: Actor, instance_id: int) -> list[EventRecord]:
    """A case's history as this actor may see it (the case's definition gives the fields' formats)."""
    if needs_personal_data(actor) or not any(e.personal for e in events):
        return events
    fields = personal_fields(ctx, _definition_of(ctx, instance_id))
    return [_masked_event(e, fields, VISIBLE_TO_STAFF) for e in events]


def personal_fields(ctx: EngineContext, definition_id: int | None) -> dict[str, bool]:
    """{name: keeps its last four} for every x-personal field of the definition's pinned forms."""
    if definition_id is None:
        return {}
    definition = ctx.compiled.definition(definition_id, lambda: _definition_row(ctx, definition_id))
    if definition is None:
        return {}
    catalog = ctx.pinned_forms(definition)
    fields = _fields_cache.get(catalog)
    if fields is None:
        fields = {}
        for key in catalog.keys():
            form = catalog.get(key)
            for name in form.personal_fields:
                keeps = form.schema["properties"][name].get("format") in _KEEP_LAST_FOUR_FORMATS
                fields[name] = fields.get(name, False) or keeps
        with _fields_lock:
            _fields_cache[catalog] = fields
    return fields


def mask_value(value, keeps_last_four: bool):
    if value is None or value == "":
        return value
    text = str(value)
    if keeps_last_four and len(text) > 4:
        prefix = _KEPT_PREFIX if text.startswith(_KEPT_PREFIX) and len(text) > len(_KEPT_PREFIX) + 4 else ""
        return prefix + "*" * (len(text) - len(prefix) - 4) + text[-4:]
    return HIDDEN


def _definition_of(ctx: EngineContext, instance_id: int) -> int | None:
    with ctx.uow(write=False) as uow:
        row = uow.instances.get(instance_id)
    return row.definition_id if row is not None else None


def _definition_row(ctx: EngineContext, definition_id: int):
    with ctx.uow(write=False) as uow:
        return uow.definitions.get(definition_id)


def _masked(case: CaseView, fields: dict[str, bool], visible: frozenset[str]) -> CaseView:
    return replace(case, data=_masked_dict(case.data, fields, visible),
                   events=[_masked_event(e, fields, visible) for e in case.events], personal_masked=True)


def _masked_event(event: EventRecord, fields: dict[str, bool], visible: frozenset[str]) -> EventRecord:
    personal = event.personal
    if personal:
        # Everything in `personal` is personal by construction (the completion split it off),
        # even a name the current forms no longer mark: mask it all but the visible fields.
        personal = {name: value if name in visible else mask_value(value, fields.get(name, False))
                    for name, value in personal.items()}
    return replace(event, data=_masked_dict(event.data, fields, visible), personal=personal)


def _masked_dict(data: dict, fields: dict[str, bool], visible: frozenset[str]) -> dict:
    if not data:
        return data
    return {name: mask_value(value, fields[name]) if name in fields and name not in visible else value
            for name, value in data.items()}


def text_scrubber(values, *, name: str | None = None):
    """A function masking these personal values (and each word of the visitor's name, 3+
    letters) wherever they occur in a free text, whole words only, ignoring case: for texts
    that quote the visitor (step 5's message) once the values themselves are erased."""
    words = {str(v).strip() for v in values if isinstance(v, str) and len(v.strip()) >= 3}
    if name:
        words.update(word for word in name.split() if len(word) >= 3)
    if not words:
        return lambda text: text
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(HIDDEN, text)
