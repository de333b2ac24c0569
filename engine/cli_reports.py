"""`alur report sla` and `alur report skm`: the SLA and SKM reports as text tables, or --json.

They act as an auditor named by --as (default "operator"): someone with a shell on the server,
who could read the database anyway; the engine's role check still runs.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime

import click

from engine.case import Actor
from engine.cli import _emit, cli
from engine.context import utcnow
from engine.office_calendar import WIB, day_text, wib_day
from engine.report_periods import PERIOD_WORDS
from engine.report_views import SlaFigures
from engine.services.reports import DEFAULT_PROCESS


def plain(value):
    """JSON-ready: dates as ISO text, and a figures' share within standard spelled out."""
    if dataclasses.is_dataclass(value):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, SlaFigures):
            out.update(late=value.late, share_within=value.share_within)
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _number(value: float | None, decimals: int) -> str:
    """Indonesian style: decimal comma, thousands dot."""
    if value is None:
        return "-"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{_number(share * 100, 1)} %"


def clock_text(seconds: float | None) -> str:
    """A duration as m:ss, h:mm:ss, or 'N hari h:mm:ss'."""
    if seconds is None:
        return "-"
    whole = int(round(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours or days else f"{minutes}:{secs:02d}"
    return f"{days} hari {text}" if days else text


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip()
             for line in [headers, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _waktu(figures) -> str:
    return " / ".join(clock_text(s) for s in figures.standard_seconds) or "-"


def sla_text(report) -> str:
    t = report.total
    head = [f"Laporan SLA {report.process_key}: {day_text(report.start)} s.d. {day_text(report.end)}, "
            f"per {PERIOD_WORDS[report.period]} (WIB)",
            f"Tugas selesai: {t.count}; dalam standar: {t.within} ({_percent(t.share_within)}); "
            f"terlambat sekarang: {report.overdue_count}",
            "Durasi dalam menit:detik (jam:menit:detik bila lebih dari satu jam).", ""]
    steps = table(["Langkah", "Nama", "Lajur", "Jumlah", "Median", "P90", "Waktu", "Dalam standar"],
                  [[str(r.sop_step), " / ".join(r.names), ", ".join(r.lane_names), str(r.figures.count),
                    clock_text(r.figures.median_seconds), clock_text(r.figures.p90_seconds), _waktu(r.figures),
                    _percent(r.figures.share_within)] for r in report.steps])
    lanes = table(["Lajur", "Jumlah", "Median", "P90", "Dalam standar"],
                  [[r.lane_name, str(r.figures.count), clock_text(r.figures.median_seconds),
                    clock_text(r.figures.p90_seconds), _percent(r.figures.share_within)] for r in report.lanes])
    periods = table(["Periode", "Jumlah", "Median", "P90", "Dalam standar"],
                    [[p.key + (" (sebagian)" if p.partial else ""), str(p.figures.count),
                      clock_text(p.figures.median_seconds), clock_text(p.figures.p90_seconds),
                      _percent(p.figures.share_within)] for p in report.periods])
    parts = head + ["Per langkah SOP", steps, "", "Per lajur", lanes, "", "Per periode", periods]
    if report.overdue:
        parts += ["", f"Terlambat sekarang ({report.overdue_count})", table(
            ["Tiket", "Langkah", "Lajur", "Diambil oleh", "Batas waktu", "Terlambat"],
            [[o.ticket_code, f"{o.sop_step} {o.name}", o.lane_name, o.claimed_by or "-",
              o.due_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB"), clock_text(o.late_seconds)]
             for o in report.overdue])]
    parts += [""] + [f"Catatan: {note}" for note in report.notes] + [f"Metode: {report.method}"]
    return "\n".join(parts)


def skm_text(report) -> str:
    t = report.total
    sample = (f"; sampel Krejcie & Morgan: {report.sample_needed}" if report.sample_needed is not None else "")
    head = [f"Laporan SKM {report.process_key}: {day_text(report.start)} s.d. {day_text(report.end)}, "
            f"per {PERIOD_WORDS[report.period]} (WIB)",
            f"Responden: {t.respondents} (diminta mengisi: {report.population}{sample})",
            f"IKM {_number(t.ikm, 3)}; nilai IKM unit pelayanan {_number(t.unit_value, 2)}; "
            f"mutu {t.mutu or '-'} ({t.kinerja or '-'})", ""]
    elements = table(["Unsur", "Nama", "Responden", "NRR", "NRR x bobot", "NRR x 25"],
                     [[e.code, e.name, str(e.answered), _number(e.nrr, 3), _number(e.weighted, 3),
                       _number(e.unit_value, 2)] for e in t.elements])
    periods = table(["Periode", "Responden", "IKM", "Nilai", "Mutu", "Kinerja"],
                    [[p.key + (" (sebagian)" if p.partial else ""), str(p.figures.respondents),
                      _number(p.figures.ikm, 3), _number(p.figures.unit_value, 2), p.figures.mutu or "-",
                      p.figures.kinerja or "-"] for p in report.periods])
    parts = head + ["Per unsur", elements, "", "Per periode", periods]
    for breakdown in report.profile:
        parts += ["", breakdown.title, table(["Pilihan", "Jumlah"],
                                             [[c.label, str(c.count)] for c in breakdown.counts]
                                             + ([["(tidak diisi)", str(breakdown.unanswered)]]
                                                if breakdown.unanswered else []))]
    parts += [""] + [f"Catatan: {note}" for note in report.notes]
    return "\n".join(parts).rstrip()


def _today() -> date:
    return wib_day(utcnow())


report_options = [
    click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]),
                 help="Tanggal awal (TTTT-BB-HH, WIB); bawaan: awal bulan ini."),
    click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]),
                 help="Tanggal akhir (TTTT-BB-HH, WIB, ikut dihitung); bawaan: hari ini."),
    click.option("--process", "process_key", default=DEFAULT_PROCESS, show_default=True, help="Kunci proses."),
    click.option("--as", "user", default="operator", show_default=True, help="Nama yang tercatat membaca."),
]


def with_report_options(func):
    for option in reversed(report_options):
        func = option(func)
    return func


def _range(start, end) -> tuple[date, date]:
    today = _today()
    return (start.date() if start else today.replace(day=1)), (end.date() if end else today)


@cli.group("report")
def report_group():
    """Laporan SLA (Waktu Mutu Baku) dan SKM (indeks kepuasan masyarakat)."""


@report_group.command("sla")
@with_report_options
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="day", show_default=True,
              help="Pengelompokan: hari, minggu (ISO) atau bulan, dalam WIB.")
@click.pass_obj
def sla_cmd(state, start, end, process_key, user, period):
    """Durasi tiap langkah SOP terhadap Waktu-nya, per langkah, lajur dan periode; yang terlambat sekarang."""
    start, end = _range(start, end)
    report = state.alur.sla_report(Actor(user, frozenset({"auditor"})), start, end, period, process_key=process_key)
    _emit(state, plain(report), sla_text(report))


@report_group.command("skm")
@with_report_options
@click.option("--period", type=click.Choice(["month", "quarter", "year"]), default="month", show_default=True,
              help="Pengelompokan: bulan, triwulan atau tahun, dalam WIB.")
@click.pass_obj
def skm_cmd(state, start, end, process_key, user, period):
    """Indeks Kepuasan Masyarakat (PermenPANRB 14/2017) per unsur, total dan per periode."""
    start, end = _range(start, end)
    report = state.alur.skm_report(Actor(user, frozenset({"auditor"})), start, end, period, process_key=process_key)
    _emit(state, plain(report), skm_text(report))
