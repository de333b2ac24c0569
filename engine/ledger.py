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
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Iterable, Mapping

GENESIS = "0" * 64


# One encoder for every hash: json.dumps with these options would build a new one on each call
# (a third of the cost of hashing an event when every chain is verified). Same output.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_json(value) -> str:
    return _CANONICAL.encode(value)


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
        return event_hash(self.instance_id, self.seq, self.occurred_at, self.actor, self.kind, self.task_id,
                          self.bpmn_id, self.lane_id, self.data, self.personal_digest, prev_hash)


def event_hash(instance_id: int, seq: int, occurred_at: datetime, actor: str, kind: str, task_id: str | None,
               bpmn_id: str | None, lane_id: str | None, data: Mapping, personal_digest: str | None,
               prev_hash: str) -> str:
    """An event's hash: SHA-256 of the canonical JSON of its content and the previous hash."""
    body = {
        "instance_id": instance_id, "seq": seq, "occurred_at": timestamp(occurred_at), "actor": actor,
        "kind": kind, "task_id": task_id, "bpmn_id": bpmn_id, "lane_id": lane_id, "data": data,
        "personal_digest": personal_digest, "prev_hash": prev_hash,
    }
    return hashlib.sha256(_CANONICAL.encode(body).encode()).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    content: ChainedContent
    prev_hash: str
    hash: str


# Indonesian names of the kinds of break, for the auditors' pages and the CLI.
KIND_WORDS = {"altered": "diubah", "deleted": "dihapus", "inserted": "disisipkan",
              "reordered": "ditukar urutannya", "head": "tidak cocok"}


@dataclass(frozen=True)
class ChainBreak:
    """One thing wrong with a chain. `seq` names the event (None: the case's chain head itself);
    `related` names the others the same finding covers (a swap's partner, a run of deleted ones)."""
    seq: int | None
    kind: str  # altered / deleted / inserted / reordered / head
    detail: str  # Indonesian
    related: tuple[int, ...] = ()

    def __str__(self) -> str:
        # A stable prefix for scripts ("event #3: altered"), the detail for people.
        where = f"event #{self.seq}" if self.seq is not None else "chain head"
        return f"{where}: {self.kind}: {self.detail}"

    @property
    def events(self) -> tuple[int, ...]:
        return (() if self.seq is None else (self.seq,)) + self.related

    @property
    def message(self) -> str:
        """One Indonesian sentence naming the event(s), e.g. "Peristiwa #3 dan #4 ditukar urutannya: ..."."""
        if self.seq is None:
            return f"Kepala rantai kasus {KIND_WORDS.get(self.kind, self.kind)}: {self.detail}"
        return f"Peristiwa {event_numbers(self.events)} {KIND_WORDS.get(self.kind, self.kind)}: {self.detail}"


def event_numbers(seqs) -> str:
    """"#3", "#3 dan #4", "#3, #5 dan #6", "#3–#7" (a run of three or more)."""
    seqs = sorted(set(seqs))
    if len(seqs) >= 3 and seqs[-1] - seqs[0] == len(seqs) - 1:
        return f"#{seqs[0]}–#{seqs[-1]}"
    names = [f"#{s}" for s in seqs]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} dan {names[-1]}"


def verify_chain(events: Iterable[StoredEvent], *, head_seq: int, head_hash: str) -> list[ChainBreak]:
    """Check every link, then the last one against the head kept on the case. An intact chain
    costs one hash per event; only a broken one is diagnosed (see `_Diagnosis`)."""
    rows = sorted(events, key=lambda e: e.content.seq)
    if _intact(rows, head_seq, head_hash):
        return []
    return _Diagnosis(rows, head_seq, head_hash).breaks()


def _intact(rows: list[StoredEvent], head_seq: int, head_hash: str) -> bool:
    prev = GENESIS
    for expected_seq, stored in enumerate(rows, 1):
        if (stored.content.seq != expected_seq or stored.prev_hash != prev
                or stored.content.hash_after(prev) != stored.hash):
            return False
        prev = stored.hash
    return len(rows) == head_seq and prev == head_hash


@dataclass(frozen=True)
class _Entry:
    stored: StoredEvent
    seq: int  # the sequence number it is stored under now
    origin: int  # the one its hash was made with (differs when it was renumbered)
    sealed: bool  # its hash matches its content (at `origin`)


def _read(stored: StoredEvent, top: int) -> _Entry:
    content = stored.content
    if content.hash_after(stored.prev_hash) == stored.hash:
        return _Entry(stored, content.seq, content.seq, True)
    # The hash covers the sequence number: an event that was only moved hashes right under the
    # number it was made with. Broken chains are rare and short, so trying every number is cheap.
    for seq in range(1, top + 1):
        if seq != content.seq and replace(content, seq=seq).hash_after(stored.prev_hash) == stored.hash:
            return _Entry(stored, content.seq, seq, True)
    return _Entry(stored, content.seq, content.seq, False)


class _Diagnosis:
    """Name what happened to a broken chain, event by event.

    Each event's hash covers its content, its sequence number and the hash before it, so the
    events can be put back in the order they were made whatever was done to their numbers:
    - content no longer matching its hash: altered;
    - a consistent event whose successor (or the head) still records another hash for it:
      rewritten with a recomputed hash, also altered;
    - a number no event was made with: deleted (a run of them, one finding);
    - two events made with the same number, one that nothing after it refers to: inserted; so is
      an event past the head the case records;
    - events made with each other's numbers: reordered (one finding naming all of them);
    - events shifted by an insertion or a deletion are named in that finding, not one by one.
    A consistent rewrite of the whole chain and its head is not visible here: the periodic digest
    of chain heads catches that.
    """

    def __init__(self, rows: list[StoredEvent], head_seq: int, head_hash: str):
        top = max([head_seq] + [r.content.seq for r in rows]) + len(rows) + 1
        self.entries = [_read(r, top) for r in rows]
        self.head_seq, self.head_hash = head_seq, head_hash

    def breaks(self) -> list[ChainBreak]:
        chain, intruders = self._genuine()
        found: list[ChainBreak] = [ChainBreak(e.seq, "inserted", "peristiwa palsu: peristiwa sesudahnya tidak "
                                              "merujuk padanya") for e in intruders]
        found += [ChainBreak(e.seq, "altered", "isinya tidak lagi cocok dengan hash-nya")
                  for e in chain.values() if not e.sealed]
        found += self._gaps_and_links(chain)
        found += self._head(chain)
        found += self._moves(chain, found)
        return sorted(found, key=lambda b: (b.seq is None, b.seq or 0, b.kind))

    def _genuine(self) -> tuple[dict[int, _Entry], list[_Entry]]:
        """One event per original number; where two claim one, the one the chain refers to."""
        referenced = {e.stored.prev_hash for e in self.entries} | {self.head_hash}
        groups: dict[int, list[_Entry]] = {}
        for e in self.entries:
            groups.setdefault(e.origin, []).append(e)
        chain, intruders = {}, []
        for origin, group in groups.items():
            ranked = sorted(group, key=lambda e: (e.stored.hash not in referenced, e.origin == e.seq, e.seq))
            chain[origin] = ranked[0]
            intruders += ranked[1:]
        return chain, intruders

    def _gaps_and_links(self, chain: dict[int, _Entry]) -> list[ChainBreak]:
        found, gap, prev = [], [], None
        for origin in range(1, max(chain, default=0) + 1):
            entry = chain.get(origin)
            if entry is None:
                gap.append(origin)
                prev = None
                continue
            if gap:
                found.append(ChainBreak(gap[0], "deleted", "tidak ada lagi di rantai", tuple(gap[1:])))
                gap = []
            expected = GENESIS if origin == 1 else (prev.stored.hash if prev else None)
            if (expected is not None and entry.stored.prev_hash != expected and entry.sealed
                    and (prev is None or prev.sealed)):
                if origin == 1:
                    found.append(ChainBreak(entry.seq, "altered", "tidak lagi menjadi awal rantai"))
                else:
                    found.append(ChainBreak(prev.seq, "altered", "ditulis ulang dengan hash yang dihitung ulang; "
                                            f"peristiwa sesudahnya masih mencatat hash aslinya"))
            prev = entry
        return found

    def _head(self, chain: dict[int, _Entry]) -> list[ChainBreak]:
        last = max(chain, default=0)
        head_seq, head_hash = self.head_seq, self.head_hash
        hashes = {e.stored.hash: origin for origin, e in chain.items()}
        if head_seq == last:
            entry = chain.get(last)
            if entry is None or entry.stored.hash == head_hash or not entry.sealed:
                return []  # intact, empty, or already named as altered
            if hashes.get(head_hash) is None:
                return [ChainBreak(entry.seq, "altered", "ditulis ulang dengan hash yang dihitung ulang; kepala "
                                   "rantai kasus masih mencatat hash aslinya")]
            return [ChainBreak(None, "head", f"hash-nya milik peristiwa #{hashes[head_hash]}, bukan #{last}")]
        if head_seq > last:
            if head_hash in hashes:
                return [ChainBreak(None, "head", f"mencatat {head_seq} peristiwa, tetapi hash-nya milik "
                                   f"peristiwa #{hashes[head_hash]}")]
            missing = tuple(range(last + 1, head_seq + 1))
            return [ChainBreak(missing[0], "deleted", f"peristiwa terakhir hilang; kepala rantai kasus mencatat "
                               f"{head_seq} peristiwa", missing[1:])]
        if hashes.get(head_hash) == last:
            return [ChainBreak(None, "head", f"mencatat {head_seq} peristiwa, tetapi hash-nya milik peristiwa "
                               f"terakhir #{last}")]
        return [ChainBreak(chain[o].seq, "inserted", f"ditambahkan setelah kepala rantai kasus (#{head_seq})")
                for o in range(head_seq + 1, last + 1) if o in chain]

    def _moves(self, chain: dict[int, _Entry], found: list[ChainBreak]) -> list[ChainBreak]:
        """Swapped numbers are one reordering; numbers shifted by an insertion or a deletion are
        told in that finding; anything else moved is named on its own."""
        moved = {e.seq: e.origin for e in chain.values() if e.origin != e.seq}
        out, in_cycles = [], set()
        for start in sorted(moved):
            if start in in_cycles:
                continue
            cycle, at = [start], moved[start]
            while at in moved and at not in cycle:
                cycle.append(at)
                at = moved[at]
            if at == start:
                in_cycles.update(cycle)
                seqs = sorted(cycle)
                out.append(ChainBreak(seqs[0], "reordered", "nomor urutnya saling dipertukarkan; isinya utuh",
                                      tuple(seqs[1:])))
        shifted = sorted(s for s in moved if s not in in_cycles)
        if not shifted:
            return out
        cause = next((i for i, b in enumerate(found) if b.kind in ("inserted", "deleted") and b.seq is not None), None)
        if cause is None:
            return out + [ChainBreak(s, "altered", f"nomor urutnya diubah (semula #{moved[s]})") for s in shifted]
        b = found[cause]
        found[cause] = replace(b, detail=f"{b.detail}; peristiwa {event_numbers(moved[s] for s in shifted)} "
                                         f"sesudahnya kini bernomor {event_numbers(shifted)}")
        return out
