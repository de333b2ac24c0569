"""The periods of the SLA and SKM reports: a date range in the office's calendar (WIB), checked
with Indonesian messages, and cut into buckets (WIB days, ISO weeks, months, quarters, years).

Pure: no database. A report's range is whole WIB days, [start 00.00 WIB, end + 1 day 00.00 WIB),
and each recorded moment belongs to the WIB day it fell on: 16.30 UTC on 31 May is 23.30 WIB and
counts in May, 17.30 UTC on 31 May is 00.30 WIB on 1 June and counts in June.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.errors import InvalidData
from engine.office_calendar import day_text

MAX_DAYS = 366  # one leap year; a longer range is refused, not silently cut
PERIODS = ("day", "week", "month", "quarter", "year")
PERIOD_WORDS = {"day": "hari", "week": "minggu", "month": "bulan", "quarter": "triwulan", "year": "tahun"}


@dataclass(frozen=True)
class Bucket:
    """One period of a report: its key ("2026-05-03", "2026-W18", "2026-05", "2026-Q2", "2026"),
    its own first and last day, and whether the report's range covers only part of it."""
    key: str
    start: date
    end: date
    partial: bool = False


def check_range(start, end, period: str, allowed: tuple[str, ...], today: date) -> None:
    """Refuse a range a report cannot answer, every problem at once, keyed by the filter form's
    field names (dari, sampai, periode)."""
    errors: dict[str, str] = {}
    if period not in allowed:
        words = ", ".join(PERIOD_WORDS[p] for p in allowed)
        errors["periode"] = f"Periode harus salah satu dari: {words}."
    for name, value, label in (("dari", start, "awal"), ("sampai", end, "akhir")):
        if not isinstance(value, date) or isinstance(value, datetime):
            errors[name] = f"Tanggal {label} wajib diisi sebagai tanggal (TTTT-BB-HH)."
    if "dari" not in errors and "sampai" not in errors:
        if start > end:
            errors["sampai"] = (f"Tanggal akhir ({day_text(end)}) jatuh sebelum tanggal awal ({day_text(start)}); "
                                f"tukar keduanya.")
        elif (end - start).days + 1 > MAX_DAYS:
            errors["sampai"] = (f"Rentang laporan paling panjang {MAX_DAYS} hari; yang diminta "
                                f"{(end - start).days + 1} hari. Persempit rentangnya.")
        if start > today:
            errors["dari"] = f"Tanggal awal ({day_text(start)}) belum tiba; belum ada data untuk dilaporkan."
    if errors:
        raise InvalidData(errors, "Saringan laporan tidak sah.")


def bucket_of(day: date, period: str) -> Bucket:
    if period == "day":
        return Bucket(day.isoformat(), day, day)
    if period == "week":  # ISO 8601 weeks: Monday to Sunday, numbered by the year of their Thursday
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return Bucket(f"{year}-W{week:02d}", monday, monday + timedelta(days=6))
    if period == "month":
        first = day.replace(day=1)
        return Bucket(f"{day.year}-{day.month:02d}", first, _next_month(first) - timedelta(days=1))
    if period == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        last = _next_month(date(day.year, 3 * quarter, 1)) - timedelta(days=1)
        return Bucket(f"{day.year}-Q{quarter}", first, last)
    if period == "year":
        return Bucket(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown period {period!r}")


def buckets(start: date, end: date, period: str) -> list[Bucket]:
    """Every bucket the range touches, in order, empty ones included (a chart's axis has no
    holes); the first and last are marked partial when the range covers only part of them."""
    out: list[Bucket] = []
    day = start
    while day <= end:
        bucket = bucket_of(day, period)
        partial = bucket.start < start or bucket.end > end
        out.append(Bucket(bucket.key, bucket.start, bucket.end, partial))
        day = bucket.end + timedelta(days=1)
    return out


class BucketMap:
    """WIB day -> bucket key, remembered per day: a report maps thousands of rows onto a few days."""

    def __init__(self, period: str):
        self.period = period
        self._keys: dict[str, str] = {}

    def key(self, day_iso: str) -> str:
        key = self._keys.get(day_iso)
        if key is None:
            key = self._keys[day_iso] = bucket_of(date.fromisoformat(day_iso), self.period).key
        return key


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
