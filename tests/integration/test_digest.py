"""Digests of chain heads on SQLite and PostgreSQL: made from the event rows, chained, checked
against today's events, and the one thing that catches a consistent rewrite of a case."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from engine import digest as maths
from engine.db.tables import chain_digest, event
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.ledger import GENESIS
from tests.conftest import AUDITOR, PROCESS_OWNER, SESDEP, UPP_UNIT_KERJA
from tests.integration.chain_attacks import Attacker, case_with_events


def at(alur, moment: datetime) -> datetime:
    moment = moment.astimezone(timezone.utc)  # the engine's clock is UTC (SQLite keeps only the digits)
    alur.ctx.clock = lambda: moment
    return moment


def a_minute_later(alur) -> datetime:
    return at(alur, datetime.now(timezone.utc) + timedelta(minutes=1))


def cases(alur, n: int = 3) -> list[int]:
    return [case_with_events(alur, nama=f"Tamu {i}") for i in range(n)]


def last_events(alur) -> list[tuple[int, int, str]]:
    with alur.ctx.db.connect() as c:
        found = c.execute(select(event.c.instance_id, event.c.seq, event.c.hash).order_by(event.c.instance_id,
                                                                                           event.c.seq)).all()
    return sorted({i: (i, s, h) for i, s, h in found}.values())


def test_a_digest_holds_every_case_head_and_its_root_is_the_documented_sha256(alur):
    ids = cases(alur)
    a_minute_later(alur)
    made = alur.create_digest(AUDITOR)
    assert (made.case_count, made.event_count, made.prev_digest, made.prev_id) == (3, 21, GENESIS, None)
    shown = alur.digest(AUDITOR, made.id)
    assert [(h.instance_id, h.seq, h.hash) for h in shown.heads] == last_events(alur)
    assert [h.ticket_code for h in shown.heads] == [alur.case(AUDITOR, instance_id=i).ticket_code for i in ids]
    csv = alur.digest_csv(AUDITOR, made.id)
    by_hand = hashlib.sha256(f"alur-digest-v1\n{made.period_text}\n{GENESIS}\n{csv}".encode()).hexdigest()
    assert made.digest == by_hand
    exported = json.loads(alur.digest_export(AUDITOR, made.id))
    assert (exported["digest"], exported["heads"]) == (made.digest, [list(h) for h in last_events(alur)])
    check = alur.check_digest(AUDITOR)
    assert check.intact and check.cases_checked == check.cases_intact == 3 and check.findings == ()


def test_heads_come_from_the_events_not_from_the_case_row(alur):
    [instance_id] = cases(alur, 1)
    with Attacker(alur, instance_id) as attacker:
        attacker.set_head(2, "f" * 64)
    a_minute_later(alur)
    made = alur.digest(AUDITOR, alur.create_digest(AUDITOR).id)
    assert [(h.instance_id, h.seq, h.hash) for h in made.heads] == last_events(alur)


def test_a_consistent_rewrite_passes_verify_case_and_check_digest_names_the_case(alur):
    ids = cases(alur)
    a_minute_later(alur)
    made = alur.create_digest(AUDITOR)
    with Attacker(alur, ids[1]) as attacker:
        attacker.rewrite_consistently(3, {"tujuan": "tanya_progres"})
    assert alur.verify_case(AUDITOR, ids[1]).intact
    assert alur.verify_all(AUDITOR).intact  # the chains alone cannot tell
    check = alur.check_digest(AUDITOR, made.id)
    assert not check.intact and not check.root_matches
    [finding] = check.findings
    assert (finding.instance_id, finding.kind, finding.recorded_seq, finding.found_seq) == (ids[1], "rewritten", 7, 7)
    assert finding.ticket_code == alur.case(AUDITOR, instance_id=ids[1]).ticket_code
    assert "kepala rantai #7" in finding.message and finding.message.startswith("riwayat ditulis ulang")
    assert check.cases_intact == 2


def test_a_deleted_last_event_with_the_head_rewritten_is_named_deleted(alur):
    ids = cases(alur)
    a_minute_later(alur)
    made = alur.create_digest(AUDITOR)
    with Attacker(alur, ids[0]) as attacker:
        gone = attacker.delete_last_and_rewrite_head()
    assert alur.verify_case(AUDITOR, ids[0]).intact
    [finding] = alur.check_digest(AUDITOR, made.id).findings
    assert (finding.instance_id, finding.kind, finding.recorded_seq, finding.found_seq) == (ids[0], "deleted", gone,
                                                                                            gone - 1)


def test_a_backdated_event_is_named_inserted_but_later_events_are_fine(alur):
    ids = cases(alur)
    later = a_minute_later(alur)
    made = alur.create_digest(AUDITOR)
    at(alur, later + timedelta(minutes=5))
    alur.claim(SESDEP, alur.inbox(SESDEP)[0].id)  # a real event after the digest's period: expected
    assert alur.check_digest(AUDITOR, made.id).intact
    with Attacker(alur, ids[2]) as attacker:  # dated like the case's other events, head moved along
        forged = attacker.forge(8, attacker.rows()[-1].hash, template_seq=7)
        attacker.set_head(8, forged)
    assert alur.verify_case(AUDITOR, ids[2]).intact
    check = alur.check_digest(AUDITOR, made.id)
    assert [(f.instance_id, f.kind) for f in check.findings] == [(ids[2], "inserted")]
    assert check.findings[0].message.startswith("peristiwa disisipkan: #8 bertanggal")
    assert check.cases_moved_on == 1


def test_digests_are_chained_and_a_rewritten_digest_row_breaks_the_chain(alur):
    cases(alur, 2)
    later = a_minute_later(alur)
    first = alur.create_digest(AUDITOR)
    at(alur, later + timedelta(minutes=5))
    cases(alur, 1)
    at(alur, later + timedelta(minutes=10))
    second = alur.create_digest(AUDITOR)
    assert (second.prev_digest, second.prev_id, second.case_count) == (first.digest, first.id, 3)
    assert [d.id for d in alur.digests(AUDITOR)] == [second.id, first.id]
    assert alur.check_digest(AUDITOR).chain_problems == ()
    with alur.ctx.db.begin() as c:
        c.execute(update(chain_digest).where(chain_digest.c.id == first.id).values(digest="e" * 64))
    check = alur.check_digest(AUDITOR, second.id)
    assert [p.digest_id for p in check.chain_problems] == [second.id] and not check.intact
    assert [p.digest_id for p in alur.check_digest(AUDITOR, first.id).chain_problems] == [second.id, first.id]


def test_a_typed_root_and_an_exported_file_catch_a_rewrite_of_the_digest_rows_too(alur):
    ids = cases(alur)
    a_minute_later(alur)
    made = alur.create_digest(AUDITOR)
    printed = " ".join(maths.groups_of_eight(made.digest.upper()))
    kept = alur.digest_export(AUDITOR, made.id).encode()
    assert alur.check_digest(AUDITOR, root=printed).intact
    assert alur.check_digest(AUDITOR, exported=kept).intact
    # The attacker rewrites a case, then the stored digest to match it.
    with Attacker(alur, ids[1]) as attacker:
        attacker.rewrite_consistently(2, {"catatan": "diubah"})
    heads = last_events(alur)
    forged_root = maths.root_hash(made.period_end, GENESIS, heads)
    with alur.ctx.db.begin() as c:
        c.execute(update(chain_digest).where(chain_digest.c.id == made.id).values(
            heads_json=[list(h) for h in heads], digest=forged_root))
    assert alur.check_digest(AUDITOR, made.id).intact  # the stored row alone is fooled
    typed = alur.check_digest(AUDITOR, root=printed)
    assert not typed.intact and typed.recomputed_root is None and "tidak cocok" in typed.notes[0]
    from_file = alur.check_digest(AUDITOR, exported=kept)
    assert not from_file.intact and from_file.stored_matches is False
    assert [(f.instance_id, f.kind) for f in from_file.findings] == [(ids[1], "rewritten")]


def test_a_typed_root_finds_intact_events_when_only_the_digest_row_was_changed(alur):
    cases(alur, 2)
    a_minute_later(alur)
    made = alur.create_digest(AUDITOR)
    with alur.ctx.db.begin() as c:
        c.execute(update(chain_digest).where(chain_digest.c.id == made.id).values(digest="e" * 64))
    check = alur.check_digest(AUDITOR, root=made.digest)
    assert check.root_matches and check.stored_matches is False and not check.intact
    assert f"digest #{made.id} yang diubah" in check.notes[0]


def test_an_altered_exported_file_is_refused(alur):
    cases(alur, 1)
    a_minute_later(alur)
    doc = json.loads(alur.digest_export(AUDITOR, alur.create_digest(AUDITOR).id))
    doc["heads"][0][1] += 1
    with pytest.raises(InvalidData, match="tidak utuh") as refused:
        alur.check_digest(AUDITOR, exported=json.dumps(doc))
    assert "berkas" in refused.value.errors
    with pytest.raises(InvalidData, match="64 digit"):
        alur.check_digest(AUDITOR, root="1234")


def test_period_rules_and_roles(alur):
    cases(alur, 1)
    now = a_minute_later(alur)
    with pytest.raises(InvalidData, match="masa depan"):
        alur.create_digest(AUDITOR, now + timedelta(hours=1))
    with pytest.raises(InvalidData, match="30 detik"):
        alur.create_digest(AUDITOR, now - timedelta(seconds=5))
    made = alur.create_digest(AUDITOR)
    with pytest.raises(Conflict, match=f"digest #{made.id}"):
        alur.create_digest(AUDITOR, made.period_end - timedelta(hours=1))
    for actor in (UPP_UNIT_KERJA, SESDEP, PROCESS_OWNER):
        for call in (lambda: alur.create_digest(actor), lambda: alur.digests(actor),
                     lambda: alur.digest(actor, made.id), lambda: alur.check_digest(actor),
                     lambda: alur.digest_csv(actor, made.id)):
            with pytest.raises(Forbidden):
                call()
    with pytest.raises(NotFound):
        alur.digest(AUDITOR, made.id + 100)


def test_no_digest_yet_is_said_plainly(alur):
    with pytest.raises(NotFound, match="Belum ada digest"):
        alur.check_digest(AUDITOR)
    assert alur.ensure_daily_digests() == []


WIB = timezone(timedelta(hours=7))


def test_daily_digests_close_at_wib_midnight_and_skip_days_without_events(alur):
    at(alur, datetime(2026, 12, 1, 23, 59, tzinfo=WIB))
    [late] = cases(alur, 1)
    at(alur, datetime(2026, 12, 2, 0, 1, tzinfo=WIB))
    [early] = cases(alur, 1)
    at(alur, datetime(2026, 12, 4, 10, 0, tzinfo=WIB))  # nothing on 3 December
    alur.claim(SESDEP, alur.inbox(SESDEP)[0].id)
    assert alur.ensure_daily_digests(datetime(2026, 12, 2, 0, 0, 10, tzinfo=WIB)) == []  # still settling
    made = alur.ensure_daily_digests(datetime(2026, 12, 5, 0, 1, tzinfo=WIB))
    assert [d.period_text for d in made] == ["2026-12-01T17:00:00Z", "2026-12-02T17:00:00Z", "2026-12-04T17:00:00Z"]
    assert [d.created_by for d in made] == ["system"] * 3
    first, second, third = (alur.digest(AUDITOR, d.id) for d in made)
    assert [h.instance_id for h in first.heads] == [late]
    assert [h.instance_id for h in second.heads] == [late, early]
    assert (second.prev_digest, third.prev_digest) == (first.digest, second.digest)
    assert third.event_count == second.event_count + 1
    assert alur.ensure_daily_digests(datetime(2026, 12, 5, 0, 1, tzinfo=WIB)) == []  # nothing twice
    for d in made:
        assert alur.check_digest(AUDITOR, d.id).intact
