"""Public ticket codes: short enough to read aloud, long enough not to be guessed.

Ten symbols from a 31-letter alphabet without look-alikes (0/O, 1/I/L) give about 49 bits;
with the tracking page's rate limit, guessing a live code is out of reach.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 10
_PATTERN = re.compile(rf"^[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}$")


def new_ticket_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_ticket_code(text: str) -> str | None:
    """Accept what a visitor types (lower case, spaces, no dash); None when it cannot be a code."""
    cleaned = re.sub(r"[\s-]", "", text or "").upper()
    if len(cleaned) != _LENGTH:
        return None
    code = f"{cleaned[:5]}-{cleaned[5:]}"
    return code if _PATTERN.match(code) else None
