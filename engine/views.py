"""What the facade hands back: plain, frozen data, no SQLAlchemy rows or SpiffWorkflow objects."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DefinitionInfo:
    id: int
    process_key: str
    version: int
    sha256: str
    name: str
    status: str
    created_by: str
    created_at: datetime
    change_note: str
    lanes: list[dict]
    steps: dict[str, dict]
    sop_header: dict
    newly_deployed: bool = False


@dataclass(frozen=True)
class TaskItem:
    id: str
    instance_id: int
    ticket_code: str
    display_name: str | None
    bpmn_id: str
    name: str
    lane_id: str
    role: str
    sop_step: int
    form_key: str
    state: str
    claimed_by: str | None
    created_at: datetime
    due_at: datetime
    completed_at: datetime | None = None
    completed_by: str | None = None

    def seconds_left(self, now: datetime) -> float:
        return (self.due_at - now).total_seconds()

    def is_overdue(self, now: datetime) -> bool:
        return self.state == "ready" and now > self.due_at


@dataclass(frozen=True)
class EventRecord:
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    task_id: str | None
    bpmn_id: str | None
    lane_id: str | None
    data: dict
    personal: dict | None
    hash: str


@dataclass(frozen=True)
class CaseView:
    id: int
    ticket_code: str
    status: str
    outcome: str | None
    display_name: str | None
    process_key: str
    definition_version: int
    definition_id: int
    started_by: str
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    revision: int
    data: dict
    tasks: list[TaskItem] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)


@dataclass(frozen=True)
class StartResult:
    instance_id: int
    ticket_code: str
    definition_version: int
    ready: list[TaskItem]


@dataclass(frozen=True)
class CompletionResult:
    instance_id: int
    status: str
    outcome: str | None
    ready: list[TaskItem]


@dataclass(frozen=True)
class VerifyReport:
    instance_id: int
    ticket_code: str
    events: int
    head: str
    breaks: list[str]

    @property
    def intact(self) -> bool:
        return not self.breaks
