"""What the SLA and SKM reports hand back: plain, frozen data (durations in seconds, dates in
the office's calendar, WIB). Front ends format them; they compute nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


# -- SLA: actual durations of the SOP's steps against the Mutu Baku's Waktu ----------------------
@dataclass(frozen=True)
class SlaFigures:
    """Completed tasks of one group (a step, a lane, a period): how many, how long they took
    (median and 90th percentile, linear interpolation), and how many met their standard.

    standard_seconds: every Waktu these tasks were held to, ascending; more than one means a
    version of the SOP changed it (each task is judged against its own). current_standard: the
    Waktu of the most recently completed of them, the one a chart draws."""
    count: int
    within: int
    median_seconds: float | None
    p90_seconds: float | None
    max_seconds: float | None
    standard_seconds: tuple[int, ...]
    current_standard: int | None

    @property
    def late(self) -> int:
        return self.count - self.within

    @property
    def share_within(self) -> float | None:
        """0..1, or None when nothing was completed."""
        return self.within / self.count if self.count else None

    @property
    def standard_changed(self) -> bool:
        return len(self.standard_seconds) > 1


@dataclass(frozen=True)
class SlaStandardPart:
    """A step's tasks held to one Waktu, when versions gave the step different ones."""
    standard_seconds: int
    figures: SlaFigures


@dataclass(frozen=True)
class SlaStepRow:
    sop_step: int
    names: tuple[str, ...]  # the tasks numbered with this step (step 7: consultation or progress)
    lane_ids: tuple[str, ...]
    lane_names: tuple[str, ...]
    figures: SlaFigures
    by_standard: tuple[SlaStandardPart, ...] = ()  # only when the Waktu changed between versions


@dataclass(frozen=True)
class SlaLaneRow:
    lane_id: str
    lane_name: str
    figures: SlaFigures


@dataclass(frozen=True)
class SlaPeriodRow:
    key: str  # "2026-05-03", "2026-W18", "2026-05"
    start: date
    end: date
    partial: bool  # the report's range covers only part of this period
    figures: SlaFigures  # every step together
    steps: tuple[tuple[int, SlaFigures], ...]  # (sop_step, figures) for the steps with tasks in it


@dataclass(frozen=True)
class OverdueTask:
    """A task open now past its due time."""
    task_id: str
    instance_id: int
    ticket_code: str
    sop_step: int
    name: str
    lane_id: str
    lane_name: str
    claimed_by: str | None
    created_at: datetime
    due_at: datetime
    late_seconds: float


@dataclass(frozen=True)
class SlaReport:
    process_key: str
    start: date
    end: date
    period: str  # day / week / month
    generated_at: datetime
    total: SlaFigures
    steps: tuple[SlaStepRow, ...]
    lanes: tuple[SlaLaneRow, ...]
    periods: tuple[SlaPeriodRow, ...]
    overdue: tuple[OverdueTask, ...]  # most late first, at most `overdue_limit`
    overdue_count: int  # all of them
    notes: tuple[str, ...]  # Indonesian sentences: changed Waktu, steps recorded at once
    method: str  # how the percentiles are computed, in words


# -- SKM: the survey index per PermenPANRB 14/2017 ------------------------------------------------
@dataclass(frozen=True)
class SkmElementRow:
    code: str  # U1..U9
    name: str  # the unsur, e.g. "Persyaratan"
    answered: int  # respondents who answered it
    total_score: int
    nrr: float | None  # total_score / answered
    weighted: float | None  # nrr x weight (1 / number of elements)
    unit_value: float | None  # nrr x 25


@dataclass(frozen=True)
class SkmFigures:
    respondents: int
    elements: tuple[SkmElementRow, ...]
    weight: float | None  # 1 / number of elements answered
    ikm: float | None  # sum of weighted NRR, 1..4
    unit_value: float | None  # IKM x 25, rounded to 2 decimals, 25..100
    mutu: str | None  # A / B / C / D
    kinerja: str | None  # Sangat Baik / Baik / Kurang Baik / Tidak Baik


@dataclass(frozen=True)
class SkmPeriodRow:
    key: str  # "2026-05", "2026-Q2", "2026"
    start: date
    end: date
    partial: bool
    figures: SkmFigures


@dataclass(frozen=True)
class ProfileCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ProfileBreakdown:
    """The respondents by one field of the questionnaire (jenis kelamin, pendidikan, ...)."""
    field: str
    title: str
    counts: tuple[ProfileCount, ...]
    unanswered: int


@dataclass(frozen=True)
class SkmReport:
    process_key: str
    start: date
    end: date
    period: str  # month / quarter / year
    generated_at: datetime
    total: SkmFigures
    periods: tuple[SkmPeriodRow, ...]
    profile: tuple[ProfileBreakdown, ...]
    population: int  # visitors asked to fill the survey in the range (survey tasks opened)
    sample_needed: int | None  # Krejcie & Morgan sample size for that population
    notes: tuple[str, ...]
