"""What the facade's diff_versions returns: plain frozen data, the words already in Indonesian.

Kept apart from engine/views.py so the diff can grow without touching the shared views.
"""
from __future__ import annotations

from dataclasses import dataclass

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class PropertyChange:
    """One property of an element that differs: its label for people, the old and the new value
    as shown ("" when the property was empty)."""
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class DiffEntry:
    kind: str  # ADDED | REMOVED | CHANGED
    # what changed: "step" (a user task of the SOP), "node" (gateway, event, other task), "flow",
    # "lane" or "header" (the SOP header and the process name)
    subject: str
    element_id: str | None  # BPMN id, the one to mark on the diagram; None for the header
    sentence: str  # one Indonesian sentence a process owner can read
    changes: tuple[PropertyChange, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    process_key: str
    name: str
    from_version: int
    to_version: int
    from_note: str
    to_note: str
    entries: tuple[DiffEntry, ...]

    @property
    def added(self) -> list[DiffEntry]:
        return [e for e in self.entries if e.kind == ADDED]

    @property
    def removed(self) -> list[DiffEntry]:
        return [e for e in self.entries if e.kind == REMOVED]

    @property
    def changed(self) -> list[DiffEntry]:
        return [e for e in self.entries if e.kind == CHANGED]

    @property
    def identical(self) -> bool:
        return not self.entries

    @property
    def summary(self) -> str:
        if self.identical:
            return (f"Versi {self.from_version} dan versi {self.to_version}: tidak ada perubahan pada langkah, "
                    "alur, lajur maupun kepala SOP.")
        return (f"Dari versi {self.from_version} ke versi {self.to_version}: {len(self.added)} ditambahkan, "
                f"{len(self.removed)} dihapus, {len(self.changed)} diubah.")

    def markers(self) -> dict:
        """Which BPMN ids to mark on which diagram: added and changed on the newer ("to"), removed
        and changed on the older ("from"). Header entries have no element and no marker."""
        def ids(*kinds: str) -> list[str]:
            return sorted({e.element_id for e in self.entries if e.kind in kinds and e.element_id})
        return {"from": {"removed": ids(REMOVED), "changed": ids(CHANGED)},
                "to": {"added": ids(ADDED), "changed": ids(CHANGED)}}
