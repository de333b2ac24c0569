"""What the facade's migration use cases return: plain frozen data, the words already in Indonesian.

Kept apart from engine/views.py so migration can grow without touching the shared views.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MigrationCandidate:
    """A running case on a version older than the target."""
    instance_id: int
    ticket_code: str
    version: int
    definition_id: int
    current_steps: tuple[str, ...]  # "Langkah 7 · Catat identitas ...", one per open task
    started_at: datetime
    revision: int


@dataclass(frozen=True)
class TargetVersion:
    version: int
    definition_id: int
    status: str  # published / retired
    change_note: str


@dataclass(frozen=True)
class MigrationCandidates:
    process_key: str
    name: str
    target: TargetVersion | None  # the chosen one (default: the published version)
    targets: tuple[TargetVersion, ...]  # every version a case could move to, newest first
    cases: tuple[MigrationCandidate, ...]  # oldest version first, then by start

    @property
    def case_versions(self) -> list[int]:
        """The versions the listed cases run on, for "pick every case of version N"."""
        return sorted({c.version for c in self.cases})


@dataclass(frozen=True)
class TaskMapping:
    """An open task carried from the old version to the new one: the inbox row keeps its claim,
    its draft and its creation time (so its age does not restart); its due time follows the new
    step's Waktu."""
    old_task_id: str
    new_task_id: str
    bpmn_id: str
    sop_step: int
    name: str
    claimed_by: str | None
    has_draft: bool
    created_at: datetime
    due_before: datetime
    due_after: datetime

    @property
    def same_id(self) -> bool:
        return self.old_task_id == self.new_task_id


@dataclass(frozen=True)
class CaseMigrationReport:
    instance_id: int
    ticket_code: str | None  # None when no such case exists
    from_version: int | None
    to_version: int
    can_migrate: bool
    reasons: tuple[str, ...]  # why it cannot move (empty when it can)
    notes: tuple[str, ...]  # what the new version changes for this case, when it can
    tasks: tuple[TaskMapping, ...]  # its open tasks, old -> new
    revision: int | None  # the case's revision this report was made at (send it back to migrate)
    migrated: bool = False
    conflict: bool = False  # refused because the case changed since the dry run or meanwhile


@dataclass(frozen=True)
class MigrationReport:
    process_key: str
    target_version: int
    target_definition_id: int
    dry_run: bool
    cases: tuple[CaseMigrationReport, ...]

    @property
    def safe(self) -> list[CaseMigrationReport]:
        return [c for c in self.cases if c.can_migrate]

    @property
    def migrated_count(self) -> int:
        return sum(1 for c in self.cases if c.migrated)

    @property
    def refused_count(self) -> int:
        return sum(1 for c in self.cases if not c.migrated) if not self.dry_run else \
            sum(1 for c in self.cases if not c.can_migrate)
