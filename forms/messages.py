"""A Babel extractor for the form schemas, so their labels, help texts, option titles and
validation messages reach the translation catalogs like any template string.

Used by babel.cfg (the `form_schema` extractor). The
Indonesian text is the message id: the web renders `_(label)`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from . import formats, validation

_TEXT_KEYS = ("title", "description", "help")


def _strings(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, str) and value.strip():
                yield value
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def extract_schema_strings(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    schema = json.load(fileobj)
    seen = set()
    for text in _strings(schema):
        if text not in seen:
            seen.add(text)
            yield 1, "gettext", text, []
    # The fixed validation messages live in code, not in the schemas; any schema file will do
    # to carry them into the catalog once.
    for module in (validation, formats):
        for name in dir(module):
            value = getattr(module, name)
            texts = value.values() if isinstance(value, dict) else [value]
            for text in texts if name.startswith("MSG_") else []:
                if isinstance(text, str) and "{" not in text and text not in seen:
                    seen.add(text)
                    yield 1, "gettext", text, []
