"""What the auditors' timeline and exports hand back (engine/services/audit_trail.py): plain,
frozen data in UTC; the web shows it in WIB."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class StepDuration:
    """How long one user task took, from the moment it became ready (task.ready) to its completion
    (task.completed of the same task id), against the Waktu its pinned step allows."""
    ready_at: datetime
    completed_at: datetime
    actual_seconds: float
    standard_seconds: int | None  # None when the step is no longer in the pinned definition
    claimed_at: datetime | None = None  # the last claim that held until completion
    claimed_by: str | None = None

    @property
    def over_seconds(self) -> float:
        """How far over its Waktu the step ran (0 when within it or when no standard is known)."""
        if self.standard_seconds is None:
            return 0.0
        return max(0.0, self.actual_seconds - self.standard_seconds)

    @property
    def within_standard(self) -> bool | None:
        return None if self.standard_seconds is None else self.actual_seconds <= self.standard_seconds


@dataclass(frozen=True)
class TimelineEvent:
    seq: int
    occurred_at: datetime
    kind: str
    actor: str  # the username as recorded ("system"; "pengunjung:<ticket>" for the visitor)
    actor_name: str | None  # the account's full name when the username is a known account
    actor_kind: str  # "user", "system" or "visitor"
    task_id: str | None
    bpmn_id: str | None
    lane_id: str | None
    lane_name: str | None
    sop_step: int | None
    step_name: str | None
    form_key: str | None
    data: dict  # the chained (public) data, personal fields masked as for this actor
    personal: dict | None  # the personal fields kept apart, masked as for this actor
    masked_fields: tuple[str, ...]  # personal fields shown masked: what a reveal may open
    personal_purged: bool  # the retention purge erased this event's personal fields
    personal_digest: str | None  # the salted digest of the personal fields that the chain covers
    prev_hash: str
    hash: str
    duration: StepDuration | None = None  # on task.completed events


@dataclass(frozen=True)
class TimelineHeader:
    id: int
    ticket_code: str
    status: str  # running / completed / error
    outcome: str | None
    outcome_name: str | None
    display_name: str | None
    process_key: str
    process_name: str
    version: int
    definition_id: int
    sha256: str
    started_at: datetime
    started_by: str
    completed_at: datetime | None
    event_count: int
    head_hash: str
    total_seconds: float | None  # opening to closing; None while the case runs
    standard_total_seconds: int  # the SOP's total Waktu (engine/sop_document.py: longest path)
    path_standard_seconds: int  # the Waktu of the steps this case completed, summed

    @property
    def total_within_standard(self) -> bool | None:
        return None if self.total_seconds is None else self.total_seconds <= self.standard_total_seconds


@dataclass(frozen=True)
class CaseTimeline:
    header: TimelineHeader
    events: list[TimelineEvent]
    personal_masked: bool  # personal values were masked for this actor

    @property
    def durations(self) -> list[TimelineEvent]:
        return [e for e in self.events if e.duration is not None]


@dataclass(frozen=True)
class CaseSummary:
    """A row of the auditors' case list."""
    id: int
    ticket_code: str
    status: str
    outcome: str | None
    display_name: str | None
    process_key: str
    version: int
    started_at: datetime
    completed_at: datetime | None
    event_count: int


@dataclass(frozen=True)
class CaseList:
    items: list[CaseSummary]
    total: int
    offset: int
    limit: int
    status: str | None


@dataclass(frozen=True)
class PeriodEvent:
    """One row of the period export (events_in_period): an event with its case's ticket code,
    data and personal fields merged and masked as for the actor."""
    instance_id: int
    ticket_code: str
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    sop_step: int | None
    step_name: str | None
    lane_id: str | None
    lane_name: str | None
    data: dict
    hash: str


@dataclass(frozen=True)
class PeriodExport:
    """events: a one-pass iterator, read from the database as it is consumed."""
    start: object  # datetime.date, first WIB day
    end: object  # last WIB day, inclusive
    events: object = field(repr=False)
