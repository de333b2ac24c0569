"""How the reports' figures read on the page, in the reader's language: durations in words,
decimals and percentages by the locale (88,9 % in Indonesian), periods by name."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_decimal, format_percent, gettext as _

from web.formatting import when

MUTU_BADGES = {"A": "badge-ok", "B": "badge-info", "C": "badge-warn", "D": "badge-bad"}


class Format:
    """Handed to the report templates as `fmt`."""

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "–"
        whole = int(round(seconds))
        if whole < 60:
            return _("%(s)d dtk", s=whole)
        minutes, secs = divmod(whole, 60)
        if minutes < 60:
            return _("%(m)d mnt %(s)d dtk", m=minutes, s=secs) if secs else _("%(m)d mnt", m=minutes)
        hours, minutes = divmod(minutes, 60)
        if hours < 24:
            return _("%(h)d jam %(m)d mnt", h=hours, m=minutes) if minutes else _("%(h)d jam", h=hours)
        days, hours = divmod(hours, 24)
        return _("%(d)d hari %(h)d jam", d=days, h=hours) if hours else _("%(d)d hari", d=days)

    def waktu(self, figures) -> str:
        """The standard(s) a group was held to: "2 mnt", or "2 mnt / 3 mnt" when a version changed it."""
        return " / ".join(self.duration(s) for s in figures.standard_seconds) or "–"

    def percent(self, share: float | None) -> str:
        return "–" if share is None else format_percent(share, "#,##0.0%")

    def number(self, value: float | None, decimals: int = 2) -> str:
        if value is None:
            return "–"
        return format_decimal(value, "#,##0." + "0" * decimals) if decimals else format_decimal(value, "#,##0")

    def day(self, value: date) -> str:
        return format_date(value, "d MMM yyyy")

    def moment(self, value: datetime) -> str:
        return when(value)

    def period_word(self, period: str) -> str:
        """The grouping as an adjective: the filter's options and the report's scope line."""
        return {"day": _("harian"), "week": _("mingguan"), "month": _("bulanan"), "quarter": _("triwulanan"),
                "year": _("tahunan")}[period]

    def period_heading(self, period: str) -> str:
        return {"day": _("Per hari"), "week": _("Per minggu"), "month": _("Per bulan"), "quarter": _("Per triwulan"),
                "year": _("Per tahun")}[period]

    def period_label(self, row, period: str) -> str:
        """A bucket as people name it: "Sen, 1 Jun 2026", "Minggu 23 (1–7 Jun)", "Juni 2026"."""
        if period == "day":
            return format_date(row.start, "EEE, d MMM yyyy")
        if period == "week":
            return _("Minggu %(week)s (%(first)s–%(last)s)", week=int(row.key.split("W")[1]),
                     first=format_date(row.start, "d MMM"), last=format_date(row.end, "d MMM yyyy"))
        if period == "month":
            return format_date(row.start, "LLLL yyyy")
        if period == "quarter":
            return _("Triwulan %(q)s %(year)d", q=row.key[-1], year=row.start.year)
        return str(row.start.year)

    def period_short(self, row, period: str) -> str:
        """A bucket on a chart's axis: "1 Jun", "M23", "Jun 2026", "T2 2026", "2026"."""
        if period == "day":
            return format_date(row.start, "d MMM")
        if period == "week":
            return _("M%(week)s", week=int(row.key.split("W")[1]))
        if period == "month":
            return format_date(row.start, "LLL yyyy")
        if period == "quarter":
            return _("T%(q)s %(year)d", q=row.key[-1], year=row.start.year)
        return str(row.start.year)

    def mutu_badge(self, mutu: str | None) -> str:
        return MUTU_BADGES.get(mutu or "", "badge-muted")

    def kinerja(self, kinerja: str | None) -> str:
        """The regulation's words, translated for an English reader."""
        words = {"Sangat Baik": _("Sangat Baik"), "Baik": _("Baik"), "Kurang Baik": _("Kurang Baik"),
                 "Tidak Baik": _("Tidak Baik")}
        return words.get(kinerja or "", "–")
