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


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link():
    events = chain()
    forged = replace(events[2].content, actor="mallory")
    events[2] = StoredEvent(forged, events[2].prev_hash, forged.hash_after(events[2].prev_hash))
    assert kinds(events) == [(4, "unlinked")]


def test_a_deleted_event_is_named():
    events = chain()
    del events[1]
    assert kinds(events) == [(3, "deleted")]


def test_a_deleted_last_event_is_caught_by_the_head():
    assert kinds(chain()[:-1]) == [(None, "deleted")]


def test_swapped_events_are_named():
    events = chain()
    third, fourth = events[2], events[3]
    events[2] = replace(third, content=replace(third.content, seq=4))
    events[3] = replace(fourth, content=replace(fourth.content, seq=3))
    # Both moved events are named; the one after them no longer links to its new predecessor.
    assert kinds(events) == [(3, "altered"), (4, "altered"), (5, "unlinked")]


def test_an_inserted_event_is_named():
    events = chain()
    intruder = replace(events[1].content, actor="mallory")
    events.insert(2, StoredEvent(intruder, events[0].hash, intruder.hash_after(events[0].hash)))
    assert (2, "inserted") in kinds(events)


def test_a_forged_tail_disagrees_with_the_head():
    events = chain()
    extra = replace(events[-1].content, seq=6)
    events.append(StoredEvent(extra, events[-1].hash, extra.hash_after(events[-1].hash)))
    assert kinds(events) == [(None, "inserted")]


def test_personal_digest_depends_on_salt_and_content():
    assert personal_digest("a", {"nik": "1"}) != personal_digest("b", {"nik": "1"})
    assert personal_digest("a", {"nik": "1"}) != personal_digest("a", {"nik": "2"})
    assert personal_digest("a", {"x": 1, "y": 2}) == personal_digest("a", {"y": 2, "x": 1})
