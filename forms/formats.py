"""String formats used by the form schemas: checks, Indonesian messages and normalisers.

Each format has a *problem* function returning ``None`` when the value is fine and an Indonesian
message otherwise, so the format checker and the error messages share one source of truth.

- ``nik``: Indonesian NIK (16 digits PP KK CC DDMMYY NNNN) checked with ``stdnum.id.nik`` plus the
  day rule of domain.md (01-31, or 41-71 for women). Spaces, dots and dashes are tolerated on
  input and removed when the form is cleaned.
- ``phone-id``: an Indonesian mobile or fixed-line number (08.., +628.., 628.., 021..), checked
  with ``phonenumbers`` (region ID) and normalised to E.164 (+62...).
- ``email``: a plain address (local@domain.tld); jsonschema's own check only looks for an "@".
- ``date``: ``YYYY-MM-DD`` (what an HTML date input posts).
- ``date-time``: ISO 8601 local date and time as an HTML ``datetime-local`` input posts it
  (``YYYY-MM-DDTHH:MM``), optionally with seconds and a UTC offset; a space instead of ``T`` is
  accepted and normalised to ``T``. A value without an offset is office-local time.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable

import phonenumbers
from jsonschema import FormatChecker
from stdnum import exceptions as _stdnum_exc
from stdnum.id import nik as _nik

__all__ = [
    "FORMAT_PROBLEMS",
    "NORMALISERS",
    "build_format_checker",
    "date_problem",
    "datetime_problem",
    "email_problem",
    "nik_problem",
    "normalise_phone",
    "phone_problem",
]

MSG_NIK_SHAPE = "NIK harus 16 digit angka."
MSG_NIK_INVALID = "NIK tidak valid: tanggal lahir atau kode wilayah salah."
MSG_PHONE = "Nomor telepon tidak valid. Contoh: 0812-3456-7890."
MSG_EMAIL = "Alamat email tidak valid. Contoh: nama@contoh.go.id."
MSG_DATE = "Tanggal tidak valid. Gunakan format TTTT-BB-HH, contoh: 2024-07-10."
MSG_DATETIME = "Tanggal dan jam tidak valid. Gunakan format TTTT-BB-HH JJ:MM, contoh: 2024-07-10 09:30."

_NIK_SEPARATORS = re.compile(r"[\s.\-]")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]")
_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?$"
)


# --- NIK -------------------------------------------------------------------------------------

def compact_nik(value: str) -> str:
    return _NIK_SEPARATORS.sub("", value)


def nik_problem(value: str) -> str | None:
    number = compact_nik(value)
    if not (len(number) == 16 and number.isascii() and number.isdigit()):
        return MSG_NIK_SHAPE
    day, month = int(number[6:8]), int(number[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        return MSG_NIK_INVALID
    try:
        _nik.validate(number)  # birth date exists, known province/regency code
    except _stdnum_exc.ValidationError:
        return MSG_NIK_INVALID
    return None


# --- Phone -----------------------------------------------------------------------------------

def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    text = _PHONE_SEPARATORS.sub("", value)
    if text.startswith("62"):
        text = "+" + text
    if not re.fullmatch(r"\+?\d{6,16}", text):
        return None
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return None
    if (
        number.country_code != 62
        or not phonenumbers.is_valid_number_for_region(number, "ID")
        or phonenumbers.number_type(number) not in _PHONE_TYPES
    ):
        return None
    return number


def phone_problem(value: str) -> str | None:
    return None if _parse_phone(value) is not None else MSG_PHONE


def normalise_phone(value: str) -> str:
    """E.164 form of a valid Indonesian number; the input unchanged if it is not valid."""
    number = _parse_phone(value)
    if number is None:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- E-mail, dates ---------------------------------------------------------------------------

def email_problem(value: str) -> str | None:
    local = value.rsplit("@", 1)[0]
    if len(value) > 254 or len(local) > 64 or not _EMAIL_RE.match(value):
        return MSG_EMAIL
    return None


def date_problem(value: str) -> str | None:
    if not _DATE_RE.match(value):
        return MSG_DATE
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return MSG_DATE
    return None


def datetime_problem(value: str) -> str | None:
    if not _DATETIME_RE.match(value):
        return MSG_DATETIME
    try:
        _dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return MSG_DATETIME
    return None


def _normalise_datetime(value: str) -> str:
    return value.replace(" ", "T", 1)


FORMAT_PROBLEMS: dict[str, Callable[[str], str | None]] = {
    "nik": nik_problem,
    "phone-id": phone_problem,
    "email": email_problem,
    "date": date_problem,
    "date-time": datetime_problem,
}

# Applied to the cleaned data of a valid submission only.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "nik": compact_nik,
    "phone-id": normalise_phone,
    "date-time": _normalise_datetime,
}


def _checker(problem: Callable[[str], str | None]) -> Callable[[object], bool]:
    def check(instance: object) -> bool:
        # Formats only constrain strings; other types are the "type" keyword's business.
        return not isinstance(instance, str) or problem(instance) is None

    return check


def build_format_checker() -> FormatChecker:
    """jsonschema's default FormatChecker with the project's formats added or replaced."""
    checker = FormatChecker()
    for name, problem in FORMAT_PROBLEMS.items():
        checker.checks(name)(_checker(problem))
    return checker
