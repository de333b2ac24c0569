"""In-process caches of what never changes (definitions, compiled specs), of the workflow a
process last committed for a case (served only for exactly that revision and chain head), and,
for two seconds, of who a session's account or an API token is."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.state_codec import CompiledProcess, compile_spec_json


@dataclass(frozen=True)
class PinnedDefinition:
    """The columns of a process_definition row that never change once it is stored (its status
    and change note may, so they are left out: a case reads only these)."""
    id: int
    process_key: str
    version: int
    sha256: str
    name: str
    steps_json: dict
    lanes_json: list
    sop_header_json: dict
    forms_json: dict
    created_by: str
    created_at: datetime

    @classmethod
    def from_row(cls, row) -> "PinnedDefinition":
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


class WorkflowCache:
    """Instance id -> the live workflow this process last committed for it, with the revision
    and event-chain head it was committed at.

    A use case takes the workflow only when the case row it read, in its own transaction, has
    exactly that revision and chain head (the head is a hash over the whole history, so no other
    state can carry it); anything else is a miss and the state is deserialized from the row.
    Taking removes the entry, so the use case owns the object: on any error or rollback it is
    simply dropped, and it goes back in only after a commit succeeded (Case.keep_after_commit).
    """

    def __init__(self, limit: int = 512):
        self._items: OrderedDict[int, tuple[int, str, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit
        self.hits = self.misses = 0  # for the bench; approximate under threads

    def take(self, instance_id: int, revision: int, event_head: str) -> BpmnWorkflow | None:
        with self._lock:
            entry = self._items.pop(instance_id, None)
        if entry is not None and entry[0] == revision and entry[1] == event_head:
            self.hits += 1
            return entry[2]
        self.misses += 1
        return None

    def put(self, instance_id: int, revision: int, event_head: str, workflow: BpmnWorkflow) -> None:
        with self._lock:
            self._items.pop(instance_id, None)
            self._items[instance_id] = (revision, event_head, workflow)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)

    def advance(self, instance_id: int, old: tuple[int, str], new: tuple[int, str]) -> None:
        """After a committed change that left the workflow as it was (a claim, say)."""
        with self._lock:
            entry = self._items.get(instance_id)
            if entry is not None and entry[:2] == old:
                self._items[instance_id] = (*new, entry[2])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class CompiledCache:
    """Definition id -> CompiledProcess, and -> PinnedDefinition. Definitions never change once
    stored, so no eviction is needed beyond a size bound. One per EngineContext (per database),
    which also holds the process's WorkflowCache."""

    def __init__(self, limit: int = 64):
        self._items: dict[int, CompiledProcess] = {}
        self._definitions: dict[int, PinnedDefinition] = {}
        self._lock = threading.Lock()
        self._limit = limit
        self.workflows = WorkflowCache()

    def definition(self, definition_id: int, load_row) -> PinnedDefinition | None:
        """The definition's fixed columns; parsing its JSON columns (the pinned forms are the
        bulk) on every completion cost more than the rest of the row reads together."""
        pinned = self._definitions.get(definition_id)
        if pinned is None:
            row = load_row()
            if row is None:
                return None
            pinned = PinnedDefinition.from_row(row)
            with self._lock:
                if len(self._definitions) >= self._limit:
                    self._definitions.pop(next(iter(self._definitions)))
                self._definitions[definition_id] = pinned
        return pinned

    def get(self, definition_id: int, load_spec_json) -> CompiledProcess:
        compiled = self._items.get(definition_id)
        if compiled is None:
            compiled = compile_spec_json(load_spec_json())
            with self._lock:
                if len(self._items) >= self._limit:
                    self._items.pop(next(iter(self._items)))
                self._items[definition_id] = compiled
        return compiled


IDENTITY_TTL_SECONDS = 2.0
_IDENTITY_LIMIT = 10_000
# One generation for the whole process: an admin's change made through any Alur in it (the web's,
# a CLI command run in-process, a test's second engine on the same file) voids every cached answer.
_identity_generation = 0
_identity_lock = threading.Lock()


class IdentityCache:
    """(kind, key) -> what a session's username or an API token's digest stands for (an Actor, and
    for a token when its use is next due to be recorded), kept IDENTITY_TTL_SECONDS.

    Every staff page and every API call asks who is calling; the answer changes only when an admin
    changes an account or a token is revoked. Those use cases call invalidate() once they have
    committed, so in this process the change counts from the very next request. Another process
    sharing the database (a second `alur serve`, the `alur users` CLI) cannot reach this cache: there
    a deactivation, a removed role or a revoked token takes effect within IDENTITY_TTL_SECONDS.

    Only answers that let someone in are kept (a refusal is read afresh each time), and an answer
    read before an invalidation is never stored after it (the generation it was read at is checked).
    """

    def __init__(self, ttl: float = IDENTITY_TTL_SECONDS):
        self.ttl = ttl
        self._items: dict[tuple[str, str], tuple[float, int, object]] = {}

    @property
    def generation(self) -> int:
        """Take it before reading the database; hand it to put() with what was read."""
        return _identity_generation

    def get(self, kind: str, key: str):
        entry = self._items.get((kind, key))
        if entry is None or entry[0] < time.monotonic() or entry[1] != _identity_generation:
            return None
        return entry[2]

    def put(self, kind: str, key: str, value, generation: int) -> None:
        if self.ttl <= 0:
            return
        with _identity_lock:
            if generation != _identity_generation:  # an account or token changed since it was read
                return
            if len(self._items) >= _IDENTITY_LIMIT:  # one entry per user or token in use: never, really
                self._items.clear()
            self._items[(kind, key)] = (time.monotonic() + self.ttl, generation, value)

    def invalidate(self) -> None:
        global _identity_generation
        with _identity_lock:
            _identity_generation += 1
            self._items.clear()
