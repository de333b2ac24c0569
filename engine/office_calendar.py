"""The office's calendar: WIB days and Indonesian dates, for the engine's own texts and periods.

WIB is UTC+7 all year (Indonesia keeps no daylight saving), so a fixed offset is exact. Stored
moments are UTC; a period of whole office days is [start 00.00 WIB, the day after end 00.00 WIB).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def wib_day(moment: datetime) -> date:
    """The office's calendar day of an aware moment."""
    return moment.astimezone(WIB).date()


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00.00 WIB, the day after end 00.00 WIB) as aware UTC moments (what is stored)."""
    since = datetime.combine(start, time(0), WIB).astimezone(timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time(0), WIB).astimezone(timezone.utc)
    return since, until


def day_text(day: date) -> str:
    """'1 Desember 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
