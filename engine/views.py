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
class InboxPage:
    """One page of an inbox: the tasks from `offset` on (at most `limit`), and how many tasks
    match the filters in all."""
    items: list[TaskItem]
    total: int
    offset: int
    limit: int


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
    personal_masked: bool = False  # data and events had their personal fields masked for this actor


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
    breaks: list[str]  # "event #3: altered: ..." (a stable prefix for scripts, the detail in Indonesian)
    # engine.ledger.ChainBreak: the same findings with the events they name and an Indonesian sentence
    problems: tuple = ()

    @property
    def intact(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    roles: frozenset[str]
    active: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class ApiTokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class StepInfo:
    """A step's Mutu Baku as the definition version pinned it: the instructions on a task page."""
    bpmn_id: str
    name: str
    sop_step: int
    lane_id: str
    lane_name: str
    role: str
    kelengkapan: str
    waktu: str  # ISO 8601 duration, e.g. PT5M
    waktu_minutes: float
    output: str
    keterangan: str
    form_key: str


@dataclass(frozen=True)
class TaskDetail:
    """Everything a task page shows: the task, its step, its pinned form, a saved draft, the case
    summary (personal fields masked for roles that do not need them) and the case's other forms
    (labels and option titles of its recorded data)."""
    task: TaskItem
    step: StepInfo
    form: object  # forms.Form, pinned by the case's definition version
    draft: dict | None
    case: "CaseView"  # without its history (events empty): case() or history() give it
    case_forms: dict = field(default_factory=dict)  # {form key: forms.Form} of that version, SOP order


@dataclass(frozen=True)
class PublicStatus:
    """What a visitor may see of their own case by its ticket code: no personal data at all.

    stage is one of: diproses (steps 1-3), keputusan_disampaikan (4-5), menunggu_kedatangan (6),
    dilayani (7), survei (8), selesai, ditolak."""
    ticket_code: str
    stage: str
    current_step: int | None
    started_at: datetime
    updated_at: datetime
    tujuan: str | None  # as screened: konsultasi / tanya_progres
    scheduled_at: str | None  # jadwal_konsultasi as entered by Sesdep (approved cases)
    place: str | None  # tempat_konsultasi
    message: str | None  # step 5's polite message to the visitor, once it was told
    reason: str | None  # alasan_keputusan, shown only when rejected and the visitor was told
    visitor_form_key: str | None  # the Masyarakat-lane form open now (kedatangan / survei), if any


@dataclass(frozen=True)
class ProblemInfo:
    """One reason a definition cannot be published, tied to its element for the modeler."""
    code: str
    element_id: str | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DraftInfo:
    process_key: str
    bpmn_xml: str
    base_version: int | None
    revision: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class VersionInfo:
    """A row of a process's version list: the definition and the cases it still runs."""
    definition: DefinitionInfo
    running_cases: int


@dataclass(frozen=True)
class ProcessVersions:
    process_key: str
    name: str
    versions: list[VersionInfo]  # newest first
    draft: DraftInfo | None

    @property
    def serving(self) -> DefinitionInfo | None:
        """The version new cases start on."""
        return next((v.definition for v in self.versions if v.definition.status == "published"), None)
