"""The office's two numbers: were the SOP's standard times (Waktu) met, and how satisfied were
the visitors (SKM). Auditors, process owners and Sesdep read them; nobody changes anything here.

SLA: every user task completed in the range, from the moment it became ready to its completion,
against the Waktu it was given then (its inbox row's due time: created + the pinned step's Waktu,
recomputed if a migration moved the case to a version with another Waktu). Steps are grouped by
SOP step number across versions; a step whose Waktu changed says so and shows each Waktu apart.
SKM: the answers of every survey sent in the range, read from the chained task.completed events.
"""
from __future__ import annotations

from datetime import date

from engine import skm, sla
from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, NotFound
from engine.office_calendar import utc_bounds, wib_day
from engine.report_periods import BucketMap, buckets, check_range
from engine.report_views import (OverdueTask, SkmPeriodRow, SkmReport, SlaLaneRow, SlaPeriodRow, SlaReport,
                                 SlaStepRow)
from engine.reports_repository import ReportQueries
from engine.repositories import utc

REPORT_READERS = frozenset({"auditor", "process_owner", "sesdep"})
SLA_PERIODS = ("day", "week", "month")
SKM_PERIODS = ("month", "quarter", "year")
DEFAULT_PROCESS = "pelayanan_pengaduan"
OVERDUE_SHOWN = 200
VISITOR_LANE_ROLE = "masyarakat"


def _check_reader(actor: Actor) -> None:
    if not actor.roles & REPORT_READERS:
        raise Forbidden("Laporan SLA dan SKM hanya untuk auditor, pemilik proses dan Sesdep.")


def _opening(ctx: EngineContext, actor: Actor, start: date, end: date, period: str, allowed: tuple[str, ...]):
    """Who may ask and whether the range can be answered: (now, since, until), the range as UTC
    moments from start 00.00 WIB to the day after end 00.00 WIB."""
    _check_reader(actor)
    now = ctx.clock()
    check_range(start, end, period, allowed, wib_day(now))
    return (now, *utc_bounds(start, end))


def _definitions(q: ReportQueries, process_key: str):
    rows = q.definitions(process_key)
    if not rows:
        raise NotFound(f"Proses '{process_key}' belum dipasang.")
    return rows


def _lane_names(definitions) -> dict[str, tuple[str, str]]:
    """lane id -> (name, role), the newest version's words winning."""
    names: dict[str, tuple[str, str]] = {}
    for row in definitions:  # oldest first: later versions overwrite
        for lane in row.lanes_json or []:
            names[lane["id"]] = (lane.get("name") or lane["id"], lane.get("role") or "")
    return names


# -- SLA ------------------------------------------------------------------------------------
def sla_report(ctx: EngineContext, actor: Actor, start: date, end: date, period: str = "day", *,
               process_key: str = DEFAULT_PROCESS) -> SlaReport:
    now, since, until = _opening(ctx, actor, start, end, period, SLA_PERIODS)
    roles = sorted(ctx.settings.lane_roles)
    with ctx.uow(write=False) as uow:
        q = ReportQueries(uow.connection)
        definitions = _definitions(q, process_key)
        rows = q.completed_tasks(process_key, since, until)
        overdue_rows = q.overdue_tasks(process_key, now, roles, OVERDUE_SHOWN)
        overdue_count = (len(overdue_rows) if len(overdue_rows) < OVERDUE_SHOWN
                         else q.overdue_count(process_key, now, roles))
    lanes = _lane_names(definitions)

    total, by_step, by_lane = sla.Tally(), {}, {}
    names: dict[int, dict[str, None]] = {}  # step -> task names in order seen (a dict keeps order)
    step_lanes: dict[int, dict[str, None]] = {}
    periods = BucketMap(period)
    by_period: dict[str, sla.Tally] = {}
    by_period_step: dict[tuple[str, int], sla.Tally] = {}
    for step, lane_id, name, duration, standard, within, day in rows:
        duration = max(0.0, round(float(duration), 3))
        standard = int(round(float(standard)))
        within = bool(within)
        total.add(duration, standard, within)
        tally = by_step.get(step)
        if tally is None:
            tally = by_step[step] = sla.Tally()
            tally.split_by_standard()
        tally.add_split(duration, standard, within)
        by_lane.setdefault(lane_id, sla.Tally()).add(duration, standard, within)
        names.setdefault(step, {})[name] = None
        step_lanes.setdefault(step, {})[lane_id] = None
        key = periods.key(day)
        by_period.setdefault(key, sla.Tally()).add(duration, standard, within)
        by_period_step.setdefault((key, step), sla.Tally()).add(duration, standard, within)

    steps = tuple(SlaStepRow(
        sop_step=step, names=tuple(names[step]), lane_ids=tuple(step_lanes[step]),
        lane_names=tuple(lanes.get(lane, (lane, ""))[0] for lane in step_lanes[step]),
        figures=by_step[step].figures(), by_standard=by_step[step].parts()) for step in sorted(by_step))
    lane_order = list(lanes) + sorted(set(by_lane) - set(lanes))
    lane_rows = tuple(SlaLaneRow(lane, lanes.get(lane, (lane, ""))[0], by_lane[lane].figures())
                      for lane in lane_order if lane in by_lane)
    period_rows = tuple(SlaPeriodRow(
        key=b.key, start=b.start, end=b.end, partial=b.partial,
        figures=by_period.get(b.key, sla.Tally()).figures(),
        steps=tuple((step, by_period_step[(b.key, step)].figures()) for step in sorted(by_step)
                    if (b.key, step) in by_period_step))
        for b in buckets(start, end, period))
    overdue = tuple(OverdueTask(
        task_id=r.id, instance_id=r.instance_id, ticket_code=r.ticket_code, sop_step=r.sop_step, name=r.name,
        lane_id=r.lane_id, lane_name=lanes.get(r.lane_id, (r.lane_id, ""))[0], claimed_by=r.claimed_by,
        created_at=utc(r.created_at), due_at=utc(r.due_at),
        late_seconds=(now - utc(r.due_at)).total_seconds()) for r in overdue_rows)
    return SlaReport(process_key=process_key, start=start, end=end, period=period, generated_at=now,
                     total=total.figures(), steps=steps, lanes=lane_rows, periods=period_rows, overdue=overdue,
                     overdue_count=overdue_count, notes=_sla_notes(steps, lanes), method=sla.METHOD)


def _sla_notes(steps: tuple[SlaStepRow, ...], lanes: dict[str, tuple[str, str]]) -> tuple[str, ...]:
    notes = []
    for row in steps:
        f = row.figures
        if f.standard_changed:
            shown = ", ".join(sla.duration_words(s) for s in f.standard_seconds)
            notes.append(f"Langkah {row.sop_step}: Waktu baku berubah antarversi SOP ({shown}). Tiap tugas dinilai "
                         f"terhadap Waktu yang berlaku baginya; angka per Waktu ditampilkan terpisah, dan grafik "
                         f"memakai Waktu terbaru ({sla.duration_words(f.current_standard)}).")
        if f.count and f.max_seconds == 0:
            notes.append(f"Langkah {row.sop_step} dicatat sekaligus saat kasus dibuka (formulirnya diisi sebelum "
                         f"kasus ada), sehingga durasinya 0: angka ini tidak mengukur lama kerja.")
    visitor_steps = [str(r.sop_step) for r in steps
                     if any(lanes.get(lane, ("", ""))[1] == VISITOR_LANE_ROLE for lane in r.lane_ids)]
    if visitor_steps:
        notes.append(f"Langkah {', '.join(visitor_steps)} ada di lajur Masyarakat: durasinya adalah waktu "
                     f"pengunjung sendiri (datang, mengisi survei), bukan waktu kerja petugas.")
    return tuple(notes)


# -- SKM ------------------------------------------------------------------------------------
def skm_report(ctx: EngineContext, actor: Actor, start: date, end: date, period: str = "month", *,
               process_key: str = DEFAULT_PROCESS) -> SkmReport:
    now, since, until = _opening(ctx, actor, start, end, period, SKM_PERIODS)
    with ctx.uow(write=False) as uow:
        q = ReportQueries(uow.connection)
        definitions = _definitions(q, process_key)
        survey_forms = _survey_forms(definitions)
        if not survey_forms:
            raise NotFound(f"Proses '{process_key}' tidak memiliki langkah survei (formulir dengan unsur SKM).")
        answers = q.survey_answers(process_key, list(survey_forms), since, until)
        population = q.surveys_opened(process_key, list(survey_forms), since, until)
    elements = _elements(survey_forms)
    total = skm.SkmTally(elements)
    periods = BucketMap(period)
    by_period: dict[str, skm.SkmTally] = {}
    for day, data in answers:
        total.add(data)
        key = periods.key(day)
        if key not in by_period:
            by_period[key] = skm.SkmTally(elements)
        by_period[key].add(data)
    period_rows = tuple(SkmPeriodRow(key=b.key, start=b.start, end=b.end, partial=b.partial,
                                     figures=by_period.get(b.key, skm.SkmTally(elements)).figures())
                        for b in buckets(start, end, period))
    figures = total.figures()
    newest_schema = list(survey_forms.values())[-1]
    sample = skm.krejcie_morgan(population) if population else None
    return SkmReport(process_key=process_key, start=start, end=end, period=period, generated_at=now,
                     total=figures, periods=period_rows,
                     profile=skm.profile((data for _, data in answers), newest_schema),
                     population=population, sample_needed=sample, notes=_skm_notes(figures, population, sample))


def _survey_forms(definitions) -> dict[str, dict]:
    """{form key: schema} of the forms with SKM elements, the newest version's schema last."""
    found: dict[str, dict] = {}
    for row in definitions:
        for key, schema in (row.forms_json or {}).items():
            if skm.elements_of(schema):
                found.pop(key, None)
                found[key] = schema
    return found


def _elements(survey_forms: dict[str, dict]) -> list[skm.Element]:
    """Every element any version's survey asked, by code (the newest version's name wins)."""
    by_code: dict[str, skm.Element] = {}
    for schema in survey_forms.values():
        for element in skm.elements_of(schema):
            by_code[element.code] = element
    return sorted(by_code.values(), key=skm.element_order)


def _skm_notes(figures, population: int, sample: int | None) -> tuple[str, ...]:
    notes = []
    skipped = [e.code for e in figures.elements if figures.respondents and not e.answered]
    if skipped:
        notes.append(f"Unsur {', '.join(skipped)} tidak dijawab satu responden pun; IKM dihitung dari unsur "
                     f"yang dijawab dengan bobot 1/{len(figures.elements) - len(skipped)}.")
    if sample is not None and figures.respondents < sample:
        notes.append(f"Jumlah responden ({figures.respondents}) di bawah ukuran sampel Krejcie & Morgan untuk "
                     f"{population} pengunjung yang diminta mengisi survei ({sample} responden); hasil survei "
                     f"belum mewakili populasinya.")
    return tuple(notes)
