"""What the replay and re-execution use cases hand back: plain, frozen data (engine/views.py style)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.errors import NotFound


@dataclass(frozen=True)
class ReplayFrame:
    """One recorded event and the case as it stood at that moment.

    The moment is the save the event belongs to: the events one save wrote (a completion, the
    steps it made ready, the end it reached) share their time, so their frames show the same
    state, the one that save left. Data are masked as the actor may see them."""
    index: int  # 0-based position among the frames
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    task_id: str | None
    bpmn_id: str | None
    lane_id: str | None
    lane_name: str | None
    sop_step: int | None
    step_name: str | None
    form_key: str | None  # the step's form: labels and field order of the data
    data: dict
    personal: dict | None
    # the definition in force after this event (an instance.migrated event moves it)
    definition_id: int
    process_key: str
    definition_version: int
    done: tuple[str, ...]  # BPMN ids of user tasks completed by then
    active: tuple[str, ...]  # ready (open) then
    cancelled: tuple[str, ...]  # cancelled and neither done nor open then
    end_event: str | None  # the end event reached, once the case has closed
    end_name: str | None
    case_data: dict  # the data submitted up to then, one flat dict (masked)

    @property
    def status(self) -> str:
        return "completed" if self.end_event else "running"


@dataclass(frozen=True)
class CaseReplay:
    instance_id: int
    ticket_code: str
    display_name: str | None
    process_key: str
    status: str
    outcome: str | None
    frames: tuple[ReplayFrame, ...]
    personal_masked: bool
    personal_purged: bool  # a retention purge erased the personal values: they are absent
    personal_fields: tuple[str, ...] = ()  # the x-personal fields of the case's forms (masked ones)

    def frame_at(self, seq: int | None) -> ReplayFrame:
        """The frame of event `seq` (the first one when None); NotFound for a seq not recorded."""
        if not self.frames:
            raise NotFound("Kasus ini belum punya peristiwa untuk diputar ulang.")
        if seq is None:
            return self.frames[0]
        for frame in self.frames:
            if frame.seq == seq:
                return frame
        raise NotFound(f"Peristiwa #{seq} tidak ada dalam riwayat kasus ini.")

    def neighbours(self, frame: ReplayFrame) -> tuple[ReplayFrame | None, ReplayFrame | None]:
        """(previous, next) of a frame, None at either end."""
        before = self.frames[frame.index - 1] if frame.index > 0 else None
        after = self.frames[frame.index + 1] if frame.index + 1 < len(self.frames) else None
        return before, after


@dataclass(frozen=True)
class Divergence:
    """One place where re-executing the case did not give what was recorded.

    seq is the event after which it showed (None: the final comparison with the stored state);
    aspect is one of: ready, cancelled, end, task (a recorded completion re-execution could not
    do), timer, migration, definition, engine, state, data, status."""
    seq: int | None
    where: str  # e.g. "langkah 3 Sesdep", "keadaan akhir"
    aspect: str
    reexecuted: str  # what re-execution produced, in words
    recorded: str  # what the log or the stored state has, in words
    message: str  # the whole sentence, in Indonesian
    note: str = ""  # what the engine read to go this way (a gateway's variables and the event that set them)


@dataclass(frozen=True)
class ReexecutedStep:
    """One event that moves the workflow (start, completion, timer, migration), re-executed."""
    seq: int
    kind: str
    where: str
    ready: tuple[str, ...]  # BPMN ids re-execution made ready at this step
    cancelled: tuple[str, ...]
    end_event: str | None  # reached at this step
    matches: bool


@dataclass(frozen=True)
class ReexecutionReport:
    instance_id: int
    ticket_code: str
    process_key: str
    start_version: int  # the version the case started on
    final_version: int  # the version it is pinned to now
    events: int  # events in the log
    steps: tuple[ReexecutedStep, ...]
    divergences: tuple[Divergence, ...]
    stopped_at: int | None  # the seq re-execution could not get past, if any
    state_compared: bool  # whether the end result was compared with the stored state
    personal_purged: bool  # personal values were erased: compared as wildcards

    @property
    def matches(self) -> bool:
        return not self.divergences


@dataclass(frozen=True)
class ReexecutionSummary:
    """Every case re-executed: how many matched, and the reports of those that did not."""
    cases: int
    matching: int
    divergent: tuple[ReexecutionReport, ...]

    @property
    def matches(self) -> bool:
        return not self.divergent
