"""The hash chain over a case's events: pure functions, no database.

Each event's hash covers its own content and the hash of the event before it, so editing,
deleting, inserting or reordering any event breaks every link after it. Personal fields are
not in the chained content: only a salted digest of them is, so a retention purge can erase
them and the chain still verifies.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Mapping

GENESIS = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def personal_digest(salt: str, personal: Mapping) -> str:
    return hashlib.sha256((salt + canonical_json(personal)).encode()).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def timestamp(moment: datetime) -> str:
    # UTC, microseconds, no zone suffix: SQLite hands datetimes back naive, PostgreSQL aware.
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ChainedContent:
    instance_id: int
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    task_id: str | None
    bpmn_id: str | None
    lane_id: str | None
    data: Mapping
    personal_digest: str | None

    def hash_after(self, prev_hash: str) -> str:
        body = {
            "instance_id": self.instance_id, "seq": self.seq, "occurred_at": timestamp(self.occurred_at),
            "actor": self.actor, "kind": self.kind, "task_id": self.task_id, "bpmn_id": self.bpmn_id,
            "lane_id": self.lane_id, "data": self.data, "personal_digest": self.personal_digest,
            "prev_hash": prev_hash,
        }
        return hashlib.sha256(canonical_json(body).encode()).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    content: ChainedContent
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None
    kind: str  # altered / deleted / inserted / reordered / head_mismatch
    detail: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" if self.seq is not None else "chain head"
        return f"{where}: {self.kind}: {self.detail}"


def verify_chain(events: Iterable[StoredEvent], *, head_seq: int, head_hash: str) -> list[ChainBreak]:
    """Check every link in sequence order, then the last one against the head kept on the case.

    A moved event changes its sequence number, which its hash covers, so a reordering shows as
    altered events; a removed one leaves a gap; a forged one appended at the end disagrees with
    the head unless the head was rewritten too (the periodic digest catches that).
    """
    breaks: list[ChainBreak] = []
    expected_prev, expected_seq = GENESIS, 1
    for stored in sorted(events, key=lambda e: e.content.seq):
        seq = stored.content.seq
        numbering_broken = seq != expected_seq
        if seq > expected_seq:
            missing = f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}..#{seq - 1}"
            breaks.append(ChainBreak(seq, "deleted", f"event {missing} before it is missing"))
        elif seq < expected_seq:
            breaks.append(ChainBreak(seq, "inserted", f"a second event claims sequence #{seq}"))
        if stored.content.hash_after(stored.prev_hash) != stored.hash:
            breaks.append(ChainBreak(seq, "altered", "its content no longer matches its hash"))
        elif stored.prev_hash != expected_prev and not numbering_broken:
            breaks.append(ChainBreak(seq, "unlinked", "it does not link to the event before it"))
        expected_prev = stored.hash
        expected_seq = max(expected_seq, seq + 1)
    last_seq = expected_seq - 1
    if last_seq < head_seq:
        breaks.append(ChainBreak(None, "deleted", f"the case records {head_seq} events, only {last_seq} remain"))
    elif last_seq > head_seq:
        breaks.append(ChainBreak(None, "inserted", f"the case records {head_seq} events, {last_seq} found"))
    elif expected_prev != head_hash:
        breaks.append(ChainBreak(None, "altered", "the last event's hash differs from the case's chain head"))
    return breaks
