"""Template filters: times in WIB (the office's clock), durations and time left in words."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask_babel import format_datetime, gettext as _, ngettext


WIB = timezone(timedelta(hours=7), "WIB")  # the office's clock; Indonesia has no daylight saving


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def when(moment: datetime | None, pattern: str = "d MMM yyyy, HH.mm") -> str:
    if moment is None:
        return "–"
    return format_datetime(moment, pattern) + " WIB"


def minutes_text(minutes: int) -> str:
    if minutes < 60:
        return ngettext("%(num)d menit", "%(num)d menit", minutes)
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d jam %(m)d menit", h=hours, m=rest) if rest else ngettext("%(num)d jam", "%(num)d jam", hours)
    return ngettext("%(num)d hari", "%(num)d hari", hours // 24)


def age(moment: datetime, now: datetime | None = None) -> str:
    minutes = max(0, int(((now or now_utc()) - moment).total_seconds() // 60))
    return minutes_text(minutes)


def time_left(due_at: datetime, now: datetime | None = None) -> str:
    seconds = (due_at - (now or now_utc())).total_seconds()
    if seconds >= 0:
        return _("sisa %(t)s", t=minutes_text(int(seconds // 60)))
    return _("terlambat %(t)s", t=minutes_text(int(-seconds // 60)))


def translate(text: str | None) -> str | None:
    """gettext for text held in a variable (form labels, field errors). Unlike `_()` in a
    template, which marks the translation as safe HTML, this returns a plain string that Jinja
    escapes: an error message that ever quoted user input must not become markup."""
    return _(text) if text else text


def register(app) -> None:
    app.add_template_filter(translate)
    app.add_template_filter(when)
    app.add_template_filter(age)
    app.add_template_filter(time_left)
    app.add_template_global(now_utc)
