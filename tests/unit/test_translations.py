"""The English catalog keeps up with the code: every message the web can show (templates, web/
Python, form schemas) has a reviewed English translation that keeps its placeholders.

The messages are extracted afresh with babel.cfg, exactly as `make messages` does, so a string
added to a template without a translation fails here instead of showing Indonesian in English mode.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The Makefile's `messages` target adds these two keywords to babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
# Walking node_modules or the virtualenv would only cost time: babel.cfg matches none of them.
SKIPPED_DIRS = {"node_modules", "var", "test-artifacts", "bench-results"}


def _keep_dir(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith((".", "_")) or name in SKIPPED_DIRS or name.endswith(".egg-info"))


@pytest.fixture(scope="module")
def source_messages() -> dict[str, list[str]]:
    """Singular msgid -> the places that use it."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_keep_dir):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with open(PO, "rb") as po:
        return read_po(po, locale="en")


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_extraction_sees_all_three_sources(source_messages):
    # Guards the test itself: a broken method map would find nothing and pass vacuously.
    places = {place.split("/", 1)[0] for where in source_messages.values() for place in where}
    assert {"web", "forms"} <= places
    assert any(".html:" in place for where in source_messages.values() for place in where)
    assert "Wajib diisi." in source_messages  # a fixed validation message, via forms/messages.py


def test_catalog_header(catalog):
    assert str(catalog.locale) == "en"
    assert catalog.project == "Alur"
    assert catalog.num_plurals == 2


def test_every_message_has_an_english_translation(source_messages, catalog):
    problems = []
    for msgid, places in sorted(source_messages.items()):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing    {msgid!r}  ({', '.join(places[:3])})")
        elif message.fuzzy:
            problems.append(f"fuzzy      {msgid!r}  ({', '.join(places[:3])})")
        elif not all(form.strip() for form in _forms(message)):
            problems.append(f"untranslated {msgid!r}  ({', '.join(places[:3])})")
    assert not problems, (
        f"{len(problems)} message(s) lack an English translation in {PO.relative_to(ROOT)};"
        " run `make messages` and translate them:\n" + "\n".join(problems))


def test_no_translation_is_fuzzy_or_empty(catalog):
    # Also covers entries no longer extracted but still live in the compiled catalog.
    bad = [m.id for m in catalog if m.id and (m.fuzzy or not all(f.strip() for f in _forms(m)))]
    assert not bad


def test_translations_keep_the_placeholders(catalog):
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        forms = _forms(message)
        # English has two plural forms: the singular follows msgid, the plural msgid_plural.
        for source, translated in zip(ids, forms):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                problems.append(f"{source!r} -> {translated!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_catalog_passes_babels_format_checks(catalog):
    errors = [(message.id, [str(e) for e in errs]) for message, errs in catalog.check() if errs]
    assert not errors
