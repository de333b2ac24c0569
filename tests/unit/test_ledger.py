"""The hash chain on its own: every kind of rewrite is named."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from engine.ledger import GENESIS, ChainedContent, StoredEvent, personal_digest, verify_chain

START = datetime(2026, 11, 28, 8, 0, tzinfo=timezone.utc)


def chain(n: int = 5) -> list[StoredEvent]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        content = ChainedContent(instance_id=1, seq=seq, occurred_at=START + timedelta(minutes=seq), actor="ani",
                                 kind="task.completed", task_id=None, bpmn_id=f"Task_{seq}", lane_id="Lane_A",
                                 data={"langkah": seq}, personal_digest=None)
        digest = content.hash_after(prev)
        events.append(StoredEvent(content, prev, digest))
        prev = digest
    return events


def kinds(events, head_seq=5, head_hash=None):
    head_hash = head_hash or chain()[-1].hash
    return [(b.seq, b.kind) for b in verify_chain(events, head_seq=head_seq, head_hash=head_hash)]


def test_an_intact_chain_verifies_in_any_storage_order():
    assert kinds(list(reversed(chain()))) == []


def test_an_edited_event_is_named():
    events = chain()
    events[2] = replace(events[2], content=replace(events[2].content, data={"langkah": 99}))
    assert kinds(events) == [(3, "altered")]


def breaks(events, head_seq=5, head_hash=None):
    return verify_chain(events, head_seq=head_seq, head_hash=head_hash or chain()[-1].hash)


def renumbered(stored: StoredEvent, seq: int) -> StoredEvent:
    return replace(stored, content=replace(stored.content, seq=seq))


def forged(seq: int, prev_hash: str, actor: str = "mallory") -> StoredEvent:
    content = replace(chain()[0].content, seq=seq, actor=actor)
    return StoredEvent(content, prev_hash, content.hash_after(prev_hash))


def test_an_edited_event_with_a_recomputed_hash_is_named_not_its_successor():
    events = chain()
    rewritten = replace(events[2].content, actor="mallory")
    events[2] = StoredEvent(rewritten, events[2].prev_hash, rewritten.hash_after(events[2].prev_hash))
    assert kinds(events) == [(3, "altered")]


def test_the_last_event_rewritten_with_a_recomputed_hash_is_caught_by_the_head():
    events = chain()
    rewritten = replace(events[4].content, actor="mallory")
    events[4] = StoredEvent(rewritten, events[4].prev_hash, rewritten.hash_after(events[4].prev_hash))
    assert kinds(events) == [(5, "altered")]


def test_a_deleted_event_is_named_by_its_own_number():
    events = chain()
    del events[1]
    found = breaks(events)
    assert [(b.seq, b.kind) for b in found] == [(2, "deleted")]
    assert found[0].message.startswith("Peristiwa #2 dihapus")


def test_a_deleted_run_is_one_finding():
    events = chain()
    del events[1:4]
    found = breaks(events)
    assert [(b.seq, b.kind, b.related) for b in found] == [(2, "deleted", (3, 4))]
    assert found[0].message.startswith("Peristiwa #2–#4 dihapus")


def test_a_deletion_with_the_rest_renumbered_is_one_finding():
    events = chain()
    del events[1]
    events = [events[0]] + [renumbered(e, e.content.seq - 1) for e in events[1:]]
    found = breaks(events)  # the head still records 5 events and the old last hash
    assert [(b.seq, b.kind) for b in found] == [(2, "deleted")]
    assert "peristiwa #3–#5 sesudahnya kini bernomor #2–#4" in found[0].detail


def test_a_deleted_last_event_is_named_by_the_head():
    found = breaks(chain()[:-1])
    assert [(b.seq, b.kind) for b in found] == [(5, "deleted")]


def test_a_deleted_last_event_with_the_head_rewritten_is_invisible_to_the_chain():
    events = chain()[:-1]
    assert kinds(events, head_seq=4, head_hash=events[-1].hash) == []  # the digest's job


def test_swapped_events_are_one_reordering():
    events = chain()
    third, fourth = events[2], events[3]
    events[2], events[3] = renumbered(third, 4), renumbered(fourth, 3)
    found = breaks(events)
    assert [(b.seq, b.kind, b.related) for b in found] == [(3, "reordered", (4,))]
    assert found[0].message.startswith("Peristiwa #3 dan #4 ditukar urutannya")


def test_a_rotation_of_three_is_one_reordering():
    events = chain()
    events[1], events[2], events[3] = renumbered(events[1], 3), renumbered(events[2], 4), renumbered(events[3], 2)
    assert [(b.seq, b.kind, b.related) for b in breaks(events)] == [(2, "reordered", (3, 4))]


def test_an_inserted_event_is_named():
    events = chain()
    events.insert(2, forged(2, events[0].hash))
    found = breaks(events)
    assert [(b.seq, b.kind) for b in found] == [(2, "inserted")]
    assert found[0].events == (2,)


def test_an_insertion_with_the_rest_renumbered_is_one_finding():
    events = chain()
    shifted = [renumbered(e, e.content.seq + 1) for e in events[2:]]
    events = events[:2] + [forged(3, events[1].hash)] + shifted
    found = breaks(events)
    assert [(b.seq, b.kind) for b in found] == [(3, "inserted")]
    assert "peristiwa #3–#5 sesudahnya kini bernomor #4–#6" in found[0].detail


def test_a_forged_tail_disagrees_with_the_head():
    events = chain()
    events.append(forged(6, events[-1].hash))
    assert kinds(events) == [(6, "inserted")]


def test_a_renumbered_head_is_named_as_the_head():
    events = chain()
    assert kinds(events, head_seq=4, head_hash=events[-1].hash) == [(None, "head")]


def test_two_kinds_at_once_are_both_named():
    events = chain()
    events[0] = replace(events[0], content=replace(events[0].content, data={"langkah": 99}))
    del events[3]
    assert kinds(events) == [(1, "altered"), (4, "deleted")]


def test_personal_digest_depends_on_salt_and_content():
    assert personal_digest("a", {"nik": "1"}) != personal_digest("b", {"nik": "1"})
    assert personal_digest("a", {"nik": "1"}) != personal_digest("a", {"nik": "2"})
    assert personal_digest("a", {"x": 1, "y": 2}) == personal_digest("a", {"y": 2, "x": 1})
