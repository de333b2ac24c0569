"""What the personal-data use cases hand back (UU 27/2022): a field an auditor asks to reveal and
its value, a data subject's export, and the retention purge's report. Plain, frozen data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RevealTarget:
    """One personal field of one event, before it is revealed: what the reason form names."""
    instance_id: int
    ticket_code: str
    seq: int
    field: str
    field_label: str
    event_kind: str
    occurred_at: datetime
    actor: str  # who recorded the event (the officer who completed the step)
    sop_step: int | None
    step_name: str | None
    masked_value: str | None  # as the auditor's pages show it
    purged: bool  # erased by the retention purge: nothing left to reveal


@dataclass(frozen=True)
class RevealedValue:
    instance_id: int
    ticket_code: str
    seq: int
    field: str
    field_label: str
    value: str | None  # None when purged
    purged: bool
    revealed_at: datetime | None  # None when purged (nothing was revealed, nothing recorded)
    reveal_seq: int | None  # the personal.revealed event's sequence number in the case's chain

    @property
    def message(self) -> str | None:
        return "sudah dihapus (masa retensi habis)" if self.purged else None


@dataclass(frozen=True)
class GivenField:
    name: str
    label: str
    value: object  # as recorded
    text: str  # in words: an option's title, "Ya"/"Tidak"
    personal: bool


@dataclass(frozen=True)
class GivenRecord:
    """The data one step recorded from the visitor (their screening, check-in, survey)."""
    seq: int
    occurred_at: datetime
    sop_step: int | None
    step_name: str | None
    recorded_by: str
    fields: list[GivenField] = field(default_factory=list)


@dataclass(frozen=True)
class ProcessingEntry:
    """One line of the processing log: when, who, what, at which step."""
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    kind_label: str
    sop_step: int | None
    step_name: str | None
    detail: str | None


@dataclass(frozen=True)
class SubjectCase:
    instance_id: int
    ticket_code: str
    status: str
    process_key: str
    definition_version: int
    started_at: datetime
    completed_at: datetime | None
    given: list[GivenRecord] = field(default_factory=list)
    processing: list[ProcessingEntry] = field(default_factory=list)


@dataclass(frozen=True)
class SubjectExport:
    """Art. 32: a data subject's data and its processing log, for every case found by their NIK.
    Cases already purged are not found (their NIK is gone)."""
    nik: str
    generated_at: datetime
    generated_by: str
    retention_days: int
    cases: list[SubjectCase] = field(default_factory=list)


@dataclass(frozen=True)
class PurgeCandidate:
    instance_id: int
    ticket_code: str
    outcome: str | None
    completed_at: datetime


@dataclass(frozen=True)
class PurgedCase:
    instance_id: int
    ticket_code: str
    fields_erased: int  # personal values erased from the events' personal data
    state_fields: int  # personal values removed from the workflow state (every task's data)
    drafts_cleared: int
    event_seq: int  # the personal.purged event


@dataclass(frozen=True)
class PurgeFailure:
    instance_id: int
    ticket_code: str
    reason: str


@dataclass(frozen=True)
class PurgeReport:
    dry_run: bool
    retention_days: int
    cutoff: datetime  # cases completed before this are due
    ran_at: datetime
    actor: str
    due: list[PurgeCandidate] = field(default_factory=list)
    purged: list[PurgedCase] = field(default_factory=list)
    failed: list[PurgeFailure] = field(default_factory=list)
    already_purged: int = 0  # cases purged by earlier runs
