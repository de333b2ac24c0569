"""Result types of the deploy-time BPMN inspection (plain data, no behaviour)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason a BPMN upload is refused.

    ``code`` is a stable English identifier (e.g. ``"task.waktu_invalid"``) meant for
    programs and tests; ``message`` is one Indonesian line for people. The message
    already starts with the element id when there is one ("Task_03: properti ...").
    """

    code: str
    element_id: str | None
    message: str

    def __post_init__(self) -> None:
        # One line, always: element names from modelers often carry line breaks.
        object.__setattr__(self, "message", " ".join(str(self.message).split()))

    @classmethod
    def at(cls, code: str, element_id: str | None, text: str) -> "Problem":
        """A problem whose message starts with the element id (when there is one)."""
        return cls(code, element_id, f"{element_id}: {text}" if element_id else text[:1].upper() + text[1:])

    def __str__(self) -> str:
        if self.element_id and not self.message.startswith(f"{self.element_id}:"):
            return f"{self.element_id}: {self.message}"
        return self.message


class DefinitionRejected(Exception):
    """Raised by :func:`inspect_definition` with every problem that could be found."""

    def __init__(self, problems: list[Problem]):
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        head = f"Definisi BPMN ditolak ({count} masalah)"
        super().__init__(head + ("" if not count else ": " + " | ".join(str(p) for p in self.problems)))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


@dataclass(frozen=True)
class Lane:
    id: str
    name: str
    role: str | None  # None only for lanes that hold no user/manual task


@dataclass(frozen=True)
class StepSpec:
    """One SOP step: a BPMN userTask with its Mutu Baku properties."""

    bpmn_id: str
    name: str
    lane_id: str
    lane_name: str
    role: str
    sop_step: int
    kelengkapan: str
    waktu_iso: str
    waktu: timedelta
    output: str
    keterangan: str
    form_key: str
    documentation: str = ""
    symbol: str = "kegiatan"  # the printed SOP's symbol: kegiatan (box) or keputusan (diamond)


@dataclass(frozen=True)
class InspectedDefinition:
    sha256: str
    process_id: str
    name: str
    spec: Any  # SpiffWorkflow BpmnProcessSpec
    subprocess_specs: dict[str, Any]
    lanes: tuple[Lane, ...]
    steps: dict[str, StepSpec]
    sop_header: dict[str, Any]
    timers: tuple[str, ...] = field(default_factory=tuple)

    def lane_by_id(self, lane_id: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.id == lane_id), None)
